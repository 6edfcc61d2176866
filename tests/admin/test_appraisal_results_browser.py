"""Console pages for results in a real browser (Playwright + Debian chromium): 考核结果 (compute,
the quota card with the rounding rule, a confirmation over the quota refused with the numbers, the
SVG distribution chart, publish) and the queues (an objection answered, a review decided with
deadlines shown). Scope over HTTP. Screenshots under test-output/admin/ars-*.png."""
import os

import pytest

from tests.admin.test_console_browser import CHROMIUM, browser, new_page, shot  # noqa: F401
from tests.admin.test_leave_browser import as_staff
from tests.appraisal import results_support as rs

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")


def hr_page(new_page, server, staff, now):
    page = as_staff(new_page, server, staff)
    page.context.set_extra_http_headers({"X-Mingjing-Now": rs.at(now)["X-Mingjing-Now"]})
    return page


def test_results_quota_chart_publish_and_queues(new_page, server, org, f, api):
    people = [org.office_1, org.office_2, org.office_leader, org.fin_1, org.fin_2, org.hr_1, org.hr_2]
    c = f.cycle(org.a, participants=people, phases={})
    rs.scored(server, c, list(zip(people, [96, 93, 91, 85, 72, 64, 50])), org.a_head)
    page = hr_page(new_page, server, org.a_hr_officer, rs.SCORED)
    page.click("nav.sidenav a:has-text('考核结果')")
    assert "还没有结果" in page.inner_text("#results-table")
    page.click("#btn-compute")
    assert "已计算 7 人的结果" in page.inner_text(".notice.ok")
    assert page.inner_text("#quota-card [data-q=limit]") == "1"
    assert page.inner_text("#quota-card [data-q=proposed]") == "3"
    assert "向下取整" in page.inner_text("#quota-rule") and "5 人及以上时至少 1 名" in page.inner_text("#quota-rule")
    assert page.locator("#distribution svg rect[data-grade=excellent]").count() >= 1
    shot(page, "ars-01-computed")
    page.click("#btn-accept")
    msg = page.inner_text(".notice.bad")
    assert "超出名额" in msg and "名额 1 名" in msg and "本次申请 3 名" in msg
    shot(page, "ars-02-quota-refused")
    page.select_option(f"select[name=grade_{org.office_2.id}]", "competent")
    page.select_option(f"select[name=grade_{org.office_leader.id}]", "competent")
    page.click("#btn-confirm")
    assert "已确认 2 人的等次" in page.inner_text(".notice.ok")
    page.click("#btn-accept")
    assert "已确认 5 人的等次" in page.inner_text(".notice.ok")
    assert page.inner_text("#quota-card [data-q=confirmed]") == "1"
    page.click("#btn-publish")
    assert "已公示，公示期 5 个工作日" in page.inner_text(".notice.ok")
    assert "公示" in page.inner_text("#quota-rule")
    assert page.locator("#btn-close").count() == 1
    shot(page, "ars-03-published")

    # an objection and a review, then the queues
    hdr = rs.at(rs.day(rs.PUBLISH_DAY, 1))
    rs.client(api, org.fin_2).post(f"/api/appraisal/cycles/{c.id}/objections",
                                   {"text": "财务科等次分布与实际工作不符", "about_staff_id": org.fin_1.id}, headers=hdr)
    result = rs.results(server, c)[org.hr_2.id]
    r = rs.client(api, org.hr_2).post(f"/api/appraisal/results/{result.id}/reviews",
                                      {"reason": "本人全年完成档案数字化3200卷，请求复核评分"}, headers=hdr)
    assert r.status == 201, r
    page.click("#queues-link")
    assert "财务科等次分布" in page.inner_text("#objections")
    req = page.locator(f"#requests tr[data-request='{r.data['id']}']")
    assert "2027-02-05" in req.inner_text() and "剩 32 天" in req.inner_text()   # the page clock: 4 January
    shot(page, "ars-04-queues")
    page.fill(f"#objections tr[data-objection] input[name=answer]", "经核实，财务科等次按评分结果确定，符合规定。")
    page.click("#objections button:has-text('答复')")
    assert "已答复" in page.inner_text(".notice.ok")
    req = page.locator(f"#requests tr[data-request='{r.data['id']}']")
    req.locator("select[name=outcome]").select_option("upheld")
    req.locator("select[name=adjusted_grade]").select_option("basically_competent")
    req.locator("input[name=reason]").fill("经复核，漏计档案数字化工作量，调整为基本称职")
    req.locator("button:has-text('作出决定')").click()
    assert "已作出决定" in page.inner_text(".notice.ok")
    assert "调整为基本称职" in page.inner_text("#requests")
    shot(page, "ars-05-decided")
    assert rs.results(server, c)[org.hr_2.id].adjusted_grade == "basically_competent"


def test_results_pages_scope(server, api, f, org):
    from tests.admin.test_leave_pages import console_as
    c = f.cycle(org.a, participants=[org.office_1, org.fin_1], phases={})
    rs.scored(server, c, [(org.office_1, 80), (org.fin_1, 70)], org.a_head)
    rs.compute(api, org.a_hr_officer, c)
    b = console_as(server, org.b_hr_officer)
    r = b.get(f"/admin/appraisal/results/{c.id}/queues")
    assert r.status_code == 404
    r = b.get(f"/admin/appraisal/results?cycle_id={c.id}")
    assert r.status_code == 200 and c.name not in r.text
    # a department-scoped HR officer of another department sees no rows of this one
    fin_hr = f.staff(org.a_fin, "财务人事", employee_no="A-FHR")
    f.grant(fin_hr, "hr_officer", "dept_tree", dept=org.a_fin)
    r = console_as(server, fin_hr).get(f"/admin/appraisal/results?cycle_id={c.id}")
    assert r.status_code == 200 and org.office_1.name not in r.text and org.fin_1.name in r.text
