"""Leave requests: quote, submit (balance reserved), approval hooks, report-back (销假), balances,
HR adjustments, the monthly report, and `approved_leave_days` for attendance.

A request is charged to the balance year of its start date. Tracked types reserve `pending` on
submit; approval moves it to `used`; reject / withdraw release it; a return (退回修改) keeps it.
"""
import collections
import datetime
import time

import peewee as pw
from peewee import fn

from models.base import atomic, count, exists, fetch_all, for_update, get_one, real_db, utcnow
from models.leave import Attachment, LeaveBalance, LeaveBalanceAdjustment, LeaveRequest, LeaveType
from models.org import Department, Staff, StaffPost
from server.errors import Conflict, Forbidden, Invalid, NotFound
from services import approvals, attachments, attendance_rules, audit, events, exports, overtime
from services.access import get_staff_in_reach, staff_dept_ids
from services.separation import refuse_own
from services.calendar import day_infos
from services.leave_rules import (ANNUAL_SETTINGS, annual_entitlement, check_range, count_days,
                                  effective_types, exclusion_cause, get_type, slot)

ACTIVE = ("pending", "approved", "returned")
STATUS_LABELS = {"pending": "审批中", "approved": "已批准", "rejected": "已驳回",
                 "withdrawn": "已撤回", "returned": "已退回修改", "cancelled": "已销假（未休）"}


# -- counting & quoting -----------------------------------------------------------------------

async def cost(ltype, unit_id, start, start_half, end, end_half):
    """(days, warnings, per-day detail) of a range for a type."""
    check_range(start, start_half, end, end_half)
    infos, warnings = await day_infos(start, end, unit_id=unit_id)
    days = count_days(infos, start, start_half, end, end_half, ltype.count_mode)
    detail = [{**i.to_json(), "counted": ltype.count_mode == "calendar_days" or i.working} for i in infos]
    return days, warnings, detail


def _require_days(days, ltype):
    if days <= 0:
        raise Invalid("所选日期内没有工作日", code="LEAVE_NO_WORKING_DAY", fields={"start": "没有需要请假的工作日"})
    if ltype.max_days_per_request and days > ltype.max_days_per_request:
        raise Invalid(f"{ltype.name}单次最多 {ltype.max_days_per_request:g} 天", code="LEAVE_TOO_LONG",
                      fields={"end": f"最多 {ltype.max_days_per_request:g} 天"})


def local_today():
    """Beijing's date by the server clock (hooks without a request clock)."""
    import zoneinfo
    return datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date()


def request_day(now):
    """The request clock's (naive UTC) date in Beijing."""
    import zoneinfo
    return now.replace(tzinfo=datetime.timezone.utc).astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")).date()


async def _art4_absences(staff, year):
    """(personal days counted by Art. 4(2), sick calendar days, annual days taken) of a year,
    approved requests only. 事假 counts only when the unit's 事假 type is paid (单位不扣工资)."""
    rows = await fetch_all(LeaveRequest.select().where(
        LeaveRequest.staff == staff.id, LeaveRequest.year == year, LeaveRequest.status == "approved",
        LeaveRequest.type_code.in_(["personal", "sick", "annual"])))
    personal_type = (await effective_types(staff.unit_id, include_inactive=True)).get("personal")
    counts_personal = personal_type is None or bool(personal_type.paid)
    personal = sum(r.days for r in rows if r.type_code == "personal") if counts_personal else 0.0
    annual_taken = sum(r.days for r in rows if r.type_code == "annual")
    sick = 0.0
    for r in rows:
        if r.type_code == "sick":
            sick += (r.end_date - r.start_date).days + 1 - (0.5 if r.start_half == "pm" else 0) \
                - (0.5 if r.end_half == "am" else 0)
    return personal, sick, annual_taken


async def _entitlement(staff, ltype, year, today=None):
    if ltype.quota_rule == "annual":
        settings = {**ANNUAL_SETTINGS, **(ltype.settings or {})}
        first = staff.first_employment_date
        entitled = annual_entitlement(first, year, settings, today=today or local_today())
        personal, sick, taken = await _art4_absences(staff, year)
        cause = exclusion_cause(first, year, personal, sick, settings)
        if cause and not taken:
            return 0.0, f"{cause}，不享受当年年休假"
        # 实施办法 Art. 4: annual leave already taken in a year whose absences reach Art. 4
        # costs the next year's annual leave instead of this one's.
        personal, sick, prev_taken = await _art4_absences(staff, year - 1)
        prev_cause = exclusion_cause(first, year - 1, personal, sick, settings)
        if prev_cause and prev_taken:
            return 0.0, f"已休 {year - 1} 年年休假后{prev_cause}，不享受 {year} 年年休假"
        if cause:
            return entitled, f"已休本年度年休假后{cause}，不享受 {year + 1} 年年休假"
        return entitled, ""
    if ltype.quota_rule == "fixed":
        return float(ltype.quota_days or 0), ""
    return 0.0, ""


