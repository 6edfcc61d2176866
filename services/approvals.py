"""The one approval engine: every request kind (leave, overtime, make-up punches ...) runs through it.

A kind registers hooks once (`register_kind`); a feature's service calls `submit` inside its own
transaction; approvers call `act`. Every state change bumps `ApprovalInstance.version` with
`UPDATE ... WHERE id=? AND version=?`, so of two approvers acting at once exactly one wins and the
other gets 409 APPROVAL_ALREADY_ACTED. Hooks run inside the transaction of the final action.

This module is the state machine (submit, act, resubmit, batch approval, the flow preview). Beside
it: services/approval_kinds.py (the kinds registry, hooks and shared writes),
services/approval_delegation.py (委托) and services/approval_inbox.py (visibility, the boxes).
"""
import inspect

from models.approvals import ApprovalCc, ApprovalInstance, ApprovalTask
from models.base import atomic, count, fetch_all, get_one, utcnow
from models.org import Department, Staff, StaffPost
from server.errors import ApiError, Conflict, Forbidden, Invalid, NotFound
from services.access import staff_dept_ids
# The registry, delegation and the inbox live beside the engine; their names stay importable here.
from services.approval_delegation import (SHANGHAI, _delegate_for, activate_delegations,  # noqa: F401
                                          hand_back, hand_over, today)
from services.approval_inbox import (BOXES, _can_view, _get_visible, _instance_out,  # noqa: F401
                                     get_instance, inbox, waiting_count)
from services.approval_kinds import (KINDS, Kind, _audit, _bump, _event, _hook,  # noqa: F401
                                     _instances_out, _kind, _link, register_kind)
from services.approval_rules import build_plan, flow_for, load_org_view
from services.approval_views import (ACTION_LABELS, STATUS_LABELS, instances_out,  # noqa: F401
                                     names_of as _names, who as _who)
from services.approval_views import base as _base
from services.notify import raise_notification

ACTIONS = ("approve", "reject", "return", "withdraw", "transfer", "comment", "cc")


class _Refused(Exception):
    """A kind's guard refused the last approving action; carries the error for the caller."""

    def __init__(self, error, inst, step_index, on_behalf_of):
        super().__init__(error.message)
        self.error, self.inst, self.step_index, self.on_behalf_of = error, inst, step_index, on_behalf_of


async def _open_step(inst, actor, start_index):
    """Activate the first non-skipped step from start_index; approve when none is left."""
    plan = inst.plan or []
    index = start_index
    while index < len(plan) and plan[index]["skipped"]:
        index += 1
    if index >= len(plan):
        await ApprovalInstance.update(status="approved", current_step=len(plan),
                                      finished_at=utcnow()).where(
            ApprovalInstance.id == inst.id).aexecute()
        inst.status, inst.current_step = "approved", len(plan)
        await _hook(inst, "on_approved", actor)
        await raise_notification(
            recipient_ids=[inst.applicant_id], kind="approval.result",
            title=f"{KINDS[inst.kind].title}已通过", body=inst.summary, link=_link(inst.id),
            data={"instance_id": inst.id, "status": "approved"})
        return None
    step = plan[index]
    await ApprovalInstance.update(current_step=index).where(ApprovalInstance.id == inst.id).aexecute()
    inst.current_step = index
    assignees = []
    for approver in step["approvers"]:
        assignee, behalf = await _delegate_for(approver, inst.applicant_id)
        if any(a == assignee for a, _ in assignees):
            continue
        assignees.append((assignee, behalf))
        await ApprovalTask.acreate(instance=inst.id, round=inst.round, step_index=index,
                                   step_name=step["name"], mode=step["mode"], assignee=assignee,
                                   on_behalf_of=behalf)
    applicant = await _names([inst.applicant_id])
    await raise_notification(
        recipient_ids=[a for a, _ in assignees], kind="approval.pending",
        title=f"待审批：{applicant.get(inst.applicant_id, '')}的{KINDS[inst.kind].title}",
        body=inst.summary, link=_link(inst.id),
        data={"instance_id": inst.id, "step": index})
    return index


async def _note_skips(inst, actor):
    for step in inst.plan or []:
        if step["skipped"]:
            await _event(inst, "auto_skip", step_index=step["index"], comment=step["note"])
            await _audit(actor, "auto_skip", inst, after={"step": step["name"], "note": step["note"]})


