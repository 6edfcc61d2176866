"""Reviews (复核) and appeals (申诉) of a published result, on the approval engine.

- Review: the participant, within 30 calendar days of publication (day 30 still in time); the
  decision is due 30 days after filing. Appeal: within 15 calendar days of the review decision;
  due in 60 days (公务员法 Art. 95). Reasons and attachments (owner type `appraisal_request`).
- Kinds `appraisal_review` / `appraisal_appeal` (built-in flow: HR; services/approval_rules).
  Every rater of the participant — leader, peers, self, recused raters too — is excluded when the
  flow is resolved (approval_rules.EXCLUDED_APPROVERS), and a guard refuses a rater who still
  reaches the last step (a transfer, a delegation).
- The decision (`decide`): upheld with an adjusted total and/or grade, or rejected, with the
  reasons; written on the request and the result, audited (`appraisal.review.decide` /
  `appraisal.appeal.decide`), the participant notified, event `appraisal.request.decided`.
"""
import contextvars
import datetime

from models.appraisal.cycles import AppraisalCycle
from models.appraisal.outcomes import ResultRequest
from models.appraisal.scoring import AppraisalResult, ScoreSheet
from models.approvals import ApprovalEvent, ApprovalTask
from models.base import atomic, count, fetch_all, get_one, utcnow
from models.org import Staff
from server.errors import Conflict, Invalid, NotFound
from services import approval_rules, approvals, attachments, audit, events
from services.access import staff_dept_ids
from services.appraisal import grades as gr
from services.appraisal.common import local_today
from services.appraisal.publication import (APPEAL_DAYS, APPEAL_DUE, RESULT_LINK, REVIEW_DAYS, REVIEW_DUE,
                                            window)
from services.notify import raise_notification

KIND_OF = {"review": "appraisal_review", "appeal": "appraisal_appeal"}
LABELS = {"review": "复核", "appeal": "申诉"}
STATUS_LABELS = {"pending": "办理中", "upheld": "已支持", "rejected": "维持原结果", "withdrawn": "已撤回"}
# The decision being made by `decide`, read by the engine hooks in the same transaction.
_DECISION = contextvars.ContextVar("appraisal_request_decision", default=None)


def _not_found():
    return NotFound("复核/申诉不存在或无权查看", code="APPRAISAL_REQUEST_NOT_FOUND")


async def rater_ids(cycle_id, staff_id):
    """Everyone who rated (or was to rate, or recused from) this participant."""
    rows = await fetch_all(ScoreSheet.select(ScoreSheet.rater).where(
        ScoreSheet.cycle == cycle_id, ScoreSheet.participant == staff_id))
    return {r.rater_id for r in rows} | {staff_id}


async def _task_holders(instance_ids):
    rows = await fetch_all(ApprovalTask.select(ApprovalTask.instance, ApprovalTask.assignee).where(
        ApprovalTask.instance.in_(list(instance_ids) or [0])))
    out = {}
    for r in rows:
        out.setdefault(r.instance_id, set()).add(r.assignee_id)
    return out


async def _hr_covers(actor, staff):
    for perm in ("appraisal.manage", "appraisal.view"):
        if actor.has(perm) and (await actor.reach(perm)).covers_staff(
                staff.id, await staff_dept_ids(staff), staff.unit_id):
            return True
    return False


async def readable(actor, request_id):
    row = await ResultRequest.aget_or_none(ResultRequest.id == request_id)
    if row is None:
        raise _not_found()
    if row.staff_id == actor.id:
        return row
    if row.instance_id and actor.id in (await _task_holders([row.instance_id])).get(row.instance_id, set()):
        return row
    if await _hr_covers(actor, await Staff.aget(Staff.id == row.staff_id)):
        return row
    raise _not_found()


