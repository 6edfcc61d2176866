"""Progress during the cycle (过程跟踪): dated reports on the items of a goal set's confirmed version
— a percentage for a qualitative item, an actual value for a quantitative one (with the score the
item's formula would give) — a note and evidence; the current value of every item; late or
missing updates. Values also arrive from an HR import or a business system
(services/appraisal/value_sources.py); such a value cannot be overridden by the owner.

Rows are appended, never edited: the current value of an item is its latest row (by reported_on,
then id), and every row keeps its source and who or what recorded it.
"""
import datetime

from peewee import fn

from models.appraisal.cycles import CycleParticipant
from models.appraisal.goals import GoalItem, GoalSet
from models.appraisal.progress import GoalProgress
from models.base import atomic, fetch_all, for_update, get_one
from models.org import Staff
from server.errors import Conflict, Forbidden, Invalid, NotFound
from services import attachments, audit
from services.appraisal import formulas
from services.appraisal import goal_history as gh
from services.appraisal.common import (active_participant, get_cycle, phase_state, phases_of,
                                       require_phase)

SOURCE_LABELS = {"owner": "本人填报", "import": "人事导入", "system": "业务系统推送"}
LOCKING_SOURCES = ("import", "system")
DEFAULT_STALE_DAYS = 30


def stale_days(cycle):
    """Days without an update after which an item counts as late (cycle setting)."""
    try:
        return max(1, int((cycle.settings or {}).get("progress_stale_days") or DEFAULT_STALE_DAYS))
    except (TypeError, ValueError):
        return DEFAULT_STALE_DAYS


def locked_error():
    return Conflict("该目标项的实际值来自人事导入或业务系统，本人和评分人均不能修改",
                    code="APPRAISAL_VALUE_LOCKED_BY_SOURCE")


def not_owner():
    return Forbidden("只有目标本人可以填报", code="APPRAISAL_NOT_OWNER")


def not_confirmed():
    return Conflict("目标尚未确认，确认后才能填报进展", code="APPRAISAL_NOT_CONFIRMED")


def as_date(value):
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


async def period_start(cycle, phases=None):
    """The first day of what the cycle appraises: no value may be dated before it."""
    from services.appraisal.cycles import period_of
    phases = phases if phases is not None else await phases_of(cycle.id)
    start, _ = period_of(cycle, [{"opens_on": p.opens_on, "closes_on": p.closes_on}
                                 for p in phases.values()])
    return start


async def confirmed_items(gs):
    """The items of the version in force, as dicts (services/appraisal/goal_history.item_dict)."""
    if not gs.confirmed_version_id:
        return []
    return (await gh.items_of([gs.confirmed_version_id]))[gs.confirmed_version_id]


def _latest_key(row):
    return (as_date(row.reported_on), row.id)


def current_row(rows):
    """The row that is an item's current value: the latest one (by reported_on, then id) — but
    once an import or a system has delivered a value, only those count: an owner's report dated
    later must not shadow the figure the business system or HR supplied."""
    governing = [r for r in rows if r.source in LOCKING_SOURCES] or list(rows)
    return max(governing, key=_latest_key) if governing else None


async def latest_rows(goal_set_ids):
    """{(goal_set_id, item_key): the current GoalProgress row (current_row)}."""
    groups = {}
    if not goal_set_ids:
        return {}
    for r in await fetch_all(GoalProgress.select().where(GoalProgress.goal_set.in_(list(goal_set_ids)))):
        groups.setdefault((r.goal_set_id, r.item_key), []).append(r)
    return {k: current_row(rows) for k, rows in groups.items()}


def value_of(row):
    return row.actual_value if row.actual_value is not None else row.percent


async def current_values(goal_set_id):
    """{item_key: {"value", "percent", "actual_value", "reported_on", "source", "locked"}}: what
    scoring (issue 12) reads; `locked` means the value came from an import or a system and the
    rater may not change it."""
    gs = await GoalSet.aget(GoalSet.id == goal_set_id)
    keys = {i["key"] for i in await confirmed_items(gs)}
    latest = await latest_rows([gs.id])
    return {k: {"value": value_of(r), "percent": r.percent, "actual_value": r.actual_value,
                "reported_on": r.reported_on, "source": r.source,
                "locked": r.source in LOCKING_SOURCES}
            for (_, k), r in latest.items() if k in keys}


