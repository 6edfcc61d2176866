"""The self-assessment (个人自评) at the end of a cycle: a summary per item of the confirmed goals,
with evidence, saved as a draft while the self_assessment phase is open (or reopened for the
person), submitted once — then locked. A draft is the owner's own: readers of the goal set (the
leader, reviewers, HR) see the summaries once submitted.
"""
from models.appraisal.progress import SelfAssessment
from models.base import atomic, fetch_all, for_update, get_one, utcnow
from models.appraisal.goals import GoalSet
from server.errors import Conflict, Forbidden, Invalid, NotFound
from services import attachments, audit
from services.appraisal import goal_history as gh
from services.appraisal.common import active_participant, get_cycle, phase_state, phases_of, require_phase
from services.appraisal.progress import confirmed_items, not_confirmed

STATUS_LABELS = {"none": "未填写", "draft": "草稿", "submitted": "已提交"}


def submitted_error():
    return Conflict("自评已提交，不能再修改", code="APPRAISAL_SELF_ASSESSMENT_SUBMITTED")


def _status(rows):
    if any(r.status == "submitted" for r in rows):
        return "submitted"
    return "draft" if rows else "none"


async def _rows(gs_id):
    return await fetch_all(SelfAssessment.select().where(SelfAssessment.goal_set == gs_id)
                           .order_by(SelfAssessment.id))


async def view(*, actor, goal_set_id, today):
    gs, owner = await gh.readable_goal_set(actor, goal_set_id)
    cycle = await get_cycle(gs.cycle_id)
    phases = await phases_of(cycle.id)
    row = phases.get("self_assessment")
    state = await phase_state(cycle, "self_assessment", today=today, staff_id=gs.staff_id,
                              phases=phases)
    items = await confirmed_items(gs)
    rows = {r.item_key: r for r in await _rows(gs.id)}
    status = _status(rows.values())
    is_owner = gs.staff_id == actor.id
    shown = is_owner or status == "submitted"
    files = await attachments.list_for_many("self_assessment", [r.id for r in rows.values()]) if shown else {}
    editable = (is_owner and status != "submitted" and state == "open"
                and gs.confirmed_version_id is not None
                and await active_participant(cycle.id, gs.staff_id) is not None)
    submitted_at = max((r.submitted_at for r in rows.values() if r.submitted_at), default=None)
    return {
        "goal_set_id": gs.id, "cycle": {"id": cycle.id, "name": cycle.name, "year": cycle.year},
        "owner": {"id": owner.id, "name": owner.name, "employee_no": owner.employee_no},
        "status": status, "status_label": STATUS_LABELS[status], "submitted_at": submitted_at,
        "phase": {"state": state, "opens_on": row.opens_on if row else None,
                  "closes_on": row.closes_on if row else None},
        "items": [{"key": i["key"], "title": i["title"], "kind": i["kind"],
                   "weight": gh.num(i["weight"]), "target": i["target"],
                   "unit_of_measure": i["unit_of_measure"], "criteria": i["criteria"],
                   "summary": rows[i["key"]].summary if shown and i["key"] in rows else "",
                   "attachments": files.get(rows[i["key"]].id, []) if i["key"] in rows else []}
                  for i in items],
        "can": {"edit": editable, "submit": editable}}


async def _gate(actor, gs, today):
    """The owner, confirmed goals, the phase open for them, not yet submitted."""
    if gs.staff_id != actor.id:
        raise Forbidden("只有本人可以填写自评", code="APPRAISAL_NOT_OWNER")
    if not gs.confirmed_version_id:
        raise not_confirmed()
    cycle = await get_cycle(gs.cycle_id)
    await require_phase(cycle, "self_assessment", staff_id=actor.id, today=today)
    if await active_participant(cycle.id, actor.id) is None:
        raise Conflict("您已不在该考核周期的参与人员名单中", code="APPRAISAL_NOT_PARTICIPANT")
    rows = await _rows(gs.id)
    if _status(rows) == "submitted":
        raise submitted_error()
    return cycle, rows


async def _locked_set(actor, goal_set_id):
    gs, _ = await gh.readable_goal_set(actor, goal_set_id)
    return await get_one(for_update(GoalSet.select().where(GoalSet.id == gs.id)))


