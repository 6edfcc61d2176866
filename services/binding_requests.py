"""Binding requests: the closed loop for conflicts (split from services/binding.py, which keeps
the invites).

A request is routed by the record it is about: the data checkers whose `binding.resolve` reach
covers that record's department see it (the same rule filters every query here), and they must
resolve it within one working day. A request about no known unit is seen only by checkers whose
reach is every unit.

A request states what the applicant proved when filing (`verified`: a phone WeChat verified, or
nothing). Putting the applicant's WeChat on a record (rebind, correct_record) needs that verified
phone to be the record's registered phone; otherwise a second proof (BindingProof) for that record:
an invite for it scanned with the applicant's WeChat, or an HR officer's recorded confirmation
(never the resolving checker's own). The proof is named in the resolution and used once.
"""
import datetime

import peewee as pw

from models.access import Grant, Role, RolePermission
from models.base import atomic, count, fetch_all, for_update, get_one, utcnow
from models.binding import BindingInvite, BindingProof, BindingRequest
from models.org import Staff
from server.crypto import mask_phone, valid_phone
from server.errors import Conflict, Invalid, NotFound
from services import audit, calendar, notify
from services.access import get_staff_in_reach, load_principal
from services.auth import refuse_service_account
from services.binding import PROOF_LABELS, PROOFS, SHANGHAI, _attach_invite_proof, use_invite
from services.people import lookups_for, staff_out
from services.sessions import revoke_all_sessions
from services.staff import check_person_fields, unit_algorithm
from services.wechat_login import applicant_actor, load_ticket, mask_openid

ACTIONS = ("rebind", "unbind", "correct_record", "reject")
VERIFIED_LABELS = {"wechat_phone": "手机号已由微信验证", "none": "未验证（申请人未通过微信手机号验证）"}
MAX_OPEN_REQUESTS = 3


# -- binding requests ------------------------------------------------------------------------------

def _now_local_iso(now=None):
    if now is not None:
        return now.replace(tzinfo=datetime.timezone.utc).astimezone(SHANGHAI).isoformat(timespec="seconds")
    return datetime.datetime.now(SHANGHAI).isoformat(timespec="seconds")


def _step(text, now=None):
    return {"at": _now_local_iso(now), "text": text}


async def deadline_after_one_working_day(now_utc, unit_id):
    """Next working day, same local time (weekends and holidays skipped by services.calendar)."""
    local = now_utc.replace(tzinfo=datetime.timezone.utc).astimezone(SHANGHAI)
    day = await calendar.add_working_days(local.date(), 1, unit_id=unit_id)
    deadline = datetime.datetime.combine(day, local.timetz())
    return deadline.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def request_filter(reach):
    """Requests inside a checker's reach: by the record's department, or its whole unit. A request
    with no known unit belongs to nobody's unit: only checkers whose reach is everything see it
    (anyone can file one, so it must not land in every unit's queue)."""
    if reach.everything:
        return pw.SQL("1 = 1")
    expr = pw.SQL("1 = 0")
    if reach.dept_ids:
        expr = expr | BindingRequest.department.in_(list(reach.dept_ids))
    if reach.unit_ids:
        expr = expr | BindingRequest.unit.in_(list(reach.unit_ids))
    return expr


def _covers_request(reach, req):
    if reach.everything:
        return True
    if req.department_id and req.department_id in reach.dept_ids:
        return True
    return bool(req.unit_id) and req.unit_id in reach.unit_ids


async def routed_checkers(req):
    """Active staff holding `binding.resolve` whose reach covers the request."""
    rows = await fetch_all(
        Grant.select(Grant.staff).join(Role)
        .join(RolePermission, on=(RolePermission.role == Role.id))
        .where(RolePermission.permission == "binding.resolve", Grant.revoked_at.is_null())
        .distinct())
    out = []
    for staff_id in sorted({g.staff_id for g in rows}):
        principal = await load_principal(staff_id)
        if principal is None or principal.staff.status != "active":
            continue
        if _covers_request(await principal.reach("binding.resolve"), req):
            out.append(staff_id)
    return out


