"""Overtime (加班): a request approved through the engine becomes time off in lieu (调休).

Hours convert at `hours_per_day` (default 8 h = 1 day) and expire after `expiry_months` (default 6)
— both in the `lieu` leave type's settings. 调休 leave draws on the earliest-expiring credits first.
"""
import calendar as _cal
import datetime

from models.base import atomic, count, fetch_all, for_update, get_one, utcnow
from models.leave import LieuCredit, LieuUse, OvertimeRequest
from models.org import Staff
from server.errors import Conflict, Forbidden, Invalid, NotFound
from services import approvals, audit
from services.access import staff_dept_ids
from services.leave_rules import effective_types

ACTIVE = ("pending", "approved", "returned")


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


async def lieu_settings(unit_id):
    t = (await effective_types(unit_id, include_inactive=True)).get("lieu")
    s = (t.settings if t else None) or {}
    return float(s.get("hours_per_day") or 8), int(s.get("expiry_months") or 6)


def overtime_out(o, names=None):
    names = names or {}
    return {"id": o.id, "staff": {"id": o.staff_id, "name": names.get(o.staff_id, "")},
            "unit_id": o.unit_id, "department_id": o.department_id, "date": o.work_date,
            "hours": o.hours, "reason": o.reason, "status": o.status,
            "instance_id": o.instance_id, "created_at": o.created_at, "updated_at": o.updated_at}


def _check_hours(hours):
    if hours <= 0 or hours > 24 or (hours * 2) != int(hours * 2):
        raise Invalid("加班时长应为 0.5 至 24 小时，以半小时计", code="OVERTIME_HOURS_INVALID",
                      fields={"hours": "0.5 至 24，半小时为单位"})


async def _check_overlap(actor, date, exclude_id=None):
    query = OvertimeRequest.select().where(
        OvertimeRequest.staff == actor.id, OvertimeRequest.work_date == date,
        OvertimeRequest.status.in_(ACTIVE))
    if exclude_id is not None:
        query = query.where(OvertimeRequest.id != exclude_id)
    if await count(query):
        raise Conflict("该日已有加班申请", code="OVERTIME_OVERLAP")


def _summary(date, hours):
    return f"加班 {date.isoformat()} {hours:g} 小时"


async def submit_overtime(*, env, actor, date, hours, reason):
    actor.require("leave.apply")
    _check_hours(hours)
    async with atomic():
        await get_one(for_update(Staff.select().where(Staff.id == actor.id)))
        await _check_overlap(actor, date)
        o = await OvertimeRequest.acreate(staff=actor.id, unit=actor.unit_id,
                                          department=actor.department_id, work_date=date,
                                          hours=hours, reason=reason)
        await audit.record(actor=actor, action="overtime.submit", target_type="overtime_request",
                           target_id=o.id, after={"date": date, "hours": hours, "reason": reason})
        inst = await approvals.submit(
            env=env, actor=actor, kind="overtime", subject_id=o.id, unit_id=actor.unit_id,
            applicant_id=actor.id, summary=_summary(date, hours),
            context={"hours": hours, "date": date.isoformat()})
        await OvertimeRequest.update(instance_id=inst["id"]).where(OvertimeRequest.id == o.id).aexecute()
    return await get_overtime(actor=actor, overtime_id=o.id)


