"""Clocking in (打卡): the lean punch path, today's view, device binding, review, 补卡, events.

The punch path is built for the 08:59 burst: the unit's rule and places come from an in-process
cache, one indexed read of the person's last punch, one Redis SET NX, one INSERT (a unique key on
(staff, minute) backs the lock on every database). Punches are not written to the audit chain:
the punch table is itself the append-only evidence (docs/decisions.md); review decisions are.
"""
import asyncio
import datetime

import peewee as pw

from models.attendance import DayStatus, DeviceBinding, DeviceChangeRequest, Punch
from models.base import atomic, count, fetch_all, get_one, real_db, utcnow
from models.org import Department, Staff
from server.errors import Forbidden, Invalid, NotFound
from services import attendance_rules as rules
from services import attendance_stats as stats
from services import audit, events, notify, punch_store, site_qr
from services.access import Principal, get_staff_in_reach
from services.calendar import day_info
from services.geo import distance_m, in_china_box, speed_kmh
from services.separation import refuse_own

SUBSCRIBES = True
REPEAT_SECONDS = punch_store.REPEAT_SECONDS


def epoch(dt_utc):
    return dt_utc.replace(tzinfo=datetime.timezone.utc).timestamp()


def punch_out(p, **extra):
    return {"id": p.id, "staff_id": p.staff_id, "at": p.at, "kind": p.kind, "lat": p.lat,
            "lng": p.lng, "accuracy": p.accuracy, "place_id": p.place_id,
            "proofs": [x for x in p.proofs.split(",") if x], "reason": p.reason,
            "flags": [x for x in p.flags.split(",") if x], "review_status": p.review_status,
            "review_note": p.review_note, **extra}


def judge_proofs(cfg, staff_dept_ids, lat, lng, bssid, qr_token, key, at_epoch):
    """Per place, the proofs that hold; returns (inside, place, held proofs, rejected proofs)."""
    rejected = {}
    qr_place = site_qr.token_place(qr_token) if qr_token else None
    best = (False, None, [])
    for place in cfg.places:
        if place.department_id is not None and place.department_id not in staff_dept_ids:
            continue
        held = set()
        if lat is not None and any(distance_m(lat, lng, f["lat"], f["lng"]) <= f["radius"]
                                   for f in place.fences):
            held.add("geofence")
        if bssid and bssid in place.wifi_bssids:
            held.add("wifi")
        if qr_token and place.qr_enabled and qr_place == place.id:
            status = site_qr.check_token(key, qr_token, place.id, at_epoch)
            if status == "ok":
                held.add("qr")
            else:
                rejected["qr"] = status
        inside = any(set(alt) <= held for alt in cfg.rule["proofs"])
        if inside or len(held) > len(best[2]):
            best = (inside, place, sorted(held))
        if inside:
            break
    if qr_token and "qr" not in best[2] and "qr" not in rejected:
        rejected["qr"] = "forged" if qr_place is None or site_qr.check_token(
            key, qr_token, qr_place, at_epoch) == "forged" else "other_place"
    return best[0], best[1], best[2], rejected


async def _recent_punch(staff_id, now):
    return await get_one(Punch.select().where(
        Punch.staff == staff_id, Punch.at > now - datetime.timedelta(seconds=REPEAT_SECONDS),
        Punch.at < now + datetime.timedelta(seconds=REPEAT_SECONDS)).order_by(Punch.at.desc()))


def _to_dt(value):
    return datetime.datetime.fromisoformat(value) if isinstance(value, str) else value


async def release_connection():
    """Give this request's pooled connection back now rather than when the request's task ends
    (pwasyncio binds one connection to a task until it finishes)."""
    database = real_db()
    if not database.in_transaction():
        await database.aclose()


async def load_punch_principal(staff_id):
    """The caller of the punch endpoint in ONE prebuilt query (coalesced with the other callers
    of the moment, services/punch_store.py): the staff columns it needs, active posts, the bound
    device and the latest real punch (for double taps and the speed check).
    No grants: clocking in is self-service (every active person, only for themselves)."""
    rows = await punch_store.principal_rows(staff_id)
    if not rows:
        return None
    fields = punch_store.PRINCIPAL_FIELDS
    n = len(fields)
    values = dict(zip(fields, rows[0][:n]))
    if values["status"] != "active":
        return None
    values["is_service_account"] = bool(values["is_service_account"])
    principal = Principal(Staff(**values), [], sorted({r[n] for r in rows if r[n]}))
    device, pid, at, lat, lng = rows[0][n + 1:]
    principal.punch_context = {
        "device": device,
        "last": {"id": pid, "at": _to_dt(at), "lat": lat, "lng": lng} if pid else None}
    return principal


