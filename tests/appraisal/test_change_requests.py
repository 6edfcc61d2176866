"""Change requests (目标变更): a new version through the same flow while the confirmed version
stays in force; approved → the new one confirmed and the old superseded; rejected / withdrawn →
the draft closed and nothing changes."""
from models.appraisal.goals import GoalSet, GoalVersion
from models.base import fetch_all
from models.notify import Notification
from services import events
from tests.appraisal.test_goals_helpers import (AFTER_PROGRESS, IN_GOAL_SETTING, IN_PROGRESS,
                                                audit_actions, confirmed_goals, my_goals, review,
                                                save, setup, submit)


def _versions(server, gs_id):
    return {v.number: (v.kind, v.status) for v in server.run(fetch_all(
        GoalVersion.select().where(GoalVersion.goal_set == gs_id)))}


def _change(client, gs, reason="工作调整", headers=IN_PROGRESS, expect=201):
    r = client.post(f"/api/appraisal/goal-sets/{gs['id']}/change-requests", {"reason": reason},
                    headers=headers)
    assert r.status == expect, r
    return r.data if expect == 201 else r


def test_change_request_approved_supersedes_the_old_version(api, f, org, server, monkeypatch):
    env = setup(f, org)
    seen = []

    async def on_event(**payload):
        seen.append(payload)
    monkeypatch.setitem(events._subscribers, "appraisal.goals.changed", [on_event])
    me, gs = confirmed_goals(api, org, env.cycle)
    v1 = gs["confirmed_version_id"]

    out = _change(me, gs, "新增专项任务")
    assert out["change_pending"] and out["status"] == "confirmed"
    assert out["current"]["number"] == 2 and out["current"]["kind"] == "change"
    assert out["current"]["reason"] == "新增专项任务" and out["current"]["based_on_number"] == 1
    assert out["confirmed"]["id"] == v1
    assert out["can"]["edit"] and not out["can"]["change_request"]
    # A second change while one is open: refused.
    assert _change(me, out, expect=409).code == "APPRAISAL_CHANGE_PENDING"

    its = [{k: v for k, v in i.items() if k in (
        "key", "title", "kind", "target", "unit_of_measure", "formula", "criteria", "weight", "due_date")}
        for i in out["current"]["items"]]
    its[0]["target"] = 1500
    its[1]["weight"] = 20
    its.append({"title": "专项整治", "kind": "qualitative", "criteria": "年底前完成", "weight": 10})
    out = save(me, out, its, headers=IN_PROGRESS)
    out = submit(me, out, headers=IN_PROGRESS)
    assert out["approval"]["kind"] == "appraisal_goal_change"
    assert out["current"]["status"] == "submitted"

    # While pending, the confirmed version stays in force (what progress and scoring read).
    leader = api.as_(org.office_leader)
    mid = leader.get(f"/api/appraisal/goal-sets/{gs['id']}", headers=IN_PROGRESS).data
    assert mid["confirmed_version_id"] == v1 and mid["confirmed"]["items"][0]["target"] == 1200
    assert len(mid["confirmed"]["items"]) == 3
    box = leader.get("/api/appraisal/reviews").data
    assert box[0]["review_version"]["kind"] == "change" and box[0]["review_version"]["reason"] == "新增专项任务"

    review(leader, gs["id"], headers=IN_PROGRESS)
    out = review(api.as_(org.a_hr_officer), gs["id"], headers=IN_PROGRESS)
    assert out["status"] == "confirmed" and not out["change_pending"]
    assert out["confirmed"]["number"] == 2 and out["confirmed"]["items"][0]["target"] == 1500
    assert _versions(server, gs["id"]) == {1: ("initial", "superseded"), 2: ("change", "confirmed")}
    assert seen and seen[-1]["goal_set_id"] == gs["id"] and seen[-1]["previous_version_id"] == v1
    actions = audit_actions(server, gs["id"])
    assert actions.count("appraisal.goals.confirm") == 2 and "appraisal.goals.change_request" in actions
    notes = server.run(fetch_all(Notification.select().where(
        Notification.recipient == org.office_1.id, Notification.kind == "appraisal.goals")))
    assert any("目标变更已通过" in n.title for n in notes)
    # The new confirmed version is locked in turn.
    r = me.put(f"/api/appraisal/goal-sets/{gs['id']}/draft", {"items": its, "version": out["version"]},
               headers=IN_PROGRESS)
    assert r.status == 409 and r.code == "APPRAISAL_GOALS_LOCKED"


