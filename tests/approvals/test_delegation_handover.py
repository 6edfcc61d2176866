"""委托 and tasks already waiting: a delegation that covers today takes the delegator's pending tasks
(代 X 审批, timeline note, delegate notified, audited); one starting later takes them when it
begins; revoking hands the still-pending ones back."""
import datetime

from models.approvals import ApprovalTask
from models.audit import AuditLog
from models.base import fetch_all
from models.notify import Notification
from services import approval_delegation
from tests.approvals.helpers import submit

TODAY = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()  # Beijing, as the server


def delegate(client, to, start=TODAY, end=TODAY + datetime.timedelta(days=3)):
    r = client.post("/api/approvals/delegations", {"delegate_id": to.id, "start": str(start), "end": str(end)})
    assert r.status == 201, r
    return r.data


def task_of(client, inst_id):
    inst = client.get(f"/api/approvals/{inst_id}").data
    return inst, inst["steps"][0]["tasks"][-1]


def waiting_ids(client):
    return [i["id"] for i in client.get("/api/approvals?box=waiting").data]


def audits(server, action):
    return server.run(fetch_all(AuditLog.select().where(AuditLog.action == action)))


def test_creating_a_delegation_hands_over_waiting_tasks(api, org, server):
    inst = submit(server, org.office_1)
    own = submit(server, org.office_2)            # the delegate's own request stays with the leader
    leader, deputy = api.as_(org.office_leader), api.as_(org.office_2)
    before = leader.get(f"/api/approvals/{inst['id']}").data["version"]
    d = delegate(leader, org.office_2)
    assert d["handed_over"] == [inst["id"]], d
    detail, task = task_of(deputy, inst["id"])
    assert task["assignee"]["id"] == org.office_2.id and task["label"] == f"代 {org.office_leader.name} 审批"
    assert detail["version"] == before + 1
    note = [e for e in detail["timeline"] if e["action"] == "delegate"]
    assert len(note) == 1 and note[0]["action_label"] == "委托代审" and org.office_2.name in note[0]["comment"]
    assert task_of(leader, own["id"])[1]["assignee"]["id"] == org.office_leader.id
    assert waiting_ids(deputy) == [inst["id"]] and waiting_ids(leader) == [own["id"]]
    msgs = server.run(fetch_all(Notification.select().where(
        Notification.recipient == org.office_2.id, Notification.kind == "approval.pending")))
    assert len(msgs) == 1 and "委托您审批" in msgs[0].title and msgs[0].data["instance_id"] == inst["id"]
    rows = audits(server, "approval.delegation.hand_over")
    assert len(rows) == 1 and rows[0].after["instance_ids"] == [inst["id"]]
    # The delegator no longer holds it; the delegate approves on their behalf.
    assert leader.post(f"/api/approvals/{inst['id']}/actions", {"action": "approve"}).status == 403
    # A screen showing the version from before the hand-over is told to refresh.
    stale = deputy.post(f"/api/approvals/{inst['id']}/actions", {"action": "approve", "version": before})
    assert stale.status == 409 and stale.code == "APPROVAL_ALREADY_ACTED"
    r = deputy.post(f"/api/approvals/{inst['id']}/actions", {"action": "approve", "version": before + 1})
    assert r.status == 200 and r.data["status"] == "approved"
    assert r.data["timeline"][-1]["label"] == f"代 {org.office_leader.name} 审批"
    third = submit(server, org.office_1)          # new while active: routed to the delegate at once
    assert task_of(leader, third["id"])[1]["assignee"]["id"] == org.office_2.id


def test_revoking_hands_pending_tasks_back(api, org, server):
    first = submit(server, org.office_1)
    leader, deputy = api.as_(org.office_leader), api.as_(org.office_2)
    d = delegate(leader, org.office_2)
    later = submit(server, org.office_1)          # created during the delegation: routed to the delegate
    done = submit(server, org.fin_1)              # another department: untouched
    assert task_of(deputy, later["id"])[1]["assignee"]["id"] == org.office_2.id
    assert api.as_(org.office_2).delete(f"/api/approvals/delegations/{d['id']}").status == 404  # not theirs
    r = leader.delete(f"/api/approvals/delegations/{d['id']}")
    assert r.status == 200 and r.data["revoked"] is True and sorted(r.data["handed_back"]) == [first["id"], later["id"]]
    for inst in (first, later):
        _, task = task_of(leader, inst["id"])
        assert task["assignee"]["id"] == org.office_leader.id and task["on_behalf_of"] is None
        timeline = leader.get(f"/api/approvals/{inst['id']}").data["timeline"]
        assert timeline[-1]["action"] == "undelegate" and timeline[-1]["action_label"] == "收回委托"
    assert waiting_ids(deputy) == [] and sorted(waiting_ids(leader)) == [first["id"], later["id"]]
    assert task_of(api.as_(org.fin_leader), done["id"])[1]["assignee"]["id"] == org.fin_leader.id
    rows = audits(server, "approval.delegation.hand_back")
    assert len(rows) == 1 and sorted(rows[0].after["instance_ids"]) == [first["id"], later["id"]]
    # no longer a participant: the former delegate cannot see or act on it
    assert deputy.post(f"/api/approvals/{first['id']}/actions", {"action": "approve"}).status == 404
    assert leader.post(f"/api/approvals/{first['id']}/actions", {"action": "approve"}).data["status"] == "approved"
    msgs = server.run(fetch_all(Notification.select().where(
        Notification.recipient == org.office_2.id, Notification.kind == "approval.withdrawn")))
    assert len(msgs) == 1 and "撤销审批委托" in msgs[0].title


def test_acted_tasks_stay_and_only_pending_ones_move(api, org, server):
    acted = submit(server, org.office_1)
    leader = api.as_(org.office_leader)
    assert leader.post(f"/api/approvals/{acted['id']}/actions", {"action": "approve"}).status == 200
    waiting = submit(server, org.office_1)
    d = delegate(leader, org.office_2)
    assert d["handed_over"] == [waiting["id"]]
    tasks = server.run(fetch_all(ApprovalTask.select().where(ApprovalTask.instance == acted["id"])))
    assert [(t.assignee_id, t.status) for t in tasks] == [(org.office_leader.id, "approved")]


def test_a_delegation_starting_later_takes_over_when_it_begins(api, org, server, monkeypatch):
    inst = submit(server, org.office_1)
    leader, deputy = api.as_(org.office_leader), api.as_(org.office_2)
    tomorrow = TODAY + datetime.timedelta(days=1)
    d = delegate(leader, org.office_2, start=tomorrow, end=tomorrow + datetime.timedelta(days=2))
    assert d["handed_over"] == [] and d["active_today"] is False
    assert waiting_ids(deputy) == [] and waiting_ids(leader) == [inst["id"]]
    monkeypatch.setattr(approval_delegation, "today", lambda: tomorrow)
    # The next day the delegate's inbox (or the count on the home card) brings it over.
    assert deputy.get("/api/approvals/count").data["waiting"] == 1
    assert waiting_ids(deputy) == [inst["id"]] and waiting_ids(leader) == []
    assert task_of(deputy, inst["id"])[1]["label"] == f"代 {org.office_leader.name} 审批"
    assert len(audits(server, "approval.delegation.hand_over")) == 1   # once, not per read
