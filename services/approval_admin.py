"""Approval flow definitions (per kind and unit, editable by approval.flow.manage) and delegations."""
import datetime

from models.approvals import ApprovalDelegation, ApprovalFlow
from models.base import atomic, fetch_all, utcnow
from models.org import Staff
from server.errors import Invalid, NotFound
from services import audit
from services.approval_rules import clean_steps, default_steps
from services.approvals import KINDS, _names, hand_back, hand_over, today


def flow_out(flow):
    return {"id": flow.id, "unit_id": flow.unit_id, "kind": flow.kind, "name": flow.name,
            "steps": flow.steps, "active": flow.active, "version": flow.version,
            "builtin": False, "updated_at": flow.updated_at}


async def _unit_in_reach(actor, unit_id):
    reach = await actor.require_reach("approval.flow.manage")
    if unit_id is None:
        if not reach.everything:
            raise NotFound("单位不存在或不在您的管理范围内", code="UNIT_NOT_FOUND")
    elif not (reach.everything or unit_id in reach.unit_ids):
        raise NotFound("单位不存在或不在您的管理范围内", code="UNIT_NOT_FOUND")
    return reach


async def list_flows(*, actor, kind=None):
    reach = await actor.require_reach("approval.flow.manage")
    query = ApprovalFlow.select().where(ApprovalFlow.unit.is_null() | (
        ApprovalFlow.unit.in_(list(reach.unit_ids)) if not reach.everything else ApprovalFlow.unit.is_null(False)))
    if kind:
        query = query.where(ApprovalFlow.kind == kind)
    rows = [flow_out(f) for f in await fetch_all(query.order_by(ApprovalFlow.kind, ApprovalFlow.id))]
    have = {(r["kind"]) for r in rows if r["active"]}
    for k, info in sorted(KINDS.items()):
        if (not kind or kind == k) and k not in have:
            rows.append({"id": None, "unit_id": None, "kind": k, "name": f"{info.title}默认流程",
                         "steps": default_steps(k), "active": True, "version": 0, "builtin": True,
                         "updated_at": None})
    return rows


async def create_flow(*, actor, kind, name, steps, unit_id=None, national=False):
    if kind not in KINDS:
        raise Invalid("未知的审批类型", code="APPROVAL_KIND_UNKNOWN", fields={"kind": "未注册"})
    unit_id = None if national else (unit_id or actor.unit_id)
    await _unit_in_reach(actor, unit_id)
    steps = clean_steps(steps)
    async with atomic():
        old = await fetch_all(ApprovalFlow.select().where(
            ApprovalFlow.kind == kind, ApprovalFlow.unit == unit_id if unit_id else ApprovalFlow.unit.is_null(),
            ApprovalFlow.active == True))  # noqa: E712
        for f in old:  # one active flow per kind and unit: the new one replaces it
            await ApprovalFlow.update(active=False, version=f.version + 1, updated_at=utcnow()).where(
                ApprovalFlow.id == f.id).aexecute()
        flow = await ApprovalFlow.acreate(unit=unit_id, kind=kind, name=name, steps=steps,
                                          updated_by=actor.id)
        await audit.record(actor=actor, action="approval.flow.create", target_type="approval_flow",
                           target_id=flow.id, after={"kind": kind, "name": name, "steps": steps,
                                                     "unit_id": unit_id,
                                                     "replaced": [f.id for f in old]},
                           unit_id=unit_id)
    return flow_out(await ApprovalFlow.aget(ApprovalFlow.id == flow.id))


async def update_flow(*, actor, flow_id, name=None, steps=None, active=None, version=None):
    flow = await ApprovalFlow.aget_or_none(ApprovalFlow.id == flow_id)
    if flow is None:
        raise NotFound("审批流程不存在", code="APPROVAL_FLOW_NOT_FOUND")
    try:
        await _unit_in_reach(actor, flow.unit_id)
    except NotFound:
        raise NotFound("审批流程不存在", code="APPROVAL_FLOW_NOT_FOUND") from None
    fields = {}
    if name is not None:
        fields["name"] = name
    if steps is not None:
        fields["steps"] = clean_steps(steps)
    if active is not None:
        fields["active"] = active
    async with atomic():
        before = flow_out(flow)
        rows = await ApprovalFlow.update(version=ApprovalFlow.version + 1, updated_at=utcnow(),
                                         updated_by=actor.id, **fields).where(
            ApprovalFlow.id == flow.id,
            ApprovalFlow.version == (version if version is not None else flow.version)).aexecute()
        if rows != 1:
            from server.errors import Conflict
            raise Conflict("流程已被他人修改，请刷新后重试", code="APPROVAL_FLOW_STALE")
        if active:
            await ApprovalFlow.update(active=False).where(
                ApprovalFlow.kind == flow.kind, ApprovalFlow.id != flow.id,
                ApprovalFlow.unit == flow.unit_id if flow.unit_id else ApprovalFlow.unit.is_null()).aexecute()
        after = flow_out(await ApprovalFlow.aget(ApprovalFlow.id == flow.id))
        await audit.record(actor=actor, action="approval.flow.update", target_type="approval_flow",
                           target_id=flow.id, before=before, after=after, unit_id=flow.unit_id)
    return after


# -- delegations (a leader away hands new tasks to a deputy) --------------------------------------

