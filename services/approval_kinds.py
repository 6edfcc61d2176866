"""The approval engine's registry of request kinds and the hooks it runs on them, plus the writes
every state change shares: a timeline event, an audit entry and the optimistic version bump.
services/approvals.py (the state machine) re-exports these names."""
import dataclasses
import inspect

from models.approvals import ApprovalEvent, ApprovalInstance
from models.base import utcnow
from server.errors import Conflict, Invalid
from services import audit
from services.approval_views import base as _base
from services.approval_views import instances_out


@dataclasses.dataclass
class Kind:
    kind: str
    title: str
    on_approved: object = None
    on_rejected: object = None
    on_withdrawn: object = None
    on_returned: object = None
    describe: object = None
    on_resubmitted: object = None
    view_permission: str = ""
    guard_final_approve: object = None
    listed: bool = True


KINDS = {}


def register_kind(kind, *, title, on_approved=None, on_rejected=None, on_withdrawn=None,
                  on_returned=None, describe=None, view_permission=None, on_resubmitted=None,
                  guard_final_approve=None, listed=True):
    """Register a request kind. Hooks: `async fn(*, instance, actor)` called inside the final
    action's transaction (`instance` is the instance dict). `describe`: `async fn(*, instance)`
    → dict shown as "subject" in the detail. `view_permission` (default "<kind>.view") lets its
    holders see instances of applicants in their reach. `on_resubmitted` runs when the
    applicant resubmits after a return. `guard_final_approve`: `async fn(*, instance, actor)`
    called before the approving action that would finish the instance; raising an ApiError
    refuses it (nothing changes, the applicant is notified, the refusal is audited). `listed=False`:
    a kind the console's approval-flows page does not offer (the tests' engine-only kinds)."""
    KINDS[kind] = Kind(kind, title, on_approved, on_rejected, on_withdrawn, on_returned, describe,
                       on_resubmitted, view_permission or f"{kind}.view", guard_final_approve, listed)
    return KINDS[kind]


def _kind(kind):
    if kind not in KINDS:
        raise Invalid("未知的审批类型", code="APPROVAL_KIND_UNKNOWN", fields={"kind": "未注册"})
    return KINDS[kind]


def _link(instance_id):
    return f"/pages/approvals/detail/index?id={instance_id}"


async def _instances_out(insts, actor, *, detail=False):
    return await instances_out(insts, actor, KINDS, detail=detail)


async def _hook(inst, name, actor):
    fn = getattr(KINDS.get(inst.kind), name, None)
    if fn is not None:
        result = fn(instance=_base(inst), actor=actor)
        if inspect.isawaitable(result):
            await result


async def _event(inst, action, *, actor_id=None, on_behalf_of=None, step_index=None, comment="",
                 data=None):
    await ApprovalEvent.acreate(instance=inst.id, action=action, actor=actor_id,
                                on_behalf_of=on_behalf_of, step_index=step_index,
                                comment=comment or "", data=data)


async def _audit(actor, action, inst, before=None, after=None):
    await audit.record(actor=actor, action=f"approval.{action}", target_type="approval_instance",
                       target_id=inst.id, before=before, after=after, unit_id=inst.unit_id)


async def _bump(inst, **fields):
    """The optimistic lock: only the caller that still holds the version it read wins."""
    fields.update(version=ApprovalInstance.version + 1, updated_at=utcnow())
    rows = await ApprovalInstance.update(**fields).where(
        ApprovalInstance.id == inst.id, ApprovalInstance.version == inst.version).aexecute()
    if rows != 1:
        raise Conflict("该审批已被他人处理或已变更，请刷新后重试", code="APPROVAL_ALREADY_ACTED")
    inst.version += 1
    for k, v in fields.items():
        if k not in ("version", "updated_at"):
            setattr(inst, k, v)
