"""Goal sets: creation from the template, item rules, the three-level flow (submit → department
leader → unit confirmation), return with per-item comments, withdraw, reject, the lock after
confirmation, the phase gate and the data scope — through real HTTP."""
from models.appraisal.cycles import GoalTemplate
from models.appraisal.goals import GoalItem, GoalReviewComment, GoalSet, GoalVersion
from models.base import fetch_all
from models.notify import Notification
from tests.appraisal.test_goals_helpers import (IN_GOAL_SETTING, IN_PROGRESS,
                                                audit_actions, confirmed_goals, items, my_goals,
                                                review, save, setup, submit)


def _rows(server, query):
    return server.run(fetch_all(query))


def test_first_read_creates_a_draft_from_the_position_template(api, f, org, server):
    env = setup(f, org)
    clerk = f.staff(org.a_office, "模板科员", position="科员")
    f.server.run(_add_participant(env.cycle, clerk))

    async def template():
        await GoalTemplate.acreate(cycle=env.cycle.id, position=clerk.position_id, name="科员模板",
                                   items=[{"title": "公文办理", "kind": "qualitative",
                                           "criteria": "按时办结", "weight": 50},
                                          {"title": "来文登记", "kind": "quantitative", "target": 300,
                                           "formula": {"type": "linear", "floor": 0}, "weight": 50}])
    server.run(template())
    me = api.as_(clerk)
    gs = my_goals(me, env.cycle)
    assert gs["status"] == "draft" and gs["current"]["number"] == 1
    assert [i["title"] for i in gs["current"]["items"]] == ["公文办理", "来文登记"]
    assert all(i["key"] for i in gs["current"]["items"])
    assert gs["can"]["edit"] and gs["can"]["submit"] and not gs["can"]["change_request"]
    # Reading again does not create another one.
    assert my_goals(me, env.cycle)["id"] == gs["id"]
    assert len(_rows(server, GoalSet.select().where(GoalSet.staff == clerk.id))) == 1
    assert audit_actions(server, gs["id"]) == ["appraisal.goals.create"]

    # Someone outside the participant list, or in another unit: 404.
    r = api.as_(org.a_deputy).get(f"/api/appraisal/cycles/{env.cycle.id}/my-goals", headers=IN_GOAL_SETTING)
    assert r.status == 404 and r.code == "APPRAISAL_NOT_PARTICIPANT"
    r = api.as_(org.b_office_1).get(f"/api/appraisal/cycles/{env.cycle.id}/my-goals", headers=IN_GOAL_SETTING)
    assert r.status == 404 and r.code == "APPRAISAL_CYCLE_NOT_FOUND"
    r = api.as_(org.b_office_1).get("/api/appraisal/cycles/99999999/my-goals", headers=IN_GOAL_SETTING)
    assert r.status == 404


async def _add_participant(cycle, staff):
    from models.appraisal.cycles import CycleParticipant
    await CycleParticipant.acreate(cycle=cycle.id, staff=staff.id, department=staff.department_id,
                                   position_id=staff.position_id, status="active")


def test_before_goal_setting_opens_nothing_is_created(api, f, org, server):
    env = setup(f, org)
    r = api.as_(org.office_1).get(f"/api/appraisal/cycles/{env.cycle.id}/my-goals",
                                  headers={"X-Mingjing-Now": "2025-12-20T09:00:00+08:00"})
    assert r.status == 200 and r.data["goal_set"] is None
    assert r.data["goal_setting"]["state"] == "not_started"
    assert _rows(server, GoalSet.select()) == []


