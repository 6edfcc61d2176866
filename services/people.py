"""How a person is shown: masked personal data, department and unit names, posts, roles."""
from models.base import fetch_all
from models.org import Department, Position, Rank, Staff, StaffPost, Unit
from server.crypto import mask_id_no, mask_phone
from services.access import SCOPE_LABELS
from services.qr_login import may_use_admin_console


def staff_out(staff, cipher, *, units=None, depts=None, positions=None, ranks=None):
    """One staff row for a response; phone and ID are always masked."""
    units, depts = units or {}, depts or {}
    positions, ranks = positions or {}, ranks or {}
    dept = depts.get(staff.department_id)
    unit = units.get(staff.unit_id)
    return {
        "id": staff.id,
        "employee_no": staff.employee_no,
        "name": staff.name,
        "gender": staff.gender,
        "unit": {"id": staff.unit_id, "name": unit.name if unit else None},
        "department": ({"id": staff.department_id, "name": dept.name if dept else None}
                       if staff.department_id else None),
        "position": positions[staff.position_id].name if staff.position_id in positions else None,
        "position_id": staff.position_id,
        "rank": ranks[staff.rank_id].name if staff.rank_id in ranks else None,
        "rank_id": staff.rank_id,
        "hire_date": staff.hire_date,
        "first_employment_date": staff.first_employment_date,
        "status": staff.status,
        "phone_masked": mask_phone(cipher.decrypt(staff.phone_enc)),
        "id_no_masked": mask_id_no(cipher.decrypt(staff.id_no_enc)),
        "wechat_bound": bool(staff.openid),
        "updated_at": staff.updated_at,
    }


async def lookups_for(staff_rows):
    """Names for the units, departments, positions and ranks of these rows, in four queries."""
    unit_ids = {s.unit_id for s in staff_rows}
    dept_ids = {s.department_id for s in staff_rows if s.department_id}
    pos_ids = {s.position_id for s in staff_rows if s.position_id}
    rank_ids = {s.rank_id for s in staff_rows if s.rank_id}
    out = {"units": {}, "depts": {}, "positions": {}, "ranks": {}}
    if unit_ids:
        out["units"] = {u.id: u for u in await fetch_all(Unit.select().where(Unit.id.in_(list(unit_ids))))}
    if dept_ids:
        out["depts"] = {d.id: d for d in await fetch_all(
            Department.select().where(Department.id.in_(list(dept_ids))))}
    if pos_ids:
        out["positions"] = {p.id: p for p in await fetch_all(
            Position.select().where(Position.id.in_(list(pos_ids))))}
    if rank_ids:
        out["ranks"] = {r.id: r for r in await fetch_all(Rank.select().where(Rank.id.in_(list(rank_ids))))}
    return out


async def staff_list_out(rows, cipher):
    look = await lookups_for(rows)
    return [staff_out(s, cipher, **look) for s in rows]


async def me_out(principal, cipher):
    staff = principal.staff
    look = await lookups_for([staff])
    data = staff_out(staff, cipher, **look)
    posts = await fetch_all(
        StaffPost.select(StaffPost, Department).join(Department)
        .where(StaffPost.staff == staff.id, StaffPost.active == True))  # noqa: E712
    data["posts"] = [{"department": {"id": p.department_id, "name": p.department.name},
                      "kind": p.kind, "start_date": p.start_date, "end_date": p.end_date}
                     for p in posts]
    data["roles"] = [{"code": g.role_code, "name": g.role_name, "grant_id": g.id,
                      "scope": {"type": g.scope_type, "label": SCOPE_LABELS.get(g.scope_type),
                                "unit_id": g.scope_unit_id,
                                "department_id": g.scope_department_id,
                                "department_ids": list(g.custom_dept_ids)}}
                     for g in principal.grants]
    data["permissions"] = sorted(principal.permissions)
    led = await fetch_all(Department.select(Department.id, Department.name)
                          .where(Department.leader == staff.id))
    data["leads"] = [{"id": d.id, "name": d.name} for d in led]
    # Leading in the org tree in any capacity opens the 团队 view (services/access.LEADER_PERMISSIONS).
    data["team"] = bool(principal.led_dept_ids) and staff.status == "active"
    # "扫码登录管理后台" shows only to people the console lets in (services/qr_login's rule).
    data["console"] = may_use_admin_console(principal)
    return data


async def find_staff_by_employee_no(employee_no):
    return await Staff.aget_or_none(Staff.employee_no == employee_no)


async def colleagues(*, actor, q, limit=20):
    """Active people of my unit whose name contains `q` (not me, no service accounts): whom I may
    pick as the delegate of my approvals while away (委托审批 is within one unit). Names and
    departments only."""
    q = (q or "").strip()
    if not q:
        return []
    rows = await fetch_all(
        Staff.select(Staff.id, Staff.name, Staff.department)
        .where(Staff.unit == actor.unit_id, Staff.status == "active", Staff.id != actor.id,
               Staff.is_service_account == False, Staff.name.contains(q))  # noqa: E712
        .order_by(Staff.name, Staff.id).limit(limit))
    dept_ids = {r.department_id for r in rows if r.department_id}
    names = {d.id: d.name for d in await fetch_all(
        Department.select(Department.id, Department.name).where(Department.id.in_(dept_ids)))} if dept_ids else {}
    return [{"id": r.id, "name": r.name,
             "department": {"id": r.department_id, "name": names.get(r.department_id)}
             if r.department_id else None}
            for r in rows]
