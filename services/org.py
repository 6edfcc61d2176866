"""Org structure: units and departments as trees, leadership, positions and ranks.

Reads are narrowed by the caller's `org.view` reach, writes by the `org.manage` reach, both as
peewee expressions; anything outside the reach answers 404 so its existence does not leak.
"""
import peewee as pw

from models.base import atomic, count, exists, fetch_all, utcnow
from models.org import Department, DepartmentDeputy, Position, Rank, Staff, StaffPost, Unit
from server.errors import Conflict, Invalid, NotFound
from services import audit
from services.orgtree import create_department_row, create_unit_row, move_department_row
from services.separation import refuse_own

UNIT_NOT_FOUND = "单位不存在或不在您的管理范围内"
DEPT_NOT_FOUND = "部门不存在或不在您的管理范围内"


# ---------------------------------------------------------------- helpers

def covers_unit(reach, unit_id):
    return reach.everything or unit_id in reach.unit_ids


def _tree(nodes):
    """Nest dicts by parent_id; a node whose parent is not in the list becomes a root."""
    by_id = {n["id"]: n for n in nodes}
    roots = []
    for n in nodes:
        n.setdefault("children", [])
    for n in nodes:
        parent = by_id.get(n["parent_id"])
        (parent["children"] if parent else roots).append(n)
    return roots


def unit_out(u):
    return {"id": u.id, "name": u.name, "code": u.code, "parent_id": u.parent_id, "path": u.path,
            "head_id": u.head_id, "crypto_algorithm": u.crypto_algorithm}


def department_brief(d):
    return {"id": d.id, "unit_id": d.unit_id, "parent_id": d.parent_id, "name": d.name,
            "path": d.path, "sort": d.sort, "status": d.status, "leader_id": d.leader_id,
            "supervisor_id": d.supervisor_id}


async def _departments_out(depts):
    """Departments with leader/supervisor/deputy names and active head counts (four queries)."""
    ids = [d.id for d in depts]
    if not ids:
        return []
    deputies = {}
    for dd in await fetch_all(DepartmentDeputy.select().where(DepartmentDeputy.department.in_(ids))):
        deputies.setdefault(dd.department_id, []).append(dd.staff_id)
    people_ids = {d.leader_id for d in depts} | {d.supervisor_id for d in depts}
    people_ids |= {s for v in deputies.values() for s in v}
    people_ids.discard(None)
    names = {}
    if people_ids:
        names = {s.id: s.name for s in await fetch_all(
            Staff.select(Staff.id, Staff.name).where(Staff.id.in_(list(people_ids))))}
    counts = {r.department_id: r.n for r in await fetch_all(
        Staff.select(Staff.department, pw.fn.COUNT(Staff.id).alias("n"))
        .where(Staff.department.in_(ids), Staff.status == "active")
        .group_by(Staff.department))}

    def person(pid):
        return {"id": pid, "name": names.get(pid)} if pid else None

    out = []
    for d in depts:
        row = department_brief(d)
        row["leader"] = person(d.leader_id)
        row["supervisor"] = person(d.supervisor_id)
        row["deputies"] = [person(p) for p in deputies.get(d.id, [])]
        row["staff_count"] = counts.get(d.id, 0)
        out.append(row)
    return out


async def _unit_in_reach(reach, unit_id, *, manage):
    unit = await Unit.aget_or_none(Unit.id == unit_id)
    if unit is None:
        raise NotFound(UNIT_NOT_FOUND, code="UNIT_NOT_FOUND")
    if manage:
        if not covers_unit(reach, unit.id):
            raise NotFound(UNIT_NOT_FOUND, code="UNIT_NOT_FOUND")
    elif not await exists(Unit.select().where(Unit.id == unit.id, reach.touched_unit_filter(Unit.id))):
        raise NotFound(UNIT_NOT_FOUND, code="UNIT_NOT_FOUND")
    return unit


async def _dept_in_reach(reach, dept_id, *, code="DEPARTMENT_NOT_FOUND"):
    dept = await Department.aget_or_none(Department.id == dept_id) if dept_id else None
    if dept is None or not reach.covers_department(dept.id, dept.unit_id):
        raise NotFound(DEPT_NOT_FOUND, code=code)
    return dept