async def _plan_for(kind, applicant, context):
    flow, steps = await flow_for(kind, applicant.unit_id)
    org = await load_org_view(applicant)
    return flow, await build_plan(steps, org, context or {})


async def submit(*, env, actor, kind, subject_id, unit_id, applicant_id, summary, context) -> dict:
    """Start an approval. Call inside the feature's own transaction (nested atomic = savepoint)."""
    _kind(kind)
    applicant = await Staff.aget_or_none(Staff.id == applicant_id, Staff.status == "active")
    if applicant is None or applicant.unit_id != unit_id:
        raise NotFound("申请人不存在", code="STAFF_NOT_FOUND")
    flow, plan = await _plan_for(kind, applicant, context)
    async with atomic():
        inst = await ApprovalInstance.acreate(
            kind=kind, subject_id=subject_id, unit=unit_id, applicant=applicant_id,
            department_id=applicant.department_id, summary=(summary or "")[:200],
            context=context or {}, flow_id=flow.id if flow else None, plan=plan, status="pending")
        await _event(inst, "submit", actor_id=actor.id, data={"context": context or {}})
        await _audit(actor, "submit", inst, after={"kind": kind, "subject_id": subject_id,
                                                   "context": context or {},
                                                   "plan": [s["approvers"] for s in plan]})
        await _note_skips(inst, actor)
        await _cc_concurrent_post_leaders(inst, applicant)
        if all(s["skipped"] for s in plan):
            await _event(inst, "auto_approve", comment="无需审批的环节，自动通过")
            await _audit(actor, "auto_approve", inst)
        await _open_step(inst, actor, 0)
    return await _instance_out(inst, actor)


async def _staff_in_unit(staff_id, unit_id, field="to_staff_id"):
    if not staff_id:
        raise Invalid("请选择人员", code="VALIDATION_FAILED", fields={field: "必填"})
    row = await Staff.aget_or_none(Staff.id == staff_id, Staff.status == "active",
                                   Staff.unit == unit_id)
    if row is None:
        raise NotFound("人员不存在或不在本单位", code="STAFF_NOT_FOUND")
    return row


async def _would_finish(inst, task):
    """Whether approving `task` ends the instance: it completes the current step and every later
    step is skipped."""
    if task.mode != "any" and await count(ApprovalTask.select().where(
            ApprovalTask.instance == inst.id, ApprovalTask.round == inst.round,
            ApprovalTask.step_index == inst.current_step, ApprovalTask.status == "pending",
            ApprovalTask.id != task.id)):
        return False
    return all(s["skipped"] for s in (inst.plan or [])[inst.current_step + 1:])


async def _guard_final(inst, task, actor):
    guard = getattr(KINDS.get(inst.kind), "guard_final_approve", None)
    if guard is None or not await _would_finish(inst, task):
        return
    try:
        result = guard(instance=_base(inst), actor=actor)
        if inspect.isawaitable(result):
            await result
    except ApiError as exc:
        raise _Refused(exc, inst, task.step_index, task.on_behalf_of_id) from None


async def _record_refusal(refused, actor):
    """After the refused action rolled back: audit it and tell the applicant what is missing."""
    inst, error = refused.inst, refused.error
    async with atomic():
        await _audit(actor, "approve_refused", inst, after={
            "code": error.code, "message": error.message, "step": refused.step_index,
            "on_behalf_of": refused.on_behalf_of})
        await raise_notification(
            recipient_ids=[inst.applicant_id], kind="approval.action_required",
            title=f"您的{KINDS[inst.kind].title}暂不能审批通过", body=f"{error.message}，请尽快补充。",
            link=_link(inst.id), data={"instance_id": inst.id, "code": error.code})


async def act(*, env, actor, instance_id, action, comment=None, to_staff_id=None, version=None) -> dict:
    try:
        return await _act(env=env, actor=actor, instance_id=instance_id, action=action,
                          comment=comment, to_staff_id=to_staff_id, version=version)
    except _Refused as refused:
        await _record_refusal(refused, actor)
        raise refused.error from None


