"""补卡 make-up punch requests: limits and deadline, then the approval engine decides (kind
"makeup_punch", default flow: the department leader); on approval the punch is recorded as a
make-up and the day recomputed; a withdrawal after approval voids that punch.
"""
import datetime

import peewee as pw

from models.attendance import MakeupRequest, Punch
from models.base import atomic, count, fetch_all, for_update, get_one, utcnow
from server.errors import Conflict, Forbidden, Invalid, NotFound
from services import approvals, audit
from services import attendance_rules as rules
from services import attendance_stats as stats

KIND = "makeup_punch"


def makeup_out(r):
    return {"id": r.id, "staff_id": r.staff_id, "day": r.day, "at": r.at, "reason": r.reason,
            "status": r.status, "approval_id": r.approval_id, "punch_id": r.punch,
            "created_at": r.created_at}


async def _check_claim(actor, day, time_hhmm, now):
    """The creation rules (also on a resubmit): not in the future, within the deadline, HH:MM.
    Returns (rule, the claimed time as naive UTC)."""
    today = stats.local_today(now)
    rule = (await rules.unit_config(actor.unit_id)).rule
    if day > today:
        raise Invalid("不能为将来的日期补卡", code="MAKEUP_FUTURE")
    if (today - day).days > rule["makeup_deadline_days"]:
        raise Invalid(f"补卡须在 {rule['makeup_deadline_days']} 天内申请", code="MAKEUP_DEADLINE_PASSED")
    if not rules.TIME_RE.match(time_hhmm or ""):
        raise Invalid("补卡时间应为 HH:MM", code="VALIDATION_FAILED", fields={"time": "应为 HH:MM"})
    at_local = datetime.datetime.combine(day, datetime.time.fromisoformat(time_hhmm))
    at = at_local.replace(tzinfo=stats.SHANGHAI).astimezone(datetime.timezone.utc).replace(tzinfo=None)
    if at > now:
        raise Invalid("补卡时间不能晚于现在", code="MAKEUP_FUTURE")
    return rule, at


async def _check_limit(actor, rule, day, exclude_id=None):
    first = day.replace(day=1)
    last = stats.month_range(day.strftime("%Y-%m"))[1]
    query = MakeupRequest.select().where(
        MakeupRequest.staff == actor.id, MakeupRequest.day.between(first, last),
        MakeupRequest.status.in_(["pending", "approved", "returned"]))
    if exclude_id is not None:
        query = query.where(MakeupRequest.id != exclude_id)
    if await count(query) >= rule["makeup_monthly_limit"]:
        raise Invalid(f"本月补卡次数已达上限（{rule['makeup_monthly_limit']} 次）",
                      code="MAKEUP_LIMIT_REACHED")


def _summary(day, time_hhmm, reason):
    return f"补卡 {day.isoformat()} {time_hhmm}：{reason}"


async def request_makeup(*, env, actor, day, time_hhmm, reason, now):
    actor.require("attendance.punch")
    rule, at = await _check_claim(actor, day, time_hhmm, now)
    async with atomic():
        await _check_limit(actor, rule, day)
        r = await MakeupRequest.acreate(staff=actor.id, unit=actor.unit_id, day=day, at=at,
                                        reason=reason)
        await audit.record(actor=actor, action="attendance.makeup.request", target_type="makeup_request",
                           target_id=r.id, after={"day": day, "time": time_hhmm, "reason": reason})
        inst = await approvals.submit(
            env=env, actor=actor, kind=KIND, subject_id=r.id, unit_id=actor.unit_id,
            applicant_id=actor.id, summary=_summary(day, time_hhmm, reason),
            context={"day": day.isoformat(), "time": time_hhmm})
        await MakeupRequest.update(approval_id=inst["id"]).where(MakeupRequest.id == r.id).aexecute()
    return makeup_out(await MakeupRequest.aget(MakeupRequest.id == r.id))


