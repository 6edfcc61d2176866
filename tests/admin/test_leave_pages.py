"""Leave, approval-flow and calendar console pages over HTTP: permission (403 page) and unit scope
(404), leave types and their settings, audited balance adjustment, report export, flow editor with
preview, calendar day / publish / banner."""
import csv
import datetime
import io

import pytest

from models.audit import AuditLog
from models.leave import LeaveType
from services import admin_auth
from tests.admin.console import Console

NEXT_YEAR = datetime.date.today().year + 1


def console_as(server, staff):
    """A console session for a person who signs in by scanning (HR officers, leaders)."""
    session = server.run(admin_auth.open_session(env=server.env, staff_id=staff.id, ip="127.0.0.1",
                                                 user_agent="pytest", request_id="t",
                                                 method="qr"))
    c = Console(server.base_url)
    c.http.cookies.set("mj_admin", session["token"], path="/admin")
    return c


def audit_rows(server, action):
    return server.run(_fetch(AuditLog.select().where(AuditLog.action == action)))


async def _fetch(q):
    from models.base import fetch_all
    return await fetch_all(q)


@pytest.fixture
def hr(server, org):
    return console_as(server, org.a_hr_officer)


def test_hr_officer_reaches_every_leave_page_and_sees_the_menu(hr):
    home = hr.get("/admin/")
    for label in ("假期类型", "假期余额", "请假统计", "审批流程", "节假日日历"):
        assert label in home.text
    for path in ("/admin/leave/types", "/admin/leave/balances", "/admin/leave/report",
                 "/admin/approval-flows", "/admin/calendar"):
        r = hr.get(path)
        assert r.status_code == 200, (path, r.text[:300])


def test_console_user_without_leave_permissions_gets_403_pages(server, org, f):
    checker = console_as(server, org.a_checker)  # data checker: console user, no leave.* grants
    assert "假期类型" not in checker.get("/admin/").text
    for path in ("/admin/leave/types", "/admin/leave/balances", "/admin/leave/report",
                 "/admin/approval-flows", "/admin/calendar"):
        r = checker.get(path)
        assert r.status_code == 403 and "没有访问此页面的权限" in r.text, path
    assert checker.post("/admin/leave/types/save", {"code": "x1", "name": "x"}).status_code == 403
    assert checker.post("/admin/calendar/publish", {"year": NEXT_YEAR}).status_code == 403
    # The inspector reads reports (leave.report) but may not manage types or balances.
    inspector = f.staff(org.a_office, "纪检员", employee_no="A-DI")
    f.grant(inspector, "discipline_inspector", "unit_tree", unit=org.a)
    c = console_as(server, inspector)
    assert c.get("/admin/leave/report").status_code == 200
    assert c.get("/admin/leave/types").status_code == 403
    assert c.post("/admin/leave/balances/adjust", {"balance_id": 1, "delta": "1", "reason": "x"}).status_code == 403


def test_other_units_data_is_404(server, org, hr, api):
    assert hr.get(f"/admin/leave/types?unit_id={org.b.id}").status_code == 404
    r = hr.get(f"/admin/leave/balances?staff_id={org.b_office_1.id}")
    assert r.status_code == 404 and "404" in r.text
    assert hr.get(f"/admin/leave/report?year=2026&department_id={org.b_office.id}").status_code == 404
    # B's balance row cannot be adjusted from A.
    b_balance = api.as_(org.b_office_1).get("/api/leave/balances?year=2026").data[0]["id"]
    r = hr.post("/admin/leave/balances/adjust", {"balance_id": b_balance, "delta": "5", "reason": "越权",
                                                 "staff_id": org.b_office_1.id, "year": 2026})
    assert r.status_code == 404
    assert not audit_rows(server, "leave.balance.adjust")
    # A's own unit works.
    assert hr.get(f"/admin/leave/types?unit_id={org.a.id}").status_code == 200


