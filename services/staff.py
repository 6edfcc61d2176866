"""Staff records: search, create and edit, retirement, concurrent posts, export (transfers:
services/staff_transfers.py).

Every query is narrowed by the caller's reach (`staff.view` to read, `staff.manage` to write),
personal data is stored encrypted with a blind index and only ever leaves masked, including in
the audit log.
"""
import datetime
import functools

import peewee as pw

from models.base import atomic, count, exists, fetch_all, utcnow
from models.org import STAFF_STATUSES, Department, Position, Rank, Staff, StaffPost, StaffTransfer, Unit
from server.crypto import mask_id_no, mask_phone, valid_id_no, valid_phone
from server.errors import Conflict, Invalid, NotFound
from services import audit, events, exports, scheduler
from services.access import SCOPE_LABELS, get_department_in_reach, get_staff_in_reach, load_grants
from services.people import lookups_for, staff_list_out, staff_out
from services.roles import end_grants_left_behind
from services.separation import refuse_own
from services.sessions import revoke_all_sessions

EDITABLE = ("employee_no", "name", "position_id", "rank_id", "gender", "phone", "id_no",
            "hire_date", "first_employment_date")
# What a person's leave entitlement, pay grade or approval routing follows: never changed on
# one's own record (services/separation.py).
ENTITLEMENT_FIELDS = ("hire_date", "first_employment_date", "rank_id", "position_id", "gender")
GENDERS = ("M", "F")
POST_KINDS = ("concurrent", "secondment")
STATUS_LABELS = {"active": "在职", "transferred": "调出", "retired": "退休"}
GENDER_LABELS = {"M": "男", "F": "女"}
FIELD_LABELS = {"hire_date": "入职日期", "first_employment_date": "参加工作时间", "rank_id": "职级",
                "position_id": "职务", "gender": "性别"}


def beijing_today():
    import zoneinfo
    return datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date()


def audit_view(staff, cipher):
    """What the audit log keeps of a person: identifiers and masked personal data, never raw PII."""
    return {
        "employee_no": staff.employee_no, "name": staff.name, "unit_id": staff.unit_id,
        "department_id": staff.department_id, "position_id": staff.position_id,
        "rank_id": staff.rank_id, "gender": staff.gender, "hire_date": staff.hire_date,
        "first_employment_date": staff.first_employment_date, "status": staff.status,
        "phone": mask_phone(cipher.decrypt(staff.phone_enc)),
        "id_no": mask_id_no(cipher.decrypt(staff.id_no_enc)),
    }


def _diff(before, after):
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


async def check_person_fields(*, env, unit_id, values, staff_id=None):
    """Domain checks shared by create, edit and import. Returns {field: reason}; conflicts raise."""
    errors = {}
    phone, id_no = values.get("phone"), values.get("id_no")
    if phone and not valid_phone(phone):
        errors["phone"] = "手机号格式不正确"
    if id_no and not valid_id_no(id_no):
        errors["id_no"] = "身份证号格式或校验位不正确"
    if values.get("gender") not in (None, *GENDERS):
        errors["gender"] = "应为 M 或 F"
    hire, first = values.get("hire_date"), values.get("first_employment_date")
    if hire and first and first > hire:
        errors["first_employment_date"] = "参加工作时间不能晚于入职日期"
    today = beijing_today()
    for key in ("hire_date", "first_employment_date"):
        if values.get(key) and values[key] > today + datetime.timedelta(days=366):
            errors[key] = "日期不合理"
    if values.get("position_id") is not None and not await exists(
            Position.select().where(Position.id == values["position_id"], Position.unit == unit_id)):
        errors["position_id"] = "职务不存在或不属于本单位"
    if values.get("rank_id") is not None and not await exists(
            Rank.select().where(Rank.id == values["rank_id"])):
        errors["rank_id"] = "职级不存在"
    if errors:
        raise Invalid("输入有误：" + "；".join(errors.values()), code="VALIDATION_FAILED",
                      fields=errors)
    others = Staff.select().where(Staff.id != (staff_id or 0))
    if values.get("employee_no") and await exists(
            others.where(Staff.employee_no == values["employee_no"])):
        raise Conflict("工号已被使用", code="EMPLOYEE_NO_TAKEN", fields={"employee_no": "工号已被使用"})
    if phone and await exists(others.where(Staff.phone_hash == env.cipher.blind_index(phone),
                                           Staff.status == "active")):
        raise Conflict("该手机号已登记给其他在职人员", code="PHONE_TAKEN", fields={"phone": "已被使用"})
    if id_no and await exists(others.where(Staff.id_no_hash == env.cipher.blind_index(id_no))):
        raise Conflict("该身份证号已登记", code="ID_NO_TAKEN", fields={"id_no": "已被使用"})


