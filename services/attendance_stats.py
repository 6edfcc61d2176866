"""Judging days (判定) and the numbers built on them: day statuses, my month, the board, reports.

A day's status is computed from the person's punches, their schedule, the one holiday calendar
(services/calendar.py) and approved leave (services/leave.py). Past days are stored in the
day_status table (computed on first need, recomputed on leave/make-up events or by HR); today
is judged live and never stored, because it is not over.

A day is judged in the unit and department the person belonged to that day (`placement`: before
a transfer's effective date, where they came from), from the latest of their hire date and that
unit's going-live date (rule start_date), until the day before the effective date of leaving (a
retirement effective 12-01 leaves 11-30 as the last judged day). Other days are stored as status
"inactive" (not on staff) and never counted. One day's rule (`judge`) is
services/attendance_judge.py; the monthly report, services/attendance_report.py; judging ahead of
time, services/attendance_days.py.
"""
import asyncio
import collections
import datetime
from zoneinfo import ZoneInfo

import peewee as pw

from models.attendance import DayStatus, Punch
from models.base import atomic, fetch_all
from models.org import Department, Staff, StaffTransfer
from server.errors import Invalid
from services import attendance_rules as rules
from services.attendance_judge import (DEFAULT_SCHEDULE, NOON_SPLIT, STATUS_LABELS,  # noqa: F401
                                       judge)
from services.calendar import day_infos

SHANGHAI = ZoneInfo("Asia/Shanghai")
LEAVING = ("retire", "leave")


def local(dt_utc):
    return dt_utc.replace(tzinfo=datetime.timezone.utc).astimezone(SHANGHAI).replace(tzinfo=None)


def local_today(now_utc):
    return local(now_utc).date()


def day_bounds_utc(start, end):
    """UTC naive datetimes covering local days start..end inclusive."""
    a = datetime.datetime.combine(start, datetime.time()).replace(tzinfo=SHANGHAI)
    b = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time()).replace(tzinfo=SHANGHAI)
    utc = datetime.timezone.utc
    return a.astimezone(utc).replace(tzinfo=None), b.astimezone(utc).replace(tzinfo=None)


async def leave_days(staff_ids, start, end):
    """Approved leave per (staff_id, day) from services/leave.py, once it exists."""
    try:
        from services import leave
    except ImportError:
        return {}
    fn = getattr(leave, "approved_leave_days", None)
    if fn is None:
        return {}
    result = fn(staff_ids, start, end)
    if hasattr(result, "__await__"):
        result = await result
    return result or {}


async def transfers_of(ids):
    """{staff_id: [moves between departments or units, by effective date]} (kind transfer)."""
    moves = collections.defaultdict(list)
    for t in await fetch_all(StaffTransfer.select(
            StaffTransfer.staff, StaffTransfer.kind, StaffTransfer.from_unit, StaffTransfer.to_unit,
            StaffTransfer.from_department, StaffTransfer.effective_date)
            .where(StaffTransfer.staff.in_(list(ids) or [0]))
            .order_by(StaffTransfer.effective_date, StaffTransfer.id)):
        moves[t.staff_id].append(t)
    return moves


def placement(staff, moves, day):
    """(unit_id, department_id) the person belonged to on `day`: the staff row holds only the
    current place, recorded at once even for a future-dated transfer, so a day before a transfer's
    effective date belongs to where they came from (issue 14: the old unit's report keeps them
    until the transfer, the new one has them from its date)."""
    for t in moves:
        if t.kind == "transfer" and t.effective_date > day:
            return t.from_unit_id, t.from_department_id
    return staff.unit_id, staff.department_id


async def windows(staff_rows, moves=None):
    """{staff_id: (hire date or None, first day no longer judged (leaving) or None)}; the
    unit's going-live date applies per day (a transferred person's days may lie in two units)."""
    moves = moves if moves is not None else await transfers_of([s.id for s in staff_rows])
    out = {}
    for s in staff_rows:
        end = None
        for t in moves[s.id]:
            if t.kind in LEAVING:
                end = t.effective_date if end is None else min(end, t.effective_date)
        out[s.id] = (getattr(s, "hire_date", None), end)
    return out


def _days(start, end):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def _inactive(info):
    return {"day_kind": info.kind, "status": "inactive", "late_minutes": 0, "early_minutes": 0,
            "late_count": 0, "early_count": 0, "missing_count": 0, "field_count": 0,
            "leave_type": "", "leave_name": "", "leave_half": "", "worked_days": 0.0}