def test_weights_item_count_and_item_rules(api, f, org, server):
    env = setup(f, org)
    me = api.as_(org.office_1)
    gs = my_goals(me, env.cycle)

    # A draft may be incomplete: saved, with the live check.
    gs = save(me, gs, items(weights=(40, 30, 20)))
    assert gs["check"]["weight_total"] == 90 and not gs["check"]["ready"]
    assert "weight_total" in gs["check"]["problems"]
    r = submit(me, gs, expect=422)
    assert r.code == "APPRAISAL_WEIGHTS_NOT_100" and "90" in r.error["message"]
    assert "weight_total" in r.error["fields"]

    gs = save(me, gs, items(weights=(50, 50)))
    r = submit(me, gs, expect=422)
    assert r.code == "APPRAISAL_ITEM_COUNT" and "3 至 10" in r.error["message"]

    # Quantitative without target/formula, qualitative without criteria: field errors per item.
    bad = items()
    bad[0].pop("target")
    bad[0].pop("formula")
    bad[1]["criteria"] = ""
    gs = save(me, gs, bad)
    r = submit(me, gs, expect=422)
    assert r.code == "APPRAISAL_GOALS_INVALID"
    assert set(r.error["fields"]) == {"items.0.target", "items.0.formula", "items.1.criteria"}

    # Malformed content is refused even in a draft, keyed by item.
    bad = items()
    bad[0]["formula"] = {"type": "threshold", "steps": [{"at": 100, "score": 100}, {"at": 80, "score": 60}]}
    bad[1]["due_date"] = "2027-01-15"
    r = save(me, gs, bad, expect=422)
    assert r.code == "APPRAISAL_GOALS_INVALID"
    assert set(r.error["fields"]) == {"items.0.formula", "items.1.due_date"}
    bad = items()
    bad[0]["formula"] = {"type": "capped", "floor": 0}
    r = save(me, gs, bad, expect=422)
    assert r.error["fields"] == {"items.0.formula": "封顶系数应在 1 至 5 之间（如 1.2 表示最高 120 分）"}

    # An indicator must be the owner's department's, in this cycle.
    own = f.indicator(env.cycle, org.a_office, "办文办会")
    other = f.indicator(env.cycle, org.a_fin, "预算执行率")
    linked = items()
    linked[0]["indicator_id"] = other.id
    r = save(me, gs, linked, expect=422)
    assert r.error["fields"] == {"items.0.indicator_id": "应为本部门在本考核周期的部门指标"}
    linked[0]["indicator_id"] = own.id
    gs = save(me, gs, linked)
    assert gs["current"]["items"][0]["indicator"]["title"] == "办文办会"
    assert gs["check"]["ready"] and gs["check"]["weight_total"] == 100

    # Bad input shapes: 422 with the JSON path; a stale version: 409.
    r = me.put(f"/api/appraisal/goal-sets/{gs['id']}/draft",
               {"items": [{"title": "x", "weight": "abc", "kind": "other"}], "version": gs["version"]},
               headers=IN_GOAL_SETTING)
    assert r.status == 422 and r.code == "VALIDATION_FAILED"
    assert {"items.0.weight", "items.0.kind"} <= set(r.error["fields"])
    r = me.put(f"/api/appraisal/goal-sets/{gs['id']}/draft", {"items": items(), "version": gs["version"] - 1},
               headers=IN_GOAL_SETTING)
    assert r.status == 409 and r.code == "APPRAISAL_GOALS_STALE"
    r = me.put(f"/api/appraisal/goal-sets/{gs['id']}/draft", {"items": items()}, headers=IN_GOAL_SETTING)
    assert r.status == 422 and "version" in r.error["fields"]

    # The cycle's own limits apply.
    async def narrow():
        from models.appraisal.cycles import AppraisalCycle
        await AppraisalCycle.update(settings={"min_items": 2, "max_items": 2}).where(
            AppraisalCycle.id == env.cycle.id).aexecute()
    server.run(narrow())
    r = submit(me, gs, expect=422)
    assert r.code == "APPRAISAL_ITEM_COUNT" and "2 至 2" in r.error["message"]


