"""The approval-flow editor's pickers in a real browser (Playwright + Debian chromium): a 3-step flow
with conditions built without typing a rule, saved, reloaded unchanged; the live preview of the
unsaved steps; the staff search stays inside the unit. Screenshots under test-output/admin/ (6x-)."""
import json

import pytest
from playwright.sync_api import expect

from models.approvals import ApprovalFlow
from models.base import fetch_all
from tests.admin.test_console_browser import CHROMIUM, browser, new_page, shot  # noqa: F401
from tests.admin.test_leave_browser import as_staff
from tests.admin.test_leave_pages import console_as

needs_chromium = pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="Debian chromium not installed")


async def _flows(kind):
    return await fetch_all(ApprovalFlow.select().where(ApprovalFlow.kind == kind, ApprovalFlow.active == True))  # noqa: E712


def chips(page, i):
    return [c.get_attribute("data-rule") for c in page.locator(f"#step-{i}-approvers li.chip").all()]


@needs_chromium
def test_build_three_step_flow_with_pickers_save_reload_and_preview(new_page, server, org):
    page = as_staff(new_page, server, org.a_hr_officer)
    page.goto("/admin/approval-flows?kind=leave")
    page.wait_for_selector("#flow-steps")
    assert page.locator("#flow-rows").count() == 0          # the text rows gave way to the pickers
    assert page.locator("#flow-steps > li").count() == 3     # the built-in leave flow
    assert chips(page, 0) == ["dept_leader"]
    assert page.input_value("#step-1-cond-0-field") == "days" and page.input_value("#step-1-cond-0-value") == "3"

    # Start over from one step, then build three.
    page.click("button[aria-label='删除第 3 步']")
    page.click("button[aria-label='删除第 2 步']")
    assert page.locator("#flow-steps > li").count() == 1
    page.fill("#flow-name", "甲局请假流程")
    page.fill("#step-0-name", "科室负责人审批")

    page.click("#add-step")
    page.fill("#step-1-name", "人事审核")
    page.select_option("#step-1-kind", "role")
    page.select_option("#step-1-role", "hr_officer")
    page.click("#step-1-add-approver")
    assert chips(page, 1) == ["role:hr_officer"]
    assert "角色：" in page.inner_text("#step-1-approvers")
    page.click("#step-1-add-cond")
    page.select_option("#step-1-cond-0-op", ">=")
    page.fill("#step-1-cond-0-value", "2")
    page.click("#step-1-add-cond")
    page.select_option("#step-1-cond-1-field", "leave_type")
    page.check("#step-1-cond-1-value label:has-text('年休假') input")
    page.check("#step-1-cond-1-value label:has-text('病假') input")

    page.click("#add-step")
    page.fill("#step-2-name", "领导审批")
    page.select_option("#step-2-kind", "staff")
    page.fill("#step-2-staff-q", "副局长")
    page.click("#step-2-staff-results button:has-text('甲副局长')")
    # The picker keeps the chosen kind after adding (the list re-renders): search box still there.
    assert page.input_value("#step-2-kind") == "staff" and page.is_visible("#step-2-staff-q")
    page.select_option("#step-2-kind", "unit_head")
    page.click("#step-2-add-approver")
    assert chips(page, 2) == [f"staff:{org.a_deputy.id}", "unit_head"]
    page.select_option("#step-2-mode", "all")
    # Remove a rule, then put it back; reorder the last step up and down again.
    page.click("#step-2-approvers button[aria-label='移除 单位主要负责人']")
    assert chips(page, 2) == [f"staff:{org.a_deputy.id}"]
    page.select_option("#step-2-kind", "unit_head")
    page.click("#step-2-add-approver")
    page.click("#flow-steps > li[data-index='2'] button[aria-label='上移']")
    assert page.input_value("#step-1-name") == "领导审批"
    page.click("#flow-steps > li[data-index='1'] button[aria-label='下移']")
    assert page.input_value("#step-2-name") == "领导审批"

    # The preview beside the editor runs on the unsaved steps.
    page.fill("#p-emp", "A-fin-1")
    page.fill("#p-days", "5")
    page.select_option("#p-type", "annual")
    page.click("#preview-btn")
    page.wait_for_selector("#preview-result")
    result = page.inner_text("#preview-live")
    assert "科室负责人审批" in result and "财务科负责人" in result
    assert "人事审核" in result and "甲人事专员" in result
    assert "领导审批" in result and "甲副局长" in result and "尚未保存" in result
    page.select_option("#p-type", "personal")      # 事假: not in the condition, the HR step drops
    page.click("#preview-btn")
    expect(page.locator("#preview-live")).not_to_contain_text("人事审核")
    assert "领导审批" in page.inner_text("#preview-live")
    page.select_option("#p-type", "annual")
    page.click("#preview-btn")
    expect(page.locator("#preview-live")).to_contain_text("人事审核")
    shot(page, "61-flow-editor-pickers")

    page.click("#save-flow")
    assert "已保存审批流程" in page.inner_text(".notice.ok")
    flows = server.run(_flows("leave"))
    assert len(flows) == 1 and flows[0].unit_id == org.a.id and flows[0].name == "甲局请假流程"
    assert flows[0].steps == [
        {"name": "科室负责人审批", "approvers": ["dept_leader"], "mode": "any", "when": []},
        {"name": "人事审核", "approvers": ["role:hr_officer"], "mode": "any",
         "when": [{"field": "days", "op": ">=", "value": 2},
                  {"field": "leave_type", "op": "in", "value": ["annual", "sick"]}]},
        {"name": "领导审批", "approvers": [f"staff:{org.a_deputy.id}", "unit_head"], "mode": "all", "when": []},
    ]

    # Reloaded, the editor shows the same flow, names and all.
    page.goto("/admin/approval-flows?kind=leave")
    page.wait_for_selector("#flow-steps")
    assert "当前使用：本单位" in page.inner_text("#flow-source")
    assert page.locator("#flow-steps > li").count() == 3
    assert [page.input_value(f"#step-{i}-name") for i in range(3)] == ["科室负责人审批", "人事审核", "领导审批"]
    assert chips(page, 1) == ["role:hr_officer"] and chips(page, 2) == [f"staff:{org.a_deputy.id}", "unit_head"]
    assert "指定人员：甲副局长" in page.inner_text("#step-2-approvers")
    assert page.input_value("#step-2-mode") == "all"
    assert page.input_value("#step-1-cond-0-op") == ">=" and page.input_value("#step-1-cond-0-value") == "2"
    assert page.is_checked("#step-1-cond-1-value label:has-text('年休假') input")
    assert page.is_checked("#step-1-cond-1-value label:has-text('病假') input")
    assert not page.is_checked("#step-1-cond-1-value label:has-text('事假') input")
    # The text form (导入/导出) carries the same steps.
    page.click("#flow-text summary")
    text = page.input_value("#flow-text-area")
    assert "人事审核 | role:hr_officer | any | days >= 2；leave_type in annual,sick" in text
    page.fill("#p-emp", "A-fin-1")
    page.fill("#p-days", "5")
    page.select_option("#p-type", "annual")
    page.click("#preview-btn")
    page.wait_for_selector("#preview-result")
    page.set_viewport_size({"width": 1366, "height": 860})
    shot(page, "62-flow-editor-reloaded")


