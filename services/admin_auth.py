"""Admin-console sign-in: password (scrypt) + TOTP, lock-out, scan-to-sign-in, console sessions.

Sign-in has two steps. The password step issues a short-lived "admin_pre" session that only
the TOTP step accepts; the TOTP step (or the first-time enrolment) issues the real "admin"
session, which expires after `security.admin_idle_minutes` without a request.
"""
import asyncio
import base64
import datetime
import io
import os
import time
import types

import qrcode
import qrcode.image.svg
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP
from peewee import JOIN

from models.admin import AdminCredential
from models.base import atomic, for_update, get_one, utcnow
from models.org import Staff, Unit
from server.errors import Forbidden, Invalid, NotFound, Unauthorized
from server.passwords import constant_time_equal, hash_password, password_problems, verify_password
from services import audit
from services.permissions import PERMISSIONS, SELF_SERVICE
from services.access import load_principal
from services.auth import check_login_rate, note_login_failure
from services.sessions import create_session, lookup_session, revoke_all_sessions, revoke_session

MAX_FAILURES = 5
LOCK_MINUTES = 15
PRE_AUTH_SECONDS = 300
SESSION_HOURS = 12
TOTP_STEP = 30
ISSUER = "明镜"
# Any of these lets a person use the console (the pages each need their own).
# Anyone holding a permission beyond self-service may use the console (as for scan-to-sign-in).
CONSOLE_PERMISSIONS = tuple(p for p in PERMISSIONS if p not in SELF_SERVICE)
_DUMMY_HASH = None


def _totp(secret_bytes):
    return TOTP(secret_bytes, 6, SHA1(), TOTP_STEP, enforce_key_length=True)


def totp_code(secret_b32, at=None):
    """The current code for a base32 secret (used by tests and the enrolment page)."""
    return _totp(base64.b32decode(secret_b32)).generate(at or time.time()).decode()


def qr_svg(text, box_size=6):
    """An inline SVG QR code (no image file, no external service)."""
    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size,
                      border=2)
    out = io.BytesIO()
    img.save(out)
    return out.getvalue().decode()


def is_console_user(principal):
    return principal is not None and any(principal.has(p) for p in CONSOLE_PERMISSIONS)


def _actor(ip, request_id, staff=None):
    """Audit actor for sign-in events, before anyone is signed in."""
    return types.SimpleNamespace(id=staff.id if staff else None, staff=staff,
                                 unit_id=staff.unit_id if staff else None,
                                 ip=ip, request_id=request_id)