async def resubmit_makeup(*, env, actor, request_id, day=None, time_hhmm=None, reason=None, now):
    """退回修改 → resubmit with changes (day, time, reason; omitted ones keep their value), checked
    by the creation rules (the monthly limit not counting this request itself); the approval
    instance records the resubmission and the new context, the audit entry before/after."""
    actor.require("attendance.punch")
    r = await MakeupRequest.aget_or_none(MakeupRequest.id == request_id)
    if r is None or (r.staff_id != actor.id and not await _instance_visible(actor, r)):
        raise NotFound("补卡申请不存在", code="MAKEUP_NOT_FOUND")
    if r.staff_id != actor.id:
        raise Forbidden("只有申请人可以重新提交", code="APPROVAL_NOT_APPLICANT")
    if r.status != "returned" or not r.approval_id:
        raise Conflict("只有被退回的申请可以修改后重新提交", code="APPROVAL_NOT_RETURNED")
    old_time = stats.local(r.at).strftime("%H:%M")
    day = day or r.day
    time_hhmm = time_hhmm or old_time
    reason = r.reason if reason is None else reason
    rule, at = await _check_claim(actor, day, time_hhmm, now)
    async with atomic():
        old = await get_one(for_update(MakeupRequest.select().where(MakeupRequest.id == r.id)))
        if old.status != "returned":
            raise Conflict("该申请已被处理，请刷新后查看", code="APPROVAL_NOT_RETURNED")
        await _check_limit(actor, rule, day, exclude_id=old.id)
        before = {"day": old.day, "time": old_time, "reason": old.reason}
        after = {"day": day, "time": time_hhmm, "reason": reason}
        await MakeupRequest.update(day=day, at=at, reason=reason).where(
            MakeupRequest.id == old.id).aexecute()
        await audit.record(actor=actor, action="attendance.makeup.resubmit",
                           target_type="makeup_request", target_id=old.id, before=before,
                           after=after, unit_id=old.unit_id)
        await approvals.resubmit(env=env, actor=actor, instance_id=old.approval_id,
                                 context={"day": day.isoformat(), "time": time_hhmm},
                                 summary=_summary(day, time_hhmm, reason))
    return makeup_out(await MakeupRequest.aget(MakeupRequest.id == r.id))


async def _instance_visible(actor, r):
    """Someone who may see the approval (an approver) learns it exists: 403, not 404."""
    if not r.approval_id:
        return False
    try:
        await approvals.get_instance(actor=actor, instance_id=r.approval_id)
        return True
    except NotFound:
        return False


async def my_makeups(*, actor):
    rows = await fetch_all(MakeupRequest.select().where(MakeupRequest.staff == actor.id)
                           .order_by(MakeupRequest.id.desc()).limit(100))
    return [makeup_out(r) for r in rows]


async def apply_decision(*, request_id, status, actor=None):
    """Apply an approval outcome (inside the caller's transaction): approved -> the make-up
    punch is recorded; rejected/withdrawn/returned -> no punch (an approved one is voided)."""
    r = await MakeupRequest.aget_or_none(MakeupRequest.id == request_id)
    if r is None:
        return None
    punch_id = r.punch
    if status == "approved" and r.status != "approved":
        bucket = int(r.at.replace(tzinfo=datetime.timezone.utc).timestamp()) // 60
        try:
            async with atomic():  # a savepoint: a clash with a real punch in that minute is fine
                p = await Punch.acreate(staff=r.staff_id, unit=r.unit_id, at=r.at, minute_bucket=bucket,
                                        kind="makeup", reason=r.reason, makeup=r.id)
            punch_id = p.id
        except pw.IntegrityError:
            p = await Punch.aget(Punch.staff == r.staff_id, Punch.minute_bucket == bucket)
            punch_id = p.id
    elif status != "approved" and r.status == "approved" and punch_id:
        await Punch.update(review_status="rejected", review_note="补卡已撤销").where(
            Punch.id == punch_id, Punch.kind == "makeup").aexecute()
    await MakeupRequest.update(status=status, punch=punch_id).where(MakeupRequest.id == r.id).aexecute()
    await stats.recompute([r.staff_id], r.day, r.day, now_utc=utcnow())
    return r


def _hook(status):
    async def hook(*, instance, actor):
        await apply_decision(request_id=instance["subject_id"], status=status, actor=actor)
    return hook


async def _on_returned(*, instance, actor):
    await MakeupRequest.update(status="returned").where(
        MakeupRequest.id == instance["subject_id"]).aexecute()


async def _on_resubmitted(*, instance, actor):
    await MakeupRequest.update(status="pending").where(
        MakeupRequest.id == instance["subject_id"]).aexecute()


async def _describe(*, instance):
    r = await MakeupRequest.aget_or_none(MakeupRequest.id == instance["subject_id"])
    if r is None:
        return {}
    return {"day": r.day, "time": stats.local(r.at).strftime("%H:%M"), "reason": r.reason,
            "status": r.status}


approvals.register_kind(KIND, title="补卡", on_approved=_hook("approved"),
                        on_rejected=_hook("rejected"), on_withdrawn=_hook("withdrawn"),
                        on_returned=_on_returned, on_resubmitted=_on_resubmitted,
                        describe=_describe, view_permission="attendance.review")