async def requests_out(rows, *, today):
    names = {s.id: s.name for s in await fetch_all(Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_(list({i for r in rows for i in (r.staff_id, r.decided_by_id) if i}) or [0])))}
    files = await attachments.list_for_many("appraisal_request", [r.id for r in rows])
    out = []
    for r in rows:
        out.append({
            "id": r.id, "kind": r.kind, "kind_label": LABELS[r.kind], "cycle_id": r.cycle_id,
            "result_id": r.result_id, "parent_id": r.parent_id,
            "staff": {"id": r.staff_id, "name": names.get(r.staff_id, "")}, "reason": r.reason,
            "status": r.status, "status_label": STATUS_LABELS.get(r.status, r.status),
            "filed_on": r.filed_on, "due_on": r.due_on,
            "remaining_days": (r.due_on - today).days if r.status == "pending" else None,
            "overdue": r.status == "pending" and today > r.due_on,
            "instance_id": r.instance_id, "decision": r.decision, "adjusted_total": r.adjusted_total,
            "adjusted_grade": r.adjusted_grade, "adjusted_grade_label": gr.GRADE_LABELS.get(r.adjusted_grade, ""),
            "decided_by": ({"id": r.decided_by_id, "name": names.get(r.decided_by_id, "")}
                           if r.decided_by_id else None),
            "decided_on": r.decided_on, "attachments": files.get(r.id, []), "created_at": r.created_at})
    return out


async def requests_of_result(result_id, *, today):
    rows = await fetch_all(ResultRequest.select().where(ResultRequest.result == result_id).order_by(ResultRequest.id))
    return await requests_out(rows, today=today)


# -- filing ---------------------------------------------------------------------------------------

async def _submit(actor, row, cycle, kind, summary):
    token = approval_rules.EXCLUDED_APPROVERS.set(frozenset(await rater_ids(cycle.id, row.staff_id)))
    try:
        inst = await approvals.submit(env=None, actor=actor, kind=KIND_OF[kind], subject_id=row.id,
                                      unit_id=cycle.unit_id, applicant_id=row.staff_id, summary=summary,
                                      context={"cycle_id": cycle.id, "request_kind": kind})
    finally:
        approval_rules.EXCLUDED_APPROVERS.reset(token)
    if inst["status"] != "pending":
        raise Conflict("找不到与评分无关的复核人，请联系人事部门设置复核流程", code="APPRAISAL_NO_REVIEWER")
    await ResultRequest.update(instance_id=inst["id"]).where(ResultRequest.id == row.id).aexecute()
    return inst


async def file_review(*, actor, result_id, reason, today):
    r = await AppraisalResult.aget_or_none(AppraisalResult.id == result_id)
    if r is None or r.staff_id != actor.id:
        raise NotFound("考核结果不存在", code="APPRAISAL_RESULT_NOT_FOUND")
    cycle = await AppraisalCycle.aget(AppraisalCycle.id == r.cycle_id)
    gr.require_open(cycle)
    if r.published_on is None:
        raise Conflict("考核结果尚未公示", code="APPRAISAL_RESULTS_NOT_PUBLISHED")
    w = window(r.published_on, REVIEW_DAYS, today)
    if not w["open"]:
        raise Conflict(f"复核申请应在结果公示之日起 {REVIEW_DAYS} 日内提出（截至 {w['ends_on'].isoformat()}）",
                       code="APPRAISAL_REVIEW_WINDOW_CLOSED", fields={"ends_on": w["ends_on"].isoformat()})
    async with atomic():
        if await count(ResultRequest.select(ResultRequest.id).where(
                ResultRequest.result == r.id, ResultRequest.kind == "review",
                ResultRequest.status != "withdrawn")):
            raise Conflict("已申请过复核", code="APPRAISAL_REVIEW_EXISTS")
        row = await ResultRequest.acreate(cycle=cycle.id, result=r.id, staff=actor.id, kind="review", reason=reason,
                                          filed_on=today, due_on=today + datetime.timedelta(days=REVIEW_DUE))
        await audit.record(actor=actor, action="appraisal.review.file", target_type="appraisal_result_request",
                           target_id=row.id, unit_id=cycle.unit_id,
                           after={"result_id": r.id, "reason": reason[:200], "due_on": row.due_on})
        await _submit(actor, row, cycle, "review", f"{cycle.name}结果复核：{reason[:60]}")
    return await get_request(actor=actor, request_id=row.id, today=today)