async def _run_blocking(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


async def _dummy_hash():
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = await _run_blocking(hash_password, os.urandom(12).hex())
    return _DUMMY_HASH


def _lock_message(cred):
    minutes = max(1, int((cred.locked_until - utcnow()).total_seconds() // 60) + 1)
    return f"连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试"


async def _register_failure(cred, *, ip, request_id, reason):
    """Count one failure; the fifth locks the account for LOCK_MINUTES (raises ACCOUNT_LOCKED).
    Returns a hint about the attempts left."""
    async with atomic():
        row = await get_one(for_update(AdminCredential.select().where(AdminCredential.id == cred.id)))
        staff = await Staff.aget(Staff.id == row.staff_id)
        failures = row.failed_count + 1
        actor = _actor(ip, request_id)
        actor.unit_id = staff.unit_id
        await audit.record(actor=actor, action="admin.login_failed", target_type="staff",
                           target_id=staff.id, unit_id=staff.unit_id,
                           after={"username": row.username, "reason": reason, "failures": failures})
        if failures >= MAX_FAILURES:
            until = utcnow() + datetime.timedelta(minutes=LOCK_MINUTES)
            await AdminCredential.update(failed_count=0, locked_until=until).where(
                AdminCredential.id == row.id).aexecute()
            await audit.record(actor=actor, action="admin.lock", target_type="staff",
                               target_id=staff.id, unit_id=staff.unit_id,
                               after={"username": row.username, "locked_until": until,
                                      "minutes": LOCK_MINUTES})
            locked = True
        else:
            locked = False
            await AdminCredential.update(failed_count=failures).where(
                AdminCredential.id == row.id).aexecute()
    if locked:
        raise Forbidden(f"连续 {MAX_FAILURES} 次登录失败，账号已锁定 {LOCK_MINUTES} 分钟，请稍后再试",
                        code="ACCOUNT_LOCKED")
    left = MAX_FAILURES - failures
    return f"剩余 {left} 次尝试机会" if left <= 2 else ""


def _check_not_locked(cred):
    if cred.locked_until and cred.locked_until > utcnow():
        raise Forbidden(_lock_message(cred), code="ACCOUNT_LOCKED")


# One answer for an unknown username, a wrong password and a locked account, at the same cost
# (one scrypt check and one audited write each), so neither the message, the status nor the time
# tells which usernames exist or are locked.
BAD_CREDENTIALS_MESSAGE = (f"用户名或密码错误（连续 {MAX_FAILURES} 次失败账号将锁定 {LOCK_MINUTES} 分钟，"
                           "锁定期间无法登录）")


def _bad_credentials():
    return Unauthorized(BAD_CREDENTIALS_MESSAGE, code="BAD_CREDENTIALS")


async def password_step(*, env, username, password, ip, request_id):
    """Check username + password. Returns {"pre_token", "stage": "totp" | "enrol"}."""
    username = (username or "").strip()
    await check_login_rate(env=env, ip=ip, account=f"admin:{username}")
    cred = await AdminCredential.aget_or_none(AdminCredential.username == username) if username else None
    ok = await _run_blocking(verify_password, password or "",
                             cred.password_hash if cred else await _dummy_hash())
    if cred is None:
        async with atomic():
            await audit.record(actor=_actor(ip, request_id), action="admin.login_failed",
                               target_type="admin_login", target_id="",
                               after={"username": username[:50], "reason": "unknown_user"})
        await note_login_failure(env=env, ip=ip)
        raise _bad_credentials()
    if cred.locked_until and cred.locked_until > utcnow():
        async with atomic():
            await audit.record(actor=_actor(ip, request_id), action="admin.login_failed",
                               target_type="staff", target_id=cred.staff_id,
                               after={"username": cred.username, "reason": "locked"})
        await note_login_failure(env=env, ip=ip)
        raise _bad_credentials()
    if not ok:
        try:
            await _register_failure(cred, ip=ip, request_id=request_id, reason="password")
        except Forbidden:  # this failure locked the account: say no more than for any other
            pass
        await note_login_failure(env=env, ip=ip)
        raise _bad_credentials()
    staff = await Staff.aget_or_none(Staff.id == cred.staff_id)
    if staff is None or staff.status == "retired" and not staff.is_service_account:
        raise Unauthorized("该账号已停用", code="ACCOUNT_DISABLED")
    token, _ = await create_session(env.redis, staff_id=staff.id, kind="admin_pre",
                                    ttl_seconds=PRE_AUTH_SECONDS)
    return {"pre_token": token, "stage": "totp" if cred.totp_enabled else "enrol"}


async def _pre_credential(env, pre_token):
    session = await lookup_session(env.redis, pre_token, kind="admin_pre")
    if session is None:
        raise Unauthorized("登录步骤已过期，请重新输入用户名和密码", code="PRE_AUTH_EXPIRED")
    cred = await AdminCredential.aget_or_none(AdminCredential.staff == session["staff_id"])
    if cred is None:
        raise Unauthorized("账号不存在", code="BAD_CREDENTIALS")
    return cred


async def pending_stage(*, env, pre_token):
    """"totp" or "enrol" for a valid pre-auth token, else None."""
    session = await lookup_session(env.redis, pre_token, kind="admin_pre") if pre_token else None
    if session is None:
        return None
    cred = await AdminCredential.aget_or_none(AdminCredential.staff == session["staff_id"])
    if cred is None:
        return None
    return "totp" if cred.totp_enabled else "enrol"


async def enrolment(*, env, pre_token):
    """The secret to enrol (created and stored encrypted on first view): {secret, uri, qr_svg}."""
    cred = await _pre_credential(env, pre_token)
    if cred.totp_enabled:
        raise Forbidden("动态口令已绑定", code="TOTP_ALREADY_ENROLLED")
    secret = env.cipher.decrypt(cred.totp_secret_enc) if cred.totp_secret_enc else None
    if not secret:
        secret = base64.b32encode(os.urandom(20)).decode()
        await AdminCredential.update(totp_secret_enc=env.cipher.encrypt(secret)).where(
            AdminCredential.id == cred.id, AdminCredential.totp_enabled == False).aexecute()  # noqa: E712
    uri = _totp(base64.b32decode(secret)).get_provisioning_uri(cred.username, ISSUER)
    return {"secret": secret, "uri": uri, "username": cred.username, "qr_svg": qr_svg(uri)}


# Compare-and-set of the last accepted step, in one Redis round trip: of concurrent requests
# carrying the same code exactly one moves the step forward, the others see it already taken.
_ACCEPT_STEP = """
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > last then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
return 0
"""


async def _code_matches(env, cred, secret, code):
    """Accept the current step ±1, never a step at or before the last accepted one (no replay),
    and one code opens one session even under concurrency (atomic accept of the step)."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return False
    totp = _totp(base64.b32decode(secret))
    now_step = int(time.time() // TOTP_STEP)
    matched = None
    for step in (now_step - 1, now_step, now_step + 1):
        if constant_time_equal(totp.generate(step * TOTP_STEP).decode(), code):
            matched = step
    if matched is None:
        return False
    accepted = await env.redis.eval(_ACCEPT_STEP, 1, f"admin-totp-step:{cred.id}", matched,
                                    TOTP_STEP * 4)
    return int(accepted) == 1


async def totp_step(*, env, pre_token, code, ip, user_agent, request_id):
    """Check the TOTP code (or confirm enrolment) and open the console session."""
    cred = await _pre_credential(env, pre_token)
    await check_login_rate(env=env, ip=ip, account=f"admin:{cred.username}")
    _check_not_locked(cred)
    secret = env.cipher.decrypt(cred.totp_secret_enc) if cred.totp_secret_enc else None
    if not secret:
        raise Invalid("请先绑定动态口令", code="TOTP_NOT_ENROLLED")
    if not await _code_matches(env, cred, secret, code):
        extra = await _register_failure(cred, ip=ip, request_id=request_id, reason="totp")
        raise Invalid("动态口令错误" + (f"（{extra}）" if extra else ""), code="BAD_TOTP",
                      fields={"code": "动态口令错误"})
    enrolling = not cred.totp_enabled
    await revoke_session(env.redis, pre_token)
    async with atomic():
        await AdminCredential.update(totp_enabled=True, failed_count=0, locked_until=None,
                                     last_login_at=utcnow()).where(
            AdminCredential.id == cred.id).aexecute()
        if enrolling:
            principal = await _principal(cred.staff_id, ip, request_id)
            await audit.record(actor=principal, action="admin.totp_enrol", target_type="staff",
                               target_id=cred.staff_id)
    if cred.must_change_password:
        # Both factors passed, but the initial password must go before any console page opens:
        # no console session yet, only a short "admin_change" step that the change page accepts.
        token, _ = await create_session(env.redis, staff_id=cred.staff_id, kind="admin_change",
                                        ttl_seconds=PRE_AUTH_SECONDS * 2)
        return {"change_token": token}
    return await open_session(env=env, staff_id=cred.staff_id, ip=ip, user_agent=user_agent,
                              request_id=request_id, method="password+totp")


# Password change (修改密码): voluntary from the console, forced after the first sign-in.

def _check_new_password(current, new, repeat):
    new = new or ""
    if new != (repeat or ""):
        raise Invalid("两次输入的新密码不一致", code="PASSWORD_MISMATCH",
                      fields={"repeat": "两次输入的新密码不一致"})
    problems = password_problems(new)
    if problems:
        raise Invalid("新密码强度不足：" + "；".join(problems), code="WEAK_PASSWORD",
                      fields={"new": "；".join(problems)})
    if new == (current or ""):
        raise Invalid("新密码不能与当前密码相同", code="PASSWORD_UNCHANGED",
                      fields={"new": "新密码不能与当前密码相同"})


async def _replace_password(cred, *, actor, current, new, repeat, forced):
    """Check the current password (a wrong one counts toward the lock-out), then store the new."""
    _check_not_locked(cred)
    if not await _run_blocking(verify_password, current or "", cred.password_hash):
        extra = await _register_failure(cred, ip=actor.ip, request_id=actor.request_id,
                                        reason="password_change")
        raise Invalid("当前密码错误" + (f"（{extra}）" if extra else ""), code="BAD_PASSWORD",
                      fields={"current": "当前密码错误"})
    _check_new_password(current, new, repeat)
    pw_hash = await _run_blocking(hash_password, new)
    async with atomic():
        await AdminCredential.update(password_hash=pw_hash, must_change_password=False,
                                     password_changed_at=utcnow(), failed_count=0).where(
            AdminCredential.id == cred.id).aexecute()
        await audit.record(actor=actor, action="admin.password_change", target_type="staff",
                           target_id=cred.staff_id, after={"forced": forced})


async def change_stage_valid(*, env, change_token):
    session = await lookup_session(env.redis, change_token, kind="admin_change") if change_token else None
    return session is not None


async def forced_password_change(*, env, change_token, current, new, repeat, ip, user_agent,
                                 request_id):
    """The first sign-in's password change; on success the console session opens."""
    session = await lookup_session(env.redis, change_token, kind="admin_change") if change_token else None
    if session is None:
        raise Unauthorized("登录步骤已过期，请重新登录", code="PRE_AUTH_EXPIRED")
    cred = await AdminCredential.aget_or_none(AdminCredential.staff == session["staff_id"])
    if cred is None:
        raise Unauthorized("账号不存在", code="BAD_CREDENTIALS")
    principal = await _principal(cred.staff_id, ip, request_id)
    await _replace_password(cred, actor=principal, current=current, new=new, repeat=repeat,
                            forced=True)
    await revoke_session(env.redis, change_token)
    return await open_session(env=env, staff_id=cred.staff_id, ip=ip, user_agent=user_agent,
                              request_id=request_id, method="password+totp")


async def has_password(*, actor):
    return await AdminCredential.aget_or_none(AdminCredential.staff == actor.id) is not None


async def change_password(*, env, actor, current, new, repeat):
    """A signed-in administrator replaces their password (people who sign in by QR have none)."""
    cred = await AdminCredential.aget_or_none(AdminCredential.staff == actor.id)
    if cred is None:
        raise Invalid("您通过小程序扫码登录，没有管理后台密码", code="NO_PASSWORD")
    await _replace_password(cred, actor=actor, current=current, new=new, repeat=repeat,
                            forced=False)


# Administrator accounts (管理员账号): the 安全保密管理员 resets another administrator's TOTP.

async def _security_reach(actor):
    if "security" not in actor.admin_tiers:
        raise Forbidden("只有安全保密管理员可以管理管理员账号", code="PERMISSION_DENIED")
    return await actor.require_reach("role.grant")


def _in_reach(reach, unit_id):
    return reach.everything or unit_id in reach.unit_ids


async def list_admins(*, env, actor):
    """Console credentials in the security administrator's units: name, roles, TOTP state."""
    from models.base import fetch_all

    reach = await _security_reach(actor)
    rows = await fetch_all(AdminCredential.select(AdminCredential, Staff).join(
        Staff, on=(AdminCredential.staff == Staff.id)).order_by(AdminCredential.username))
    out = []
    for cred in rows:
        if not _in_reach(reach, cred.staff.unit_id):
            continue
        principal = await load_principal(cred.staff_id)
        out.append({"staff_id": cred.staff_id, "username": cred.username, "name": cred.staff.name,
                    "roles": "、".join(g.role_name for g in principal.grants) if principal else "",
                    "totp_enabled": cred.totp_enabled, "must_change": cred.must_change_password,
                    "last_login_at": cred.last_login_at, "self": cred.staff_id == actor.id})
    return out


async def reset_totp(*, env, actor, staff_id):
    """Unbind another administrator's TOTP (lost phone): they enrol again at the next sign-in,
    and their open console sessions end. Never one's own (a second person must do it)."""
    reach = await _security_reach(actor)
    if staff_id == actor.id:
        raise Forbidden("不能重置自己的动态口令，请由另一名安全保密管理员办理", code="TOTP_RESET_SELF")
    cred = await AdminCredential.aget_or_none(AdminCredential.staff == staff_id)
    staff = await Staff.aget_or_none(Staff.id == staff_id) if cred else None
    if staff is None or not _in_reach(reach, staff.unit_id):
        raise NotFound("管理员账号不存在", code="ADMIN_NOT_FOUND")
    async with atomic():
        await AdminCredential.update(totp_enabled=False, totp_secret_enc=None).where(
            AdminCredential.id == cred.id).aexecute()
        await audit.record(actor=actor, action="admin.totp_reset", target_type="staff",
                           target_id=staff_id, unit_id=staff.unit_id,
                           before={"totp_enabled": cred.totp_enabled},
                           after={"totp_enabled": False, "username": cred.username})
    await revoke_all_sessions(env.redis, staff_id)
    await env.redis.delete(f"admin-totp-step:{cred.id}")
    return {"username": cred.username, "name": staff.name}


async def _principal(staff_id, ip, request_id):
    principal = await load_principal(staff_id)
    if principal is None:
        raise Unauthorized("该账号已停用", code="ACCOUNT_DISABLED")
    principal.ip, principal.request_id = ip, request_id
    return principal


async def open_session(*, env, staff_id, ip, user_agent, request_id, method):
    principal = await _principal(staff_id, ip, request_id)
    if not is_console_user(principal):
        raise Forbidden("该账号没有管理后台的使用权限", code="NOT_CONSOLE_USER")
    idle = env.config.security.admin_idle_minutes * 60
    token, record = await create_session(
        env.redis, staff_id=staff_id, kind="admin", ttl_seconds=SESSION_HOURS * 3600,
        idle_seconds=idle, meta={"ip": ip, "ua": (user_agent or "")[:200], "method": method})
    async with atomic():
        await audit.record(actor=principal, action="admin.login", target_type="staff",
                           target_id=staff_id, after={"method": method})
    return {"token": token, "staff_id": staff_id, "expires": record["expires"]}


async def console_session(*, env, token):
    """The admin session record for a cookie token (sliding idle timeout), or None."""
    return await lookup_session(env.redis, token, kind="admin") if token else None


async def logout(*, env, actor, token):
    await revoke_session(env.redis, token)
    async with atomic():
        await audit.record(actor=actor, action="admin.logout", target_type="staff",
                           target_id=actor.id)


# Scan-to-sign-in (扫码登录): the QR session itself lives in services/qr_login.py.

async def start_qr_login(*, env, ip, user_agent):
    from services import qr_login

    result = await qr_login.create_qr_login(env=env, ip=ip, user_agent=user_agent)
    return {**result, "qr_svg": qr_svg(result["qr_text"], box_size=5)}


async def poll_qr_login(*, env, sid, ip, user_agent, request_id):
    """{"state": ...}; on "confirmed" the QR is consumed (once) and {"token"} opens the console."""
    from services import qr_login

    state = await qr_login.poll_qr_login(env=env, sid=sid)
    if state.get("state") != "confirmed":
        return {"state": state.get("state", "expired")}
    staff_id = await qr_login.consume_qr_login(env=env, sid=sid)
    if not staff_id:
        return {"state": "expired"}
    try:
        session = await open_session(env=env, staff_id=staff_id, ip=ip, user_agent=user_agent,
                                     request_id=request_id, method="qr")
    except (Forbidden, Unauthorized) as exc:
        return {"state": "denied", "message": exc.message}
    return {"state": "confirmed", "token": session["token"]}


# Dev-mode "模拟扫码" (fake WeChat only): the people who would sign in by scanning the QR (HR
# officers, data checkers, leaders) cannot scan in dev without a phone, so the login page lets a
# developer pick one and completes the same sign-in (the same console check, audited as admin.login
# with method "dev_scan"). Never offered, and refused, when WeChat is real.

def dev_scan_enabled(env):
    return bool(env.config.fake_wechat)


def _require_dev_scan(env):
    if not dev_scan_enabled(env):
        raise NotFound("页面或记录不存在", code="NOT_FOUND")


async def dev_scan_candidates(*, env, limit=60):
    """Active people allowed into the console by QR: [{staff_id, name, department, roles}]."""
    from models.access import Grant
    from models.base import fetch_all
    from models.org import Department
    from services.qr_login import may_use_admin_console

    _require_dev_scan(env)
    ids = {g.staff_id for g in await fetch_all(Grant.select(Grant.staff).distinct())}
    ids |= {d.leader_id for d in await fetch_all(Department.select(Department.leader).where(
        Department.leader.is_null(False)))}
    rows = await fetch_all(Staff.select(Staff, Department).join(
        Department, JOIN.LEFT_OUTER, on=(Staff.department == Department.id)).where(
        Staff.id.in_(list(ids) or [0]), Staff.status == "active",
        Staff.is_service_account == False).order_by(Staff.unit, Staff.id).limit(limit))  # noqa: E712
    units = {u.id: u.name for u in await fetch_all(Unit.select(Unit.id, Unit.name))}
    out = []
    for staff in rows:
        principal = await load_principal(staff.id)
        if principal is None or not may_use_admin_console(principal):
            continue
        dept = staff.department.name if staff.department_id else ""
        roles = "、".join(g.role_name for g in principal.grants) or "部门领导"
        out.append({"staff_id": staff.id, "name": staff.name, "unit": units.get(staff.unit_id, ""),
                    "department": dept, "roles": roles})
    return out


async def dev_scan_login(*, env, staff_id, ip, user_agent, request_id):
    """Complete a QR sign-in as `staff_id` without a phone (fake mode only)."""
    from services.qr_login import may_use_admin_console

    _require_dev_scan(env)
    principal = await load_principal(staff_id) if staff_id else None
    if principal is None or not may_use_admin_console(principal):
        raise Forbidden("该人员不能扫码登录管理后台", code="QR_LOGIN_NOT_ALLOWED")
    return await open_session(env=env, staff_id=staff_id, ip=ip, user_agent=user_agent,
                              request_id=request_id, method="dev_scan")


async def unit_name(unit_id):
    unit = await Unit.aget_or_none(Unit.id == unit_id) if unit_id else None
    return unit.name if unit else "明镜人事管理系统"


# Console home (工作台): the counts that matter today, each inside the caller's reach.

async def dashboard(*, env, actor, now=None):
    from models.base import count
    from models.binding import BindingRequest
    from services.binding import request_filter

    now = now or utcnow()
    out = {}
    if actor.has("staff.view"):
        reach = await actor.reach("staff.view")
        active = Staff.select().where(reach.staff_filter(Staff), Staff.status == "active",
                                      Staff.is_service_account == False)  # noqa: E712
        out["staff"] = await count(active)
        out["unbound"] = await count(active.where(Staff.openid.is_null()))
    if actor.has("binding.view"):
        reach = await actor.reach("binding.view")
        open_q = BindingRequest.select().where(request_filter(reach), BindingRequest.status == "open")
        local_today_end = local_day_end_utc(now)
        out["open_requests"] = await count(open_q)
        out["overdue_requests"] = await count(open_q.where(BindingRequest.deadline_at < now))
        out["due_today"] = await count(open_q.where(BindingRequest.deadline_at >= now,
                                                    BindingRequest.deadline_at < local_today_end))
    # What matters today beyond the org: approvals waiting for me, today's attendance board.
    from services import approvals, attendance_stats

    out["approvals_waiting"] = await approvals.waiting_count(actor=actor)
    if actor.has("attendance.view"):
        board = await attendance_stats.board(actor=actor, department_id=None, now=now)
        out["attendance"] = {"date": board["date"], "total": board["total"], **board["counts"]}
    return out


def local_day_end_utc(now_utc):
    """The end of today in Beijing time, as naive UTC (for "due today")."""
    from zoneinfo import ZoneInfo

    local = now_utc.replace(tzinfo=datetime.timezone.utc).astimezone(ZoneInfo("Asia/Shanghai"))
    end = (local + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return end.astimezone(datetime.timezone.utc).replace(tzinfo=None)