async def punch(*, env, actor, body, now):
    """Clock in or out. Returns (punch dict, created?).

    Round trips: the caller's one query (handlers/attendance.py), one Redis pipeline, one
    autocommitted INSERT (plus an INSERT IGNORE for a person's very first device), each
    coalesced with the concurrent punches' (services/punch_store.py). Repeated
    taps within 60 s return the first punch; concurrent taps are serialised by a Redis SET NX
    per person, backed by the unique (staff, minute_bucket) key on every database.
    """
    actor.require("attendance.punch")
    ctx = getattr(actor, "punch_context", None)
    if ctx is None:  # called without the punch handler's caller query
        ctx = (await load_punch_principal(actor.id)).punch_context
    staff = actor.staff
    if staff.department_id is None or staff.is_service_account:
        raise Forbidden("该账号无需考勤打卡", code="PUNCH_NOT_APPLICABLE")
    if not in_china_box(body["lat"], body["lng"]):
        raise Invalid("定位坐标无效（应为国内 GCJ-02 坐标）", code="VALIDATION_FAILED",
                      fields={"lat": "坐标不在国内"})
    last = ctx["last"]
    if last is not None and abs((now - last["at"]).total_seconds()) < REPEAT_SECONDS:
        p = await Punch.aget(Punch.id == last["id"])
        if ctx["device"] is None and p.device_id:
            # A retry after a first punch whose binding write was lost (the database cut just
            # after the punch's INSERT): the device that punched binds now.
            await punch_store.bind_one(staff.id, p.device_id, now)
        return punch_out(p, repeat=True), False
    lock, stamp = punch_store.tap_lock_key(staff.id), int(epoch(now))
    got_lock, held, version = await punch_store.tap_lock(
        env.redis, staff.id, stamp, rules._version_key(staff.unit_id))
    if not got_lock:
        if held is not None and abs(stamp - int(held)) < REPEAT_SECONDS:
            for _ in range(100):  # the other tap is committing: wait for it, return it
                recent = await _recent_punch(staff.id, now)
                await release_connection()  # not held while waiting: the other tap needs one
                if recent is not None:
                    return punch_out(recent, repeat=True), False
                await asyncio.sleep(0.02)
        await env.redis.set(lock, stamp, ex=REPEAT_SECONDS)
    try:
        result = await _record_punch(env, actor, body, now, last, version, ctx["device"])
    except BaseException:
        await env.redis.delete(lock)
        raise
    await release_connection()
    return result


