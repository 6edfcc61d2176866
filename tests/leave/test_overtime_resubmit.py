"""退回修改 → an overtime (加班) request resubmitted with changed date/hours/reason: the creation
rules again, the instance re-routed and recording the resubmission, audit before/after; only the
applicant, only while returned."""
from models.audit import AuditLog
from models.base import fetch_all
from models.leave import OvertimeRequest
from tests.leave.test_leave import act


def overtime(client, date, hours, reason="加班处理文件"):
    return client.post("/api/overtime/requests", {"date": date, "hours": hours, "reason": reason})


def resubmit(client, oid, body):
    return client.post(f"/api/overtime/requests/{oid}/resubmit", body)


def returned(api, org, date="2026-03-07", hours=4):
    r = overtime(api.as_(org.office_1), date, hours)
    assert r.status == 201, r
    assert act(api.as_(org.office_leader), r.data["instance_id"], "return",
               comment="时长请按实际填写").data["status"] == "returned"
    return r.data


def test_changed_overtime_is_resubmitted_and_credited_as_changed(api, org, server):
    req = returned(api, org)
    me = api.as_(org.office_1)
    assert me.get(f"/api/overtime/requests/{req['id']}").data["status"] == "returned"
    r = resubmit(me, req["id"], {"date": "2026-03-08", "hours": 6.5, "reason": "周日值班"})
    assert r.status == 200, r
    assert (r.data["status"], r.data["date"], r.data["hours"], r.data["reason"]) == (
        "pending", "2026-03-08", 6.5, "周日值班")
    leader = api.as_(org.office_leader)
    inst = leader.get(f"/api/approvals/{req['instance_id']}").data
    assert inst["status"] == "pending" and inst["round"] == 2
    assert inst["context"] == {"hours": 6.5, "date": "2026-03-08"}
    assert inst["summary"] == "加班 2026-03-08 6.5 小时"
    assert [e["action"] for e in inst["timeline"]] == ["submit", "return", "resubmit"]
    assert inst["subject"]["hours"] == 6.5
    rows = server.run(fetch_all(AuditLog.select().where(AuditLog.action == "overtime.resubmit")))
    assert len(rows) == 1
    assert rows[0].before == {"date": "2026-03-07", "hours": 4.0, "reason": "加班处理文件"}
    assert rows[0].after == {"date": "2026-03-08", "hours": 6.5, "reason": "周日值班"}
    assert act(leader, req["instance_id"], "approve").data["status"] == "approved"
    lieu = next(b for b in me.get("/api/leave/balances?year=2026").data if b["type_code"] == "lieu")
    assert lieu["entitled"] == round(6.5 / 8, 4)
    # omitted fields keep their value
    req2 = returned(api, org, date="2026-03-14", hours=3)
    r = resubmit(me, req2["id"], {"hours": 2})
    assert r.status == 200 and r.data["date"] == "2026-03-14" and r.data["reason"] == "加班处理文件", r


def test_who_when_and_what(api, org, server):
    req = returned(api, org)
    me = api.as_(org.office_1)
    r = resubmit(api.as_(org.office_leader), req["id"], {"hours": 2})
    assert r.status == 403 and r.code == "APPROVAL_NOT_APPLICANT", r
    for who in (org.office_2, org.b_office_1, org.b_hr_officer):
        r = resubmit(api.as_(who), req["id"], {"hours": 2})
        assert r.status == 404 and r.code == "OVERTIME_NOT_FOUND", (who.name, r)
    other = overtime(me, "2026-03-10", 2)
    assert other.status == 201
    cases = [
        ({"hours": 0.3}, 422, "OVERTIME_HOURS_INVALID"),
        ({"hours": 25}, 422, "OVERTIME_HOURS_INVALID"),
        ({"hours": 0}, 422, "OVERTIME_HOURS_INVALID"),
        ({"hours": "x"}, 422, "VALIDATION_FAILED"),
        ({"date": "2026-13-01"}, 422, "VALIDATION_FAILED"),
        ({"reason": ""}, 422, "VALIDATION_FAILED"),
        ({"staff_id": 1}, 422, "VALIDATION_FAILED"),
        ({"date": "2026-03-10"}, 409, "OVERTIME_OVERLAP"),
    ]
    for body, status, code in cases:
        r = resubmit(me, req["id"], body)
        assert r.status == status and r.code == code, (body, r)
    row = server.run(OvertimeRequest.aget(OvertimeRequest.id == req["id"]))
    assert row.status == "returned" and row.hours == 4 and row.work_date.isoformat() == "2026-03-07"
    assert not server.run(fetch_all(AuditLog.select().where(AuditLog.action == "overtime.resubmit")))
    # its own date is no overlap
    assert resubmit(me, req["id"], {"hours": 3}).status == 200
    r = resubmit(me, req["id"], {"hours": 2})
    assert r.status == 409 and r.code == "APPROVAL_NOT_RETURNED", r
    r = resubmit(me, other.data["id"], {"hours": 3})
    assert r.status == 409 and r.code == "APPROVAL_NOT_RETURNED", r
    assert resubmit(me, 999999, {"hours": 3}).status == 404
    assert api.post(f"/api/overtime/requests/{req['id']}/resubmit", {"hours": 3}).status == 401