async def resubmit_overtime(*, env, actor, overtime_id, date=None, hours=None, reason=None):
    """退回修改 → resubmit with changes (date, hours, reason; omitted ones keep their value),
    checked by the creation rules (hours; one request a day, this one aside). The approval
    instance records the resubmission and is re-routed on the new context; audit before/after."""
    actor.require("leave.apply")
    o = await OvertimeRequest.aget_or_none(OvertimeRequest.id == overtime_id)
    if o is None or not await _can_view(actor, o):
        raise NotFound("加班申请不存在", code="OVERTIME_NOT_FOUND")
    if o.staff_id != actor.id:
        raise Forbidden("只有申请人可以重新提交", code="APPROVAL_NOT_APPLICANT")
    if o.status != "returned" or not o.instance_id:
        raise Conflict("只有被退回的申请可以修改后重新提交", code="APPROVAL_NOT_RETURNED")
    date = date or o.work_date
    hours = o.hours if hours is None else hours
    reason = o.reason if reason is None else reason
    _check_hours(hours)
    async with atomic():
        await get_one(for_update(Staff.select().where(Staff.id == actor.id)))
        old = await get_one(for_update(OvertimeRequest.select().where(OvertimeRequest.id == o.id)))
        if old.status != "returned":
            raise Conflict("该申请已被处理，请刷新后查看", code="APPROVAL_NOT_RETURNED")
        await _check_overlap(actor, date, exclude_id=old.id)
        before = {"date": old.work_date, "hours": old.hours, "reason": old.reason}
        after = {"date": date, "hours": hours, "reason": reason}
        await OvertimeRequest.update(work_date=date, hours=hours, reason=reason,
                                     updated_at=utcnow()).where(OvertimeRequest.id == old.id).aexecute()
        await audit.record(actor=actor, action="overtime.resubmit", target_type="overtime_request",
                           target_id=old.id, before=before, after=after, unit_id=old.unit_id)
        await approvals.resubmit(env=env, actor=actor, instance_id=old.instance_id,
                                 context={"hours": hours, "date": date.isoformat()},
                                 summary=_summary(date, hours))
    return await get_overtime(actor=actor, overtime_id=o.id)


async def get_overtime(*, actor, overtime_id):
    o = await OvertimeRequest.aget_or_none(OvertimeRequest.id == overtime_id)
    if o is None or not await _can_view(actor, o):
        raise NotFound("加班申请不存在", code="OVERTIME_NOT_FOUND")
    names = {o.staff_id: (await Staff.aget(Staff.id == o.staff_id)).name}
    return overtime_out(o, names)


async def _can_view(actor, o):
    if o.staff_id == actor.id:
        return True
    if actor.has("leave.view"):
        staff = await Staff.aget(Staff.id == o.staff_id)
        reach = await actor.reach("leave.view")
        if reach.covers_staff(staff.id, await staff_dept_ids(staff), staff.unit_id):
            return True
    if o.instance_id:
        try:
            await approvals.get_instance(actor=actor, instance_id=o.instance_id)
            return True
        except NotFound:
            return False
    return False


async def list_overtime(*, actor, mine=True, page=1, page_size=20):
    query = OvertimeRequest.select()
    if mine:
        query = query.where(OvertimeRequest.staff == actor.id)
    else:
        reach = await actor.require_reach("leave.view")
        query = query.join(Staff, on=(OvertimeRequest.staff == Staff.id)).where(reach.staff_filter(Staff))
    total = await count(query)
    rows = await fetch_all(query.order_by(OvertimeRequest.work_date.desc(), OvertimeRequest.id.desc())
                           .paginate(page, page_size))
    names = {s.id: s.name for s in await fetch_all(Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_([r.staff_id for r in rows] or [0])))}
    return [overtime_out(r, names) for r in rows], total


async def _set_status(instance, status):
    await OvertimeRequest.update(status=status, updated_at=utcnow()).where(
        OvertimeRequest.id == instance["subject_id"]).aexecute()


async def _on_approved(*, instance, actor):
    o = await OvertimeRequest.aget(OvertimeRequest.id == instance["subject_id"])
    await _set_status(instance, "approved")
    per_day, months = await lieu_settings(o.unit_id)
    credit = await LieuCredit.acreate(staff=o.staff_id, overtime=o.id, days=round(o.hours / per_day, 4),
                                      expires_on=add_months(o.work_date, months))
    await audit.record(actor=actor, action="overtime.lieu_credit", target_type="overtime_request",
                       target_id=o.id, after={"days": credit.days, "expires_on": credit.expires_on},
                       unit_id=o.unit_id)


