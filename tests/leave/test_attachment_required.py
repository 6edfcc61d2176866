"""需证明材料: the last approving action on a leave whose type wants a proof above N days is refused
(409 LEAVE_ATTACHMENT_REQUIRED) until one is uploaded; earlier steps may approve; the applicant is
told; the refusal is audited and changes nothing."""
from models.approvals import ApprovalTask
from models.audit import AuditLog
from models.base import fetch_all
from models.notify import Notification

PDF = b"%PDF-1.4 proof"


def apply(client, type_, start, end):
    r = client.post("/api/leave/requests", {"type": type_, "start": start, "end": end, "reason": "就医"})
    assert r.status == 201, r
    return r.data


def act(client, inst_id, action="approve", **kw):
    return client.post(f"/api/approvals/{inst_id}/actions", {"action": action, **kw})


def upload(client, rid):
    r = client.request("POST", f"/api/leave/requests/{rid}/attachments",
                       files={"file": ("诊断.pdf", PDF, "application/pdf")})
    assert r.status == 201, r
    return r.data


def notes(server, who, kind="approval.action_required"):
    return server.run(fetch_all(Notification.select().where(
        Notification.recipient == who.id, Notification.kind == kind)))


def test_single_step_sick_leave_refused_until_a_proof_is_uploaded(api, org, server):
    me = api.as_(org.office_1)
    req = apply(me, "sick", "2026-04-08", "2026-04-10")          # 3 days > 2: proof needed
    leader = api.as_(org.office_leader)
    version = leader.get(f"/api/approvals/{req['instance_id']}").data["version"]
    r = act(leader, req["instance_id"], version=version)
    assert r.status == 409 and r.code == "LEAVE_ATTACHMENT_REQUIRED", r
    assert r.error["message"] == "该请假需上传证明材料后才能审批通过"
    # Nothing changed: still pending, same version, the leader's task still open, balance untouched.
    inst = leader.get(f"/api/approvals/{req['instance_id']}").data
    assert inst["status"] == "pending" and inst["version"] == version and inst["can"]["approve"] is True
    assert me.get(f"/api/leave/requests/{req['id']}").data["status"] == "pending"
    tasks = server.run(fetch_all(ApprovalTask.select().where(ApprovalTask.instance == req["instance_id"])))
    assert [t.status for t in tasks] == ["pending"]
    # The applicant is told, in-app; the refusal is audited.
    told = notes(server, org.office_1)
    assert len(told) == 1 and "证明材料" in told[0].body and told[0].data["code"] == "LEAVE_ATTACHMENT_REQUIRED"
    assert told[0].link == f"/pages/approvals/detail/index?id={req['instance_id']}"
    msgs = me.get("/api/messages").data
    assert any(m["kind"] == "approval.action_required" for m in msgs)
    audit = server.run(fetch_all(AuditLog.select().where(AuditLog.action == "approval.approve_refused")))
    assert len(audit) == 1 and audit[0].after["code"] == "LEAVE_ATTACHMENT_REQUIRED"
    assert str(audit[0].target_id) == str(req["instance_id"])
    # Approval works once a proof is uploaded.
    upload(me, req["id"])
    r = act(leader, req["instance_id"])
    assert r.status == 200 and r.data["status"] == "approved", r
    assert me.get(f"/api/leave/requests/{req['id']}").data["status"] == "approved"


def test_earlier_steps_approve_only_the_last_is_refused(api, org, server):
    me = api.as_(org.fin_1)
    req = apply(me, "sick", "2026-04-13", "2026-04-17")           # 5 days: leader, then supervisor
    assert act(api.as_(org.fin_leader), req["instance_id"]).data["status"] == "pending"
    r = act(api.as_(org.a_deputy), req["instance_id"])
    assert r.status == 409 and r.code == "LEAVE_ATTACHMENT_REQUIRED"
    # Batch approve reports it per item, never a 500.
    b = api.as_(org.a_deputy).post("/api/approvals/batch", {"ids": [req["instance_id"]], "action": "approve"})
    assert b.status == 200 and b.data == [{"id": req["instance_id"], "ok": False, "status_code": 409,
                                           "code": "LEAVE_ATTACHMENT_REQUIRED",
                                           "message": "该请假需上传证明材料后才能审批通过"}]
    assert len(notes(server, org.fin_1)) == 2
    upload(me, req["id"])
    assert act(api.as_(org.a_deputy), req["instance_id"]).data["status"] == "approved"


def test_all_mode_step_only_the_last_approver_is_checked(api, org):
    hr = api.as_(org.a_hr_officer)
    assert hr.post("/api/approval-flows", {"kind": "leave", "name": "会签", "steps": [
        {"name": "会签", "approvers": ["dept_leader", "supervisor"], "mode": "all"}]}).status == 201
    req = apply(api.as_(org.office_1), "marriage", "2026-04-08", "2026-04-08")   # 婚假: proof always
    assert act(api.as_(org.office_leader), req["instance_id"]).data["status"] == "pending"
    assert act(api.as_(org.a_deputy), req["instance_id"]).code == "LEAVE_ATTACHMENT_REQUIRED"


def test_no_proof_needed_at_or_below_the_threshold_or_for_other_types(api, org):
    me = api.as_(org.office_1)
    short = apply(me, "sick", "2026-04-08", "2026-04-09")         # 2 days: not above 2
    assert short["attachment_required"] is False
    assert act(api.as_(org.office_leader), short["instance_id"]).data["status"] == "approved"
    other = apply(me, "personal", "2026-04-13", "2026-04-14")
    assert act(api.as_(org.office_leader), other["instance_id"]).data["status"] == "approved"
    # Another unit's HR can neither see nor approve it.
    req = apply(me, "sick", "2026-04-20", "2026-04-22")
    assert api.as_(org.b_hr_officer).post(f"/api/approvals/{req['instance_id']}/actions",
                                          {"action": "approve"}).status == 404