@needs_chromium
def test_text_import_and_server_refusal_shown_on_the_step(new_page, server, org):
    page = as_staff(new_page, server, org.a_hr_officer)
    page.goto("/admin/approval-flows?kind=leave")
    page.wait_for_selector("#flow-steps")
    # An emptied number or no leave type ticked is caught before sending, naming the step.
    page.fill("#step-1-cond-0-value", "")
    page.click("#step-0-add-cond")
    page.select_option("#step-0-cond-0-field", "leave_type")
    messages = []
    page.once("dialog", lambda d: (messages.append(d.message), d.dismiss()))
    page.click("#save-flow")
    assert messages == ["第 1 步条件“假期类型”至少选择一项\n第 2 步条件“请假天数”的值应为数字"]
    assert server.run(_flows("leave")) == []
    page.click("#flow-text summary")
    page.fill("#flow-text-area", "部门审批 | dept_leader | any |\n备案 | role:nobody_here | any | days > 1")
    page.click("#flow-import")
    assert page.locator("#flow-steps > li").count() == 2
    assert page.input_value("#step-1-name") == "备案"
    page.fill("#flow-name", "导入的流程")
    page.click("#save-flow")
    # role:nobody_here matches the rule syntax: saved (an unknown role resolves upward at submit).
    assert "已保存审批流程" in page.inner_text(".notice.ok")
    # An empty step (no approver) is refused by the server and the editor marks that step.
    page.click("#add-step")
    page.fill("#step-2-name", "空环节")
    page.click("#save-flow")
    assert "审批流程设置有误" in page.inner_text(".notice.bad")
    page.wait_for_selector("#flow-steps li.has-error")
    assert page.locator("#flow-steps > li").count() == 3     # the draft is kept
    assert "请至少选择一个审批人" in page.inner_text("#flow-steps > li[data-index='2']")
    shot(page, "63-flow-editor-error")


def test_staff_search_and_draft_preview_stay_inside_the_unit(server, org):
    hr = console_as(server, org.a_hr_officer)
    r = hr.get("/admin/approval-flows/staff?q=" + "局长", headers={"Accept": "application/json"})
    names = [p["name"] for p in r.json()["data"]]
    assert "甲局长" in names and "乙局长" not in names
    assert hr.get("/admin/approval-flows/staff?q=B-HRO").json()["data"] == []
    steps = [{"name": "部门", "approvers": ["dept_leader"], "mode": "any", "when": []}]
    assert hr.get("/admin/approval-flows").status_code == 200   # sets the _xsrf cookie
    headers = {"Accept": "application/json", "X-XSRFToken": hr.http.cookies.get("_xsrf"), "Content-Type": "application/json"}
    body = {"kind": "leave", "employee_no": "B-b_office-1", "steps": steps}
    r = hr.http.post(server.base_url + "/admin/approval-flows/preview", data=json.dumps(body), headers=headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "STAFF_NOT_FOUND"
    r = hr.http.post(server.base_url + "/admin/approval-flows/preview",
                     data=json.dumps({**body, "employee_no": "A-fin-1"}), headers=headers)
    assert r.status_code == 200 and r.json()["data"]["steps"][0]["approvers"][0]["name"] == "财务科负责人"
    r = hr.http.post(server.base_url + "/admin/approval-flows/preview",
                     data=json.dumps({**body, "employee_no": "A-fin-1", "steps": [{"name": "x", "approvers": ["bad"]}]}),
                     headers=headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "APPROVAL_FLOW_INVALID"
    r = hr.http.post(server.base_url + "/admin/approval-flows/preview", data="not json", headers=headers)
    assert r.status_code == 422
    # Someone without approval.flow.manage gets neither.
    worker = console_as(server, org.fin_leader)   # a leader: in the console, not a flow manager
    assert worker.get("/admin/approval-flows/staff?q=甲", headers={"Accept": "application/json"}).status_code in (302, 403)
