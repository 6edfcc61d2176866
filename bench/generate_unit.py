"""Generator (not a test): the 10,000-person unit of issue 16, for the benchmarks in bench/.

One bureau (code GEN) with 200 departments (20 处 with 9 科 each), 10,002 staff (50 per
department, the first of each its leader, plus the unit head and an HR officer holding
hr_officer over the whole unit), positions, a schedule, a place and attendance rules; punches
(two a working day a person: 420,084 for November 2026), 100,000 leave requests over 2025–2026
each with its approval instance and task, and one annual appraisal cycle with 10,000
participants whose leader and peer sheets are submitted (ready for results/compute → confirm →
publish → close). Rows go in with multi-row INSERTs and explicit ids: minutes, not hours.
Deterministic (random.Random(seed)); the database is dropped and recreated first.

    .venv/bin/python bench/generate_unit.py --db h_gen [--redis redis://127.0.0.1:6379/3]
        [--months 1] [--history-months 11] [--history-every 10] [--sqlite PATH] [--seed 16]

--months N: full months of punches for everyone, ending with the last full month (Beijing);
--history-months H: the H months before those, punches of every `--history-every`-th person
(24 / 0 / 1 gives the issue's two full years, ≈ 10M rows). Sessions (kind "mp", 12 h) for the
named accounts are written to the Redis db given and printed as JSON (also saved to --sessions,
default /tmp/mingjing_gen_sessions_<db>.json) so a benchmark can call the API as them.
"""
import argparse
import asyncio
import datetime
import json
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import recreate_database  # noqa: E402

UNIT_CODE = "GEN"
TOP_DEPTS = 20
SUB_PER_TOP = 9          # 20 × (1 + 9) = 200 departments
PER_DEPT = 50            # 200 × 50 = 10,000 (+ unit head + HR officer = 10,002)
LEAVE_REQUESTS = 100_000
CENTRE = (39.908700, 116.397500)
SESSION_TTL = 12 * 3600

# leave request status → (instance status, task status)
# (pending and returned only for requests starting from two weeks ago on: ~1,000 open approvals)
LEAVE_STATUSES = [("approved", 0.55), ("pending", 0.08), ("rejected", 0.07), ("withdrawn", 0.12),
                  ("returned", 0.05), ("cancelled", 0.13)]
INSTANCE_OF = {"approved": ("approved", "approved"), "pending": ("pending", "pending"),
               "rejected": ("rejected", "rejected"), "withdrawn": ("withdrawn", "cancelled"),
               "returned": ("returned", "returned"), "cancelled": ("approved", "approved")}
LEAVE_TYPES = [("annual", 0.35), ("personal", 0.25), ("sick", 0.2), ("business_trip", 0.12),
               ("lieu", 0.06), ("marriage", 0.02)]


def beijing_today():
    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def month_start(day, back=0):
    y, m = day.year, day.month - back
    while m <= 0:
        y, m = y - 1, m + 12
    return datetime.date(y, m, 1)


def pick(rng, weighted):
    x, acc = rng.random(), 0.0
    for value, w in weighted:
        acc += w
        if x < acc:
            return value
    return weighted[-1][0]


