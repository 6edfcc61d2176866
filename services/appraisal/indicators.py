"""Department indicators (部门指标) of a cycle with their coverage by personal goals, and goal
templates by position (岗位目标模板). HR (appraisal.manage over the department / the unit) edits
them; a department leader reads their department tree's indicators and coverage."""
from peewee import JOIN

from models.appraisal.cycles import CycleParticipant, DeptIndicator, GoalTemplate
from models.appraisal.goals import GoalItem, GoalSet, GoalVersion
from models.base import atomic, fetch_all, utcnow
from models.org import Department, Position, Staff
from server.errors import Conflict, NotFound
from services import audit


def _indicator_not_found():
    return NotFound("部门指标不存在或不在您的管理范围内", code="APPRAISAL_INDICATOR_NOT_FOUND")


def _template_not_found():
    return NotFound("目标模板不存在或不在您的管理范围内", code="APPRAISAL_TEMPLATE_NOT_FOUND")


def _open(cycle):
    if cycle.status == "closed":
        raise Conflict("考核周期已结束，不能修改", code="APPRAISAL_CYCLE_CLOSED")


# ---- indicators ----------------------------------------------------------------------------------

async def _readable_depts(actor, cycle_id, *, participant_own=False):
    """(cycle, department ids the caller may read indicators of, or None for the whole unit)."""
    from services.appraisal.cycles import cycle_for_read
    cycle, how = await cycle_for_read(actor, cycle_id)
    hr = how["hr"]
    if hr is not None and (hr.everything or cycle.unit_id in hr.unit_ids):
        return cycle, None
    depts = set(how["led"])
    if hr is not None:
        depts |= set(hr.dept_ids)
    if participant_own and how["participant"]:
        # A participant reads their own department's indicators, to link personal goals to them
        # (the list only: coverage names colleagues' goals).
        me = await CycleParticipant.aget_or_none(CycleParticipant.cycle == cycle.id,
                                                 CycleParticipant.staff == actor.id)
        if me is not None and me.department_id:
            depts.add(me.department_id)
    if not depts:
        raise NotFound("考核周期不存在或不在您的管理范围内", code="APPRAISAL_CYCLE_NOT_FOUND")
    return cycle, depts


def indicator_out(i, dept_name=None):
    return {"id": i.id, "cycle_id": i.cycle_id, "department_id": i.department_id,
            "department": dept_name, "code": i.code or None, "title": i.title,
            "description": i.description, "target": i.target, "unit_of_measure": i.unit_of_measure,
            "weight": i.weight, "active": i.active, "updated_at": i.updated_at}


async def list_indicators(*, actor, cycle_id, department_id=None, participant_own=True):
    cycle, depts = await _readable_depts(actor, cycle_id, participant_own=participant_own)
    query = (DeptIndicator.select(DeptIndicator, Department.name.alias("dept_name"))
             .join(Department, on=(DeptIndicator.department == Department.id))
             .where(DeptIndicator.cycle == cycle.id))
    if depts is not None:
        query = query.where(DeptIndicator.department.in_(list(depts)))
    if department_id:
        query = query.where(DeptIndicator.department == department_id)
    rows = await fetch_all(query.order_by(Department.sort, Department.id, DeptIndicator.id).objects())
    return [indicator_out(r, r.dept_name) for r in rows]


async def _dept_for_manage(reach, cycle, department_id):
    dept = await Department.aget_or_none(Department.id == department_id)
    if dept is None or dept.unit_id != cycle.unit_id or not reach.covers_department(dept.id, dept.unit_id):
        raise NotFound("部门不存在或不在您的管理范围内", code="DEPARTMENT_NOT_FOUND")
    return dept


async def _code_free(cycle_id, code, except_id=None):
    if not code:
        return
    query = DeptIndicator.select().where(DeptIndicator.cycle == cycle_id, DeptIndicator.code == code)
    if except_id:
        query = query.where(DeptIndicator.id != except_id)
    if await fetch_all(query):
        raise Conflict(f"指标编码“{code}”已被本周期的其他指标使用", code="APPRAISAL_INDICATOR_CODE_TAKEN",
                       fields={"code": "编码重复"})


async def create_indicator(*, actor, cycle_id, body):
    from services.appraisal.cycles import cycle_for_manage
    cycle, reach = await cycle_for_manage(actor, cycle_id, whole_unit=False)
    _open(cycle)
    dept = await _dept_for_manage(reach, cycle, body["department_id"])
    async with atomic():
        await _code_free(cycle.id, body.get("code") or "")
        row = await DeptIndicator.acreate(
            cycle=cycle.id, department=dept.id, code=body.get("code") or "", title=body["title"],
            description=body.get("description") or "", target=body.get("target"),
            unit_of_measure=body.get("unit_of_measure") or "", weight=body.get("weight") or 0,
            active=body.get("active", True), created_by=actor.id)
        out = indicator_out(row, dept.name)
        await audit.record(actor=actor, action="appraisal.indicator.create",
                           target_type="appraisal_indicator", target_id=row.id, after=out,
                           unit_id=cycle.unit_id)
    return out


