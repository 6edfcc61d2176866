"""Goal sets, read side, the part every page shares: who may read a goal set, how its versions are
shown (items, comments, the approval path), one goal set's detail with what the caller may do.
History, diffs, team lists, the reviews box and exports: services/appraisal/goal_history.py (which
re-exports these names); writes: services/appraisal/goals.py."""

from models.appraisal.cycles import DeptIndicator
from models.appraisal.goals import GoalItem, GoalReviewComment, GoalSet, GoalVersion
from models.approvals import ApprovalEvent, ApprovalInstance, ApprovalTask
from models.base import fetch_all, get_one
from models.org import Department, Staff
from server.errors import NotFound
from services.access import staff_dept_ids
from services.appraisal.common import get_cycle, led_department_ids, phase_state, phases_of
from services.approval_views import STATUS_LABELS as APPROVAL_STATUS_LABELS
from services.approval_views import names_of, step_state, who

SET_STATUS_LABELS = {"draft": "未提交", "submitted": "审核中", "returned": "退回修改",
                     "confirmed": "已确认"}
VERSION_STATUS_LABELS = {"draft": "草稿", "submitted": "审核中", "returned": "退回修改",
                         "confirmed": "已确认", "rejected": "未通过", "withdrawn": "已撤回",
                         "superseded": "已被新版本替代"}
VERSION_KIND_LABELS = {"initial": "初始目标", "change": "目标变更"}
ITEM_KIND_LABELS = {"quantitative": "定量", "qualitative": "定性"}
DECISION_LABELS = {"approve": "同意", "return": "退回修改", "reject": "驳回", "comment": "意见"}
NOT_FOUND = "目标不存在或无权查看"


def goal_set_not_found():
    return NotFound(NOT_FOUND, code="APPRAISAL_GOAL_SET_NOT_FOUND")


def num(value):
    """12.0 -> 12 for display."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def formula_text(formula, target=None, unit=""):
    if not formula:
        return ""
    kind = formula.get("type")
    t = "" if target is None else f"{num(target)}{unit}"
    if kind == "linear":
        return f"线性：{num(formula.get('floor', 0))}{unit} 得 0 分，{t} 得 100 分"
    if kind == "capped":
        return (f"线性封顶：{num(formula.get('floor', 0))}{unit} 得 0 分，{t} 得 100 分，"
                f"最高 {num(round((formula.get('cap') or 1) * 100, 2))} 分")
    if kind == "threshold":
        steps = "；".join(f"达到 {num(s.get('at'))}{unit} 得 {num(s.get('score'))} 分"
                         for s in formula.get("steps") or [])
        return f"阶梯：{steps}"
    return ""


# -- who may read ------------------------------------------------------------------------------

async def is_reviewer(goal_set_id, staff_id):
    """Anyone who held (or delegated) a task on any approval of this goal set's versions."""
    inst_ids = GoalVersion.select(GoalVersion.instance_id).where(
        GoalVersion.goal_set == goal_set_id, GoalVersion.instance_id.is_null(False))
    return bool(await get_one(ApprovalTask.select(ApprovalTask.id).where(
        ApprovalTask.instance.in_(inst_ids),
        (ApprovalTask.assignee == staff_id) | (ApprovalTask.on_behalf_of == staff_id))))


async def can_read(gs, owner, actor):
    if gs.staff_id == actor.id:
        return True
    if actor.has("appraisal.view"):
        reach = await actor.reach("appraisal.view")
        if reach.covers_staff(owner.id, await staff_dept_ids(owner), owner.unit_id):
            return True
    led = await led_department_ids(actor.id)
    if led and (gs.department_id in led or owner.department_id in led):
        return True
    return await is_reviewer(gs.id, actor.id)


async def readable_goal_set(actor, goal_set_id):
    """(goal set, owner) the caller may read; 404 for everyone else (no existence leak)."""
    gs = await GoalSet.aget_or_none(GoalSet.id == goal_set_id)
    owner = await Staff.aget_or_none(Staff.id == gs.staff_id) if gs else None
    if gs is None or owner is None or not await can_read(gs, owner, actor):
        raise goal_set_not_found()
    return gs, owner


# -- how versions are shown --------------------------------------------------------------------

def item_dict(row):
    """A stored item as the plain dict the validator, the copier and the diff work on."""
    return {"key": row.key, "sort": row.sort, "title": row.title, "description": row.description,
            "kind": row.kind, "target": row.target, "unit_of_measure": row.unit_of_measure,
            "data_source": row.data_source, "formula": row.formula, "criteria": row.criteria,
            "weight": row.weight, "due_date": row.due_date, "indicator_id": row.indicator_id}


