"""The progress monitor (进度监控) of a cycle: per department, how many participants have not
started their goals, have a draft, are waiting for review (and for whom), were returned, are
confirmed, have a change pending, are late with progress, or have not submitted the
self-assessment — and who they are. HR sees the participants in their reach; a department leader
sees their department tree (the department each person was frozen in at launch)."""
import datetime

from peewee import JOIN, fn

from models.appraisal.cycles import CycleParticipant
from models.appraisal.goals import GoalItem, GoalSet, GoalVersion
from models.appraisal.progress import GoalProgress, SelfAssessment
from models.approvals import ApprovalTask
from models.base import fetch_all
from models.org import Department, Staff
from server.errors import NotFound
from services.appraisal.common import PHASE_LABELS, current_phase, phase_state, phases_of

STATES = ("not_started", "draft", "submitted", "returned", "confirmed")
FLAGS = ("change_pending", "progress_overdue", "self_assessment_missing")
BUCKET_LABELS = {"not_started": "未填报", "draft": "草稿未提交", "submitted": "待审核",
                 "returned": "已退回", "confirmed": "已确认", "change_pending": "变更审核中",
                 "progress_overdue": "进度未按期更新", "self_assessment_missing": "未提交自评"}


async def monitor(*, actor, cycle_id, today, department_id=None):
    from services.appraisal.cycles import cycle_for_read
    cycle, how = await cycle_for_read(actor, cycle_id)
    hr, led = how["hr"], how["led"]
    if hr is None and not led:
        raise NotFound("考核周期不存在或不在您的管理范围内", code="APPRAISAL_CYCLE_NOT_FOUND")
    query = (CycleParticipant.select(CycleParticipant.staff, CycleParticipant.department,
                                     Staff.name, Staff.employee_no)
             .join(Staff, on=(CycleParticipant.staff == Staff.id))
             .where(CycleParticipant.cycle == cycle.id, CycleParticipant.status == "active"))
    if not (hr is not None and (hr.everything or cycle.unit_id in hr.unit_ids)):
        from peewee import SQL
        expr = SQL("1 = 0")
        if hr is not None:
            expr = expr | hr.staff_filter(Staff)
            if hr.dept_ids:
                expr = expr | CycleParticipant.department.in_(list(hr.dept_ids))
        if led:
            expr = expr | CycleParticipant.department.in_(list(led))
        query = query.where(expr)
    if department_id:
        dept = await Department.aget_or_none(Department.id == department_id,
                                             Department.unit == cycle.unit_id)
        if dept is None:
            raise NotFound("部门不存在或不在您的管理范围内", code="DEPARTMENT_NOT_FOUND")
        query = query.where(CycleParticipant.department.in_(
            Department.select(Department.id).where(Department.path.startswith(dept.path))))
    people = await fetch_all(query.order_by(Staff.employee_no).dicts())
    staff_ids = [p["staff"] for p in people]

    sets = {}
    if staff_ids:
        for g in await fetch_all(GoalSet.select().where(GoalSet.cycle == cycle.id,
                                                        GoalSet.staff.in_(staff_ids))):
            sets[g.staff_id] = g
    phases = await phases_of(cycle.id)
    overdue = await _progress_overdue(cycle, phases, sets, today)
    missing = await _self_assessment_missing(cycle, phases, staff_ids, sets, today)
    waiting = await _waiting_for(sets)

    dept_rows = {d.id: d for d in await fetch_all(Department.select().where(
        Department.id.in_({p["department"] for p in people if p["department"]} or {0})))}
    by_dept, buckets = {}, {k: [] for k in STATES + FLAGS}
    totals = {k: 0 for k in STATES + FLAGS}
    for p in people:
        sid, did = p["staff"], p["department"]
        g = sets.get(sid)
        state = g.status if g and g.status in STATES else "not_started"
        d = dept_rows.get(did)
        person = {"staff_id": sid, "name": p["name"], "employee_no": p["employee_no"],
                  "department_id": did, "department": d.name if d else None,
                  "goal_set_id": g.id if g else None, "status": state,
                  "waiting_for": waiting.get(g.id) if g and state == "submitted" else None}
        row = by_dept.setdefault(did, {"department_id": did, "department": d.name if d else "—",
                                       "sort": (d.sort, d.id) if d else (10**9, 0), "total": 0,
                                       "counts": {k: 0 for k in STATES + FLAGS}})
        row["total"] += 1
        keys = [state]
        if g and g.change_pending:
            keys.append("change_pending")
        if sid in overdue:
            keys.append("progress_overdue")
        if sid in missing:
            keys.append("self_assessment_missing")
        for k in keys:
            row["counts"][k] += 1
            totals[k] += 1
            buckets[k].append(person)
    departments = sorted(by_dept.values(), key=lambda r: r["sort"])
    for r in departments:
        r.pop("sort")
    cur = await current_phase(cycle, today=today, phases=phases) if cycle.status == "launched" else None
    return {"cycle_id": cycle.id, "cycle_name": cycle.name, "today": today,
            "current_phase": cur, "current_phase_label": PHASE_LABELS.get(cur) if cur else None,
            "total": len(people), "totals": totals, "labels": BUCKET_LABELS,
            "departments": departments, "buckets": buckets}


