"""The monthly attendance report (月度考勤统计), summed in SQL over the stored day_status rows.

Two grouped queries (totals, and leave days by name) read only the columns they add up, grouped
by person, unit and department: a person transferred mid-month has their days before the
transfer in the old unit's report and from it in the new one's (the rows carry the unit and
department of their day, services/attendance_stats.placement). The days are judged ahead of time
(services/attendance_days); the report covers the month's days already over (today is on the
board, it is not over). A whole unit's XLSX is built by a background job (services/report_jobs).
The summed columns, the day rows' fingerprint, the department sums' Redis cache and the totals row
are in services/attendance_sums.
"""
import asyncio

import peewee as pw

from models.attendance import DayStatus
from models.base import count, fetch_all
from models.org import Department, Staff, StaffTransfer
from server.errors import Conflict, Invalid
from services import attendance_days as days
from services import attendance_stats as stats
from services import attendance_sums as sums
from services import exports, worker_process
from services.attendance_sums import NUMBERS, WORKDAYS

PERM = "attendance.report"
CHUNK = 500                # people per grouped query (a 2,000-row answer held the loop 40 ms)
SMALL_SCOPE = 500          # up to this many people: rows and sums from everyone's rows, today live
POPULATION_SLICE = 1000   # people per population query when listing everyone
YIELD_EVERY = 500         # rows handled between two yields to the event loop
SYNC_EXPORT_LIMIT = 2000   # more people than this: the export is a background job
REPORT_COLUMNS = [("employee_no", "工号"), ("name", "姓名"), ("department", "部门"),
                  ("workdays", "应出勤天数"), ("days_worked", "出勤天数"), ("late_count", "迟到次数"),
                  ("late_minutes", "迟到分钟"), ("early_count", "早退次数"), ("early_minutes", "早退分钟"),
                  ("missing_punches", "缺卡次数"), ("absences", "旷工天数"), ("leave", "请假"),
                  ("trip_days", "出差/外出天数"), ("field_punches", "外勤打卡")]


class Scope:
    """Whose days the report counts: the caller's reach, or one department's subtree in it."""

    def __init__(self, reach, subtree=None):
        self.reach, self.subtree = reach, subtree

    def staff_here(self):
        q = self.reach.staff_filter(Staff)
        if self.subtree is not None:
            q = q & Staff.department.in_(list(self.subtree))
        return q

    def moved_away(self, start):
        """People transferred out of the scope after the month began (their days before it)."""
        t = StaffTransfer
        if self.subtree is not None:
            where = t.from_department.in_(list(self.subtree))
        elif self.reach.everything:
            return None
        else:
            where = pw.SQL("1 = 0")
            if self.reach.dept_ids:
                where = where | t.from_department.in_(list(self.reach.dept_ids))
            if self.reach.unit_ids:
                where = where | t.from_unit.in_(list(self.reach.unit_ids))
        return t.select(t.staff).where(t.kind == "transfer", t.effective_date > start, where)

    def covers_sql(self, unit, dept):
        """covers() as an SQL expression over a unit and a department column."""
        if self.subtree is not None:
            return dept.in_(list(self.subtree))
        r = self.reach
        if r.everything:
            return pw.SQL("1 = 1")
        expr = pw.SQL("1 = 0")
        if r.unit_ids:
            expr = expr | unit.in_(list(r.unit_ids))
        if r.dept_ids:
            expr = expr | dept.in_(list(r.dept_ids))
        return expr

    def covers(self, unit_id, dept_id):
        if self.subtree is not None:
            return dept_id in self.subtree
        r = self.reach
        return r.everything or unit_id in (r.unit_ids or ()) or dept_id in (r.dept_ids or ())


async def scope_of(actor, department_id):
    reach = await actor.require_reach(PERM)
    if not department_id:
        return Scope(reach)
    from services.access import get_department_in_reach

    dept = await get_department_in_reach(actor, PERM, department_id)
    sub = await fetch_all(Department.select(Department.id)
                          .where(Department.path.startswith(dept.path)).tuples())
    return Scope(reach, {d for (d,) in sub})


def population_query(scope, start, q=None):
    """The people the month's report lists: active in scope, those who left on or after its first
    day, those who moved away since (optionally those whose name contains q)."""
    leavers = StaffTransfer.select(StaffTransfer.staff).where(
        StaffTransfer.kind.in_(stats.LEAVING), StaffTransfer.effective_date > start)
    present = (Staff.status == "active") | Staff.id.in_(leavers)
    where = scope.staff_here() & present
    moved = scope.moved_away(start)
    if moved is not None:
        where = where | Staff.id.in_(moved)
    where = (where) & (Staff.is_service_account == False)  # noqa: E712
    if q:
        where = where & Staff.name.contains(q)
    return where


