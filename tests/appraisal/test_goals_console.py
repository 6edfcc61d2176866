"""Console pages for goal sets: the list per cycle, a person's goal history with the diff between
two versions and the approval path, the XLSX exports; read-only for everyone (the system
administrator included); other units' goal sets are 404. Browser screenshots go to
test-output/admin/ (prefix 6x-)."""
import io
import os

import pytest
from openpyxl import load_workbook

from tests.admin.console import Console
from tests.admin.test_console_browser import CHROMIUM, browser, new_page, shot, sign_in  # noqa: F401
from tests.admin.test_leave_browser import as_staff
from tests.admin.test_leave_pages import console_as
from tests.appraisal.test_goals_helpers import (IN_PROGRESS, confirmed_goals, items, my_goals,
                                                review, save, setup, submit)


def _goals_with_history(api, org, env):
    """office_1: confirmed v1 then a confirmed change v2; fin_1: returned with comments."""
    me, gs = confirmed_goals(api, org, env.cycle)
    out = me.post(f"/api/appraisal/goal-sets/{gs['id']}/change-requests", {"reason": "承接新任务"},
                  headers=IN_PROGRESS).data
    its = [{k: i[k] for k in ("key", "title", "kind", "target", "unit_of_measure", "formula",
                               "data_source", "criteria", "weight", "due_date")}
           for i in out["current"]["items"]]
    its[0]["target"] = 1500
    its[2]["title"] = "重点工作二（调整）"
    out = submit(me, save(me, out, its, headers=IN_PROGRESS), headers=IN_PROGRESS)
    review(api.as_(org.office_leader), gs["id"], headers=IN_PROGRESS)
    review(api.as_(org.a_hr_officer), gs["id"], headers=IN_PROGRESS)
    fin = api.as_(org.fin_1)
    other = submit(fin, save(fin, my_goals(fin, env.cycle)))
    review(api.as_(org.fin_leader), other["id"], "return", comment="请量化",
           item_comments=[(other["current"]["items"][1]["key"], "缺少完成标准的量化")])
    return gs["id"], other["id"]


def test_console_list_history_export_and_scope(api, f, org, server):
    env = setup(f, org)
    gs_id, fin_id = _goals_with_history(api, org, env)
    hr = console_as(server, org.a_hr_officer)
    r = hr.get(f"/admin/appraisal/goals?cycle_id={env.cycle.id}")
    assert r.status_code == 200
    assert "办公室职工一" in r.text and "财务科职工一" in r.text and "退回修改" in r.text
    r = hr.get(f"/admin/appraisal/goals?cycle_id={env.cycle.id}&status=returned")
    assert "财务科职工一" in r.text and "办公室职工一" not in r.text

    r = hr.get(f"/admin/appraisal/goal-sets/{gs_id}")
    assert r.status_code == 200
    assert "第 2 版 · 目标变更" in r.text and "承接新任务" in r.text and "已被新版本替代" in r.text
    assert "重点工作二（调整）" in r.text and "单位确认" in r.text
    assert 'id="diff-table"' in r.text and "修改" in r.text
    r = hr.get(f"/admin/appraisal/goal-sets/{fin_id}")
    assert "缺少完成标准的量化" in r.text and "请量化" in r.text

    r = hr.get(f"/admin/appraisal/cycles/{env.cycle.id}/goals-export?what=history")
    assert r.status_code == 200 and "spreadsheetml" in r.headers["Content-Type"]
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert [c.value for c in ws[1]][:4] == ["工号", "姓名", "部门", "版本"]
    assert ws.max_row == 1 + 3       # office_1: v1, v2; fin_1: v1

    # Read-only: no write path in the console.
    r = hr.post(f"/admin/appraisal/goal-sets/{gs_id}", {"items": "x"})
    assert r.status_code == 405
    # Another unit's HR: 404 on the page and the export; the list does not show A's people.
    other = console_as(server, org.b_hr_officer)
    assert other.get(f"/admin/appraisal/goal-sets/{gs_id}").status_code == 404
    assert other.get(f"/admin/appraisal/cycles/{env.cycle.id}/goals-export").status_code == 404
    r = other.get(f"/admin/appraisal/goals?cycle_id={env.cycle.id}")
    assert r.status_code == 200 and "办公室职工一" not in r.text
    # The system administrator has no goal pages at all.
    admin = f.admin("system")
    root = Console(server.base_url)
    root.login(admin)
    assert root.get(f"/admin/appraisal/goal-sets/{gs_id}").status_code == 403
    assert root.get("/admin/appraisal/goals").status_code == 403
    assert "考核目标" not in root.get("/admin/").text


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")
def test_goal_history_in_the_browser(new_page, api, f, org, server):
    env = setup(f, org)
    gs_id, _ = _goals_with_history(api, org, env)
    for staff in (org.office_2, org.hr_1):
        c = api.as_(staff)
        save(c, my_goals(c, env.cycle), items())
    page = as_staff(new_page, server, org.a_hr_officer)
    page.click("nav.sidenav a:has-text('考核目标')")
    page.wait_for_selector("#goal-sets")
    assert "办公室职工一" in page.inner_text("#goal-sets")
    shot(page, "61-appraisal-goal-sets")
    page.click("#goal-sets a:has-text('办公室职工一')")
    page.wait_for_selector("#diff-table")
    diff = page.inner_text("#diff-table")
    assert "目标值" in diff and "1500" in diff and "目标名称" in diff
    assert page.inner_text("#set-status").startswith("已确认")
    shot(page, "62-appraisal-goal-history")
    page.select_option("#d-from", "2")
    page.select_option("#d-to", "1")
    page.click("#diff-form button")
    page.wait_for_selector("#diff-table")
    assert "第 2 版" in page.inner_text("#diff-table thead")
    assert page.locator("#version-1 .timeline li").count() == 3
    shot(page, "63-appraisal-goal-diff-reversed")