def _overdue(req):
    return req.status == "open" and req.deadline_at < utcnow()


def applicant_out(req, cipher):
    """What the applicant sees: progress, never the records or other people's data."""
    return {
        "id": req.id, "status": req.status, "conflict": req.conflict, "name": req.name,
        "verified": req.verified,
        "employee_no": req.employee_no, "note": req.note,
        "phone_masked": mask_phone(cipher.decrypt(req.phone_enc)),
        "created_at": req.created_at, "deadline_at": req.deadline_at, "overdue": _overdue(req),
        "resolved_at": req.resolved_at, "resolution": req.resolution, "steps": req.steps or [],
    }


def _phone_matches(req, staff, cipher):
    """True when the applicant's WeChat-verified phone is this record's registered phone."""
    if req.verified != "wechat_phone" or not req.phone_enc or staff is None:
        return False
    phone = cipher.decrypt(req.phone_enc)
    return bool(phone) and staff.phone_hash == cipher.blind_index(phone)


def _proof_out(p, names):
    return {"id": p.id, "kind": p.kind, "label": PROOF_LABELS.get(p.kind, p.kind),
            "staff_id": p.staff_id, "invite_id": p.invite_id,
            "confirmed_by": ({"id": p.confirmed_by_id, "name": names.get(p.confirmed_by_id)}
                             if p.confirmed_by_id else None),
            "note": p.note, "created_at": p.created_at, "used": p.used_at is not None}


async def _checker_out(rows, cipher, actor_reach=None, detail=False):
    ids = set()
    for r in rows:
        if r.staff_id:
            ids.add(r.staff_id)
        if detail:
            ids.update(r.candidate_ids or [])
    proofs = {}
    if detail and rows:
        for p in await fetch_all(BindingProof.select().where(
                BindingProof.request.in_([r.id for r in rows])).order_by(BindingProof.id)):
            proofs.setdefault(p.request_id, []).append(p)
            ids.update(i for i in (p.staff_id, p.confirmed_by_id) if i)
    staff = {s.id: s for s in await fetch_all(Staff.select().where(Staff.id.in_(list(ids))))} if ids else {}
    look = await lookups_for(list(staff.values())) if staff else {}
    names = {i: s.name for i, s in staff.items()}
    out = []
    for r in rows:
        item = applicant_out(r, cipher)
        item.update({"unit_id": r.unit_id, "department_id": r.department_id, "action": r.action,
                     "resolved_by": r.resolved_by_id, "updated_at": r.updated_at,
                     "applicant_wechat": mask_openid(r.openid),
                     "verified_label": VERIFIED_LABELS.get(r.verified, r.verified)})
        s = staff.get(r.staff_id)
        item["staff"] = staff_out(s, cipher, **look) if s else None
        if item["staff"] is not None:
            item["staff"]["phone_matches_applicant"] = _phone_matches(r, s, cipher)
        if detail:
            item["candidates"] = []
            for i in (r.candidate_ids or []):
                if i in staff and (actor_reach is None or actor_reach.covers_staff(
                        i, [staff[i].department_id], staff[i].unit_id)):
                    c = staff_out(staff[i], cipher, **look)
                    c["phone_matches_applicant"] = _phone_matches(r, staff[i], cipher)
                    item["candidates"].append(c)
            item["proofs"] = [_proof_out(p, names) for p in proofs.get(r.id, [])]
        out.append(item)
    return out


