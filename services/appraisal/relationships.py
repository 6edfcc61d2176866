"""Declared relationships (亲属关系) for recusal (回避): staff declare their own in their profile,
HR adds or revokes them for people in reach (`appraisal.manage`). Every change is audited; a
revoked row stays, with who revoked it and when. The recusal check looks both ways: a row
(A, B) makes A related to B and B related to A.

Declaring a relationship publishes `appraisal.relationship.declared` (services/appraisal/raters.py
re-routes any unsubmitted score sheet between the two)."""
import peewee as pw

from models.base import atomic, fetch_all, utcnow
from models.appraisal.scoring import RELATION_KINDS, Relationship
from models.org import Department, Staff
from server.errors import Conflict, Invalid, NotFound
from services import audit, events
from services.access import get_staff_in_reach

KIND_LABELS = {"spouse": "夫妻关系", "blood": "直系血亲", "in_law": "姻亲关系", "close_kin": "近亲属"}
SOURCE_LABELS = {"self": "本人申报", "hr": "人事部门登记"}


def _not_found():
    return NotFound("亲属关系记录不存在", code="APPRAISAL_RELATIONSHIP_NOT_FOUND")


def kind_label(kind):
    return KIND_LABELS.get(kind, kind)


async def related_map(staff_ids=None):
    """{staff_id: {other_id: kind}} of every non-revoked relationship touching `staff_ids` (all
    of them when None), both ways. One query."""
    q = Relationship.select(Relationship.staff, Relationship.relative, Relationship.kind).where(
        Relationship.revoked_at.is_null())
    if staff_ids is not None:
        # A subquery (the staff of a unit) stays one query; a list is used as is.
        ids = staff_ids if isinstance(staff_ids, pw.Query) else list(staff_ids)
        if not isinstance(ids, pw.Query) and not ids:
            return {}
        q = q.where(Relationship.staff.in_(ids) | Relationship.relative.in_(ids))
    out = {}
    for r in await fetch_all(q):
        out.setdefault(r.staff_id, {})[r.relative_id] = r.kind
        out.setdefault(r.relative_id, {})[r.staff_id] = r.kind
    return out


async def relation_between(a, b):
    """The kind of a non-revoked relationship between staff a and b (either way), or None."""
    rows = await fetch_all(Relationship.select(Relationship.kind).where(
        Relationship.revoked_at.is_null(),
        ((Relationship.staff == a) & (Relationship.relative == b))
        | ((Relationship.staff == b) & (Relationship.relative == a))).limit(1))
    return rows[0].kind if rows else None


async def _rows_out(rows, about_id):
    ids = {i for r in rows for i in (r.staff_id, r.relative_id, r.declared_by_id, r.revoked_by_id) if i}
    people = {s.id: s for s in await fetch_all(
        Staff.select(Staff.id, Staff.name, Staff.employee_no, Staff.department, Staff.unit)
        .where(Staff.id.in_(list(ids) or [0])))}
    dept_ids = {s.department_id for s in people.values() if s.department_id}
    depts = {d.id: d.name for d in await fetch_all(
        Department.select(Department.id, Department.name).where(Department.id.in_(list(dept_ids) or [0])))}

    def person(i):
        s = people.get(i)
        if s is None:
            return None
        return {"id": s.id, "name": s.name, "employee_no": s.employee_no,
                "department_name": depts.get(s.department_id)}

    out = []
    for r in rows:
        other = r.relative_id if r.staff_id == about_id else r.staff_id
        out.append({
            "id": r.id, "kind": r.kind, "kind_label": kind_label(r.kind), "note": r.note,
            "source": r.source, "source_label": SOURCE_LABELS.get(r.source, r.source),
            "direction": "declared" if r.staff_id == about_id else "named",
            "relative": person(other), "declared_by": (people[r.declared_by_id].name
                                                       if r.declared_by_id in people else None),
            "created_at": r.created_at, "revoked_at": r.revoked_at,
            "revoked_by": people[r.revoked_by_id].name if r.revoked_by_id in people else None,
            "active": r.revoked_at is None,
        })
    return out


async def _list(staff_id, include_revoked=True):
    q = Relationship.select().where((Relationship.staff == staff_id) | (Relationship.relative == staff_id))
    if not include_revoked:
        q = q.where(Relationship.revoked_at.is_null())
    rows = await fetch_all(q.order_by(Relationship.revoked_at.is_null(False), Relationship.id.desc()))
    return await _rows_out(rows, staff_id)


async def _relative(employee_no, name):
    """The relative named by employee number AND name (both must match): a person can name a
    relative they know, but cannot look anyone up by trying numbers."""
    rel = await Staff.aget_or_none(Staff.employee_no == (employee_no or "").strip())
    if rel is None or rel.is_service_account or rel.name != (name or "").strip():
        raise NotFound("未找到该人员，请核对亲属的姓名和工号", code="APPRAISAL_RELATIVE_NOT_FOUND",
                       fields={"relative_employee_no": "姓名与工号不匹配"})
    return rel


