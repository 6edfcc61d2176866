"""Goal sets, write side (目标设定): my goals in a cycle, the draft's items, submission through the
approval engine (kinds appraisal_goals / appraisal_goal_change), review with per-item comments,
withdrawal, the lock after confirmation and change requests. Reads, history and diffs live in
services/appraisal/goal_history.py.

Every state change of a version happens in the engine's hooks below, whichever path triggered it
(this module's endpoints or the generic /api/approvals ones), so the goal set and its approval
can never disagree. A confirmed version is never written again: every write path checks the
version's status, and the item replacement refuses anything but a draft or returned version.
"""
import contextvars
import datetime
import math
import secrets

import peewee as pw

from models.appraisal.cycles import DeptIndicator, GoalTemplate
from models.appraisal.goals import GoalItem, GoalReviewComment, GoalSet, GoalVersion
from models.approvals import ApprovalInstance, ApprovalTask
from models.base import atomic, fetch_all, get_one, utcnow
from models.org import Staff
from server.errors import Conflict, Forbidden, Invalid, NotFound
from services import approvals, audit, events
from services.appraisal import goal_history as gh
from services.appraisal.common import (active_participant, get_cycle, phase_state, phases_of,
                                       require_phase)
from services.notify import raise_notification

KIND_INITIAL, KIND_CHANGE = "appraisal_goals", "appraisal_goal_change"
EDITABLE = ("draft", "returned")
# Set while this module resubmits a returned version: a resubmission from elsewhere (the generic
# /api/approvals/{id}/resubmit) would skip the phase gate and the item rules, so the hook refuses it.
_RESUBMITTING = contextvars.ContextVar("appraisal_goals_resubmitting", default=False)


def locked_error():
    return Conflict("目标已确认锁定，不能修改；如需调整请提出目标变更申请",
                    code="APPRAISAL_GOALS_LOCKED")


def stale_error():
    return Conflict("目标已被更新，请刷新后重试", code="APPRAISAL_GOALS_STALE")


def _link(gs):
    return f"/package-appraisal/goals/index?cycle_id={gs.cycle_id}"


# -- rules -------------------------------------------------------------------------------------