def test_change_request_rejected_or_withdrawn_changes_nothing(api, f, org, server):
    env = setup(f, org)
    me, gs = confirmed_goals(api, org, env.cycle)
    v1 = gs["confirmed_version_id"]

    out = submit(me, _change(me, gs), headers=IN_PROGRESS)
    out = review(api.as_(org.office_leader), gs["id"], "reject", comment="理由不充分", headers=IN_PROGRESS)
    assert out["status"] == "confirmed" and not out["change_pending"]
    assert out["current_version_id"] == v1 and out["confirmed_version_id"] == v1
    assert _versions(server, gs["id"]) == {1: ("initial", "confirmed"), 2: ("change", "rejected")}
    notes = server.run(fetch_all(Notification.select().where(
        Notification.recipient == org.office_1.id, Notification.kind == "appraisal.goals")))
    assert any("目标变更未通过" in n.title for n in notes)

    # Another change, withdrawn by the owner before a decision.
    out = submit(me, _change(me, out, "再次申请"), headers=IN_PROGRESS)
    r = me.post(f"/api/appraisal/goal-sets/{gs['id']}/withdraw", {}, headers=IN_PROGRESS)
    assert r.status == 200 and r.data["confirmed_version_id"] == v1 and not r.data["change_pending"]
    assert _versions(server, gs["id"])[3] == ("change", "withdrawn")
    # A change draft abandoned before submission stays a draft; the confirmed version still rules.
    row = server.run(GoalSet.aget(GoalSet.id == gs["id"]))
    assert row.confirmed_version_id == v1 and row.status == "confirmed"
    actions = audit_actions(server, gs["id"])
    assert actions.count("appraisal.goals.change_request") == 2
    assert "appraisal.goals.reject" in actions and "appraisal.goals.withdraw" in actions


def test_change_request_rules(api, f, org, server):
    env = setup(f, org)
    # Before confirmation there is nothing to change: edit the draft instead.
    other = api.as_(org.office_2)
    draft = save(other, my_goals(other, env.cycle))
    assert _change(other, draft, headers=IN_GOAL_SETTING, expect=409).code == "APPRAISAL_NOT_CONFIRMED"

    me, gs = confirmed_goals(api, org, env.cycle)
    # Only the owner; HR and the leader may not ask for someone else.
    r = _change(api.as_(org.a_hr_officer), gs, expect=403)
    assert r.code == "APPRAISAL_NOT_OWNER"
    assert _change(api.as_(org.b_hr_officer), gs, expect=404).code == "APPRAISAL_GOAL_SET_NOT_FOUND"
    # A reason is required; blank is refused.
    r = me.post(f"/api/appraisal/goal-sets/{gs['id']}/change-requests", {"reason": "  "}, headers=IN_PROGRESS)
    assert r.status == 422 and "reason" in r.error["fields"]
    r = me.post(f"/api/appraisal/goal-sets/{gs['id']}/change-requests", {}, headers=IN_PROGRESS)
    assert r.status == 422 and "reason" in r.error["fields"]
    # Allowed from goal setting through the end of progress, not after.
    assert _change(me, gs, headers=AFTER_PROGRESS, expect=409).code == "APPRAISAL_PHASE_CLOSED"
    out = _change(me, gs, headers=IN_GOAL_SETTING)
    assert out["current"]["kind"] == "change"
    # A change draft cannot be submitted once progress has ended either.
    r = submit(me, out, headers=AFTER_PROGRESS, expect=409)
    assert r.code == "APPRAISAL_PHASE_CLOSED"