async def _act(*, env, actor, instance_id, action, comment=None, to_staff_id=None, version=None) -> dict:
    if action not in ACTIONS:
        raise Invalid("不支持的审批操作", code="APPROVAL_ACTION_INVALID",
                      fields={"action": "应为 " + "、".join(ACTIONS)})
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise Invalid("意见不能超过 500 字", code="VALIDATION_FAILED", fields={"comment": "不能超过 500 个字符"})
    async with atomic():
        inst = await _get_visible(instance_id, actor)
        if action == "comment":
            return await _comment(inst, actor, comment)
        if action == "cc":
            return await _cc(inst, actor, to_staff_id, comment)
        if version is not None and version != inst.version:
            raise Conflict("该审批已被他人处理或已变更，请刷新后重试", code="APPROVAL_ALREADY_ACTED")
        if action == "withdraw":
            return await _withdraw(inst, actor, comment)
        task = await get_one(ApprovalTask.select().where(
            ApprovalTask.instance == inst.id, ApprovalTask.round == inst.round,
            ApprovalTask.step_index == inst.current_step, ApprovalTask.assignee == actor.id,
            ApprovalTask.status == "pending"))
        if task is None or inst.status != "pending":
            if inst.status != "pending" or await get_one(ApprovalTask.select(ApprovalTask.id).where(
                    ApprovalTask.instance == inst.id, ApprovalTask.assignee == actor.id,
                    ApprovalTask.status != "pending")):
                raise Conflict("该审批已被处理，请刷新后查看", code="APPROVAL_ALREADY_ACTED")
            raise Forbidden("您不是当前环节的审批人", code="APPROVAL_NOT_ASSIGNEE")
        if action == "reject" and not comment:
            raise Invalid("驳回时请填写意见", code="APPROVAL_COMMENT_REQUIRED",
                          fields={"comment": "驳回时必填"})
        if action == "approve":
            await _guard_final(inst, task, actor)
        before = {"status": inst.status, "step": inst.current_step, "version": inst.version}
        await _bump(inst)
        await ApprovalTask.update(
            status={"approve": "approved", "reject": "rejected", "return": "returned",
                    "transfer": "transferred"}[action],
            comment=comment, acted_at=utcnow()).where(ApprovalTask.id == task.id).aexecute()
        behalf = task.on_behalf_of_id
        if action == "transfer":
            target = await _staff_in_unit(to_staff_id, inst.unit_id)
            if target.id in (inst.applicant_id, actor.id):
                raise Invalid("不能转交给申请人或本人", code="APPROVAL_TRANSFER_INVALID",
                              fields={"to_staff_id": "不能是申请人或本人"})
            if await get_one(ApprovalTask.select().where(
                    ApprovalTask.instance == inst.id, ApprovalTask.round == inst.round,
                    ApprovalTask.step_index == inst.current_step, ApprovalTask.status == "pending",
                    ApprovalTask.assignee == target.id)):
                raise Invalid("对方已是本环节审批人", code="APPROVAL_TRANSFER_INVALID",
                              fields={"to_staff_id": "已是本环节审批人"})
            await ApprovalTask.acreate(instance=inst.id, round=inst.round, step_index=task.step_index,
                                       step_name=task.step_name, mode=task.mode, assignee=target.id)
            await _event(inst, "transfer", actor_id=actor.id, on_behalf_of=behalf,
                         step_index=task.step_index, comment=comment,
                         data={"to": {"id": target.id, "name": target.name}})
            await _audit(actor, "transfer", inst, before, {"to_staff_id": target.id})
            await raise_notification(
                recipient_ids=[target.id], kind="approval.pending",
                title=f"{actor.staff.name}转交给您一项{KINDS[inst.kind].title}审批",
                body=inst.summary, link=_link(inst.id), data={"instance_id": inst.id})
            return await _instance_out(inst, actor)
        await _event(inst, action, actor_id=actor.id, on_behalf_of=behalf,
                     step_index=task.step_index, comment=comment)
        others = ApprovalTask.update(status="cancelled").where(
            ApprovalTask.instance == inst.id, ApprovalTask.status == "pending")
        if action == "approve":
            remaining = await count(ApprovalTask.select().where(
                ApprovalTask.instance == inst.id, ApprovalTask.round == inst.round,
                ApprovalTask.step_index == inst.current_step, ApprovalTask.status == "pending"))
            if task.mode == "any" or remaining == 0:
                await others.aexecute()
                await _open_step(inst, actor, inst.current_step + 1)
        else:
            await others.aexecute()
            status = "rejected" if action == "reject" else "returned"
            await ApprovalInstance.update(
                status=status, finished_at=utcnow() if status == "rejected" else None).where(
                ApprovalInstance.id == inst.id).aexecute()
            inst.status = status
            await _hook(inst, "on_rejected" if status == "rejected" else "on_returned", actor)
            await raise_notification(
                recipient_ids=[inst.applicant_id], kind="approval.result",
                title=f"{KINDS[inst.kind].title}{STATUS_LABELS[status]}",
                body=comment or inst.summary, link=_link(inst.id),
                data={"instance_id": inst.id, "status": status})
        await _audit(actor, action, inst, before,
                     {"status": inst.status, "step": inst.current_step, "comment": comment,
                      "on_behalf_of": behalf})
        return await _instance_out(inst, actor)