async def unit_algorithm(unit_id):
    """The cipher a unit's personal data is written with (sm4gcm for units that need 国密)."""
    unit = await Unit.aget_or_none(Unit.id == unit_id)
    return unit.crypto_algorithm if unit else None


def pii_columns(cipher, phone=None, id_no=None, *, algorithm=None):
    out = {}
    if phone is not None:
        out.update(phone_enc=cipher.encrypt(phone, algorithm=algorithm) if phone else None,
                   phone_hash=cipher.blind_index(phone) if phone else None)
    if id_no is not None:
        id_no = id_no.upper() if id_no else id_no
        out.update(id_no_enc=cipher.encrypt(id_no, algorithm=algorithm) if id_no else None,
                   id_no_hash=cipher.blind_index(id_no) if id_no else None)
    return out


# ---------------------------------------------------------------- reading

def _search_query(env, reach, *, q=None, department_id=None, status=None):
    query = Staff.select().where(reach.staff_filter(Staff),
                                 Staff.is_service_account == False)  # noqa: E712
    if q:
        q = q.strip()
        digest = env.cipher.blind_index(q)
        query = query.where(Staff.name.contains(q) | Staff.employee_no.contains(q)
                            | (Staff.phone_hash == digest) | (Staff.id_no_hash == digest))
    if department_id is not None:
        posts = StaffPost.select(StaffPost.staff).where(StaffPost.department == department_id,
                                                        StaffPost.active == True)  # noqa: E712
        query = query.where((Staff.department == department_id) | Staff.id.in_(posts))
    if status:
        query = query.where(Staff.status == status)
    return query.order_by(Staff.employee_no, Staff.id)


async def _check_filters(actor, perm, department_id, status):
    if status and status not in STAFF_STATUSES:
        raise Invalid("状态取值不正确", code="VALIDATION_FAILED",
                      fields={"status": "取值不在允许范围内：" + "、".join(STAFF_STATUSES)})
    if department_id is not None:
        await get_department_in_reach(actor, perm, department_id)


async def list_staff(*, env, actor, q=None, department_id=None, status=None, page=1, page_size=20):
    """Staff within the caller's staff.view reach (primary department or a concurrent post).

    `q` matches name or employee number (substring) or a phone/ID number exactly (blind index).
    Returns (rows, total); phone and ID are masked.
    """
    reach = await actor.require_reach("staff.view")
    await _check_filters(actor, "staff.view", department_id, status)
    query = _search_query(env, reach, q=q, department_id=department_id, status=status)
    total = await count(query)
    rows = await fetch_all(query.paginate(page, page_size))
    return await staff_list_out(rows, env.cipher), total


async def _posts_out(staff_ids):
    posts = await fetch_all(
        StaffPost.select(StaffPost, Department).join(Department)
        .where(StaffPost.staff.in_(list(staff_ids))).order_by(StaffPost.id))
    return [{"id": p.id, "staff_id": p.staff_id,
             "department": {"id": p.department_id, "name": p.department.name},
             "kind": p.kind, "start_date": p.start_date, "end_date": p.end_date,
             "active": p.active} for p in posts]


