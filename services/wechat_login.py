"""WeChat sign-in and self-service binding: code login, the binding ticket, bind by phone.

(Binding by invite lives in services.binding with the invites; it imports this module, never the
reverse.)

An unbound WeChat gets a binding ticket: random, 30 minutes, stored in Redis as a hash only, with
the openid and (once WeChat has verified it) the phone number encrypted, plus the last conflict
so a binding request can carry what the server itself established.
"""
import datetime
import hashlib
import json
import secrets
import time
import types

import peewee as pw

from models.base import atomic, fetch_all, utcnow
from models.org import Staff
from server.crypto import mask_phone
from server.errors import BadRequest, Conflict, Unauthorized
from services import audit
from services.access import load_principal
from services.auth import (check_account_login_rate, check_address_rate, check_code_rate,
                           issue_session, note_login_failure, refuse_service_account)
from services.sessions import revoke_all_sessions

TICKET_TTL = 30 * 60
CONFLICT_ERRORS = {
    "no_record": ("BINDING_NO_RECORD", "未找到登记该手机号的人员记录"),
    "ambiguous": ("BINDING_PHONE_AMBIGUOUS", "该手机号对应多条人员记录，无法自动绑定"),
    "bound_elsewhere": ("BINDING_PHONE_BOUND_ELSEWHERE", "该手机号对应的人员记录已绑定其他微信"),
    "record_bound_elsewhere": ("BINDING_RECORD_BOUND_ELSEWHERE", "该人员记录已绑定其他微信"),
}


def _ticket_key(ticket):
    return "bind_ticket:" + hashlib.sha256(ticket.encode()).hexdigest()


def mask_openid(openid):
    return (openid[:4] + "****") if openid else ""


def epoch_to_datetime(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)


async def create_ticket(env, openid):
    ticket = secrets.token_urlsafe(32)
    expires = int(time.time()) + TICKET_TTL
    record = {"openid": openid, "expires": expires}
    await env.redis.set(_ticket_key(ticket), json.dumps(record), ex=TICKET_TTL)
    return ticket, expires


async def load_ticket(env, ticket):
    """The ticket's record (with "_key" for saving it back), or 401 TICKET_EXPIRED."""
    raw = await env.redis.get(_ticket_key(ticket)) if ticket and len(ticket) <= 200 else None
    if not raw:
        raise Unauthorized("绑定凭证已过期，请重新进入小程序", code="TICKET_EXPIRED")
    record = json.loads(raw)
    record["_key"] = _ticket_key(ticket)
    return record


async def save_ticket(env, record):
    data = {k: v for k, v in record.items() if k != "_key"}
    await env.redis.set(record["_key"], json.dumps(data), keepttl=True)


async def drop_ticket(env, record):
    await env.redis.delete(record["_key"])


async def actor_for(staff_id, *, ip, request_id, env=None):
    """The Principal of a person acting without a session yet (binding), for the audit entry."""
    principal = await load_principal(staff_id)
    principal.ip, principal.request_id, principal.env = ip, request_id, env
    return principal


def applicant_actor(name, *, ip, request_id, unit_id=None):
    """Audit actor for someone with no staff record behind them yet."""
    return types.SimpleNamespace(id=None, staff=types.SimpleNamespace(name=f"申请人：{name}"[:50]),
                                 unit_id=unit_id, ip=ip, request_id=request_id)


def conflict_error(kind, phone_masked):
    code, message = CONFLICT_ERRORS[kind]
    return Conflict(message + "，可提交绑定申请由管理员核实处理", code=code,
                    fields={"conflict": kind, "phone_masked": phone_masked})


async def wechat_login(*, env, code, ip, request_id):
    """wx.login code -> a session if this WeChat is bound to an active person, else a ticket.

    Limited per code and per WeChat identity first; the address only has an office-sized budget
    and a small budget of rejected codes (see services.auth)."""
    await check_code_rate(env=env, code=code)
    await check_address_rate(env=env, ip=ip)
    try:
        session = await env.wechat.code_to_session(code)
    except (BadRequest, Conflict):  # a code WeChat rejected: a guess or a replay
        await note_login_failure(env=env, ip=ip)
        raise
    openid = session["openid"]
    await check_account_login_rate(env=env, account="wx:" + openid)
    staff = await Staff.aget_or_none(Staff.openid == openid, Staff.status == "active")
    if staff is not None:
        await _remember_unionid(env, staff.id, session.get("unionid"))
        result = await issue_session(env=env, staff=staff, ip=ip, request_id=request_id,
                                     method="wechat")
        result["expires_at"] = epoch_to_datetime(result["expires_at"])
        return {"status": "bound", **result}
    ticket, expires = await create_ticket(env, openid)
    return {"status": "unbound", "ticket": ticket, "expires_at": epoch_to_datetime(expires)}