async def _progress_overdue(cycle, phases, sets, today):
    """Confirmed goal sets with an item of the version in force that has had no progress in the
    last N days (settings.progress_stale_days, default 30) of an open progress phase."""
    row = phases.get("progress")
    stale = int((cycle.settings or {}).get("progress_stale_days") or 30)
    if row is None or await phase_state(cycle, "progress", today=today, phases=phases) != "open":
        return set()
    if (today - row.opens_on).days < stale:
        return set()   # nobody can be late before the phase has run N days
    confirmed = {g.confirmed_version_id: g for g in sets.values() if g.confirmed_version_id}
    if not confirmed:
        return set()
    items = await fetch_all(GoalItem.select(GoalItem.version, GoalItem.key).where(
        GoalItem.version.in_(list(confirmed))))
    latest = {}
    for r in await fetch_all(GoalProgress.select(GoalProgress.goal_set, GoalProgress.item_key,
                                                 fn.MAX(GoalProgress.reported_on).alias("last"))
                             .where(GoalProgress.goal_set.in_([g.id for g in confirmed.values()]))
                             .group_by(GoalProgress.goal_set, GoalProgress.item_key).dicts()):
        last = r["last"]
        if isinstance(last, str):
            last = datetime.date.fromisoformat(last[:10])
        latest[(r["goal_set"], r["item_key"])] = last
    limit = today - datetime.timedelta(days=stale)
    out = set()
    for it in items:
        g = confirmed[it.version_id]
        last = latest.get((g.id, it.key))
        if last is None or last < limit:
            out.add(g.staff_id)
    return out


async def _self_assessment_missing(cycle, phases, staff_ids, sets, today):
    """Once the self-assessment phase has opened: participants without a submitted summary."""
    if "self_assessment" not in phases or not staff_ids:
        return set()
    if await phase_state(cycle, "self_assessment", today=today, phases=phases) == "not_started" \
            and cycle.status != "closed":
        return set()
    done = {r.goal_set_id for r in await fetch_all(SelfAssessment.select(SelfAssessment.goal_set).where(
        SelfAssessment.goal_set.in_([g.id for g in sets.values()] or [0]),
        SelfAssessment.status == "submitted").distinct())}
    by_set = {g.staff_id: g.id for g in sets.values()}
    return {sid for sid in staff_ids if by_set.get(sid) not in done}


async def _waiting_for(sets):
    """goal set id -> names of whoever holds the pending review task of its current version."""
    submitted = {g.current_version_id: g.id for g in sets.values()
                 if g.status == "submitted" and g.current_version_id}
    if not submitted:
        return {}
    rows = await fetch_all(
        GoalVersion.select(GoalVersion.id, Staff.name)
        .join(ApprovalTask, on=(ApprovalTask.instance == GoalVersion.instance_id))
        .join(Staff, JOIN.INNER, on=(ApprovalTask.assignee == Staff.id))
        .where(GoalVersion.id.in_(list(submitted)), ApprovalTask.status == "pending").dicts())
    out = {}
    for r in rows:
        out.setdefault(submitted[r["id"]], []).append(r["name"])
    return {k: "、".join(sorted(set(v))) for k, v in out.items()}