async def _record_punch(env, actor, body, now, last, version, device):
    staff = actor.staff
    lat, lng, accuracy = body["lat"], body["lng"], body["accuracy"]
    if version is None:
        version = await rules.config_version(env.redis, staff.unit_id)
    cfg = await rules.unit_config(staff.unit_id, version)
    rule = cfg.rule
    bssid = rules.clean_bssid(body.get("wifi_bssid"))
    inside, place, held, rejected = judge_proofs(
        cfg, actor.dept_ids, lat, lng, bssid, body.get("qr_token"),
        env.config.security.signing_key, epoch(now))
    flags = []
    if accuracy > rule["accuracy_limit_m"]:
        flags.append("accuracy")
    if last is not None and last["lat"] is not None and last["at"] < now:
        dist = distance_m(last["lat"], last["lng"], lat, lng)
        if speed_kmh(dist, (now - last["at"]).total_seconds()) > rule["max_speed_kmh"]:
            flags.append("speed")
    # A QR code scanned on site but a GPS position far from the place (a photo of the code sent
    # to someone at home): the punch counts, flagged for review.
    if ("qr" in held and "geofence" not in held and place is not None and place.fences
            and min(distance_m(lat, lng, f["lat"], f["lng"]) - f["radius"] for f in place.fences)
            > rule.get("qr_gps_max_m", 1000)):
        flags.append("location")
    kind, reason = "normal", body.get("reason") or ""
    if not inside:
        if rejected.get("qr") in ("expired", "forged") and not reason:
            # The person scanned a code: tell them it is stale rather than that they are outside.
            raise Invalid("二维码已过期或无效，请重新扫描现场二维码后打卡", code="PUNCH_QR_EXPIRED",
                          fields={"qr_token": "二维码已过期，请重新扫码", "proofs": rejected})
        if rule["outside_policy"] == "refuse":
            raise Invalid("不在考勤范围内，本单位不允许外勤打卡", code="PUNCH_OUTSIDE_REFUSED",
                          fields={"proofs": rejected} if rejected else None)
        if not reason:
            raise Invalid("不在考勤范围内：外勤打卡请填写事由", code="PUNCH_REASON_REQUIRED",
                          fields={"reason": "外勤打卡必须填写事由"})
        kind = "field"

    def make_row(device):
        marks = flags + (["device"] if rule["bind_device"] and device != body["device_id"] else [])
        marks += ["field"] if kind == "field" else []
        return {"created_at": now, "staff": staff.id, "unit": staff.unit_id, "at": now,
                "minute_bucket": stamp_minute(now), "kind": kind, "lat": lat, "lng": lng,
                "accuracy": accuracy, "wifi_bssid": bssid, "device_id": body["device_id"],
                "place": place.id if place else None, "proofs": ",".join(held), "reason": reason,
                "flags": ",".join(marks), "review_status": "pending" if marks else "",
                "review_note": ""}

    first_device = device is None
    bind = body["device_id"] if first_device else None
    try:
        # A first punch is stored as if its device binds (no "device" mark): it does unless a
        # concurrent first punch from another phone won the binding, fixed up just below. The
        # binding is written only AFTER its punch is stored (never a binding without its punch);
        # a cut in between leaves a punch without a binding, which the retry or the next punch binds.
        row = make_row(body["device_id"] if first_device else device)
        if kind == "field":
            async with atomic():  # the leader's notice commits with the punch (and the binding)
                punch_id, bound = await punch_store.store_punch(row, bind)
                p = Punch(id=punch_id, **row)
                await _notify_leader(staff, p, reason)
        else:  # autocommitted INSERTs, coalesced with the other punches of the moment
            punch_id, bound = await punch_store.store_punch(row, bind)
            p = Punch(id=punch_id, **row)
    except pw.IntegrityError:
        p = await Punch.aget(Punch.staff == staff.id, Punch.minute_bucket == stamp_minute(now))
        return punch_out(p, repeat=True), False
    if first_device and rule["bind_device"] and bound != body["device_id"]:
        # Lost the race to another phone: the punch is marked for review like any other.
        fixed = make_row(bound)
        await Punch.update(flags=fixed["flags"], review_status=fixed["review_status"]).where(
            Punch.id == p.id).aexecute()
        p.flags, p.review_status = fixed["flags"], fixed["review_status"]
    return punch_out(p, repeat=False, inside=inside, rejected_proofs=rejected,
                     place_name=place.name if place else ""), True


def stamp_minute(now):
    return int(epoch(now)) // 60


async def _notify_leader(staff, p, reason):
    dept = await Department.aget_or_none(Department.id == staff.department_id)
    if dept and dept.leader_id and dept.leader_id != staff.id:
        await notify.raise_notification(
            recipient_ids=[dept.leader_id], kind="attendance.field_punch",
            title=f"{staff.name} 外勤打卡", body=reason,
            link=f"/package-team/review/index?punch={p.id}", data={"punch_id": p.id})


async def today(*, env, actor, now, lat=None, lng=None):
    """My day: schedule, punches, status so far, places (and whether a position is inside)."""
    staff = actor.staff
    day = stats.local_today(now)
    cfg = await rules.unit_config(staff.unit_id)
    chain = await rules.dept_chain(staff.department_id)
    sched = rules.pick_schedule(cfg.schedules, chain, day)
    info = await day_info(day, unit_id=staff.unit_id)
    lo, hi = stats.day_bounds_utc(day, day)
    punches = await fetch_all(Punch.select().where(Punch.staff == staff.id, Punch.at >= lo,
                                                   Punch.at < hi).order_by(Punch.at))
    result = (await stats.compute_days([staff], day, day, now_utc=now, store=False)).get((staff.id, day))
    places = [p for p in cfg.places if p.department_id is None or p.department_id in actor.dept_ids]
    inside = None
    if lat is not None and lng is not None:
        inside = any(distance_m(lat, lng, f["lat"], f["lng"]) <= f["radius"]
                     for p in places for f in p.fences)
    return {"date": day, "day": info.to_json(), "schedule": rules.schedule_out(sched) or
            {"name": "默认作息", **stats.DEFAULT_SCHEDULE},
            "rule": {k: cfg.rule[k] for k in ("proofs", "proofs_expr", "outside_policy")},
            "punches": [punch_out(p) for p in punches], "status": result,
            "places": [{"id": p.id, "name": p.name, "fences": p.fences, "qr_enabled": p.qr_enabled,
                        "wifi": bool(p.wifi_bssids)} for p in places],
            "inside": inside}


