"""Console pages over plain HTTP: each administrator's pages, 403 on the others', data scope,
org/staff/roles/audit actions through the forms, bad input re-renders (never a 500)."""
import re

import pytest

from models.audit import AuditLog
from models.org import Department, Staff
from tests.admin.console import Console

PAGES = {
    "system": ["/admin/org", "/admin/staff", "/admin/staff/new", "/admin/staff/import",
               "/admin/calendar",  # the national holiday calendar (calendar.manage)
               "/admin/reminders", "/admin/reminders/log", "/admin/reminders/reach"],  # system.config
    "security": ["/admin/roles"],
    "audit": ["/admin/audit"],
}
NAV = {"/admin/org": "组织机构", "/admin/staff": "人员管理", "/admin/roles": "角色授权",
       "/admin/audit": "审计日志", "/admin/binding": "绑定申请"}


@pytest.fixture
def admins(f, org):
    return {tier: f.admin(tier, f"{tier}-a", unit=org.a) for tier in ("system", "security", "audit")}


def nav_links(html):
    nav = re.search(r'<nav class="sidenav".*?</nav>', html, re.S).group(0)
    return set(re.findall(r'href="(/admin/[a-z]*)"', nav))


@pytest.mark.parametrize("tier", ["system", "security", "audit"])
def test_each_administrator_sees_and_reaches_only_their_pages(server, admins, tier):
    c = Console(server.base_url).login(admins[tier])
    home = c.get("/admin/")
    assert home.status_code == 200
    mine = {p for p in PAGES[tier] if p.count("/") == 2}
    assert nav_links(home.text) - {"/admin/"} == mine
    for owner, paths in PAGES.items():
        for path in paths:
            r = c.get(path)
            if owner == tier:
                assert r.status_code == 200, (path, r.text[:300])
            else:
                assert r.status_code == 403, (tier, path, r.status_code)
                assert "无权" in r.text or "没有访问此页面的权限" in r.text
    # Writes on others' URLs are refused too.
    if tier != "system":
        assert c.post("/admin/org/departments", {"unit_id": "1", "name": "x"}).status_code == 403
    if tier != "security":
        assert c.post("/admin/roles/grants", {"employee_no": "A-fin-1"}).status_code == 403
    if tier != "audit":
        assert c.post("/admin/audit/verify").status_code == 403
        assert c.get("/admin/audit/export").status_code == 403


def test_org_create_move_cycle_rename_close(server, admins, org):
    c = Console(server.base_url).login(admins["system"])
    r = c.post("/admin/org/departments", {"unit_id": org.a.id, "name": "信息科"})
    assert r.status_code == 302
    new_id = int(r.headers["Location"].split("=")[1])
    page = c.get(r.headers["Location"])
    assert "已新建部门“信息科”" in page.text
    r = c.post(f"/admin/org/departments/{new_id}/move", {"parent_id": org.a_hr.id})
    assert r.status_code == 302
    dept = server.run(Department.aget(Department.id == new_id))
    assert dept.parent_id == org.a_hr.id
    # Moving 人事科 under its own child is refused with a message, not a 500.
    r = c.post(f"/admin/org/departments/{org.a_hr.id}/move", {"parent_id": new_id})
    assert r.status_code == 409 and "不能把部门移到它自身或它的下级部门之下" in r.text
    r = c.post(f"/admin/org/departments/{new_id}/rename", {"name": ""})
    assert r.status_code == 422
    r = c.post(f"/admin/org/departments/{new_id}/rename", {"name": "信息中心"})
    assert r.status_code == 302
    r = c.post(f"/admin/org/departments/{org.a_fin.id}/close")
    assert r.status_code == 409 and "不能撤销" in r.text
    r = c.post(f"/admin/org/departments/{new_id}/close")
    assert r.status_code == 302
    assert server.run(Department.aget(Department.id == new_id)).status == "closed"
    # The other unit's departments are outside the unit_tree scope of A's administrator.
    r = c.post(f"/admin/org/departments/{org.b_office.id}/rename", {"name": "改名"})
    assert r.status_code == 404
    # Nonsense ids and values never give a 500.
    assert c.post("/admin/org/departments", {"unit_id": "abc", "name": "x"}).status_code == 422
    assert c.post(f"/admin/org/departments/{new_id}/move", {"parent_id": "unit:zz"}).status_code == 422
    assert c.get("/admin/org?dept=notanumber").status_code == 200