async def ensure_balance(staff, ltype, year, *, lock=False, today=None):
    """The balance row (created on first use), its entitlement refreshed from the rules."""
    entitled, note = await _entitlement(staff, ltype, year, today)
    query = LeaveBalance.select().where(LeaveBalance.staff == staff.id, LeaveBalance.year == year,
                                        LeaveBalance.type_code == ltype.code)
    row = await get_one(for_update(query) if lock else query)
    if row is None:
        await LeaveBalance.insert(staff=staff.id, year=year, type_code=ltype.code, entitled=entitled,
                                  note=note).on_conflict_ignore().aexecute()
        row = await get_one(for_update(query) if lock else query)
    elif row.entitled != entitled or row.note != note:
        await LeaveBalance.update(entitled=entitled, note=note, updated_at=utcnow()).where(
            LeaveBalance.id == row.id).aexecute()
        row.entitled, row.note = entitled, note
    return row


def balance_out(b, name=""):
    return {"id": b.id, "staff_id": b.staff_id, "year": b.year, "type_code": b.type_code,
            "type_name": name, "entitled": b.entitled, "adjusted": b.adjusted, "used": b.used,
            "pending": b.pending, "remaining": round(b.entitled + b.adjusted - b.used - b.pending, 2),
            "note": b.note}


def _remaining(b):
    return round(b.entitled + b.adjusted - b.used - b.pending, 4)


async def _balance_for(staff, ltype, start, *, today=None):
    if not ltype.balance_tracked:
        return None
    if ltype.quota_rule == "lieu":
        return await overtime.lieu_balance(staff.id, start)
    async with atomic():
        b = await ensure_balance(staff, ltype, start.year, today=today)
    return balance_out(b, ltype.name)


async def _peek_balance(staff, ltype, start, *, today=None):
    """The balance a request would be charged to, read without writing anything (a quote)."""
    if not ltype.balance_tracked:
        return None
    if ltype.quota_rule == "lieu":
        return await overtime.lieu_balance(staff.id, start)
    entitled, note = await _entitlement(staff, ltype, start.year, today)
    row = await LeaveBalance.aget_or_none(LeaveBalance.staff == staff.id, LeaveBalance.year == start.year,
                                          LeaveBalance.type_code == ltype.code)
    if row is None:
        row = LeaveBalance(id=None, staff=staff.id, year=start.year, type_code=ltype.code,
                           entitled=entitled, adjusted=0, used=0, pending=0, note=note)
    else:
        row.entitled, row.note = entitled, note
    return balance_out(row, ltype.name)


async def _backdate_check(unit_id, start, today):
    """补请假: a leave starting before today is allowed up to the unit's leave_backdate_days back
    (the unit attendance rule; None = no limit). Returns whether it is backdated."""
    if today is None or start >= today:
        return False
    limit = (await attendance_rules.unit_config(unit_id)).rule.get("leave_backdate_days")
    if limit is not None and (today - start).days > limit:
        raise Invalid(f"补请假最多可追溯 {limit} 天（{today - datetime.timedelta(days=limit)} 起）",
                      code="LEAVE_BACKDATE_TOO_FAR", fields={"start": f"不能早于 {today - datetime.timedelta(days=limit)}"})
    return True


async def quote(*, actor, type_code, start, start_half, end, end_half, now=None):
    """What a request would cost. Reads only: no balance row is created."""
    today = request_day(now) if now else local_today()
    ltype = await get_type(actor.unit_id, type_code)
    days, warnings, detail = await cost(ltype, actor.unit_id, start, start_half, end, end_half)
    backdated = await _backdate_check(actor.unit_id, start, today)
    balance = await _peek_balance(actor.staff, ltype, start, today=today)
    return {"type": ltype.code, "type_name": ltype.name, "count_mode": ltype.count_mode,
            "days": days, "balance": balance, "backdated": backdated,
            "remaining_after": round(balance["remaining"] - days, 4) if balance else None,
            "sufficient": balance is None or balance["remaining"] >= days,
            "attachment_required": _needs_attachment(ltype, days),
            "warnings": warnings, "calendar": detail}


def _needs_attachment(ltype, days):
    return ltype.attachment_over_days is not None and days > ltype.attachment_over_days


# -- requests ---------------------------------------------------------------------------------

def request_out(r, *, names=None, type_name="", attachments=None, needs_attachment=False):
    names = names or {}
    return {"id": r.id, "staff": {"id": r.staff_id, "name": names.get(r.staff_id, "")},
            "unit_id": r.unit_id, "department_id": r.department_id, "type": r.type_code,
            "type_name": type_name, "year": r.year, "start": r.start_date, "start_half": r.start_half,
            "end": r.end_date, "end_half": r.end_half, "days": r.days, "reason": r.reason,
            "status": r.status, "status_label": STATUS_LABELS.get(r.status, r.status),
            "instance_id": r.instance_id, "warnings": r.warnings or [],
            "original_end": r.original_end_date, "original_end_half": r.original_end_half,
            "original_days": r.original_days, "reported_back_at": r.reported_back_at,
            "attachment_required": needs_attachment, "attachments": attachments or [],
            "backdated": bool(r.backdated),
            "created_at": r.created_at, "updated_at": r.updated_at}


