"""Shared helpers for the goal-set tests (no tests here): the test clock, a cycle with
participants in both bureaus, goal items, and the steps of the three-level flow."""
import types

IN_GOAL_SETTING = {"X-Mingjing-Now": "2026-01-20T10:00:00+08:00"}
IN_PROGRESS = {"X-Mingjing-Now": "2026-05-06T10:00:00+08:00"}
AFTER_PROGRESS = {"X-Mingjing-Now": "2026-12-05T10:00:00+08:00"}


def items(weights=(40, 30, 30)):
    """Complete items: the first quantitative (linear), the rest qualitative."""
    out = []
    for n, w in enumerate(weights):
        if n == 0:
            out.append({"title": "政务服务办件量", "kind": "quantitative", "target": 1200,
                        "unit_of_measure": "件", "data_source": "政务服务系统",
                        "formula": {"type": "linear", "floor": 600}, "weight": w,
                        "due_date": "2026-12-31"})
        else:
            out.append({"title": f"重点工作{n}", "kind": "qualitative",
                        "criteria": f"按期完成第{n}项重点工作并形成报告", "weight": w,
                        "due_date": "2026-11-30"})
    return out


def setup(f, org):
    """The 2026 annual cycle of 甲局 (office, HR, finance staff take part) and one of 乙局."""
    a = org
    c = f.cycle(a.a, participants=[a.office_1, a.office_2, a.office_leader, a.hr_1, a.fin_1,
                                   a.files_1])
    cb = f.cycle(a.b, name="乙局2026年度考核", participants=[a.b_office_1])
    return types.SimpleNamespace(cycle=c, cycle_b=cb)


def my_goals(client, cycle, headers=IN_GOAL_SETTING):
    r = client.get(f"/api/appraisal/cycles/{cycle.id}/my-goals", headers=headers)
    assert r.status == 200, r
    return r.data["goal_set"]


def save(client, gs, its=None, headers=IN_GOAL_SETTING, expect=200):
    r = client.put(f"/api/appraisal/goal-sets/{gs['id']}/draft",
                   {"items": items() if its is None else its, "version": gs["version"]},
                   headers=headers)
    assert r.status == expect, r
    return r.data if expect == 200 else r


def submit(client, gs, headers=IN_GOAL_SETTING, expect=200):
    r = client.post(f"/api/appraisal/goal-sets/{gs['id']}/submit", {}, headers=headers)
    assert r.status == expect, r
    return r.data if expect == 200 else r


def review(client, gs_id, decision="approve", comment="", item_comments=(), expect=200,
           headers=IN_GOAL_SETTING):
    r = client.post(f"/api/appraisal/goal-sets/{gs_id}/review",
                    {"decision": decision, "comment": comment,
                     "items": [{"key": k, "comment": c} for k, c in item_comments]},
                    headers=headers)
    assert r.status == expect, r
    return r.data if expect == 200 else r


def confirmed_goals(api, org, cycle, staff=None, leader=None):
    """staff fills, submits, the leader approves, HR confirms: (owner client, goal set)."""
    staff = staff or org.office_1
    leader = leader or org.office_leader
    me = api.as_(staff)
    gs = save(me, my_goals(me, cycle))
    gs = submit(me, gs)
    review(api.as_(leader), gs["id"])
    review(api.as_(org.a_hr_officer), gs["id"])
    return me, me.get(f"/api/appraisal/goal-sets/{gs['id']}", headers=IN_GOAL_SETTING).data


def audit_actions(server, target_id):
    from models.audit import AuditLog
    from models.base import fetch_all

    async def go():
        rows = await fetch_all(AuditLog.select().where(
            AuditLog.target_type == "appraisal_goal_set", AuditLog.target_id == str(target_id))
            .order_by(AuditLog.seq))
        return [r.action for r in rows]
    return server.run(go())