def delegation_out(row, names):
    return {"id": row.id, "delegator": {"id": row.delegator_id, "name": names.get(row.delegator_id, "")},
            "delegate": {"id": row.delegate_id, "name": names.get(row.delegate_id, "")},
            "start": row.start, "end": row.end, "revoked": row.revoked_at is not None,
            "active_today": row.revoked_at is None and row.start <= today() <= row.end,
            "created_at": row.created_at}


async def list_delegations(*, actor):
    rows = await fetch_all(ApprovalDelegation.select().where(
        (ApprovalDelegation.delegator == actor.id) | (ApprovalDelegation.delegate == actor.id))
        .order_by(ApprovalDelegation.id.desc()))
    names = await _names({r.delegator_id for r in rows} | {r.delegate_id for r in rows})
    return [delegation_out(r, names) for r in rows]


async def create_delegation(*, actor, delegate_id, start, end):
    if end < start:
        raise Invalid("结束日期不能早于开始日期", code="DELEGATION_RANGE_INVALID",
                      fields={"end": "不能早于开始日期"})
    if end < today() or (end - start) > datetime.timedelta(days=366):
        raise Invalid("委托期限应在一年以内且未过期", code="DELEGATION_RANGE_INVALID",
                      fields={"end": "应不早于今天，且期限不超过一年"})
    if delegate_id == actor.id:
        raise Invalid("不能委托给本人", code="DELEGATION_SELF", fields={"delegate_id": "不能是本人"})
    delegate = await Staff.aget_or_none(Staff.id == delegate_id, Staff.status == "active",
                                        Staff.unit == actor.unit_id)
    if delegate is None:
        raise NotFound("人员不存在或不在本单位", code="STAFF_NOT_FOUND")
    async with atomic():
        row = await ApprovalDelegation.acreate(delegator=actor.id, delegate=delegate.id,
                                               unit=actor.unit_id, start=start, end=end)
        await audit.record(actor=actor, action="approval.delegation.create",
                           target_type="approval_delegation", target_id=row.id,
                           after={"delegate_id": delegate.id, "start": start, "end": end})
        # Tasks already waiting for the delegator move too when the delegation covers today.
        handed = await hand_over(row, actor)
    return {**delegation_out(row, {actor.id: actor.staff.name, delegate.id: delegate.name}),
            "handed_over": handed}


async def revoke_delegation(*, actor, delegation_id):
    row = await ApprovalDelegation.aget_or_none(ApprovalDelegation.id == delegation_id,
                                                ApprovalDelegation.delegator == actor.id)
    if row is None:
        raise NotFound("委托不存在", code="DELEGATION_NOT_FOUND")
    async with atomic():
        await ApprovalDelegation.update(revoked_at=utcnow()).where(
            ApprovalDelegation.id == row.id).aexecute()
        await audit.record(actor=actor, action="approval.delegation.revoke",
                           target_type="approval_delegation", target_id=row.id)
        row = await ApprovalDelegation.aget(ApprovalDelegation.id == row.id)
        handed = await hand_back(row, actor)
    return {**delegation_out(row, await _names([row.delegator_id, row.delegate_id])),
            "handed_back": handed}


# -- the console's flow editor: choices for its pickers and a preview of unsaved steps -------------

async def editor_choices(*, actor, steps=()):
    """Roles an approver rule may name (system-wide and the unit's own, not the 三员 tiers) and the
    names of the people the steps' staff:<id> rules name (only the unit's own people)."""
    from models.access import Role
    await _unit_in_reach(actor, actor.unit_id)
    roles = await fetch_all(Role.select().where(
        (Role.unit.is_null() | (Role.unit == actor.unit_id)), Role.admin_tier == "")
        .order_by(Role.builtin.desc(), Role.id))
    ids = {int(a[6:]) for s in steps or [] for a in (s.get("approvers") or [])
           if isinstance(a, str) and a.startswith("staff:") and a[6:].isdigit()}
    people = {}
    if ids:
        rows = await fetch_all(Staff.select(Staff.id, Staff.name).where(
            Staff.id.in_(list(ids)), Staff.unit == actor.unit_id))
        people = {r.id: r.name for r in rows}
    return {"roles": [{"code": r.code, "name": r.name} for r in roles], "staff": people}


async def preview_draft(*, actor, kind, applicant_id, steps, context):
    """Who would approve an applicant's request under steps not yet saved (the editor's preview).
    The steps are checked as a save would check them; the applicant must be in the caller's reach."""
    from services.access import staff_dept_ids
    from services.approval_rules import build_plan, load_org_view
    if kind not in KINDS:
        raise Invalid("未知的审批类型", code="APPROVAL_KIND_UNKNOWN", fields={"kind": "未注册"})
    reach = await actor.require_reach("approval.flow.manage")
    applicant = await Staff.aget_or_none(Staff.id == applicant_id, Staff.status == "active")
    if applicant is None or not reach.covers_staff(applicant.id, await staff_dept_ids(applicant),
                                                   applicant.unit_id):
        raise NotFound("人员不存在或不在您的管理范围内", code="STAFF_NOT_FOUND")
    plan = await build_plan(clean_steps(steps), await load_org_view(applicant), context or {})
    names = await _names({a for s in plan for a in s["approvers"]})
    return [{**s, "approvers": [{"id": a, "name": names.get(a, "")} for a in s["approvers"]]}
            for s in plan]