async def create_request(*, env, ticket, conflict, name, employee_no="", note="", ip, request_id,
                         now=None):
    """File a request; `now` is the request clock (the deadline is one working day after it)."""
    record = await load_ticket(env, ticket)
    openid = record["openid"]
    open_count = await count(BindingRequest.select().where(
        BindingRequest.openid == openid, BindingRequest.status == "open"))
    if open_count >= MAX_OPEN_REQUESTS:
        raise Conflict("您已有未处理完的绑定申请，请等待处理结果", code="BINDING_REQUEST_LIMIT")
    # What the server established (the conflict, the records) wins over what the client says.
    stored = record.get("conflict") or {}
    kind = stored.get("kind") or conflict
    candidates = []
    if stored.get("staff_ids"):
        candidates = await fetch_all(Staff.select().where(
            Staff.id.in_(stored["staff_ids"])).order_by(Staff.id))
    staff = candidates[0] if len(candidates) == 1 else None
    if staff is None and employee_no:
        by_no = [c for c in candidates if c.employee_no == employee_no]
        if by_no:
            staff = by_no[0]
        elif not candidates:
            # No record matched the phone: the employee number names the unit (and the record
            # whose phone may be wrong). It is only what the applicant typed: routing, not proof.
            staff = await Staff.aget_or_none(Staff.employee_no == employee_no,
                                             Staff.status == "active",
                                             Staff.is_service_account == False)  # noqa: E712
    unit_id = department_id = None
    if staff is not None:
        unit_id, department_id = staff.unit_id, staff.department_id
    elif candidates and len({c.unit_id for c in candidates}) == 1:
        unit_id = candidates[0].unit_id
    # A phone is kept on the ticket only once WeChat has verified it (bind_by_phone).
    verified = "wechat_phone" if record.get("phone_enc") else "none"
    now = now or utcnow()
    deadline = await deadline_after_one_working_day(now, unit_id)
    async with atomic():
        req = await BindingRequest.acreate(
            openid=openid, conflict=kind, name=name, employee_no=employee_no or "", note=note or "",
            phone_enc=record.get("phone_enc"), verified=verified, staff=staff.id if staff else None,
            candidate_ids=[c.id for c in candidates] or None, unit=unit_id,
            department=department_id, status="open", deadline_at=deadline, created_at=now,
            updated_at=now, steps=[_step("已提交绑定申请", now)])
        checkers = await routed_checkers(req)
        local_deadline = deadline.replace(tzinfo=datetime.timezone.utc).astimezone(SHANGHAI)
        await notify.raise_notification(
            recipient_ids=checkers, kind="binding.request", title="新的微信绑定申请待处理",
            body=f"{name} 的绑定申请，请于 {local_deadline:%m月%d日 %H:%M} 前处理",
            link=f"/admin/binding/requests/{req.id}", data={"request_id": req.id})
        req.steps = req.steps + [_step(
            f"已转交单位数据核验员处理（{len(checkers)} 人），"
            f"处理时限 {local_deadline:%Y-%m-%d %H:%M}" if checkers
            else "已提交，等待管理员分派数据核验员", now)]
        await BindingRequest.update(steps=req.steps).where(BindingRequest.id == req.id).aexecute()
        await audit.record(
            actor=applicant_actor(name, ip=ip, request_id=request_id, unit_id=unit_id),
            action="binding.request", target_type="binding_request", target_id=req.id,
            unit_id=unit_id, after={"conflict": kind, "name": name, "employee_no": employee_no,
                                    "staff_id": req.staff_id, "routed_to": checkers,
                                    "verified": verified,
                                    "phone_masked": mask_phone(env.cipher.decrypt(req.phone_enc))})
    invite_id = stored.get("invite_id")
    if invite_id and staff is not None:
        invite = await BindingInvite.aget_or_none(BindingInvite.id == invite_id,
                                                  BindingInvite.staff == staff.id)
        if invite is not None:
            await _attach_invite_proof(openid=openid, staff=staff, invite=invite, ip=ip,
                                       request_id=request_id, requests=[req])
    return applicant_out(req, env.cipher)


async def my_requests(*, env, ticket):
    record = await load_ticket(env, ticket)
    rows = await fetch_all(BindingRequest.select().where(
        BindingRequest.openid == record["openid"]).order_by(BindingRequest.id.desc()).limit(50))
    return [applicant_out(r, env.cipher) for r in rows]


