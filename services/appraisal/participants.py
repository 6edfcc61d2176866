"""Who takes part in a cycle: the participant rule evaluated at launch and frozen into
appraisal_participant (active, or excluded with the reason), then explicit additions and removals
with a reason, each audited. Launch is set-based (a handful of queries and chunked inserts
whatever the size of the unit), so 10,000 staff launch in seconds.
"""
import datetime
import functools
import operator

from peewee import JOIN, fn

from models.appraisal.cycles import AppraisalCycle, CycleParticipant
from models.base import atomic, count, fetch_all, utcnow
from models.leave import LeaveRequest, LeaveType
from models.org import Department, Position, Rank, Staff, StaffPost
from server.errors import Conflict, NotFound
from services import audit
from services.notify import raise_notification

CHUNK = 500
EXCLUSION_LABELS = {"long_leave": "长期休假", "hired_after": "新入职", "seconded_out": "挂职在外"}
STATUS_LABELS = {"active": "参加", "excluded": "不参加", "removed": "已移出"}


def _not_found():
    return NotFound("该人员不是本考核周期的参与人员", code="APPRAISAL_PARTICIPANT_NOT_FOUND")


async def _candidates(cycle):
    """Active staff of the unit inside the rule's departments (with sub-departments) and ranks."""
    rule = cycle.participant_rule or {}
    query = (Staff.select(Staff.id, Staff.department, Staff.position, Staff.rank, Staff.hire_date)
             .where(Staff.unit == cycle.unit_id, Staff.status == "active",
                    Staff.is_service_account == False, Staff.department.is_null(False)))  # noqa: E712
    dept_ids = rule.get("department_ids") or []
    if dept_ids:
        roots = await fetch_all(Department.select(Department.path).where(
            Department.id.in_(dept_ids), Department.unit == cycle.unit_id))
        if not roots:
            return []
        under = functools.reduce(operator.or_, [Department.path.startswith(r.path) for r in roots])
        query = query.where(Staff.department.in_(Department.select(Department.id).where(under)))
    if rule.get("rank_ids"):
        query = query.where(Staff.rank.in_(rule["rank_ids"]))
    return await fetch_all(query.order_by(Staff.id))


async def _seconded(cycle, start, end):
    """Staff of the unit holding an active secondment (挂职) post during the period."""
    rows = await fetch_all(StaffPost.select(StaffPost.staff).join(
        Staff, on=(StaffPost.staff == Staff.id)).where(
        Staff.unit == cycle.unit_id, StaffPost.kind == "secondment", StaffPost.active == True,  # noqa: E712
        (StaffPost.start_date.is_null()) | (StaffPost.start_date <= end),
        (StaffPost.end_date.is_null()) | (StaffPost.end_date >= start)))
    return {r.staff_id for r in rows}


async def _leave_days(cycle, start, end):
    """Calendar days of approved leave (business trips not counted) inside the period, per person."""
    rows = await fetch_all(LeaveRequest.select(LeaveRequest.staff, LeaveRequest.start_date,
                                               LeaveRequest.end_date)
                           .join(LeaveType, on=(LeaveRequest.leave_type == LeaveType.id))
                           .join(Staff, on=(LeaveRequest.staff == Staff.id))
                           .where(Staff.unit == cycle.unit_id, LeaveRequest.status == "approved",
                                  LeaveType.is_trip == False,  # noqa: E712
                                  LeaveRequest.start_date <= end, LeaveRequest.end_date >= start))
    days = {}
    for r in rows:
        a, b = max(r.start_date, start), min(r.end_date, end)
        days[r.staff_id] = days.get(r.staff_id, 0) + (b - a).days + 1
    return days