class Loader:
    """Multi-row INSERTs of tuples with explicit ids, in batches that fit the backend's limits."""

    def __init__(self, database, sqlite):
        self.database = database
        self.sqlite = sqlite
        self.counts = {}

    async def insert(self, model, fields, rows, batch=None):
        from models.base import atomic

        cols = [model._meta.fields[f] for f in fields]
        batch = batch or (max(1, 30000 // len(cols)) if self.sqlite else 2000)
        for i in range(0, len(rows), 50 * batch):
            async with atomic():
                for j in range(i, min(len(rows), i + 50 * batch), batch):
                    await model.insert_many(rows[j:j + batch], fields=cols).aexecute()
        self.counts[model._meta.table_name] = self.counts.get(model._meta.table_name, 0) + len(rows)


async def reset_database(args):
    if args.sqlite:
        for suffix in ("", "-wal", "-shm"):
            Path(args.sqlite + suffix).unlink(missing_ok=True)
        return f"sqlite:///{Path(args.sqlite).resolve()}"
    await recreate_database(args.db, host=args.host, port=args.port)
    return f"mysql://root@{args.host}:{args.port}/{args.db}"


async def generate(args):
    url = await reset_database(args)
    from models.access import Grant, Role
    from models.approvals import ApprovalInstance, ApprovalTask
    from models.appraisal.cycles import AppraisalCycle, CycleParticipant, CyclePhase
    from models.appraisal.scoring import ScoreChange, ScoreSheet
    from models.attendance import AttendancePlace, AttendanceRule, AttendanceSchedule, Punch
    from models.base import atomic
    from models.leave import LeaveRequest, LeaveType
    from models.org import Department, Position, Staff, Unit
    from server.database import bind_database
    from server.migrate import migrate
    from services.calendar import day_infos
    from services.leave_rules import ensure_national_types

    rng = random.Random(args.seed)
    database = bind_database(url, pool_size=2)
    load = Loader(database, bool(args.sqlite))
    t_all = time.perf_counter()
    await migrate(log=None)
    await ensure_national_types()
    now = datetime.datetime(2026, 1, 1)
    today = beijing_today()
    timings = {}

    # -- org --------------------------------------------------------------------------------
    t0 = time.perf_counter()
    async with atomic():
        unit = await Unit.acreate(name="明镜市某某局", code=UNIT_CODE, path="/")
        await Unit.update(path=f"/{unit.id}/").where(Unit.id == unit.id).aexecute()
        positions = {}
        for name, leading in (("科员", False), ("副科长", False), ("科长", True), ("处长", True), ("局长", True)):
            positions[name] = (await Position.acreate(unit=unit.id, name=name, is_leading=leading)).id
    dept_rows, depts = [], []   # depts: (id, parent id or None, name)
    next_id = 1
    for t in range(TOP_DEPTS):
        top = next_id
        next_id += 1
        depts.append((top, None, f"第{t + 1}处"))
        dept_rows.append((top, unit.id, None, f"第{t + 1}处", f"/{top}/", t, "open", now, now))
        for s in range(SUB_PER_TOP):
            did = next_id
            next_id += 1
            depts.append((did, top, f"第{t + 1}处第{s + 1}科"))
            dept_rows.append((did, unit.id, top, f"第{t + 1}处第{s + 1}科", f"/{top}/{did}/", s, "open", now, now))
    await load.insert(Department, ["id", "unit", "parent", "name", "path", "sort", "status", "created_at",
                                   "updated_at"], dept_rows)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉鹏飞燕宇浩凯晨阳琳雪梅"
    staff_rows, staff = [], []   # staff: (id, dept id, is leader)
    sid = 1
    leaders = {}
    for did, parent, _name in depts:
        for k in range(PER_DEPT):
            leader = k == 0
            pos = ("处长" if parent is None else "科长") if leader else ("副科长" if k == 1 else "科员")
            name = rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.6 else "")
            hired = datetime.date(rng.randint(1995, 2024), rng.randint(1, 12), 1)
            staff_rows.append((sid, f"G{sid:05d}", name, unit.id, did, positions[pos], rng.choice("MF"), hired,
                               hired - datetime.timedelta(days=rng.randint(0, 2000)), "active", now, now))
            staff.append((sid, did, leader))
            if leader:
                leaders[did] = sid
            sid += 1
    head_id, hr_id = sid, sid + 1
    staff_rows.append((head_id, "G-HEAD", "局长甲", unit.id, depts[0][0], positions["局长"], "M",
                       datetime.date(2000, 1, 1), datetime.date(1995, 7, 1), "active", now, now))
    staff_rows.append((hr_id, "G-HRO", "人事专员乙", unit.id, depts[1][0], positions["科员"], "F",
                       datetime.date(2012, 1, 1), datetime.date(2010, 7, 1), "active", now, now))
    await load.insert(Staff, ["id", "employee_no", "name", "unit", "department", "position", "gender", "hire_date",
                              "first_employment_date", "status", "created_at", "updated_at"], staff_rows)
    async with atomic():
        for did, parent, _name in depts:
            # A 科's leader reports to its 处's leader; a 处's leader to the unit head.
            await Department.update(leader=leaders[did]).where(Department.id == did).aexecute()
        await Unit.update(head=head_id).where(Unit.id == unit.id).aexecute()
        role = await Role.aget(Role.code == "hr_officer")
        await Grant.acreate(staff=hr_id, role=role.id, scope_type="unit_tree", scope_unit=unit.id)
        await AttendanceRule.acreate(unit=unit.id, start_date=datetime.date(2024, 12, 1))
        await AttendancePlace.acreate(unit=unit.id, name="机关大楼",
                                      fences=[{"lat": CENTRE[0], "lng": CENTRE[1], "radius": 300}])
        await AttendanceSchedule.acreate(unit=unit.id, name="标准作息",
                                         sessions=[{"start": "09:00", "end": "12:00"},
                                                   {"start": "13:30", "end": "17:30"}])
    timings["org"] = time.perf_counter() - t0
    everyone = [s[0] for s in staff] + [head_id, hr_id]
    dept_of = {s[0]: s[1] for s in staff}
    dept_of[head_id], dept_of[hr_id] = depts[0][0], depts[1][0]
    parent_of = {d[0]: d[1] for d in depts}

    # -- punches ------------------------------------------------------------------------------
    t0 = time.perf_counter()
    last_full = month_start(today, 1)
    first_full = month_start(today, args.months)
    first_hist = month_start(today, args.months + args.history_months)
    end = month_start(today, 0) - datetime.timedelta(days=1)
    infos, _ = await day_infos(first_hist, end, unit_id=unit.id)
    workdays = [i.day for i in infos if i.kind in ("workday", "makeup_workday")]
    fields = ["staff", "unit", "at", "minute_bucket", "kind", "lat", "lng", "accuracy", "proofs", "created_at"]
    epoch = datetime.datetime(1970, 1, 1)
    punch_id = 0
    month_counts = {}
    by_month = {}
    for day in workdays:
        by_month.setdefault((day.year, day.month), []).append(day)
    for (y, m), days in sorted(by_month.items()):
        people = everyone if datetime.date(y, m, 1) >= first_full else (
            everyone[::args.history_every] if args.history_every else [])
        rows = []
        for day in days:
            base = datetime.datetime(day.year, day.month, day.day) - datetime.timedelta(hours=8)  # Beijing → UTC
            for p in people:
                # ~1 in 25 arrive after 09:00; everyone leaves 17:30–19:00.
                arrive = base + datetime.timedelta(minutes=rng.randint(500, 539) if rng.random() > 0.04
                                                   else rng.randint(541, 600), seconds=rng.randint(0, 59))
                leave = base + datetime.timedelta(minutes=rng.randint(1050, 1140), seconds=rng.randint(0, 59))
                for at in (arrive, leave):
                    lat = CENTRE[0] + rng.uniform(-0.001, 0.001)
                    lng = CENTRE[1] + rng.uniform(-0.001, 0.001)
                    rows.append((p, unit.id, at, int((at - epoch).total_seconds() // 60), "normal",
                                 round(lat, 6), round(lng, 6), 20.0, "geofence", at))
        punch_id += len(rows)
        month_counts[f"{y}-{m:02d}"] = len(rows)
        await load.insert(Punch, fields, rows)
    timings["punches"] = time.perf_counter() - t0

    # -- leave: 100,000 requests over 2025-01 .. 2026-12, each with its instance and task ----------
    t0 = time.perf_counter()
    types = {t.code: t for t in await LeaveType.select().where(LeaveType.unit.is_null()).aexecute()}
    leave_days, _ = await day_infos(datetime.date(2025, 1, 1), datetime.date(2026, 12, 31), unit_id=unit.id)
    leave_starts = [i.day for i in leave_days if i.kind in ("workday", "makeup_workday")]
    names = {r[0]: r[2] for r in staff_rows}
    cutoff = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0) - datetime.timedelta(hours=1)
    req_rows, inst_rows, task_rows = [], [], []
    for i in range(1, LEAVE_REQUESTS + 1):
        p = rng.choice(everyone)
        start = rng.choice(leave_starts)
        code = pick(rng, LEAVE_TYPES)
        days = rng.choice((0.5, 1, 1, 1, 2, 2, 3, 5)) if code != "marriage" else 3
        end_day = start + datetime.timedelta(days=max(0, int(days + 0.5) - 1))
        status = pick(rng, LEAVE_STATUSES)
        recent = start >= today - datetime.timedelta(days=14)
        if status in ("pending", "returned") and not recent:
            status = "approved"          # old requests were decided long ago
        elif start > today and status in ("approved", "cancelled") and rng.random() < 0.5:
            status = "pending"
        d = dept_of[p]
        approver = leaders[d] if leaders[d] != p else (leaders.get(parent_of.get(d)) or head_id)
        if p == head_id:
            approver = hr_id
        created = datetime.datetime(start.year, start.month, start.day, 1) - datetime.timedelta(days=rng.randint(1, 10))
        created = min(created, cutoff - datetime.timedelta(hours=rng.randint(2, 72)))   # nothing in the future
        finished = min(created + datetime.timedelta(hours=rng.randint(1, 48)), cutoff)
        inst_status, task_status = INSTANCE_OF[status]
        done = inst_status != "pending"
        label = f"{names[p]}的{types[code].name}申请（{days:g}天）"
        plan = [{"index": 0, "name": "部门负责人审批", "mode": "any", "rules": [], "skipped": False, "note": "",
                 "approvers": [{"id": approver, "name": names[approver]}]}]
        req_rows.append((i, p, unit.id, d, types[code].id, code, start.year, start,
                         "pm" if days == 0.5 else "am", end_day, "pm", days, "事由", status, i,
                         created, finished if done else created))
        inst_rows.append((i, "leave", i, unit.id, p, d, label[:200], plan,
                          inst_status, 0 if not done else 1, created, finished if done else created,
                          finished if done else None))
        task_rows.append((i, i, 1, 0, "部门负责人审批", "any", approver, task_status,
                          finished if task_status not in ("pending",) else None, created))
    await load.insert(ApprovalInstance, ["id", "kind", "subject_id", "unit", "applicant", "department_id",
                                         "summary", "plan", "status", "current_step", "created_at",
                                         "updated_at", "finished_at"], inst_rows)
    await load.insert(ApprovalTask, ["id", "instance", "round", "step_index", "step_name", "mode", "assignee",
                                     "status", "acted_at", "created_at"], task_rows)
    await load.insert(LeaveRequest, ["id", "staff", "unit", "department", "leave_type", "type_code", "year",
                                     "start_date", "start_half", "end_date", "end_half", "days", "reason",
                                     "status", "instance_id", "created_at", "updated_at"], req_rows)
    timings["leave"] = time.perf_counter() - t0

    # -- appraisal: the 2026 annual cycle, 10,000 participants, leader + peer sheets submitted ------
    t0 = time.perf_counter()
    async with atomic():
        cycle = await AppraisalCycle.acreate(unit=unit.id, kind="annual", year=2026, name="2026年度考核",
                                             status="launched", launched_at=now, launched_by=hr_id, created_by=hr_id)
        for n, (phase, a, b) in enumerate((("goal_setting", "2026-01-05", "2026-02-27"),
                                           ("progress", "2026-03-02", "2026-11-30"),
                                           ("self_assessment", "2026-12-01", "2026-12-11"),
                                           ("scoring", "2026-12-14", "2026-12-25"),
                                           ("publication", "2026-12-28", "2027-01-08"),
                                           ("appeals", "2027-01-11", "2027-02-26"))):
            await CyclePhase.acreate(cycle=cycle.id, phase=phase, sort=n, opens_on=datetime.date.fromisoformat(a),
                                     closes_on=datetime.date.fromisoformat(b))
    participants = [s for s in staff][:10_000]
    part_rows, sheet_rows, change_rows = [], [], []
    submitted = datetime.datetime(2026, 12, 20, 2)
    sheet_id = 0
    for k, (p, d, is_leader) in enumerate(participants):
        part_rows.append((cycle.id, p, d, "active", "launch", now))
        rater = leaders[d] if not is_leader else (leaders.get(parent_of.get(d)) or head_id)
        peer = participants[(k + 1) % len(participants)][0]
        if peer == p:
            peer = participants[(k + 2) % len(participants)][0]
        base = rng.gauss(84, 6)
        for role, who, weight in (("leader", rater, 70), ("peer", peer, 30)):
            sheet_id += 1
            total = round(min(100, max(50, base + rng.uniform(-4, 4))), 1)
            sheet_rows.append((sheet_id, cycle.id, p, who, role, weight, "submitted", total, submitted, now, now))
            late = k % 500 == 0 and role == "leader"    # a few changed after the scoring deadline
            change_rows.append((sheet_id, "k1", total, "submit", who,
                                datetime.datetime(2026, 12, 28, 2) if late else submitted))
    await load.insert(CycleParticipant, ["cycle", "staff", "department", "status", "source", "created_at"], part_rows)
    await load.insert(ScoreSheet, ["id", "cycle", "participant", "rater", "role", "weight", "status", "total",
                                   "submitted_at", "created_at", "updated_at"], sheet_rows)
    await load.insert(ScoreChange, ["sheet", "item_key", "score", "stage", "changed_by", "created_at"], change_rows)
    timings["appraisal"] = time.perf_counter() - t0
    if not args.sqlite:
        await database.aexecute_sql("ANALYZE TABLE leave_request, staff, punch, approval_instance, approval_task")
    await database.close_pool()

    # -- sessions for the named accounts ----------------------------------------------------------
    accounts = {"hr_officer": hr_id, "unit_head": head_id, "leader": leaders[depts[1][0]],
                "sub_leader": leaders[depts[2][0]], "staff": staff[5][0]}
    sessions = {}
    if args.redis:
        from server.redis import make_redis
        from services.sessions import create_session

        redis = make_redis(args.redis)
        for key, staff_id in accounts.items():
            token, _ = await create_session(redis, staff_id=staff_id, kind="mp", ttl_seconds=SESSION_TTL)
            sessions[key] = {"staff_id": staff_id, "token": token}
        await redis.aclose()
    out = {"database": url, "redis": args.redis, "unit_id": unit.id, "cycle_id": cycle.id,
           "accounts": accounts, "sessions": sessions, "departments": len(depts), "staff": len(staff_rows),
           "punch_months": month_counts, "punches": punch_id, "leave_requests": LEAVE_REQUESTS,
           "last_full_month": last_full.isoformat(), "rows": load.counts,
           "seconds": {k: round(v, 1) for k, v in timings.items()},
           "total_seconds": round(time.perf_counter() - t_all, 1)}
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="h_gen", help="MariaDB database (dropped and recreated)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=3306)
    ap.add_argument("--sqlite", help="write a SQLite file at this path instead of MariaDB")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/3", help="Redis URL for the sessions ('' for none)")
    ap.add_argument("--months", type=int, default=1, help="full months of punches for everyone")
    ap.add_argument("--history-months", type=int, default=11)
    ap.add_argument("--history-every", type=int, default=10, help="history punches for every N-th person (0: none)")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--sessions", help="where to save the JSON summary with the session tokens")
    args = ap.parse_args(argv)
    if args.months < 1:
        ap.error("--months must be at least 1")
    out = asyncio.run(generate(args))
    path = Path(args.sessions or f"/tmp/mingjing_gen_sessions_{'sqlite_' + Path(args.sqlite).stem if args.sqlite else args.db}.json")
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1))
    print(json.dumps(out, ensure_ascii=False, indent=1))
    print(f"saved to {path}")
    return out


if __name__ == "__main__":
    main()