def test_three_level_flow_submit_leader_approves_hr_confirms(api, f, org, server):
    env = setup(f, org)
    me = api.as_(org.office_1)
    gs = submit(me, save(me, my_goals(me, env.cycle)))
    assert gs["status"] == "submitted" and gs["current"]["status"] == "submitted"
    assert not gs["can"]["edit"] and gs["can"]["withdraw"]
    steps = gs["approval"]["steps"]
    assert [s["name"] for s in steps] == ["部门负责人审核", "单位确认"]
    assert steps[0]["state"] == "current" and steps[0]["approvers"][0]["id"] == org.office_leader.id

    # Editing while under review is refused; HR is not the current reviewer yet.
    r = save(me, gs, expect=409)
    assert r.code == "APPRAISAL_GOALS_UNDER_REVIEW"
    hr = api.as_(org.a_hr_officer)
    r = review(hr, gs["id"], expect=403)
    assert r.code == "APPROVAL_NOT_ASSIGNEE"
    # A colleague cannot see it at all.
    colleague = api.as_(org.office_2)
    assert colleague.get(f"/api/appraisal/goal-sets/{gs['id']}").status == 404
    assert review(colleague, gs["id"], expect=404).code == "APPRAISAL_GOAL_SET_NOT_FOUND"

    leader = api.as_(org.office_leader)
    box = leader.get("/api/appraisal/reviews?box=waiting", headers=IN_GOAL_SETTING)
    assert box.status == 200 and [r["id"] for r in box.data] == [gs["id"]]
    assert box.data[0]["review_version"]["number"] == 1
    out = review(leader, gs["id"], comment="同意")
    assert out["approval"]["steps"][1]["state"] == "current"
    assert leader.get("/api/appraisal/reviews?box=waiting").data == []
    assert [r["id"] for r in leader.get("/api/appraisal/reviews?box=done").data] == [gs["id"]]
    assert [r["id"] for r in hr.get(f"/api/appraisal/reviews?cycle_id={env.cycle.id}").data] == [gs["id"]]
    assert hr.get(f"/api/appraisal/reviews?cycle_id={env.cycle_b.id}").data == []

    out = review(hr, gs["id"])
    assert out["status"] == "confirmed" and out["confirmed_version_id"] == out["current_version_id"]
    assert out["confirmed"]["status"] == "confirmed"
    assert out["confirmed"]["decided_by"]["id"] == org.a_hr_officer.id

    mine = me.get(f"/api/appraisal/goal-sets/{gs['id']}", headers=IN_GOAL_SETTING).data
    assert mine["can"] == {"edit": False, "submit": False, "withdraw": False,
                           "change_request": True, "review": False}
    notes = _rows(server, Notification.select().where(Notification.recipient == org.office_1.id,
                                                      Notification.kind == "appraisal.goals"))
    assert [n.title for n in notes] == ["您的2026年度考核工作目标已确认"]
    assert audit_actions(server, gs["id"]) == [
        "appraisal.goals.create", "appraisal.goals.update", "appraisal.goals.submit",
        "appraisal.goals.review", "appraisal.goals.review", "appraisal.goals.confirm"]
    # The generic approval detail shows the goal subject.
    inst = me.get(f"/api/approvals/{mine['current']['instance_id']}")
    assert inst.status == 200 and inst.data["subject"]["goal_set_id"] == gs["id"]
    assert inst.data["kind"] == "appraisal_goals" and len(inst.data["subject"]["items"]) == 3