def test_staff_list_is_scoped_and_searchable(server, admins, org, f):
    c = Console(server.base_url).login(admins["system"])
    page = c.get("/admin/staff?status=active")
    assert "办公室职工一" in page.text and "乙局长" not in page.text
    page = c.get("/admin/staff?q=A-fin-1")
    assert "财务科职工一" in page.text and "办公室职工一" not in page.text
    r = c.get(f"/admin/staff/{org.b_head.id}")
    assert r.status_code == 404


def test_staff_create_edit_transfer_retire_export(server, admins, org):
    c = Console(server.base_url).login(admins["system"])
    r = c.post("/admin/staff/new", {"employee_no": "A-NEW-1", "name": "新同志",
                                     "department_id": org.a_office.id, "phone": "12345"})
    assert r.status_code == 422 and "手机号" in r.text and "新同志" in r.text  # form kept
    r = c.post("/admin/staff/new", {"employee_no": "A-NEW-1", "name": "新同志",
                                     "department_id": org.a_office.id, "phone": "13700000001",
                                     "gender": "F"})
    assert r.status_code == 302, r.text[:500]
    sid = int(r.headers["Location"].rsplit("/", 1)[1])
    page = c.get(f"/admin/staff/{sid}")
    assert "137****0001" in page.text and "13700000001" not in page.text
    r = c.post(f"/admin/staff/{sid}", {"employee_no": "A-NEW-1", "name": "新同志甲", "gender": "F"})
    assert r.status_code == 302
    r = c.post(f"/admin/staff/{sid}/transfer", {"department_id": org.a_fin.id,
                                                "effective_date": "2026-01-05"})
    assert r.status_code == 302
    staff = server.run(Staff.aget(Staff.id == sid))
    assert staff.name == "新同志甲" and staff.department_id == org.a_fin.id
    r = c.post(f"/admin/staff/{sid}/retire", {"effective_date": "bad"})
    assert r.status_code == 422
    r = c.post(f"/admin/staff/{sid}/retire", {"effective_date": "2026-02-01"})
    assert r.status_code == 302
    assert server.run(Staff.aget(Staff.id == sid)).status == "retired"
    r = c.get("/admin/staff/export?format=csv&status=")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert "新同志甲" in r.content.decode("utf-8-sig") and "乙局长" not in r.content.decode("utf-8-sig")


def test_invite_qr_printed(server, admins, org):
    c = Console(server.base_url).login(admins["system"])
    r = c.post(f"/admin/staff/{org.fin_1.id}/invite")
    assert r.status_code == 200 and "<svg" in r.text and "财务科职工一" in r.text


def test_import_with_a_bad_row_imports_nothing(server, admins, org):
    c = Console(server.base_url).login(admins["system"])
    csv_text = ("工号,姓名,部门,手机号\n"
                "IMP-1,导入一,办公室,13600000001\n"
                "IMP-2,导入二,不存在的科,13600000002\n"
                "IMP-3,导入三,财务科,13600000003\n")
    r = c.post("/admin/staff/import", files={"file": ("staff.csv", csv_text.encode("utf-8"), "text/csv")})
    assert r.status_code == 422
    assert "第 3 行" in r.text and "未导入任何人员" in r.text
    assert server.run(_count_employee_prefix("IMP-")) == 0
    good = csv_text.replace("不存在的科", "人事科")
    r = c.post("/admin/staff/import", files={"file": ("staff.csv", good.encode("utf-8"), "text/csv")})
    assert r.status_code == 200 and "共导入 3 人" in r.text
    assert server.run(_count_employee_prefix("IMP-")) == 3
    r = c.post("/admin/staff/import")
    assert r.status_code == 422 and "请选择" in r.text


async def _count_employee_prefix(prefix):
    from models.base import count
    return await count(Staff.select().where(Staff.employee_no.startswith(prefix)))