def test_leave_types_create_and_override_national_settings(server, org, hr):
    page = hr.get("/admin/leave/types")
    assert "年休假" in page.text and "全国默认" in page.text
    r = hr.post("/admin/leave/types/save", {
        "unit_id": org.a.id, "new": "1", "code": "study", "name": "学习假", "count_mode": "working_days",
        "quota_rule": "fixed", "quota_days": "5", "max_days_per_request": "5", "paid": "1",
        "balance_tracked": "1", "active": "1", "sort": "50", "settings": ""})
    assert r.status_code == 302, r.text[:500]
    page = hr.get(r.headers["Location"])
    assert "学习假" in page.text and "固定天数 5 天" in page.text
    # Provincial day counts: edit the national annual type → a unit override with new tiers.
    r = hr.post("/admin/leave/types/save", {
        "unit_id": org.a.id, "code": "annual", "name": "年休假", "count_mode": "working_days",
        "quota_rule": "annual", "paid": "1", "balance_tracked": "1", "active": "1", "sort": "0",
        "settings": '{"tiers": [[1, 7], [10, 12], [20, 17]], "personal_days_cancel": 20, '
                    '"sick_months_cancel": [[1, 2], [10, 3], [20, 4]], "month_days": 30}'})
    assert r.status_code == 302, r.text[:500]
    rows = server.run(_fetch(LeaveType.select().where(LeaveType.code == "annual")))
    mine = [t for t in rows if t.unit_id == org.a.id]
    assert len(mine) == 1 and mine[0].settings["tiers"][0] == [1, 7]
    assert [t for t in rows if t.unit_id is None][0].settings["tiers"][0] == [1, 5]  # national untouched
    assert {a.action for a in audit_rows(server, "leave.type.create")} == {"leave.type.create"}
    # Bad settings / numbers re-render with the message, nothing saved.
    r = hr.post("/admin/leave/types/save", {"unit_id": org.a.id, "code": "annual", "name": "年休假",
                                            "settings": "{not json", "quota_days": "abc"})
    assert r.status_code == 422 and "应为 JSON 对象" in r.text and "应为数字" in r.text
    r = hr.post("/admin/leave/types/save", {"unit_id": org.a.id, "new": "1", "code": "annual", "name": "重复"})
    assert r.status_code == 422 and "代码已存在" in r.text


def test_balance_adjustment_needs_a_reason_and_is_audited(server, org, hr, api):
    me = api.as_(org.office_1)
    annual = next(b for b in me.get("/api/leave/balances?year=2026").data if b["type_code"] == "annual")
    page = hr.get(f"/admin/leave/balances?staff_id={org.office_1.id}&year=2026")
    assert page.status_code == 200 and "年休假" in page.text and "人工调整" in page.text
    r = hr.post("/admin/leave/balances/adjust", {"balance_id": annual["id"], "delta": "2", "reason": "",
                                                 "staff_id": org.office_1.id, "year": 2026})
    assert r.status_code == 422 and "请填写调整原因" in r.text
    r = hr.post("/admin/leave/balances/adjust", {"balance_id": annual["id"], "delta": "0.3", "reason": "补录",
                                                 "staff_id": org.office_1.id, "year": 2026})
    assert r.status_code == 422 and "半天" in r.text
    assert not audit_rows(server, "leave.balance.adjust")
    r = hr.post("/admin/leave/balances/adjust", {"balance_id": annual["id"], "delta": "2",
                                                 "reason": "2025 年未休结转（局务会决定）",
                                                 "staff_id": org.office_1.id, "year": 2026})
    assert r.status_code == 302
    assert "已调整余额 +2 天" in hr.get(r.headers["Location"]).text
    rows = audit_rows(server, "leave.balance.adjust")
    assert len(rows) == 1 and rows[0].actor == org.a_hr_officer.id
    assert rows[0].after["reason"] == "2025 年未休结转（局务会决定）" and rows[0].after["delta"] == 2
    after = next(b for b in me.get("/api/leave/balances?year=2026").data if b["type_code"] == "annual")
    assert after["remaining"] == annual["remaining"] + 2