async def get_staff(*, env, actor, staff_id):
    """One person within reach: masked profile, posts (兼职/挂职), roles and the transfer waiting
    for its effective date (services/staff_transfers), if any."""
    staff = await get_staff_in_reach(actor, "staff.view", staff_id)
    look = await lookups_for([staff])
    data = staff_out(staff, env.cipher, **look)
    data["posts"] = await _posts_out([staff.id])
    data["roles"] = [{"grant_id": g.id, "code": g.role_code, "name": g.role_name,
                      "scope": {"type": g.scope_type, "label": SCOPE_LABELS.get(g.scope_type)}}
                     for g in await load_grants(staff.id)]
    from services.staff_transfers import pending_out  # it imports this module

    data["pending_transfer"] = await pending_out(staff.id)
    return data


async def staff_history(*, env, actor, staff_id):
    """Transfers and retirement of one person, newest first, with unit and department names."""
    staff = await get_staff_in_reach(actor, "staff.view", staff_id)
    rows = await fetch_all(StaffTransfer.select().where(StaffTransfer.staff == staff.id)
                           .order_by(StaffTransfer.effective_date.desc(), StaffTransfer.id.desc()))
    dept_ids = {r.from_department_id for r in rows} | {r.to_department_id for r in rows}
    unit_ids = {r.from_unit_id for r in rows} | {r.to_unit_id for r in rows}
    dept_ids.discard(None)
    unit_ids.discard(None)
    depts = {d.id: d.name for d in await fetch_all(
        Department.select(Department.id, Department.name).where(Department.id.in_(list(dept_ids))))} \
        if dept_ids else {}
    units = {u.id: u.name for u in await fetch_all(
        Unit.select(Unit.id, Unit.name).where(Unit.id.in_(list(unit_ids))))} if unit_ids else {}

    def ref(names, pid):
        return {"id": pid, "name": names.get(pid)} if pid else None

    return [{"id": r.id, "kind": r.kind, "effective_date": r.effective_date, "reason": r.reason,
             "from_unit": ref(units, r.from_unit_id), "from_department": ref(depts, r.from_department_id),
             "to_unit": ref(units, r.to_unit_id), "to_department": ref(depts, r.to_department_id),
             "actor_id": r.actor_id, "created_at": r.created_at} for r in rows]


# ---------------------------------------------------------------- writing

async def create_staff(*, env, actor, employee_no, name, department_id, position_id=None,
                       rank_id=None, gender=None, phone=None, id_no=None, hire_date=None,
                       first_employment_date=None):
    """Add a person to a department within the caller's staff.manage reach."""
    dept = await get_department_in_reach(actor, "staff.manage", department_id)
    if dept.status != "open":
        raise Conflict("部门已撤销", code="DEPARTMENT_CLOSED")
    values = dict(employee_no=employee_no, name=name, position_id=position_id, rank_id=rank_id,
                  gender=gender, phone=phone or None, id_no=(id_no or "").upper() or None,
                  hire_date=hire_date, first_employment_date=first_employment_date)
    async with atomic():
        await check_person_fields(env=env, unit_id=dept.unit_id, values=values)
        try:
            staff = await Staff.acreate(
                employee_no=employee_no, name=name, unit=dept.unit_id, department=dept.id,
                position=position_id, rank=rank_id, gender=gender, hire_date=hire_date,
                first_employment_date=first_employment_date,
                **pii_columns(env.cipher, phone=values["phone"] or "", id_no=values["id_no"] or "",
                              algorithm=await unit_algorithm(dept.unit_id)))
        except pw.IntegrityError:
            raise Conflict("工号已被使用", code="EMPLOYEE_NO_TAKEN") from None
        await audit.record(actor=actor, action="staff.create", target_type="staff",
                           target_id=staff.id, after=audit_view(staff, env.cipher),
                           unit_id=staff.unit_id)
    return await get_staff(env=env, actor=actor, staff_id=staff.id)


