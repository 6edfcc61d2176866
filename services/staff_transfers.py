"""Transfers (调动): applied at once when effective today or earlier; recorded ahead otherwise and
applied by the scheduler (source `staff.transfer`) from 00:00 Beijing on the effective date.

Until a scheduled transfer is applied the staff row keeps the old unit and department, so access,
approvers, data scope and attendance stay with the old unit; both paths move the person through
`_apply`, with the same history row, grants ended, audit entries and `staff.transferred` event.
"""
import functools
import types

import peewee as pw

from models.base import atomic, fetch_all, utcnow
from models.org import Department, ScheduledTransfer, Staff, StaffPost, StaffTransfer, Unit
from server.errors import Conflict, NotFound
from services import audit, events, scheduler
from services.access import get_department_in_reach, get_staff_in_reach
from services.roles import end_grants_left_behind
from services.separation import refuse_own
from services.staff import _beijing_day, _diff, audit_view, get_staff

SOURCE = "staff.transfer"
# Who ends grants when the scheduler moves someone: nobody in particular (audit shows 系统).
SYSTEM = types.SimpleNamespace(id=None, staff=types.SimpleNamespace(name="系统"), unit_id=None)


async def transfer_staff(*, env, actor, staff_id, department_id, effective_date, reason="", now=None):
    """Move a person's primary department (possibly to another unit); reach over both is needed.

    Effective today or earlier: applied now (attendance re-judges from the effective date). Later:
    recorded as pending and applied on that day; the answer is the unchanged person with
    `pending_transfer` filled."""
    staff = await get_staff_in_reach(actor, "staff.manage", staff_id)
    dept = await get_department_in_reach(actor, "staff.manage", department_id)
    refuse_own(actor, staff.id, "为本人办理调动")
    if staff.status != "active":
        raise Conflict("该人员不在职", code="STAFF_NOT_ACTIVE")
    if dept.status != "open":
        raise Conflict("目标部门已撤销", code="DEPARTMENT_CLOSED")
    if dept.id == staff.department_id:
        raise Conflict("已在该部门", code="SAME_DEPARTMENT")
    reason = reason or ""
    scheduled = effective_date > _beijing_day(now or utcnow())
    async with atomic():
        if await pending_of(staff.id) is not None:
            raise Conflict("该人员已有待生效的调动，请先撤销", code="TRANSFER_SCHEDULED")
        if scheduled:
            await _schedule(env, actor, staff, dept, effective_date, reason)
            ended = []
        else:
            ended, _ = await _apply(env, actor, staff, dept, effective_date, reason, actor_id=actor.id)
    return {**await get_staff(env=env, actor=actor, staff_id=staff.id), "grants_ended": ended}


async def _schedule(env, actor, staff, dept, effective_date, reason):
    try:
        row = await ScheduledTransfer.acreate(
            staff=staff.id, from_unit=staff.unit_id, from_department=staff.department_id,
            to_unit=dept.unit_id, to_department=dept.id, effective_date=effective_date,
            reason=reason, pending_key=staff.id, actor=actor.id)
    except pw.IntegrityError:   # recorded by a concurrent request a moment ago
        raise Conflict("该人员已有待生效的调动，请先撤销", code="TRANSFER_SCHEDULED") from None
    after = {"scheduled_transfer_id": row.id, "effective_date": effective_date, "reason": reason,
             "to_unit_id": dept.unit_id, "to_department_id": dept.id}
    before = {"unit_id": staff.unit_id, "department_id": staff.department_id}
    # Recorded in the old unit's log (the person is still theirs) and, across units, the new one's.
    await audit.record(actor=actor, action="staff.transfer_scheduled", target_type="staff",
                       target_id=staff.id, before=before, after=after, unit_id=staff.unit_id)
    if dept.unit_id != staff.unit_id:
        await audit.record(actor=actor, action="staff.transfer_scheduled", target_type="staff",
                           target_id=staff.id, before=before, after=after, unit_id=dept.unit_id)


async def _apply(env, actor, staff, dept, effective_date, reason, *, actor_id):
    """The move itself, inside the caller's transaction; `actor` is the principal, or SYSTEM when
    the scheduler applies a transfer recorded ahead. Returns the ended grant ids."""
    before = audit_view(staff, env.cipher)
    fields = {"department": dept.id, "unit": dept.unit_id, "updated_at": utcnow()}
    if dept.unit_id != staff.unit_id:
        fields["position"] = None  # 职务 belongs to the old unit
    await Staff.update(**fields).where(Staff.id == staff.id).aexecute()
    # A concurrent post in the new primary department is now redundant.
    await StaffPost.update(active=False, end_date=effective_date).where(
        StaffPost.staff == staff.id, StaffPost.department == dept.id,
        StaffPost.active == True).aexecute()  # noqa: E712
    row = await StaffTransfer.acreate(
        staff=staff.id, from_unit=staff.unit_id, from_department=staff.department_id,
        to_unit=dept.unit_id, to_department=dept.id, kind="transfer",
        effective_date=effective_date, reason=reason, actor=actor_id)
    fresh = await Staff.aget(Staff.id == staff.id)
    ended = await end_grants_left_behind(actor, fresh, left=staff.department_id,
                                         cause={"transfer_id": row.id})
    b, a = _diff(before, audit_view(fresh, env.cipher))
    a.update(effective_date=effective_date, reason=reason, transfer_id=row.id, grants_ended=ended)
    if actor is SYSTEM:
        a["by"] = "scheduler"
    audit_actor = None if actor is SYSTEM else actor
    await audit.record(actor=audit_actor, action="staff.transfer", target_type="staff",
                       target_id=staff.id, before=b, after=a, unit_id=dept.unit_id)
    if dept.unit_id != staff.unit_id:
        # The old unit's auditor sees the person leave too.
        await audit.record(actor=audit_actor, action="staff.transfer_out", target_type="staff",
                           target_id=staff.id, before=b, after=a, unit_id=staff.unit_id)
    # Attendance re-judges stored days from the effective date (services/attendance_days).
    await events.publish("staff.transferred", staff_id=staff.id, effective_date=effective_date)
    return ended, row.id


