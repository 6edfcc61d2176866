"""Console pages for actual values in a real browser (Playwright + Debian chromium): the values
import (a file with bad rows: every row named, nothing imported; then a good file), the feed
tokens (create: the token shown once and working; list; revoke: the token refused). Scope over
HTTP. Screenshots under test-output/admin/apv-*.png."""
import os

import pytest

from tests.admin.test_leave_pages import console_as
from tests.admin.test_console_browser import CHROMIUM, browser, new_page, shot  # noqa: F401
from tests.admin.test_leave_browser import as_staff
from tests.appraisal.progress_support import IN_PROGRESS, confirm, keys, progress_rows, setup, xlsx
from tests.support import Client

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def hr_page(new_page, server, staff):
    page = as_staff(new_page, server, staff)
    page.context.set_extra_http_headers({"X-Mingjing-Now": IN_PROGRESS})
    return page


def test_values_import_and_feed_tokens(new_page, server, org, f, api):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    k = keys(gs)
    page = hr_page(new_page, server, org.a_hr_officer)
    page.click("nav.sidenav a:has-text('导入实际值')")
    assert page.locator("#v-cycle option:checked").inner_text() == s.cycle.name
    bad = xlsx([("A-office-1", k[1], "", "2026-04-30", 15, ""),
                ("A-nobody", k[1], "", "2026-04-30", 3, ""),
                ("A-office-1", k[2], "", "2026-04-30", 50, ""),
                ("A-office-1", "", "ZWFW", "2026-05-30", 900, "")])
    page.set_input_files("#file", files=[{"name": "实际值.xlsx", "mimeType": XLSX_TYPE, "buffer": bad}])
    page.click("#import-form button[type=submit]")
    assert "未导入任何数据" in page.inner_text(".notice.bad")
    problems = page.inner_text("#import-problems")
    assert "第 3 行" in problems and "不是本单位人员" in problems
    assert "第 4 行" in problems and "定性目标" in problems
    assert "第 5 行" in problems and "不能晚于今天" in problems
    assert "第 2 行" not in problems
    shot(page, "apv-01-import-bad-rows")
    assert progress_rows(server, gs["id"]) == []
    good = xlsx([("A-office-1", k[1], "", "2026-04-30", 15, "信息科统计"),
                 ("A-office-1", "", "ZWFW", "2026-04-30", 980, "")])
    page.set_input_files("#file", files=[{"name": "实际值.xlsx", "mimeType": XLSX_TYPE, "buffer": good}])
    page.click("#import-form button[type=submit]")
    assert "写入 2 条进展" in page.inner_text("#import-result")
    shot(page, "apv-02-import-done")
    assert [r.source for r in progress_rows(server, gs["id"])] == ["import", "import"]

    page.click("nav.sidenav a:has-text('数据接口令牌')")
    assert "还没有数据接口令牌" in page.inner_text("#feeds")
    page.fill("#feed-name", "政务服务系统")
    page.check(f"input[name=indicator_id][value='{s.ind.id}']")
    shot(page, "apv-03-feed-form")
    page.click("#feed-form button[type=submit]")
    token = page.inner_text("#feed-token").strip()
    assert token.startswith("mjf_") and "只显示这一次" in page.inner_text("#feed-created")
    shot(page, "apv-04-feed-created")
    push = Client(server.base_url, token)
    body = {"indicator_code": "ZWFW", "employee_no": "A-office-1", "reported_on": "2026-05-05", "value": 1010}
    r = push.post("/api/appraisal/feeds/values", body, headers={"X-Mingjing-Now": IN_PROGRESS})
    assert r.status == 201, r
    page.goto(f"/admin/appraisal/feeds?cycle_id={s.cycle.id}")
    assert token not in page.content()               # never shown again
    row = page.locator("#feeds tbody tr").first
    assert "政务服务系统" in row.inner_text() and "有效" in row.inner_text() and "从未" not in row.inner_text()
    row.locator("button:has-text('撤销')").click()
    assert "已撤销令牌" in page.inner_text(".notice.ok")
    assert "已撤销" in page.inner_text("#feeds")
    shot(page, "apv-05-feed-revoked")
    r = push.post("/api/appraisal/feeds/values", body, headers={"X-Mingjing-Now": IN_PROGRESS})
    assert r.status == 401 and r.code == "APPRAISAL_FEED_TOKEN_INVALID", r


def test_pages_are_hr_only_and_scoped(server, org, f, api):
    s = setup(f, org)
    leader = console_as(server, org.a_checker)         # a console user without appraisal.manage
    assert leader.get("/admin/appraisal/values-import").status_code == 403
    assert leader.get("/admin/appraisal/feeds").status_code == 403
    b = console_as(server, org.b_hr_officer)
    page = b.get("/admin/appraisal/feeds").text
    mine, theirs = f'<option value="{s.cycle_b.id}"', f'<option value="{s.cycle.id}"'
    assert mine in page and theirs not in page and "政务服务办件量" not in page
    # 乙局's HR naming 甲局's cycle: their own cycle is shown instead, nothing of 甲局
    page = b.get(f"/admin/appraisal/values-import?cycle_id={s.cycle.id}").text
    assert mine in page and theirs not in page
    a = console_as(server, org.a_hr_officer)
    assert a.get(f"/admin/appraisal/feeds?cycle_id={s.cycle.id}").status_code == 200   # the XSRF cookie
    r = a.post(f"/admin/appraisal/feeds?cycle_id={s.cycle.id}", {"name": "系统", "indicator_id": str(s.ind.id)})
    assert r.status_code == 200 and "mjf_" in r.text, r.text[-1500:]
    feed_id = api.as_(org.a_hr_officer).get(f"/api/appraisal/cycles/{s.cycle.id}/feeds").data[0]["id"]
    assert b.post(f"/admin/appraisal/feeds/{feed_id}/revoke").status_code == 404
    r = a.post(f"/admin/appraisal/feeds?cycle_id={s.cycle.id}", {"name": "", "indicator_id": str(s.ind.id)})
    assert r.status_code == 422 and "mjf_" not in r.text
    r = a.post(f"/admin/appraisal/values-import?cycle_id={s.cycle.id}", {})
    assert r.status_code == 422 and "请选择要导入的 XLSX 文件" in r.text