async def _remember_unionid(env, staff_id, unionid):
    """The unionid (present when the mini-program and the unit's official account share an
    open-platform account) lets official-account reminders find this person; never a reason to
    refuse a sign-in."""
    if not unionid:
        return
    from services import official_account

    try:
        await official_account.remember_unionid(env, staff_id, unionid)
    except Exception:  # noqa: BLE001
        import logging
        logging.getLogger("mingjing.wechat_login").exception("could not store the unionid")


async def bind_openid(*, staff, openid, actor, method, extra=None):
    """Set the openid on a record that has none. Call inside `async with atomic()`.

    Every self-service binding goes through here; a service account (三员) is refused."""
    refuse_service_account(staff)
    other = await Staff.aget_or_none(Staff.openid == openid, Staff.id != staff.id)
    if other is not None:
        raise Conflict("该微信已绑定其他人员记录，请先在原账号中解除绑定", code="BINDING_WECHAT_IN_USE")
    try:
        changed = await Staff.update(openid=openid, updated_at=utcnow()).where(
            Staff.id == staff.id, Staff.openid.is_null()).aexecute()
    except pw.IntegrityError:
        raise Conflict("该微信已绑定其他人员记录", code="BINDING_WECHAT_IN_USE") from None
    if changed != 1:
        raise conflict_error("record_bound_elsewhere", "")
    await audit.record(actor=actor, action="binding.bind", target_type="staff", target_id=staff.id,
                       unit_id=staff.unit_id, before={"openid": None},
                       after={"openid": mask_openid(openid), "method": method, **(extra or {})})


async def signed_in(env, staff, *, ip, request_id, method):
    result = await issue_session(env=env, staff=staff, ip=ip, request_id=request_id, method=method)
    result["expires_at"] = epoch_to_datetime(result["expires_at"])
    return {"status": "bound", **result}


async def bind_by_phone(*, env, ticket, phone_code, ip, request_id):
    record = await load_ticket(env, ticket)
    openid = record["openid"]
    phone = await env.wechat.get_phone_number(phone_code)
    masked = mask_phone(phone)
    # Keep the verified phone with the ticket: a binding request filed next carries it.
    record["phone_enc"] = env.cipher.encrypt(phone)
    matches = await fetch_all(Staff.select().where(
        Staff.phone_hash == env.cipher.blind_index(phone), Staff.status == "active",
        Staff.is_service_account == False).order_by(Staff.id))  # noqa: E712
    kind = None
    if not matches:
        kind = "no_record"
    elif len(matches) > 1:
        kind = "ambiguous"
    elif matches[0].openid and matches[0].openid != openid:
        kind = "bound_elsewhere"
    if kind:
        record["conflict"] = {"kind": kind, "staff_ids": [s.id for s in matches]}
        await save_ticket(env, record)
        raise conflict_error(kind, masked)
    staff = matches[0]
    if staff.openid != openid:
        actor = await actor_for(staff.id, ip=ip, request_id=request_id, env=env)
        async with atomic():
            await bind_openid(staff=staff, openid=openid, actor=actor, method="phone",
                              extra={"phone_masked": masked})
    await drop_ticket(env, record)
    return await signed_in(env, staff, ip=ip, request_id=request_id, method="wechat_phone")


async def unbind_me(*, env, actor):
    """Clear my WeChat binding and end every session of mine (the old phone signs out)."""
    staff = await Staff.aget(Staff.id == actor.id)
    async with atomic():
        await Staff.update(openid=None, updated_at=utcnow()).where(Staff.id == actor.id).aexecute()
        await audit.record(actor=actor, action="binding.unbind", target_type="staff",
                           target_id=actor.id, before={"openid": mask_openid(staff.openid)},
                           after={"openid": None})
    await revoke_all_sessions(env.redis, actor.id)
    return {"ok": True, "was_bound": bool(staff.openid)}