async def _create(*, actor, staff, employee_no, name, kind, note, source):
    if kind not in RELATION_KINDS:
        raise Invalid("关系类型不正确", code="VALIDATION_FAILED", fields={"kind": "取值不在允许范围内"})
    rel = await _relative(employee_no, name)
    if rel.id == staff.id:
        raise Invalid("不能与本人建立亲属关系", code="APPRAISAL_RELATIONSHIP_SELF",
                      fields={"relative_employee_no": "不能是本人"})
    async with atomic():
        if await relation_between(staff.id, rel.id):
            raise Conflict(f"已登记与{rel.name}的亲属关系", code="APPRAISAL_RELATIONSHIP_EXISTS")
        row = await Relationship.acreate(staff=staff.id, relative=rel.id, kind=kind, note=note or "",
                                         source=source, declared_by=actor.id)
        await audit.record(actor=actor, action="appraisal.relationship.declare", target_type="staff_relationship",
                           target_id=row.id, unit_id=staff.unit_id,
                           after={"staff_id": staff.id, "relative_id": rel.id, "kind": kind,
                                  "source": source, "note": note or ""})
        await events.publish("appraisal.relationship.declared", actor=actor, staff_id=staff.id,
                             relative_id=rel.id, kind=kind)
    return (await _rows_out([row], staff.id))[0]


async def _revoke(*, actor, row, unit_id):
    if row.revoked_at is not None:
        raise Conflict("该亲属关系已撤销", code="APPRAISAL_RELATIONSHIP_REVOKED")
    async with atomic():
        n = await Relationship.update(revoked_at=utcnow(), revoked_by=actor.id).where(
            Relationship.id == row.id, Relationship.revoked_at.is_null()).aexecute()
        if not n:
            raise Conflict("该亲属关系已撤销", code="APPRAISAL_RELATIONSHIP_REVOKED")
        await audit.record(actor=actor, action="appraisal.relationship.revoke", target_type="staff_relationship",
                           target_id=row.id, unit_id=unit_id,
                           before={"staff_id": row.staff_id, "relative_id": row.relative_id, "kind": row.kind},
                           after={"revoked": True})
    row = await Relationship.aget(Relationship.id == row.id)
    return row


# -- self-service --------------------------------------------------------------------------------

async def my_relationships(*, actor):
    return await _list(actor.id)


async def declare_mine(*, actor, employee_no, name, kind, note=""):
    return await _create(actor=actor, staff=actor.staff, employee_no=employee_no, name=name, kind=kind,
                         note=note, source="self")


async def revoke_mine(*, actor, relationship_id):
    """Withdraw a relationship one declared oneself (one HR registered stays HR's to revoke)."""
    row = await Relationship.aget_or_none(Relationship.id == relationship_id)
    if row is None or row.staff_id != actor.id:
        raise _not_found()
    if row.source != "self":
        raise Conflict("该关系由人事部门登记，如有误请联系人事部门", code="APPRAISAL_RELATIONSHIP_HR_OWNED")
    row = await _revoke(actor=actor, row=row, unit_id=actor.unit_id)
    return (await _rows_out([row], actor.id))[0]


# -- HR ------------------------------------------------------------------------------------------

async def staff_relationships(*, actor, staff_id):
    staff = await get_staff_in_reach(actor, "appraisal.manage", staff_id)
    return await _list(staff.id)


async def add_for_staff(*, actor, staff_id, employee_no, name, kind, note=""):
    staff = await get_staff_in_reach(actor, "appraisal.manage", staff_id)
    return await _create(actor=actor, staff=staff, employee_no=employee_no, name=name, kind=kind, note=note,
                         source="hr")


async def revoke_for_staff(*, actor, staff_id, relationship_id):
    staff = await get_staff_in_reach(actor, "appraisal.manage", staff_id)
    row = await Relationship.aget_or_none(Relationship.id == relationship_id)
    if row is None or staff.id not in (row.staff_id, row.relative_id):
        raise _not_found()
    row = await _revoke(actor=actor, row=row, unit_id=staff.unit_id)
    return (await _rows_out([row], staff.id))[0]


async def find_staff(*, actor, q, limit=50):
    """HR's person picker for the relationships page: staff in `appraisal.manage` reach whose
    name contains `q` or whose employee number is `q`."""
    reach = await actor.require_reach("appraisal.manage")
    q = (q or "").strip()[:50]
    if not q:
        return []
    rows = await fetch_all(Staff.select(Staff.id, Staff.name, Staff.employee_no, Staff.department)
                           .where(reach.staff_filter(Staff), Staff.is_service_account == False,  # noqa: E712
                                  Staff.name.contains(q) | (Staff.employee_no == q))
                           .order_by(Staff.employee_no).limit(limit))
    depts = {d.id: d.name for d in await fetch_all(Department.select(Department.id, Department.name).where(
        Department.id.in_(list({s.department_id for s in rows if s.department_id}) or [0])))}
    return [{"id": s.id, "name": s.name, "employee_no": s.employee_no, "department_name": depts.get(s.department_id)}
            for s in rows]


async def staff_brief(*, actor, staff_id):
    staff = await get_staff_in_reach(actor, "appraisal.manage", staff_id)
    dept = await Department.aget_or_none(Department.id == staff.department_id) if staff.department_id else None
    return {"id": staff.id, "name": staff.name, "employee_no": staff.employee_no,
            "department_name": dept.name if dept else None}
