"""The built-in reminder sources of the scheduler (issue 13) and the working-day timing rule.

Sources derive job occurrences from the database on every tick (services/scheduler.py):
delegations that start today take over waiting tasks; approval tasks waiting past N working
hours remind their approver, then the delegate; binding requests past their deadline go to the
data checkers and their leaders; on working days people who have not punched get a clock-in
reminder. Other features register their own sources (docs/reminders.md).
"""
import asyncio
import datetime
import functools
from zoneinfo import ZoneInfo

from models.approvals import ApprovalDelegation, ApprovalInstance, ApprovalTask
from models.attendance import Punch
from models.base import fetch_all, utcnow
from models.binding import BindingRequest
from models.org import Department, Staff, Unit
from models.reminders import ReminderSetting
from services import calendar, scheduler
from services.notify import raise_notification

SHANGHAI = ZoneInfo("Asia/Shanghai")
WORK_START, WORK_END = datetime.time(9, 0), datetime.time(17, 0)   # 8 working hours a day


def local(dt_utc):
    return dt_utc.replace(tzinfo=datetime.timezone.utc).astimezone(SHANGHAI).replace(tzinfo=None)


def to_utc(local_dt):
    return local_dt.replace(tzinfo=SHANGHAI).astimezone(datetime.timezone.utc).replace(tzinfo=None)


def parse_hhmm(text, default):
    try:
        hours, minutes = str(text).split(":")
        return datetime.time(int(hours), int(minutes))
    except (ValueError, TypeError):
        return default


# -- the working-day rule ----------------------------------------------------------------------

async def working_day_on_or_before(day, *, unit_id=None):
    infos, _ = await calendar.day_infos(day - datetime.timedelta(days=40), day, unit_id=unit_id)
    for info in reversed(infos):
        if info.working:
            return info.day
    return day


async def working_days_before(day, count, *, unit_id=None):
    """The `count`-th working day before `day` (count 0: `day` itself if working, else the working
    day before it). For a deadline on a rest day or in a holiday the last working day before it
    is both "0" and "1 working day before": a Sunday deadline's 1-day reminder goes out on Friday
    (the last chance), its 3-day one on Wednesday."""
    infos, _ = await calendar.day_infos(day - datetime.timedelta(days=count * 3 + 40), day,
                                        unit_id=unit_id)
    working = [i.day for i in infos if i.working]
    if not working:
        return day
    if working[-1] != day:
        count = max(0, count - 1)   # `day` is a rest day: the working day before it is the first
    return working[-1 - count] if count < len(working) else working[0]


async def remind_at(day, *, unit_id=None, send_time=None, days_before=0):
    """When a reminder for `day` goes out (naive UTC): `days_before` working days before it, at
    send_time (09:00 Beijing); never on a rest day or holiday — a reminder that would fall on one
    goes out the working day before."""
    send_time = send_time or datetime.time(9, 0)
    target = await working_days_before(day, days_before, unit_id=unit_id)
    return to_utc(datetime.datetime.combine(target, send_time))


