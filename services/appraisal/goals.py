"""Goal sets, write side (目标设定): my goals in a cycle, the draft's items, submission through the
approval engine (kinds appraisal_goals / appraisal_goal_change), withdrawal and change requests.
The rules and the writes shared with review: services/appraisal/goal_items.py; review and the
engine's hooks: services/appraisal/goal_review.py (both re-exported here). Reads, history and
diffs live in services/appraisal/goal_history.py.

A confirmed version is never written again: every write path checks the version's status, and
the item replacement refuses anything but a draft or returned version.
"""
import peewee as pw

from models.appraisal.cycles import GoalTemplate
from models.appraisal.goals import GoalSet, GoalVersion
from models.base import atomic, get_one, utcnow
from server.errors import Conflict, Forbidden, NotFound
from services import approvals
from services.appraisal import goal_history as gh
from services.appraisal.common import (active_participant, get_cycle, phase_state, phases_of,
                                       require_phase)
# The rules, the shared writes and the review chain live beside this module; their names stay
# importable here (goal_review registers the two kinds with the approval engine on import).
from services.appraisal.goal_items import (  # noqa: F401
    EDITABLE, _as_date, _audit, _bump_set, _check_formula, _clean, _finite, _link, _new_key,
    _new_version, _raise_if_invalid, _snapshot, _write_items, check_items, clean_items,
    locked_error, readiness, stale_error)
from services.appraisal.goal_review import (  # noqa: F401
    _HOOKS, KIND_CHANGE, KIND_INITIAL, _RESUBMITTING, _close, _describe, _notify, _on_approved,
    _on_rejected, _on_resubmitted, _on_returned, _on_withdrawn, _subject, review)


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