async def value_locked(goal_set_id, item_key):
    """True once an import or a system has delivered a value for the item: from then on its value
    is theirs, and an owner's report or a rater's edit is refused with locked_error()."""
    return await get_one(GoalProgress.select(GoalProgress.id).where(
        GoalProgress.goal_set == goal_set_id, GoalProgress.item_key == item_key,
        GoalProgress.source.in_(LOCKING_SOURCES))) is not None


# -- late or missing updates -----------------------------------------------------------------------

async def _overdue_window(cycle, today, phases=None):
    """The cut-off date (an item last updated before it is late), or None when nobody can be late:
    the progress phase is not open, or has not yet run N days."""
    phases = phases if phases is not None else await phases_of(cycle.id)
    row = phases.get("progress")
    if row is None or await phase_state(cycle, "progress", today=today, phases=phases) != "open":
        return None
    n = stale_days(cycle)
    if (today - row.opens_on).days < n:
        return None
    return today - datetime.timedelta(days=n)


async def overdue_progress(cycle_id, department_ids=None, *, today):
    """Items of confirmed goal sets with no progress in the last N days (cycle setting
    progress_stale_days, default 30) while the progress phase is open, for the monitor:
    [{staff_id, name, employee_no, goal_set_id, department_id, items: [{key, title,
    last_reported_on}]}] of active participants, narrowed to `department_ids` (the department
    each person was frozen in at launch) when given. No scope check: the caller has done it."""
    cycle = await get_cycle(cycle_id)
    cutoff = await _overdue_window(cycle, today)
    if cutoff is None:
        return []
    query = (GoalSet.select(GoalSet, CycleParticipant.department.alias("frozen_dept"), Staff.name,
                            Staff.employee_no)
             .join(CycleParticipant, on=((CycleParticipant.cycle == GoalSet.cycle)
                                         & (CycleParticipant.staff == GoalSet.staff)))
             .join(Staff, on=(Staff.id == GoalSet.staff))
             .where(GoalSet.cycle == cycle.id, GoalSet.confirmed_version_id.is_null(False),
                    CycleParticipant.status == "active"))
    if department_ids is not None:
        query = query.where(CycleParticipant.department.in_(list(department_ids) or [0]))
    sets = await fetch_all(query.order_by(Staff.employee_no).objects())
    if not sets:
        return []
    by_version = {g.confirmed_version_id: g for g in sets}
    items = await fetch_all(GoalItem.select(GoalItem.version, GoalItem.key, GoalItem.title)
                            .where(GoalItem.version.in_(list(by_version)))
                            .order_by(GoalItem.version, GoalItem.sort, GoalItem.id))
    last = {}
    for r in await fetch_all(GoalProgress.select(GoalProgress.goal_set, GoalProgress.item_key,
                                                 fn.MAX(GoalProgress.reported_on).alias("last"))
                             .where(GoalProgress.goal_set.in_([g.id for g in sets]))
                             .group_by(GoalProgress.goal_set, GoalProgress.item_key).dicts()):
        last[(r["goal_set"], r["item_key"])] = as_date(r["last"])
    late = {}
    for it in items:
        g = by_version[it.version_id]
        seen = last.get((g.id, it.key))
        if seen is None or seen < cutoff:
            late.setdefault(g.id, []).append({"key": it.key, "title": it.title,
                                              "last_reported_on": seen})
    return [{"staff_id": g.staff_id, "name": g.name, "employee_no": g.employee_no,
             "goal_set_id": g.id, "department_id": g.frozen_dept, "items": late[g.id]}
            for g in sets if g.id in late]


# -- reading ---------------------------------------------------------------------------------------

async def _names(ids):
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {s.id: s.name for s in await fetch_all(Staff.select(Staff.id, Staff.name).where(Staff.id.in_(list(ids))))}