async def update_indicator(*, actor, indicator_id, changes):
    from services.appraisal.cycles import cycle_for_manage
    row = await DeptIndicator.aget_or_none(DeptIndicator.id == indicator_id)
    if row is None:
        raise _indicator_not_found()
    try:
        cycle, reach = await cycle_for_manage(actor, row.cycle_id, whole_unit=False)
        await _dept_for_manage(reach, cycle, row.department_id)
    except NotFound:
        raise _indicator_not_found() from None
    _open(cycle)
    changes = dict(changes)
    if "department_id" in changes:
        changes["department"] = (await _dept_for_manage(reach, cycle, changes.pop("department_id"))).id
    for key in ("code", "description", "unit_of_measure"):
        if key in changes and changes[key] is None:
            changes[key] = ""
    async with atomic():
        if changes.get("code"):
            await _code_free(cycle.id, changes["code"], except_id=row.id)
        dept = await Department.aget(Department.id == row.department_id)
        before = indicator_out(row, dept.name)
        await DeptIndicator.update(updated_at=utcnow(), **changes).where(
            DeptIndicator.id == row.id).aexecute()
        row = await DeptIndicator.aget(DeptIndicator.id == row.id)
        dept = await Department.aget(Department.id == row.department_id)
        out = indicator_out(row, dept.name)
        await audit.record(actor=actor, action="appraisal.indicator.update",
                           target_type="appraisal_indicator", target_id=row.id, before=before,
                           after=out, unit_id=cycle.unit_id)
    return out


async def coverage(*, actor, cycle_id):
    """Each indicator with the personal goals linked to it: per goal set, the version in force
    (confirmed) or, before confirmation, the one being drafted/reviewed; counts, weight sums and
    who, confirmed or not."""
    indicators = await list_indicators(actor=actor, cycle_id=cycle_id, participant_own=False)
    ids = [i["id"] for i in indicators]
    by = {i: [] for i in ids}
    if ids:
        rows = await fetch_all(
            GoalItem.select(GoalItem.indicator, GoalItem.weight, GoalItem.title, GoalSet.id.alias("set_id"),
                            GoalSet.status.alias("set_status"), GoalSet.confirmed_version_id,
                            GoalVersion.id.alias("ver_id"), Staff.id.alias("staff_id"),
                            Staff.name.alias("staff_name"), Department.name.alias("dept_name"))
            .join(GoalVersion, on=(GoalItem.version == GoalVersion.id))
            .join(GoalSet, on=(GoalVersion.goal_set == GoalSet.id))
            .join(Staff, on=(GoalSet.staff == Staff.id))
            .switch(GoalSet)
            .join(Department, JOIN.LEFT_OUTER, on=(GoalSet.department == Department.id))
            .where(GoalItem.indicator.in_(ids),
                   (GoalVersion.id == GoalSet.confirmed_version_id)
                   | (GoalSet.confirmed_version_id.is_null()
                      & (GoalVersion.id == GoalSet.current_version_id)))
            .order_by(Staff.employee_no).dicts())
        for r in rows:
            confirmed = r["confirmed_version_id"] == r["ver_id"]
            by[r["indicator"]].append({
                "staff_id": r["staff_id"], "name": r["staff_name"], "department": r["dept_name"],
                "goal_set_id": r["set_id"], "item_title": r["title"], "weight": r["weight"],
                "confirmed": confirmed, "status": "confirmed" if confirmed else r["set_status"]})
    out = []
    for i in indicators:
        goals = by[i["id"]]
        people = {g["staff_id"] for g in goals}
        conf = [g for g in goals if g["confirmed"]]
        out.append({**i, "people": len(people), "weight_sum": round(sum(g["weight"] for g in goals), 2),
                    "confirmed_people": len({g["staff_id"] for g in conf}),
                    "confirmed_weight_sum": round(sum(g["weight"] for g in conf), 2),
                    "goals": goals})
    return out


# ---- goal templates ------------------------------------------------------------------------------

def template_out(t, position_name=None):
    return {"id": t.id, "cycle_id": t.cycle_id, "position_id": t.position_id,
            "position": position_name, "name": t.name, "items": t.items or [],
            "weight_total": round(sum(float(i.get("weight") or 0) for i in t.items or []), 2),
            "updated_at": t.updated_at}