# ---------------------------------------------------------------- units

async def list_units(*, env, actor):
    """Units within the caller's org.view reach, as a tree."""
    reach = await actor.require_reach("org.view")
    units = await fetch_all(Unit.select().where(reach.touched_unit_filter(Unit.id)).order_by(Unit.path))
    return _tree([unit_out(u) for u in units])


async def create_unit(*, env, actor, name, code, parent_id=None):
    reach = await actor.require_reach("org.manage")
    parent = None
    if parent_id is not None:
        parent = await _unit_in_reach(reach, parent_id, manage=True)
    elif not reach.everything:
        raise NotFound("只有全局范围的管理员可以创建顶级单位", code="UNIT_NOT_FOUND")
    async with atomic():
        if await exists(Unit.select().where(Unit.code == code)):
            raise Conflict("单位代码已被使用", code="UNIT_CODE_TAKEN")
        unit = await create_unit_row(name=name, code=code, parent=parent)
        await audit.record(actor=actor, action="unit.create", target_type="unit", target_id=unit.id,
                           after={"name": name, "code": code, "parent_id": parent_id},
                           unit_id=unit.id)
    return unit_out(await Unit.aget(Unit.id == unit.id))


async def update_unit(*, env, actor, unit_id, name=None, code=None):
    reach = await actor.require_reach("org.manage")
    unit = await _unit_in_reach(reach, unit_id, manage=True)
    changes = {k: v for k, v in (("name", name), ("code", code)) if v is not None}
    async with atomic():
        if code and code != unit.code and await exists(Unit.select().where(Unit.code == code)):
            raise Conflict("单位代码已被使用", code="UNIT_CODE_TAKEN")
        before = {k: getattr(unit, k) for k in changes}
        if changes:
            await Unit.update(**changes).where(Unit.id == unit.id).aexecute()
        await audit.record(actor=actor, action="unit.update", target_type="unit", target_id=unit.id,
                           before=before, after=changes, unit_id=unit.id)
    return unit_out(await Unit.aget(Unit.id == unit.id))


# ---------------------------------------------------------------- departments

async def list_departments(*, env, actor, unit_id=None, flat=False, include_closed=True):
    """Departments within the caller's org.view reach, as a tree (or a flat list)."""
    reach = await actor.require_reach("org.view")
    query = Department.select().where(reach.department_filter(Department))
    if unit_id is not None:
        await _unit_in_reach(reach, unit_id, manage=False)
        query = query.where(Department.unit == unit_id)
    if not include_closed:
        query = query.where(Department.status == "open")
    depts = await fetch_all(query.order_by(Department.unit, Department.sort, Department.id))
    rows = await _departments_out(depts)
    return rows if flat else _tree(rows)


async def get_department(*, env, actor, department_id):
    reach = await actor.require_reach("org.view")
    dept = await _dept_in_reach(reach, department_id)
    return (await _departments_out([dept]))[0]


async def create_department(*, env, actor, unit_id, name, parent_id=None, sort=0):
    reach = await actor.require_reach("org.manage")
    parent = None
    if parent_id is not None:
        parent = await _dept_in_reach(reach, parent_id, code="PARENT_NOT_FOUND")
        if parent.unit_id != unit_id:
            raise Invalid("上级部门不属于该单位", code="PARENT_OTHER_UNIT",
                          fields={"parent_id": "上级部门不属于该单位"})
        if parent.status != "open":
            raise Conflict("上级部门已撤销", code="DEPARTMENT_CLOSED")
        unit = await Unit.aget(Unit.id == unit_id)
    else:
        unit = await _unit_in_reach(reach, unit_id, manage=True)
    async with atomic():
        dept = await create_department_row(unit=unit, name=name, parent=parent, sort=sort)
        await audit.record(actor=actor, action="department.create", target_type="department",
                           target_id=dept.id, unit_id=unit.id,
                           after={"name": name, "unit_id": unit.id, "parent_id": parent_id,
                                  "sort": sort})
    return await get_department(env=env, actor=actor, department_id=dept.id) \
        if actor.has("org.view") else department_brief(await Department.aget(Department.id == dept.id))