async def _withdraw(inst, actor, comment):
    if inst.applicant_id != actor.id:
        raise Forbidden("只有申请人可以撤回", code="APPROVAL_NOT_APPLICANT")
    if inst.status not in ("pending", "returned"):
        raise Conflict("审批已结束，不能撤回", code="APPROVAL_ALREADY_ACTED")
    before = {"status": inst.status, "version": inst.version}
    await _bump(inst, status="withdrawn", finished_at=utcnow())
    await ApprovalTask.update(status="cancelled").where(
        ApprovalTask.instance == inst.id, ApprovalTask.status == "pending").aexecute()
    await _event(inst, "withdraw", actor_id=actor.id, comment=comment)
    await _audit(actor, "withdraw", inst, before, {"status": "withdrawn"})
    await _hook(inst, "on_withdrawn", actor)
    done = await fetch_all(ApprovalTask.select(ApprovalTask.assignee).where(
        ApprovalTask.instance == inst.id, ApprovalTask.round == inst.round))
    await raise_notification(
        recipient_ids=[t.assignee_id for t in done if t.assignee_id != actor.id],
        kind="approval.withdrawn", title=f"{actor.staff.name}撤回了{KINDS[inst.kind].title}",
        body=inst.summary, link=_link(inst.id), data={"instance_id": inst.id})
    return await _instance_out(inst, actor)


async def _comment(inst, actor, comment):
    if not comment:
        raise Invalid("请填写评论内容", code="APPROVAL_COMMENT_REQUIRED", fields={"comment": "必填"})
    await _event(inst, "comment", actor_id=actor.id, comment=comment)
    await _audit(actor, "comment", inst, after={"comment": comment})
    pending = await fetch_all(ApprovalTask.select(ApprovalTask.assignee).where(
        ApprovalTask.instance == inst.id, ApprovalTask.status == "pending"))
    await raise_notification(
        recipient_ids=[r for r in [inst.applicant_id, *[t.assignee_id for t in pending]] if r != actor.id],
        kind="approval.comment", title=f"{actor.staff.name}评论了{KINDS[inst.kind].title}",
        body=comment, link=_link(inst.id), data={"instance_id": inst.id})
    return await _instance_out(inst, actor)


async def _cc_concurrent_post_leaders(inst, applicant):
    """兼职/挂职: the primary department routes the approval; the leaders of the departments where
    the applicant holds a concurrent post or secondment are copied, so they know who will be away."""
    posts = await fetch_all(StaffPost.select(Department.leader.alias("leader_id")).join(
        Department, on=(StaffPost.department == Department.id)).where(
        StaffPost.staff == applicant.id, StaffPost.active == True,  # noqa: E712
        Department.leader.is_null(False)).dicts())
    leaders = sorted({p["leader_id"] for p in posts} - {applicant.id, None})
    for leader_id in leaders:
        await ApprovalCc.acreate(instance=inst.id, staff=leader_id, by=None)
        await _event(inst, "cc", comment="兼职/挂职部门负责人自动抄送",
                     data={"to": {"id": leader_id}, "auto": True})
    if leaders:
        await raise_notification(
            recipient_ids=leaders, kind="approval.cc",
            title=f"{applicant.name}（在您部门兼职/挂职）提交了{KINDS[inst.kind].title}",
            body=inst.summary, link=_link(inst.id), data={"instance_id": inst.id})


async def _is_participant(inst, actor):
    """The applicant, or someone holding (or delegating) a task on the request, in any round."""
    return inst.applicant_id == actor.id or bool(await get_one(
        ApprovalTask.select(ApprovalTask.id).where(
            ApprovalTask.instance == inst.id,
            (ApprovalTask.assignee == actor.id) | (ApprovalTask.on_behalf_of == actor.id))))


