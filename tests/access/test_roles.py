"""Roles and grants over HTTP: the grant rules, scope on every read and write, next-request effect."""
from models.access import Grant, Role
from tests.org.util import last_audit, raw


def role_id(server, code):
    return raw(server, Role.select().where(Role.code == code))[0].id


def test_catalogue_and_roles_need_role_view(api, org, sec):
    s = api.as_(sec.unit)
    perms = s.get("/api/permissions")
    assert perms.status == 200 and {"code": "staff.view", "name": "查看人员信息", "reserved": False} in perms.data
    roles = s.get("/api/roles")
    by_code = {r["code"]: r for r in roles.data}
    assert by_code["sec_auditor"]["admin_tier"] == "audit" and by_code["sec_auditor"]["grantable"] is False
    assert "staff.manage" in by_code["hr_officer"]["permissions"]
    assert api.as_(org.a_hr_officer).get("/api/roles").status == 403
    assert api.as_(org.a_hr_officer).get("/api/permissions").status == 403


def test_custom_roles_and_builtins_read_only(server, api, org, sec):
    s = api.as_(sec.unit)
    r = s.post("/api/roles", {"code": "reader", "name": "只读人员", "permissions": ["staff.view", "org.view"]})
    assert r.status == 201 and r.data["builtin"] is False
    assert s.post("/api/roles", {"code": "reader", "name": "x", "permissions": []}).code == "ROLE_CODE_TAKEN"
    assert s.post("/api/roles", {"code": "r2", "name": "x", "permissions": ["nope"]}).code == "UNKNOWN_PERMISSION"
    assert s.post("/api/roles", {"code": "r3", "name": "x", "permissions": ["audit.view"]}).code == "PERMISSION_RESERVED"
    assert s.post("/api/roles", {"code": "r4", "name": "x", "permissions": "all"}).status == 422
    p = s.patch(f"/api/roles/{r.data['id']}", {"permissions": ["staff.view"], "name": "只读"})
    assert p.status == 200 and p.data["permissions"] == ["staff.view"]
    entry = last_audit(server, "role.update")
    assert entry.before == {"name": "只读人员", "permissions": ["org.view", "staff.view"]}
    assert entry.after == {"name": "只读", "permissions": ["staff.view"]}
    b = s.patch(f"/api/roles/{role_id(server, 'hr_officer')}", {"name": "改"})
    assert b.status == 409 and b.code == "ROLE_BUILTIN"
    assert s.patch("/api/roles/999999", {"name": "x"}).status == 404
    # role.manage only: an HR officer cannot create roles.
    assert api.as_(org.a_hr_officer).post("/api/roles", {"code": "z", "name": "z", "permissions": []}).status == 403


def test_grant_takes_effect_on_next_request_and_revoke_removes_it(server, api, org, sec):
    grantee = api.as_(org.hr_1)
    assert grantee.get("/api/staff").status == 403
    s = api.as_(sec.dept)
    r = s.post("/api/grants", {"staff_id": org.hr_1.id, "role_id": role_id(server, "hr_officer"),
                               "scope_type": "dept", "scope_department_id": org.a_hr_files.id})
    assert r.status == 201, r
    assert r.data["scope"]["department"]["name"] == "档案组"
    seen = grantee.get("/api/staff?page_size=100")
    assert seen.status == 200 and {x["department"]["name"] for x in seen.data} == {"档案组"}
    assert grantee.get(f"/api/staff/{org.files_1.id}").status == 200
    entry = last_audit(server, "grant.create")
    assert entry.actor == sec.dept.id and entry.after["staff_id"] == org.hr_1.id
    d = s.delete(f"/api/grants/{r.data['id']}")
    assert d.status == 200 and d.data["revoked_at"]
    assert grantee.get("/api/staff").status == 403
    assert grantee.get(f"/api/staff/{org.files_1.id}").status == 403
    assert last_audit(server, "grant.revoke").before["revoked_at"] is None
    assert s.delete(f"/api/grants/{r.data['id']}").status == 404  # already revoked
    row = raw(server, Grant.select().where(Grant.id == r.data["id"]))[0]
    assert row.revoked_by_id == sec.dept.id