async def compute_days(staff_rows, start, end, *, now_utc, store=True, tolerant=False):
    """Judge every (person, day) from start..end; past days are upserted into day_status.
    Returns {(staff_id, day): dict}. tolerant: a reader racing another reader to store the
    same days keeps its computed answer instead of failing (the stored rows are derived)."""
    today = local_today(now_utc)
    if not staff_rows or end < start:
        return {}
    ids = [s.id for s in staff_rows]
    lo, hi = day_bounds_utc(start, end)
    punches = {}
    for staff_id, at, kind in await fetch_all(Punch.select(Punch.staff, Punch.at, Punch.kind).where(
            Punch.staff.in_(ids), Punch.at >= lo, Punch.at < hi,
            Punch.review_status != "rejected").order_by(Punch.at).tuples()):
        lt = local(at)
        punches.setdefault((staff_id, lt.date()), []).append((lt.hour * 60 + lt.minute, kind))
    leaves = await leave_days(ids, start, end)
    moves = await transfers_of(ids)
    dept_ids = {s.department_id for s in staff_rows if s.department_id}
    dept_ids |= {t.from_department_id for ms in moves.values() for t in ms if t.from_department_id}
    depts = {d.id: d for d in await fetch_all(Department.select(Department.id, Department.path).where(
        Department.id.in_(list(dept_ids) or [0])))}
    chains = {k: list(reversed([int(x) for x in d.path.strip("/").split("/") if x]))
              for k, d in depts.items()}
    calendars, configs, results, rows = {}, {}, {}, []
    spans = await windows(staff_rows, moves)
    until_now = local(now_utc)
    for n, s in enumerate(staff_rows):
        if n % 10 == 9:
            await asyncio.sleep(0)   # a large batch shares the event loop with requests
        first, gone = spans[s.id]
        for day in _days(start, min(end, today)):
            unit_id, dept_id = placement(s, moves[s.id], day)
            if unit_id is None:           # came from outside the system: not on staff here
                unit_id, dept_id, outside = s.unit_id, s.department_id, True
            else:
                outside = False
            if unit_id not in calendars:
                calendars[unit_id] = {i.day: i for i in (await day_infos(start, end, unit_id=unit_id))[0]}
                configs[unit_id] = await rules.unit_config(unit_id)
            info = calendars[unit_id][day]
            live = configs[unit_id].rule.get("start_date")
            plist = punches.get((s.id, day), [])
            sched = None
            if (outside or (first and day < first) or (live and day < live)
                    or (gone and day >= gone)):
                r = _inactive(info)
            else:
                sched = rules.pick_schedule(configs[unit_id].schedules, chains.get(dept_id, []), day)
                until = until_now.hour * 60 + until_now.minute if day == today else None
                r = judge(info, sched, sorted(m for m, _ in plist), leaves.get((s.id, day)),
                          until=until, field_count=sum(1 for _, k in plist if k == "field"))
            r["punches"] = len(plist)
            results[(s.id, day)] = r
            if store and day < today:
                rows.append({"staff": s.id, "unit": unit_id, "department": dept_id,
                             "day": day, "computed_at": now_utc,
                             **{k: v for k, v in r.items() if k != "punches"},
                             "detail": {"punches": len(plist),
                                        "schedule_id": getattr(sched, "id", None)}})
    if rows:
        try:
            await _store(rows, ids)
        except (pw.IntegrityError, pw.OperationalError):
            if not tolerant:
                raise
    return results


async def _store(rows, ids):
    async with atomic():
        days = [r["day"] for r in rows]
        await DayStatus.delete().where(DayStatus.staff.in_(ids),
                                       DayStatus.day.between(min(days), max(days))).aexecute()
        for i in range(0, len(rows), 500):
            await DayStatus.insert_many(rows[i:i + 500]).aexecute()


async def recompute(staff_ids, start, end, *, now_utc):
    staff = await fetch_all(Staff.select().where(Staff.id.in_(list(staff_ids) or [0])))
    res = await compute_days(staff, start, end, now_utc=now_utc)
    return len(res)


async def stored_or_computed(staff_rows, start, end, *, now_utc):
    """Day results for a range: stored rows where present, the rest computed (and stored)."""
    today = local_today(now_utc)
    ids = [s.id for s in staff_rows]
    have = {}
    for r in await fetch_all(DayStatus.select().where(DayStatus.staff.in_(ids or [0]),
                                                      DayStatus.day.between(start, end))):
        have[(r.staff_id, r.day)] = r
    past_days = max(0, (min(end, today - datetime.timedelta(days=1)) - start).days + 1)
    out = {}
    stored = collections.Counter(sid for sid, _d in have)
    missing_staff = [s for s in staff_rows if stored[s.id] < past_days]
    if missing_staff:
        out.update(await compute_days(missing_staff, start, min(end, today - datetime.timedelta(days=1)),
                                      now_utc=now_utc, tolerant=True))
    for key, r in have.items():
        if key not in out:
            out[key] = {k: getattr(r, k) for k in (
                "day_kind", "status", "late_minutes", "early_minutes", "late_count", "early_count",
                "missing_count", "field_count", "leave_type", "leave_name", "leave_half", "worked_days")}
            out[key]["punches"] = (r.detail or {}).get("punches", 0)
    if start <= today <= end:
        out.update(await compute_days(staff_rows, today, today, now_utc=now_utc, store=False))
    return out


