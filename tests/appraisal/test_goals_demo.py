"""`python -m server demo` adds a running annual cycle with goal sets in every state."""
from models.appraisal.goals import GoalSet, GoalVersion
from models.approvals import ApprovalInstance, ApprovalTask
from models.base import fetch_all
from models.org import Department, Staff


def test_demo_has_goal_sets_in_every_state(server):
    from services.demo import load_demo

    server.run(load_demo(env=server.env), timeout=120)

    async def read():
        sets = await fetch_all(GoalSet.select())
        versions = {v.id: v for v in await fetch_all(GoalVersion.select())}
        office = await Department.aget(Department.name == "办公室")
        waiting = await fetch_all(ApprovalTask.select().join(ApprovalInstance).where(
            ApprovalTask.assignee == office.leader_id, ApprovalTask.status == "pending",
            ApprovalInstance.kind == "appraisal_goals"))
        return sets, versions, waiting
    sets, versions, waiting = server.run(read())
    states = sorted((gs.status, gs.change_pending) for gs in sets)
    assert states == [("confirmed", False), ("confirmed", False), ("confirmed", True),
                      ("draft", False), ("returned", False), ("submitted", False)]
    assert len(waiting) == 1                                  # waiting for the 办公室 leader
    pending = next(gs for gs in sets if gs.change_pending)
    assert versions[pending.current_version_id].kind == "change"
    assert versions[pending.current_version_id].status == "submitted"
    assert versions[pending.confirmed_version_id].status == "confirmed"
    # Running it again adds nothing.
    server.run(load_demo(env=server.env, force=False), timeout=120)
    assert len(server.run(fetch_all(GoalSet.select()))) == 6
    assert server.run(fetch_all(Staff.select().where(Staff.id == pending.staff_id)))