async def pending_of(staff_id):
    return await ScheduledTransfer.aget_or_none(ScheduledTransfer.pending_key == staff_id)


async def pending_out(staff_id):
    """The person's transfer waiting for its date, as the staff API shows it, or None."""
    rows = await fetch_all(
        ScheduledTransfer.select(ScheduledTransfer, Unit.name.alias("unit_name"),
                                 Department.name.alias("department_name"))
        .join(Unit, on=(ScheduledTransfer.to_unit == Unit.id))
        .switch(ScheduledTransfer).join(Department, on=(ScheduledTransfer.to_department == Department.id))
        .where(ScheduledTransfer.pending_key == staff_id).dicts())
    if not rows:
        return None
    r = rows[0]
    return {"id": r["id"], "effective_date": r["effective_date"], "reason": r["reason"],
            "to_unit": {"id": r["to_unit"], "name": r["unit_name"]},
            "to_department": {"id": r["to_department"], "name": r["department_name"]},
            "actor_id": r["actor"], "created_at": r["created_at"]}


async def cancel_transfer(*, env, actor, staff_id):
    """Cancel the person's transfer still waiting for its effective date (audited)."""
    staff = await get_staff_in_reach(actor, "staff.manage", staff_id)
    refuse_own(actor, staff.id, "撤销本人的调动")
    async with atomic():
        row = await pending_of(staff.id)
        if row is None:
            raise NotFound("该人员没有待生效的调动", code="TRANSFER_NOT_PENDING")
        settled = await _settle(row.id, "cancelled", settled_by=actor.id)
        if not settled:   # applied (or cancelled) by someone else a moment ago
            raise NotFound("该人员没有待生效的调动", code="TRANSFER_NOT_PENDING")
        after = {"scheduled_transfer_id": row.id, "status": "cancelled",
                 "effective_date": row.effective_date, "to_department_id": row.to_department_id}
        for unit_id in dict.fromkeys((row.from_unit_id, row.to_unit_id)):
            await audit.record(actor=actor, action="staff.transfer_cancel", target_type="staff",
                               target_id=staff.id, before={"status": "pending"}, after=after,
                               unit_id=unit_id)
    return await get_staff(env=env, actor=actor, staff_id=staff.id)


async def _settle(row_id, status, *, settled_by=None, transfer_id=None):
    """pending -> status, once: the conditional UPDATE is the lock (a second process, or a cancel
    racing the scheduler, updates no row and does nothing)."""
    n = await ScheduledTransfer.update(
        status=status, pending_key=None, settled_at=utcnow(), settled_by=settled_by,
        transfer=transfer_id).where(ScheduledTransfer.id == row_id,
                                    ScheduledTransfer.status == "pending").aexecute()
    return n == 1


# ---------------------------------------------------------------- the scheduler's part

async def due_transfers(ctx):
    """Scheduler source: a transfer recorded ahead takes effect on its day (Beijing)."""
    today = _beijing_day(ctx.now)
    rows = await fetch_all(ScheduledTransfer.select(ScheduledTransfer.id)
                           .where(ScheduledTransfer.status == "pending",
                                  ScheduledTransfer.effective_date <= today))
    return [scheduler.Occurrence(key=f"{SOURCE}:{r.id}", due_at=ctx.now,
                                 run=functools.partial(run_transfer, r.id)) for r in rows]


async def run_transfer(row_id, ctx):
    """Apply one due transfer, inside the scheduler's transaction (its job key recorded with it).
    A person no longer active, or a target department closed meanwhile, lapses it (audited)."""
    row = await ScheduledTransfer.aget_or_none(ScheduledTransfer.id == row_id,
                                               ScheduledTransfer.status == "pending")
    if row is None:
        return
    staff = await Staff.aget_or_none(Staff.id == row.staff_id)
    dept = await Department.aget_or_none(Department.id == row.to_department_id)
    if staff is None:
        return
    why = ("STAFF_NOT_ACTIVE" if staff.status != "active" else
           "DEPARTMENT_CLOSED" if dept is None or dept.status != "open" else
           "SAME_DEPARTMENT" if dept.id == staff.department_id else None)
    if why:
        if await _settle(row.id, "lapsed"):
            await audit.record(actor=None, action="staff.transfer_lapsed", target_type="staff",
                               target_id=staff.id, before={"status": "pending"},
                               after={"scheduled_transfer_id": row.id, "status": "lapsed", "why": why},
                               unit_id=staff.unit_id)
        return
    if not await _settle(row.id, "applied"):
        return
    ended, transfer_id = await _apply(ctx.env, SYSTEM, staff, dept, row.effective_date, row.reason,
                                      actor_id=row.actor_id)
    await ScheduledTransfer.update(transfer=transfer_id).where(ScheduledTransfer.id == row.id).aexecute()


scheduler.register_source(SOURCE, due_transfers)