async def rows_out(rows, items_by_key):
    from models.appraisal.progress import IndicatorFeed
    names = await _names(r.recorded_by_id for r in rows)
    feed_ids = {r.feed_id for r in rows if r.feed_id}
    feeds = {f.id: f.name for f in await fetch_all(IndicatorFeed.select(IndicatorFeed.id, IndicatorFeed.name)
                                                    .where(IndicatorFeed.id.in_(list(feed_ids))))} if feed_ids else {}
    files = await attachments.list_for_many("goal_progress", [r.id for r in rows])
    out = []
    for r in rows:
        item = items_by_key.get(r.item_key) or {}
        score = None
        if item.get("kind") == "quantitative":
            score = formulas.preview(item.get("formula"), item.get("target"), r.actual_value)
        out.append({
            "id": r.id, "item_key": r.item_key, "item_title": item.get("title", ""),
            "reported_on": r.reported_on, "percent": r.percent, "actual_value": r.actual_value,
            "score_preview": score, "note": r.note, "source": r.source,
            "source_label": SOURCE_LABELS.get(r.source, r.source),
            "recorded_by": ({"id": r.recorded_by_id, "name": names.get(r.recorded_by_id, "")}
                            if r.recorded_by_id else None),
            "feed": feeds.get(r.feed_id) if r.feed_id else None, "batch": r.batch or None,
            "created_at": r.created_at, "attachments": files.get(r.id, [])})
    return out


async def progress_view(*, actor, goal_set_id, today):
    """The items of the version in force with their current value (and score preview), whether
    each is late or locked by its source, every report newest first, and what the caller may do.
    Readable by whoever may read the goal set (owner, reviewers, leaders, appraisal.view)."""
    gs, owner = await gh.readable_goal_set(actor, goal_set_id)
    cycle = await get_cycle(gs.cycle_id)
    phases = await phases_of(cycle.id)
    row = phases.get("progress")
    state = await phase_state(cycle, "progress", today=today, staff_id=gs.staff_id, phases=phases)
    items = await confirmed_items(gs)
    by_key = {i["key"]: i for i in items}
    rows = await fetch_all(GoalProgress.select().where(GoalProgress.goal_set == gs.id)
                           .order_by(GoalProgress.reported_on.desc(), GoalProgress.id.desc()))
    rows = [r for r in rows if r.item_key in by_key]
    last_date = {}
    for r in rows:
        d = as_date(r.reported_on)
        if r.item_key not in last_date or d > last_date[r.item_key]:
            last_date[r.item_key] = d
    cutoff = await _overdue_window(cycle, today, phases)
    indicators = await gh._indicators(i["indicator_id"] for i in items)
    owner_can = (gs.staff_id == actor.id and state == "open" and gs.confirmed_version_id is not None
                 and await active_participant(cycle.id, gs.staff_id) is not None)
    shown_rows = await rows_out(rows, by_key)
    by_item = {}
    for r in rows:
        by_item.setdefault(r.item_key, []).append(r)
    current_ids = {k: current_row(v).id for k, v in by_item.items()}
    current = {r["item_key"]: r for r in shown_rows if current_ids.get(r["item_key"]) == r["id"]}
    out_items = []
    for i in items:
        cur = current.get(i["key"])
        locked = cur is not None and cur["source"] in LOCKING_SOURCES
        out_items.append({
            "key": i["key"], "title": i["title"], "kind": i["kind"],
            "kind_label": gh.ITEM_KIND_LABELS.get(i["kind"], i["kind"]), "weight": gh.num(i["weight"]),
            "target": i["target"], "unit_of_measure": i["unit_of_measure"],
            "formula": i["formula"],
            "formula_text": gh.formula_text(i["formula"], i["target"], i["unit_of_measure"]),
            "criteria": i["criteria"], "due_date": i["due_date"],
            "indicator": indicators.get(i["indicator_id"]),
            "current": cur, "last_reported_on": last_date.get(i["key"]),
            "locked_by_source": locked,
            "overdue": cutoff is not None and (last_date.get(i["key"]) is None
                                               or last_date[i["key"]] < cutoff),
            "can_report": owner_can and not locked})
    return {
        "goal_set_id": gs.id, "cycle": {"id": cycle.id, "name": cycle.name, "year": cycle.year},
        "owner": {"id": owner.id, "name": owner.name, "employee_no": owner.employee_no},
        "confirmed_version_id": gs.confirmed_version_id,
        "phase": {"state": state, "opens_on": row.opens_on if row else None,
                  "closes_on": row.closes_on if row else None},
        "stale_days": stale_days(cycle), "today": today,
        "items": out_items, "rows": shown_rows,
        "can": {"report": owner_can}}


# -- reporting -------------------------------------------------------------------------------------