async def home_card(*, actor, now):
    """The mini-program home card: today's status in one line."""
    staff = actor.staff
    if staff.department_id is None or staff.is_service_account:
        return {"status": "none", "text": "无需考勤"}
    day = stats.local_today(now)
    lo, hi = stats.day_bounds_utc(day, day)
    punches = await fetch_all(Punch.select(Punch.at).where(
        Punch.staff == staff.id, Punch.at >= lo, Punch.at < hi).order_by(Punch.at))
    r = (await stats.compute_days([staff], day, day, now_utc=now, store=False))[(staff.id, day)]
    text = stats.STATUS_LABELS.get(r["status"], "")
    if r["late_minutes"]:
        text += f" {r['late_minutes']} 分钟"
    if r["leave_name"]:
        text = f"{r['leave_name']}" + ("（半天）" if r["leave_half"] in ("am", "pm") else "")
    return {"status": r["status"], "text": text, "day_kind": r["day_kind"],
            "punches": len(punches), "last_at": punches[-1].at if punches else None}


# ---- device binding (一人一机) ----------------------------------------------------------------

def device_request_out(r, staff=None):
    return {"id": r.id, "staff_id": r.staff_id, "staff_name": getattr(staff, "name", None),
            "device_id": r.device_id, "reason": r.reason, "status": r.status,
            "note": r.note, "created_at": r.created_at, "decided_at": r.decided_at}


async def request_device_change(*, actor, device_id, reason):
    actor.require("attendance.punch")
    async with atomic():
        if await get_one(DeviceChangeRequest.select().where(
                DeviceChangeRequest.staff == actor.id, DeviceChangeRequest.status == "pending")):
            raise Invalid("已有待处理的换机申请", code="DEVICE_CHANGE_PENDING")
        r = await DeviceChangeRequest.acreate(staff=actor.id, unit=actor.unit_id,
                                              device_id=device_id, reason=reason)
        await audit.record(actor=actor, action="attendance.device_change.request",
                           target_type="device_change", target_id=r.id,
                           after={"device_id": device_id, "reason": reason})
    return device_request_out(r, actor.staff)


async def list_device_changes(*, actor, status="pending"):
    reach = await actor.require_reach("attendance.manage")
    rows = await fetch_all(DeviceChangeRequest.select(DeviceChangeRequest, Staff).join(
        Staff, on=(DeviceChangeRequest.staff == Staff.id)).where(
        DeviceChangeRequest.status == status, reach.staff_filter(Staff)).order_by(DeviceChangeRequest.id))
    return [device_request_out(r, r.staff) for r in rows]


async def decide_device_change(*, actor, request_id, decision, note=""):
    r = await DeviceChangeRequest.aget_or_none(DeviceChangeRequest.id == request_id)
    if r is None:
        raise NotFound("换机申请不存在", code="DEVICE_CHANGE_NOT_FOUND")
    try:
        await get_staff_in_reach(actor, "attendance.manage", r.staff_id)
    except NotFound:
        raise NotFound("换机申请不存在", code="DEVICE_CHANGE_NOT_FOUND") from None
    refuse_own(actor, r.staff_id, "审批本人的换机申请")
    if r.status != "pending":
        raise Invalid("该申请已处理", code="DEVICE_CHANGE_DECIDED")
    status = "approved" if decision == "approve" else "rejected"
    async with atomic():
        await DeviceChangeRequest.update(status=status, decided_by=actor.id, decided_at=utcnow(),
                                         note=note).where(DeviceChangeRequest.id == r.id).aexecute()
        if status == "approved":
            old = await DeviceBinding.aget_or_none(DeviceBinding.staff == r.staff_id)
            await DeviceBinding.delete().where(DeviceBinding.staff == r.staff_id).aexecute()
            await DeviceBinding.acreate(staff=r.staff_id, device_id=r.device_id, updated_at=utcnow())
        await audit.record(actor=actor, action=f"attendance.device_change.{status}",
                           target_type="device_change", target_id=r.id,
                           before={"device_id": old.device_id if status == "approved" and old else None},
                           after={"device_id": r.device_id, "status": status, "note": note})
        await notify.raise_notification(recipient_ids=[r.staff_id], kind="attendance.device_change",
                                        title="换机申请已通过" if status == "approved" else "换机申请未通过",
                                        body=note)
    r = await DeviceChangeRequest.aget(DeviceChangeRequest.id == r.id)
    return device_request_out(r)