async def items_of(version_ids):
    """{version_id: [item dict, ...]} in display order."""
    out = {v: [] for v in version_ids}
    if not version_ids:
        return out
    rows = await fetch_all(GoalItem.select().where(GoalItem.version.in_(list(version_ids)))
                           .order_by(GoalItem.version, GoalItem.sort, GoalItem.id))
    for r in rows:
        out[r.version_id].append(item_dict(r))
    return out


async def _indicators(ids):
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {d.id: {"id": d.id, "title": d.title, "code": d.code} for d in await fetch_all(
        DeptIndicator.select().where(DeptIndicator.id.in_(list(ids))))}


def weight_total(items):
    return num(round(sum(float(i.get("weight") or 0) for i in items), 2))


def _comment_out(c, names, step_names):
    return {"id": c.id, "item_key": c.item_key, "step_index": c.step_index,
            "step_name": step_names.get(c.step_index, ""), "author": who(c.author_id, names),
            "decision": c.decision, "decision_label": DECISION_LABELS.get(c.decision, c.decision),
            "comment": c.comment, "created_at": c.created_at}


def _step_names(inst):
    return {s["index"]: s["name"] for s in (inst.plan or [])} if inst else {}


async def versions_out(versions, *, with_comments=True):
    """Versions with their items (each with its review comments) and the overall comments."""
    ids = [v.id for v in versions]
    items = await items_of(ids)
    comments = []
    if with_comments and ids:
        comments = await fetch_all(GoalReviewComment.select().where(
            GoalReviewComment.version.in_(ids)).order_by(GoalReviewComment.id))
    insts = {}
    inst_ids = [v.instance_id for v in versions if v.instance_id]
    if inst_ids:
        insts = {i.id: i for i in await fetch_all(
            ApprovalInstance.select().where(ApprovalInstance.id.in_(inst_ids)))}
    people = {v.created_by_id for v in versions} | {v.decided_by_id for v in versions}
    people |= {c.author_id for c in comments}
    names = await names_of(people)
    indicators = await _indicators(i["indicator_id"] for rows in items.values() for i in rows)
    numbers = {v.id: v.number for v in versions}
    missing = {v.based_on_id for v in versions if v.based_on_id and v.based_on_id not in numbers}
    if missing:
        numbers.update({r.id: r.number for r in await fetch_all(
            GoalVersion.select(GoalVersion.id, GoalVersion.number).where(GoalVersion.id.in_(list(missing))))})
    out = []
    for v in versions:
        steps = _step_names(insts.get(v.instance_id))
        mine = [_comment_out(c, names, steps) for c in comments if c.version_id == v.id]
        rows = []
        for i in items[v.id]:
            rows.append({**i, "kind_label": ITEM_KIND_LABELS.get(i["kind"], i["kind"]),
                         "target": i["target"], "weight": num(i["weight"]),
                         "formula_text": formula_text(i["formula"], i["target"], i["unit_of_measure"]),
                         "indicator": indicators.get(i["indicator_id"]),
                         "comments": [c for c in mine if c["item_key"] == i["key"]]})
        out.append({
            "id": v.id, "number": v.number, "kind": v.kind,
            "kind_label": VERSION_KIND_LABELS.get(v.kind, v.kind), "status": v.status,
            "status_label": VERSION_STATUS_LABELS.get(v.status, v.status), "reason": v.reason,
            "based_on_id": v.based_on_id, "based_on_number": numbers.get(v.based_on_id),
            "instance_id": v.instance_id, "created_by": who(v.created_by_id, names),
            "created_at": v.created_at, "submitted_at": v.submitted_at, "decided_at": v.decided_at,
            "decided_by": who(v.decided_by_id, names), "items": rows,
            "weight_total": weight_total(items[v.id]), "item_count": len(items[v.id]),
            "comments": [c for c in mine if c["item_key"] is None],
        })
    return out


def approval_path(inst, tasks, names):
    """The steps of one approval with who acts (or acted) on each, for the goal pages."""
    if inst is None:
        return None
    cur = [t for t in tasks if t.round == inst.round]
    steps = []
    for s in inst.plan or []:
        steps.append({"index": s["index"], "name": s["name"], "state": step_state(inst, s),
                      "note": s["note"],
                      "approvers": [who(a, names) for a in s["approvers"]],
                      "tasks": [{"assignee": who(t.assignee_id, names), "status": t.status,
                                 "comment": t.comment, "acted_at": t.acted_at}
                                for t in cur if t.step_index == s["index"]]})
    return {"instance_id": inst.id, "kind": inst.kind, "status": inst.status,
            "status_label": APPROVAL_STATUS_LABELS.get(inst.status, inst.status),
            "round": inst.round, "version": inst.version, "current_step": inst.current_step,
            "steps": steps,
            "current_assignees": [who(t.assignee_id, names) for t in cur if t.status == "pending"]}


