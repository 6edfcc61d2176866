"""退回修改 → resubmit with changes: type, dates, halves and reason may change; days are recounted,
overlap and balance re-checked, the reservation moved in one transaction, and the approval re-routed
on the new length."""
from models.audit import AuditLog
from models.base import fetch_all
from tests.leave.test_leave import act, annual, apply


def resubmit(client, rid, **body):
    return client.post(f"/api/leave/requests/{rid}/resubmit", body)


def returned(api, org, who, leader, type_="annual", start="2026-03-02", end="2026-03-03"):
    r = apply(api.as_(who), type_, start, end)
    assert r.status == 201, r
    assert act(api.as_(leader), r.data["instance_id"], "return", comment="请调整日期").data["status"] == "returned"
    return r.data


def approvers(client, inst_id):
    inst = client.get(f"/api/approvals/{inst_id}").data
    return inst, [s["approvers"][0]["id"] for s in inst["steps"] if not s["skipped"]]


def test_longer_dates_recount_move_the_reservation_and_add_the_supervisor(api, org, server):
    me = api.as_(org.fin_1)
    req = returned(api, org, org.fin_1, org.fin_leader)
    assert annual(me)["pending"] == 2
    r = resubmit(me, req["id"], end="2026-03-06", reason="改为一周")
    assert r.status == 200, r
    assert r.data["days"] == 5 and r.data["status"] == "pending" and r.data["end"] == "2026-03-06"
    assert r.data["start"] == "2026-03-02" and r.data["reason"] == "改为一周"
    assert annual(me)["pending"] == 5                     # 2 released, 5 reserved
    inst, ids = approvers(me, req["instance_id"])
    assert ids == [org.fin_leader.id, org.a_deputy.id]    # days > 3 now: 分管领导 too
    assert inst["round"] == 2 and inst["context"]["days"] == 5 and "共 5 天" in inst["summary"]
    assert "resubmit" in [e["action"] for e in inst["timeline"]]
    rows = server.run(fetch_all(AuditLog.select().where(AuditLog.action == "leave.resubmit")))
    assert len(rows) == 1 and rows[0].before["days"] == 2 and rows[0].after["days"] == 5
    # the new route approves and the balance moves to used
    assert act(api.as_(org.fin_leader), req["instance_id"], "approve").data["status"] == "pending"
    assert act(api.as_(org.a_deputy), req["instance_id"], "approve").data["status"] == "approved"
    b = annual(me)
    assert b["pending"] == 0 and b["used"] == 5


def test_shorter_drops_the_step_and_type_change_releases_the_old_balance(api, org):
    me = api.as_(org.fin_1)
    req = returned(api, org, org.fin_1, org.fin_leader, end="2026-03-06")
    assert approvers(me, req["instance_id"])[1] == [org.fin_leader.id, org.a_deputy.id]
    r = resubmit(me, req["id"], type="personal", start="2026-03-03", start_half="pm", end="2026-03-04",
                 end_half="am")
    assert r.status == 200 and r.data["type"] == "personal" and r.data["days"] == 1, r
    assert annual(me)["pending"] == 0
    assert approvers(me, req["instance_id"])[1] == [org.fin_leader.id]


def test_refused_resubmits_change_nothing(api, org):
    me = api.as_(org.fin_1)
    other = apply(me, "personal", "2026-03-10", "2026-03-10")
    assert other.status == 201
    req = returned(api, org, org.fin_1, org.fin_leader)
    cases = [
        ({"start": "2026-04-01", "end": "2026-06-30"}, 422, "LEAVE_BALANCE_INSUFFICIENT"),  # > 10 days
        ({"end": "2026-03-10"}, 409, "LEAVE_OVERLAP"),
        ({"start": "2026-03-05", "end": "2026-03-04"}, 422, "LEAVE_RANGE_INVALID"),
        ({"type": "bogus"}, 422, "LEAVE_TYPE_UNKNOWN"),
        ({"start": "2026-03-07", "end": "2026-03-08"}, 422, "LEAVE_NO_WORKING_DAY"),
        ({"start": "03/02/2026"}, 422, "VALIDATION_FAILED"),
        ({"start_half": "noon"}, 422, "VALIDATION_FAILED"),
    ]
    for body, status, code in cases:
        r = resubmit(me, req["id"], **body)
        assert r.status == status and r.code == code, (body, r)
    detail = me.get(f"/api/leave/requests/{req['id']}").data
    assert detail["status"] == "returned" and detail["end"] == "2026-03-03" and detail["days"] == 2
    assert annual(me)["pending"] == 2
    assert me.get(f"/api/approvals/{req['instance_id']}").data["status"] == "returned"
    # Overlapping its own old dates is fine; an empty body resubmits unchanged.
    r = resubmit(me, req["id"], start="2026-03-03", end="2026-03-03")
    assert r.status == 200 and r.data["days"] == 1 and annual(me)["pending"] == 1


def test_only_the_applicant_and_only_when_returned(api, org):
    me = api.as_(org.fin_1)
    req = returned(api, org, org.fin_1, org.fin_leader)
    assert resubmit(api.as_(org.fin_leader), req["id"]).code == "APPROVAL_NOT_APPLICANT"
    for who in (org.b_hr_officer, org.fin_2):
        assert resubmit(api.as_(who), req["id"]).status == 404
    assert resubmit(api, req["id"]).status == 401
    assert resubmit(me, req["id"]).status == 200          # no changes: same dates, pending again
    r = resubmit(me, req["id"], end="2026-03-04")
    assert r.status == 409 and r.code == "APPROVAL_NOT_RETURNED"
    assert resubmit(me, 999999).status == 404
