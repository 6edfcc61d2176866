"""退回修改 → a make-up (补卡) request resubmitted with changed day/time/reason: the creation
rules apply again, the approval instance records the resubmission, the audit entry keeps before
and after; only the applicant, only while returned."""
from models.attendance import MakeupRequest, Punch
from models.audit import AuditLog
from models.base import fetch_all
from tests.attendance.helpers import at, setup_a

NOW = at("2026-11-04 09:00")


def _act(client, instance_id, action, **extra):
    r = client.post(f"/api/approvals/{instance_id}/actions", {"action": action, **extra})
    assert r.status == 200, r
    return r.data


def returned(api, org, who=None, body=None):
    me = api.as_(who or org.office_1)
    r = me.post("/api/attendance/makeups", body or {"day": "2026-11-02", "time": "17:40", "reason": "忘记打卡"},
                headers=NOW)
    assert r.status == 201, r
    _act(api.as_(org.office_leader), r.data["approval_id"], "return", comment="时间不对，请核对")
    return r.data


def resubmit(client, rid, body, headers=NOW):
    return client.post(f"/api/attendance/makeups/{rid}/resubmit", body, headers=headers)


def test_changed_makeup_goes_back_to_the_leader_with_history(api, org, server):
    setup_a(api, org)
    req = returned(api, org)
    me = api.as_(org.office_1)
    assert me.get("/api/attendance/makeups").data[0]["status"] == "returned"
    r = resubmit(me, req["id"], {"day": "2026-11-03", "time": "17:35", "reason": "下班忘记打卡"})
    assert r.status == 200, r
    assert r.data["status"] == "pending" and r.data["day"] == "2026-11-03" and r.data["reason"] == "下班忘记打卡"
    assert r.data["at"].startswith("2026-11-03T17:35")
    leader = api.as_(org.office_leader)
    inst = leader.get(f"/api/approvals/{req['approval_id']}").data
    assert inst["status"] == "pending" and inst["round"] == 2
    assert inst["context"] == {"day": "2026-11-03", "time": "17:35"}
    assert inst["summary"] == "补卡 2026-11-03 17:35：下班忘记打卡"
    assert inst["subject"]["time"] == "17:35" and inst["subject"]["day"] == "2026-11-03"
    assert [e["action"] for e in inst["timeline"]] == ["submit", "return", "resubmit"]
    rows = server.run(fetch_all(AuditLog.select().where(AuditLog.action == "attendance.makeup.resubmit")))
    assert len(rows) == 1
    assert rows[0].before == {"day": "2026-11-02", "time": "17:40", "reason": "忘记打卡"}
    assert rows[0].after == {"day": "2026-11-03", "time": "17:35", "reason": "下班忘记打卡"}
    # the leader approves: the punch is the changed one
    _act(leader, req["approval_id"], "approve")
    punches = server.run(fetch_all(Punch.select().where(Punch.kind == "makeup")))
    assert len(punches) == 1 and punches[0].at.isoformat().startswith("2026-11-03T09:35")  # UTC
    # omitted fields keep their value
    req2 = returned(api, org, body={"day": "2026-11-02", "time": "08:25", "reason": "早上忘记"})
    r = resubmit(me, req2["id"], {"reason": "早上忘记打卡"})
    assert r.status == 200 and r.data["day"] == "2026-11-02" and r.data["at"].startswith("2026-11-02T08:25")
    assert r.data["reason"] == "早上忘记打卡"


def test_who_when_and_what(api, org, server):
    setup_a(api, org, rule={"makeup_monthly_limit": 2, "makeup_deadline_days": 3})
    req = returned(api, org)
    me = api.as_(org.office_1)
    # the approver sees it but may not resubmit; a colleague and the other unit do not see it
    r = resubmit(api.as_(org.office_leader), req["id"], {"reason": "x"})
    assert r.status == 403 and r.code == "APPROVAL_NOT_APPLICANT", r
    for who in (org.office_2, org.b_office_1, org.b_hr_officer):
        r = resubmit(api.as_(who), req["id"], {"reason": "x"})
        assert r.status == 404 and r.code == "MAKEUP_NOT_FOUND", (who.name, r)
    assert resubmit(me, 999999, {"reason": "x"}).status == 404
    # invalid content: the creation rules
    cases = [
        ({"day": "2026-11-05"}, "MAKEUP_FUTURE"),
        ({"day": "2026-11-04", "time": "10:00"}, "MAKEUP_FUTURE"),
        ({"day": "2026-10-30"}, "MAKEUP_DEADLINE_PASSED"),
        ({"time": "25:00"}, "VALIDATION_FAILED"),
        ({"time": "8:30"}, "VALIDATION_FAILED"),
        ({"day": "2026/11/02"}, "VALIDATION_FAILED"),
        ({"reason": ""}, "VALIDATION_FAILED"),
        ({"reason": "长" * 201}, "VALIDATION_FAILED"),
        ({"kind": "in"}, "VALIDATION_FAILED"),
    ]
    for body, code in cases:
        r = resubmit(me, req["id"], body)
        assert r.status == 422 and r.code == code, (body, r)
    row = server.run(MakeupRequest.aget(MakeupRequest.id == req["id"]))
    assert row.status == "returned" and row.reason == "忘记打卡" and row.day.isoformat() == "2026-11-02"
    assert not server.run(fetch_all(AuditLog.select().where(AuditLog.action == "attendance.makeup.resubmit")))
    # the monthly limit counts this request once: moving it within the month is fine,
    # but not when the limit is used up by others
    other = me.post("/api/attendance/makeups", {"day": "2026-11-03", "time": "08:29", "reason": "b"},
                    headers=NOW)
    assert other.status == 201
    r = resubmit(me, req["id"], {"day": "2026-11-03", "time": "17:31"})
    assert r.status == 200, r
    # not returned any more: 409
    r = resubmit(me, req["id"], {"reason": "再改"})
    assert r.status == 409 and r.code == "APPROVAL_NOT_RETURNED", r
    r = resubmit(me, other.data["id"], {"reason": "再改"})
    assert r.status == 409 and r.code == "APPROVAL_NOT_RETURNED", r
    # anonymous
    assert api.post(f"/api/attendance/makeups/{req['id']}/resubmit", {"reason": "x"}).status == 401
