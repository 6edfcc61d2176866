"""Attendance rules, schedules and places: CRUD (attendance.manage in reach) and a per-unit cache.

The punch path reads a unit's rule and places from an in-process cache checked against a version
token in Redis (one GET, pipelined with the punch lock), so the 08:59 burst does not read
configuration from the database per punch, and a change is seen at once by every process.
"""
import asyncio
import dataclasses
import datetime
import re
import secrets

from models.attendance import AttendancePlace, AttendanceRule, AttendanceSchedule, DayStatus
from models.base import atomic, fetch_all, utcnow
from models.org import Department, Unit
from server.errors import Invalid, NotFound
from services import audit
from services.geo import in_china_box

PROOFS = ("geofence", "wifi", "qr")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MD_RE = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
BSSID_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
RULE_DEFAULTS = {"proofs": [["geofence"], ["qr"]], "outside_policy": "field",
                 "accuracy_limit_m": 100, "max_speed_kmh": 120, "bind_device": True,
                 "makeup_monthly_limit": 3, "makeup_deadline_days": 5,
                 # issue 14: going live (days before are not judged), 补请假 limit in days back
                 # (None: no limit), a QR punch's GPS farther than this from the place is flagged.
                 "start_date": None, "leave_backdate_days": None, "qr_gps_max_m": 1000}
NULLABLE = ("start_date", "leave_backdate_days")  # an explicit null clears these


@dataclasses.dataclass
class UnitConfig:
    unit_id: int
    rule: dict
    places: list      # AttendancePlace rows (active)
    schedules: list   # AttendanceSchedule rows (active)


_cache = {}   # unit_id -> (version token, UnitConfig)
_loading = {}  # (unit_id, version token) -> the load in progress (asyncio.Future)
_versioning = {}  # unit_id -> the version read in progress (asyncio.Future)


def _version_key(unit_id):
    return f"att:cfg:{unit_id}"


async def config_version(redis, unit_id):
    """The unit's configuration version token in Redis (created when absent, e.g. after a flush).
    One read per unit at a time: after a Redis flush every punch of the first wave misses it."""
    pending = _versioning.get(unit_id)
    if pending is None:
        pending = _versioning[unit_id] = asyncio.ensure_future(_config_version(redis, unit_id))
        pending.add_done_callback(lambda _: _versioning.pop(unit_id, None))
    return await asyncio.shield(pending)


async def _config_version(redis, unit_id):
    token = await redis.get(_version_key(unit_id))
    if token is None:
        token = secrets.token_hex(8)
        if not await redis.set(_version_key(unit_id), token, nx=True):
            token = await redis.get(_version_key(unit_id))
    return token


async def invalidate(redis, unit_id):
    """A change: every server process drops its cached copy on its next punch for the unit."""
    _cache.pop(unit_id, None)
    await redis.set(_version_key(unit_id), secrets.token_hex(8))


def rule_out(rule, unit_id):
    data = dict(RULE_DEFAULTS)
    if rule is not None:
        data.update({k: getattr(rule, k) for k in RULE_DEFAULTS})
    data["unit_id"] = unit_id
    data["proofs_expr"] = "|".join("&".join(alt) for alt in data["proofs"])
    return data


async def unit_config(unit_id, version=None):
    """The unit's rule, places and schedules; cached in-process per Redis version token when
    `version` is given (the punch path), read fresh otherwise."""
    hit = _cache.get(unit_id)
    if version is not None and hit and hit[0] == version:
        return hit[1]
    if version is None:
        return await _load_config(unit_id)
    # One load per (unit, version) at a time: the first punches of a morning after a change (or
    # a restart) all miss the cache together; the others wait for that one read.
    key = (unit_id, version)
    loading = _loading.get(key)
    if loading is None:
        loading = _loading[key] = asyncio.ensure_future(_load_config(unit_id))
        loading.add_done_callback(lambda _: _loading.pop(key, None))
    cfg = await asyncio.shield(loading)
    _cache[unit_id] = (version, cfg)
    return cfg


async def _load_config(unit_id):
    rule = await AttendanceRule.aget_or_none(AttendanceRule.unit == unit_id)
    places = await fetch_all(AttendancePlace.select().where(
        AttendancePlace.unit == unit_id, AttendancePlace.active == True))  # noqa: E712
    schedules = await fetch_all(AttendanceSchedule.select().where(
        AttendanceSchedule.unit == unit_id, AttendanceSchedule.active == True))  # noqa: E712
    return UnitConfig(unit_id, rule_out(rule, unit_id), places, schedules)


# ---- schedules -------------------------------------------------------------------------------

def minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _season_covers(s, day):
    if not s.season_start or not s.season_end:
        return False
    md = day.strftime("%m-%d")
    if s.season_start <= s.season_end:
        return s.season_start <= md <= s.season_end
    return md >= s.season_start or md <= s.season_end  # wraps the year end (winter hours)


def pick_schedule(schedules, dept_chain, day):
    """The schedule for a day: the nearest department in `dept_chain` (own first, then parents)
    with one, else the unit's; within a level a seasonal version covering the day wins."""
    levels = [[s for s in schedules if s.department_id == d] for d in dept_chain]
    levels.append([s for s in schedules if s.department_id is None])
    for level in levels:
        seasonal = [s for s in level if _season_covers(s, day)]
        if seasonal:
            return min(seasonal, key=lambda s: s.id)
        plain = [s for s in level if not s.season_start]
        if plain:
            return min(plain, key=lambda s: s.id)
    return None


async def dept_chain(department_id):
    """The department and its ancestors, nearest first."""
    if not department_id:
        return []
    dept = await Department.aget_or_none(Department.id == department_id)
    if dept is None:
        return []
    ids = [int(x) for x in dept.path.strip("/").split("/") if x.isdigit()]
    chain = list(reversed(ids)) if ids else [dept.id]
    return chain if chain[0] == dept.id else [dept.id, *chain]


def schedule_out(s):
    if s is None:
        return None
    return {"id": s.id, "unit_id": s.unit_id, "department_id": s.department_id, "name": s.name,
            "kind": s.kind, "sessions": s.sessions, "grace_late": s.grace_late,
            "grace_early": s.grace_early, "core_start": s.core_start, "core_end": s.core_end,
            "required_minutes": s.required_minutes, "season_start": s.season_start,
            "season_end": s.season_end, "active": s.active}


def _check_schedule(body):
    errors = {}
    sessions = body.get("sessions") or []
    prev_end = -1
    for i, sess in enumerate(sessions):
        if not isinstance(sess, dict) or not TIME_RE.match(str(sess.get("start", ""))) \
                or not TIME_RE.match(str(sess.get("end", ""))):
            errors["sessions"] = f"第 {i + 1} 段应为 {{start: HH:MM, end: HH:MM}}"
            break
        a, b = minutes(sess["start"]), minutes(sess["end"])
        if b <= a or a <= prev_end:
            errors["sessions"] = "各时段须按时间先后排列且不重叠，结束晚于开始"
            break
        prev_end = b
    kind = body.get("kind", "fixed")
    if kind == "fixed" and not sessions:
        errors["sessions"] = "固定班制至少需要一个时段"
    if kind == "flexible":
        for name in ("core_start", "core_end"):
            if not TIME_RE.match(body.get(name) or ""):
                errors[name] = "弹性班制需填写核心时段 HH:MM"
        if "core_start" not in errors and "core_end" not in errors and \
                minutes(body["core_end"]) <= minutes(body["core_start"]):
            errors["core_end"] = "核心时段结束应晚于开始"
        if not body.get("required_minutes"):
            errors["required_minutes"] = "弹性班制需填写每日应工作分钟数"
    ss, se = body.get("season_start") or "", body.get("season_end") or ""
    if bool(ss) != bool(se):
        errors["season_end" if ss else "season_start"] = "季节时段需同时填写起止月日"
    for name, value in (("season_start", ss), ("season_end", se)):
        if value:
            try:
                if not MD_RE.match(value):
                    raise ValueError
                datetime.date.fromisoformat(f"2000-{value}")
            except ValueError:
                errors[name] = "应为月-日 MM-DD"
    if errors:
        raise Invalid("作息时间设置有误", code="VALIDATION_FAILED", fields=errors)


async def _unit_in_reach(actor, unit_id, department_id=None):
    reach = await actor.require_reach("attendance.manage")
    unit = await Unit.aget_or_none(Unit.id == unit_id) if unit_id else None
    if unit is None:
        raise NotFound("单位不存在或不在您的管理范围内", code="UNIT_NOT_FOUND")
    if department_id is not None:
        dept = await Department.aget_or_none(Department.id == department_id)
        if dept is None or dept.unit_id != unit.id or not reach.covers_department(dept.id, dept.unit_id):
            raise NotFound("部门不存在或不在您的管理范围内", code="DEPARTMENT_NOT_FOUND")
    elif not (reach.everything or unit.id in reach.unit_ids):
        raise NotFound("单位不存在或不在您的管理范围内", code="UNIT_NOT_FOUND")
    return reach


async def _manage_reach_filter(actor, model):
    reach = await actor.require_reach("attendance.manage")
    if reach.everything:
        return reach, None
    expr = model.unit.in_(list(reach.unit_ids) or [0])
    if reach.dept_ids:
        expr = expr | model.department.in_(list(reach.dept_ids))
    return reach, expr