async def _overlap(staff_id, start, start_half, end, end_half, exclude_id=None):
    rows = await fetch_all(LeaveRequest.select().where(
        LeaveRequest.staff == staff_id, LeaveRequest.status.in_(ACTIVE),
        LeaveRequest.start_date <= end, LeaveRequest.end_date >= start))
    a, b = slot(start, start_half), slot(end, end_half)
    for r in rows:
        if r.id != exclude_id and slot(r.start_date, r.start_half) <= b and a <= slot(r.end_date, r.end_half):
            return r
    return None


async def submit_leave(*, env, actor, type_code, start, start_half, end, end_half, reason, now=None):
    actor.require("leave.apply")
    staff = actor.staff
    today = request_day(now) if now else local_today()
    ltype = await get_type(actor.unit_id, type_code)
    days, warnings, _ = await cost(ltype, actor.unit_id, start, start_half, end, end_half)
    _require_days(days, ltype)
    backdated = await _backdate_check(actor.unit_id, start, today)
    async with atomic():
        # One person's submissions queue here, so two overlapping requests cannot both pass.
        await get_one(for_update(Staff.select().where(Staff.id == staff.id)))
        clash = await _overlap(staff.id, start, start_half, end, end_half)
        if clash:
            raise Conflict(f"与已有请假（{clash.start_date} 至 {clash.end_date}）时间重叠",
                           code="LEAVE_OVERLAP", fields={"conflict_id": str(clash.id)})
        req = await LeaveRequest.acreate(
            staff=staff.id, unit=actor.unit_id, department=staff.department_id, leave_type=ltype.id,
            type_code=ltype.code, year=start.year, start_date=start, start_half=start_half,
            end_date=end, end_half=end_half, days=days, reason=reason, warnings=warnings or None,
            backdated=backdated)
        await _reserve(req, ltype, staff, days, today=today)
        after = {"type": ltype.code, "start": start, "start_half": start_half, "end": end,
                 "end_half": end_half, "days": days, "reason": reason, "backdated": backdated}
        await audit.record(actor=actor, action="leave.submit", target_type="leave_request",
                           target_id=req.id, after=after)
        inst = await approvals.submit(
            env=env, actor=actor, kind="leave", subject_id=req.id, unit_id=actor.unit_id,
            applicant_id=staff.id, summary=_summary(ltype, start, end, days, backdated),
            context=_context(ltype, start, end, days, backdated))
        await LeaveRequest.update(instance_id=inst["id"]).where(LeaveRequest.id == req.id).aexecute()
    return await get_request(actor=actor, request_id=req.id)


def _summary(ltype, start, end, days, backdated=False):
    return f"{'【补请假】' if backdated else ''}{ltype.name} {start} 至 {end}，共 {days:g} 天"


def _context(ltype, start, end, days, backdated=False):
    """What the approval flow's conditions see (backdated: 补请假, a flow may route it)."""
    return {"days": days, "leave_type": ltype.code, "count_mode": ltype.count_mode,
            "start": start.isoformat(), "end": end.isoformat(), "backdated": backdated}


async def resubmit_leave(*, env, actor, request_id, type_code=None, start=None, start_half=None,
                         end=None, end_half=None, reason=None, now=None):
    """退回修改 → resubmit with changes: omitted fields keep their value. Days are recounted,
    overlap and balance checked again, the reservation moved (old released, new reserved) and the
    approval re-routed on the new context, all in one transaction."""
    req = await visible_request(actor, request_id)
    if req.staff_id != actor.id:
        raise Forbidden("只有申请人可以重新提交", code="APPROVAL_NOT_APPLICANT")
    if req.status != "returned" or not req.instance_id:
        raise Conflict("只有被退回的申请可以修改后重新提交", code="APPROVAL_NOT_RETURNED")
    staff = actor.staff
    if type_code in (None, "", req.type_code):
        ltype = await LeaveType.aget(LeaveType.id == req.leave_type_id)
    else:
        ltype = await get_type(req.unit_id, type_code)
    start = start or req.start_date
    start_half = start_half or req.start_half
    end = end or req.end_date
    end_half = end_half or req.end_half
    reason = req.reason if reason is None else reason
    days, warnings, _ = await cost(ltype, req.unit_id, start, start_half, end, end_half)
    _require_days(days, ltype)
    today = request_day(now) if now else local_today()
    # The same start keeps its mark; a new start is judged against today (and the unit's limit).
    backdated = (await _backdate_check(req.unit_id, start, today) if start != req.start_date
                 else bool(req.backdated))
    async with atomic():
        await get_one(for_update(Staff.select().where(Staff.id == staff.id)))
        old = await get_one(for_update(LeaveRequest.select().where(LeaveRequest.id == req.id)))
        if old.status != "returned":
            raise Conflict("该申请已被处理，请刷新后查看", code="APPROVAL_NOT_RETURNED")
        clash = await _overlap(staff.id, start, start_half, end, end_half, exclude_id=old.id)
        if clash:
            raise Conflict(f"与已有请假（{clash.start_date} 至 {clash.end_date}）时间重叠",
                           code="LEAVE_OVERLAP", fields={"conflict_id": str(clash.id)})
        before = {"type": old.type_code, "start": old.start_date, "start_half": old.start_half,
                  "end": old.end_date, "end_half": old.end_half, "days": old.days, "reason": old.reason}
        await _settle(old, "released")
        await LeaveRequest.update(
            leave_type=ltype.id, type_code=ltype.code, year=start.year, start_date=start,
            start_half=start_half, end_date=end, end_half=end_half, days=days, reason=reason,
            warnings=warnings or None, backdated=backdated,
            updated_at=utcnow()).where(LeaveRequest.id == old.id).aexecute()
        new = await LeaveRequest.aget(LeaveRequest.id == old.id)
        await _reserve(new, ltype, staff, days, today=today)
        after = {"type": ltype.code, "start": start, "start_half": start_half, "end": end,
                 "end_half": end_half, "days": days, "reason": reason}
        await audit.record(actor=actor, action="leave.resubmit", target_type="leave_request",
                           target_id=old.id, before=before, after=after, unit_id=old.unit_id)
        await approvals.resubmit(env=env, actor=actor, instance_id=old.instance_id,
                                 context=_context(ltype, start, end, days, backdated),
                                 summary=_summary(ltype, start, end, days, backdated))
    return await get_request(actor=actor, request_id=req.id)


