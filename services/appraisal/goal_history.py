"""Goal sets, read side: the history of every version with its approval path, the field-level diff
of two versions, team lists, the reviews box and the XLSX exports. Who may read a goal set and how
a version is shown live in services/appraisal/goal_views.py (re-exported here); writes in
services/appraisal/goals.py."""
import datetime

import peewee as pw

from models.appraisal.cycles import AppraisalCycle
from models.appraisal.goals import GoalItem, GoalSet, GoalVersion
from models.approvals import ApprovalInstance, ApprovalTask
from models.base import count, fetch_all, get_one
from models.org import Department, Staff
from server.errors import Invalid, NotFound
from services import exports
from services.appraisal.common import SHANGHAI, get_cycle, led_department_ids
from services.appraisal.goal_views import (  # noqa: F401
    DECISION_LABELS, ITEM_KIND_LABELS, NOT_FOUND, SET_STATUS_LABELS, VERSION_KIND_LABELS,
    VERSION_STATUS_LABELS, _approval_data, _comment_out, _indicators, _step_names, approval_path,
    can_read, flags, formula_text, get_goal_set, goal_set_not_found, goal_set_out, is_reviewer,
    item_dict, items_of, num, readable_goal_set, staff_brief, versions_out, weight_total)
from services.approval_views import ACTION_LABELS, who

KINDS = ("appraisal_goals", "appraisal_goal_change")
FIELD_LABELS = {
    "title": "目标名称", "description": "目标描述", "kind": "类型", "target": "目标值",
    "unit_of_measure": "计量单位", "data_source": "数据来源", "formula": "计分公式",
    "criteria": "完成标准", "weight": "权重", "due_date": "完成时限", "indicator_id": "关联部门指标",
}
ITEM_FIELDS = tuple(FIELD_LABELS)
LIST_STATUSES = ("draft", "submitted", "returned", "confirmed", "change_pending")



# -- history and diff --------------------------------------------------------------------------

async def history(*, actor, goal_set_id):
    """Every version, oldest first: items, who created / submitted / decided it and through which
    step, the approval path and timeline, the per-item review comments."""
    gs, owner = await readable_goal_set(actor, goal_set_id)
    versions = await fetch_all(GoalVersion.select().where(GoalVersion.goal_set == gs.id)
                               .order_by(GoalVersion.number))
    shown = await versions_out(versions)
    insts, tasks, events, names = await _approval_data([v.instance_id for v in versions],
                                                       with_events=True)
    for v, data in zip(versions, shown):
        inst = insts.get(v.instance_id)
        steps = _step_names(inst)
        data["approval"] = approval_path(inst, [t for t in tasks if t.instance_id == v.instance_id], names)
        data["timeline"] = [{
            "action": e.action, "action_label": ACTION_LABELS.get(e.action, e.action),
            "actor": who(e.actor_id, names), "on_behalf_of": who(e.on_behalf_of_id, names),
            "step_index": e.step_index, "step_name": steps.get(e.step_index, ""),
            "comment": e.comment, "created_at": e.created_at}
            for e in events if e.instance_id == v.instance_id]
        decided = [e for e in data["timeline"] if e["action"] in ("approve", "reject", "return")]
        data["decided_step"] = decided[-1]["step_name"] if decided and v.decided_at else ""
    dept = await Department.aget_or_none(Department.id == gs.department_id) if gs.department_id else None
    cycle = await get_cycle(gs.cycle_id)
    return {"goal_set_id": gs.id, "cycle": {"id": cycle.id, "name": cycle.name, "year": cycle.year},
            "owner": staff_brief(owner, dept.name if dept else None),
            "confirmed_version_id": gs.confirmed_version_id, "versions": shown}


def _display(field, item, indicators):
    if item is None:
        return None
    value = item.get(field)
    if field == "formula":
        return formula_text(value, item.get("target"), item.get("unit_of_measure") or "") or None
    if field == "kind":
        return ITEM_KIND_LABELS.get(value, value)
    if field == "indicator_id":
        return indicators.get(value, {}).get("title") if value else None
    if field == "due_date":
        return value.isoformat() if value else None
    if isinstance(value, float):
        return num(value)
    return value