def test_return_with_item_comments_then_edit_and_resubmit(api, f, org, server):
    env = setup(f, org)
    me = api.as_(org.office_1)
    gs = submit(me, save(me, my_goals(me, env.cycle)))
    keys = [i["key"] for i in gs["current"]["items"]]
    leader = api.as_(org.office_leader)

    # Returning needs a reason; an item comment must name an item of this version.
    assert review(leader, gs["id"], "return", expect=422).code == "APPRAISAL_COMMENT_REQUIRED"
    r = review(leader, gs["id"], "return", item_comments=[("nokey", "x")], expect=422)
    assert r.code == "VALIDATION_FAILED" and "items.0.key" in r.error["fields"]
    r = leader.post(f"/api/appraisal/goal-sets/{gs['id']}/review", {"decision": "maybe"})
    assert r.status == 422 and "decision" in r.error["fields"]

    out = review(leader, gs["id"], "return", comment="请细化",
                 item_comments=[(keys[0], "目标值偏低，建议 1500 件"), (keys[2], "")])
    assert out["status"] == "returned" and out["current"]["status"] == "returned"
    mine = me.get(f"/api/appraisal/goal-sets/{gs['id']}", headers=IN_GOAL_SETTING).data
    assert mine["can"]["edit"] and mine["can"]["submit"] and mine["can"]["withdraw"]
    first = mine["current"]["items"][0]
    assert [c["comment"] for c in first["comments"]] == ["目标值偏低，建议 1500 件"]
    assert first["comments"][0]["step_name"] == "部门负责人审核"
    assert first["comments"][0]["author"]["id"] == org.office_leader.id
    assert mine["current"]["items"][2]["comments"] == []          # a blank comment is not stored
    assert [c["comment"] for c in mine["current"]["comments"]] == ["请细化"]
    notes = _rows(server, Notification.select().where(Notification.recipient == org.office_1.id,
                                                      Notification.kind == "appraisal.goals"))
    assert "退回修改" in notes[0].title and "1 项有修改意见" in notes[0].body

    # Resubmitting through the generic approval endpoint is refused (no phase gate, no rules).
    r = me.post(f"/api/approvals/{mine['current']['instance_id']}/resubmit")
    assert r.status == 409 and r.code == "APPRAISAL_USE_GOALS_PAGE"

    changed = items()
    changed[0]["target"] = 1500
    for item, key in zip(changed, keys):
        item["key"] = key
    gs = save(me, mine, changed)
    gs = submit(me, gs)
    assert gs["status"] == "submitted" and gs["current"]["number"] == 1
    assert gs["approval"]["round"] == 2 and gs["approval"]["steps"][0]["state"] == "current"
    review(leader, gs["id"])
    out = review(api.as_(org.a_hr_officer), gs["id"])
    assert out["status"] == "confirmed" and out["confirmed"]["items"][0]["target"] == 1500
    assert _rows(server, GoalReviewComment.select().where(GoalReviewComment.item_key == keys[0]))[0].decision == "return"
    actions = audit_actions(server, gs["id"])
    assert actions.count("appraisal.goals.return") == 1 and actions.count("appraisal.goals.submit") == 2


def test_withdraw_and_reject_keep_the_version_and_start_a_fresh_draft(api, f, org, server):
    env = setup(f, org)
    me = api.as_(org.office_1)
    gs = submit(me, save(me, my_goals(me, env.cycle)))
    # Only the owner withdraws; the leader holds a task but may not.
    r = api.as_(org.office_leader).post(f"/api/appraisal/goal-sets/{gs['id']}/withdraw", {})
    assert r.status == 403 and r.code == "APPRAISAL_NOT_OWNER"
    r = me.post(f"/api/appraisal/goal-sets/{gs['id']}/withdraw", {"comment": "再想想"}, headers=IN_GOAL_SETTING)
    assert r.status == 200, r
    assert r.data["status"] == "draft" and r.data["current"]["number"] == 2
    assert [i["title"] for i in r.data["current"]["items"]] == [i["title"] for i in gs["current"]["items"]]
    assert r.data["current"]["based_on_number"] == 1
    r = me.post(f"/api/appraisal/goal-sets/{gs['id']}/withdraw", {})
    assert r.status == 409 and r.code == "APPRAISAL_NOTHING_TO_WITHDRAW"

    gs = submit(me, r.data if r.data else me.get(f"/api/appraisal/goal-sets/{gs['id']}").data)
    assert gs["current"]["number"] == 2
    r = review(api.as_(org.office_leader), gs["id"], "reject", expect=422)
    assert r.code == "APPRAISAL_COMMENT_REQUIRED"
    out = review(api.as_(org.office_leader), gs["id"], "reject", comment="与部门职责不符")
    assert out["status"] == "draft" and out["current"]["number"] == 3
    versions = {v.number: v.status for v in _rows(server, GoalVersion.select().where(
        GoalVersion.goal_set == gs["id"]))}
    assert versions == {1: "withdrawn", 2: "rejected", 3: "draft"}
    actions = audit_actions(server, gs["id"])
    assert "appraisal.goals.withdraw" in actions and "appraisal.goals.reject" in actions
    # The fresh draft can go through again.
    gs = submit(me, me.get(f"/api/appraisal/goal-sets/{gs['id']}", headers=IN_GOAL_SETTING).data)
    assert gs["status"] == "submitted"