# ---- review of flagged punches (异常打卡复核) --------------------------------------------------

async def review_queue(*, actor, page=1, page_size=20, status="pending"):
    reach = await actor.require_reach("attendance.review")
    q = (Punch.select(Punch, Staff).join(Staff, on=(Punch.staff == Staff.id))
         .where(Punch.review_status == status, reach.staff_filter(Staff)))
    total = await count(q)
    rows = await fetch_all(q.order_by(Punch.at.desc()).paginate(page, page_size))
    return [punch_out(p, staff_name=p.staff.name, employee_no=p.staff.employee_no) for p in rows], total


async def review_punch(*, actor, punch_id, decision, note, now):
    p = await Punch.aget_or_none(Punch.id == punch_id)
    if p is None:
        raise NotFound("打卡记录不存在", code="PUNCH_NOT_FOUND")
    try:
        await get_staff_in_reach(actor, "attendance.review", p.staff_id)
    except NotFound:
        raise NotFound("打卡记录不存在", code="PUNCH_NOT_FOUND") from None
    refuse_own(actor, p.staff_id, "复核本人的打卡")
    if p.review_status != "pending":
        raise Invalid("该打卡无需复核或已复核", code="PUNCH_NOT_PENDING")
    status = "accepted" if decision == "accept" else "rejected"
    day = stats.local(p.at).date()
    async with atomic():
        await Punch.update(review_status=status, review_note=note, reviewed_by=actor.id,
                           reviewed_at=utcnow()).where(Punch.id == p.id).aexecute()
        await audit.record(actor=actor, action=f"attendance.punch.{status}", target_type="punch",
                           target_id=p.id, before={"review_status": "pending", "flags": p.flags},
                           after={"review_status": status, "note": note}, unit_id=p.unit_id)
        await stats.recompute([p.staff_id], day, day, now_utc=now)
    return punch_out(await Punch.aget(Punch.id == p.id))


async def hr_recompute(*, actor, start, end, now, department_id=None, staff_id=None):
    reach = await actor.require_reach("attendance.manage")
    if (end - start).days > 92 or end < start:
        raise Invalid("重新计算的日期范围应在 3 个月以内", code="RANGE_TOO_LONG")
    q = Staff.select(Staff.id).where(reach.staff_filter(Staff), Staff.status == "active",
                                     Staff.is_service_account == False)  # noqa: E712
    if staff_id:
        await get_staff_in_reach(actor, "attendance.manage", staff_id)
        q = q.where(Staff.id == staff_id)
    if department_id:
        dept = await Department.aget_or_none(Department.id == department_id)
        if dept is None or not reach.covers_department(dept.id, dept.unit_id):
            raise NotFound("部门不存在或不在您的管理范围内", code="DEPARTMENT_NOT_FOUND")
        q = q.where(Staff.department == department_id)
    ids = [s.id for s in await fetch_all(q)]
    async with atomic():
        n = await stats.recompute(ids, start, end, now_utc=now)
        await audit.record(actor=actor, action="attendance.recompute", target_type="day_status",
                           after={"start": start, "end": end, "staff": len(ids)})
    return {"staff": len(ids), "days": n}


# ---- events ----------------------------------------------------------------------------------

async def on_leave_changed(*, staff_id, start, end, **_):
    """An approved/withdrawn leave or trip: recompute the person's stored days."""
    await stats.recompute([staff_id], start, end, now_utc=utcnow())


async def on_staff_left(*, staff_id, effective_date, **_):
    """A leaving (retirement) recorded, possibly late: stored days from its effective date are
    judged again (as not on staff) on next need."""
    await DayStatus.delete().where(DayStatus.staff == staff_id,
                                   DayStatus.day >= effective_date).aexecute()


def register_subscribers():
    events.subscribe("leave.changed", on_leave_changed)
    events.subscribe("staff.left", on_staff_left)
