"""Goal sets, the review chain (目标审核): the approver's decision with a comment per item, and the
approval engine's hooks for the two goal kinds (appraisal_goals / appraisal_goal_change).

Every state change of a version happens in the engine's hooks below, whichever path triggered it
(services/appraisal/goals.py's endpoints or the generic /api/approvals ones), so the goal set and
its approval can never disagree. services/appraisal/goals.py re-exports these names."""
import contextvars

from models.appraisal.goals import GoalReviewComment, GoalSet, GoalVersion
from models.approvals import ApprovalInstance, ApprovalTask
from models.base import atomic, fetch_all, get_one, utcnow
from models.org import Staff
from server.errors import Conflict, Forbidden, Invalid
from services import approvals, events
from services.appraisal import goal_history as gh
from services.appraisal.common import get_cycle
from services.appraisal.goal_items import (_audit, _bump_set, _link, _new_version, _snapshot,
                                           locked_error, stale_error)
from services.notify import raise_notification


KIND_INITIAL, KIND_CHANGE = "appraisal_goals", "appraisal_goal_change"
# Set while this module resubmits a returned version: a resubmission from elsewhere (the generic
# /api/approvals/{id}/resubmit) would skip the phase gate and the item rules, so the hook refuses it.
_RESUBMITTING = contextvars.ContextVar("appraisal_goals_resubmitting", default=False)


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