async def _reserve(req, ltype, staff, days, today=None):
    if not ltype.balance_tracked:
        return
    if ltype.quota_rule == "lieu":
        await overtime.reserve_lieu(req, days)
        return
    b = await ensure_balance(staff, ltype, req.year, lock=True, today=today)
    if _remaining(b) < days:
        raise Invalid(f"{ltype.name}余额不足（剩余 {_remaining(b):g} 天，本次需 {days:g} 天）",
                      code="LEAVE_BALANCE_INSUFFICIENT", fields={"days": f"剩余 {_remaining(b):g} 天"})
    await LeaveBalance.update(pending=LeaveBalance.pending + days, updated_at=utcnow()).where(
        LeaveBalance.id == b.id).aexecute()


async def _settle(req, outcome, days=None):
    """outcome: used (approved) / released (rejected, withdrawn) / give_back (report-back)."""
    ltype = await LeaveType.aget(LeaveType.id == req.leave_type_id)
    if not ltype.balance_tracked:
        return
    days = req.days if days is None else days
    if ltype.quota_rule == "lieu":
        if outcome == "give_back":
            await overtime.give_back_lieu(req, days)
        else:
            await overtime.settle_lieu(req, outcome)
        return
    where = ((LeaveBalance.staff == req.staff_id) & (LeaveBalance.year == req.year)
             & (LeaveBalance.type_code == req.type_code))
    if outcome == "used":
        fields = {"pending": LeaveBalance.pending - days, "used": LeaveBalance.used + days}
    elif outcome == "released":
        fields = {"pending": LeaveBalance.pending - days}
    else:
        fields = {"used": LeaveBalance.used - days}
    await LeaveBalance.update(**fields, updated_at=utcnow()).where(where).aexecute()


async def _can_view(actor, req):
    if req.staff_id == actor.id:
        return True
    if actor.has("leave.view"):
        staff = await Staff.aget(Staff.id == req.staff_id)
        if (await actor.reach("leave.view")).covers_staff(staff.id, await staff_dept_ids(staff), staff.unit_id):
            return True
    if req.instance_id:
        try:
            await approvals.get_instance(actor=actor, instance_id=req.instance_id)
            return True
        except NotFound:
            return False
    return False


async def visible_request(actor, request_id):
    req = await LeaveRequest.aget_or_none(LeaveRequest.id == request_id)
    if req is None or not await _can_view(actor, req):
        raise NotFound("请假申请不存在", code="LEAVE_NOT_FOUND")
    return req


async def _out(req):
    ltype = await LeaveType.aget(LeaveType.id == req.leave_type_id)
    staff = await Staff.aget(Staff.id == req.staff_id)
    return request_out(req, names={staff.id: staff.name}, type_name=ltype.name,
                       attachments=await attachments.list_for("leave_request", req.id),
                       needs_attachment=_needs_attachment(ltype, req.original_days or req.days))


async def get_request(*, actor, request_id):
    return await _out(await visible_request(actor, request_id))


async def _reach_filter(reach):
    """`reach.staff_filter(Staff)`, the same people, without a long IN list when the reach covers
    whole units: the departments of those units and the concurrent posts in them become
    subqueries on the unit (a 200-department unit was a 406-parameter IN); only departments
    outside those units stay listed."""
    if reach.everything or not reach.unit_ids:
        return reach.staff_filter(Staff)
    units = list(reach.unit_ids)
    in_units = Department.select(Department.id).where(Department.unit.in_(units))
    expr = Staff.unit.in_(units) | Staff.department.in_(in_units) | Staff.id.in_(
        StaffPost.select(StaffPost.staff).where(StaffPost.department.in_(in_units),
                                                StaffPost.active == True))  # noqa: E712
    extra = set(reach.dept_ids)
    if extra:
        extra -= {d.id for d in await fetch_all(in_units)}
    if extra:
        expr = expr | Staff.department.in_(sorted(extra)) | Staff.id.in_(
            StaffPost.select(StaffPost.staff).where(StaffPost.department.in_(sorted(extra)),
                                                    StaffPost.active == True))  # noqa: E712
    if reach.self_id:
        expr = expr | (Staff.id == reach.self_id)
    return expr