async def population(scope, start, q=None, *, offset=None, limit=None):
    """(id, employee_no, name, unit_id, department_id), ordered by department then name; a page
    of them with offset/limit (LIMIT/OFFSET in SQL)."""
    query = (Staff.select(Staff.id, Staff.employee_no, Staff.name, Staff.unit, Staff.department)
             .where(population_query(scope, start, q))
             .order_by(Staff.department, Staff.name, Staff.id).tuples())
    if limit is not None:
        return await fetch_all(query.limit(limit).offset(offset or 0))
    out = []   # everyone (the exports): in slices (one 10,000-row answer held the loop 56 ms)
    while True:
        part = await fetch_all(query.clone().limit(POPULATION_SLICE).offset(len(out)))
        out += part
        if len(part) < POPULATION_SLICE:
            return out


async def _moved_ids(scope, start):
    q = scope.moved_away(start)
    return set() if q is None else {sid for (sid,) in await fetch_all(q.tuples())}


async def _sums(ids, start, end):
    """Per (staff, unit, department): the totals, the day count and the last day, in SQL."""
    D = DayStatus
    out = []
    for i in range(0, len(ids), CHUNK):
        q = (D.select(D.staff, D.unit, D.department, pw.fn.COUNT(D.id), pw.fn.MAX(D.day),
                      *sums.summed_columns())
             .where(D.staff.in_(ids[i:i + CHUNK]), D.day.between(start, end))
             .group_by(D.staff, D.unit, D.department).tuples())
        out += await fetch_all(q)
        await asyncio.sleep(0)
    return out


async def _leave(ids, start, end):
    """Per (staff, unit, department, trip?, leave name): days, halves counted as 0.5."""
    D = DayStatus
    out = []
    for i in range(0, len(ids), CHUNK):
        q = (D.select(D.staff, D.unit, D.department, D.status, D.leave_name, D.leave_type,
                      sums.leave_amount())
             .where(D.staff.in_(ids[i:i + CHUNK]), D.day.between(start, end), D.leave_half != "",
                    D.day_kind.in_(WORKDAYS), sums.counted_status())
             .group_by(D.staff, D.unit, D.department, D.status, D.leave_name, D.leave_type).tuples())
        out += await fetch_all(q)
        await asyncio.sleep(0)
    return out


def _blank():
    return {"workdays": 0, "days_worked": 0.0, "late_count": 0, "late_minutes": 0,
            "early_count": 0, "early_minutes": 0, "missing_punches": 0, "absences": 0,
            "leave_days": {}, "trip_days": 0.0, "field_punches": 0}


def _pop_ids(scope, start, q=None):
    return Staff.select(Staff.id).where(population_query(scope, start, q))


async def _missing(scope, start, month, span, q, people, *, count_only_while_filling=False):
    """(the listed people with a past day of the month not stored yet — or only their number
    while this process's background fill already holds at least as many — their day rows'
    fingerprint). One aggregate over the covering index when complete (the usual case); the
    people themselves only when not."""
    D = DayStatus
    expected = (span[1] - span[0]).days + 1
    stored, fingerprint = await sums.rows_fingerprint(D.staff.in_(_pop_ids(scope, start, q)),
                                             D.day.between(*span))
    if stored >= people * expected:
        return [], fingerprint
    full = (D.select(D.staff).where(D.staff.in_(_pop_ids(scope, start, q)), D.day.between(*span))
            .group_by(D.staff).having(pw.fn.COUNT(D.id) >= expected))
    todo = Staff.select(Staff.id).where(population_query(scope, start, q), Staff.id.not_in(full))
    filling = days.filling_count(month, span) if count_only_while_filling else 0
    if filling:
        # A unit's first month, polled while its fill runs: the number, not 10,000 ids parsed on
        # the serving loop at every call (a /healthz stall); the ids again once the fill is done.
        pending = await count(todo)
        if pending <= filling:
            return pending, fingerprint
    return [sid for (sid,) in await fetch_all(todo.order_by(Staff.id).tuples())], fingerprint


