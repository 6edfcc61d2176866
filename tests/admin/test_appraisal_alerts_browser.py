"""Console pages for integrity alerts in a real browser (Playwright + Debian chromium): the dashboard
(compute, counts by severity and kind, filters, the list), an alert's drill-down with the rows behind
it, the dismissal form (a short reason refused, then dismissed; who/when/why shown), the discipline
inspector reading everything but without the form; scope over HTTP. Screenshots under
test-output/admin/aal-*.png."""
import datetime
import os

import pytest

from tests.admin.test_console_browser import CHROMIUM, browser, new_page, shot  # noqa: F401
from tests.admin.test_leave_browser import as_staff
from tests.admin.test_leave_pages import console_as
from tests.appraisal import alerts_support as al

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")


def scene(f, org):
    """A 2026 cycle of 甲局 with three findings: 优秀 with late days (办公室), a related rater
    (财务科), a change after the deadline (财务科)."""
    c = al.cycle(f, org, al.everyone(org))
    f.result(c, org.office_1, 92, grade="excellent")
    f.day_statuses(org.office_1, [f"2026-03-{d:02d}" for d in (2, 3, 4, 5, 6, 9)], "late")
    f.result(c, org.office_2, 80, grade="competent")
    f.relationship(org.fin_1, org.fin_leader, kind="spouse")
    f.sheet(c, org.fin_1, org.fin_leader, total=90)
    late = f.sheet(c, org.fin_2, org.fin_leader, total=85)
    f.score_change(late, at=datetime.datetime(2027, 1, 3, 2))
    return c


def test_alert_dashboard_drill_down_and_dismissal(new_page, server, org, f):
    c = scene(f, org)
    page = as_staff(new_page, server, org.a_hr_officer)
    page.click("nav.sidenav a:has-text('廉洁风险预警')")
    assert "尚未计算" in page.inner_text("#alerts")
    page.click("#compute-form button[type=submit]")
    assert "发现 3 条预警" in page.inner_text(".notice.ok")
    assert page.inner_text("#severity-counts [data-severity='high']") == "2"
    assert page.inner_text("#severity-counts [data-severity='warning']") == "1"
    kinds = page.locator("#kind-counts tr[data-kind='attendance_contradiction'] td").all_inner_texts()
    assert [x.strip() for x in kinds[:4]] == ["与考勤记录矛盾", "1", "0", "0"]
    assert page.locator("#alerts tbody tr[data-alert]").count() == 3
    shot(page, "aal-01-dashboard")

    # filter by department: 财务科 has two
    page.select_option("#f-dept", label="财务科")
    page.click("#alert-filter button[type=submit]")
    assert page.locator("#alerts tbody tr[data-alert]").count() == 2
    assert "办公室" not in page.inner_text("#alerts")
    page.select_option("#f-dept", label="全部")
    page.select_option("#f-kind", "attendance_contradiction")
    page.click("#alert-filter button[type=submit]")
    rows = page.locator("#alerts tbody tr[data-alert]")
    assert rows.count() == 1 and org.office_1.name in rows.inner_text()

    # drill-down: the attendance days behind it
    rows.locator("a:has-text('查看依据')").click()
    assert "迟到 6 天" in page.inner_text("#alert-title")
    assert page.locator("#rows-days tbody tr").count() == 6 and "2026-03-02" in page.inner_text("#rows-days")
    assert "优秀" in page.inner_text("#rows-results")
    shot(page, "aal-02-drill-down")

    # a reason that is too short is refused and nothing changes
    page.fill("#dismiss-reason", "没问题")
    page.click("#dismiss-form button[type=submit]")
    assert "至少 10 个字" in page.inner_text("#dismiss-error")
    assert page.inner_text("#alert-status") == "待处理"
    shot(page, "aal-03-reason-refused")
    page.fill("#dismiss-reason", "已核实：3月2日至9日参加省委党校集中培训，考勤按出差补录")
    page.click("#dismiss-form button[type=submit]")
    assert "已排除该预警" in page.inner_text(".notice.ok")
    assert page.inner_text("#alert-status") == "已排除"
    dismissal = page.inner_text("#dismissal")
    assert org.a_hr_officer.name in dismissal and "省委党校" in dismissal
    assert page.locator("#dismiss-form").count() == 0
    shot(page, "aal-04-dismissed")
    [entry] = al.audits(server, "appraisal.alert.dismiss")
    assert "省委党校" in entry.after["reason"]

    # the dismissed list shows who / when / why
    page.goto(f"/admin/appraisal/alerts?cycle_id={c.id}&status=dismissed")
    listed = page.inner_text("#alerts")
    assert "已排除" in listed and org.a_hr_officer.name in listed and "省委党校" in listed

    # the related rater's drill-down: the relationship row
    page.goto(f"/admin/appraisal/alerts?cycle_id={c.id}&kind=related_rater")
    page.click("#alerts a:has-text('查看依据')")
    assert "配偶" in page.inner_text("#rows-relationships") and org.fin_leader.name in page.inner_text("#rows-sheets")
    shot(page, "aal-05-related-rater")


def test_inspector_reads_without_dismissing_and_scope(new_page, server, org, f, api):
    c = scene(f, org)
    al.compute(api, org.a_hr_officer, c)
    [office_alert] = [a for a in al.rows(server, c) if a.kind == "attendance_contradiction"]
    inspector = f.staff(org.a_office, "纪检监督员")
    f.grant(inspector, "discipline_inspector", "unit_tree", unit=org.a)
    page = as_staff(new_page, server, inspector)
    page.click("nav.sidenav a:has-text('廉洁风险预警')")
    assert page.locator("#compute-form").count() == 0
    assert page.locator("#alerts tbody tr[data-alert]").count() == 3
    page.click(f"#alerts tr[data-alert='{office_alert.id}'] a:has-text('查看依据')")
    assert page.locator("#dismiss-form").count() == 0
    assert "排除须由人事部门办理" in page.inner_text("#dismiss-readonly")
    assert page.locator("#rows-days tbody tr").count() == 6
    shot(page, "aal-06-inspector")

    # over HTTP: the inspector cannot post a dismissal; another unit's HR sees nothing
    insp = console_as(server, inspector)
    r = insp.post(f"/admin/appraisal/alerts/{office_alert.id}/dismiss", {"reason": "纪检人员尝试排除这条预警"})
    assert r.status_code == 403
    b = console_as(server, org.b_hr_officer)
    assert b.get(f"/admin/appraisal/alerts/{office_alert.id}").status_code == 404
    assert b.post(f"/admin/appraisal/alerts/{office_alert.id}/dismiss", {"reason": "乙局人事专员尝试排除"}).status_code == 404
    assert b.post(f"/admin/appraisal/alerts/cycle/{c.id}/compute", {}).status_code == 404
    assert org.office_1.name not in b.get(f"/admin/appraisal/alerts?cycle_id={c.id}").text
    assert [a.status for a in al.rows(server, c)] == ["open"] * 3