# Totals of the scoped list, per process: {(reach, filters): (stamp, total)}. A total is reused
# only while the stamp is unchanged, and stored only when the newest change it reflects is more
# than TOTAL_QUIET_SECONDS old (a write in the same second would not move the stamp).
#
# Every way a request leaves (or enters) a counted set moves the stamp: a new request (max id); a
# status, year or date change, withdraw, reject, report-back/cancel (updated_at, set by every write
# here); a person moving unit or department, or leaving with their department (staff.updated_at);
# a concurrent post added or ended (max id, active count); a deleted request, which moves no max
# (the table's row count). The reach itself is part of the key: grants, and the tree (a department
# moving to another unit changes the unit's dept_ids, even with only post holders in it).
_TOTALS = collections.OrderedDict()
TOTALS_MAX = 1024
TOTAL_QUIET_SECONDS = 3
TOTAL_TTL_SECONDS = 600


def _row_count_expr():
    """The leave_request table's row count, read in O(1). MariaDB/InnoDB: information_schema's
    TABLE_ROWS, the in-memory count every INSERT and DELETE moves (an estimate after a statistics
    update, which only causes a recount); COUNT(*) would scan an index: 25-60 ms at 100,000 rows on
    the shared machine, more than the recount it saves. SQLite: COUNT(*), a few ms at that size."""
    if isinstance(real_db(), pw.MySQLDatabase):
        return pw.SQL("(SELECT TABLE_ROWS FROM information_schema.TABLES "
                      "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s)", [LeaveRequest._meta.table_name])
    return LeaveRequest.select(fn.COUNT(pw.SQL("*")))


async def _data_stamp():
    """What a scoped total depends on, read in one statement from indexes and the table statistics:
    the newest leave request and change, the newest staff change (moves set updated_at), the
    concurrent posts, and the leave table's row count (deletes)."""
    row = await get_one(LeaveRequest.select(
        fn.MAX(LeaveRequest.id), fn.MAX(LeaveRequest.updated_at),
        Staff.select(fn.MAX(Staff.updated_at)),
        StaffPost.select(fn.MAX(StaffPost.id)),
        StaffPost.select(fn.COUNT(StaffPost.id)).where(StaffPost.active == True),  # noqa: E712
        _row_count_expr(),
    ).tuples())
    return tuple(str(v) for v in row)


def _stamp_quiet(stamp):
    newest = None
    for v in stamp[1:3]:
        if v and v != "None":
            t = datetime.datetime.fromisoformat(v[:19])
            newest = t if newest is None or t > newest else newest
    return newest is None or (utcnow() - newest).total_seconds() > TOTAL_QUIET_SECONDS


async def _scoped_total(key, query):
    stamp = await _data_stamp()   # read before counting: a commit in between only causes a recount
    hit = _TOTALS.get(key)
    now = time.monotonic()
    if hit and hit[0] == stamp and now - hit[2] < TOTAL_TTL_SECONDS:
        _TOTALS.move_to_end(key)
        return hit[1]
    total = await count(query)
    if _stamp_quiet(stamp):
        _TOTALS[key] = (stamp, total, now)
        while len(_TOTALS) > TOTALS_MAX:
            _TOTALS.popitem(last=False)
    return total


async def list_requests(*, actor, mine=True, staff_id=None, status=None, year=None, page=1, page_size=20):
    """Mine, or everyone's in the caller's leave.view reach, newest start first. The order and the
    filters follow the (status, year, start_date, id, staff) indexes of m0020; the scoped total
    is cached under a freshness stamp (no recount of unchanged totals, issue 16)."""
    reach = None if mine else await actor.require_reach("leave.view")
    # A reach of whole units matches most requests: walk the leave index in list order and check
    # each request's person by primary key (MariaDB otherwise starts from staff and sorts or
    # reads every request of every person: 170 ms instead of 18 for the count at 100,000).
    join = ("STRAIGHT_JOIN" if reach is not None and (reach.everything or reach.unit_ids)
            and isinstance(real_db(), pw.MySQLDatabase) else pw.JOIN.INNER)
    query = LeaveRequest.select(LeaveRequest.id).join(Staff, join, on=(LeaveRequest.staff == Staff.id))
    key = None
    if mine:
        query = query.where(LeaveRequest.staff == actor.id)
    else:
        query = query.where(await _reach_filter(reach))
        if staff_id:
            query = query.where(LeaveRequest.staff == staff_id)
        key = (reach.everything, reach.unit_ids, reach.dept_ids, reach.self_id, staff_id, status, year)
    if status:
        query = query.where(LeaveRequest.status == status)
    if year:
        query = query.where(LeaveRequest.year == year)
    total = await count(query) if key is None else await _scoped_total(key, query)
    # Only ids come from the index walk (an OFFSET over index entries, not over whole rows: 2 ms
    # instead of up to 50 for page 50 at 100,000); then the page's rows by primary key.
    ids = [r.id for r in await fetch_all(query.order_by(LeaveRequest.start_date.desc(), LeaveRequest.id.desc())
                                         .paginate(page, page_size))]
    by_id = {r.id: r for r in await fetch_all(LeaveRequest.select().where(LeaveRequest.id.in_(ids or [0])))}
    rows = [by_id[i] for i in ids if i in by_id]
    names = {s.id: s.name for s in await fetch_all(Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_([r.staff_id for r in rows] or [0])))}
    types = {t.id: t for t in await fetch_all(LeaveType.select().where(
        LeaveType.id.in_([r.leave_type_id for r in rows] or [0])))}
    return [request_out(r, names=names, type_name=types[r.leave_type_id].name,
                        needs_attachment=_needs_attachment(types[r.leave_type_id], r.days))
            for r in rows], total