def test_grant_with_department_scope_limits_what_the_grantee_sees(server, admins, org, api):
    sec = Console(server.base_url).login(admins["security"])
    from models.access import Role
    role = server.run(Role.aget(Role.code == "hr_officer"))
    r = sec.post("/admin/roles/grants", {"employee_no": "A-fin-1", "role_id": role.id,
                                         "scope_type": "dept", "scope_department_id": org.a_fin.id})
    assert r.status_code == 302, r.text[:800]
    page = sec.get("/admin/roles")
    assert "财务科职工一" in page.text
    # The grantee signs in by scanning (no password) and sees only 财务科.
    grantee = qr_sign_in(server, api, org.fin_1)
    staff_page = grantee.get("/admin/staff")
    assert staff_page.status_code == 200
    assert "财务科职工二" in staff_page.text and "办公室职工一" not in staff_page.text
    assert grantee.get(f"/admin/staff/{org.office_1.id}").status_code == 404
    assert grantee.get("/admin/roles").status_code == 403
    # Revoke: the next request no longer carries the grant.
    row = [r for r in page.text.split("<tr>") if "财务科职工一" in r][-1]
    grant_id = re.search(r'/admin/roles/grants/(\d+)/revoke', row).group(1)
    assert sec.post(f"/admin/roles/grants/{grant_id}/revoke").status_code == 302
    assert grantee.get("/admin/staff").status_code in (302, 403)
    # Administrator tiers cannot be granted online; bad input re-renders.
    admin_role = server.run(Role.aget(Role.code == "sys_admin"))
    r = sec.post("/admin/roles/grants", {"employee_no": "A-fin-2", "role_id": admin_role.id,
                                         "scope_type": "all"})
    assert r.status_code == 403 and "三员" in r.text
    r = sec.post("/admin/roles/grants", {"employee_no": "NOPE", "role_id": role.id,
                                         "scope_type": "dept"})
    assert r.status_code == 422 and "未找到该工号" in r.text


def qr_sign_in(server, api, staff):
    """Scan-to-sign-in: the browser asks for a QR, the phone scans and confirms, the poll signs in."""
    c = Console(server.base_url)
    c.get("/admin/login")
    r = c.post("/admin/login/qr", headers={"X-XSRFToken": c.xsrf()}, xsrf=False)
    assert r.status_code == 200, r.text[:300]
    sid = r.json()["data"]["sid"]
    assert c.get(f"/admin/login/qr/{sid}/poll").json()["data"]["state"] == "pending"
    phone = api.as_(staff)
    assert phone.post("/api/auth/qr-login/scan", {"sid": sid}).status == 200
    assert c.get(f"/admin/login/qr/{sid}/poll").json()["data"]["state"] == "scanned"
    assert phone.post("/api/auth/qr-login/confirm", {"sid": sid}).status == 200
    data = c.get(f"/admin/login/qr/{sid}/poll").json()["data"]
    assert data["state"] == "confirmed" and data["redirect"] == "/admin/"
    assert c.http.cookies.get("mj_admin")
    # Single use: polling again gives nothing.
    assert c.get(f"/admin/login/qr/{sid}/poll").json()["data"]["state"] == "expired"
    return c


def test_qr_sign_in_is_bound_to_the_browser(server, org, api):
    c = Console(server.base_url)
    c.get("/admin/login")
    sid = c.post("/admin/login/qr", headers={"X-XSRFToken": c.xsrf()}, xsrf=False).json()["data"]["sid"]
    phone = api.as_(org.a_hr_officer)
    phone.post("/api/auth/qr-login/scan", {"sid": sid})
    phone.post("/api/auth/qr-login/confirm", {"sid": sid})
    thief = Console(server.base_url)
    assert thief.get(f"/admin/login/qr/{sid}/poll").json()["data"]["state"] == "expired"
    assert not thief.http.cookies.get("mj_admin")
    assert c.get(f"/admin/login/qr/{sid}/poll").json()["data"]["state"] == "confirmed"
    assert c.get("/admin/staff").status_code == 200


def test_qr_login_post_needs_xsrf(server):
    c = Console(server.base_url)
    c.get("/admin/login")
    assert c.post("/admin/login/qr", xsrf=False).status_code == 403


def test_audit_page_filters_verifies_and_exports(server, admins, org):
    sysc = Console(server.base_url).login(admins["system"])
    sysc.post("/admin/org/departments", {"unit_id": org.a.id, "name": "审计测试科"})
    aud = Console(server.base_url).login(admins["audit"])
    page = aud.get("/admin/audit?action=department.*")
    assert page.status_code == 200 and "department.create" in page.text and "admin.login" not in page.text
    r = aud.post("/admin/audit/verify", headers={"HX-Request": "true"})
    assert r.status_code == 200 and "校验通过" in r.text
    r = aud.get("/admin/audit/export?action=department.*")
    assert r.status_code == 200 and "department.create" in r.content.decode("utf-8-sig")
    assert aud.get("/admin/audit?since=not-a-date").status_code == 422
    # Tamper with one entry: the page reports the break.
    async def tamper():
        await AuditLog.update(action="department.rename").where(AuditLog.action == "department.create").aexecute()
    server.run(tamper())
    r = aud.post("/admin/audit/verify")
    assert "校验失败" in r.text and "篡改" in r.text