def test_a_confirmed_version_is_locked_for_everyone(api, f, org, server):
    env = setup(f, org)
    me, gs = confirmed_goals(api, org, env.cycle)
    vid = gs["confirmed_version_id"]
    before = [(i.key, i.title, i.weight, i.target) for i in _rows(
        server, GoalItem.select().where(GoalItem.version == vid).order_by(GoalItem.sort))]

    hr = api.as_(org.a_hr_officer)
    leader = api.as_(org.office_leader)
    for client in (me, hr, leader):
        r = client.put(f"/api/appraisal/goal-sets/{gs['id']}/draft",
                       {"items": items(weights=(10, 10, 80)), "version": gs["version"]},
                       headers=IN_GOAL_SETTING)
        assert r.status == 409 and r.code == "APPRAISAL_GOALS_LOCKED", r
        r = client.post(f"/api/appraisal/goal-sets/{gs['id']}/submit", {}, headers=IN_GOAL_SETTING)
        assert r.status == 409 and r.code == "APPRAISAL_GOALS_LOCKED"
        r = client.post(f"/api/appraisal/goal-sets/{gs['id']}/withdraw", {})
        assert r.status == 409 and r.code == "APPRAISAL_GOALS_LOCKED"
        r = client.post(f"/api/appraisal/goal-sets/{gs['id']}/review", {"decision": "return", "comment": "改"})
        assert r.status == 409 and r.code == "APPRAISAL_GOALS_LOCKED"
    # Nor through the generic approval endpoints.
    inst_id = gs["confirmed"]["instance_id"]
    for client, action in ((me, "withdraw"), (hr, "return"), (leader, "reject")):
        r = client.post(f"/api/approvals/{inst_id}/actions", {"action": action, "comment": "改"})
        assert r.status in (403, 409), r
    # A system administrator holding an API session (they never get one normally) is refused at
    # the door (401) or, past it, sees nothing (404): no administrator path to a goal.
    admin = f.admin("system")

    async def session():
        from services.sessions import create_session
        token, _ = await create_session(server.env.redis, staff_id=admin.staff.id, kind="mp",
                                        ttl_seconds=600)
        return token
    from tests.support import Client
    root = Client(api.base_url, token=server.run(session()))
    r = root.put(f"/api/appraisal/goal-sets/{gs['id']}/draft", {"items": items(), "version": gs["version"]},
                 headers=IN_GOAL_SETTING)
    assert r.status in (401, 404), r
    assert root.get(f"/api/appraisal/goal-sets/{gs['id']}").status in (401, 404)

    after = [(i.key, i.title, i.weight, i.target) for i in _rows(
        server, GoalItem.select().where(GoalItem.version == vid).order_by(GoalItem.sort))]
    assert after == before
    assert _rows(server, GoalVersion.select().where(GoalVersion.id == vid))[0].status == "confirmed"


def test_phase_gate_and_a_personal_reopening(api, f, org, server):
    env = setup(f, org)
    me = api.as_(org.office_1)
    gs = save(me, my_goals(me, env.cycle))          # a draft made in time
    r = submit(me, gs, headers=IN_PROGRESS, expect=409)
    assert r.code == "APPRAISAL_PHASE_CLOSED"
    r = save(me, gs, headers=IN_PROGRESS, expect=409)
    assert r.code == "APPRAISAL_PHASE_CLOSED"
    assert me.get(f"/api/appraisal/goal-sets/{gs['id']}", headers=IN_PROGRESS).data["can"]["submit"] is False
    # Someone who never opened their goals gets none after the phase closed.
    late = api.as_(org.office_2)
    r = late.get(f"/api/appraisal/cycles/{env.cycle.id}/my-goals", headers=IN_PROGRESS)
    assert r.status == 200 and r.data["goal_set"] is None and r.data["goal_setting"]["state"] == "closed"

    # HR reopens goal setting for office_1 only, until the end of May.
    f.reopen(env.cycle, org.office_1, until="2026-05-31")
    assert me.get(f"/api/appraisal/goal-sets/{gs['id']}", headers=IN_PROGRESS).data["can"]["submit"] is True
    out = submit(me, gs, headers=IN_PROGRESS)
    assert out["status"] == "submitted"
    r = late.get(f"/api/appraisal/cycles/{env.cycle.id}/my-goals", headers=IN_PROGRESS)
    assert r.data["goal_set"] is None
    # After the reopening ends it is closed again.
    gs2 = save(api.as_(org.fin_1), my_goals(api.as_(org.fin_1), env.cycle))
    f.reopen(env.cycle, org.fin_1, until="2026-04-30")
    r = submit(api.as_(org.fin_1), gs2, headers=IN_PROGRESS, expect=409)
    assert r.code == "APPRAISAL_PHASE_CLOSED"


