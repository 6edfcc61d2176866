"""Engine test helpers: a test-only request kind and a service-level submit."""
from models.approvals import ApprovalInstance
from services import approvals
from services.access import load_principal
from services.approval_rules import DEFAULT_FLOWS, LEAVE_FLOW

HOOK_CALLS = []


async def _hook(name, instance, actor):
    HOOK_CALLS.append((name, instance["id"], instance["status"], getattr(actor, "id", None)))


approvals.register_kind(
    "test_req", title="测试申请",
    on_approved=lambda *, instance, actor: _hook("approved", instance, actor),
    on_rejected=lambda *, instance, actor: _hook("rejected", instance, actor),
    on_withdrawn=lambda *, instance, actor: _hook("withdrawn", instance, actor),
    on_returned=lambda *, instance, actor: _hook("returned", instance, actor),
    view_permission="leave.view", listed=False)
# A subject-less twin of "leave" with the same built-in flow, for engine-only tests.
approvals.register_kind("test_leave", title="测试请假", view_permission="leave.view", listed=False)
DEFAULT_FLOWS["test_leave"] = LEAVE_FLOW


def submit(server, who, context=None, kind="test_req", summary="测试"):
    async def go():
        actor = await load_principal(who.id)
        return await approvals.submit(env=server.env, actor=actor, kind=kind, subject_id=None,
                                      unit_id=who.unit_id, applicant_id=who.id, summary=summary,
                                      context=context or {})
    return server.run(go())


def approver_ids(inst):
    return [[a["id"] for a in s["approvers"]] for s in inst["steps"] if not s["skipped"]]


def instance_row(server, instance_id):
    return server.run(ApprovalInstance.aget(ApprovalInstance.id == instance_id))


def set_flow(api, hr, steps, kind="test_req"):
    r = api.as_(hr).post("/api/approval-flows", {"kind": kind, "name": "测试流程", "steps": steps})
    assert r.status == 201, r
    return r.data