async def evaluate(cycle, *, period):
    """[(staff row, exclusion code or "", reason)] for the rule on this period."""
    start, end = period
    exclude = (cycle.participant_rule or {}).get("exclude") or {}
    people = await _candidates(cycle)
    seconded = await _seconded(cycle, start, end) if exclude.get("seconded_out") else set()
    leave_limit = exclude.get("long_leave_days")
    leave = await _leave_days(cycle, start, end) if leave_limit else {}
    hired_after = exclude.get("hired_after")
    hired_after = datetime.date.fromisoformat(str(hired_after)) if hired_after else None
    out = []
    for s in people:
        code, reason = "", ""
        if s.id in seconded:
            code, reason = "seconded_out", "考核期内挂职（借调）在外"
        elif leave_limit and leave.get(s.id, 0) >= leave_limit:
            code, reason = "long_leave", f"考核期内休假累计 {leave[s.id]} 天（达到 {leave_limit} 天）"
        elif hired_after and s.hire_date and s.hire_date > hired_after:
            code, reason = "hired_after", f"{s.hire_date} 入职，晚于 {hired_after}"
        out.append((s, code, reason))
    return out


async def freeze(cycle, *, period, actor):
    """Write the evaluated list into appraisal_participant (inside the launch transaction)."""
    now = utcnow()
    rows, active, excluded = [], [], {}
    for s, code, reason in await evaluate(cycle, period=period):
        rows.append({"cycle": cycle.id, "staff": s.id, "department": s.department_id,
                     "position_id": s.position_id, "rank_id": s.rank_id,
                     "status": "excluded" if code else "active", "source": "launch",
                     "reason": reason, "exclusion": code, "changed_by": getattr(actor, "id", None),
                     "changed_at": now, "created_at": now})
        if code:
            excluded[code] = excluded.get(code, 0) + 1
        else:
            active.append(s.id)
    for i in range(0, len(rows), CHUNK):
        await CycleParticipant.insert_many(rows[i:i + CHUNK]).aexecute()
    return {"active_ids": active, "excluded": excluded}


async def notify_launched(cycle, staff_ids, phases):
    gs = phases.get("goal_setting")
    body = (f"请在 {gs.opens_on} 至 {gs.closes_on} 期间填报个人考核目标并提交审核。" if gs
            else "请按各阶段时间完成考核事项。")
    for i in range(0, len(staff_ids), CHUNK):
        await raise_notification(
            recipient_ids=staff_ids[i:i + CHUNK], kind="appraisal.cycle.launched",
            title=f"{cycle.name}已启动", body=body,
            link=f"/package-appraisal/goals/index?cycle_id={cycle.id}",
            data={"cycle_id": cycle.id})


# ---- the frozen list -----------------------------------------------------------------------------

async def participant_in_reach(cycle, staff_id, reach):
    row = await CycleParticipant.aget_or_none(CycleParticipant.cycle == cycle.id,
                                              CycleParticipant.staff == staff_id)
    if row is None:
        return None
    staff = await Staff.aget_or_none(Staff.id == staff_id)
    depts = [staff.department_id, row.department_id] if staff else [row.department_id]
    if not reach.covers_staff(staff_id, depts, staff.unit_id if staff else None):
        return None
    return row


def _scope(query, reach):
    """Participants in reach: the person now, or the department they were frozen in."""
    if reach.everything:
        return query
    expr = reach.staff_filter(Staff)
    if reach.dept_ids:
        expr = expr | CycleParticipant.department.in_(list(reach.dept_ids))
    return query.where(expr)