async def _judge_missing(actor, scope, start, month, span, now, fill, progress, q, listed):
    """Store the listed people's missing past days: now ("all", the export job), or a few now and
    many in the background ("auto"). Returns (the number still being judged, the fingerprint of
    the population's day rows, None when some were judged here)."""
    if span is None:
        return 0, None
    todo, fingerprint = await _missing(scope, start, month, span, q, listed,
                                       count_only_while_filling=fill == "auto")
    if not todo:
        return 0, fingerprint
    if isinstance(todo, int):  # being judged by this process's running fill
        return todo, None
    if fill == "all":
        await days.fill(actor.env, todo, month, now_utc=now, wait=600, progress=progress)
        return 0, None
    return await days.ensure_stored(actor.env, todo, month, now_utc=now), None


async def report(*, actor, month, department_id, now, fill="auto", progress=None, page=None,
                 page_size=50, q=None):
    """fill: "auto" (a few people's missing days judged now, a whole unit in the background) or
    "all" (judge everything missing now: the background export job).
    page: None lists everyone (the exports); a number lists that page of `page_size` people (ordered
    by department then name, picked in SQL) with `total`, per-department rows and a whole-scope
    `totals` row summed by grouped SQL over the stored days (through `through`)."""
    start, end = stats.month_range(month)
    scope = await scope_of(actor, department_id)
    span = days.past_range(month, now)
    total = await count(_pop_ids(scope, start, q))   # one count: the check and the page
    pending, fingerprint = await _judge_missing(actor, scope, start, month, span, now, fill, progress, q,
                                                total)
    out = {"month": month, "through": span[1] if span else None, "pending_staff": pending,
           "complete": pending == 0}
    if page is None:
        people = await population(scope, start, q)
        rows, depts = await _people_rows(scope, people, start, end, span, now)
        return {**out, "people": rows, "departments": list(depts.values()), "today_included": True}
    if total <= SMALL_SCOPE:
        # A few hundred people: everyone's rows (today judged live too), the page cut from them.
        rows, depts = await _people_rows(scope, await population(scope, start, q), start, end, span, now)
        departments = list(depts.values())
        totals = sums.totals_of(departments, len(rows))
        first = (page - 1) * page_size
        return {**out, "people": rows[first:first + page_size], "departments": departments,
                "totals": totals, "total": len(rows), "page": page, "page_size": page_size,
                "today_included": True}
    # Many: the page's people summed, departments and totals by grouped SQL over the stored days;
    # today (not over, never stored) is on the board, not judged live for thousands here.
    people = await population(scope, start, q, offset=(page - 1) * page_size, limit=page_size)
    rows, _ = await _people_rows(scope, people, start, end, span, now, today=False)
    departments, totals = await _summary(actor.env.redis, scope, start, span, q, total,
                                         fingerprint)
    return {**out, "people": rows, "departments": departments, "totals": totals, "total": total,
            "page": page, "page_size": page_size, "today_included": False}


async def _here_by_person(scope, start, q=None):
    """Listed through a concurrent post or as oneself, not by unit or department (all their days
    count): none for a department's report or a whole-reach one."""
    if scope.subtree is not None or scope.reach.everything:
        return set()
    rows = await fetch_all(Staff.select(Staff.id).where(
        population_query(scope, start, q), ~scope.covers_sql(Staff.unit, Staff.department)).tuples())
    return {sid for (sid,) in rows} - await _moved_ids(scope, start)


async def _summary(redis, scope, start, span, q, total, fingerprint=None):
    """Per department of the day (the day rows' department) and for the whole scope: the stored
    days' totals in two grouped queries (no per-person rows)."""
    if span is None or not total:
        return [], {"staff": total, **{k: 0 for k in NUMBERS}, "leave_days": {}}
    D = DayStatus
    here = await _here_by_person(scope, start, q)
    mine = scope.covers_sql(D.unit, D.department)
    if here:
        mine = mine | D.staff.in_(sorted(here))
    where = (D.staff.in_(_pop_ids(scope, start, q)), D.day.between(*span), mine)
    groups, leave = await sums.by_department(redis, where, fingerprint)
    names = dict(await fetch_all(Department.select(Department.id, Department.name).where(
        Department.id.in_([g[0] for g in groups if g[0]] or [0])).tuples()))
    depts = {}
    for dept, staff, *values in groups:
        values = values[:-1]   # the last: rows with leave
        d = {"department_id": dept, "department": names.get(dept, ""), "staff": int(staff),
             "leave_days": {}, "trip_days": 0.0}
        for key, value in zip([k for k in NUMBERS if k != "trip_days"], values):
            d[key] = round(float(value or 0), 2) if key == "days_worked" else int(value or 0)
        depts[dept] = d
    for dept, status, name, kind, amount in leave:
        d = depts.get(dept)
        if d is None:
            continue
        if status == "trip":
            d["trip_days"] += float(amount)
        else:
            label = name or kind
            d["leave_days"][label] = d["leave_days"].get(label, 0) + float(amount)
    rows = sorted(depts.values(), key=lambda d: (d["department"], d["department_id"] or 0))
    return rows, sums.totals_of(rows, total)