def test_binding_queue_for_data_checker(server, org, api):
    c = qr_sign_in(server, api, org.a_checker)
    page = c.get("/admin/binding")
    assert page.status_code == 200 and "绑定申请" in page.text
    assert nav_links(page.text) == {"/admin/", "/admin/staff", "/admin/binding"}
    assert c.get("/admin/binding/999999").status_code == 404


def test_unknown_console_path_is_an_html_404(server):
    r = Console(server.base_url).get("/admin/nothing-here")
    assert r.status_code == 404 and "页面或记录不存在" in r.text


def test_attendance_only_officer_uses_the_console(server, org, api, f):
    """Any permission beyond self-service opens the console (here a custom attendance role)."""
    sec = f.staff(org.a_office, "甲安全员", employee_no="A-SEC")
    f.grant(sec, "sec_admin", "unit_tree", unit=org.a)
    role = api.as_(sec).post("/api/roles", {"code": "att_clerk", "name": "考勤员",
                                             "permissions": ["attendance.view", "attendance.report"]})
    assert role.status == 201, role
    f.grant(org.office_2, "att_clerk", "dept", dept=org.a_office)
    c = qr_sign_in(server, api, org.office_2)
    home = c.get("/admin/")
    assert home.status_code == 200 and "考勤看板" in home.text and "人员管理" not in home.text
    assert c.get("/admin/attendance/board").status_code == 200
    assert c.get("/admin/staff").status_code == 403


def test_dashboard_shows_todays_attendance_and_my_approvals(server, org, api, f):
    """The 工作台 counts what matters today: the attendance board in reach, approvals waiting."""
    from tests.attendance.helpers import at, punch, setup_a

    setup_a(api, org)
    assert punch(api.as_(org.office_1), "2026-11-26 08:20").status == 201
    assert punch(api.as_(org.office_2), "2026-11-26 08:41").status == 201   # late
    leave = api.as_(org.hr_1).post("/api/leave/requests", {
        "type": "personal", "start": "2026-11-27", "start_half": "am", "end": "2026-11-27",
        "end_half": "pm", "reason": "家中有事"})
    assert leave.status == 201, leave
    # The approver (人事科 leader) also checks binding data, so uses the console; no attendance.view.
    f.grant(org.hr_leader, "data_checker", "dept", dept=org.a_hr)
    hr_leader = qr_sign_in(server, api, org.hr_leader)
    home = hr_leader.get("/admin/", headers=at("2026-11-26 10:00"))
    assert re.search(r'data-count="approvals_waiting">1<', home.text)
    # As a department leader they see their own team's attendance (人事科 and 档案组; issue 14).
    assert "今日考勤" in home.text and "共 7 人" in home.text
    hr = qr_sign_in(server, api, org.a_hr_officer)
    home = hr.get("/admin/", headers=at("2026-11-26 10:00"))
    assert "今日考勤" in home.text
    assert re.search(r'data-count="att_in">1<', home.text)
    assert re.search(r'data-count="att_late">1<', home.text)
    assert 'data-count="approvals_waiting"' not in home.text


def test_form_models_refuse_bad_input_with_the_field(server, admins, org):
    """admin/forms.parse_form: a console form's shape errors re-render the page with 422 and the
    field's message (the same messages as the API), and nothing is written."""
    c = Console(server.base_url).login(admins["system"])
    r = c.post("/admin/staff/new", {"employee_no": "A-F-1", "name": "表单\x85测试",
                                     "department_id": org.a_office.id, "gender": "X",
                                     "hire_date": "2026-02-30"})
    assert r.status_code == 422
    for label, message in (("姓名", "不能包含控制字符或换行"), ("性别", "取值不在允许范围内：M、F"),
                           ("入职日期", "应为日期 YYYY-MM-DD")):
        assert f"{label}：{message}" in r.text, (label, r.text[:2000])
    assert not server.run(Staff.aget_or_none(Staff.employee_no == "A-F-1"))
    r = c.post("/admin/staff/new", {"employee_no": "A-F-1", "name": "表单测试",
                                     "department_id": str(2**63)})
    assert r.status_code == 422 and "部门：不能大于" in r.text
    r = c.post("/admin/org/departments", {"unit_id": org.a.id, "name": "新科室", "sort": "-1"})
    assert r.status_code == 422 and "不能小于 0" in r.text
    assert not server.run(Department.aget_or_none(Department.name == "新科室"))
    r = c.post("/admin/calendar/day", {"day": "2026-05-06", "kind": "party"})
    assert r.status_code == 422 and "取值不在允许范围内" in r.text