def test_grant_rules(server, api, org, sec, f):
    s = api.as_(sec.dept)
    hr_role = role_id(server, "hr_officer")
    base = {"staff_id": org.hr_1.id, "role_id": hr_role, "scope_type": "dept_tree",
            "scope_department_id": org.a_hr.id}
    # Grantee outside the grantor's reach: 404; scope beyond it: 403.
    assert s.post("/api/grants", {**base, "staff_id": org.fin_1.id}).status == 404
    assert s.post("/api/grants", {**base, "staff_id": org.b_office_1.id}).status == 404
    r = s.post("/api/grants", {**base, "scope_type": "unit_tree", "scope_unit_id": org.a.id})
    assert r.status == 403 and r.code == "GRANT_SCOPE_EXCEEDED"
    r = s.post("/api/grants", {**base, "scope_department_id": org.a_fin.id})
    assert r.code == "GRANT_SCOPE_EXCEEDED"
    r = s.post("/api/grants", {**base, "scope_type": "custom", "department_ids": [org.a_hr_files.id, org.a_fin.id]})
    assert r.code == "GRANT_SCOPE_EXCEEDED"
    r = s.post("/api/grants", {**base, "scope_type": "all"})
    assert r.code == "GRANT_SCOPE_EXCEEDED"
    # The three admin roles are never granted online.
    for code in ("sys_admin", "sec_admin", "sec_auditor"):
        r = s.post("/api/grants", {**base, "role_id": role_id(server, code)})
        assert r.status == 403 and r.code == "ADMIN_ROLE_NOT_GRANTABLE"
    # Nobody grants to themselves.
    assert s.post("/api/grants", {**base, "staff_id": sec.dept.id}).code == "SELF_GRANT"
    # Bad input.
    assert s.post("/api/grants", {**base, "scope_type": "world"}).status == 422
    assert s.post("/api/grants", {**base, "scope_department_id": None}).status == 422
    assert s.post("/api/grants", {**base, "scope_type": "custom", "department_ids": []}).status == 422
    assert s.post("/api/grants", {**base, "role_id": 999999}).code == "ROLE_NOT_FOUND"
    # Within reach: fine, self scope too; the same grant twice is a conflict.
    assert s.post("/api/grants", base).status == 201
    assert s.post("/api/grants", base).code == "GRANT_EXISTS"
    assert s.post("/api/grants", {**base, "staff_id": org.hr_2.id, "scope_type": "self"}).status == 201
    # An HR officer holds no role.grant.
    assert api.as_(org.a_hr_officer).post("/api/grants", base).status == 403


def test_non_security_grantor_gives_only_what_they_hold(server, api, org, sec, f):
    # A custom grantor role: may grant, and holds hr_officer over 档案组 only.
    s = api.as_(sec.unit)
    custom = s.post("/api/roles", {"code": "dept_grantor", "name": "部门授权员",
                                   "permissions": ["role.grant", "role.view", "staff.view"]}).data
    boss = org.hr_leader
    f.grant(boss, "dept_grantor", "dept_tree", dept=org.a_hr)
    f.grant(boss, "hr_officer", "dept", dept=org.a_hr_files)
    b = api.as_(boss)
    hr_role = role_id(server, "hr_officer")
    ok = b.post("/api/grants", {"staff_id": org.files_1.id, "role_id": hr_role,
                                "scope_type": "dept", "scope_department_id": org.a_hr_files.id})
    assert ok.status == 201, ok
    wide = b.post("/api/grants", {"staff_id": org.hr_1.id, "role_id": hr_role,
                                  "scope_type": "dept_tree", "scope_department_id": org.a_hr.id})
    assert wide.status == 403 and wide.code == "GRANT_EXCEEDS_OWN"
    assert "staff.manage" in wide.error["fields"]["permissions"]
    insp = b.post("/api/grants", {"staff_id": org.hr_1.id, "role_id": role_id(server, "data_checker"),
                                  "scope_type": "dept", "scope_department_id": org.a_hr_files.id})
    assert insp.code == "GRANT_EXCEEDS_OWN" and insp.error["fields"]["permissions"] == ["binding.resolve"]
    # The grantor role itself (role.grant, role.view, staff.view over 人事科) can be passed on.
    assert b.post("/api/grants", {"staff_id": org.hr_2.id, "role_id": custom["id"], "scope_type": "dept",
                                  "scope_department_id": org.a_hr.id}).status == 201


def test_no_grants_to_admin_accounts(server, api, org, sec):
    async def make():
        from models.org import Staff
        return await Staff.acreate(employee_no="sysadm", name="系统管理员", unit=org.a.id,
                                   is_service_account=True)
    admin = server.run(make())
    r = api.as_(sec.unit).post("/api/grants", {"staff_id": admin.id, "role_id": role_id(server, "hr_officer"),
                                               "scope_type": "unit_tree", "scope_unit_id": org.a.id})
    assert r.status == 403 and r.code == "ADMIN_ROLE_NOT_GRANTABLE"


def test_grant_list_within_reach(server, api, org, sec):
    s = api.as_(sec.dept)
    r = s.get("/api/grants?page_size=100")
    assert r.status == 200
    holders = {g["staff"]["name"] for g in r.data}
    assert "人事科保密员" in holders and "甲人事专员" in holders
    assert "甲核验员" not in holders and "乙人事专员" not in holders
    assert s.get(f"/api/grants?staff_id={org.a_checker.id}").status == 404
    assert s.get(f"/api/grants?staff_id={org.b_hr_officer.id}").status == 404
    mine = s.get(f"/api/grants?staff_id={org.a_hr_officer.id}")
    assert [g["role"]["code"] for g in mine.data] == ["hr_officer"]
    by_role = api.as_(sec.unit).get(f"/api/grants?role_id={role_id(server, 'data_checker')}")
    assert [g["staff"]["name"] for g in by_role.data] == ["甲核验员"]
    # Revoking a grant outside the reach: 404; an admin-tier grant: 403.
    checker_grant = raw(server, Grant.select().where(Grant.staff == org.a_checker.id))[0]
    assert s.delete(f"/api/grants/{checker_grant.id}").status == 404
    sec_grant = raw(server, Grant.select().where(Grant.staff == sec.unit.id))[0]
    assert api.as_(sec.unit).delete(f"/api/grants/{sec_grant.id}").status in (403, 404)
    # A unit-wide grant held by someone inside 人事科 is beyond the department grantor.
    hro = raw(server, Grant.select().where(Grant.staff == org.a_hr_officer.id))[0]
    assert s.delete(f"/api/grants/{hro.id}").code == "GRANT_SCOPE_EXCEEDED"