async def _describe(*, instance):
    o = await OvertimeRequest.aget_or_none(OvertimeRequest.id == instance["subject_id"])
    return overtime_out(o) if o else None


approvals.register_kind(
    "overtime", title="加班申请", on_approved=_on_approved,
    on_rejected=lambda *, instance, actor: _set_status(instance, "rejected"),
    on_withdrawn=lambda *, instance, actor: _set_status(instance, "withdrawn"),
    on_returned=lambda *, instance, actor: _set_status(instance, "returned"),
    on_resubmitted=lambda *, instance, actor: _set_status(instance, "pending"),
    describe=_describe, view_permission="leave.view")


# -- time off in lieu: balance, reservation, consumption --------------------------------------

async def lieu_credits(staff_id, on_date):
    return await fetch_all(LieuCredit.select().where(
        LieuCredit.staff == staff_id, LieuCredit.expires_on >= on_date)
        .order_by(LieuCredit.expires_on, LieuCredit.id))


async def lieu_balance(staff_id, on_date):
    credits = await lieu_credits(staff_id, on_date)
    entitled = sum(c.days for c in credits)
    used = sum(c.used for c in credits)
    pending = sum(c.reserved for c in credits)
    return {"type_code": "lieu", "entitled": round(entitled, 4), "adjusted": 0, "used": round(used, 4),
            "pending": round(pending, 4), "remaining": round(entitled - used - pending, 4),
            "credits": [{"id": c.id, "overtime_id": c.overtime_id, "days": c.days, "used": c.used,
                         "reserved": c.reserved, "expires_on": c.expires_on} for c in credits]}


async def reserve_lieu(request, days):
    """Reserve `days` of credits valid on the leave's start date, earliest expiring first."""
    credits = await fetch_all(for_update(LieuCredit.select().where(
        LieuCredit.staff == request.staff_id, LieuCredit.expires_on >= request.start_date)
        .order_by(LieuCredit.expires_on, LieuCredit.id)))
    left = days
    plan = []
    for c in credits:
        free = round(c.days - c.used - c.reserved, 4)
        if free <= 0 or left <= 0:
            continue
        take = min(free, left)
        plan.append((c, take))
        left = round(left - take, 4)
    if left > 1e-9:
        raise Invalid("调休余额不足", code="LEAVE_BALANCE_INSUFFICIENT",
                      fields={"days": f"可用调休 {days - left:g} 天"})
    for c, take in plan:
        await LieuCredit.update(reserved=LieuCredit.reserved + take).where(LieuCredit.id == c.id).aexecute()
        await LieuUse.acreate(credit=c.id, request=request.id, days=take)


async def settle_lieu(request, outcome):
    """outcome "used" (approved) or "released" (rejected / withdrawn)."""
    uses = await fetch_all(LieuUse.select().where(LieuUse.request == request.id, LieuUse.state == "reserved"))
    for u in uses:
        fields = {"reserved": LieuCredit.reserved - u.days}
        if outcome == "used":
            fields["used"] = LieuCredit.used + u.days
        await LieuCredit.update(**fields).where(LieuCredit.id == u.credit_id).aexecute()
        await LieuUse.update(state=outcome).where(LieuUse.id == u.id).aexecute()


async def give_back_lieu(request, days):
    """Report-back: return unused days to the latest-expiring credits this request used."""
    uses = await fetch_all(LieuUse.select(LieuUse, LieuCredit).join(LieuCredit).where(
        LieuUse.request == request.id, LieuUse.state == "used")
        .order_by(LieuCredit.expires_on.desc(), LieuUse.id.desc()))
    left = days
    for u in uses:
        if left <= 0:
            break
        back = min(u.days, left)
        await LieuCredit.update(used=LieuCredit.used - back).where(LieuCredit.id == u.credit_id).aexecute()
        await LieuUse.update(days=LieuUse.days - back).where(LieuUse.id == u.id).aexecute()
        left = round(left - back, 4)