def diff_items(before, after, indicators):
    """Pair items by key: added / removed / changed / unchanged, with before/after per field."""
    old = {i["key"]: i for i in before}
    new = {i["key"]: i for i in after}
    keys = [i["key"] for i in after] + [k for k in old if k not in new]
    out = []
    for key in keys:
        a, b = old.get(key), new.get(key)
        fields = []
        for field in ITEM_FIELDS:
            va, vb = _display(field, a, indicators), _display(field, b, indicators)
            if a is not None and b is not None and (a.get(field) == b.get(field) or va == vb):
                continue
            if va in (None, "") and vb in (None, ""):
                continue
            fields.append({"field": field, "label": FIELD_LABELS[field], "before": va, "after": vb})
        change = "added" if a is None else "removed" if b is None else "changed" if fields else "unchanged"
        out.append({"key": key, "change": change, "title": (b or a)["title"], "fields": fields})
    return out


async def diff(*, actor, goal_set_id, from_no, to_no):
    gs, _ = await readable_goal_set(actor, goal_set_id)
    if from_no == to_no:
        raise Invalid("请选择两个不同的版本", code="VALIDATION_FAILED", fields={"to": "与 from 相同"})
    rows = {v.number: v for v in await fetch_all(GoalVersion.select().where(
        GoalVersion.goal_set == gs.id, GoalVersion.number.in_([from_no, to_no])))}
    for name, no in (("from", from_no), ("to", to_no)):
        if no not in rows:
            raise NotFound(f"第 {no} 版不存在", code="APPRAISAL_VERSION_NOT_FOUND", fields={name: "不存在"})
    items = await items_of([rows[from_no].id, rows[to_no].id])
    before, after = items[rows[from_no].id], items[rows[to_no].id]
    indicators = await _indicators(i["indicator_id"] for i in before + after)
    changes = diff_items(before, after, indicators)
    summary = {k: sum(1 for c in changes if c["change"] == k)
               for k in ("added", "removed", "changed", "unchanged")}
    return {"goal_set_id": gs.id, "from": _vbrief(rows[from_no]), "to": _vbrief(rows[to_no]),
            "summary": summary, "items": changes}


def _vbrief(v):
    return {"id": v.id, "number": v.number, "kind": v.kind, "status": v.status,
            "status_label": VERSION_STATUS_LABELS.get(v.status, v.status)}


# -- lists -------------------------------------------------------------------------------------

async def _scope_expr(actor):
    """Goal sets the caller may list: their department tree as its leader, plus appraisal.view
    in reach. None when they may list nothing."""
    expr = None
    led = await led_department_ids(actor.id)
    if led:
        expr = GoalSet.department.in_(list(led)) | Staff.department.in_(list(led))
    if actor.has("appraisal.view"):
        reach = await actor.reach("appraisal.view")
        if not reach.empty:
            e = reach.staff_filter(Staff)
            expr = e if expr is None else (expr | e)
    return expr


def _list_query():
    return (GoalSet.select(GoalSet, Staff, AppraisalCycle)
            .join(Staff, on=(GoalSet.staff == Staff.id))
            .switch(GoalSet).join(AppraisalCycle, on=(GoalSet.cycle == AppraisalCycle.id)))


