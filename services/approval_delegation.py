"""Delegation (委托) in the approval engine: whom a new task goes to while its approver has
delegated (`_delegate_for`), and tasks already waiting: handed over when a delegation takes effect,
handed back on revoke. services/approvals.py re-exports these names."""
import datetime
from zoneinfo import ZoneInfo

from models.approvals import ApprovalDelegation, ApprovalInstance, ApprovalTask
from models.base import atomic, fetch_all, get_one
from models.org import Staff
from server.errors import Conflict
from services import audit
from services.approval_kinds import KINDS, _bump, _event, _link
from services.approval_views import names_of as _names
from services.notify import raise_notification

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today():
    return datetime.datetime.now(SHANGHAI).date()


async def _delegate_for(staff_id, applicant_id):
    """(assignee, on_behalf_of) for a task assigned today to staff_id."""
    day = today()
    row = await get_one(ApprovalDelegation.select().where(
        ApprovalDelegation.delegator == staff_id, ApprovalDelegation.revoked_at.is_null(),
        ApprovalDelegation.start <= day, ApprovalDelegation.end >= day,
        ApprovalDelegation.delegate != applicant_id).order_by(ApprovalDelegation.id.desc()))
    if row is None:
        return staff_id, None
    delegate = await Staff.aget_or_none(Staff.id == row.delegate_id, Staff.status == "active")
    return (row.delegate_id, staff_id) if delegate else (staff_id, None)


def _day_start_utc(day):
    local = datetime.datetime.combine(day, datetime.time()).replace(tzinfo=SHANGHAI)
    return local.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def _handover_query(delegation):
    """The delegator's own pending tasks (current round) from before the delegation took effect;
    later ones were routed to the delegate when created (or deliberately given, e.g. transfer)."""
    since = max(delegation.created_at, _day_start_utc(delegation.start))
    return (ApprovalTask.select(ApprovalTask, ApprovalInstance).join(ApprovalInstance).where(
        ApprovalTask.assignee == delegation.delegator_id, ApprovalTask.status == "pending",
        ApprovalTask.on_behalf_of.is_null(), ApprovalTask.round == ApprovalInstance.round,
        ApprovalTask.step_index == ApprovalInstance.current_step,
        ApprovalInstance.status == "pending", ApprovalInstance.applicant != delegation.delegate_id,
        ApprovalTask.created_at <= since).order_by(ApprovalTask.id))


async def _move_task(task, inst, *, to, behalf):
    """Re-assign one pending task (or cancel it when `to` already holds one on that step).
    Bumps the instance version so a stale screen refreshes; False when someone acted first."""
    try:
        await _bump(inst)
    except Conflict:
        return False
    dup = await get_one(ApprovalTask.select(ApprovalTask.id).where(
        ApprovalTask.instance == inst.id, ApprovalTask.round == task.round,
        ApprovalTask.step_index == task.step_index, ApprovalTask.status == "pending",
        ApprovalTask.assignee == to, ApprovalTask.id != task.id))
    fields = {"status": "cancelled"} if dup else {"assignee": to, "on_behalf_of": behalf}
    rows = await ApprovalTask.update(**fields).where(
        ApprovalTask.id == task.id, ApprovalTask.status == "pending",
        ApprovalTask.assignee == task.assignee_id).aexecute()
    return rows == 1


