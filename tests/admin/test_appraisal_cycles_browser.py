"""Appraisal-cycle console pages in a real browser (Playwright + Debian chromium): create a cycle
(a holiday deadline refused with a suggestion), launch it, the frozen list with exclusions,
remove/add/reopen with a reason, indicators with coverage, a template, the progress monitor.
Screenshots under test-output/admin/apr-*.png."""
import datetime

import pytest

from tests.admin.test_console_browser import CHROMIUM, browser, new_page, shot  # noqa: F401
from tests.admin.test_leave_browser import as_staff
from tests.appraisal.cycles_support import NOW, approved_leave, d, goal_set_row

pytestmark = pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="Debian chromium not installed")


def hr_page(new_page, server, staff):
    page = as_staff(new_page, server, staff)
    page.context.set_extra_http_headers({"X-Mingjing-Now": NOW})
    return page


def test_create_launch_participants_indicators_monitor(new_page, server, org, f):
    newcomer = f.staff(org.a_office, "新入职甲", hire_date=datetime.date(2026, 10, 20))
    sick = f.staff(org.a_fin, "病休乙")
    approved_leave(server, sick, d("2026-01-05"), d("2026-08-31"), code="sick")
    page = hr_page(new_page, server, org.a_hr_officer)
    page.click("nav.sidenav a:has-text('考核周期')")
    page.click("#new-cycle")
    page.fill("#f-name", "2026年度考核")
    dates = {"goal_setting": ("2026-01-05", "2026-01-30"), "progress": ("2026-02-02", "2026-10-01"),
             "self_assessment": ("2026-12-01", "2026-12-15"), "scoring": ("2026-12-16", "2026-12-31"),
             "publication": ("2027-01-04", "2027-01-08"), "appeals": ("2027-01-11", "2027-01-22")}
    for code, (opens, closes) in dates.items():
        page.fill(f"#ph-{code}-opens", opens)
        page.fill(f"#ph-{code}-closes", closes)
    page.fill("#f-hired", "2026-10-01")
    shot(page, "apr-01-cycle-form")
    page.click("#save-cycle")
    error = page.inner_text("#form-error")
    assert "国庆节" in error and "建议改为" in error
    shot(page, "apr-02-holiday-refused")
    page.fill("#ph-progress-closes", "2026-11-30")
    page.click("#save-cycle")
    assert "已新建考核周期" in page.inner_text(".notice.ok")
    assert page.inner_text("#cycle-status") == "筹备中"
    page.click("#launch-cycle")
    assert "已启动" in page.inner_text(".notice.ok")
    assert page.inner_text("[data-count=excluded]") == "2"
    shot(page, "apr-03-launched")
    # The frozen list: exclusions with their reasons.
    page.click(".att-tabs a:has-text('参与人员')")
    assert "新入职" in page.inner_text("tr[data-name='新入职甲']")
    assert "长期休假" in page.inner_text("tr[data-name='病休乙']")
    row = page.locator("tr[data-name='办公室职工二']")
    row.locator("input[name=reason]").fill("借调市委办")
    row.locator("button:has-text('移出')").click()
    assert "已将办公室职工二移出本次考核" in page.inner_text(".notice.ok")
    page.fill("#a-no", newcomer.employee_no)
    page.fill("#a-reason", "试用期满，参加考核")
    page.click("#add-form button")
    assert "已将新入职甲加入本次考核" in page.inner_text(".notice.ok")
    assert "试用期满，参加考核" in page.inner_text("tr[data-name='新入职甲']")
    page.fill("#r-no", org.office_1.employee_no)
    page.select_option("#r-phase", "goal_setting")
    page.fill("#r-until", "2026-02-13")
    page.fill("#r-reason", "病假返岗补填目标")
    page.click("#reopen-form button")
    assert "已为办公室职工一重新开放“目标设定”" in page.inner_text(".notice.ok")
    assert "病假返岗补填目标" in page.inner_text("#reopenings-table")
    shot(page, "apr-04-participants")
    # Indicators with coverage.
    page.click(".att-tabs a:has-text('部门指标')")
    page.select_option("#i-dept", str(org.a_office.id))
    page.fill("#i-title", "政务服务办件量")
    page.fill("#i-code", "gov.cases")
    page.fill("#i-target", "12000")
    page.fill("#i-unit", "件")
    page.fill("#i-weight", "30")
    page.click("#save-indicator")
    assert "已新增部门指标" in page.inner_text(".notice.ok")
    cid = int(page.url.split("/cycles/")[1].split("/")[0])
    from models.appraisal.cycles import DeptIndicator
    ind = server.run(DeptIndicator.aget(DeptIndicator.cycle == cid))
    goal_set_row(server, cid, org.office_1, "confirmed", confirmed=True, items=[("a", 40, ind.id), ("b", 60, None)])
    goal_set_row(server, cid, org.office_leader, "submitted", items=[("a", 30, ind.id), ("b", 70, None)])
    goal_set_row(server, cid, org.hr_1, "returned")
    goal_set_row(server, cid, org.fin_1, "draft")
    page.reload()
    assert page.inner_text("tr[data-indicator='政务服务办件量'] [data-people]") == "2"
    shot(page, "apr-05-indicators")
    # A template.
    page.click(".att-tabs a:has-text('目标模板')")
    page.fill("#t-name", "通用目标")
    page.locator("input[name=item_title]").nth(0).fill("完成年度重点工作")
    page.locator("input[name=item_weight]").nth(0).fill("70")
    page.locator("input[name=item_criteria]").nth(0).fill("按期保质完成")
    page.locator("input[name=item_title]").nth(1).fill("办件量")
    page.locator("select[name=item_kind]").nth(1).select_option("quantitative")
    page.locator("input[name=item_target]").nth(1).fill("1200")
    page.locator("input[name=item_weight]").nth(1).fill("30")
    page.click("#save-template")
    assert "权重合计 100" in page.inner_text("[data-template='通用目标']")
    shot(page, "apr-06-templates")
    # The monitor.
    page.click(".att-tabs a:has-text('进度监控')")
    assert page.inner_text("[data-count=submitted]") == "1"
    assert page.inner_text("[data-count=returned]") == "1"
    assert "待 办公室负责人 审核" not in page.inner_text("#bucket-submitted")   # no approval instance here
    assert "办公室负责人" in page.inner_text("#bucket-submitted")
    assert "人事科职工二" in page.inner_text("#bucket-not_started")
    shot(page, "apr-07-monitor")
    page.select_option("#m-dept", str(org.a_office.id))
    page.wait_for_url("**department_id=*")
    assert [t.strip() for t in page.locator("#monitor-depts tbody td:first-child").all_inner_texts()] == ["办公室"]
    page.click(".att-tabs a:has-text('概况')")
    row = page.locator("#phases-table tr[data-phase='goal_setting']")
    row.locator("input[name=closes_on]").fill("2026-01-29")
    row.locator("input[name=reason]").fill("春节前完成")
    row.locator("button").click()
    assert "已调整“目标设定”的日期" in page.inner_text(".notice.ok")
    shot(page, "apr-08-overview")
    page.goto("/admin/appraisal/cycles")
    assert "2026年度考核" in page.inner_text("#cycles-table")
    shot(page, "apr-09-list")


def test_other_unit_sees_404_and_narrow_screen(new_page, server, org, api):
    from tests.appraisal.cycles_support import as_, launched_cycle
    c = launched_cycle(as_(api, org.a_hr_officer))
    page = hr_page(new_page, server, org.b_hr_officer)
    resp = page.goto(f"/admin/appraisal/cycles/{c['id']}/participants")
    assert resp.status == 404
    shot(page, "apr-10-other-unit-404")
    narrow = as_staff(new_page, server, org.a_hr_officer, width=420)
    narrow.context.set_extra_http_headers({"X-Mingjing-Now": NOW})
    narrow.goto(f"/admin/appraisal/cycles/{c['id']}/monitor")
    shot(narrow, "apr-11-monitor-narrow")