async def save(*, actor, goal_set_id, items, today):
    """Save the draft: a summary per item key (items not named keep what they had)."""
    async with atomic():
        gs = await _locked_set(actor, goal_set_id)
        _, rows = await _gate(actor, gs, today)
        keys = {i["key"] for i in await confirmed_items(gs)}
        errors, seen = {}, set()
        for n, it in enumerate(items):
            if it["key"] not in keys:
                errors[f"items.{n}.key"] = "不是已确认目标中的目标项"
            elif it["key"] in seen:
                errors[f"items.{n}.key"] = "重复"
            seen.add(it["key"])
        if errors:
            raise Invalid("自评内容有误", code="VALIDATION_FAILED", fields=errors)
        have = {r.item_key: r for r in rows}
        before = {k: r.summary for k, r in have.items()}
        now = utcnow()
        for it in items:
            if it["key"] in have:
                await SelfAssessment.update(summary=it["summary"], updated_at=now).where(
                    SelfAssessment.id == have[it["key"]].id).aexecute()
            else:
                await SelfAssessment.acreate(goal_set=gs.id, item_key=it["key"], summary=it["summary"],
                                             status="draft", updated_at=now)
        await audit.record(actor=actor, action="appraisal.self_assessment.save",
                           target_type="appraisal_goal_set", target_id=gs.id,
                           before={"summaries": before},
                           after={"summaries": {**before, **{i["key"]: i["summary"] for i in items}}},
                           unit_id=gs.unit_id)
    return await view(actor=actor, goal_set_id=gs.id, today=today)


async def submit(*, actor, goal_set_id, today):
    """Submit once: every item needs a summary; afterwards nothing changes."""
    async with atomic():
        gs = await _locked_set(actor, goal_set_id)
        _, rows = await _gate(actor, gs, today)
        items = await confirmed_items(gs)
        have = {r.item_key: r for r in rows}
        errors = {f"items.{n}.summary": f"请填写“{i['title']}”的自评"
                  for n, i in enumerate(items) if not (have.get(i["key"]) and have[i["key"]].summary.strip())}
        if errors:
            raise Invalid(f"还有 {len(errors)} 项目标未填写自评", code="APPRAISAL_SELF_ASSESSMENT_INCOMPLETE",
                          fields=errors)
        now = utcnow()
        await SelfAssessment.update(status="submitted", submitted_at=now, updated_at=now).where(
            SelfAssessment.goal_set == gs.id).aexecute()
        await audit.record(actor=actor, action="appraisal.self_assessment.submit",
                           target_type="appraisal_goal_set", target_id=gs.id,
                           after={"summaries": {i["key"]: have[i["key"]].summary for i in items}},
                           unit_id=gs.unit_id)
    return await view(actor=actor, goal_set_id=gs.id, today=today)


# -- evidence (owner type self_assessment: one item's summary row) ---------------------------------

async def evidence_row(*, actor, goal_set_id, item_key, today):
    """The draft row an item's evidence attaches to (created empty if the owner has not written
    the summary yet)."""
    async with atomic():
        gs = await _locked_set(actor, goal_set_id)
        _, rows = await _gate(actor, gs, today)
        if item_key not in {i["key"] for i in await confirmed_items(gs)}:
            raise NotFound("不是已确认目标中的目标项", code="APPRAISAL_ITEM_NOT_FOUND")
        row = next((r for r in rows if r.item_key == item_key), None)
        if row is None:
            row = await SelfAssessment.acreate(goal_set=gs.id, item_key=item_key, summary="",
                                               status="draft", updated_at=utcnow())
    return row.id


async def add_evidence(*, env, actor, goal_set_id, item_key, filename, body, today):
    row_id = await evidence_row(actor=actor, goal_set_id=goal_set_id, item_key=item_key, today=today)
    return await attachments.save_attachment(env=env, actor=actor, owner_type="self_assessment",
                                             owner_id=row_id, filename=filename, body=body,
                                             context={"today": today})


async def _row(actor, row_id):
    row = await SelfAssessment.aget_or_none(SelfAssessment.id == row_id)
    if row is None:
        raise NotFound("自评不存在", code="APPRAISAL_SELF_ASSESSMENT_NOT_FOUND")
    try:
        gs, _ = await gh.readable_goal_set(actor, row.goal_set_id)
    except NotFound:
        raise NotFound("自评不存在", code="APPRAISAL_SELF_ASSESSMENT_NOT_FOUND") from None
    return row, gs


async def _evidence_view(actor, row_id):
    row, gs = await _row(actor, row_id)
    if gs.staff_id != actor.id and row.status != "submitted":
        raise NotFound("自评不存在", code="APPRAISAL_SELF_ASSESSMENT_NOT_FOUND")


async def _evidence_attach(actor, row_id, *, today):
    _, gs = await _row(actor, row_id)
    await _gate(actor, gs, today)
    return gs.unit_id


attachments.register_owner("self_assessment", can_view=_evidence_view, can_attach=_evidence_attach,
                           audit_action="appraisal.self_assessment.attachment",
                           target_type="appraisal_self_assessment",
                           limit_message=f"每项自评最多 {attachments.MAX_PER_OWNER} 个佐证材料")