def summarise(results, staff_ids):
    """Monthly totals per person from day results."""
    totals = {sid: {"workdays": 0, "days_worked": 0.0, "late_count": 0, "late_minutes": 0,
                    "early_count": 0, "early_minutes": 0, "missing_punches": 0, "absences": 0,
                    "leave_days": {}, "trip_days": 0.0, "field_punches": 0} for sid in staff_ids}
    for (sid, _day), r in results.items():
        t = totals.get(sid)
        if t is None or r["status"] in ("pending", "inactive"):
            continue
        if r["day_kind"] in ("workday", "makeup_workday"):
            t["workdays"] += 1
        t["days_worked"] += r["worked_days"]
        t["late_count"] += r["late_count"]
        t["late_minutes"] += r["late_minutes"]
        t["early_count"] += r["early_count"]
        t["early_minutes"] += r["early_minutes"]
        t["missing_punches"] += r["missing_count"]
        t["absences"] += 1 if r["status"] == "absent" else 0
        t["field_punches"] += r["field_count"]
        if r["leave_half"] and r["day_kind"] in ("workday", "makeup_workday"):
            amount = 1.0 if r["leave_half"] == "full" else 0.5
            if r["status"] == "trip":
                t["trip_days"] += amount
            else:
                name = r["leave_name"] or r["leave_type"]
                t["leave_days"][name] = t["leave_days"].get(name, 0) + amount
    return totals


def month_range(month):
    """"2026-11" -> (first day, last day)."""
    year, mon = (int(x) for x in month.split("-"))
    first = datetime.date(year, mon, 1)
    nxt = datetime.date(year + (mon == 12), mon % 12 + 1, 1)
    return first, nxt - datetime.timedelta(days=1)


# ---- the endpoints' services -----------------------------------------------------------------

async def _staff_in_reach(actor, perm, department_id, *, left_after=None):
    """Active people in reach; with left_after, also those who left on or after that day (a
    month's report keeps the people who worked in it)."""
    from services.access import get_department_in_reach

    reach = await actor.require_reach(perm)
    present = Staff.status == "active"
    if left_after is not None:
        leavers = StaffTransfer.select(StaffTransfer.staff).where(
            StaffTransfer.kind.in_(LEAVING), StaffTransfer.effective_date > left_after)
        present = present | Staff.id.in_(leavers)
    q = (Staff.select(Staff, Department).join(Department, on=(Staff.department == Department.id))
         .where(reach.staff_filter(Staff), present,
                Staff.is_service_account == False))  # noqa: E712
    if department_id:
        dept = await get_department_in_reach(actor, perm, department_id)
        sub = Department.select(Department.id).where(Department.path.startswith(dept.path))
        q = q.where(Staff.department.in_(sub))
    return await fetch_all(q.order_by(Staff.department, Staff.employee_no))


async def my_month(*, actor, month, now):
    start, end = month_range(month)
    staff = actor.staff
    infos, warnings = await day_infos(start, end, unit_id=staff.unit_id)
    results = await stored_or_computed([staff], start, end, now_utc=now)
    days = []
    for info in infos:
        r = results.get((staff.id, info.day))
        days.append({**info.to_json(), "status": r["status"] if r else None,
                     "status_label": STATUS_LABELS.get(r["status"], "") if r else "",
                     "result": r})
    return {"month": month, "days": days, "totals": summarise(results, [staff.id])[staff.id],
            "warnings": warnings}


async def board(*, actor, department_id, now):
    """Today's board: who is in, late, missing (not yet in), on leave / trip."""
    staff = await _staff_in_reach(actor, "attendance.view", department_id)
    day = local_today(now)
    results = await compute_days(staff, day, day, now_utc=now, store=False)
    groups = {"in": [], "late": [], "missing": [], "leave": [], "pending": [], "rest": []}
    total = 0
    for s in staff:
        r = results.get((s.id, day))
        if r is None or r["status"] == "inactive":
            continue   # not on staff today (not hired yet, left, or before going live)
        total += 1
        person = {"staff_id": s.id, "name": s.name, "employee_no": s.employee_no,
                  "department": s.department.name, "status": r["status"],
                  "late_minutes": r["late_minutes"], "punches": r["punches"],
                  "leave_name": r["leave_name"], "leave_half": r["leave_half"],
                  "missing_count": r["missing_count"]}
        if r["status"] in ("leave", "trip"):
            groups["leave"].append(person)
        elif r["status"] in ("rest", "holiday"):
            groups["rest"].append(person)
        elif r["punches"] == 0:
            # Nobody is "missing" before the first check is due; after it, not in yet.
            groups["pending" if r["status"] == "pending" else "missing"].append(person)
        else:
            # Came in: on time or late, all day long. A departure punch not made yet (after
            # hours) does not turn the person into 未到 (missing_count says so on the row).
            (groups["late"] if r["late_count"] else groups["in"]).append(person)
    return {"date": day, "total": total, "counts": {k: len(v) for k, v in groups.items()},
            **groups}


async def report(**kwargs):
    """The monthly report: services/attendance_report.py (sums in SQL over the stored days)."""
    from services import attendance_report

    return await attendance_report.report(**kwargs)


async def export_report(**kwargs):
    from services import attendance_report

    return await attendance_report.export_report(**kwargs)