def _horizon_days(hours):
    return int(hours // 8 + 1) * 3 + 30


def working_hours_after(infos, start_utc, hours):
    """The moment (naive UTC) `hours` working hours (09:00–17:00 on working days) after start,
    given the DayInfo of every day from start's day on (pure: no query)."""
    start = local(start_utc)
    left = datetime.timedelta(hours=hours)
    for info in infos:
        if info.day < start.date() or not info.working:
            continue
        open_at = datetime.datetime.combine(info.day, WORK_START)
        close_at = datetime.datetime.combine(info.day, WORK_END)
        begin = max(open_at, start)
        if begin >= close_at:
            continue
        if begin + left <= close_at:
            return to_utc(begin + left)
        left -= close_at - begin
    return to_utc(start + datetime.timedelta(days=365))


async def add_working_hours(start_utc, hours, *, unit_id=None):
    """The moment (naive UTC) `hours` working hours (09:00–17:00 on working days) after start."""
    start = local(start_utc).date()
    infos, _ = await calendar.day_infos(start, start + datetime.timedelta(days=_horizon_days(hours)),
                                        unit_id=unit_id)
    return working_hours_after(infos, start_utc, hours)


# -- delegations that start in the future ---------------------------------------------------------

async def _hand_over(delegation_id, ctx):
    from services import approvals

    row = await ApprovalDelegation.aget_or_none(ApprovalDelegation.id == delegation_id)
    if row is not None:
        await approvals.hand_over(row, None, day=local(ctx.now).date())


async def delegation_starts(ctx):
    day = local(ctx.now).date()
    rows = await fetch_all(ApprovalDelegation.select().where(
        ApprovalDelegation.revoked_at.is_null(), ApprovalDelegation.start <= day,
        ApprovalDelegation.end >= day))
    return [scheduler.Occurrence(
        key=f"delegation.start:{r.id}", due_at=to_utc(datetime.datetime.combine(r.start, datetime.time())),
        run=functools.partial(_hand_over, r.id)) for r in rows]


# -- approvals waiting too long -------------------------------------------------------------------

async def _active_delegate(staff_id, day):
    rows = await fetch_all(ApprovalDelegation.select().where(
        ApprovalDelegation.delegator == staff_id, ApprovalDelegation.revoked_at.is_null(),
        ApprovalDelegation.start <= day, ApprovalDelegation.end >= day)
        .order_by(ApprovalDelegation.id.desc()).limit(1))
    return rows[0].delegate_id if rows else None


async def _remind_task(task_id, nth, ctx):
    rows = await fetch_all(ApprovalTask.select(ApprovalTask, ApprovalInstance).join(ApprovalInstance)
                           .where(ApprovalTask.id == task_id, ApprovalTask.status == "pending",
                                  ApprovalInstance.status == "pending"))
    if not rows:
        return
    task, inst = rows[0], rows[0].instance
    recipient = task.assignee_id
    if nth == 2:
        recipient = await _active_delegate(task.assignee_id, local(ctx.now).date()) or recipient
    hours = ctx.settings.approval_wait_hours * nth
    await raise_notification(
        recipient_ids=[recipient], kind="approval.overdue",
        title=f"待审批已超过 {hours} 个工作小时", body=inst.summary or "请尽快处理",
        link=f"/pages/approvals/detail/index?id={inst.id}",
        data={"instance_id": inst.id, "task_id": task.id, "nth": nth}, now=ctx.now)


async def approval_overdue(ctx):
    hours = ctx.settings.approval_wait_hours
    if hours <= 0:
        return []
    rows = await fetch_all(ApprovalTask.select(ApprovalTask, ApprovalInstance).join(ApprovalInstance)
                           .where(ApprovalTask.status == "pending",
                                  ApprovalInstance.status == "pending",
                                  ApprovalTask.round == ApprovalInstance.round,
                                  ApprovalTask.step_index == ApprovalInstance.current_step))
    # One calendar read per unit for all its waiting tasks (not two per task: a unit with
    # thousands of open approvals made every pass thousands of queries).
    by_unit = {}
    for task in rows:
        by_unit.setdefault(task.instance.unit_id, []).append(task)
    out = []
    for unit_id, tasks in by_unit.items():
        first_day = min(local(t.created_at).date() for t in tasks)
        last_day = max(local(t.created_at).date() for t in tasks)
        infos, _ = await calendar.day_infos(
            first_day, last_day + datetime.timedelta(days=_horizon_days(hours * 2)), unit_id=unit_id)
        for i, task in enumerate(tasks):
            if i and i % 500 == 0:
                await asyncio.sleep(0)   # let requests in between batches
            first = working_hours_after(infos, task.created_at, hours)
            second = working_hours_after(infos, task.created_at, hours * 2)
            out.append(scheduler.Occurrence(key=f"approval.overdue:{task.id}:1", due_at=first,
                                            expires_at=second,
                                            run=functools.partial(_remind_task, task.id, 1)))
            out.append(scheduler.Occurrence(key=f"approval.overdue:{task.id}:2", due_at=second,
                                            run=functools.partial(_remind_task, task.id, 2)))
    return out


# -- binding requests past their deadline ----------------------------------------------------------

async def _binding_overdue(request_id, ctx):
    from services.binding import routed_checkers

    req = await BindingRequest.aget_or_none(BindingRequest.id == request_id)
    if req is None or req.status != "open":
        return
    checkers = await routed_checkers(req)
    leaders = set()
    if checkers:
        rows = await fetch_all(Department.select(Department.leader).join(
            Staff, on=(Staff.department == Department.id)).where(Staff.id.in_(checkers)))
        leaders = {r.leader_id for r in rows if r.leader_id}
    await raise_notification(
        recipient_ids=set(checkers) | leaders, kind="binding.overdue",
        title="微信绑定申请已超过处理时限", body=f"{req.name} 的绑定申请已超过 1 个工作日未处理",
        link=f"/admin/binding/requests/{req.id}", data={"request_id": req.id}, now=ctx.now)


async def binding_overdue(ctx):
    rows = await fetch_all(BindingRequest.select(BindingRequest.id, BindingRequest.deadline_at)
                           .where(BindingRequest.status == "open"))
    return [scheduler.Occurrence(key=f"binding.overdue:{r.id}", due_at=r.deadline_at,
                                 run=functools.partial(_binding_overdue, r.id)) for r in rows]


# -- clock-in reminders ------------------------------------------------------------------------

async def clock_in_candidates(unit_id, day, now):
    """Active staff of a unit who have not punched today, are not on leave or a trip this
    morning, and have the reminder on."""
    from services.attendance_stats import day_bounds_utc, leave_days

    staff = await fetch_all(Staff.select(Staff.id).where(
        Staff.unit == unit_id, Staff.status == "active",
        Staff.is_service_account == False))  # noqa: E712
    ids = [s.id for s in staff]
    if not ids:
        return []
    start, end = day_bounds_utc(day, day)
    punched = {p.staff_id for p in await fetch_all(Punch.select(Punch.staff).where(
        Punch.staff.in_(ids), Punch.at >= start, Punch.at < end))}
    off = {r.staff_id for r in await fetch_all(ReminderSetting.select(ReminderSetting.staff).where(
        ReminderSetting.staff.in_(ids), ReminderSetting.clock_in == False))}  # noqa: E712
    leave = await leave_days(ids, day, day)
    away = {sid for (sid, d), info in leave.items() if d == day and info.get("half") in ("full", "am")}
    return [i for i in ids if i not in punched and i not in off and i not in away]


async def _clock_in(unit_id, day, ctx):
    ids = await clock_in_candidates(unit_id, day, ctx.now)
    await raise_notification(
        recipient_ids=ids, kind="attendance.clock_in", title="上班打卡提醒",
        body="您今天还没有打卡，请及时打卡", link="/pages/attendance-clock/index",
        data={"date": day.isoformat()}, now=ctx.now)


async def clock_in(ctx):
    at = parse_hhmm(ctx.settings.clock_in_time, datetime.time(8, 50))
    today = local(ctx.now).date()
    out = []
    for unit in await fetch_all(Unit.select(Unit.id)):
        info = await calendar.day_info(today, unit_id=unit.id)
        if not info.working:
            continue
        due = to_utc(datetime.datetime.combine(today, at))
        # A reminder is only useful before work starts: a missed tick does not send it late.
        out.append(scheduler.Occurrence(key=f"clock_in:{unit.id}:{today.isoformat()}", due_at=due,
                                        expires_at=due + datetime.timedelta(minutes=40),
                                        run=functools.partial(_clock_in, unit.id, today)))
    return out


def register_sources():
    scheduler.register_source("delegation.start", delegation_starts)
    scheduler.register_source("approval.overdue", approval_overdue)
    scheduler.register_source("binding.overdue", binding_overdue)
    scheduler.register_source("attendance.clock_in", clock_in)


register_sources()


def now_utc():
    return utcnow()

# The official-account follower sync registers its own source (services/official_account.py).
from services import official_account  # noqa: E402,F401