async def hand_over(delegation, actor, day=None) -> list:
    """While `delegation` covers today: the delegator's tasks already waiting go to the delegate
    (代 X 审批), with a timeline note, a message to the delegate and one audit entry. Call inside
    a transaction. Returns the instance ids handed over. The scheduler calls it on the start
    day with actor None (the system) and its own clock's `day` (services/reminders.py)."""
    day = day or today()
    if delegation.revoked_at is not None or not delegation.start <= day <= delegation.end:
        return []
    delegate = await Staff.aget_or_none(Staff.id == delegation.delegate_id, Staff.status == "active")
    if delegate is None:
        return []
    tasks = await fetch_all(_handover_query(delegation))
    names = await _names([delegation.delegator_id, delegate.id])
    moved, insts = [], {}
    for task in tasks:
        inst = insts.setdefault(task.instance_id, task.instance)   # one object per instance: versions
        if not await _move_task(task, inst, to=delegate.id, behalf=delegation.delegator_id):
            continue
        moved.append((task.id, inst.id))
        await _event(inst, "delegate", actor_id=delegation.delegator_id, step_index=task.step_index,
                     comment=f"委托期间由 {delegate.name} 代为审批",
                     data={"to": {"id": delegate.id, "name": delegate.name},
                           "delegation_id": delegation.id})
        applicant = await _names([inst.applicant_id])
        await raise_notification(
            recipient_ids=[delegate.id], kind="approval.pending",
            title=f"{names.get(delegation.delegator_id, '')}委托您审批：{applicant.get(inst.applicant_id, '')}的"
                  f"{KINDS[inst.kind].title if inst.kind in KINDS else inst.kind}",
            body=inst.summary, link=_link(inst.id),
            data={"instance_id": inst.id, "on_behalf_of": delegation.delegator_id})
    if moved:
        await audit.record(actor=actor, action="approval.delegation.hand_over",
                           target_type="approval_delegation", target_id=delegation.id,
                           after={"to": delegate.id, "task_ids": [t for t, _ in moved],
                                  "instance_ids": [i for _, i in moved]},
                           unit_id=delegation.unit_id)
    return [i for _, i in moved]


async def hand_back(delegation, actor) -> list:
    """On revoke: tasks the delegate still holds for the delegator go back to the delegator
    (unless another delegation between the two still covers today). Call inside a transaction."""
    day = today()
    if await get_one(ApprovalDelegation.select(ApprovalDelegation.id).where(
            ApprovalDelegation.id != delegation.id, ApprovalDelegation.revoked_at.is_null(),
            ApprovalDelegation.delegator == delegation.delegator_id,
            ApprovalDelegation.delegate == delegation.delegate_id,
            ApprovalDelegation.start <= day, ApprovalDelegation.end >= day)):
        return []
    tasks = await fetch_all(ApprovalTask.select(ApprovalTask, ApprovalInstance).join(ApprovalInstance).where(
        ApprovalTask.assignee == delegation.delegate_id,
        ApprovalTask.on_behalf_of == delegation.delegator_id, ApprovalTask.status == "pending",
        ApprovalTask.round == ApprovalInstance.round, ApprovalInstance.status == "pending")
        .order_by(ApprovalTask.id))
    names = await _names([delegation.delegator_id, delegation.delegate_id])
    moved, insts = [], {}
    for task in tasks:
        inst = insts.setdefault(task.instance_id, task.instance)
        if not await _move_task(task, inst, to=delegation.delegator_id, behalf=None):
            continue
        moved.append((task.id, inst.id))
        await _event(inst, "undelegate", actor_id=delegation.delegator_id, step_index=task.step_index,
                     comment=f"委托已撤销，收回 {names.get(delegation.delegate_id, '')} 的代审",
                     data={"from": {"id": delegation.delegate_id,
                                    "name": names.get(delegation.delegate_id, "")},
                           "delegation_id": delegation.id})
    if moved:
        await raise_notification(
            recipient_ids=[delegation.delegate_id], kind="approval.withdrawn",
            title=f"{names.get(delegation.delegator_id, '')}已撤销审批委托，{len(moved)} 项待办已交还",
            link="/pages/approvals/index", data={"instance_ids": [i for _, i in moved]})
        await audit.record(actor=actor, action="approval.delegation.hand_back",
                           target_type="approval_delegation", target_id=delegation.id,
                           after={"to": delegation.delegator_id, "task_ids": [t for t, _ in moved],
                                  "instance_ids": [i for _, i in moved]},
                           unit_id=delegation.unit_id)
    return [i for _, i in moved]


async def activate_delegations(actor):
    """A delegation that began after it was created (start in the future) takes over the waiting
    tasks the first time the delegator or the delegate looks at their inbox on a covered day.
    Reads only, unless there is something to hand over."""
    day = today()
    rows = await fetch_all(ApprovalDelegation.select().where(
        (ApprovalDelegation.delegator == actor.id) | (ApprovalDelegation.delegate == actor.id),
        ApprovalDelegation.revoked_at.is_null(), ApprovalDelegation.start <= day,
        ApprovalDelegation.end >= day))
    for row in rows:
        if await get_one(_handover_query(row)):
            async with atomic():
                await hand_over(row, actor)