async def request_queue(*, env, actor, status="open", page=1, page_size=20):
    reach = await actor.require_reach("binding.view")
    query = BindingRequest.select().where(request_filter(reach))
    if status != "all":
        query = query.where(BindingRequest.status == status)
    total = await count(query)
    rows = await fetch_all(query.order_by(BindingRequest.deadline_at, BindingRequest.id)
                           .paginate(page, page_size))
    return await _checker_out(rows, env.cipher), total


async def _request_in_reach(reach, request_id, *, lock=False):
    query = BindingRequest.select().where(BindingRequest.id == request_id, request_filter(reach))
    req = await get_one(for_update(query) if lock else query)
    if req is None:
        raise NotFound("绑定申请不存在或不在您的处理范围内", code="BINDING_REQUEST_NOT_FOUND")
    return req


async def request_detail(*, env, actor, request_id):
    reach = await actor.require_reach("binding.view")
    req = await _request_in_reach(reach, request_id)
    return (await _checker_out([req], env.cipher, reach, detail=True))[0]


def _snapshot(staff, cipher):
    return {"staff_id": staff.id, "openid": mask_openid(staff.openid),
            "phone_masked": mask_phone(cipher.decrypt(staff.phone_enc))}


RESOLUTION_TEXT = {
    "rebind": "已核实，您的微信已绑定到人员记录，请重新进入小程序登录",
    "unbind": "已解除该人员记录原有的微信绑定，请重新进入小程序，用手机号完成绑定",
    "correct_record": "已更正人员记录的手机号并完成绑定，请重新进入小程序登录",
    "reject": "申请未通过",
}


async def confirm_request(*, env, actor, request_id, staff_id, note):
    """An HR officer's confirmation (人事核实) that the applicant is the person of one record: the
    second proof an unverified request needs before a checker may put the WeChat on it. Needs
    `binding.view` over the request and `staff.manage` over the record."""
    reach = await actor.require_reach("binding.view")
    if not note:
        raise Invalid("请写明核实方式（如：当面核对身份证）", code="VALIDATION_FAILED",
                      fields={"note": "必填"})
    async with atomic():
        req = await _request_in_reach(reach, request_id, lock=True)
        if req.status != "open":
            raise Conflict("该申请已处理", code="BINDING_REQUEST_CLOSED")
        target = await get_staff_in_reach(actor, "staff.manage", staff_id)
        proof = await BindingProof.acreate(request=req.id, kind="hr_confirmed", staff=target.id,
                                           confirmed_by=actor.id, note=note)
        await audit.record(actor=actor, action="binding.proof", target_type="binding_request",
                           target_id=req.id, unit_id=target.unit_id,
                           after={"proof_id": proof.id, "kind": "hr_confirmed",
                                  "staff_id": target.id, "note": note})
        steps = (req.steps or []) + [_step(f"{actor.staff.name} 已核实申请人身份")]
        await BindingRequest.update(steps=steps, updated_at=utcnow()).where(
            BindingRequest.id == req.id).aexecute()
    req = await BindingRequest.aget(BindingRequest.id == req.id)
    return (await _checker_out([req], env.cipher, reach, detail=True))[0]


async def _use_proof(*, env, actor, req, target, proof):
    """The second proof named by a resolution putting the WeChat on `target`: checked, used once.
    Returns the audit view of it, or None when the verified phone already is the record's."""
    if _phone_matches(req, target, env.cipher):
        return {"kind": "wechat_phone"}
    if proof not in PROOFS:
        raise Conflict("申请人的微信验证手机号与该人员记录不一致（或未验证），须另有证明："
                       "申请人当面扫描该人员的绑定邀请码，或人事专员核实确认",
                       code="BINDING_PROOF_REQUIRED",
                       fields={"proof": "应为 " + "、".join(PROOFS)})
    query = BindingProof.select().where(
        BindingProof.request == req.id, BindingProof.staff == target.id,
        BindingProof.kind == proof, BindingProof.used_at.is_null())
    if proof == "hr_confirmed":
        # Two people: the checker who resolves is never the one who confirmed.
        query = query.where(BindingProof.confirmed_by != actor.id)
    row = await get_one(query.order_by(BindingProof.id.desc()))
    invite = None
    if row is not None and proof == "invite":
        invite = await BindingInvite.aget_or_none(BindingInvite.id == row.invite_id)
        if invite is None or invite.status != "issued" or invite.expires_at <= utcnow():
            row = None
    if row is None:
        raise Conflict("没有可用的" + PROOF_LABELS[proof] + "记录", code="BINDING_PROOF_MISSING",
                       fields={"proof": "未找到"})
    if invite is not None:
        await use_invite(invite)
    await BindingProof.update(used_at=utcnow()).where(BindingProof.id == row.id).aexecute()
    return {"kind": proof, "proof_id": row.id, "confirmed_by": row.confirmed_by_id,
            "invite_id": row.invite_id}


