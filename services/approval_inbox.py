"""What a person sees of the approval engine: whether they may view an instance, one instance,
the boxes of their inbox (待我审批 / 我已审批 / 抄送我 / 我发起的) and the home page's waiting count.
services/approvals.py re-exports these names."""
from models.approvals import ApprovalCc, ApprovalInstance, ApprovalTask
from models.base import count, fetch_all, get_one
from models.org import Staff
from server.errors import Invalid, NotFound
from services.access import staff_dept_ids
from services.approval_delegation import activate_delegations
from services.approval_kinds import KINDS, _instances_out
from services.approval_views import search_condition

BOXES = ("waiting", "done", "cc", "mine")


async def _can_view(inst, actor):
    if inst.applicant_id == actor.id:
        return True
    if await get_one(ApprovalTask.select(ApprovalTask.id).where(
            ApprovalTask.instance == inst.id,
            (ApprovalTask.assignee == actor.id) | (ApprovalTask.on_behalf_of == actor.id))):
        return True
    if await get_one(ApprovalCc.select(ApprovalCc.id).where(
            ApprovalCc.instance == inst.id, ApprovalCc.staff == actor.id)):
        return True
    perm = KINDS[inst.kind].view_permission if inst.kind in KINDS else f"{inst.kind}.view"
    if actor.has(perm):
        applicant = await Staff.aget_or_none(Staff.id == inst.applicant_id)
        reach = await actor.reach(perm)
        return applicant is not None and reach.covers_staff(
            applicant.id, await staff_dept_ids(applicant), applicant.unit_id)
    return False


async def _get_visible(instance_id, actor):
    inst = await ApprovalInstance.aget_or_none(ApprovalInstance.id == instance_id)
    if inst is None or not await _can_view(inst, actor):
        raise NotFound("审批不存在或无权查看", code="APPROVAL_NOT_FOUND")
    return inst


async def _instance_out(inst, actor, detail=True):
    inst = await ApprovalInstance.aget(ApprovalInstance.id == inst.id)
    return (await _instances_out([inst], actor, detail=detail))[0]


async def get_instance(*, actor, instance_id) -> dict:
    inst = await _get_visible(instance_id, actor)
    return await _instance_out(inst, actor)


async def inbox(*, actor, box, kind=None, page=1, page_size=20, q=None):
    """(rows, total) of one box: waiting (for me) | done (by me) | cc (to me) | mine; `q` searches
    within the box (approval_views.search_condition)."""
    if box not in BOXES:
        raise Invalid("box 应为 waiting、done、cc 或 mine", code="VALIDATION_FAILED",
                      fields={"box": "应为 " + "、".join(BOXES)})
    if box == "waiting":
        await activate_delegations(actor)
    query = ApprovalInstance.select()
    if box == "waiting":
        query = query.where(ApprovalInstance.status == "pending", ApprovalInstance.id.in_(
            ApprovalTask.select(ApprovalTask.instance).where(
                ApprovalTask.assignee == actor.id, ApprovalTask.status == "pending")))
    elif box == "done":
        query = query.where(ApprovalInstance.id.in_(ApprovalTask.select(ApprovalTask.instance).where(
            ApprovalTask.assignee == actor.id,
            ApprovalTask.status.in_(["approved", "rejected", "returned", "transferred"]))))
    elif box == "cc":
        query = query.where(ApprovalInstance.id.in_(
            ApprovalCc.select(ApprovalCc.instance).where(ApprovalCc.staff == actor.id)))
    else:
        query = query.where(ApprovalInstance.applicant == actor.id)
    if kind:
        query = query.where(ApprovalInstance.kind == kind)
    if q:
        query = query.where(search_condition(q, KINDS))
    total = await count(query)
    rows = await fetch_all(query.order_by(ApprovalInstance.id.desc()).paginate(page, page_size))
    return await _instances_out(rows, actor), total


async def waiting_count(*, actor):
    """For the home page's approvals card."""
    await activate_delegations(actor)
    return await count(ApprovalTask.select().join(ApprovalInstance).where(
        ApprovalTask.assignee == actor.id, ApprovalTask.status == "pending",
        ApprovalInstance.status == "pending"))