# -- approval hooks (inside the engine's transaction) -----------------------------------------

async def _request_of(instance):
    return await LeaveRequest.aget(LeaveRequest.id == instance["subject_id"])


async def _set(req, status):
    await LeaveRequest.update(status=status, updated_at=utcnow()).where(LeaveRequest.id == req.id).aexecute()


async def _on_approved(*, instance, actor):
    req = await _request_of(instance)
    await _set(req, "approved")
    await _settle(req, "used")
    if req.type_code in ("personal", "sick", "annual"):  # Art. 4 may now cancel annual leave
        staff = await Staff.aget(Staff.id == req.staff_id)
        annual = (await effective_types(req.unit_id)).get("annual")
        if annual:
            await ensure_balance(staff, annual, req.year)
            if await LeaveBalance.aget_or_none(LeaveBalance.staff == staff.id, LeaveBalance.year == req.year + 1,
                                               LeaveBalance.type_code == annual.code):
                await ensure_balance(staff, annual, req.year + 1)
    await events.publish("leave.changed", staff_id=req.staff_id, start=req.start_date, end=req.end_date)


async def _on_rejected(*, instance, actor):
    req = await _request_of(instance)
    await _set(req, "rejected")
    await _settle(req, "released")


async def _on_withdrawn(*, instance, actor):
    req = await _request_of(instance)
    await _set(req, "withdrawn")
    await _settle(req, "released")
    await events.publish("leave.changed", staff_id=req.staff_id, start=req.start_date, end=req.end_date)


async def _on_returned(*, instance, actor):
    await _set(await _request_of(instance), "returned")


async def _on_resubmitted(*, instance, actor):
    await _set(await _request_of(instance), "pending")


async def _guard_final_approve(*, instance, actor):
    """The last approval of a request whose type wants a proof above N days needs one uploaded."""
    req = await _request_of(instance)
    ltype = await LeaveType.aget(LeaveType.id == req.leave_type_id)
    if _needs_attachment(ltype, req.days) and not await exists(Attachment.select().where(
            Attachment.owner_type == "leave_request", Attachment.owner_id == req.id)):
        raise Conflict("该请假需上传证明材料后才能审批通过", code="LEAVE_ATTACHMENT_REQUIRED")


async def _describe(*, instance):
    """What an approver sees: the request, the applicant's balance for its type, and who else in
    the applicant's department is away at the same time (only participants reach this)."""
    req = await LeaveRequest.aget_or_none(LeaveRequest.id == instance["subject_id"])
    if req is None:
        return None
    out = await _out(req)
    ltype = await LeaveType.aget(LeaveType.id == req.leave_type_id)
    staff = await Staff.aget(Staff.id == req.staff_id)
    balance = await _balance_for(staff, ltype, req.start_date)
    out["applicant_balance"] = ({"type_name": ltype.name, "remaining": balance["remaining"]}
                                if balance else None)
    others = await fetch_all(
        LeaveRequest.select(LeaveRequest, Staff.name.alias("staff_name"))
        .join(Staff, on=(LeaveRequest.staff == Staff.id))
        .where(LeaveRequest.department == req.department_id, LeaveRequest.staff != req.staff_id,
               LeaveRequest.status.in_(("pending", "approved")),
               LeaveRequest.start_date <= req.end_date, LeaveRequest.end_date >= req.start_date)
        .order_by(LeaveRequest.start_date).objects())
    type_names = {t.id: t.name for t in await fetch_all(
        LeaveType.select().where(LeaveType.id.in_({o.leave_type_id for o in others} or {0})))}
    out["department_overlaps"] = [{
        "id": o.id, "staff": {"id": o.staff_id, "name": o.staff_name},
        "type_name": type_names.get(o.leave_type_id, o.type_code), "start": o.start_date,
        "start_half": o.start_half, "end": o.end_date, "end_half": o.end_half,
        "status": o.status, "status_label": STATUS_LABELS.get(o.status, o.status)} for o in others]
    return out


approvals.register_kind("leave", title="请假", on_approved=_on_approved, on_rejected=_on_rejected,
                        on_withdrawn=_on_withdrawn, on_returned=_on_returned,
                        on_resubmitted=_on_resubmitted, describe=_describe, view_permission="leave.view",
                        guard_final_approve=_guard_final_approve)