async def _approval_data(inst_ids, *, with_events=False):
    inst_ids = [i for i in inst_ids if i]
    if not inst_ids:
        return {}, [], [], {}
    insts = {i.id: i for i in await fetch_all(
        ApprovalInstance.select().where(ApprovalInstance.id.in_(inst_ids)))}
    tasks = await fetch_all(ApprovalTask.select().where(ApprovalTask.instance.in_(inst_ids))
                            .order_by(ApprovalTask.id))
    events = []
    if with_events:
        events = await fetch_all(ApprovalEvent.select().where(ApprovalEvent.instance.in_(inst_ids))
                                 .order_by(ApprovalEvent.id))
    people = {t.assignee_id for t in tasks} | {e.actor_id for e in events}
    people |= {e.on_behalf_of_id for e in events}
    for inst in insts.values():
        for s in inst.plan or []:
            people.update(s["approvers"])
    return insts, tasks, events, await names_of(people)


# -- one goal set ------------------------------------------------------------------------------

def staff_brief(staff, dept_name=None):
    return {"id": staff.id, "name": staff.name, "employee_no": staff.employee_no,
            "department_id": staff.department_id, "department_name": dept_name}


async def flags(gs, actor, cycle, current, inst, *, today):
    """What the caller may do now (the pages show buttons from these)."""
    owner = gs.staff_id == actor.id
    phases = await phases_of(cycle.id)

    async def is_open(*codes):
        for code in codes:
            if await phase_state(cycle, code, today=today, staff_id=gs.staff_id, phases=phases) == "open":
                return True
        return False
    editable = current is not None and current.status in ("draft", "returned")
    if current is not None and current.kind == "change":
        window = await is_open("goal_setting", "progress")
    else:
        window = await is_open("goal_setting")
    review = False
    if inst is not None and inst.status == "pending":
        review = bool(await get_one(ApprovalTask.select(ApprovalTask.id).where(
            ApprovalTask.instance == inst.id, ApprovalTask.round == inst.round,
            ApprovalTask.step_index == inst.current_step, ApprovalTask.assignee == actor.id,
            ApprovalTask.status == "pending")))
    return {
        "edit": owner and editable and window,
        "submit": owner and editable and window,
        "withdraw": owner and inst is not None and inst.status in ("pending", "returned"),
        "change_request": (owner and gs.confirmed_version_id is not None and not gs.change_pending
                           and await is_open("goal_setting", "progress")),
        "review": review,
    }


async def goal_set_out(gs, owner, actor, *, today, cycle=None):
    """The detail: the set, the version being edited or reviewed, the version in force, the
    approval path of the current version, and what the caller may do."""
    cycle = cycle or await get_cycle(gs.cycle_id)
    ids = [i for i in {gs.current_version_id, gs.confirmed_version_id} if i]
    versions = {v.id: v for v in await fetch_all(GoalVersion.select().where(GoalVersion.id.in_(ids)))} if ids else {}
    shown = {v["id"]: v for v in await versions_out(list(versions.values()))}
    current = versions.get(gs.current_version_id)
    insts, tasks, _, names = await _approval_data([current.instance_id] if current else [])
    inst = insts.get(current.instance_id) if current else None
    dept = await Department.aget_or_none(Department.id == gs.department_id) if gs.department_id else None
    settings = cycle.settings or {}
    return {
        "id": gs.id, "cycle": {"id": cycle.id, "name": cycle.name, "year": cycle.year,
                               "kind": cycle.kind, "status": cycle.status},
        "owner": staff_brief(owner, dept.name if dept else None),
        "department": {"id": dept.id, "name": dept.name} if dept else None,
        "status": gs.status, "status_label": SET_STATUS_LABELS.get(gs.status, gs.status),
        "change_pending": gs.change_pending, "version": gs.version,
        "current_version_id": gs.current_version_id,
        "confirmed_version_id": gs.confirmed_version_id,
        "current": shown.get(gs.current_version_id),
        "confirmed": shown.get(gs.confirmed_version_id),
        "approval": approval_path(inst, tasks, names),
        "rules": {"min_items": int(settings.get("min_items") or 3),
                  "max_items": int(settings.get("max_items") or 10), "weight_total": 100,
                  "year": cycle.year},
        "can": await flags(gs, actor, cycle, current, inst, today=today),
        "updated_at": gs.updated_at,
    }


async def get_goal_set(*, actor, goal_set_id, today):
    gs, owner = await readable_goal_set(actor, goal_set_id)
    return await goal_set_out(gs, owner, actor, today=today)