async def list_participants(*, actor, cycle_id, status=None, department_id=None, q=None,
                            page=1, page_size=50):
    from services.appraisal.cycles import cycle_for_manage
    cycle, reach = await cycle_for_manage(actor, cycle_id, whole_unit=False)
    Changer = Staff.alias()
    base = (CycleParticipant.select(CycleParticipant, Staff.name, Staff.employee_no,
                                    Department.name.alias("dept_name"), Position.name.alias("pos_name"),
                                    Rank.name.alias("rank_name"), Changer.name.alias("changer"))
            .join(Staff, on=(CycleParticipant.staff == Staff.id))
            .switch(CycleParticipant)
            .join(Department, JOIN.LEFT_OUTER, on=(CycleParticipant.department == Department.id))
            .switch(CycleParticipant)
            .join(Position, JOIN.LEFT_OUTER, on=(CycleParticipant.position_id == Position.id))
            .switch(CycleParticipant)
            .join(Rank, JOIN.LEFT_OUTER, on=(CycleParticipant.rank_id == Rank.id))
            .switch(CycleParticipant)
            .join(Changer, JOIN.LEFT_OUTER, on=(CycleParticipant.changed_by == Changer.id))
            .where(CycleParticipant.cycle == cycle.id))
    base = _scope(base, reach)
    counts = {"active": 0, "excluded": 0, "removed": 0}
    for r in await fetch_all(_scope(CycleParticipant.select(CycleParticipant.status,
                                                            fn.COUNT(CycleParticipant.id).alias("n"))
                                    .join(Staff, on=(CycleParticipant.staff == Staff.id))
                                    .where(CycleParticipant.cycle == cycle.id), reach)
                             .group_by(CycleParticipant.status)):
        counts[r.status] = r.n
    query = base
    if status:
        query = query.where(CycleParticipant.status == status)
    if department_id:
        dept = await Department.aget_or_none(Department.id == department_id)
        if dept is None:
            raise NotFound("部门不存在", code="DEPARTMENT_NOT_FOUND")
        query = query.where(CycleParticipant.department.in_(
            Department.select(Department.id).where(Department.path.startswith(dept.path))))
    if q:
        query = query.where((Staff.name.contains(q)) | (Staff.employee_no == q))
    total = await count(query)
    rows = await fetch_all(query.order_by(Department.sort, Department.id, Staff.employee_no)
                           .paginate(page, page_size).objects())
    return [participant_out(r) for r in rows], total, counts


def participant_out(r):
    return {"staff_id": r.staff_id, "name": r.name, "employee_no": r.employee_no,
            "department_id": r.department_id, "department": getattr(r, "dept_name", None),
            "position": getattr(r, "pos_name", None), "rank": getattr(r, "rank_name", None),
            "status": r.status, "status_label": STATUS_LABELS.get(r.status, r.status),
            "source": r.source, "exclusion": r.exclusion or None,
            "exclusion_label": EXCLUSION_LABELS.get(r.exclusion) if r.exclusion else None,
            "reason": r.reason, "changed_by": getattr(r, "changer", None), "changed_at": r.changed_at}


async def _one_out(cycle_id, staff_id):
    Changer = Staff.alias()
    rows = await fetch_all(
        CycleParticipant.select(CycleParticipant, Staff.name, Staff.employee_no,
                                Department.name.alias("dept_name"), Changer.name.alias("changer"))
        .join(Staff, on=(CycleParticipant.staff == Staff.id)).switch(CycleParticipant)
        .join(Department, JOIN.LEFT_OUTER, on=(CycleParticipant.department == Department.id))
        .switch(CycleParticipant)
        .join(Changer, JOIN.LEFT_OUTER, on=(CycleParticipant.changed_by == Changer.id))
        .where(CycleParticipant.cycle == cycle_id, CycleParticipant.staff == staff_id).objects())
    return participant_out(rows[0])


async def _launched(actor, cycle_id):
    from services.appraisal.cycles import cycle_for_manage
    cycle, reach = await cycle_for_manage(actor, cycle_id, whole_unit=False)
    if cycle.status != "launched":
        raise Conflict("只有进行中的考核周期可以调整参与人员（筹备中的周期在启动时按范围生成名单）",
                       code="APPRAISAL_CYCLE_NOT_LAUNCHED")
    return cycle, reach


