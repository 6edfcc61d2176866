"""Console pages for scoring in a real browser (Playwright + Debian chromium): 评分进度 (generate the
sheets, per-department counts, one department's people with their raters, every recusal with its
reason) and 亲属关系 (find a person, register a relationship, a refusal shown, revoke: the row
stays). Scope over HTTP. Screenshots under test-output/admin/asc-*.png."""
import os

import pytest

from tests.admin.test_console_browser import CHROMIUM, browser, new_page, shot  # noqa: F401
from tests.admin.test_leave_browser import as_staff
from tests.admin.test_leave_pages import console_as
from tests.appraisal import scoring_support as ss

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")


def hr_page(new_page, server, staff):
    page = as_staff(new_page, server, staff)
    page.context.set_extra_http_headers({"X-Mingjing-Now": ss.SCORING})
    return page


def test_scoring_progress_and_relationships(new_page, server, org, f, api):
    ss.relate(api, org.office_1, org.office_leader, "spouse")
    c = ss.cycle(f, org, [org.office_1, org.office_2, org.office_leader, org.fin_1, org.fin_2])
    gs = ss.confirmed(api, org, c, org.office_2, org.office_leader)
    page = hr_page(new_page, server, org.a_hr_officer)
    page.click("nav.sidenav a:has-text('评分进度')")
    assert "还没有评分表" in page.inner_text("#scoring-depts")
    page.click("#generate-form button[type=submit]")
    assert "已生成 5 张评分表，回避 2 人次" in page.inner_text(".notice.ok")
    office = page.locator("#scoring-depts tr[data-dept='办公室']")
    assert [x.strip() for x in office.locator("td").all_inner_texts()[:6]] == ["办公室", "3", "3", "0", "0", "2"]
    recusals = page.inner_text("#recusals")
    assert "夫妻关系" in recusals and "本人不能为自己评分" in recusals and org.a_deputy.name in recusals
    shot(page, "asc-01-progress")

    # the office leader scores office_2 and submits; the page follows
    sheet = ss.live(server, c, org.office_2)[0]
    k = [i["key"] for i in gs["confirmed"]["items"]]
    ss.report(api, org.office_2, gs, k[0], 1200, "2026-05-01")
    ss.report(api, org.office_2, gs, k[1], 24, "2026-05-01")
    r = ss.client(api, org.office_leader).post(
        f"/api/appraisal/sheets/{sheet.id}/submit",
        {"entries": [{"key": k[2], "score": 92, "justification": ss.GOOD}]}, headers=ss.at(ss.SCORING))
    assert r.status == 200, r
    page.reload()
    office = page.locator("#scoring-depts tr[data-dept='办公室']")
    assert [x.strip() for x in office.locator("td").all_inner_texts()[:5]] == ["办公室", "3", "2", "0", "1"]
    office.locator("a:has-text('查看人员')").click()
    people = page.inner_text("#scoring-people")
    assert org.office_2.name in people and "已提交" in people and "97.6" in people
    assert org.fin_1.name not in people
    shot(page, "asc-02-department-people")

    # relationships: find, register (a mismatched name refused first), revoke
    page.click("nav.sidenav a:has-text('亲属关系')")
    page.fill("#rel-q", org.fin_1.name)
    page.click("#staff-search button[type=submit]")
    page.click(f"#staff-found tr:has-text('{org.fin_1.employee_no}') a")
    assert "没有登记的亲属关系" in page.inner_text("#relationships")
    page.fill("#rel-no", org.fin_leader.employee_no)
    page.fill("#rel-name", "张三")
    page.select_option("#rel-kind", "blood")
    page.click("#relationship-form button[type=submit]")
    assert "请核对亲属的姓名和工号" in page.inner_text(".notice.bad")
    shot(page, "asc-03-relationship-refused")
    page.fill("#rel-name", org.fin_leader.name)
    page.fill("#rel-note", "父子")
    page.click("#relationship-form button[type=submit]")
    assert "已登记" in page.inner_text(".notice.ok")
    row = page.locator("#relationships tbody tr").first
    assert org.fin_leader.name in row.inner_text() and "直系血亲" in row.inner_text() and "有效" in row.inner_text()
    shot(page, "asc-04-relationship-added")
    # registering it moved fin_1's sheet away from the finance leader
    assert ss.live(server, c, org.fin_1)[0].rater_id == org.a_deputy.id
    row.locator("button:has-text('撤销')").click()
    assert "记录保留" in page.inner_text(".notice.ok")
    assert "已撤销" in page.inner_text("#relationships")
    shot(page, "asc-05-relationship-revoked")
    page.goto(f"/admin/appraisal/scoring?cycle_id={c.id}")
    assert "直系血亲" in page.inner_text("#recusals")


def test_pages_are_hr_only_and_scoped(server, org, f, api):
    c = ss.cycle(f, org, [org.office_1])
    cb = ss.cycle(f, org, [org.b_office_1], unit=org.b)
    checker = console_as(server, org.a_checker)
    for path in ("/admin/appraisal/scoring", "/admin/appraisal/relationships",
                 f"/admin/appraisal/relationships/{org.office_1.id}"):
        assert checker.get(path).status_code == 403, path
    b = console_as(server, org.b_hr_officer)
    page = b.get(f"/admin/appraisal/scoring?cycle_id={c.id}").text
    assert f'<option value="{cb.id}"' in page and f'<option value="{c.id}"' not in page
    assert b.get(f"/admin/appraisal/relationships/{org.office_1.id}").status_code == 404
    found = b.get(f"/admin/appraisal/relationships?q={org.office_1.name}").text
    assert org.office_1.employee_no not in found
    assert b.get("/admin/appraisal/scoring").status_code == 200     # the XSRF cookie
    assert b.post(f"/admin/appraisal/scoring/{c.id}/generate").status_code == 404
    assert ss.sheets(server, c) == []
    a = console_as(server, org.a_hr_officer)
    assert a.get(f"/admin/appraisal/relationships/{org.office_1.id}").status_code == 200
    r = a.post(f"/admin/appraisal/relationships/{org.office_1.id}",
               {"employee_no": org.office_2.employee_no, "name": org.office_2.name, "kind": "cousin", "note": ""})
    assert r.status_code == 422 and "关系类型不正确" in r.text
    assert ss.relationships(server) == []