# -- report-back (销假) -----------------------------------------------------------------------

async def report_back(*, env, actor, request_id, date, half):
    """The person is back at work from (date, half): the leave now ends just before it."""
    req = await visible_request(actor, request_id)
    if req.staff_id != actor.id:
        await get_staff_in_reach(actor, "leave.manage", req.staff_id)
    if half not in ("am", "pm"):
        raise Invalid("half 应为 am 或 pm", code="VALIDATION_FAILED", fields={"half": "am 或 pm"})
    new_end, new_half = (date - datetime.timedelta(days=1), "pm") if half == "am" else (date, "am")
    if slot(new_end, new_half) >= slot(req.end_date, req.end_half):
        raise Invalid("销假时间应早于假期结束时间", code="LEAVE_REPORT_BACK_INVALID",
                      fields={"date": "应早于假期结束"})
    async with atomic():
        req = await get_one(for_update(LeaveRequest.select().where(LeaveRequest.id == req.id)))
        if req.status != "approved":
            raise Conflict("只有已批准的请假可以销假", code="LEAVE_NOT_APPROVED")
        ltype = await LeaveType.aget(LeaveType.id == req.leave_type_id)
        if slot(new_end, new_half) < slot(req.start_date, req.start_half):
            new_days, status = 0.0, "cancelled"
        else:
            new_days, _, _ = await cost(ltype, req.unit_id, req.start_date, req.start_half, new_end, new_half)
            status = "approved"
        back = round(req.days - new_days, 4)
        before = {"end": req.end_date, "end_half": req.end_half, "days": req.days, "status": req.status}
        await LeaveRequest.update(
            end_date=new_end if status == "approved" else req.start_date,
            end_half=new_half if status == "approved" else req.start_half,
            days=new_days, status=status, reported_back_at=utcnow(), updated_at=utcnow(),
            original_end_date=req.original_end_date or req.end_date,
            original_end_half=req.original_end_half or req.end_half,
            original_days=req.original_days if req.original_days is not None else req.days,
        ).where(LeaveRequest.id == req.id).aexecute()
        if back > 0:
            await _settle(req, "give_back", back)
        await audit.record(actor=actor, action="leave.report_back", target_type="leave_request",
                           target_id=req.id, before=before,
                           after={"end": new_end, "end_half": new_half, "days": new_days,
                                  "returned_days": back, "status": status}, unit_id=req.unit_id)
        await events.publish("leave.changed", staff_id=req.staff_id, start=req.start_date, end=req.end_date)
    return await get_request(actor=actor, request_id=req.id)


# -- balances ---------------------------------------------------------------------------------

async def balances(*, actor, year, staff_id=None, now=None):
    if staff_id and staff_id != actor.id:
        staff = await get_staff_in_reach(actor, "leave.view", staff_id)
    else:
        staff = actor.staff
    types = await effective_types(staff.unit_id)
    out = []
    for t in types.values():
        if not t.balance_tracked:
            continue
        if t.quota_rule == "lieu":
            lieu = await overtime.lieu_balance(staff.id, datetime.date(year, 1, 1))
            out.append({"id": None, "staff_id": staff.id, "year": year, "type_name": t.name, "note": "",
                        **lieu})
            continue
        async with atomic():
            b = await ensure_balance(staff, t, year, today=request_day(now) if now else None)
        out.append(balance_out(b, t.name))
    return out


async def adjust_balance(*, actor, balance_id, delta, reason):
    b = await LeaveBalance.aget_or_none(LeaveBalance.id == balance_id)
    if b is None:
        raise NotFound("余额记录不存在", code="LEAVE_BALANCE_NOT_FOUND")
    try:
        staff = await get_staff_in_reach(actor, "leave.manage", b.staff_id)
    except NotFound:
        raise NotFound("余额记录不存在", code="LEAVE_BALANCE_NOT_FOUND") from None
    refuse_own(actor, b.staff_id, "调整本人假期余额")
    if delta == 0 or abs(delta) > 365 or delta * 2 != int(delta * 2):
        raise Invalid("调整天数应为非零的半天整数倍", code="LEAVE_ADJUST_INVALID", fields={"delta": "如 1、-0.5"})
    async with atomic():
        b = await get_one(for_update(LeaveBalance.select().where(LeaveBalance.id == b.id)))
        if _remaining(b) + delta < 0:
            raise Invalid("调整后余额不能为负", code="LEAVE_ADJUST_INVALID", fields={"delta": "调整后余额为负"})
        before = balance_out(b)
        await LeaveBalance.update(adjusted=LeaveBalance.adjusted + delta, updated_at=utcnow()).where(
            LeaveBalance.id == b.id).aexecute()
        await LeaveBalanceAdjustment.acreate(balance=b.id, delta=delta, reason=reason, actor=actor.id)
        b = await LeaveBalance.aget(LeaveBalance.id == b.id)
        await audit.record(actor=actor, action="leave.balance.adjust", target_type="leave_balance",
                           target_id=b.id, before=before, after={**balance_out(b), "delta": delta,
                                                                 "reason": reason},
                           unit_id=staff.unit_id)
    return balance_out(b)


