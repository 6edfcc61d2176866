"""Judging one day (判定): the status of a person's day from its kind (services/calendar.py), their
schedule, their punches that day and any approved leave. Pure: no database; services/attendance_stats.py
gathers the inputs, stores the results and builds the numbers on them."""
from services import attendance_rules as rules


NOON_SPLIT = 12 * 60          # a session spanning noon: am leave covers its start, pm its end
DEFAULT_SCHEDULE = {"kind": "fixed", "sessions": [{"start": "09:00", "end": "17:00"}],
                    "grace_late": 0, "grace_early": 0}
STATUS_LABELS = {"normal": "正常", "late": "迟到", "early": "早退", "late_early": "迟到且早退",
                 "missing": "缺卡", "absent": "旷工", "leave": "请假", "trip": "出差/外出",
                 "rest": "休息日", "holiday": "节假日", "pending": "未到打卡时间",
                 "inactive": "不在岗（入职前、考勤启用前或离岗后）"}


def _sched_dict(s):
    if s is None:
        return DEFAULT_SCHEDULE
    return {"kind": s.kind, "sessions": s.sessions, "grace_late": s.grace_late,
            "grace_early": s.grace_early, "core_start": s.core_start, "core_end": s.core_end,
            "required_minutes": s.required_minutes}


def _is_trip(leave):
    """Leave types flagged is_trip (出差/外出) count as worked days; services/leave.py says so per day."""
    return bool(leave and leave.get("trip"))


def judge(info, sched, punch_minutes, leave=None, until=None, field_count=0):
    """Judge one day. punch_minutes: sorted local minutes-of-day of the valid punches.
    until: for today, the local minute now (checks after it are not due yet)."""
    out = {"day_kind": info.kind, "status": "", "late_minutes": 0, "early_minutes": 0,
           "late_count": 0, "early_count": 0, "missing_count": 0, "field_count": field_count,
           "leave_type": "", "leave_name": "", "leave_half": "", "worked_days": 0.0}
    if leave:
        out.update(leave_type=str(leave.get("type", "")), leave_name=str(leave.get("name", "")),
                   leave_half=str(leave.get("half") or "full"))
    if not info.working:
        out["status"] = info.kind
        return out
    half = out["leave_half"]
    if half == "full":
        trip = _is_trip(leave)
        out["status"] = "trip" if trip else "leave"
        out["worked_days"] = 1.0 if trip else 0.0
        return out
    sched = _sched_dict(sched)
    # Check points (kind, minute, grace, window lo, window hi) that a punch must satisfy.
    checks = []
    if sched["kind"] == "flexible":
        if half != "am":
            checks.append(("in", rules.minutes(sched["core_start"]), sched["grace_late"], 0, 1440))
        if half != "pm":
            checks.append(("out", rules.minutes(sched["core_end"]), sched["grace_early"], 0, 1440))
    else:
        spans = [(rules.minutes(x["start"]), rules.minutes(x["end"])) for x in sched["sessions"]]
        for i, (s, e) in enumerate(spans):
            lo = 0 if i == 0 else (spans[i - 1][1] + s) // 2
            hi = 1440 if i == len(spans) - 1 else (e + spans[i + 1][0]) // 2
            mid = (s + e) // 2
            in_waived = (half == "am" and s < NOON_SPLIT) or (half == "pm" and s >= NOON_SPLIT)
            out_waived = (half == "am" and e <= NOON_SPLIT + 60) or (half == "pm" and e > NOON_SPLIT)
            if not in_waived:
                checks.append(("in", s, sched["grace_late"], lo, mid))
            if not out_waived:
                checks.append(("out", e, sched["grace_early"], mid, hi))
    due = [c for c in checks if until is None or c[1] + (c[2] if c[0] == "in" else 0) < until]
    if not punch_minutes:
        if not due:
            out["status"] = "pending" if checks else "normal"
        elif until is None or len(due) == len(checks):
            out["status"] = "absent" if until is None else "missing"
            out["missing_count"] = 0 if until is None else len(due)
        else:
            out["status"] = "missing"
            out["missing_count"] = len(due)
        return out
    first = punch_minutes[0]
    for kind, at, grace, lo, hi in checks:
        if sched["kind"] == "fixed":
            inside = [m for m in punch_minutes if lo <= m < hi]
        else:
            inside = punch_minutes if kind == "in" else [m for m in punch_minutes if m > first]
        if kind == "in":
            got = min(inside) if inside else None
            if got is None:
                if until is None or at + grace < until:
                    out["missing_count"] += 1
            elif got > at + grace:
                out["late_count"] += 1
                out["late_minutes"] += got - at
            continue
        if until is not None and until < at:
            continue  # the departure check is not due yet
        got = max(inside) if inside else None
        if got is None:
            out["missing_count"] += 1
            continue
        short = at - got if got < at - grace else 0
        if sched["kind"] == "flexible":
            need = sched["required_minutes"] // (2 if half in ("am", "pm") else 1)
            if got - first < need - grace:
                short = max(short, need - (got - first))
        if short:
            out["early_count"] += 1
            out["early_minutes"] += short
    if out["missing_count"]:
        out["status"] = "missing"
    elif out["late_count"] and out["early_count"]:
        out["status"] = "late_early"
    elif out["late_count"]:
        out["status"] = "late"
    elif out["early_count"]:
        out["status"] = "early"
    else:
        out["status"] = "normal"
    out["worked_days"] = 0.5 if half in ("am", "pm") else 1.0
    return out
