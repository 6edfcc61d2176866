"""The roles and grants contract (handlers/schemas/roles.py) over HTTP: shape errors are 422
VALIDATION_FAILED keyed by the field, before any rule runs, and nothing is written."""
from tests.access.test_roles import role_id


def test_role_bodies_are_declared(server, api, org, sec):
    s = api.as_(sec.unit)
    r = s.post("/api/roles", {"code": "reader", "permissions": []})
    assert (r.status, r.code) == (422, "VALIDATION_FAILED") and r.error["fields"] == {"name": "必填"}
    r = s.post("/api/roles", {"code": "reader", "name": "x", "permissions": ["staff.view"] * 101})
    assert r.status == 422 and r.error["fields"] == {"permissions": "最多 100 项"}
    # Settings bodies refuse a field they do not know (a typo would silently do nothing).
    r = s.post("/api/roles", {"code": "reader", "name": "x", "permissions": [], "permission": ["a"]})
    assert r.status == 422 and r.error["fields"] == {"permission": "不允许的字段"}
    r = s.patch(f"/api/roles/{role_id(server, 'hr_officer')}", {"nmae": "改"})
    assert r.status == 422 and r.error["fields"] == {"nmae": "不允许的字段"}
    assert [x["code"] for x in s.get("/api/roles").data if x["code"] == "reader"] == []


def test_grant_bodies_and_queries_are_declared(server, api, org, sec):
    s = api.as_(sec.unit)
    good = {"staff_id": org.hr_1.id, "role_id": role_id(server, "hr_officer"), "scope_type": "dept"}
    r = s.post("/api/grants", {**good, "scope_type": "world"})
    assert r.status == 422 and r.error["fields"] == {
        "scope_type": "取值不在允许范围内：all、unit_tree、dept_tree、dept、self、custom"}
    r = s.post("/api/grants", {**good, "staff_id": "someone", "role_id": 0})
    assert r.status == 422 and r.error["fields"] == {"staff_id": "应为整数", "role_id": "不能小于 1"}
    r = s.post("/api/grants", {**good, "department_ids": [1, 2**63]})
    assert r.status == 422 and r.error["fields"] == {"department_ids.1": f"不能大于 {2**63 - 1}"}
    r = s.post("/api/grants", {"role_id": good["role_id"], "scope_type": "dept"})
    assert r.status == 422 and r.error["fields"] == {"staff_id": "必填"}
    assert api.as_(org.hr_1).get("/api/staff").status == 403  # nothing was granted
    r = s.get("/api/grants?role_id=abc&include_revoked=maybe")
    assert r.status == 422 and set(r.error["fields"]) == {"role_id", "include_revoked"}
    assert s.get("/api/grants?include_revoked=true").status == 200