OTHER_ACTIONS = ("clear_phone", "set_phone")


async def _fix_other_records(*, env, actor, req, target, others):
    """A conflict between records (one phone on two of them): after the WeChat goes on `target`,
    the stale record's phone is cleared or corrected in the same step, audited. Only records the
    request named (candidate_ids), never the target, in the checker's reach."""
    out = []
    seen = set()
    for fix in others:
        sid, what = fix["staff_id"], fix["action"]
        if what not in OTHER_ACTIONS:
            raise Invalid("其他记录的处理方式不正确", code="VALIDATION_FAILED",
                          fields={"others": "应为 clear_phone 或 set_phone"})
        if sid == target.id or sid in seen or sid not in (req.candidate_ids or []):
            raise Invalid("只能处理本申请涉及的其他人员记录", code="BINDING_OTHER_NOT_CANDIDATE",
                          fields={"others": f"人员 {sid} 不是本申请冲突涉及的其他记录"})
        seen.add(sid)
        other = await get_staff_in_reach(actor, "binding.resolve", sid)
        before = {"staff_id": other.id, "phone_masked": mask_phone(env.cipher.decrypt(other.phone_enc))}
        if what == "clear_phone":
            changes = {"phone_enc": None, "phone_hash": None}
        else:
            new_phone = fix.get("phone") or ""
            if not valid_phone(new_phone):
                raise Invalid("手机号格式不正确", code="VALIDATION_FAILED",
                              fields={"others": "set_phone 须填写 11 位手机号"})
            await check_person_fields(env=env, unit_id=other.unit_id, values={"phone": new_phone},
                                      staff_id=other.id)
            changes = {"phone_enc": env.cipher.encrypt(new_phone, algorithm=await unit_algorithm(other.unit_id)),
                       "phone_hash": env.cipher.blind_index(new_phone)}
        await Staff.update(**changes, updated_at=utcnow()).where(Staff.id == other.id).aexecute()
        after = {"staff_id": other.id, "phone_masked": mask_phone(new_phone) if what == "set_phone" else "",
                 "request_id": req.id, "action": what}
        await audit.record(actor=actor, action="binding.other_record", target_type="staff",
                           target_id=other.id, unit_id=other.unit_id, before=before, after=after)
        out.append(after)
    return out