async def update_staff(*, env, actor, staff_id, changes):
    """Edit a person. `changes` holds only the fields to set (see EDITABLE); None clears one."""
    staff = await get_staff_in_reach(actor, "staff.manage", staff_id)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Invalid("不能修改这些字段：" + "、".join(sorted(unknown)), code="VALIDATION_FAILED",
                      fields={k: "不可修改" for k in unknown})
    own = sorted(set(changes) & set(ENTITLEMENT_FIELDS))
    if own:
        refuse_own(actor, staff.id, "修改本人的" + "、".join(FIELD_LABELS[k] for k in own))
    for key in ("employee_no", "name"):
        if key in changes and not changes[key]:
            raise Invalid("必填项不能清空", code="VALIDATION_FAILED", fields={key: "不能为空"})
    if changes.get("id_no"):
        changes["id_no"] = changes["id_no"].upper()
    merged = {
        "hire_date": staff.hire_date, "first_employment_date": staff.first_employment_date,
        **{k: v for k, v in changes.items()},
    }
    async with atomic():
        await check_person_fields(env=env, unit_id=staff.unit_id, values=merged, staff_id=staff.id)
        before_view = audit_view(staff, env.cipher)
        columns = {key.removesuffix("_id"): value for key, value in changes.items()
                   if key not in ("phone", "id_no")}
        columns.update(pii_columns(
            env.cipher,
            phone=(changes["phone"] or "") if "phone" in changes else None,
            id_no=(changes["id_no"] or "") if "id_no" in changes else None,
            algorithm=await unit_algorithm(staff.unit_id)))
        if columns:
            try:
                await Staff.update(**columns, updated_at=utcnow()).where(Staff.id == staff.id).aexecute()
            except pw.IntegrityError:
                raise Conflict("工号已被使用", code="EMPLOYEE_NO_TAKEN") from None
        fresh = await Staff.aget(Staff.id == staff.id)
        before, after = _diff(before_view, audit_view(fresh, env.cipher))
        await audit.record(actor=actor, action="staff.update", target_type="staff",
                           target_id=staff.id, before=before, after=after, unit_id=staff.unit_id)
    return await get_staff(env=env, actor=actor, staff_id=staff.id)


async def retire_staff(*, env, actor, staff_id, effective_date, reason="", now=None):
    """Retire a person: status retired, posts ended, history kept, every session revoked.

    A future effective date is recorded now and applied on that day by the scheduler (source
    `staff.retire`): until then the person works, signs in and is judged by attendance as usual;
    attendance never judges days from the effective date on (services/attendance_stats)."""
    staff = await get_staff_in_reach(actor, "staff.manage", staff_id)
    if staff.status != "active":
        raise Conflict("该人员不在职", code="STAFF_NOT_ACTIVE")
    if staff.id == actor.id:
        raise Conflict("不能为本人办理退休", code="SELF_RETIRE")
    today = _beijing_day(now or utcnow())
    async with atomic():
        if await exists(StaffTransfer.select().where(StaffTransfer.staff == staff.id,
                                                     StaffTransfer.kind == "retire",
                                                     StaffTransfer.effective_date > today)):
            raise Conflict("已为该人员办理退休（待生效）", code="RETIRE_SCHEDULED")
        row = await StaffTransfer.acreate(
            staff=staff.id, from_unit=staff.unit_id, from_department=staff.department_id,
            kind="retire", effective_date=effective_date, reason=reason or "", actor=actor.id,
            created_at=now or utcnow())
        scheduled = effective_date > today
        if not scheduled:
            await _apply_retirement(staff.id, effective_date)
        await audit.record(actor=actor, action="staff.retire_scheduled" if scheduled else "staff.retire",
                           target_type="staff", target_id=staff.id, before={"status": staff.status},
                           after={"status": "active" if scheduled else "retired",
                                  "effective_date": effective_date, "reason": reason or "",
                                  "transfer_id": row.id}, unit_id=staff.unit_id)
        await events.publish("staff.left", staff_id=staff.id, effective_date=effective_date)
    if not scheduled:
        await revoke_all_sessions(env.redis, staff.id)
    return await get_staff(env=env, actor=actor, staff_id=staff.id)


