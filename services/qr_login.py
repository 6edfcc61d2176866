"""Scan-to-sign-in for the admin console (扫码登录): a short-lived state machine in Redis.

The browser side (admin console) calls `create_qr_login` and shows `qr_text`, then polls
`poll_qr_login` and, once "confirmed", calls `consume_qr_login` exactly once to get the staff id.
The mini-program side scans (`scan_qr_login`), then confirms or cancels.

    pending --scan--> scanned --confirm--> confirmed --consume--> (gone)
    pending / scanned --cancel--> cancelled;  any state --120 s--> expired

Scanning never signs in an administrator tier (三员): their service accounts have no WeChat, and
anyone holding a tier role is refused at scan, confirm and consume alike. They sign in with
password + TOTP only.
"""
import datetime
import hashlib
import secrets
import time

from models.base import atomic
from server.errors import Conflict, Forbidden, Gone
from services import audit
from services.access import load_principal
from services.permissions import SELF_SERVICE

QR_LOGIN_TTL = 120
QR_PREFIX = "mingjing://admin-login?sid="

# Compare-and-set on the state hash, atomically. KEYS[1]: the hash. ARGV[1]: allowed current
# states ("a,b"); ARGV[2]: who acts (refused if someone else already scanned; "" = anyone); the
# rest: field/value pairs to set.
# Returns the previous state, or "" when the key is gone, or "!<state>" when the move is refused.
_CAS = """
local s = redis.call('HGET', KEYS[1], 'state')
if not s then return '' end
local ok = false
for st in string.gmatch(ARGV[1], '[^,]+') do if st == s then ok = true end end
local by = redis.call('HGET', KEYS[1], 'scanned_by') or ''
if ok and ARGV[2] ~= '' and by ~= '' and by ~= ARGV[2] then ok = false end
if not ok then return '!' .. s end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return s
"""


def _key(sid):
    return "qrl:" + hashlib.sha256(sid.encode()).hexdigest()


def _ok_key(sid):
    return "qrl_ok:" + hashlib.sha256(sid.encode()).hexdigest()


def _as_text(value):
    return value.decode() if isinstance(value, bytes) else value


def _expires(record):
    return datetime.datetime.fromtimestamp(int(record["expires"]), datetime.timezone.utc)


def may_use_admin_console(principal):
    """Anyone holding a permission beyond self-service may sign in to the console by QR, except
    the three administrators (a service account, or any grant of an administrator tier). A
    department leader qualifies through leadership alone (services/access.LEADER_PERMISSIONS:
    their team's board, report, leave report and punch review), if they choose to sign in."""
    if principal.staff.is_service_account or principal.admin_tiers:
        return False
    return bool(principal.permissions - set(SELF_SERVICE))


async def create_qr_login(*, env, ip="", user_agent=""):
    """A new sign-in QR for a browser: {sid, qr_text, expires_at}. The sid is the browser's secret."""
    sid = secrets.token_urlsafe(24)
    expires = int(time.time()) + QR_LOGIN_TTL
    pipe = env.redis.pipeline()
    pipe.hset(_key(sid), mapping={"state": "pending", "ip": ip or "",
                                  "user_agent": (user_agent or "")[:200], "expires": expires,
                                  "scanned_by": "", "staff_id": ""})
    pipe.expire(_key(sid), QR_LOGIN_TTL)
    await pipe.execute()
    return {"sid": sid, "qr_text": QR_PREFIX + sid,
            "expires_at": datetime.datetime.fromtimestamp(expires, datetime.timezone.utc)}


async def _move(env, sid, allowed, *, by="", **fields):
    args = [",".join(allowed), str(by)]
    for name, value in fields.items():
        args += [name, str(value)]
    prev = _as_text(await env.redis.eval(_CAS, 1, _key(sid), *args))
    if not prev:
        raise Gone("二维码已过期，请在电脑上刷新后重新扫描", code="QR_LOGIN_EXPIRED")
    if prev.startswith("!"):
        raise Conflict(_STATE_MESSAGES.get(prev[1:], "二维码状态已变化，请刷新后重试"),
                       code="QR_LOGIN_STATE", fields={"state": prev[1:]})
    return prev


_STATE_MESSAGES = {
    "scanned": "该二维码已被其他人扫描",
    "confirmed": "该二维码已确认登录",
    "cancelled": "该次登录已取消，请在电脑上刷新二维码",
}


async def _record(env, sid):
    raw = await env.redis.hgetall(_key(sid))
    record = {_as_text(k): _as_text(v) for k, v in (raw or {}).items()}
    if not record.get("state"):
        raise Gone("二维码已过期，请在电脑上刷新后重新扫描", code="QR_LOGIN_EXPIRED")
    return record


def _require_console(actor):
    if actor.staff.is_service_account or actor.admin_tiers:
        raise Forbidden("三员账号只能在管理后台使用用户名、密码和动态口令登录",
                        code="QR_LOGIN_NOT_ALLOWED")
    if not may_use_admin_console(actor):
        raise Forbidden("您没有管理后台的使用权限", code="QR_LOGIN_NOT_ALLOWED")


async def scan_qr_login(*, env, actor, sid):
    """The mini-program scanned the QR: {sid, expires_at, ip, user_agent} of the waiting browser."""
    _require_console(actor)
    await _move(env, sid, ("pending", "scanned"), by=actor.id, state="scanned",
                scanned_by=actor.id)
    record = await _record(env, sid)
    return {"sid": sid, "expires_at": _expires(record), "ip": record.get("ip", ""),
            "user_agent": record.get("user_agent", "")}


async def confirm_qr_login(*, env, actor, sid):
    _require_console(actor)
    await _move(env, sid, ("scanned",), by=actor.id, state="confirmed",
                staff_id=actor.id)
    record = await _record(env, sid)
    ttl = await env.redis.ttl(_key(sid))
    await env.redis.set(_ok_key(sid), str(actor.id), ex=max(int(ttl or 0), 1))
    async with atomic():
        await audit.record(actor=actor, action="auth.qr_login.confirm", target_type="staff",
                           target_id=actor.id, after={"browser_ip": record.get("ip", ""),
                                                      "user_agent": record.get("user_agent", "")})
    return {"sid": sid, "state": "confirmed"}


async def cancel_qr_login(*, env, actor, sid):
    prev = await _move(env, sid, ("pending", "scanned"), by=actor.id, state="cancelled")
    record = await _record(env, sid)
    async with atomic():
        await audit.record(actor=actor, action="auth.qr_login.cancel", target_type="staff",
                           target_id=actor.id, after={"previous_state": prev,
                                                      "browser_ip": record.get("ip", ""),
                                                      "user_agent": record.get("user_agent", "")})
    return {"sid": sid, "state": "cancelled"}


async def poll_qr_login(*, env, sid):
    """{"state": pending|scanned|confirmed|cancelled|expired, "staff_id"? (when confirmed)}."""
    try:
        record = await _record(env, sid)
    except Gone:
        return {"state": "expired"}
    out = {"state": record["state"]}
    if record["state"] == "confirmed" and record.get("staff_id"):
        out["staff_id"] = int(record["staff_id"])
    return out


async def consume_qr_login(*, env, sid):
    """The confirmed staff id, once; None if not confirmed, expired or already consumed."""
    staff_id = _as_text(await env.redis.getdel(_ok_key(sid)))
    if not staff_id:
        return None
    await env.redis.delete(_key(sid))
    # Checked again at the last moment: a tier granted after the confirmation still refuses.
    principal = await load_principal(int(staff_id))
    if principal is None or not may_use_admin_console(principal):
        return None
    return int(staff_id)
