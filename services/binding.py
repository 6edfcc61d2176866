"""Binding invites (one-time signed QR codes) and binding by invite. Binding requests (the closed
loop for conflicts) live in services/binding_requests.py; their names are still reachable here
(`binding.create_request`, ...) through the module's __getattr__.
"""
import asyncio
import datetime
import io
import re
import secrets
import time
from urllib.parse import quote
from zoneinfo import ZoneInfo

import qrcode

from models.base import atomic, fetch_all, utcnow
from models.binding import BindingInvite, BindingProof, BindingRequest
from models.org import Staff
from server.crypto import mask_phone, sign, verify_signature
from server.errors import BadRequest, Conflict, Gone
from services import audit
from services.access import get_staff_in_reach
from services.auth import refuse_service_account
from services.wechat_login import (actor_for, applicant_actor, bind_openid, conflict_error,
                                   drop_ticket, load_ticket, save_ticket, signed_in)

SHANGHAI = ZoneInfo("Asia/Shanghai")
INVITE_TTL_DAYS = 7
INVITE_RE = re.compile(
    r"^mingjing://bind\?i=(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{8,40})\.([0-9a-f]{64})$")
PROOFS = ("invite", "hr_confirmed")
PROOF_LABELS = {"invite": "申请人已用本微信扫描该人员的当面交付邀请码",
                "hr_confirmed": "人事专员已核实确认"}


# -- invites ---------------------------------------------------------------------------------------

def _invite_message(staff_id, expiry, nonce):
    # The "invite:" prefix keeps these signatures apart from others made with the same key.
    return f"invite:{staff_id}.{expiry}.{nonce}"


def invite_text(key, staff_id, expiry, nonce):
    sig = sign(key, _invite_message(staff_id, expiry, nonce))
    return f"mingjing://bind?i={staff_id}.{expiry}.{nonce}.{sig}"


def parse_invite(key, text):
    """(staff_id, expiry, nonce) of a genuine, unexpired invite text; 400 / 410 otherwise."""
    m = INVITE_RE.match((text or "").strip())
    if not m:
        raise BadRequest("这不是有效的绑定邀请二维码", code="INVITE_INVALID")
    staff_id, expiry, nonce, sig = int(m[1]), int(m[2]), m[3], m[4]
    if not verify_signature(key, _invite_message(staff_id, expiry, nonce), sig):
        raise BadRequest("这不是有效的绑定邀请二维码", code="INVITE_INVALID")
    if expiry <= time.time():
        raise Gone("邀请二维码已过期，请联系管理员重新生成", code="INVITE_EXPIRED")
    return staff_id, expiry, nonce


async def check_invite(*, env, text):
    """The issued BindingInvite row behind a scanned text; INVITE_* errors otherwise."""
    staff_id, _, nonce = parse_invite(env.config.security.signing_key, text)
    row = await BindingInvite.aget_or_none(BindingInvite.nonce == nonce)
    if row is None or row.staff_id != staff_id:
        raise BadRequest("这不是有效的绑定邀请二维码", code="INVITE_INVALID")
    if row.status == "used":
        raise Conflict("该邀请二维码已被使用", code="INVITE_USED")
    if row.status == "revoked":
        raise Gone("该邀请二维码已作废，请使用最新打印的二维码", code="INVITE_REVOKED")
    if row.expires_at <= utcnow():
        raise Gone("邀请二维码已过期，请联系管理员重新生成", code="INVITE_EXPIRED")
    return row


async def use_invite(row):
    """Mark the invite used (inside the binding transaction); a concurrent use loses."""
    changed = await BindingInvite.update(status="used", used_at=utcnow()).where(
        BindingInvite.id == row.id, BindingInvite.status == "issued").aexecute()
    if changed != 1:
        raise Conflict("该邀请二维码已被使用", code="INVITE_USED")