async def resolve_request(*, env, actor, request_id, action, staff_id=None, phone=None, note="",
                          proof=None, others=None):
    reach = await actor.require_reach("binding.resolve")
    if action not in ACTIONS:
        raise Invalid("处理方式不正确", code="VALIDATION_FAILED",
                      fields={"action": "应为 " + "、".join(ACTIONS)})
    if others and action == "reject":
        raise Invalid("驳回时不能修改其他人员记录", code="VALIDATION_FAILED", fields={"others": "驳回时应为空"})
    if action == "reject" and not note:
        raise Invalid("驳回时请填写原因", code="VALIDATION_FAILED", fields={"note": "必填"})
    revoke = set()
    async with atomic():
        req = await _request_in_reach(reach, request_id, lock=True)
        if req.status != "open":
            raise Conflict("该申请已处理", code="BINDING_REQUEST_CLOSED")
        before = after = used_proof = None
        target = None
        if action != "reject":
            target_id = staff_id or req.staff_id
            if not target_id:
                raise Invalid("请选择要处理的人员记录", code="VALIDATION_FAILED",
                              fields={"staff_id": "必填"})
            target = await get_staff_in_reach(actor, "binding.resolve", target_id)
            refuse_service_account(target)
            if target.status != "active":
                raise Conflict("该人员不在职", code="STAFF_INACTIVE")
            before = _snapshot(target, env.cipher)
            changes = {"updated_at": utcnow()}
            if action == "unbind":
                changes["openid"] = None
                if target.openid:
                    revoke.add(target.id)
            else:
                used_proof = await _use_proof(env=env, actor=actor, req=req, target=target,
                                              proof=proof)
                if action == "correct_record":
                    phone = phone or env.cipher.decrypt(req.phone_enc)
                    if not valid_phone(phone):
                        raise Invalid("手机号格式不正确", code="VALIDATION_FAILED",
                                      fields={"phone": "应为 11 位手机号"})
                    # The same rule as HR's edit: one phone, one active record (PHONE_TAKEN).
                    await check_person_fields(env=env, unit_id=target.unit_id,
                                              values={"phone": phone}, staff_id=target.id)
                    changes["phone_enc"] = env.cipher.encrypt(
                        phone, algorithm=await unit_algorithm(target.unit_id))
                    changes["phone_hash"] = env.cipher.blind_index(phone)
                # Move the applicant's WeChat here: off any other record, and the record's old
                # WeChat signs out.
                holders = await fetch_all(Staff.select().where(
                    Staff.openid == req.openid, Staff.id != target.id))
                for holder in holders:
                    await Staff.update(openid=None, updated_at=utcnow()).where(
                        Staff.id == holder.id).aexecute()
                    revoke.add(holder.id)
                    await audit.record(actor=actor, action="binding.unbind", target_type="staff",
                                       target_id=holder.id, unit_id=holder.unit_id,
                                       before=_snapshot(holder, env.cipher),
                                       after={"openid": None, "request_id": req.id})
                if target.openid and target.openid != req.openid:
                    revoke.add(target.id)
                changes["openid"] = req.openid
            await Staff.update(**changes).where(Staff.id == target.id).aexecute()
            target = await Staff.aget(Staff.id == target.id)
            after = _snapshot(target, env.cipher)
            if others:
                after["others"] = await _fix_other_records(env=env, actor=actor, req=req,
                                                           target=target, others=others)
        text = RESOLUTION_TEXT[action] + (f"（{note}）" if note else "")
        status = "rejected" if action == "reject" else "resolved"
        steps = (req.steps or []) + [_step(f"{actor.staff.name} 已处理：{text}")]
        await BindingRequest.update(
            status=status, resolved_at=utcnow(), resolved_by=actor.id, action=action,
            resolution=text[:500], steps=steps, updated_at=utcnow(),
            staff=target.id if target else req.staff_id).where(
            BindingRequest.id == req.id).aexecute()
        await audit.record(actor=actor, action="binding.resolve", target_type="binding_request",
                           target_id=req.id, unit_id=(target.unit_id if target else req.unit_id),
                           before={"status": "open", "record": before},
                           after={"status": status, "action": action, "record": after,
                                  "note": note, "verified": req.verified, "proof": used_proof})
        # The applicant hears the outcome where they can: their WeChat now sits on a record.
        applicant = await Staff.aget_or_none(Staff.openid == req.openid)
        if applicant is not None:
            await notify.raise_notification(
                recipient_ids=[applicant.id], kind="binding.resolved",
                title="微信绑定申请已处理" if status == "resolved" else "微信绑定申请未通过",
                body=text, link="/pages/binding-request/index", data={"request_id": req.id})
    for sid in revoke:
        await revoke_all_sessions(env.redis, sid)
    req = await BindingRequest.aget(BindingRequest.id == req.id)
    return (await _checker_out([req], env.cipher, reach, detail=True))[0]