async def file_appeal(*, actor, review_id, reason, today):
    review = await ResultRequest.aget_or_none(ResultRequest.id == review_id, ResultRequest.kind == "review")
    if review is None or review.staff_id != actor.id:
        raise _not_found()
    cycle = await AppraisalCycle.aget(AppraisalCycle.id == review.cycle_id)
    gr.require_open(cycle)
    if review.status not in ("upheld", "rejected") or review.decided_on is None:
        raise Conflict("复核尚未作出决定，暂不能申诉", code="APPRAISAL_REVIEW_NOT_DECIDED")
    w = window(review.decided_on, APPEAL_DAYS, today)
    if not w["open"]:
        raise Conflict(f"申诉应在复核决定之日起 {APPEAL_DAYS} 日内提出（截至 {w['ends_on'].isoformat()}）",
                       code="APPRAISAL_APPEAL_WINDOW_CLOSED", fields={"ends_on": w["ends_on"].isoformat()})
    async with atomic():
        if await count(ResultRequest.select(ResultRequest.id).where(
                ResultRequest.parent_id == review.id, ResultRequest.kind == "appeal",
                ResultRequest.status != "withdrawn")):
            raise Conflict("已提出过申诉", code="APPRAISAL_APPEAL_EXISTS")
        row = await ResultRequest.acreate(cycle=cycle.id, result=review.result_id, staff=actor.id, kind="appeal",
                                          parent_id=review.id, reason=reason, filed_on=today,
                                          due_on=today + datetime.timedelta(days=APPEAL_DUE))
        await audit.record(actor=actor, action="appraisal.appeal.file", target_type="appraisal_result_request",
                           target_id=row.id, unit_id=cycle.unit_id,
                           after={"review_id": review.id, "reason": reason[:200], "due_on": row.due_on})
        await _submit(actor, row, cycle, "appeal", f"{cycle.name}结果申诉：{reason[:60]}")
    return await get_request(actor=actor, request_id=row.id, today=today)


# -- reading --------------------------------------------------------------------------------------

async def get_request(*, actor, request_id, today):
    row = await readable(actor, request_id)
    return (await requests_out([row], today=today))[0]


async def list_for_result(*, actor, result_id, today):
    r = await AppraisalResult.aget_or_none(AppraisalResult.id == result_id)
    if r is None:
        raise NotFound("考核结果不存在", code="APPRAISAL_RESULT_NOT_FOUND")
    if r.staff_id != actor.id and not await _hr_covers(actor, await Staff.aget(Staff.id == r.staff_id)):
        holders = await _task_holders([q.instance_id for q in await fetch_all(
            ResultRequest.select(ResultRequest.instance_id).where(ResultRequest.result == r.id))])
        if not any(actor.id in v for v in holders.values()):
            raise NotFound("考核结果不存在", code="APPRAISAL_RESULT_NOT_FOUND")
    return await requests_of_result(r.id, today=today)


async def list_for_cycle(*, actor, cycle_id, kind=None, status=None, today):
    """HR's queue: the cycle's reviews and appeals of people in reach, soonest due first."""
    cycle, reach = await gr.read_scope(actor, cycle_id)
    q = (ResultRequest.select(ResultRequest).join(Staff, on=(ResultRequest.staff == Staff.id))
         .where(ResultRequest.cycle == cycle.id, reach.staff_filter(Staff)))
    if kind:
        q = q.where(ResultRequest.kind == kind)
    if status:
        q = q.where(ResultRequest.status == status)
    return await requests_out(await fetch_all(q.order_by(ResultRequest.status.desc(), ResultRequest.due_on,
                                                         ResultRequest.id)), today=today)


# -- deciding ---------------------------------------------------------------------------------------