def _finite(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _check_formula(formula, target):
    """A message when the formula is malformed, else None."""
    kind = formula.get("type")
    if kind in ("linear", "capped"):
        floor = formula.get("floor", 0)
        if floor is None:
            floor = 0
        if not _finite(floor):
            return "下限应为数字"
        if target is not None and floor == target:
            return "下限不能等于目标值"
        if kind == "capped":
            cap = formula.get("cap")
            if not _finite(cap) or not 1 <= cap <= 5:
                return "封顶系数应在 1 至 5 之间（如 1.2 表示最高 120 分）"
        return None
    if kind == "threshold":
        steps = formula.get("steps") or []
        if not 1 <= len(steps) <= 10:
            return "阶梯应为 1 至 10 档"
        prev = None
        for s in steps:
            at, score = s.get("at"), s.get("score")
            if not _finite(at) or not _finite(score) or not 0 <= score <= 200:
                return "每档应有达到值和 0 至 200 的得分"
            if prev is not None and at <= prev:
                return "阶梯应按达到值从小到大排列"
            prev = at
        return None
    return "计分公式应为 linear、capped 或 threshold"


async def check_items(items, *, cycle, department_id, complete):
    """(errors keyed items.N.field / items / weight_total, first code, message parts).
    `complete` adds the submission rules (required fields, count, weights summing to 100)."""
    errors, parts, codes = {}, [], []
    settings = cycle.settings or {}
    lo, hi = int(settings.get("min_items") or 3), int(settings.get("max_items") or 10)
    indicator_ids = {i["indicator_id"] for i in items if i.get("indicator_id")}
    valid = set()
    if indicator_ids and department_id:
        valid = {d.id for d in await fetch_all(DeptIndicator.select(DeptIndicator.id).where(
            DeptIndicator.id.in_(list(indicator_ids)), DeptIndicator.cycle == cycle.id,
            DeptIndicator.department == department_id, DeptIndicator.active == True))}  # noqa: E712
    seen = set()
    for n, i in enumerate(items):
        p = f"items.{n}."
        if i["key"] in seen:
            errors[p + "key"] = "编号重复"
        seen.add(i["key"])
        if complete and not i["title"]:
            errors[p + "title"] = "请填写目标名称"
        if i["kind"] == "quantitative":
            if complete and i["target"] is None:
                errors[p + "target"] = "定量目标须填写目标值"
            if i["formula"]:
                problem = _check_formula(i["formula"], i["target"])
                if problem:
                    errors[p + "formula"] = problem
            elif complete:
                errors[p + "formula"] = "定量目标须选择计分公式"
        elif complete and not i["criteria"]:
            errors[p + "criteria"] = "定性目标须填写完成标准"
        if complete and not (i["weight"] or 0) > 0:
            errors[p + "weight"] = "权重应大于 0"
        if i["due_date"] is not None and i["due_date"].year != cycle.year:
            errors[p + "due_date"] = f"完成时限应在 {cycle.year} 年内"
        if i["indicator_id"] and i["indicator_id"] not in valid:
            errors[p + "indicator_id"] = "应为本部门在本考核周期的部门指标"
    if errors:
        codes.append("APPRAISAL_GOALS_INVALID")
        parts.append(f"有 {len(errors)} 处填写有误")
    total = gh.weight_total(items)
    if complete:
        if not lo <= len(items) <= hi:
            errors["items"] = f"目标应为 {lo} 至 {hi} 项，当前 {len(items)} 项"
            codes.insert(0, "APPRAISAL_ITEM_COUNT")
            parts.insert(0, errors["items"])
        if abs(float(total) - 100) > 0.001:
            errors["weight_total"] = f"各项权重合计应为 100，当前合计 {total}"
            codes.append("APPRAISAL_WEIGHTS_NOT_100")
            parts.append(errors["weight_total"])
    return errors, (codes[0] if codes else None), parts


async def _raise_if_invalid(items, *, cycle, department_id, complete):
    errors, code, parts = await check_items(items, cycle=cycle, department_id=department_id,
                                            complete=complete)
    if code:
        raise Invalid("；".join(parts), code=code, fields=errors)


async def readiness(items, *, cycle, department_id):
    """The live check shown beside the draft: weight total and what would stop a submission."""
    errors, code, _ = await check_items(items, cycle=cycle, department_id=department_id, complete=True)
    return {"weight_total": gh.weight_total(items), "item_count": len(items), "ready": code is None,
            "problems": errors}


# -- items -------------------------------------------------------------------------------------

def _new_key(used):
    while True:
        key = "g" + secrets.token_hex(3)
        if key not in used:
            used.add(key)
            return key


def _as_date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def _clean(raw, used):
    """One item dict from a request body or a template, with every field present."""
    kind = raw.get("kind") if raw.get("kind") in ("quantitative", "qualitative") else "quantitative"
    key = raw.get("key") or None
    if key is None or not isinstance(key, str) or len(key) > 16:
        key = _new_key(used)
    used.add(key)

    def text(name, size):
        value = raw.get(name)
        return value.strip()[:size] if isinstance(value, str) else ""
    target = raw.get("target") if _finite(raw.get("target")) else None
    formula = raw.get("formula") if isinstance(raw.get("formula"), dict) else None
    if formula is not None:
        formula = {k: v for k, v in formula.items() if v is not None}
    weight = raw.get("weight") if _finite(raw.get("weight")) else 0
    qualitative = kind == "qualitative"
    return {"key": key, "title": text("title", 100), "description": text("description", 1000),
            "kind": kind, "target": None if qualitative else target,
            "unit_of_measure": text("unit_of_measure", 20), "data_source": text("data_source", 100),
            "formula": None if qualitative else formula, "criteria": text("criteria", 1000),
            "weight": float(weight), "due_date": _as_date(raw.get("due_date")),
            "indicator_id": raw.get("indicator_id") if isinstance(raw.get("indicator_id"), int) else None}


def clean_items(raw_items):
    used = {i.get("key") for i in raw_items if isinstance(i.get("key"), str)}
    out = []
    for n, raw in enumerate(raw_items):
        item = _clean(raw, used if not raw.get("key") else set())
        item["sort"] = n
        out.append(item)
    return out


async def _write_items(version, items):
    """Replace a version's items. Only a draft or returned version: a confirmed one never."""
    if version.status not in EDITABLE:
        raise locked_error()
    await GoalItem.delete().where(GoalItem.version == version.id).aexecute()
    if items:
        await GoalItem.insert_many([{**{k: v for k, v in i.items()}, "version": version.id}
                                    for i in items]).aexecute()


async def _new_version(gs, *, kind, actor_id, reason="", based_on=None, items=()):
    last = await get_one(GoalVersion.select(GoalVersion.number).where(GoalVersion.goal_set == gs.id)
                         .order_by(GoalVersion.number.desc()))
    try:
        async with atomic():
            v = await GoalVersion.acreate(goal_set=gs.id, number=(last.number if last else 0) + 1,
                                          kind=kind, status="draft", reason=reason,
                                          based_on_id=based_on, created_by=actor_id)
    except pw.IntegrityError:
        raise stale_error() from None
    await _write_items(v, [dict(i) for i in items])
    return v


async def _bump_set(gs, **fields):
    """Optimistic lock on the goal set: only the writer holding the version it read wins."""
    fields.update(version=GoalSet.version + 1, updated_at=utcnow())
    rows = await GoalSet.update(**fields).where(GoalSet.id == gs.id,
                                                GoalSet.version == gs.version).aexecute()
    if rows != 1:
        raise stale_error()
    gs.version += 1
    for k, v in fields.items():
        if k not in ("version", "updated_at"):
            setattr(gs, k, v)


async def _audit(actor, action, gs, before=None, after=None):
    await audit.record(actor=actor, action=f"appraisal.goals.{action}", target_type="appraisal_goal_set",
                       target_id=gs.id, before=before, after=after, unit_id=gs.unit_id)


def _snapshot(items):
    return [{k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in i.items()}
            for i in items]


# -- my goals ----------------------------------------------------------------------------------

async def _template_items(cycle_id, position_id):
    """The items a person starts from: their position's template, else the cycle's general one."""
    tpl = None
    if position_id:
        tpl = await get_one(GoalTemplate.select().where(GoalTemplate.cycle == cycle_id,
                                                        GoalTemplate.position == position_id)
                            .order_by(GoalTemplate.id.desc()))
    if tpl is None:
        tpl = await get_one(GoalTemplate.select().where(GoalTemplate.cycle == cycle_id,
                                                        GoalTemplate.position.is_null())
                            .order_by(GoalTemplate.id.desc()))
    if tpl is None:
        return None, []
    raw = [r for r in (tpl.items or []) if isinstance(r, dict)][:50]
    return tpl.id, clean_items([{k: v for k, v in r.items() if k != "key"} for r in raw])


async def _create_goal_set(actor, cycle, participant):
    staff = actor.staff
    tpl_id, items = await _template_items(cycle.id, staff.position_id)
    try:
        async with atomic():
            gs = await GoalSet.acreate(cycle=cycle.id, staff=staff.id, unit=staff.unit_id,
                                       department=participant.department_id or staff.department_id,
                                       status="draft")
            v = await _new_version(gs, kind="initial", actor_id=actor.id, items=items)
            await GoalSet.update(current_version_id=v.id).where(GoalSet.id == gs.id).aexecute()
            await _audit(actor, "create", gs, after={"cycle_id": cycle.id, "version": 1,
                                                     "template_id": tpl_id, "items": len(items)})
    except pw.IntegrityError:
        pass  # created by a concurrent first read: use that one
    return await GoalSet.aget(GoalSet.cycle == cycle.id, GoalSet.staff == staff.id)


async def my_goals(*, actor, cycle_id, today):
    """My goal set in a cycle, created on the first read while goal setting is open for me."""
    cycle = await get_cycle(cycle_id)
    gs = await GoalSet.aget_or_none(GoalSet.cycle == cycle.id, GoalSet.staff == actor.id)
    if cycle.status == "draft" or (gs is None and cycle.unit_id != actor.unit_id):
        raise NotFound("考核周期不存在", code="APPRAISAL_CYCLE_NOT_FOUND")
    phases = await phases_of(cycle.id)
    state = await phase_state(cycle, "goal_setting", today=today, staff_id=actor.id, phases=phases)
    if gs is None:
        participant = await active_participant(cycle.id, actor.id)
        if participant is None:
            raise NotFound("您不是该考核周期的参与人员", code="APPRAISAL_NOT_PARTICIPANT")
        if state == "open" and actor.staff.status == "active":
            gs = await _create_goal_set(actor, cycle, participant)
    row = phases.get("goal_setting")
    out = {"cycle": {"id": cycle.id, "name": cycle.name, "year": cycle.year, "kind": cycle.kind,
                     "status": cycle.status},
           "goal_setting": {"state": state, "opens_on": row.opens_on if row else None,
                            "closes_on": row.closes_on if row else None},
           "goal_set": None}
    if gs is not None:
        out["goal_set"] = await gh.goal_set_out(gs, actor.staff, actor, today=today, cycle=cycle)
    return out


# -- the owner's writes ------------------------------------------------------------------------

async def _editable(actor, goal_set_id, today):
    """(goal set, current version, cycle) the owner may edit or submit now, else the reason."""
    gs, _ = await gh.readable_goal_set(actor, goal_set_id)
    cur = await GoalVersion.aget_or_none(GoalVersion.id == gs.current_version_id)
    if cur is None or cur.status not in EDITABLE:
        if cur is None or cur.status == "confirmed" or cur.id == gs.confirmed_version_id:
            raise locked_error()
        raise Conflict("目标正在审核中，如需修改请先撤回", code="APPRAISAL_GOALS_UNDER_REVIEW")
    if gs.staff_id != actor.id:
        raise Forbidden("只有本人可以填写和提交自己的目标", code="APPRAISAL_NOT_OWNER")
    cycle = await get_cycle(gs.cycle_id)
    allowed = ("goal_setting", "progress") if cur.kind == "change" else None
    await require_phase(cycle, "goal_setting", staff_id=actor.id, today=today, allowed=allowed)
    if await active_participant(cycle.id, actor.id) is None:
        raise Conflict("您已不在该考核周期的参与人员名单中", code="APPRAISAL_NOT_PARTICIPANT")
    return gs, cur, cycle


async def save_draft(*, actor, goal_set_id, items, version, today):
    """Replace the items of the draft (or returned) version; answers the detail with the live
    check (weight total, what would stop a submission)."""
    async with atomic():
        gs, cur, cycle = await _editable(actor, goal_set_id, today)
        if version != gs.version:
            raise stale_error()
        items = clean_items(items)
        await _raise_if_invalid(items, cycle=cycle, department_id=gs.department_id, complete=False)
        before = (await gh.items_of([cur.id]))[cur.id]
        await _write_items(cur, items)
        await GoalVersion.update(updated_at=utcnow()).where(GoalVersion.id == cur.id).aexecute()
        await _bump_set(gs)
        await _audit(actor, "update", gs, before={"version": cur.number, "items": _snapshot(before)},
                     after={"version": cur.number, "items": _snapshot(items)})
    out = await gh.goal_set_out(gs, actor.staff, actor, today=today, cycle=cycle)
    out["check"] = await readiness(items, cycle=cycle, department_id=gs.department_id)
    return out


def _context(gs, cur, items):
    return {"cycle_id": gs.cycle_id, "goal_set_id": gs.id, "version_no": cur.number,
            "change": cur.kind == "change", "item_count": len(items),
            "weight_total": gh.weight_total(items)}


def _summary(cycle, cur):
    what = f"目标变更（第{cur.number}版）" if cur.kind == "change" else "工作目标"
    return f"{cycle.name} {what}"


async def submit(*, env, actor, goal_set_id, version=None, today):
    """Send the draft to the approval engine (or resubmit a returned version)."""
    async with atomic():
        gs, cur, cycle = await _editable(actor, goal_set_id, today)
        if version is not None and version != gs.version:
            raise stale_error()
        items = (await gh.items_of([cur.id]))[cur.id]
        await _raise_if_invalid(items, cycle=cycle, department_id=gs.department_id, complete=True)
        context, summary = _context(gs, cur, items), _summary(cycle, cur)
        if cur.status == "returned" and cur.instance_id:
            token = _RESUBMITTING.set(True)
            try:
                await approvals.resubmit(env=env, actor=actor, instance_id=cur.instance_id,
                                         context=context, summary=summary)
            finally:
                _RESUBMITTING.reset(token)
        else:
            await GoalVersion.update(status="submitted", submitted_at=utcnow(), updated_at=utcnow()).where(
                GoalVersion.id == cur.id, GoalVersion.status == "draft").aexecute()
            await _bump_set(gs, status="submitted" if cur.kind == "initial" else gs.status)
            await _audit(actor, "submit", gs, after={"version": cur.number, "kind": cur.kind,
                                                     "items": _snapshot(items)})
            inst = await approvals.submit(
                env=env, actor=actor, kind=KIND_CHANGE if cur.kind == "change" else KIND_INITIAL,
                subject_id=cur.id, unit_id=gs.unit_id, applicant_id=gs.staff_id, summary=summary,
                context=context)
            await GoalVersion.update(instance_id=inst["id"]).where(GoalVersion.id == cur.id).aexecute()
    gs = await GoalSet.aget(GoalSet.id == gs.id)
    return await gh.goal_set_out(gs, actor.staff, actor, today=today, cycle=cycle)


async def withdraw(*, env, actor, goal_set_id, comment="", today):
    async with atomic():
        gs, _ = await gh.readable_goal_set(actor, goal_set_id)
        cur = await GoalVersion.aget_or_none(GoalVersion.id == gs.current_version_id)
        if cur is None or cur.status not in ("submitted", "returned") or not cur.instance_id:
            if cur is None or cur.status == "confirmed":
                raise locked_error()
            raise Conflict("当前没有可撤回的目标", code="APPRAISAL_NOTHING_TO_WITHDRAW")
        if gs.staff_id != actor.id:
            raise Forbidden("只有本人可以撤回自己的目标", code="APPRAISAL_NOT_OWNER")
        await approvals.act(env=env, actor=actor, instance_id=cur.instance_id, action="withdraw",
                            comment=comment)
    gs = await GoalSet.aget(GoalSet.id == gs.id)
    return await gh.goal_set_out(gs, actor.staff, actor, today=today)


async def request_change(*, actor, goal_set_id, reason, today):
    """目标变更: a new draft version copied from the confirmed one; the confirmed version stays in
    force until the change is approved."""
    async with atomic():
        gs, _ = await gh.readable_goal_set(actor, goal_set_id)
        if gs.staff_id != actor.id:
            raise Forbidden("只有本人可以申请变更自己的目标", code="APPRAISAL_NOT_OWNER")
        if gs.confirmed_version_id is None:
            raise Conflict("目标尚未确认，可直接修改", code="APPRAISAL_NOT_CONFIRMED")
        if gs.change_pending:
            raise Conflict("已有一项目标变更在办理中", code="APPRAISAL_CHANGE_PENDING")
        cycle = await get_cycle(gs.cycle_id)
        await require_phase(cycle, "goal_setting", staff_id=actor.id, today=today,
                            allowed=("goal_setting", "progress"))
        if await active_participant(cycle.id, actor.id) is None:
            raise Conflict("您已不在该考核周期的参与人员名单中", code="APPRAISAL_NOT_PARTICIPANT")
        confirmed = await GoalVersion.aget(GoalVersion.id == gs.confirmed_version_id)
        items = (await gh.items_of([confirmed.id]))[confirmed.id]
        v = await _new_version(gs, kind="change", actor_id=actor.id, reason=reason,
                               based_on=confirmed.id, items=items)
        await _bump_set(gs, current_version_id=v.id, change_pending=True)
        await _audit(actor, "change_request", gs, after={"version": v.number, "reason": reason,
                                                         "based_on": confirmed.number})
    return await gh.goal_set_out(gs, actor.staff, actor, today=today, cycle=cycle)


# -- review ------------------------------------------------------------------------------------

async def review(*, env, actor, goal_set_id, decision, comment="", items=(), version=None, today):
    """The current approver's decision with a comment per item: the comments are stored for the
    version, then the engine acts (its hooks move the goal set on)."""
    async with atomic():
        gs, owner = await gh.readable_goal_set(actor, goal_set_id)
        cur = await GoalVersion.aget_or_none(GoalVersion.id == gs.current_version_id)
        if cur is None or cur.status != "submitted" or not cur.instance_id:
            if cur is None or cur.status == "confirmed":
                raise locked_error()
            raise Conflict("该目标当前没有待审核的版本", code="APPRAISAL_NOT_UNDER_REVIEW")
        if version is not None and version != gs.version:
            raise stale_error()
        inst = await ApprovalInstance.aget(ApprovalInstance.id == cur.instance_id)
        task = await get_one(ApprovalTask.select().where(
            ApprovalTask.instance == inst.id, ApprovalTask.round == inst.round,
            ApprovalTask.step_index == inst.current_step, ApprovalTask.assignee == actor.id,
            ApprovalTask.status == "pending"))
        if task is None or inst.status != "pending":
            raise Forbidden("您不是当前环节的审核人", code="APPROVAL_NOT_ASSIGNEE")
        keys = {i["key"] for i in (await gh.items_of([cur.id]))[cur.id]}
        errors, seen, notes = {}, set(), []
        for n, row in enumerate(items):
            if row["key"] not in keys:
                errors[f"items.{n}.key"] = "不是该版本的目标项"
            elif row["key"] in seen:
                errors[f"items.{n}.key"] = "重复"
            seen.add(row["key"])
            if row["comment"]:
                notes.append(row)
        if errors:
            raise Invalid("逐项意见有误", code="VALIDATION_FAILED", fields=errors)
        if decision in ("return", "reject") and not comment and not notes:
            raise Invalid("退回或驳回时请填写意见", code="APPRAISAL_COMMENT_REQUIRED",
                          fields={"comment": "退回或驳回时必填（整体意见或逐项意见）"})
        for row in notes:
            await GoalReviewComment.acreate(version=cur.id, item_key=row["key"],
                                            step_index=inst.current_step, author=actor.id,
                                            decision=decision, comment=row["comment"])
        if comment:
            await GoalReviewComment.acreate(version=cur.id, item_key=None, step_index=inst.current_step,
                                            author=actor.id, decision=decision, comment=comment)
        await _audit(actor, "review", gs, after={
            "version": cur.number, "decision": decision, "step": inst.current_step,
            "comment": comment, "items": [{"key": r["key"], "comment": r["comment"]} for r in notes]})
        await approvals.act(env=env, actor=actor, instance_id=inst.id, action=decision,
                            comment=comment or ("见逐项意见" if notes else ""))
    gs = await GoalSet.aget(GoalSet.id == gs.id)
    return await gh.goal_set_out(gs, owner, actor, today=today)


# -- the engine's hooks ------------------------------------------------------------------------

async def _subject(instance):
    v = await GoalVersion.aget(GoalVersion.id == instance["subject_id"])
    gs = await GoalSet.aget(GoalSet.id == v.goal_set_id)
    return v, gs


async def _notify(gs, title, body=""):
    await raise_notification(recipient_ids=[gs.staff_id], kind="appraisal.goals", title=title,
                             body=body, link=_link(gs), data={"goal_set_id": gs.id})


async def _close(v, gs, status, actor):
    """A version ends without being confirmed (rejected / withdrawn). An initial version leaves
    a fresh draft copied from it, so the owner can revise and submit again; a change request
    just closes and the confirmed version stays in force."""
    now = utcnow()
    await GoalVersion.update(status=status, decided_at=now, decided_by=actor.id, updated_at=now).where(
        GoalVersion.id == v.id).aexecute()
    if v.kind == "change":
        await _bump_set(gs, current_version_id=gs.confirmed_version_id, change_pending=False,
                        status="confirmed")
        return None
    items = (await gh.items_of([v.id]))[v.id]
    new = await _new_version(gs, kind="initial", actor_id=gs.staff_id, based_on=v.id, items=items)
    await _bump_set(gs, current_version_id=new.id, status="draft")
    return new


async def _on_approved(*, instance, actor):
    v, gs = await _subject(instance)
    now = utcnow()
    await GoalVersion.update(status="confirmed", decided_at=now, decided_by=actor.id,
                             updated_at=now).where(GoalVersion.id == v.id).aexecute()
    previous = gs.confirmed_version_id
    if previous and previous != v.id:
        await GoalVersion.update(status="superseded", updated_at=now).where(
            GoalVersion.id == previous).aexecute()
    await _bump_set(gs, status="confirmed", confirmed_version_id=v.id, current_version_id=v.id,
                    change_pending=False)
    items = (await gh.items_of([v.id]))[v.id]
    await _audit(actor, "confirm", gs, before={"confirmed_version_id": previous},
                 after={"version": v.number, "version_id": v.id, "kind": v.kind,
                        "items": _snapshot(items)})
    cycle = await get_cycle(gs.cycle_id)
    if v.kind == "change":
        await _notify(gs, f"您的{cycle.name}目标变更已通过", f"第{v.number}版目标已确认生效")
    else:
        await _notify(gs, f"您的{cycle.name}工作目标已确认", "目标已锁定；如需调整请提出变更申请")
    await events.publish("appraisal.goals.confirmed", goal_set_id=gs.id, version_id=v.id,
                         staff_id=gs.staff_id, cycle_id=gs.cycle_id)
    if v.kind == "change":
        await events.publish("appraisal.goals.changed", goal_set_id=gs.id, version_id=v.id,
                             previous_version_id=previous, staff_id=gs.staff_id,
                             cycle_id=gs.cycle_id)


async def _on_returned(*, instance, actor):
    v, gs = await _subject(instance)
    await GoalVersion.update(status="returned", updated_at=utcnow()).where(
        GoalVersion.id == v.id).aexecute()
    await _bump_set(gs, status="returned" if v.kind == "initial" else gs.status)
    await _audit(actor, "return", gs, after={"version": v.number, "round": instance.get("round")})
    n = len(await fetch_all(GoalReviewComment.select(GoalReviewComment.id).where(
        GoalReviewComment.version == v.id, GoalReviewComment.item_key.is_null(False),
        GoalReviewComment.author == actor.id, GoalReviewComment.decision == "return")))
    cycle = await get_cycle(gs.cycle_id)
    what = "目标变更" if v.kind == "change" else "工作目标"
    await _notify(gs, f"您的{cycle.name}{what}被退回修改",
                  f"{actor.staff.name}退回了第{v.number}版" + (f"，{n} 项有修改意见" if n else ""))


async def _on_rejected(*, instance, actor):
    v, gs = await _subject(instance)
    await _close(v, gs, "rejected", actor)
    await _audit(actor, "reject", gs, after={"version": v.number, "kind": v.kind})
    cycle = await get_cycle(gs.cycle_id)
    if v.kind == "change":
        await _notify(gs, f"您的{cycle.name}目标变更未通过", "原已确认的目标继续有效")
    else:
        await _notify(gs, f"您的{cycle.name}工作目标未通过审核", "请根据意见修改后重新提交")


async def _on_withdrawn(*, instance, actor):
    v, gs = await _subject(instance)
    await _close(v, gs, "withdrawn", actor)
    await _audit(actor, "withdraw", gs, after={"version": v.number, "kind": v.kind})


async def _on_resubmitted(*, instance, actor):
    if not _RESUBMITTING.get():
        raise Conflict("请在“我的目标”页面修改后重新提交", code="APPRAISAL_USE_GOALS_PAGE")
    v, gs = await _subject(instance)
    now = utcnow()
    await GoalVersion.update(status="submitted", submitted_at=now, updated_at=now).where(
        GoalVersion.id == v.id).aexecute()
    await _bump_set(gs, status="submitted" if v.kind == "initial" else gs.status)
    items = (await gh.items_of([v.id]))[v.id]
    await _audit(actor, "submit", gs, after={"version": v.number, "kind": v.kind, "resubmit": True,
                                             "round": instance.get("round"),
                                             "items": _snapshot(items)})


async def _describe(*, instance):
    """The goal set under approval, for the generic approval detail."""
    v = await GoalVersion.aget_or_none(GoalVersion.id == instance["subject_id"])
    if v is None:
        return None
    gs = await GoalSet.aget(GoalSet.id == v.goal_set_id)
    cycle = await get_cycle(gs.cycle_id)
    owner = await Staff.aget(Staff.id == gs.staff_id)
    shown = (await gh.versions_out([v], with_comments=False))[0]
    return {"goal_set_id": gs.id, "version_id": v.id, "version_no": v.number, "kind": v.kind,
            "kind_label": shown["kind_label"], "reason": v.reason,
            "cycle": {"id": cycle.id, "name": cycle.name}, "owner": {"id": owner.id, "name": owner.name},
            "weight_total": shown["weight_total"],
            "items": [{"key": i["key"], "title": i["title"], "kind": i["kind"], "weight": i["weight"],
                       "target": i["target"], "unit_of_measure": i["unit_of_measure"],
                       "criteria": i["criteria"], "formula_text": i["formula_text"]}
                      for i in shown["items"]]}


_HOOKS = dict(on_approved=_on_approved, on_rejected=_on_rejected, on_withdrawn=_on_withdrawn,
              on_returned=_on_returned, on_resubmitted=_on_resubmitted, describe=_describe,
              view_permission="appraisal.view")
approvals.register_kind(KIND_INITIAL, title="工作目标", **_HOOKS)
approvals.register_kind(KIND_CHANGE, title="目标变更", **_HOOKS)