async def update_department(*, env, actor, department_id, name=None, sort=None):
    reach = await actor.require_reach("org.manage")
    dept = await _dept_in_reach(reach, department_id)
    changes = {k: v for k, v in (("name", name), ("sort", sort)) if v is not None}
    async with atomic():
        before = {k: getattr(dept, k) for k in changes}
        if changes:
            await Department.update(**changes, updated_at=utcnow()).where(
                Department.id == dept.id).aexecute()
        await audit.record(actor=actor, action="department.update", target_type="department",
                           target_id=dept.id, before=before, after=changes, unit_id=dept.unit_id)
    return department_brief(await Department.aget(Department.id == dept.id))


async def move_department(*, env, actor, department_id, parent_id=None, unit_id=None):
    """Re-parent a department (and its subtree); parent_id None moves it to the top of unit_id."""
    reach = await actor.require_reach("org.manage")
    dept = await _dept_in_reach(reach, department_id)
    parent = None
    if parent_id is not None:
        parent = await _dept_in_reach(reach, parent_id, code="PARENT_NOT_FOUND")
        if parent.path.startswith(dept.path):
            raise Conflict("不能把部门移到它自身或它的下级部门之下", code="DEPARTMENT_CYCLE")
        if unit_id is not None and unit_id != parent.unit_id:
            raise Invalid("上级部门不属于目标单位", code="PARENT_OTHER_UNIT",
                          fields={"parent_id": "上级部门不属于目标单位"})
        if parent.status != "open":
            raise Conflict("上级部门已撤销", code="DEPARTMENT_CLOSED")
        target_unit = parent.unit_id
    else:
        target_unit = unit_id if unit_id is not None else dept.unit_id
        await _unit_in_reach(reach, target_unit, manage=True)
    before = {"parent_id": dept.parent_id, "unit_id": dept.unit_id, "path": dept.path}
    async with atomic():
        subtree = [d.id for d in await fetch_all(
            Department.select(Department.id).where(Department.path.startswith(dept.path)))]
        await move_department_row(dept, parent, target_unit)
        if target_unit != before["unit_id"]:
            # People follow their department into the other unit; unit-bound posts do not.
            await Staff.update(unit=target_unit, position=None, updated_at=utcnow()).where(
                Staff.department.in_(subtree)).aexecute()
        after = {"parent_id": parent_id, "unit_id": target_unit, "path": dept.path}
        await audit.record(actor=actor, action="department.move", target_type="department",
                           target_id=dept.id, before=before, after=after, unit_id=target_unit)
    return department_brief(await Department.aget(Department.id == dept.id))


async def close_department(*, env, actor, department_id):
    """Close (撤销) an empty department: no active staff, no active posts, no open children."""
    reach = await actor.require_reach("org.manage")
    dept = await _dept_in_reach(reach, department_id)
    if dept.status == "closed":
        raise Conflict("部门已撤销", code="DEPARTMENT_CLOSED")
    async with atomic():
        reasons = {}
        n_staff = await count(Staff.select().where(Staff.department == dept.id,
                                                   Staff.status == "active"))
        if n_staff:
            reasons["staff"] = f"仍有 {n_staff} 名在职人员"
        n_posts = await count(StaffPost.select().where(StaffPost.department == dept.id,
                                                       StaffPost.active == True))  # noqa: E712
        if n_posts:
            reasons["posts"] = f"仍有 {n_posts} 个兼职或挂职"
        n_children = await count(Department.select().where(Department.parent == dept.id,
                                                           Department.status == "open"))
        if n_children:
            reasons["children"] = f"仍有 {n_children} 个下级部门"
        if reasons:
            raise Conflict("部门不为空，不能撤销：" + "；".join(reasons.values()),
                           code="DEPARTMENT_NOT_EMPTY", fields=reasons)
        await Department.update(status="closed", updated_at=utcnow()).where(
            Department.id == dept.id).aexecute()
        await audit.record(actor=actor, action="department.close", target_type="department",
                           target_id=dept.id, before={"status": "open"}, after={"status": "closed"},
                           unit_id=dept.unit_id)
    return department_brief(await Department.aget(Department.id == dept.id))