async def _people_rows(scope, people, start, end, span, now, today=True):
    """The listed people's rows (their own days summed in SQL) and per-department totals of them."""
    ids = [p[0] for p in people]
    groups = await _sums(ids, *span) if span is not None and ids else []
    totals, last_dept, has_rows, with_leave = {}, {}, set(), set()
    # Listed through a concurrent post or as oneself, not by unit or department: all their days.
    here_by_person = ({p[0] for p in people if not scope.covers(p[3], p[4])
                       and scope.subtree is None} - await _moved_ids(scope, start)) if ids else set()
    if groups:
        for n, (sid, unit, dept, _n, last, workdays, worked, late_c, late_m, early_c, early_m, missing,
                absent, field, leave_rows) in enumerate(groups):
            if n % YIELD_EVERY == YIELD_EVERY - 1:
                await asyncio.sleep(0)   # a whole unit (the export job): the loop breathes
            if leave_rows:
                with_leave.add(sid)
            has_rows.add(sid)
            if not (scope.covers(unit, dept) or sid in here_by_person):
                continue
            t = totals.setdefault(sid, _blank())
            for key, value in (("workdays", workdays), ("days_worked", worked), ("late_count", late_c),
                               ("late_minutes", late_m), ("early_count", early_c),
                               ("early_minutes", early_m), ("missing_punches", missing),
                               ("absences", absent), ("field_punches", field)):
                t[key] += float(value or 0) if key == "days_worked" else int(value or 0)  # MariaDB: Decimal
            if sid not in last_dept or last > last_dept[sid][0]:
                last_dept[sid] = (last, dept)
        # Leave by name only for the people with a leave day (the index tells without the rows).
        for sid, unit, dept, status, name, kind, amount in await _leave(sorted(with_leave), *span):
            if sid not in totals or not (scope.covers(unit, dept) or sid in here_by_person):
                continue
            if status == "trip":
                totals[sid]["trip_days"] += float(amount)
            else:
                label = name or kind
                totals[sid]["leave_days"][label] = totals[sid]["leave_days"].get(label, 0) + float(amount)
    day = stats.local_today(now)
    if today and start <= day <= end and ids:
        await _add_today(totals, last_dept, has_rows, scope, here_by_person, ids, day, now)
    names = {}
    dept_ids = {p[4] for p in people} | {d for _, d in last_dept.values()}
    for did, name in await fetch_all(Department.select(Department.id, Department.name)
                                     .where(Department.id.in_([x for x in dept_ids if x] or [0])).tuples()):
        names[did] = name
    rows, depts = [], {}
    for n, (sid, employee_no, name, unit, dept) in enumerate(people):
        if n % YIELD_EVERY == YIELD_EVERY - 1:
            await asyncio.sleep(0)
        if sid not in totals and sid in has_rows:
            continue   # every stored day of the month belongs to another unit or department
        t = totals.get(sid) or _blank()
        dept = last_dept.get(sid, (None, dept))[1]
        t["days_worked"] = round(float(t["days_worked"]), 2)
        t["trip_days"] = float(t["trip_days"])
        rows.append({"staff_id": sid, "employee_no": employee_no, "name": name, "department_id": dept,
                     "department": names.get(dept, ""), **t})
        d = depts.setdefault(dept, {"department_id": dept, "department": names.get(dept, ""),
                                    "staff": 0, "leave_days": {}})
        d["staff"] += 1
        for k in NUMBERS:
            d[k] = d.get(k, 0) + t[k]
        for label, amount in t["leave_days"].items():
            d["leave_days"][label] = d["leave_days"].get(label, 0) + amount
    return rows, depts