async def add_participant(*, actor, cycle_id, staff_id, reason):
    """Add a person after launch (reason required, audited): a new row or an excluded/removed one
    made active again, with their department, position and rank as of today."""
    cycle, reach = await _launched(actor, cycle_id)
    staff = await Staff.aget_or_none(Staff.id == staff_id)
    if (staff is None or staff.is_service_account or staff.unit_id != cycle.unit_id
            or not reach.covers_staff(staff.id, [staff.department_id], staff.unit_id)):
        raise NotFound("人员不存在或不在您的管理范围内", code="STAFF_NOT_FOUND")
    if staff.status != "active":
        raise Conflict("该人员不在职，不能加入考核", code="STAFF_NOT_ACTIVE")
    async with atomic():
        row = await CycleParticipant.aget_or_none(CycleParticipant.cycle == cycle.id,
                                                  CycleParticipant.staff == staff.id)
        if row is not None and row.status == "active":
            raise Conflict("该人员已是本考核周期的参与人员", code="APPRAISAL_ALREADY_PARTICIPANT")
        fields = {"department": staff.department_id, "position_id": staff.position_id,
                  "rank_id": staff.rank_id, "status": "active", "source": "added", "reason": reason,
                  "exclusion": "", "changed_by": actor.id, "changed_at": utcnow()}
        before = {"status": row.status, "reason": row.reason} if row else None
        if row is None:
            await CycleParticipant.acreate(cycle=cycle.id, staff=staff.id, **fields)
        else:
            await CycleParticipant.update(**fields).where(CycleParticipant.id == row.id).aexecute()
        await audit.record(actor=actor, action="appraisal.participant.add",
                           target_type="appraisal_participant", target_id=f"{cycle.id}:{staff.id}",
                           before=before, after={"status": "active", "reason": reason,
                                                 "name": staff.name}, unit_id=cycle.unit_id)
        await raise_notification(
            recipient_ids=[staff.id], kind="appraisal.cycle.launched", title=f"您已加入{cycle.name}",
            body="请按考核阶段时间填报个人考核目标。",
            link=f"/package-appraisal/goals/index?cycle_id={cycle.id}", data={"cycle_id": cycle.id})
    return await _one_out(cycle.id, staff.id)


async def remove_participant(*, actor, cycle_id, staff_id, reason):
    cycle, reach = await _launched(actor, cycle_id)
    async with atomic():
        row = await participant_in_reach(cycle, staff_id, reach)
        if row is None or row.status != "active":
            raise _not_found()
        await CycleParticipant.update(status="removed", reason=reason, changed_by=actor.id,
                                      changed_at=utcnow()).where(
            CycleParticipant.id == row.id).aexecute()
        await audit.record(actor=actor, action="appraisal.participant.remove",
                           target_type="appraisal_participant", target_id=f"{cycle.id}:{staff_id}",
                           before={"status": "active", "reason": row.reason},
                           after={"status": "removed", "reason": reason}, unit_id=cycle.unit_id)
    return await _one_out(cycle.id, staff_id)


async def cycle_ids_of(staff_id):
    """Launched cycles where this person is active (for other modules)."""
    rows = await fetch_all(CycleParticipant.select(CycleParticipant.cycle).join(
        AppraisalCycle, on=(CycleParticipant.cycle == AppraisalCycle.id)).where(
        CycleParticipant.staff == staff_id, CycleParticipant.status == "active",
        AppraisalCycle.status == "launched"))
    return [r.cycle_id for r in rows]


async def staff_id_by_employee_no(*, actor, cycle_id, employee_no):
    """The console's "add by 工号": a person of the cycle's unit in the caller's reach, or 404."""
    from services.appraisal.cycles import cycle_for_manage
    cycle, reach = await cycle_for_manage(actor, cycle_id, whole_unit=False)
    staff = await Staff.aget_or_none(Staff.employee_no == (employee_no or "").strip()[:32],
                                     Staff.unit == cycle.unit_id, Staff.is_service_account == False)  # noqa: E712
    if staff is None or not reach.covers_staff(staff.id, [staff.department_id], staff.unit_id):
        raise NotFound(f"本单位没有工号为“{employee_no}”的人员，或不在您的管理范围内",
                       code="STAFF_NOT_FOUND")
    return staff.id