async def set_leadership(*, env, actor, department_id, leader_id=None, deputy_ids=(),
                         supervisor_id=None):
    """Leader (负责人), deputies and the supervising unit leader (分管领导) of a department."""
    reach = await actor.require_reach("org.manage")
    dept = await _dept_in_reach(reach, department_id)
    deputy_ids = list(dict.fromkeys(deputy_ids or ()))
    wanted = {p for p in (leader_id, supervisor_id, *deputy_ids) if p is not None}
    if wanted:
        ok = {s.id for s in await fetch_all(
            Staff.select(Staff.id).where(Staff.id.in_(list(wanted)), Staff.unit == dept.unit_id,
                                         Staff.status == "active",
                                         Staff.is_service_account == False))}  # noqa: E712
        bad = wanted - ok
        if bad:
            fields = {}
            if leader_id in bad:
                fields["leader_id"] = "应为本单位在职人员"
            if supervisor_id in bad:
                fields["supervisor_id"] = "应为本单位在职人员"
            if bad & set(deputy_ids):
                fields["deputy_ids"] = "应为本单位在职人员"
            raise Invalid("领导班子成员应为本单位在职人员", code="LEADER_NOT_IN_UNIT", fields=fields)
    old_deputies = [d.staff_id for d in await fetch_all(
        DepartmentDeputy.select().where(DepartmentDeputy.department == dept.id)
        .order_by(DepartmentDeputy.id))]
    before = {"leader_id": dept.leader_id, "deputy_ids": old_deputies,
              "supervisor_id": dept.supervisor_id}
    after = {"leader_id": leader_id, "deputy_ids": deputy_ids, "supervisor_id": supervisor_id}
    if actor.id in wanted and actor.id not in {dept.leader_id, dept.supervisor_id, *old_deputies}:
        # Appointing oneself makes one the approver of a department's requests: someone else must.
        refuse_own(actor, actor.id, "任命本人为部门负责人或分管领导")
    async with atomic():
        await Department.update(leader=leader_id, supervisor=supervisor_id,
                                updated_at=utcnow()).where(Department.id == dept.id).aexecute()
        await DepartmentDeputy.delete().where(DepartmentDeputy.department == dept.id).aexecute()
        for sid in deputy_ids:
            await DepartmentDeputy.acreate(department=dept.id, staff=sid)
        await audit.record(actor=actor, action="department.leadership", target_type="department",
                           target_id=dept.id, before=before, after=after, unit_id=dept.unit_id)
    return (await _departments_out([await Department.aget(Department.id == dept.id)]))[0]


# ---------------------------------------------------------------- positions and ranks

def position_out(p):
    return {"id": p.id, "unit_id": p.unit_id, "name": p.name, "is_leading": p.is_leading}


async def list_positions(*, env, actor, unit_id=None):
    reach = await actor.require_reach("org.view")
    query = Position.select().where(Position.unit.in_(
        Unit.select(Unit.id).where(reach.touched_unit_filter(Unit.id))))
    if unit_id is not None:
        await _unit_in_reach(reach, unit_id, manage=False)
        query = query.where(Position.unit == unit_id)
    return [position_out(p) for p in await fetch_all(query.order_by(Position.unit, Position.id))]


async def create_position(*, env, actor, unit_id, name, is_leading=False):
    reach = await actor.require_reach("org.manage")
    unit = await _unit_in_reach(reach, unit_id, manage=True)
    async with atomic():
        if await exists(Position.select().where(Position.unit == unit.id, Position.name == name)):
            raise Conflict("该单位已有同名职务", code="POSITION_TAKEN")
        pos = await Position.acreate(unit=unit.id, name=name, is_leading=is_leading)
        await audit.record(actor=actor, action="position.create", target_type="position",
                           target_id=pos.id, unit_id=unit.id,
                           after={"name": name, "is_leading": is_leading})
    return position_out(pos)


async def list_ranks(*, env, actor):
    actor.require("org.view")
    return [{"id": r.id, "name": r.name, "level": r.level}
            for r in await fetch_all(Rank.select().order_by(Rank.level.desc(), Rank.id))]