async def _cc(inst, actor, to_staff_id, comment):
    # Only the applicant and the approvers decide who else reads the request: a person who was
    # merely copied, or who sees it through leave.view, may not pass it on.
    if not await _is_participant(inst, actor):
        raise Forbidden("只有申请人和审批人可以抄送", code="APPROVAL_CC_FORBIDDEN")
    target = await _staff_in_unit(to_staff_id, inst.unit_id)
    if target.id == inst.applicant_id or await get_one(ApprovalCc.select().where(
            ApprovalCc.instance == inst.id, ApprovalCc.staff == target.id)):
        raise Conflict("已抄送给该人员", code="APPROVAL_CC_EXISTS")
    await ApprovalCc.acreate(instance=inst.id, staff=target.id, by=actor.id)
    await _event(inst, "cc", actor_id=actor.id, comment=comment,
                 data={"to": {"id": target.id, "name": target.name}})
    await _audit(actor, "cc", inst, after={"to_staff_id": target.id})
    await raise_notification(
        recipient_ids=[target.id], kind="approval.cc",
        title=f"{actor.staff.name}抄送给您一项{KINDS[inst.kind].title}", body=inst.summary,
        link=_link(inst.id), data={"instance_id": inst.id})
    return await _instance_out(inst, actor)


async def resubmit(*, env, actor, instance_id, context=None, summary=None) -> dict:
    """After a return (退回修改): the applicant sends it again; the flow is resolved afresh from
    `context` (default: the old one), so conditional steps follow changed values."""
    async with atomic():
        inst = await _get_visible(instance_id, actor)
        if inst.applicant_id != actor.id:
            raise Forbidden("只有申请人可以重新提交", code="APPROVAL_NOT_APPLICANT")
        if inst.status != "returned":
            raise Conflict("只有被退回的申请可以重新提交", code="APPROVAL_NOT_RETURNED")
        applicant = await Staff.aget(Staff.id == inst.applicant_id)
        new_context = context if context is not None else inst.context
        flow, plan = await _plan_for(inst.kind, applicant, new_context)
        before = {"status": inst.status, "round": inst.round, "context": inst.context}
        extra = {"summary": summary[:200]} if summary else {}
        await _bump(inst, status="pending", round=inst.round + 1, context=new_context, plan=plan,
                    current_step=0, flow_id=flow.id if flow else None,
                    department_id=applicant.department_id, **extra)
        await _event(inst, "resubmit", actor_id=actor.id, data={"context": new_context})
        await _audit(actor, "resubmit", inst, before, {"round": inst.round, "context": new_context})
        await _hook(inst, "on_resubmitted", actor)
        await _note_skips(inst, actor)
        await _open_step(inst, actor, 0)
        return await _instance_out(inst, actor)


async def batch_approve(*, env, actor, ids, comment=None):
    """Approve each in its own transaction; per-item results, one failure never stops the rest."""
    results = []
    for instance_id in ids:
        try:
            data = await act(env=env, actor=actor, instance_id=instance_id, action="approve",
                             comment=comment)
            results.append({"id": instance_id, "ok": True, "status": data["status"]})
        except ApiError as exc:
            results.append({"id": instance_id, "ok": False, "status_code": exc.status,
                            "code": exc.code, "message": exc.message})
    return results


async def preview_flow(*, actor, kind, applicant_id, context) -> list:
    """The steps a request would go through, approvers named (for the form and the admin page)."""
    _kind(kind)
    applicant = await Staff.aget_or_none(Staff.id == applicant_id)
    if applicant is None:
        raise NotFound("人员不存在", code="STAFF_NOT_FOUND")
    if applicant.id != actor.id:
        allowed = False
        for perm in ("approval.flow.manage", KINDS[kind].view_permission):
            if actor.has(perm):
                reach = await actor.reach(perm)
                if reach.covers_staff(applicant.id, await staff_dept_ids(applicant), applicant.unit_id):
                    allowed = True
        if not allowed:
            raise NotFound("人员不存在或不在您的管理范围内", code="STAFF_NOT_FOUND")
    _, plan = await _plan_for(kind, applicant, context)
    names = await _names({a for s in plan for a in s["approvers"]})
    out = []
    for s in plan:
        approvers = []
        for a in s["approvers"]:
            assignee, behalf = await _delegate_for(a, applicant.id)
            extra = await _names([assignee]) if behalf else {}
            approvers.append({"id": a, "name": names.get(a, ""),
                              "delegate": _who(assignee, extra) if behalf else None})
        out.append({**s, "approvers": approvers})
    return out