async def decide(*, env, actor, request_id, outcome, reason, adjusted_total=None, adjusted_grade=None, today):
    row = await readable(actor, request_id)
    cycle = await AppraisalCycle.aget(AppraisalCycle.id == row.cycle_id)
    gr.require_open(cycle)
    if row.status != "pending":
        raise Conflict("该申请已办结", code="APPRAISAL_REQUEST_DECIDED")
    if actor.id in await rater_ids(cycle.id, row.staff_id):
        raise Conflict("您是该人员的评分人，须回避，不能处理其复核或申诉", code="APPRAISAL_APPROVER_IS_RATER")
    fields = {}
    if outcome == "upheld":
        if adjusted_total is None and not adjusted_grade:
            fields["adjusted_grade"] = "支持申请时须给出调整后的分数或等次"
        if adjusted_grade and adjusted_grade not in gr.scale(cycle):
            fields["adjusted_grade"] = "应为 " + "、".join(gr.GRADE_LABELS[g] for g in gr.scale(cycle))
    elif adjusted_total is not None or adjusted_grade:
        fields["outcome"] = "维持原结果时不能调整分数或等次"
    if fields:
        raise Invalid("复核决定有误", code="VALIDATION_FAILED", fields=fields)
    async with atomic():
        if outcome == "upheld" and adjusted_grade == gr.top_grade(cycle):
            result = await AppraisalResult.aget(AppraisalResult.id == row.result_id)
            if gr.effective_grade(result) != adjusted_grade:
                q = await gr.quota_status(cycle)
                already = await count(AppraisalResult.select(AppraisalResult.id).where(
                    AppraisalResult.cycle == cycle.id, AppraisalResult.id != result.id,
                    ((AppraisalResult.adjusted_grade == adjusted_grade) |
                     ((AppraisalResult.adjusted_grade == "") & (AppraisalResult.grade == adjusted_grade)))))
                if already + 1 > q["limit"]:
                    raise gr.quota_exceeded(q, already, 1)
        token = _DECISION.set({"request_id": row.id, "outcome": outcome, "reason": reason, "today": today,
                               "adjusted_total": adjusted_total, "adjusted_grade": adjusted_grade or ""})
        try:
            await approvals.act(env=env, actor=actor, instance_id=row.instance_id,
                                action="approve" if outcome == "upheld" else "reject", comment=reason[:500])
        finally:
            _DECISION.reset(token)
    return await get_request(actor=actor, request_id=row.id, today=today)


async def _row_of(instance):
    return await ResultRequest.aget(ResultRequest.id == instance["subject_id"])


async def _guard(*, instance, actor):
    row = await _row_of(instance)
    if actor.id in await rater_ids(row.cycle_id, row.staff_id):
        raise Conflict("您是该人员的评分人，须回避，不能处理其复核或申诉", code="APPRAISAL_APPROVER_IS_RATER")
    d = _DECISION.get()
    if d is None or d["request_id"] != row.id:
        raise Conflict("请在考核结果的复核/申诉页面填写决定（支持并调整，或维持原结果）及理由",
                       code="APPRAISAL_DECISION_REQUIRED")