async def list_templates(*, actor, cycle_id):
    from services.appraisal.cycles import cycle_for_manage
    cycle, _ = await cycle_for_manage(actor, cycle_id, whole_unit=False)
    rows = await fetch_all(GoalTemplate.select(GoalTemplate, Position.name.alias("pos_name"))
                           .join(Position, JOIN.LEFT_OUTER, on=(GoalTemplate.position == Position.id))
                           .where(GoalTemplate.cycle == cycle.id).order_by(GoalTemplate.id).objects())
    return [template_out(r, r.pos_name) for r in rows]


async def _position(cycle, position_id):
    if position_id is None:
        return None
    pos = await Position.aget_or_none(Position.id == position_id, Position.unit == cycle.unit_id)
    if pos is None:
        raise NotFound("职务不存在或不属于本单位", code="POSITION_NOT_FOUND",
                       fields={"position_id": "不属于本单位"})
    return pos


async def _position_free(cycle_id, position_id, except_id=None):
    query = GoalTemplate.select().where(GoalTemplate.cycle == cycle_id,
                                        GoalTemplate.position.is_null() if position_id is None
                                        else GoalTemplate.position == position_id)
    if except_id:
        query = query.where(GoalTemplate.id != except_id)
    if await fetch_all(query):
        raise Conflict("该职务在本周期已有目标模板", code="APPRAISAL_TEMPLATE_EXISTS",
                       fields={"position_id": "已有模板"})


async def create_template(*, actor, cycle_id, body):
    from services.appraisal.cycles import cycle_for_manage
    cycle, _ = await cycle_for_manage(actor, cycle_id)
    _open(cycle)
    pos = await _position(cycle, body.get("position_id"))
    async with atomic():
        await _position_free(cycle.id, pos.id if pos else None)
        row = await GoalTemplate.acreate(cycle=cycle.id, position=pos.id if pos else None,
                                         name=body["name"], items=body["items"])
        out = template_out(row, pos.name if pos else None)
        await audit.record(actor=actor, action="appraisal.template.create",
                           target_type="appraisal_template", target_id=row.id, after=out,
                           unit_id=cycle.unit_id)
    return out


async def _template_for_manage(actor, template_id):
    from services.appraisal.cycles import cycle_for_manage
    row = await GoalTemplate.aget_or_none(GoalTemplate.id == template_id)
    if row is None:
        raise _template_not_found()
    try:
        cycle, _ = await cycle_for_manage(actor, row.cycle_id)
    except NotFound:
        raise _template_not_found() from None
    _open(cycle)
    return row, cycle


async def update_template(*, actor, template_id, changes):
    row, cycle = await _template_for_manage(actor, template_id)
    changes = dict(changes)
    pos = await _position(cycle, changes["position_id"]) if "position_id" in changes else None
    async with atomic():
        if "position_id" in changes:
            await _position_free(cycle.id, pos.id if pos else None, except_id=row.id)
            changes["position"] = pos.id if pos else None
            del changes["position_id"]
        old_pos = await Position.aget_or_none(Position.id == row.position_id) if row.position_id else None
        before = template_out(row, old_pos.name if old_pos else None)
        await GoalTemplate.update(updated_at=utcnow(), **changes).where(GoalTemplate.id == row.id).aexecute()
        row = await GoalTemplate.aget(GoalTemplate.id == row.id)
        new_pos = await Position.aget_or_none(Position.id == row.position_id) if row.position_id else None
        out = template_out(row, new_pos.name if new_pos else None)
        await audit.record(actor=actor, action="appraisal.template.update",
                           target_type="appraisal_template", target_id=row.id, before=before,
                           after=out, unit_id=cycle.unit_id)
    return out


async def delete_template(*, actor, template_id):
    row, cycle = await _template_for_manage(actor, template_id)
    async with atomic():
        await GoalTemplate.delete().where(GoalTemplate.id == row.id).aexecute()
        await audit.record(actor=actor, action="appraisal.template.delete",
                           target_type="appraisal_template", target_id=row.id,
                           before=template_out(row), unit_id=cycle.unit_id)


async def template_for(cycle_id, position_id):
    """The template a person starts from: their position's, else the general one (no position)."""
    rows = await fetch_all(GoalTemplate.select().where(
        GoalTemplate.cycle == cycle_id,
        (GoalTemplate.position.is_null()) | (GoalTemplate.position == position_id)))
    for r in rows:
        if position_id is not None and r.position_id == position_id:
            return template_out(r)
    return template_out(rows[0]) if rows else None
