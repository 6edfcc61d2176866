"""Applying the results (结果运用): an award, promotion eligibility, training or a warning for a
person, on the approval engine (kind `appraisal_application`): the department recommends (the
submission: the person's department leader, or HR), HR reviews, the unit approves — each step by
a different person (the engine never routes to the applicant; the guard refuses a final approver
who already acted or recommended). Allowed once the results are published, also after the cycle
is closed: using final results is what closing is for."""
from models.appraisal.cycles import AppraisalCycle
from models.appraisal.outcomes import APPLICATION_KINDS, ResultApplication
from models.appraisal.scoring import AppraisalResult
from models.approvals import ApprovalTask
from models.base import atomic, fetch_all
from models.org import Staff
from server.errors import Conflict, Forbidden, Invalid, NotFound
from services import approvals, audit
from services.access import staff_dept_ids
from services.appraisal import grades as gr
from services.appraisal.common import led_department_ids

KIND_LABELS = {"award": "奖励", "promotion": "晋升资格", "training": "培训", "warning": "诫勉提醒"}
STATUS_LABELS = {"pending": "审批中", "approved": "已批准", "rejected": "未批准", "withdrawn": "已撤回"}


def _not_found():
    return NotFound("考核周期不存在", code="APPRAISAL_CYCLE_NOT_FOUND")


async def _may_recommend(actor, staff):
    """HR with the person in reach, or the leader of the person's department (tree)."""
    if actor.has("appraisal.manage") and (await actor.reach("appraisal.manage")).covers_staff(
            staff.id, await staff_dept_ids(staff), staff.unit_id):
        return True
    return staff.department_id in await led_department_ids(actor.id)


async def _out(rows):
    ids = {i for r in rows for i in (r.staff_id, r.created_by_id) if i}
    names = {s.id: s.name for s in await fetch_all(Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_(list(ids) or [0])))}
    return [{"id": r.id, "cycle_id": r.cycle_id, "staff": {"id": r.staff_id, "name": names.get(r.staff_id, "")},
             "kind": r.kind, "kind_label": KIND_LABELS[r.kind], "reason": r.reason, "status": r.status,
             "status_label": STATUS_LABELS.get(r.status, r.status), "instance_id": r.instance_id,
             "created_by": {"id": r.created_by_id, "name": names.get(r.created_by_id, "")} if r.created_by_id else None,
             "decided_at": r.decided_at, "created_at": r.created_at} for r in rows]


async def create(*, env, actor, cycle_id, staff_id, kind, reason):
    cycle = await AppraisalCycle.aget_or_none(AppraisalCycle.id == cycle_id)
    staff = await Staff.aget_or_none(Staff.id == staff_id)
    if cycle is None or staff is None or staff.unit_id != cycle.unit_id or not await _may_recommend(actor, staff):
        raise _not_found()
    if kind not in APPLICATION_KINDS:
        raise Invalid("运用类型有误", code="VALIDATION_FAILED", fields={"kind": "应为 " + "、".join(APPLICATION_KINDS)})
    result = await AppraisalResult.aget_or_none(AppraisalResult.cycle == cycle.id, AppraisalResult.staff == staff.id)
    if result is None or result.published_on is None:
        raise Conflict("该人员的考核结果尚未公示，暂不能提出结果运用", code="APPRAISAL_RESULTS_NOT_PUBLISHED")
    if actor.id == staff.id:
        raise Forbidden("不能为本人提出结果运用建议", code="APPRAISAL_APPLICATION_SELF")
    async with atomic():
        row = await ResultApplication.acreate(cycle=cycle.id, staff=staff.id, kind=kind, reason=reason,
                                              created_by=actor.id, unit_id=cycle.unit_id)
        await audit.record(actor=actor, action="appraisal.application.create", target_type="appraisal_result_application",
                           target_id=row.id, unit_id=cycle.unit_id,
                           after={"staff_id": staff.id, "kind": kind, "reason": reason[:200],
                                  "grade": gr.effective_grade(result)})
        inst = await approvals.submit(
            env=env, actor=actor, kind="appraisal_application", subject_id=row.id, unit_id=cycle.unit_id,
            applicant_id=actor.id, summary=f"{staff.name}：{KIND_LABELS[kind]}（{cycle.name} "
                                           f"{gr.GRADE_LABELS.get(gr.effective_grade(result), '')}）",
            context={"cycle_id": cycle.id, "staff_id": staff.id, "application_kind": kind})
        live = [s for s in inst["steps"] if not s["skipped"]]
        people = [a["id"] for s in live for a in s["approvers"]]
        if inst["status"] != "pending" or len(live) < 2 or len(set(people)) < len(people):
            raise Conflict("结果运用须经部门推荐、人事部门审核、单位审批三个不同的人，当前无法安排，请联系人事部门",
                           code="APPRAISAL_APPLICATION_FLOW_INCOMPLETE")
        await ResultApplication.update(instance_id=inst["id"]).where(ResultApplication.id == row.id).aexecute()
    return (await _out([await ResultApplication.aget(ResultApplication.id == row.id)]))[0]


async def list_for_cycle(*, actor, cycle_id):
    """HR in reach: every application about people in reach; a department leader: the ones about
    their people; else 404."""
    cycle = await AppraisalCycle.aget_or_none(AppraisalCycle.id == cycle_id)
    if cycle is None:
        raise _not_found()
    q = ResultApplication.select(ResultApplication).join(Staff, on=(ResultApplication.staff == Staff.id)).where(
        ResultApplication.cycle == cycle.id)
    try:
        _, reach = await gr.read_scope(actor, cycle.id)
        q = q.where(reach.staff_filter(Staff))
    except NotFound:
        led = await led_department_ids(actor.id)
        if not led:
            raise
        q = q.where(Staff.department.in_(list(led)), Staff.unit == cycle.unit_id)
    return await _out(await fetch_all(q.order_by(ResultApplication.id.desc())))


async def _guard(*, instance, actor):
    """The unit's approval: not the recommender, not whoever approved an earlier step."""
    earlier = {t.assignee_id for t in await fetch_all(ApprovalTask.select(ApprovalTask.assignee).where(
        ApprovalTask.instance == instance["id"], ApprovalTask.status == "approved"))}
    if actor.id == instance["applicant_id"] or actor.id in earlier:
        raise Conflict("结果运用的推荐、审核、审批须由不同的人办理", code="APPRAISAL_APPLICATION_SAME_PERSON")


def _hook(status):
    async def hook(*, instance, actor):
        from models.base import utcnow
        row = await ResultApplication.aget(ResultApplication.id == instance["subject_id"])
        await ResultApplication.update(status=status, decided_at=utcnow(), updated_at=utcnow()).where(
            ResultApplication.id == row.id).aexecute()
        await audit.record(actor=actor, action=f"appraisal.application.{status}",
                           target_type="appraisal_result_application", target_id=row.id, unit_id=row.unit_id,
                           before={"status": "pending"}, after={"status": status})
    return hook


async def _describe(*, instance):
    row = await ResultApplication.aget_or_none(ResultApplication.id == instance["subject_id"])
    if row is None:
        return {}
    staff = await Staff.aget(Staff.id == row.staff_id)
    return {"application_id": row.id, "staff": staff.name, "kind": row.kind, "kind_label": KIND_LABELS[row.kind],
            "reason": row.reason}


approvals.register_kind("appraisal_application", title="考核结果运用", on_approved=_hook("approved"),
                        on_rejected=_hook("rejected"), on_withdrawn=_hook("withdrawn"), describe=_describe,
                        view_permission="appraisal.manage", guard_final_approve=_guard)