async def _finish(instance, actor, outcome):
    row = await _row_of(instance)
    d = _DECISION.get()
    if d is None or d["request_id"] != row.id:     # rejected from the approvals inbox
        if actor is not None and actor.id in await rater_ids(row.cycle_id, row.staff_id):
            raise Conflict("您是该人员的评分人，须回避，不能处理其复核或申诉", code="APPRAISAL_APPROVER_IS_RATER")
        ev = await get_one(ApprovalEvent.select(ApprovalEvent.comment).where(
            ApprovalEvent.instance == instance["id"], ApprovalEvent.action == "reject").order_by(ApprovalEvent.id.desc()))
        d = {"outcome": outcome, "reason": ev.comment if ev else "", "adjusted_total": None, "adjusted_grade": "",
             "today": local_today(utcnow())}
    cycle = await AppraisalCycle.aget(AppraisalCycle.id == row.cycle_id)
    now = utcnow()
    await ResultRequest.update(status=outcome, decision=d["reason"], adjusted_total=d["adjusted_total"],
                               adjusted_grade=d["adjusted_grade"], decided_by=getattr(actor, "id", None),
                               decided_at=now, decided_on=d["today"], updated_at=now).where(
        ResultRequest.id == row.id).aexecute()
    before = after = None
    if outcome == "upheld":
        result = await AppraisalResult.aget(AppraisalResult.id == row.result_id)
        before = {"total": result.adjusted_total if result.adjusted_total is not None else result.total,
                  "grade": gr.effective_grade(result)}
        changes = {"updated_at": now, "version": AppraisalResult.version + 1}
        if d["adjusted_total"] is not None:
            changes["adjusted_total"] = d["adjusted_total"]
        if d["adjusted_grade"]:
            changes["adjusted_grade"] = d["adjusted_grade"]
        await AppraisalResult.update(**changes).where(AppraisalResult.id == result.id).aexecute()
        after = {"total": d["adjusted_total"] if d["adjusted_total"] is not None else before["total"],
                 "grade": d["adjusted_grade"] or before["grade"]}
    await audit.record(actor=actor, action=f"appraisal.{row.kind}.decide", target_type="appraisal_result_request",
                       target_id=row.id, unit_id=cycle.unit_id, before=before,
                       after={"outcome": outcome, "reason": d["reason"][:500], "result": after})
    label = "支持申请，结果已调整" if outcome == "upheld" else "维持原考核结果"
    await raise_notification(recipient_ids=[row.staff_id], kind="appraisal.request_decided",
                             title=f"您的{LABELS[row.kind]}已有决定：{label}", body=d["reason"],
                             link=RESULT_LINK.format(cycle.id), data={"request_id": row.id, "outcome": outcome})
    await events.publish("appraisal.request.decided", request_id=row.id, kind=row.kind, cycle_id=cycle.id,
                         staff_id=row.staff_id, outcome=outcome, decided_on=d["today"], unit_id=cycle.unit_id)


async def _on_approved(*, instance, actor):
    await _finish(instance, actor, "upheld")


async def _on_rejected(*, instance, actor):
    await _finish(instance, actor, "rejected")


async def _on_withdrawn(*, instance, actor):
    row = await _row_of(instance)
    await ResultRequest.update(status="withdrawn", updated_at=utcnow()).where(ResultRequest.id == row.id).aexecute()
    await audit.record(actor=actor, action=f"appraisal.{row.kind}.withdraw", target_type="appraisal_result_request",
                       target_id=row.id, after={"status": "withdrawn"})


async def _describe(*, instance):
    row = await ResultRequest.aget_or_none(ResultRequest.id == instance["subject_id"])
    if row is None:
        return {}
    r = await AppraisalResult.aget(AppraisalResult.id == row.result_id)
    return {"request_id": row.id, "kind": row.kind, "reason": row.reason, "due_on": row.due_on.isoformat(),
            "total": r.total, "grade": gr.effective_grade(r), "grade_label": gr.GRADE_LABELS.get(gr.effective_grade(r), "")}


# -- attachments ------------------------------------------------------------------------------------

async def _attach_view(actor, request_id):
    await readable(actor, request_id)


async def _attach_add(actor, request_id, **_):
    row = await ResultRequest.aget_or_none(ResultRequest.id == request_id)
    if row is None or row.staff_id != actor.id:
        raise _not_found()
    if row.status != "pending":
        raise Conflict("申请已办结，不能再上传材料", code="ATTACHMENT_CLOSED")
    cycle = await AppraisalCycle.aget(AppraisalCycle.id == row.cycle_id)
    gr.require_open(cycle)
    return cycle.unit_id


async def add_attachment(*, env, actor, request_id, filename, body):
    return await attachments.save_attachment(env=env, actor=actor, owner_type="appraisal_request",
                                             owner_id=request_id, filename=filename, body=body)


for _kind, _title in (("appraisal_review", "考核结果复核"), ("appraisal_appeal", "考核结果申诉")):
    approvals.register_kind(_kind, title=_title, on_approved=_on_approved, on_rejected=_on_rejected,
                            on_withdrawn=_on_withdrawn, describe=_describe, view_permission="appraisal.manage",
                            guard_final_approve=_guard)
attachments.register_owner("appraisal_request", can_view=_attach_view, can_attach=_attach_add,
                           audit_action="appraisal.request.attachment", target_type="appraisal_result_request")