async def list_schedules(*, actor, unit_id=None):
    _, expr = await _manage_reach_filter(actor, AttendanceSchedule)
    q = AttendanceSchedule.select().order_by(AttendanceSchedule.id)
    if expr is not None:
        q = q.where(expr)
    if unit_id:
        q = q.where(AttendanceSchedule.unit == unit_id)
    return [schedule_out(s) for s in await fetch_all(q)]


async def _get_in_reach(actor, model, obj_id, code, label):
    obj = await model.aget_or_none(model.id == obj_id)
    if obj is None:
        raise NotFound(f"{label}不存在或不在您的管理范围内", code=code)
    try:
        await _unit_in_reach(actor, obj.unit_id, obj.department_id)
    except NotFound:
        raise NotFound(f"{label}不存在或不在您的管理范围内", code=code) from None
    return obj


async def save_schedule(*, actor, body, schedule_id=None):
    if schedule_id is not None:
        current = await AttendanceSchedule.aget_or_none(AttendanceSchedule.id == schedule_id)
        if current is not None:
            body = {**{k: v for k, v in schedule_out(current).items() if k != "id"},
                    **{k: v for k, v in body.items() if v is not None}}
    _check_schedule(body)
    fields = {k: body[k] for k in ("name", "kind", "sessions", "grace_late", "grace_early",
                                   "core_start", "core_end", "required_minutes", "season_start",
                                   "season_end", "active") if k in body and body[k] is not None}
    async with atomic():
        if schedule_id is None:
            await _unit_in_reach(actor, body["unit_id"], body.get("department_id"))
            s = await AttendanceSchedule.acreate(unit=body["unit_id"],
                                                 department=body.get("department_id"), **fields)
            before = None
        else:
            s = await _get_in_reach(actor, AttendanceSchedule, schedule_id, "SCHEDULE_NOT_FOUND", "作息时间")
            before = schedule_out(s)
            await AttendanceSchedule.update(updated_at=utcnow(), **fields).where(
                AttendanceSchedule.id == s.id).aexecute()
            s = await AttendanceSchedule.aget(AttendanceSchedule.id == s.id)
        await audit.record(actor=actor, action="attendance.schedule.save", target_type="attendance_schedule",
                           target_id=s.id, before=before, after=schedule_out(s), unit_id=s.unit_id)
    await invalidate(actor.env.redis, s.unit_id)
    return schedule_out(s)


async def delete_schedule(*, actor, schedule_id):
    async with atomic():
        s = await _get_in_reach(actor, AttendanceSchedule, schedule_id, "SCHEDULE_NOT_FOUND", "作息时间")
        await AttendanceSchedule.delete().where(AttendanceSchedule.id == s.id).aexecute()
        await audit.record(actor=actor, action="attendance.schedule.delete", target_type="attendance_schedule",
                           target_id=s.id, before=schedule_out(s), unit_id=s.unit_id)
    await invalidate(actor.env.redis, s.unit_id)


# ---- places ----------------------------------------------------------------------------------

def place_out(p):
    return {"id": p.id, "unit_id": p.unit_id, "department_id": p.department_id, "name": p.name,
            "fences": p.fences, "wifi_bssids": p.wifi_bssids, "qr_enabled": p.qr_enabled,
            "active": p.active}


def clean_bssid(value):
    return str(value or "").strip().lower().replace("-", ":")


def _check_place(body):
    errors = {}
    fences = []
    for i, fence in enumerate(body.get("fences") or []):
        if not isinstance(fence, dict):
            errors["fences"] = f"第 {i + 1} 个围栏格式不正确"
            break
        lat, lng, radius = fence.get("lat"), fence.get("lng"), fence.get("radius", 300)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lng, radius)):
            errors["fences"] = f"第 {i + 1} 个围栏需要数字 lat、lng、radius"
            break
        if not in_china_box(lat, lng):
            errors["fences"] = f"第 {i + 1} 个围栏坐标不在国内（GCJ-02）"
            break
        if not 100 <= radius <= 3000:
            errors["fences"] = "围栏半径应在 100–3000 米之间"
            break
        fences.append({"lat": float(lat), "lng": float(lng), "radius": int(radius)})
    bssids = [clean_bssid(b) for b in body.get("wifi_bssids") or []]
    if any(not BSSID_RE.match(b) for b in bssids):
        errors["wifi_bssids"] = "BSSID 应为 aa:bb:cc:dd:ee:ff"
    if errors:
        raise Invalid("考勤地点设置有误", code="VALIDATION_FAILED", fields=errors)
    return fences, bssids