async def rows_out(sets, *, extra=None):
    vids = {v for gs in sets for v in (gs.current_version_id, gs.confirmed_version_id) if v}
    versions = {v.id: v for v in await fetch_all(GoalVersion.select().where(
        GoalVersion.id.in_(list(vids))))} if vids else {}
    counts = {}
    if vids:
        for r in await fetch_all(GoalItem.select(GoalItem.version, pw.fn.COUNT(GoalItem.id).alias("n"),
                                                 pw.fn.SUM(GoalItem.weight).alias("w"))
                                 .where(GoalItem.version.in_(list(vids))).group_by(GoalItem.version)):
            counts[r.version_id] = (r.n, num(round(float(r.w or 0), 2)))
    depts = {d.id: d.name for d in await fetch_all(Department.select(Department.id, Department.name).where(
        Department.id.in_([gs.department_id for gs in sets if gs.department_id] or [0])))}
    out = []
    for gs in sets:
        cur = versions.get(gs.current_version_id)
        conf = versions.get(gs.confirmed_version_id)
        n, w = counts.get(gs.current_version_id, (0, 0))
        row = {
            "id": gs.id, "cycle": {"id": gs.cycle.id, "name": gs.cycle.name, "year": gs.cycle.year},
            "owner": staff_brief(gs.staff, depts.get(gs.staff.department_id)),
            "department": {"id": gs.department_id, "name": depts.get(gs.department_id, "")}
            if gs.department_id else None,
            "status": gs.status, "status_label": SET_STATUS_LABELS.get(gs.status, gs.status),
            "change_pending": gs.change_pending, "version": gs.version,
            "current_version": {"id": cur.id, "number": cur.number, "kind": cur.kind,
                                "status": cur.status,
                                "status_label": VERSION_STATUS_LABELS.get(cur.status, cur.status),
                                "submitted_at": cur.submitted_at} if cur else None,
            "confirmed_version_number": conf.number if conf else None,
            "item_count": n, "weight_total": w, "updated_at": gs.updated_at,
        }
        if extra:
            row.update(extra(gs))
        out.append(row)
    return out


async def list_goal_sets(*, actor, cycle_id=None, department_id=None, status=None, q=None,
                         page=1, page_size=20):
    """The team / unit list: department leaders see their department tree, appraisal.view its
    reach; anyone else gets an empty list."""
    expr = await _scope_expr(actor)
    if expr is None:
        return [], 0
    query = _list_query().where(expr)
    if cycle_id:
        query = query.where(GoalSet.cycle == cycle_id)
    if department_id:
        dept = await Department.aget_or_none(Department.id == department_id)
        if dept is None:
            raise NotFound("部门不存在或不在您的管理范围内", code="DEPARTMENT_NOT_FOUND")
        sub = Department.select(Department.id).where(Department.path.startswith(dept.path))
        query = query.where(GoalSet.department.in_(sub))
    if status == "change_pending":
        query = query.where(GoalSet.change_pending == True)  # noqa: E712
    elif status:
        query = query.where(GoalSet.status == status)
    if q:
        query = query.where(Staff.name.contains(q) | (Staff.employee_no == q))
    # Counted on the id alone: a subquery of the joined rows repeats column names (MariaDB
    # refuses "Duplicate column name").
    total = await count(query.select(GoalSet.id))
    sets = await fetch_all(query.order_by(GoalSet.department, Staff.employee_no, GoalSet.id)
                           .paginate(page, page_size))
    return await rows_out(sets), total


async def reviews(*, actor, box="waiting", cycle_id=None, page=1, page_size=20):
    """Goal sets waiting for my review (or reviewed by me): the approval inbox's rule, narrowed
    to the two goal kinds, one row per approval with the goal set it belongs to."""
    from services import approvals

    if box not in ("waiting", "done"):
        raise Invalid("box 应为 waiting 或 done", code="VALIDATION_FAILED", fields={"box": "应为 waiting 或 done"})
    if box == "waiting":
        await approvals.activate_delegations(actor)
        tasks = ApprovalTask.select(ApprovalTask.instance).where(
            ApprovalTask.assignee == actor.id, ApprovalTask.status == "pending")
        cond = (ApprovalInstance.status == "pending") & ApprovalInstance.id.in_(tasks)
    else:
        tasks = ApprovalTask.select(ApprovalTask.instance).where(
            ApprovalTask.assignee == actor.id,
            ApprovalTask.status.in_(["approved", "rejected", "returned", "transferred"]))
        cond = ApprovalInstance.id.in_(tasks)
    query = (ApprovalInstance.select(ApprovalInstance, GoalVersion)
             .join(GoalVersion, on=(GoalVersion.instance_id == ApprovalInstance.id), attr="gv")
             .where(cond, ApprovalInstance.kind.in_(KINDS)))
    if cycle_id:
        query = query.where(GoalVersion.goal_set.in_(
            GoalSet.select(GoalSet.id).where(GoalSet.cycle == cycle_id)))
    total = await count(query.select(ApprovalInstance.id))
    insts = await fetch_all(query.order_by(ApprovalInstance.id.desc()).paginate(page, page_size))
    if not insts:
        return [], total
    set_ids = [i.gv.goal_set_id for i in insts]
    sets = {gs.id: gs for gs in await fetch_all(_list_query().where(GoalSet.id.in_(set_ids)))}
    rows = {r["id"]: r for r in await rows_out(list(sets.values()))}
    _, task_rows, _, names = await _approval_data([i.id for i in insts])
    out = []
    for inst in insts:
        v = inst.gv
        row = rows.get(v.goal_set_id)
        if row is None:
            continue
        out.append({**row, "review_version": {"id": v.id, "number": v.number, "kind": v.kind,
                                              "kind_label": VERSION_KIND_LABELS.get(v.kind, v.kind),
                                              "reason": v.reason, "status": v.status,
                                              "submitted_at": v.submitted_at},
                    "approval": approval_path(inst, [t for t in task_rows if t.instance_id == inst.id],
                                              names)})
    return out, total