async def issue_invite(*, env, actor, staff_id, ttl_days=INVITE_TTL_DAYS):
    """A new one-time invite for a person in reach; any earlier unused one is revoked."""
    staff = await get_staff_in_reach(actor, "staff.invite", staff_id)
    if staff.status != "active":
        raise Conflict("该人员不在职，不能生成绑定邀请", code="STAFF_INACTIVE")
    expiry = int(time.time()) + ttl_days * 86400
    nonce = secrets.token_urlsafe(12)
    async with atomic():
        revoked = await BindingInvite.update(status="revoked").where(
            BindingInvite.staff == staff.id, BindingInvite.status == "issued").aexecute()
        row = await BindingInvite.acreate(
            staff=staff.id, nonce=nonce, status="issued", issued_by=actor.id,
            expires_at=datetime.datetime.fromtimestamp(expiry, datetime.timezone.utc).replace(tzinfo=None))
        await audit.record(actor=actor, action="binding.invite", target_type="staff",
                           target_id=staff.id, unit_id=staff.unit_id,
                           after={"invite_id": row.id, "expires_at": row.expires_at,
                                  "revoked_previous": revoked})
    text = invite_text(env.config.security.signing_key, staff.id, expiry, nonce)
    return {"invite": text,
            "expires_at": datetime.datetime.fromtimestamp(expiry, datetime.timezone.utc),
            "png_url": f"/api/staff/{staff.id}/invite.png?invite={quote(text, safe='')}"}


def _qr_png(text):
    img = qrcode.make(text, box_size=8, border=2)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


async def invite_png(*, env, actor, staff_id, text):
    staff = await get_staff_in_reach(actor, "staff.invite", staff_id)
    row = await check_invite(env=env, text=text)
    if row.staff_id != staff.id:
        raise BadRequest("邀请码与人员不符", code="INVITE_INVALID")
    return await asyncio.get_running_loop().run_in_executor(None, _qr_png, text)


async def bind_by_invite(*, env, ticket, invite, ip, request_id):
    """Bind the ticket's WeChat to the invite's record. When that record is already bound to
    another WeChat, the scan is kept as a second proof for a binding request (see the module)."""
    record = await load_ticket(env, ticket)
    openid = record["openid"]
    row = await check_invite(env=env, text=invite)
    staff = await Staff.aget_or_none(Staff.id == row.staff_id)
    if staff is None or staff.status != "active":
        raise Gone("该人员记录已停用，邀请码失效", code="INVITE_REVOKED")
    refuse_service_account(staff)
    if staff.openid == openid:
        await drop_ticket(env, record)
        return await signed_in(env, staff, ip=ip, request_id=request_id, method="wechat_invite")
    if staff.openid:
        record["conflict"] = {"kind": "record_bound_elsewhere", "staff_ids": [staff.id],
                              "invite_id": row.id}
        await save_ticket(env, record)
        await _attach_invite_proof(openid=openid, staff=staff, invite=row, ip=ip,
                                   request_id=request_id)
        raise conflict_error("record_bound_elsewhere",
                             mask_phone(env.cipher.decrypt(staff.phone_enc)))
    actor = await actor_for(staff.id, ip=ip, request_id=request_id, env=env)
    async with atomic():
        await use_invite(row)
        await bind_openid(staff=staff, openid=openid, actor=actor, method="invite",
                          extra={"invite_id": row.id})
    await drop_ticket(env, record)
    return await signed_in(env, staff, ip=ip, request_id=request_id, method="wechat_invite")


async def _attach_invite_proof(*, openid, staff, invite, ip, request_id, requests=None):
    """Record an invite scan as proof on this WeChat's open requests (or the given ones)."""
    if requests is None:
        requests = await fetch_all(BindingRequest.select().where(
            BindingRequest.openid == openid, BindingRequest.status == "open"))
    if not requests:
        return
    async with atomic():
        for req in requests:
            proof = await BindingProof.acreate(request=req.id, kind="invite", staff=staff.id,
                                               invite=invite.id)
            await audit.record(
                actor=applicant_actor(req.name, ip=ip, request_id=request_id, unit_id=req.unit_id),
                action="binding.proof", target_type="binding_request", target_id=req.id,
                unit_id=req.unit_id, after={"proof_id": proof.id, "kind": "invite",
                                            "staff_id": staff.id, "invite_id": invite.id})


def __getattr__(name):
    """The requests half moved to services/binding_requests.py (it imports this module, so the
    lookup is lazy); callers keep using `binding.<name>`."""
    if name.startswith("__"):
        raise AttributeError(name)
    from services import binding_requests
    try:
        return getattr(binding_requests, name)
    except AttributeError:
        raise AttributeError(f"module 'services.binding' has no attribute {name!r}") from None