# -- for attendance ---------------------------------------------------------------------------

async def approved_leave_days(staff_ids, start, end):
    """{(staff_id, date): {"type", "name", "half": "am"|"pm"|"full", "trip"}} for approved leave.
    Every calendar day inside a leave is listed (attendance applies its own calendar); `trip` is
    the type's is_trip flag (出差/外出 days are worked, not absent)."""
    if not staff_ids:
        return {}
    rows = await fetch_all(LeaveRequest.select(LeaveRequest, LeaveType).join(LeaveType).where(
        LeaveRequest.staff.in_(list(staff_ids)), LeaveRequest.status == "approved",
        LeaveRequest.start_date <= end, LeaveRequest.end_date >= start))
    out = {}
    for r in rows:
        day = max(r.start_date, start)
        while day <= min(r.end_date, end):
            half = "full"
            first, last = day == r.start_date, day == r.end_date
            if first and last and r.start_half == r.end_half:
                half = r.start_half
            elif first and r.start_half == "pm":
                half = "pm"
            elif last and r.end_half == "am":
                half = "am"
            out[(r.staff_id, day)] = {"type": r.type_code, "name": r.leave_type.name, "half": half,
                                      "trip": bool(r.leave_type.is_trip)}
            day += datetime.timedelta(days=1)
    return out


# -- report -----------------------------------------------------------------------------------

async def report(*, actor, year, month=None, department_id=None):
    """Approved leave by department, month and type (a request counts in its start month)."""
    reach = await actor.require_reach("leave.report")
    query = (LeaveRequest.select(LeaveRequest, LeaveType).join(LeaveType)
             .switch(LeaveRequest).join(Staff, on=(LeaveRequest.staff == Staff.id))
             .where(reach.staff_filter(Staff), LeaveRequest.year == year,
                    LeaveRequest.status == "approved"))
    if month:
        first = datetime.date(year, month, 1)
        nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
        query = query.where(LeaveRequest.start_date >= first, LeaveRequest.start_date < nxt)
    if department_id:
        dept = await Department.aget_or_none(Department.id == department_id)
        if dept is None or not reach.covers_department(dept.id, dept.unit_id):
            raise NotFound("部门不存在或不在您的管理范围内", code="DEPARTMENT_NOT_FOUND")
        sub = Department.select(Department.id).where(Department.path.startswith(dept.path))
        query = query.where(LeaveRequest.department.in_(sub))
    rows = await fetch_all(query)
    dept_names = {d.id: d.name for d in await fetch_all(Department.select(Department.id, Department.name).where(
        Department.id.in_([r.department_id for r in rows if r.department_id] or [0])))}
    agg = {}
    for r in rows:
        key = (r.department_id, r.start_date.month, r.type_code)
        item = agg.setdefault(key, {"department_id": r.department_id,
                                    "department_name": dept_names.get(r.department_id, ""),
                                    "year": year, "month": r.start_date.month, "type": r.type_code,
                                    "type_name": r.leave_type.name, "requests": 0, "people": set(),
                                    "days": 0.0})
        item["requests"] += 1
        item["people"].add(r.staff_id)
        item["days"] += r.days
    out = []
    for key in sorted(agg, key=lambda k: (agg[k]["department_name"], k[1], k[2])):
        item = agg[key]
        item["people"] = len(item["people"])
        out.append(item)
    return out


REPORT_COLUMNS = [("department_name", "部门"), ("month", "月份"), ("type_name", "假期类型"),
                  ("requests", "人次"), ("people", "人数"), ("days", "天数")]


async def export_report(*, actor, year, month=None, department_id=None, format):
    """The report as a file. Returns (content bytes, filename, content type)."""
    if format not in ("csv", "xlsx"):
        raise Invalid("格式应为 csv 或 xlsx", code="VALIDATION_FAILED", fields={"format": "应为 csv 或 xlsx"})
    rows = await report(actor=actor, year=year, month=month, department_id=department_id)
    if format == "csv":
        content = exports.to_csv(rows, REPORT_COLUMNS)
    else:
        content = await exports.to_xlsx(rows, REPORT_COLUMNS, "请假统计")
    name = f"请假统计-{year}{'-%02d' % month if month else ''}.{format}"
    return content, name, exports.content_type(format)


# -- attachments (a sick note): who may see and who may add one ---------------------------------

async def _attachment_view(actor, request_id):
    await visible_request(actor, request_id)


async def _attachment_attach(actor, request_id):
    """The applicant, or someone managing leave over them; not once the request has ended."""
    req = await visible_request(actor, request_id)
    if req.staff_id != actor.id:
        await get_staff_in_reach(actor, "leave.manage", req.staff_id)
    if req.status in ("rejected", "withdrawn", "cancelled"):
        raise Conflict("该申请已结束，不能再上传附件", code="ATTACHMENT_CLOSED")
    return req.unit_id


attachments.register_owner("leave_request", can_view=_attachment_view, can_attach=_attachment_attach,
                           audit_action="leave.attachment.upload",
                           limit_message=f"每个申请最多 {attachments.MAX_PER_OWNER} 个附件")