async def list_places(*, actor, unit_id=None):
    _, expr = await _manage_reach_filter(actor, AttendancePlace)
    q = AttendancePlace.select().order_by(AttendancePlace.id)
    if expr is not None:
        q = q.where(expr)
    if unit_id:
        q = q.where(AttendancePlace.unit == unit_id)
    return [place_out(p) for p in await fetch_all(q)]


async def get_place(*, actor, place_id):
    return await _get_in_reach(actor, AttendancePlace, place_id, "PLACE_NOT_FOUND", "考勤地点")


async def save_place(*, actor, body, place_id=None):
    fences, bssids = _check_place(body)
    fields = {k: body[k] for k in ("name", "qr_enabled", "active") if body.get(k) is not None}
    if "fences" in body and body["fences"] is not None:
        fields["fences"] = fences
    if "wifi_bssids" in body and body["wifi_bssids"] is not None:
        fields["wifi_bssids"] = bssids
    async with atomic():
        if place_id is None:
            await _unit_in_reach(actor, body["unit_id"], body.get("department_id"))
            p = await AttendancePlace.acreate(unit=body["unit_id"], department=body.get("department_id"),
                                              **fields)
            before = None
        else:
            p = await _get_in_reach(actor, AttendancePlace, place_id, "PLACE_NOT_FOUND", "考勤地点")
            before = place_out(p)
            await AttendancePlace.update(updated_at=utcnow(), **fields).where(
                AttendancePlace.id == p.id).aexecute()
            p = await AttendancePlace.aget(AttendancePlace.id == p.id)
        await audit.record(actor=actor, action="attendance.place.save", target_type="attendance_place",
                           target_id=p.id, before=before, after=place_out(p), unit_id=p.unit_id)
    await invalidate(actor.env.redis, p.unit_id)
    return place_out(p)


async def delete_place(*, actor, place_id):
    async with atomic():
        p = await _get_in_reach(actor, AttendancePlace, place_id, "PLACE_NOT_FOUND", "考勤地点")
        # Punches keep their evidence: deactivate rather than delete.
        await AttendancePlace.update(active=False, updated_at=utcnow()).where(
            AttendancePlace.id == p.id).aexecute()
        await audit.record(actor=actor, action="attendance.place.delete", target_type="attendance_place",
                           target_id=p.id, before=place_out(p), unit_id=p.unit_id)
    await invalidate(actor.env.redis, p.unit_id)


# ---- the unit rule ---------------------------------------------------------------------------

def parse_proofs(value):
    """"geofence|qr" or [["geofence"], ["qr"]] -> [["geofence"], ["qr"]]."""
    if isinstance(value, str):
        value = [alt.split("&") for alt in value.replace(" ", "").split("|")]
    if not isinstance(value, list) or not value:
        raise ValueError
    out = []
    for alt in value:
        if not isinstance(alt, list) or not alt or any(p not in PROOFS for p in alt):
            raise ValueError
        out.append(sorted(set(alt)))
    return out


async def get_rule(*, actor, unit_id):
    await _unit_in_reach(actor, unit_id)
    return (await unit_config(unit_id)).rule


async def save_rule(*, actor, unit_id, body):
    await _unit_in_reach(actor, unit_id)
    fields = {k: v for k, v in body.items() if k in RULE_DEFAULTS and (v is not None or k in NULLABLE)}
    if "proofs" in fields:
        try:
            fields["proofs"] = parse_proofs(fields["proofs"])
        except ValueError:
            raise Invalid("打卡验证方式有误", code="VALIDATION_FAILED", fields={
                "proofs": "如 geofence|qr（任一）或 geofence&wifi（同时），可选 geofence、wifi、qr"}) from None
    async with atomic():
        rule = await AttendanceRule.aget_or_none(AttendanceRule.unit == unit_id)
        before = rule_out(rule, unit_id) if rule else None
        if rule is None:
            rule = await AttendanceRule.acreate(unit=unit_id, **fields)
        else:
            await AttendanceRule.update(updated_at=utcnow(), **fields).where(
                AttendanceRule.id == rule.id).aexecute()
            rule = await AttendanceRule.aget(AttendanceRule.id == rule.id)
        after = rule_out(rule, unit_id)
        moved = [d for d in ((before or {}).get("start_date"), after["start_date"]) if d]
        if "start_date" in fields and moved and (before or {}).get("start_date") != after["start_date"]:
            # Going live moved: stored days before the later date are judged again on next need.
            await DayStatus.delete().where(DayStatus.unit == unit_id,
                                           DayStatus.day < max(moved)).aexecute()
        await audit.record(actor=actor, action="attendance.rule.save", target_type="attendance_rule",
                           target_id=unit_id, before=before, after=after, unit_id=unit_id)
    await invalidate(actor.env.redis, unit_id)
    return after
