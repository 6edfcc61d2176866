"""Org API input contract: shape errors are 422 VALIDATION_FAILED with `fields` keyed by the JSON
path, before any service code runs (nothing is written, nothing audited)."""
from models.audit import AuditLog
from models.base import count
from models.org import Department


def fields(r):
    assert r.status == 422 and r.code == "VALIDATION_FAILED", r
    return r.error["fields"]


def test_department_create_shape_errors(server, api, org, scoped):
    mgr = api.as_(scoped.unit_mgr)
    before = server.run(count(Department.select())), server.run(count(AuditLog.select()))
    assert fields(mgr.post("/api/departments", {"name": "考核组"})) == {"unit_id": "必填"}
    assert fields(mgr.post("/api/departments", {"unit_id": "一", "name": "考核组"})) == {"unit_id": "应为整数"}
    assert fields(mgr.post("/api/departments", {"unit_id": 0, "name": "考核组"})) == {"unit_id": "不能小于 1"}
    assert set(fields(mgr.post("/api/departments", {"unit_id": 2**63, "name": "考核组"}))) == {"unit_id"}
    assert fields(mgr.post("/api/departments", {"unit_id": org.a.id, "name": "x" * 101})) == \
        {"name": "不能超过 100 个字符"}
    assert fields(mgr.post("/api/departments", {"unit_id": org.a.id, "name": "考核\n组"})) == \
        {"name": "不能包含控制字符或换行"}
    assert fields(mgr.post("/api/departments", {"unit_id": org.a.id, "name": "考核组", "sort": -1})) == \
        {"sort": "不能小于 0"}
    assert (server.run(count(Department.select())), server.run(count(AuditLog.select()))) == before


def test_leadership_and_move_shape_errors(api, org, scoped):
    mgr = api.as_(scoped.unit_mgr)
    url = f"/api/departments/{org.a_hr.id}/leadership"
    assert fields(mgr.put(url, {"deputy_ids": []})) == {"leader_id": "必填"}
    assert fields(mgr.put(url, {"leader_id": None, "deputy_ids": [1, "x"]})) == {"deputy_ids.1": "应为整数"}
    assert fields(mgr.put(url, {"leader_id": None, "deputy_ids": list(range(1, 22))})) == \
        {"deputy_ids": "最多 20 项"}
    assert fields(mgr.put(url, {"leader_id": -5})) == {"leader_id": "不能小于 1"}
    # null is "leave the post empty", a missing parent_id is a mistake.
    assert fields(mgr.post(f"/api/departments/{org.a_hr.id}/move", {"unit_id": org.a.id})) == \
        {"parent_id": "必填"}


def test_position_and_query_shape_errors(api, org, scoped):
    mgr = api.as_(scoped.unit_mgr)
    assert fields(mgr.post("/api/positions", {"unit_id": org.a.id, "name": "科长",
                                              "is_leading": "yes"})) == {"is_leading": "应为 true 或 false"}
    hr = api.as_(org.a_hr_officer)
    assert fields(hr.get("/api/positions?unit_id=0")) == {"unit_id": "不能小于 1"}
    assert fields(hr.get("/api/departments?flat=maybe")) == {"flat": "应为 true 或 false"}
    # Valid input still reaches the data-scope rule: another bureau is a 404.
    assert hr.get(f"/api/positions?unit_id={org.b.id}").status == 404