# -- exports -----------------------------------------------------------------------------------

GOAL_COLUMNS = [("employee_no", "工号"), ("name", "姓名"), ("department", "部门"),
                ("status", "目标状态"), ("version", "版本"), ("sort", "序号"), ("title", "目标名称"),
                ("kind", "类型"), ("target", "目标值"), ("unit_of_measure", "计量单位"),
                ("formula", "计分公式"), ("criteria", "完成标准"), ("weight", "权重"),
                ("due_date", "完成时限"), ("indicator", "关联部门指标"), ("description", "目标描述")]
HISTORY_COLUMNS = [("employee_no", "工号"), ("name", "姓名"), ("department", "部门"),
                   ("version", "版本"), ("kind", "类型"), ("status", "状态"), ("reason", "变更原因"),
                   ("created_by", "创建人"), ("created_at", "创建时间"), ("submitted_at", "提交时间"),
                   ("decided_at", "办结时间"), ("decided_by", "办结人"), ("items", "目标项（权重）"),
                   ("timeline", "审批过程"), ("comments", "审核意见")]


def _fmt_time(value):
    """Naive UTC from the database -> Beijing time text for a spreadsheet cell."""
    if not value:
        return ""
    return value.replace(tzinfo=datetime.timezone.utc).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


async def cycle_in_reach(actor, cycle_id, perm="appraisal.manage"):
    cycle = await get_cycle(cycle_id)
    reach = await actor.require_reach(perm)
    if not (reach.everything or cycle.unit_id in reach.unit_ids or await get_one(
            Department.select(Department.id).where(Department.unit == cycle.unit_id,
                                                   Department.id.in_(list(reach.dept_ids) or [0])))):
        raise NotFound("考核周期不存在", code="APPRAISAL_CYCLE_NOT_FOUND")
    return cycle, reach