async def _add_today(totals, last_dept, has_rows, scope, here_by_person, ids, today, now):
    """Today is not over and never stored: judged live (as the board does) and added."""
    for i in range(0, len(ids), days.BATCH):
        rows = await fetch_all(Staff.select(Staff.id, Staff.unit, Staff.department, Staff.hire_date)
                               .where(Staff.id.in_(ids[i:i + days.BATCH])))
        moves = await stats.transfers_of([r.id for r in rows])
        results = await stats.compute_days(rows, today, today, now_utc=now, store=False)
        for s in rows:
            r = results.get((s.id, today))
            unit, dept = stats.placement(s, moves[s.id], today)
            has_rows.add(s.id)
            if r is None or not (scope.covers(unit, dept) or s.id in here_by_person):
                continue
            t = totals.setdefault(s.id, _blank())
            last_dept[s.id] = (today, dept)
            one = stats.summarise({(s.id, today): r}, [s.id])[s.id]
            for k in NUMBERS:
                t[k] += one[k]
            for label, amount in one["leave_days"].items():
                t["leave_days"][label] = t["leave_days"].get(label, 0) + amount


def _cell(row, key):
    if key == "leave":
        return "；".join(f"{k} {v:g} 天" for k, v in sorted(row["leave_days"].items()))
    return row[key]


async def export_rows(people):
    out = []
    for n, r in enumerate(people):
        if n % YIELD_EVERY == YIELD_EVERY - 1:
            await asyncio.sleep(0)
        out.append({k: _cell(r, k) for k, _ in REPORT_COLUMNS})
    return out


def _file_pool():
    """The server's worker process (services/worker_process) for a whole unit's file: openpyxl in a
    thread holds the GIL for ~1 s and the event loop waited up to 60-180 ms for it (/healthz p99
    over 50 ms during an export)."""
    return worker_process.pool()


async def render(rows, month, format):
    title = f"考勤 {month}"
    if len(rows) > SYNC_EXPORT_LIMIT:   # the background job's whole unit: another process
        loop, pool = asyncio.get_running_loop(), None
        try:
            pool = _file_pool()
            if format == "csv":
                return await loop.run_in_executor(pool, exports.to_csv, rows, REPORT_COLUMNS)
            return await loop.run_in_executor(pool, exports._xlsx_bytes, rows, REPORT_COLUMNS, title)
        except worker_process.BrokenWorker:
            worker_process.forget(pool)   # died (killed) or shut down: this file in-process
    if format == "csv":
        return exports.to_csv(rows, REPORT_COLUMNS)
    return await exports.to_xlsx(rows, REPORT_COLUMNS, title)


def check_format(format):
    if format not in ("csv", "xlsx"):
        raise Invalid("导出格式应为 csv 或 xlsx", code="BAD_FORMAT")


async def export_report(*, actor, month, department_id, now, format):
    """The report as a file in the request, for up to SYNC_EXPORT_LIMIT people (a department);
    more is a background job (POST /api/attendance/report/exports). Returns (bytes, name, type)."""
    check_format(format)
    scope = await scope_of(actor, department_id)
    listed = await count(Staff.select(Staff.id).where(population_query(scope, stats.month_range(month)[0])))
    if listed > SYNC_EXPORT_LIMIT:   # refused before anything is summed
        raise Conflict(f"超过 {SYNC_EXPORT_LIMIT} 人的导出请使用后台导出", code="EXPORT_TOO_LARGE")
    data = await report(actor=actor, month=month, department_id=department_id, now=now)
    content = await render(await export_rows(data["people"]), month, format)
    return content, f"attendance-{month}.{format}", exports.content_type(format)


async def export_file(*, actor, month, department_id, now, format, progress=None):
    """The background job's work: judge what is missing, sum, write the file."""
    async def judged(done, total):
        if progress is not None:
            await progress(5 + int(75 * done / max(total, 1)), f"正在判定考勤 {done}/{total} 人")

    if progress is not None:
        await progress(2, "正在统计")
    data = await report(actor=actor, month=month, department_id=department_id, now=now, fill="all",
                        progress=judged)
    if progress is not None:
        await progress(85, f"正在生成文件（{len(data['people'])} 人）")
    content = await render(await export_rows(data["people"]), month, format)
    return content, f"attendance-{month}.{format}", exports.content_type(format)


JOB_KIND = "attendance.report"


async def start_export(*, actor, month, department_id, now, format):
    """A background job writing the report's file (any size): returns the job (id, progress)."""
    from services import report_jobs

    check_format(format)
    await scope_of(actor, department_id)   # refuse now (403/404), not inside the job

    async def build(progress):
        return await export_file(actor=actor, month=month, department_id=department_id, now=now,
                                 format=format, progress=progress)

    return await report_jobs.start(actor=actor, kind=JOB_KIND, build=build, now=now,
                                   params={"month": month, "department_id": department_id,
                                           "format": format}, unit_id=actor.unit_id)
