"""Issue 9: role managers cannot widen roles they hold or add what they lack; a unit's custom roles
stay in that unit."""
import pytest

from models.access import Role
from tests.org.util import last_audit, raw


def role_id(server, code):
    return raw(server, Role.select().where(Role.code == code))[0].id


@pytest.fixture
def sec_all(f, org):
    s = f.staff(org.a_office, "总保密员", employee_no="SEC-ALL")
    f.grant(s, "sec_admin", "all")
    return s


def make_role(api, who, code, perms):
    r = api.as_(who).post("/api/roles", {"code": code, "name": code, "permissions": perms})
    assert r.status == 201, r
    return r.data


def test_role_manager_cannot_widen_a_role_they_hold(server, api, org, f, sec_all):
    mgr_role = make_role(api, sec_all, "role_keeper", ["role.view", "role.manage", "org.view", "staff.view"])
    keeper = org.office_1
    f.grant(keeper, "role_keeper", "unit_tree", unit=org.a)
    k = api.as_(keeper)
    r = k.patch(f"/api/roles/{mgr_role['id']}",
                {"permissions": mgr_role["permissions"] + ["staff.manage"]})
    assert r.status == 403 and r.code == "ROLE_SELF_CHANGE", r
    assert k.patch(f"/api/staff/{org.office_2.id}", {"name": "改名"}).status == 403
    assert "staff.manage" not in k.get(f"/api/roles/{mgr_role['id']}").data["permissions"]
    # Renaming it is a change too.
    assert k.patch(f"/api/roles/{mgr_role['id']}", {"name": "x"}).code == "ROLE_SELF_CHANGE"
    assert last_audit(server, "role.update") is None


def test_role_manager_cannot_add_what_they_lack_or_beyond_their_reach(server, api, org, f, sec_all):
    make_role(api, sec_all, "unit_role_mgr", ["role.view", "role.manage", "org.view", "leave.view"])
    mgr = org.office_leader
    f.grant(mgr, "unit_role_mgr", "dept", dept=org.a_office)
    m = api.as_(mgr)
    # Not a whole-country manager: the role belongs to unit A.
    mine = m.post("/api/roles", {"code": "a_reader", "name": "甲局只读", "permissions": ["org.view"]})
    assert mine.status == 201 and mine.data["unit_id"] == org.a.id, mine
    # A permission the manager lacks cannot go into a new role either.
    r = m.post("/api/roles", {"code": "a_writer", "name": "x", "permissions": ["staff.manage"]})
    assert r.status == 403 and r.code == "ROLE_EXCEEDS_OWN"
    holder = org.fin_1
    f.grant(holder, "a_reader", "unit_tree", unit=org.a)
    r = m.patch(f"/api/roles/{mine.data['id']}", {"permissions": ["org.view", "staff.manage"]})
    assert r.status == 403 and r.code == "ROLE_EXCEEDS_OWN" and r.error["fields"]["permissions"] == ["staff.manage"]
    # leave.view is held, but over 办公室 only while the role reaches all of A.
    r = m.patch(f"/api/roles/{mine.data['id']}", {"permissions": ["org.view", "leave.view"]})
    assert r.status == 403 and r.code == "ROLE_EXCEEDS_OWN", r
    assert api.as_(holder).get("/api/leave/requests?mine=0").status == 403
    # Removing, or renaming, is fine.
    assert m.patch(f"/api/roles/{mine.data['id']}", {"permissions": [], "name": "甲局"}).status == 200
    # A system-wide custom role is not a unit manager's to change.
    glob = make_role(api, sec_all, "global_reader", ["org.view"])
    r = m.patch(f"/api/roles/{glob['id']}", {"name": "改"})
    assert r.status == 403 and r.code == "ROLE_SCOPE_EXCEEDED"
    # The 安全保密管理员 adds within their role.grant reach.
    assert api.as_(sec_all).patch(f"/api/roles/{mine.data['id']}", {"permissions": ["staff.manage"]}).status == 200


def test_unit_roles_are_invisible_and_unusable_elsewhere(server, api, org, f, sec_all):
    make_role(api, sec_all, "unit_role_mgr", ["role.view", "role.manage", "role.grant", "org.view",
                                              "staff.view"])
    a_mgr, b_mgr = org.office_leader, org.b_office_leader
    f.grant(a_mgr, "unit_role_mgr", "unit_tree", unit=org.a)
    f.grant(b_mgr, "unit_role_mgr", "unit_tree", unit=org.b)
    a_role = make_role(api, a_mgr, "a_viewer", ["org.view"])
    assert a_role["unit_id"] == org.a.id
    b = api.as_(b_mgr)
    assert a_role["id"] not in [r["id"] for r in b.get("/api/roles").json["data"]]
    assert b.get(f"/api/roles/{a_role['id']}").status == 404
    assert b.patch(f"/api/roles/{a_role['id']}", {"name": "x"}).status == 404
    r = b.post("/api/grants", {"staff_id": org.b_office_1.id, "role_id": a_role["id"],
                               "scope_type": "unit_tree", "scope_unit_id": org.b.id})
    assert r.status == 404 and r.code == "ROLE_NOT_FOUND", r
    # Even a whole-country grantor cannot use it outside unit A.
    s = api.as_(sec_all)
    r = s.post("/api/grants", {"staff_id": org.b_office_1.id, "role_id": a_role["id"],
                               "scope_type": "self"})
    assert r.status == 403 and r.code == "ROLE_UNIT_MISMATCH", r
    r = s.post("/api/grants", {"staff_id": org.fin_1.id, "role_id": a_role["id"], "scope_type": "all"})
    assert r.code == "ROLE_UNIT_MISMATCH"
    ok = api.as_(a_mgr).post("/api/grants", {"staff_id": org.fin_1.id, "role_id": a_role["id"],
                                              "scope_type": "unit_tree", "scope_unit_id": org.a.id})
    assert ok.status == 201, ok
    assert a_role["id"] in [r["id"] for r in api.as_(a_mgr).get("/api/roles").data]