async def export_rows(*, actor, cycle_id, what):
    """(rows, columns, title) of the goals (the version in force, else the current one, per item)
    or the history (one row per version) of the goal sets in the caller's appraisal.manage reach."""
    if what not in ("goals", "history"):
        raise Invalid("what 应为 goals 或 history", code="VALIDATION_FAILED", fields={"what": "应为 goals 或 history"})
    cycle, reach = await cycle_in_reach(actor, cycle_id)
    sets = await fetch_all(_list_query().where(GoalSet.cycle == cycle.id, reach.staff_filter(Staff))
                           .order_by(GoalSet.department, Staff.employee_no))
    depts = {d.id: d.name for d in await fetch_all(Department.select().where(
        Department.unit == cycle.unit_id))}
    rows = []
    if what == "goals":
        vids = [gs.confirmed_version_id or gs.current_version_id for gs in sets]
        versions = {v.id: v for v in await fetch_all(GoalVersion.select().where(
            GoalVersion.id.in_([v for v in vids if v] or [0])))}
        shown = {v["id"]: v for v in await versions_out(list(versions.values()), with_comments=False)}
        for gs, vid in zip(sets, vids):
            v = shown.get(vid)
            if v is None:
                continue
            for n, i in enumerate(v["items"], 1):
                rows.append({
                    "employee_no": gs.staff.employee_no, "name": gs.staff.name,
                    "department": depts.get(gs.department_id, ""),
                    "status": SET_STATUS_LABELS.get(gs.status, gs.status) + ("（变更审核中）" if gs.change_pending else ""),
                    "version": f"第{v['number']}版（{v['status_label']}）", "sort": n, "title": i["title"],
                    "kind": i["kind_label"], "target": i["target"] if i["target"] is not None else "",
                    "unit_of_measure": i["unit_of_measure"], "formula": i["formula_text"],
                    "criteria": i["criteria"], "weight": i["weight"],
                    "due_date": i["due_date"].isoformat() if i["due_date"] else "",
                    "indicator": (i["indicator"] or {}).get("title", ""), "description": i["description"]})
        return rows, GOAL_COLUMNS, f"{cycle.name}目标"
    versions = await fetch_all(GoalVersion.select().where(
        GoalVersion.goal_set.in_([gs.id for gs in sets] or [0])).order_by(GoalVersion.goal_set, GoalVersion.number))
    shown = {v["id"]: v for v in await versions_out(versions)}
    insts, _, events, names = await _approval_data([v.instance_id for v in versions], with_events=True)
    by_set = {gs.id: gs for gs in sets}
    for v in versions:
        gs, data = by_set[v.goal_set_id], shown[v.id]
        steps = _step_names(insts.get(v.instance_id))
        timeline = "；".join(
            f"{_fmt_time(e.created_at)} {names.get(e.actor_id, '系统')} "
            f"{steps.get(e.step_index, '') + ' ' if e.step_index is not None else ''}"
            f"{ACTION_LABELS.get(e.action, e.action)}{('：' + e.comment) if e.comment else ''}"
            for e in events if e.instance_id == v.instance_id)
        comments = [(i["title"], c) for i in data["items"] for c in i["comments"]]
        comments += [("整体", c) for c in data["comments"]]
        rows.append({
            "employee_no": gs.staff.employee_no, "name": gs.staff.name,
            "department": depts.get(gs.department_id, ""), "version": f"第{v.number}版",
            "kind": data["kind_label"], "status": data["status_label"], "reason": v.reason,
            "created_by": (data["created_by"] or {}).get("name", ""),
            "created_at": _fmt_time(v.created_at), "submitted_at": _fmt_time(v.submitted_at),
            "decided_at": _fmt_time(v.decided_at), "decided_by": (data["decided_by"] or {}).get("name", ""),
            "items": "；".join(f"{i['title']}（{i['weight']}）" for i in data["items"]),
            "timeline": timeline,
            "comments": "；".join(f"{t}：{c['author']['name'] if c['author'] else ''}"
                                 f"{c['step_name'] and '（' + c['step_name'] + '）'}{c['comment']}"
                                 for t, c in comments)})
    return rows, HISTORY_COLUMNS, f"{cycle.name}目标历史"


async def export(*, actor, cycle_id, what):
    """(bytes, filename, content type) of the XLSX."""
    rows, columns, title = await export_rows(actor=actor, cycle_id=cycle_id, what=what)
    content = await exports.to_xlsx(rows, columns, title)
    return content, f"{title}.xlsx", exports.content_type("xlsx")


async def cycles_for(*, actor):
    """Cycles whose goal sets the caller may look at in the console (appraisal.view/manage
    reach over the cycle's unit)."""
    out = []
    for perm in ("appraisal.view", "appraisal.manage"):
        if actor.has(perm):
            reach = await actor.reach(perm)
            query = AppraisalCycle.select().where(reach.touched_unit_filter(AppraisalCycle.unit))
            out += await fetch_all(query.order_by(AppraisalCycle.year.desc(), AppraisalCycle.id.desc()))
    seen, uniq = set(), []
    for c in out:
        if c.id not in seen:
            seen.add(c.id)
            uniq.append(c)
    return uniq
