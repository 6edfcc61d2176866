"""Approval inputs are declared (handlers/schemas/approvals.py): shape errors are 422
VALIDATION_FAILED with `fields` keyed by the JSON path and change nothing."""
from tests.approvals.helpers import instance_row, submit

INT64_MAX = 2**63 - 1
ACTIONS = "approve、reject、return、withdraw、transfer、comment、cc"


def test_action_batch_and_delegation_bodies(api, org, server):
    inst = submit(server, org.office_1)
    leader = api.as_(org.office_leader)
    url = f"/api/approvals/{inst['id']}/actions"
    cases = [
        ({}, {"action": "必填"}),                                                   # missing
        ({"action": "approve", "version": "v2"}, {"version": "应为整数"}),             # wrong type
        ({"action": "transfer", "to_staff_id": INT64_MAX + 1}, {"to_staff_id": f"不能大于 {INT64_MAX}"}),
        ({"action": "agree"}, {"action": "取值不在允许范围内：" + ACTIONS}),            # bad enum
        ({"action": "comment", "comment": "x" * 501}, {"comment": "不能超过 500 个字符"}),
    ]
    for body, fields in cases:
        r = leader.post(url, body)
        assert (r.status, r.code, r.error["fields"]) == (422, "VALIDATION_FAILED", fields), body
    assert instance_row(server, inst["id"]).status == "pending"
    assert instance_row(server, inst["id"]).version == inst["version"]
    # A path id beyond 64 bits matches nothing.
    assert leader.post(f"/api/approvals/{INT64_MAX + 1}/actions", {"action": "approve"}).status == 404
    for body, fields in (({"ids": [], "action": "approve"}, {"ids": "至少 1 项"}),
                         ({"ids": [inst["id"]], "action": "reject"},
                          {"action": "取值不在允许范围内：approve"}),
                         ({"ids": [inst["id"], 0, "x"], "action": "approve"},
                          {"ids.1": "不能小于 1", "ids.2": "应为整数"}),
                         ({"ids": list(range(1, 102)), "action": "approve"}, {"ids": "最多 100 项"})):
        r = leader.post("/api/approvals/batch", body)
        assert (r.status, r.code, r.error["fields"]) == (422, "VALIDATION_FAILED", fields), body
    assert instance_row(server, inst["id"]).status == "pending"
    r = leader.post("/api/approvals/delegations", {"delegate_id": org.office_2.id, "start": "2026-11-02"})
    assert r.status == 422 and r.error["fields"] == {"end": "必填"}
    r = leader.post("/api/approvals/delegations", {"delegate_id": "张三", "start": "2026-11-02",
                                                  "end": "2026/11/30"})
    assert r.status == 422 and r.error["fields"] == {"delegate_id": "应为整数", "end": "应为日期 YYYY-MM-DD"}
    assert leader.get("/api/approvals/delegations").data == []


def test_queries_and_flow_bodies(api, org):
    me = api.as_(org.office_1)
    r = me.get("/api/approvals?box=all")
    assert r.status == 422 and r.code == "VALIDATION_FAILED"
    assert r.error["fields"] == {"box": "取值不在允许范围内：waiting、done、cc、mine"}
    r = me.get("/api/approvals?page=100001")
    assert r.status == 422 and r.error["fields"] == {"page": "不能大于 100000"}
    r = me.get("/api/approval-flows/preview?kind=test_leave&applicant_id=0&days=nan")
    assert r.status == 422 and set(r.error["fields"]) == {"applicant_id", "days"}
    hr = api.as_(org.a_hr_officer)
    r = hr.post("/api/approval-flows", {"kind": "test_leave", "name": "x", "steps": []})
    assert r.status == 422 and r.error["fields"] == {"steps": "至少 1 项"}
    r = hr.post("/api/approval-flows", {"kind": "test_leave", "steps": "dept_leader", "nation": True})
    assert r.status == 422 and r.error["fields"] == {"name": "必填", "steps": "应为列表",
                                                     "nation": "不允许的字段"}
    r = hr.put("/api/approval-flows/1", {"active": "yes please"})
    assert r.status == 422 and r.error["fields"] == {"active": "应为 true 或 false"}
    # The steps' own rules stay the engine's: 422 APPROVAL_FLOW_INVALID keyed steps[i].x.
    r = hr.post("/api/approval-flows", {"kind": "test_leave", "name": "x",
                                        "steps": [{"name": "审批", "approvers": ["nobody"]}]})
    assert r.status == 422 and r.code == "APPROVAL_FLOW_INVALID" and set(r.error["fields"]) == {"steps[0].approvers"}
    assert all(f["builtin"] for f in hr.get("/api/approval-flows?kind=test_leave").data)