def _beijing_day(now_utc):
    import zoneinfo
    return now_utc.replace(tzinfo=datetime.timezone.utc).astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")).date()


async def _apply_retirement(staff_id, effective_date):
    await Staff.update(status="retired", updated_at=utcnow()).where(Staff.id == staff_id).aexecute()
    await StaffPost.update(active=False, end_date=effective_date).where(
        StaffPost.staff == staff_id, StaffPost.active == True).aexecute()  # noqa: E712


async def due_retirements(ctx):
    """Scheduler source: a retirement recorded ahead takes effect on its day (Beijing)."""
    today = _beijing_day(ctx.now)
    rows = await fetch_all(StaffTransfer.select(StaffTransfer.id, StaffTransfer.staff, StaffTransfer.effective_date,
                                                StaffTransfer.created_at)
                           .join(Staff, on=(StaffTransfer.staff == Staff.id))
                           .where(StaffTransfer.kind == "retire", StaffTransfer.effective_date <= today,
                                  StaffTransfer.effective_date > today - datetime.timedelta(days=366),
                                  Staff.status == "active"))
    # Only retirements recorded ahead of their day: one applied at once is never replayed (say,
    # on someone re-employed later), and a job run once has its key recorded.
    rows = [r for r in rows if _beijing_day(r.created_at) < r.effective_date]
    return [scheduler.Occurrence(key=f"staff.retire:{r.id}", due_at=ctx.now,
                                 run=functools.partial(_run_retirement, r.staff_id, r.effective_date, r.id))
            for r in rows]


async def _run_retirement(staff_id, effective_date, transfer_id, ctx):
    staff = await Staff.aget_or_none(Staff.id == staff_id)
    if staff is None or staff.status != "active":
        return
    await _apply_retirement(staff_id, effective_date)
    await audit.record(actor=None, action="staff.retire", target_type="staff", target_id=staff_id,
                       before={"status": "active"}, after={"status": "retired", "effective_date": effective_date,
                                                           "transfer_id": transfer_id, "by": "scheduler"},
                       unit_id=staff.unit_id)
    await revoke_all_sessions(ctx.env.redis, staff_id)


scheduler.register_source("staff.retire", due_retirements)


async def add_post(*, env, actor, staff_id, department_id, kind="concurrent", start_date=None,
                   end_date=None):
    """A concurrent post (兼职) or secondment (挂职); reach over the person and the department."""
    staff = await get_staff_in_reach(actor, "staff.manage", staff_id)
    dept = await get_department_in_reach(actor, "staff.manage", department_id)
    refuse_own(actor, staff.id, "为本人设置兼职或挂职")
    if kind not in POST_KINDS:
        raise Invalid("类型应为 concurrent 或 secondment", code="VALIDATION_FAILED",
                      fields={"kind": "取值不在允许范围内"})
    if start_date and end_date and end_date < start_date:
        raise Invalid("结束日期早于开始日期", code="VALIDATION_FAILED",
                      fields={"end_date": "不能早于开始日期"})
    if staff.status != "active":
        raise Conflict("该人员不在职", code="STAFF_NOT_ACTIVE")
    if dept.status != "open":
        raise Conflict("部门已撤销", code="DEPARTMENT_CLOSED")
    if dept.id == staff.department_id:
        raise Conflict("该部门是此人的主部门", code="POST_IS_PRIMARY")
    async with atomic():
        if await exists(StaffPost.select().where(StaffPost.staff == staff.id,
                                                 StaffPost.department == dept.id,
                                                 StaffPost.active == True)):  # noqa: E712
            raise Conflict("已在该部门兼职或挂职", code="POST_EXISTS")
        post = await StaffPost.acreate(staff=staff.id, department=dept.id, kind=kind,
                                       start_date=start_date, end_date=end_date)
        await audit.record(actor=actor, action="staff.post_add", target_type="staff",
                           target_id=staff.id, unit_id=dept.unit_id,
                           after={"post_id": post.id, "department_id": dept.id, "kind": kind,
                                  "start_date": start_date, "end_date": end_date})
    return next(p for p in await _posts_out([staff.id]) if p["id"] == post.id)