def test_report_page_and_exports(server, org, hr, api):
    me = api.as_(org.office_1)
    r = me.post("/api/leave/requests", {"type": "personal", "start": "2026-03-02", "start_half": "am",
                                        "end": "2026-03-03", "end_half": "pm", "reason": "家事"})
    assert r.status == 201, r
    assert api.as_(org.office_leader).post(f"/api/approvals/{r.data['instance_id']}/actions",
                                           {"action": "approve"}).status == 200
    page = hr.get("/admin/leave/report?year=2026&month=3")
    assert page.status_code == 200 and "办公室" in page.text and "事假" in page.text
    r = hr.get("/admin/leave/report?year=2026&month=3&format=csv")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["部门", "月份", "假期类型", "人次", "人数", "天数"]
    assert rows[1] == ["办公室", "3", "事假", "1", "1", "2.0"]
    r = hr.get("/admin/leave/report?year=2026&format=xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    # B's HR officer sees none of A's leave.
    b = console_as(server, org.b_hr_officer)
    r = b.get("/admin/leave/report?year=2026&month=3&format=csv")
    assert len(list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))) == 1


def test_flow_editor_saves_and_previews(server, org, hr):
    page = hr.get("/admin/approval-flows?kind=leave")
    assert "当前使用：系统默认" in page.text and "部门负责人审批" in page.text
    form = {"kind": "leave", "name": "甲局请假流程", "rows": "4",
            "name_0": "科室负责人", "approvers_0": "dept_leader", "mode_0": "any", "when_0": "",
            "name_1": "分管领导", "approvers_1": "supervisor", "mode_1": "any", "when_1": "days > 2",
            "name_2": "", "approvers_2": "", "name_3": "", "approvers_3": ""}
    r = hr.post("/admin/approval-flows/save", {**form, "approvers_1": "nobody_rule"})
    assert r.status_code == 422 and "审批人规则" in r.text and "nobody_rule" in r.text
    r = hr.post("/admin/approval-flows/save", {**form, "when_1": "days >> 2"})
    assert r.status_code == 422 and "条件格式不正确" in r.text
    r = hr.post("/admin/approval-flows/save", form)
    assert r.status_code == 302, r.text[:500]
    page = hr.get(r.headers["Location"])
    assert "当前使用：本单位" in page.text and 'value="days &gt; 2"' in page.text
    assert audit_rows(server, "approval.flow.create")
    page = hr.get("/admin/approval-flows?kind=leave&employee_no=A-fin-1&days=5")
    assert "财务科负责人" in page.text and "甲副局长" in page.text
    page = hr.get("/admin/approval-flows?kind=leave&employee_no=A-fin-1&days=1")
    assert "财务科负责人" in page.text and "甲副局长" not in page.text
    # Another unit's person cannot be previewed.
    page = hr.get("/admin/approval-flows?kind=leave&employee_no=B-b_office-1&days=1")
    assert "未找到该工号" in page.text
    # B's flows are untouched.
    b = console_as(server, org.b_hr_officer)
    assert "当前使用：系统默认" in b.get("/admin/approval-flows?kind=leave").text


def test_calendar_day_publish_and_banner(server, org, f, api):
    sysadmin = Console(server.base_url).login(f.admin("system", "sys-cal", unit=org.a))
    banner = sysadmin.get("/admin/calendar/banner").text
    assert f"{NEXT_YEAR} 年节假日安排尚未录入" in banner
    page = sysadmin.get(f"/admin/calendar?year={NEXT_YEAR}")
    assert page.status_code == 200 and "未录入" in page.text and "全国日历" in page.text
    day = f"{NEXT_YEAR}-01-01"
    r = sysadmin.post("/admin/calendar/day", {"day": day, "kind": "holiday", "name": "元旦"})
    assert r.status_code == 302
    assert "已将" in sysadmin.get(r.headers["Location"]).text
    r = sysadmin.post("/admin/calendar/day", {"day": day, "kind": "party", "name": ""})
    assert r.status_code == 422
    r = sysadmin.post("/admin/calendar/publish", {"year": NEXT_YEAR})
    assert r.status_code == 302
    assert "已录入并发布" in sysadmin.get(f"/admin/calendar?year={NEXT_YEAR}").text
    assert "尚未录入" not in sysadmin.get("/admin/calendar/banner").text
    # Leave now counts the holiday and no longer warns.
    q = api.as_(org.office_1).get(f"/api/leave/quote?type=annual&start={day}&end={day}")
    assert q.data["warnings"] == [] or q.code == "LEAVE_NO_WORKING_DAY"
    assert {a.action for a in audit_rows(server, "calendar.publish_year")} == {"calendar.publish_year"}