async def _owner_gate(actor, gs, today):
    """The owner, with confirmed goals, in the progress phase (or reopened for them)."""
    if gs.staff_id != actor.id:
        raise not_owner()
    if not gs.confirmed_version_id:
        raise not_confirmed()
    cycle = await get_cycle(gs.cycle_id)
    await require_phase(cycle, "progress", staff_id=actor.id, today=today)
    if await active_participant(cycle.id, actor.id) is None:
        raise Conflict("您已不在该考核周期的参与人员名单中", code="APPRAISAL_NOT_PARTICIPANT")
    return cycle


async def report(*, actor, goal_set_id, item_key, reported_on, percent=None, actual_value=None,
                 note="", today):
    """本人填报进展: appended to the item's history; refused when the item's current value came
    from an import or a system."""
    async with atomic():
        gs, _ = await gh.readable_goal_set(actor, goal_set_id)
        gs = await get_one(for_update(GoalSet.select().where(GoalSet.id == gs.id)))
        cycle = await _owner_gate(actor, gs, today)
        item = next((i for i in await confirmed_items(gs) if i["key"] == item_key), None)
        errors = {}
        if item is None:
            raise Invalid("不是已确认目标中的目标项", code="APPRAISAL_ITEM_NOT_FOUND",
                          fields={"item_key": "不是已确认目标中的目标项"})
        if reported_on > today:
            errors["reported_on"] = "不能晚于今天"
        elif reported_on < await period_start(cycle):
            errors["reported_on"] = "不能早于考核期开始"
        if item["kind"] == "quantitative":
            if actual_value is None:
                errors["actual_value"] = "定量目标须填写实际值"
            if percent is not None:
                errors["percent"] = "定量目标填写实际值，不填完成百分比"
        else:
            if percent is None:
                errors["percent"] = "定性目标须填写完成百分比（0–100）"
            if actual_value is not None:
                errors["actual_value"] = "定性目标填写完成百分比，不填实际值"
        if errors:
            raise Invalid("填报内容有误：" + "；".join(errors.values()), code="VALIDATION_FAILED",
                          fields=errors)
        if await value_locked(gs.id, item_key):
            raise locked_error()
        row = await GoalProgress.acreate(goal_set=gs.id, item_key=item_key, reported_on=reported_on,
                                         percent=percent, actual_value=actual_value, note=note,
                                         source="owner", recorded_by=actor.id)
        score = (formulas.preview(item["formula"], item["target"], actual_value)
                 if item["kind"] == "quantitative" else None)
        await audit.record(actor=actor, action="appraisal.progress.report",
                           target_type="appraisal_goal_set", target_id=gs.id,
                           after={"progress_id": row.id, "item_key": item_key,
                                  "reported_on": reported_on.isoformat(), "percent": percent,
                                  "actual_value": actual_value, "score_preview": score, "note": note},
                           unit_id=gs.unit_id)
    return (await rows_out([row], {item_key: item}))[0]


# -- evidence (owner type goal_progress) -----------------------------------------------------------

async def _progress_row(actor, progress_id):
    row = await GoalProgress.aget_or_none(GoalProgress.id == progress_id)
    if row is None:
        raise NotFound("进展记录不存在或无权查看", code="APPRAISAL_PROGRESS_NOT_FOUND")
    try:
        gs, _ = await gh.readable_goal_set(actor, row.goal_set_id)
    except NotFound:
        raise NotFound("进展记录不存在或无权查看", code="APPRAISAL_PROGRESS_NOT_FOUND") from None
    return row, gs


async def _evidence_view(actor, progress_id):
    await _progress_row(actor, progress_id)


async def _evidence_attach(actor, progress_id, *, today):
    """The owner, on a report they made, while they may still report."""
    row, gs = await _progress_row(actor, progress_id)
    if gs.staff_id != actor.id:
        raise Forbidden("只有目标本人可以上传佐证材料", code="APPRAISAL_NOT_OWNER")
    if row.source != "owner":
        raise locked_error()
    await _owner_gate(actor, gs, today)
    return gs.unit_id


async def add_evidence(*, env, actor, progress_id, filename, body, today):
    return await attachments.save_attachment(env=env, actor=actor, owner_type="goal_progress",
                                             owner_id=progress_id, filename=filename, body=body,
                                             context={"today": today})


attachments.register_owner("goal_progress", can_view=_evidence_view, can_attach=_evidence_attach,
                           audit_action="appraisal.progress.attachment",
                           target_type="appraisal_goal_progress",
                           limit_message=f"每条进展最多 {attachments.MAX_PER_OWNER} 个佐证材料")