def test_data_scope_on_lists_and_details(api, f, org, server):
    env = setup(f, org)
    sets = {}
    for key in ("office_1", "office_2", "hr_1", "files_1", "fin_1"):
        client = api.as_(getattr(org, key))
        sets[key] = save(client, my_goals(client, env.cycle))["id"]
    b = api.as_(org.b_office_1)
    sets["b"] = save(b, my_goals(b, env.cycle_b))["id"]

    def listed(staff, query=""):
        r = api.as_(staff).get(f"/api/appraisal/goal-sets?page_size=50{query}")
        assert r.status == 200, r
        return {row["id"] for row in r.data}

    assert listed(org.office_leader) == {sets["office_1"], sets["office_2"]}
    assert listed(org.hr_leader) == {sets["hr_1"], sets["files_1"]}        # with 档案组 below
    assert listed(org.a_hr_officer) == {sets[k] for k in ("office_1", "office_2", "hr_1", "files_1", "fin_1")}
    assert listed(org.b_hr_officer) == {sets["b"]}
    assert listed(org.office_1) == set()
    assert listed(org.a_hr_officer, f"&department_id={org.a_hr.id}") == {sets["hr_1"], sets["files_1"]}
    assert listed(org.a_hr_officer, f"&cycle_id={env.cycle_b.id}") == set()
    assert listed(org.a_hr_officer, "&status=draft&q=财务科职工一") == {sets["fin_1"]}
    inspector = f.staff(org.a_office, "纪检员")
    f.grant(inspector, "discipline_inspector", "unit_tree", unit=org.a)
    assert listed(inspector) == {sets[k] for k in ("office_1", "office_2", "hr_1", "files_1", "fin_1")}

    def status(staff, key, what=""):
        return api.as_(staff).get(f"/api/appraisal/goal-sets/{sets[key]}{what}").status

    assert status(org.office_1, "office_1") == 200
    assert status(org.office_leader, "office_1") == 200
    assert status(org.hr_leader, "files_1", "/history") == 200
    assert status(inspector, "fin_1", "/history") == 200
    assert status(org.office_2, "office_1") == 404            # a colleague
    assert status(org.fin_leader, "office_1") == 404          # another department's leader
    assert status(org.b_hr_officer, "office_1") == 404        # another unit's HR
    assert status(org.b_hr_officer, "office_1", "/history") == 404
    assert status(org.a_hr_officer, "b") == 404
    assert status(org.a_hr_officer, "b", "/diff?from=1&to=1") == 404
    r = api.as_(org.b_hr_officer).put(f"/api/appraisal/goal-sets/{sets['office_1']}/draft",
                                      {"items": items(), "version": 2}, headers=IN_GOAL_SETTING)
    assert r.status == 404
    r = api.as_(org.a_hr_officer).put(f"/api/appraisal/goal-sets/{sets['office_1']}/draft",
                                      {"items": items(), "version": 2}, headers=IN_GOAL_SETTING)
    assert r.status == 403 and r.code == "APPRAISAL_NOT_OWNER"
    assert api.as_(org.a_hr_officer).get("/api/appraisal/goal-sets/99999999").status == 404