async def end_post(*, env, actor, staff_id, post_id):
    """End a concurrent post (kept as history, marked inactive)."""
    staff = await get_staff_in_reach(actor, "staff.manage", staff_id)
    post = await StaffPost.aget_or_none(StaffPost.id == post_id, StaffPost.staff == staff.id)
    if post is None or not post.active:
        raise NotFound("兼职记录不存在", code="POST_NOT_FOUND")
    await get_department_in_reach(actor, "staff.manage", post.department_id)
    refuse_own(actor, staff.id, "结束本人的兼职或挂职")
    today = beijing_today()
    end = post.end_date if post.end_date and post.end_date <= today else today
    async with atomic():
        await StaffPost.update(active=False, end_date=end).where(StaffPost.id == post.id).aexecute()
        fresh = await Staff.aget(Staff.id == staff.id)
        ended = await end_grants_left_behind(actor, fresh, left=post.department_id,
                                             cause={"post_id": post.id})
        await audit.record(actor=actor, action="staff.post_end", target_type="staff",
                           target_id=staff.id, unit_id=staff.unit_id,
                           before={"post_id": post.id, "department_id": post.department_id,
                                   "active": True},
                           after={"post_id": post.id, "active": False, "end_date": end,
                                  "grants_ended": ended})
    return {"id": post.id, "active": False, "end_date": end, "grants_ended": ended}


# ---------------------------------------------------------------- export

EXPORT_HEADER = ["工号", "姓名", "单位", "部门", "职务", "职级", "性别", "手机号", "身份证号",
                 "入职日期", "参加工作时间", "状态"]


def _export_row(s, cipher, look):
    unit, dept = look["units"].get(s.unit_id), look["depts"].get(s.department_id)
    pos, rank = look["positions"].get(s.position_id), look["ranks"].get(s.rank_id)
    return [s.employee_no, s.name, unit.name if unit else "", dept.name if dept else "",
            pos.name if pos else "", rank.name if rank else "", GENDER_LABELS.get(s.gender, ""),
            mask_phone(cipher.decrypt(s.phone_enc)), mask_id_no(cipher.decrypt(s.id_no_enc)),
            s.hire_date.isoformat() if s.hire_date else "",
            s.first_employment_date.isoformat() if s.first_employment_date else "",
            STATUS_LABELS.get(s.status, s.status)]


async def export_staff(*, env, actor, format="csv", q=None, department_id=None, status=None):
    """Everyone matching the filters within the staff.export reach, PII masked.

    Returns (content bytes, filename, content type); the export itself is audited.
    """
    if format not in ("csv", "xlsx"):
        raise Invalid("格式应为 csv 或 xlsx", code="VALIDATION_FAILED", fields={"format": "应为 csv 或 xlsx"})
    reach = await actor.require_reach("staff.export")
    await _check_filters(actor, "staff.export", department_id, status)
    staff = await fetch_all(_search_query(env, reach, q=q, department_id=department_id, status=status))
    look = await lookups_for(staff)
    rows = [_export_row(s, env.cipher, look) for s in staff]
    columns = list(enumerate(EXPORT_HEADER))  # the rows are lists: a column's key is its position
    if format == "xlsx":
        content = await exports.to_xlsx(rows, columns, "人员")
    else:
        content = exports.to_csv(rows, columns)
    async with atomic():
        await audit.record(actor=actor, action="staff.export", target_type="staff",
                           after={"format": format, "count": len(rows), "q": q or "",
                                  "department_id": department_id, "status": status})
    stamp = datetime.date.today().strftime("%Y%m%d")
    return content, f"staff-{stamp}.{format}", exports.content_type(format)
