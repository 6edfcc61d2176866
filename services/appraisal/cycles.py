"""Appraisal cycles (考核周期): create and edit drafts, phases and their dates (working-day deadlines),
launch (the participant list frozen: services/appraisal/participants.py), close, move a phase date
or reopen a phase for one person, "my cycles". Templates and department indicators live in
services/appraisal/indicators.py, the progress monitor in services/appraisal/monitor.py.

Scope: a cycle belongs to one unit. Creating, editing, launching, closing and moving dates need
`appraisal.manage` over the whole unit; reading needs any reach touching the unit (manage or view),
or being one of its participants, or leading one of its departments. Anything else is a 404.
"""
import datetime

from models.appraisal.cycles import (KINDS, PHASES, AppraisalCycle, CycleParticipant, CyclePhase,
                                     PhaseReopening)
from models.appraisal.goals import GoalSet
from models.appraisal.scoring import AppraisalResult
from models.base import atomic, count, fetch_all, utcnow
from models.org import Department, Rank, Staff, Unit
from server.errors import Conflict, Forbidden, Invalid, NotFound
from services import audit, calendar, events
from services.appraisal import participants as parts
from services.appraisal.common import (KIND_LABELS, PHASE_LABELS, STATUS_LABELS, beijing_today,
                                       current_phase, get_cycle, led_department_ids, local_today,
                                       phase_state, phases_of)

DEFAULT_SETTINGS = {"min_items": 3, "max_items": 10, "progress_stale_days": 30}
EDITABLE_WHEN_LAUNCHED = {"name", "settings"}


def _not_found():
    return NotFound("考核周期不存在或不在您的管理范围内", code="APPRAISAL_CYCLE_NOT_FOUND")


# ---- scope ---------------------------------------------------------------------------------------

async def _reach_any(actor):
    """The union of the caller's appraisal.manage and appraisal.view reaches (None if neither)."""
    reach = None
    for perm in ("appraisal.manage", "appraisal.view"):
        if actor.has(perm):
            r = await actor.reach(perm)
            reach = r if reach is None else reach.union(r)
    return reach


def _touches(reach, unit_id, dept_unit_ids):
    return reach is not None and (reach.everything or unit_id in reach.unit_ids
                                  or unit_id in dept_unit_ids)


async def _dept_units(reach):
    if reach is None or reach.everything or not reach.dept_ids:
        return set()
    rows = await fetch_all(Department.select(Department.unit).where(
        Department.id.in_(list(reach.dept_ids))).distinct())
    return {r.unit_id for r in rows}


async def cycle_for_manage(actor, cycle_id, *, whole_unit=True):
    """The cycle if the caller manages it (whole unit unless `whole_unit` is False: then a reach
    touching the unit is enough, e.g. a department-scoped HR officer for participants)."""
    reach = await actor.require_reach("appraisal.manage")
    cycle = await AppraisalCycle.aget_or_none(AppraisalCycle.id == cycle_id)
    if cycle is None or not _touches(reach, cycle.unit_id, await _dept_units(reach)):
        raise _not_found()
    if whole_unit and not (reach.everything or cycle.unit_id in reach.unit_ids):
        raise Forbidden("只有管理范围覆盖整个单位的人事干部可以设置考核周期",
                        code="APPRAISAL_UNIT_SCOPE_REQUIRED")
    return cycle, reach


async def cycle_for_read(actor, cycle_id):
    """The cycle and how the caller sees it: {"hr": Reach|None, "led": set of dept ids,
    "participant": bool}. 404 when none applies (draft cycles: HR only)."""
    cycle = await AppraisalCycle.aget_or_none(AppraisalCycle.id == cycle_id)
    if cycle is None:
        raise _not_found()
    reach = await _reach_any(actor)
    hr = reach if _touches(reach, cycle.unit_id, await _dept_units(reach)) else None
    led, participant = set(), False
    if cycle.status != "draft":
        led = {d for d in await led_department_ids(actor.id)}
        if led:
            units = {r.unit_id for r in await fetch_all(
                Department.select(Department.unit).where(Department.id.in_(list(led))))}
            led = led if cycle.unit_id in units else set()
        participant = await CycleParticipant.aget_or_none(
            CycleParticipant.cycle == cycle.id, CycleParticipant.staff == actor.id,
            CycleParticipant.status == "active") is not None
    if hr is None and not led and not participant:
        raise _not_found()
    return cycle, {"hr": hr, "led": led, "participant": participant}


# ---- validation ----------------------------------------------------------------------------------

def period_of(cycle, phases=None):
    """(first day, last day) of what the cycle appraises: the year, a month, a quarter, or for a
    special cycle the span of its phases."""
    y = cycle.year
    if cycle.kind == "periodic" and cycle.period == "month" and cycle.period_no:
        start = datetime.date(y, cycle.period_no, 1)
        end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
        return start, end
    if cycle.kind == "periodic" and cycle.period == "quarter" and cycle.period_no:
        start = datetime.date(y, 3 * cycle.period_no - 2, 1)
        nxt = datetime.date(y + 1, 1, 1) if cycle.period_no == 4 else datetime.date(y, 3 * cycle.period_no + 1, 1)
        return start, nxt - datetime.timedelta(days=1)
    if cycle.kind == "special" and phases:
        return (min(p["opens_on"] for p in phases), max(p["closes_on"] for p in phases))
    return datetime.date(y, 1, 1), datetime.date(y, 12, 31)


def _check_kind(fields, errors):
    kind = fields.get("kind")
    if kind not in KINDS:
        errors["kind"] = "应为 annual、periodic 或 special"
        return
    if kind == "periodic":
        period, no = fields.get("period") or "", fields.get("period_no")
        if period not in ("month", "quarter"):
            errors["period"] = "平时考核应选择按月（month）或按季度（quarter）"
        elif no is None or not 1 <= no <= (12 if period == "month" else 4):
            errors["period_no"] = "月份应为 1–12" if period == "month" else "季度应为 1–4"
    else:
        fields["period"], fields["period_no"] = "", None


async def check_phases(items, *, unit_id, year):
    """Validate phases [{phase, opens_on, closes_on | working_days}] -> rows in phase order.
    Unknown or repeated phases, dates outside the years around the cycle, a phase opening before
    the previous one closes, a deadline on a rest day or holiday (with the next working day as a
    suggestion): 422 with errors keyed phases.N.field."""
    errors, rows, seen = {}, [], set()
    lo, hi = datetime.date(year - 1, 1, 1), datetime.date(year + 1, 12, 31)
    for i, item in enumerate(items):
        code = item.get("phase")
        if code not in PHASES:
            errors[f"phases.{i}.phase"] = "未知的阶段"
            continue
        if code in seen:
            errors[f"phases.{i}.phase"] = f"阶段“{PHASE_LABELS[code]}”重复"
            continue
        seen.add(code)
        opens, closes = item.get("opens_on"), item.get("closes_on")
        if closes is None and item.get("working_days"):
            closes = await calendar.add_working_days(opens - datetime.timedelta(days=1),
                                                     item["working_days"], unit_id=unit_id)
        if closes is None:
            errors[f"phases.{i}.closes_on"] = "请填写截止日期或工作日天数"
            continue
        if not lo <= opens <= hi or not lo <= closes <= hi:
            errors[f"phases.{i}.opens_on"] = f"日期应在 {lo.year}–{hi.year} 年之间"
            continue
        if closes < opens:
            errors[f"phases.{i}.closes_on"] = "截止日期不能早于开始日期"
            continue
        rows.append({"phase": code, "opens_on": opens, "closes_on": closes, "index": i,
                     "sort": PHASES.index(code)})
    if errors:
        raise Invalid("考核阶段设置有误", code="APPRAISAL_PHASES_INVALID", fields=errors)
    if not rows:
        raise Invalid("请至少设置一个考核阶段", code="APPRAISAL_PHASES_INVALID",
                      fields={"phases": "至少一个阶段"})
    rows.sort(key=lambda r: r["sort"])
    for prev, row in zip(rows, rows[1:]):
        # Phases run in order; adjacent ones may share their boundary day, no more.
        if row["opens_on"] < prev["closes_on"]:
            errors[f"phases.{row['index']}.opens_on"] = (
                f"“{PHASE_LABELS[row['phase']]}”应在“{PHASE_LABELS[prev['phase']]}”截止"
                f"（{prev['closes_on']}）之后开始")
    if errors:
        raise Invalid("考核阶段的时间有重叠或顺序不对", code="APPRAISAL_PHASES_OVERLAP", fields=errors)
    await check_deadlines(rows, unit_id=unit_id)
    return rows


async def check_deadlines(rows, *, unit_id):
    start = min(r["closes_on"] for r in rows)
    end = max(r["closes_on"] for r in rows)
    infos, _ = await calendar.day_infos(start, end, unit_id=unit_id)
    by_day = {i.day: i for i in infos}
    errors, suggestions = {}, {}
    for r in rows:
        info = by_day[r["closes_on"]]
        if info.working:
            continue
        suggestion = await calendar.add_working_days(r["closes_on"], 1, unit_id=unit_id)
        what = info.name or ("休息日" if info.kind == "rest" else "节假日")
        errors[f"phases.{r['index']}.closes_on"] = (
            f"{r['closes_on']}（{what}）不是工作日，建议改为 {suggestion}")
        suggestions[r["phase"]] = suggestion.isoformat()
    if errors:
        first = next(iter(errors.values()))
        raise Invalid(f"截止日期应为工作日：{first}", code="APPRAISAL_DEADLINE_NOT_WORKING_DAY",
                      fields=errors)


async def _check_rule(rule, unit_id):
    """participant_rule: departments of this unit, existing ranks."""
    rule = dict(rule or {})
    errors = {}
    dept_ids = sorted(set(rule.get("department_ids") or []))
    if dept_ids:
        found = {d.id for d in await fetch_all(Department.select(Department.id).where(
            Department.id.in_(dept_ids), Department.unit == unit_id))}
        if set(dept_ids) - found:
            errors["participant_rule.department_ids"] = "包含不属于本单位的部门"
    rank_ids = sorted(set(rule.get("rank_ids") or []))
    if rank_ids:
        found = {r.id for r in await fetch_all(Rank.select(Rank.id).where(Rank.id.in_(rank_ids)))}
        if set(rank_ids) - found:
            errors["participant_rule.rank_ids"] = "包含不存在的职级"
    if errors:
        raise Invalid("参与人员范围设置有误", code="APPRAISAL_RULE_INVALID", fields=errors)
    exclude = {k: v for k, v in (rule.get("exclude") or {}).items() if v not in (None, False, "")}
    if "hired_after" in exclude:
        exclude["hired_after"] = str(exclude["hired_after"])
    return {"department_ids": dept_ids, "rank_ids": rank_ids, "exclude": exclude}


def _without_none(value):
    """Settings as stored: keys left unset (None) are dropped at every level, so a reader's
    `.get(key, default)` falls back to the documented default."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    return value


def _check_settings(settings):
    merged = {**DEFAULT_SETTINGS, **_without_none(settings or {})}
    if merged["min_items"] > merged["max_items"]:
        raise Invalid("目标条数下限不能大于上限", code="APPRAISAL_SETTINGS_INVALID",
                      fields={"settings.min_items": "不能大于上限"})
    return merged


# ---- output --------------------------------------------------------------------------------------

def phase_out(p, state=None):
    return {"phase": p.phase, "label": PHASE_LABELS[p.phase], "opens_on": p.opens_on,
            "closes_on": p.closes_on, "state": state}


async def _counts(cycle_ids):
    out = {cid: {"active": 0, "excluded": 0, "removed": 0} for cid in cycle_ids}
    if not cycle_ids:
        return out
    from peewee import fn
    rows = await fetch_all(CycleParticipant.select(
        CycleParticipant.cycle, CycleParticipant.status, fn.COUNT(CycleParticipant.id).alias("n"))
        .where(CycleParticipant.cycle.in_(list(cycle_ids)))
        .group_by(CycleParticipant.cycle, CycleParticipant.status))
    for r in rows:
        out[r.cycle_id][r.status] = r.n
    return out


async def cycles_out(cycles, *, today, manage_units=()):
    ids = [c.id for c in cycles]
    phases = {}
    if ids:
        for p in await fetch_all(CyclePhase.select().where(CyclePhase.cycle.in_(ids))
                                 .order_by(CyclePhase.sort)):
            phases.setdefault(p.cycle_id, {})[p.phase] = p
    units = {u.id: u.name for u in await fetch_all(
        Unit.select(Unit.id, Unit.name).where(Unit.id.in_({c.unit_id for c in cycles} or {0})))}
    counts = await _counts(ids)
    out = []
    for c in cycles:
        ph = phases.get(c.id, {})
        rows = [ph[code] for code in PHASES if code in ph]
        states = {p.phase: await phase_state(c, p.phase, today=today, phases=ph) for p in rows}
        cur = await current_phase(c, today=today, phases=ph) if c.status == "launched" else None
        manage = c.unit_id in manage_units
        out.append({
            "id": c.id, "unit_id": c.unit_id, "unit_name": units.get(c.unit_id, ""),
            "kind": c.kind, "kind_label": KIND_LABELS[c.kind], "period": c.period or None,
            "period_no": c.period_no, "year": c.year, "name": c.name, "status": c.status,
            "status_label": STATUS_LABELS[c.status], "settings": {**DEFAULT_SETTINGS, **(c.settings or {})},
            "participant_rule": c.participant_rule or {"department_ids": [], "rank_ids": [], "exclude": {}},
            "phases": [phase_out(p, states[p.phase]) for p in rows],
            "current_phase": cur, "current_phase_label": PHASE_LABELS.get(cur) if cur else None,
            "counts": counts[c.id], "version": c.version, "launched_at": c.launched_at,
            "closed_at": c.closed_at, "created_at": c.created_at, "updated_at": c.updated_at,
            "can": {"edit": manage and c.status != "closed", "launch": manage and c.status == "draft",
                    "close": manage and c.status == "launched",
                    "manage": manage and c.status == "launched"},
        })
    return out


async def _manage_units(actor):
    if not actor.has("appraisal.manage"):
        return set()
    reach = await actor.reach("appraisal.manage")
    if reach.everything:
        return {u.id for u in await fetch_all(Unit.select(Unit.id))}
    return set(reach.unit_ids)


async def cycle_detail(cycle, *, actor, today):
    return (await cycles_out([cycle], today=today, manage_units=await _manage_units(actor)))[0]


# ---- reads ---------------------------------------------------------------------------------------

async def list_cycles(*, actor, today, status=None, year=None, page=1, page_size=20):
    """Cycles the caller may see: HR's (manage/view reach touching the unit, drafts included),
    the ones they take part in, and launched ones of units where they lead a department."""
    reach = await _reach_any(actor)
    from peewee import SQL
    expr = SQL("1 = 0")
    if reach is not None:
        expr = expr | reach.touched_unit_filter(AppraisalCycle.unit)
    mine = CycleParticipant.select(CycleParticipant.cycle).where(
        CycleParticipant.staff == actor.id, CycleParticipant.status == "active")
    others = AppraisalCycle.id.in_(mine)
    led = await led_department_ids(actor.id)
    if led:
        others = others | AppraisalCycle.unit.in_(
            Department.select(Department.unit).where(Department.id.in_(list(led))))
    expr = expr | ((AppraisalCycle.status != "draft") & others)
    query = AppraisalCycle.select().where(expr)
    if status:
        query = query.where(AppraisalCycle.status == status)
    if year:
        query = query.where(AppraisalCycle.year == year)
    total = await count(query)
    rows = await fetch_all(query.order_by(AppraisalCycle.year.desc(), AppraisalCycle.id.desc())
                           .paginate(page, page_size))
    return await cycles_out(rows, today=today, manage_units=await _manage_units(actor)), total


async def get_cycle_detail(*, actor, cycle_id, today):
    cycle, _ = await cycle_for_read(actor, cycle_id)
    return await cycle_detail(cycle, actor=actor, today=today)


async def my_cycles(*, actor, today):
    """Cycles I take part in (launched or closed), with the current phase, each phase's state for
    me (a reopening counts) and my goal set's status."""
    rows = await fetch_all(AppraisalCycle.select().join(
        CycleParticipant, on=(CycleParticipant.cycle == AppraisalCycle.id)).where(
        CycleParticipant.staff == actor.id, CycleParticipant.status == "active",
        AppraisalCycle.status != "draft").order_by(AppraisalCycle.year.desc(), AppraisalCycle.id.desc()))
    sets = {g.cycle_id: g for g in await fetch_all(GoalSet.select().where(
        GoalSet.staff == actor.id, GoalSet.cycle.in_([c.id for c in rows] or [0])))}
    out = []
    for c in rows:
        ph = await phases_of(c.id)
        phases = [phase_out(ph[code], await phase_state(c, code, today=today, staff_id=actor.id, phases=ph))
                  for code in PHASES if code in ph]
        cur = await current_phase(c, today=today, phases=ph) if c.status == "launched" else None
        g = sets.get(c.id)
        out.append({"id": c.id, "name": c.name, "kind": c.kind, "kind_label": KIND_LABELS[c.kind],
                    "year": c.year, "status": c.status, "status_label": STATUS_LABELS[c.status],
                    "current_phase": cur, "current_phase_label": PHASE_LABELS.get(cur) if cur else None,
                    "phases": phases,
                    "goal_set": ({"id": g.id, "status": g.status, "change_pending": g.change_pending}
                                 if g else None),
                    "link": f"/package-appraisal/goals/index?cycle_id={c.id}"})
    return out


# ---- writes --------------------------------------------------------------------------------------

async def create_cycle(*, actor, body, today):
    reach = await actor.require_reach("appraisal.manage")
    fields = dict(body)
    unit_id = fields.get("unit_id") or actor.unit_id
    if not (reach.everything or unit_id in reach.unit_ids) or not await Unit.aget_or_none(Unit.id == unit_id):
        raise NotFound("单位不存在或不在您的管理范围内", code="UNIT_NOT_FOUND")
    errors = {}
    _check_kind(fields, errors)
    if errors:
        raise Invalid("考核周期设置有误", code="VALIDATION_FAILED", fields=errors)
    phases = await check_phases(fields.get("phases") or [], unit_id=unit_id, year=fields["year"])
    rule = await _check_rule(fields.get("participant_rule"), unit_id)
    settings = _check_settings(fields.get("settings"))
    async with atomic():
        cycle = await AppraisalCycle.acreate(
            unit=unit_id, kind=fields["kind"], period=fields.get("period") or "", year=fields["year"],
            period_no=fields.get("period_no"), name=fields["name"], settings=settings,
            participant_rule=rule, created_by=actor.id)
        await _write_phases(cycle.id, phases)
        out = await cycle_detail(cycle, actor=actor, today=today)
        await audit.record(actor=actor, action="appraisal.cycle.create", target_type="appraisal_cycle",
                           target_id=cycle.id, after=_audit_view(out), unit_id=unit_id)
    return out


async def _write_phases(cycle_id, phases):
    await CyclePhase.delete().where(CyclePhase.cycle == cycle_id).aexecute()
    if phases:
        await CyclePhase.insert_many([
            {"cycle": cycle_id, "phase": p["phase"], "opens_on": p["opens_on"],
             "closes_on": p["closes_on"], "sort": p["sort"], "created_at": utcnow(),
             "updated_at": utcnow()} for p in phases]).aexecute()


def _audit_view(out):
    return {k: out[k] for k in ("name", "kind", "period", "period_no", "year", "status", "settings",
                                "participant_rule")} | {
        "phases": [{"phase": p["phase"], "opens_on": p["opens_on"], "closes_on": p["closes_on"]}
                   for p in out["phases"]]}


async def update_cycle(*, actor, cycle_id, changes, version, today):
    """Draft: anything. Launched: name and settings only (dates move one by one with a reason).
    Closed: nothing. `version` must match (409 APPRAISAL_CYCLE_STALE otherwise)."""
    cycle, _ = await cycle_for_manage(actor, cycle_id)
    if cycle.status == "closed":
        raise Conflict("考核周期已结束，不能修改", code="APPRAISAL_CYCLE_CLOSED")
    changes = dict(changes)
    if cycle.status == "launched" and set(changes) - EDITABLE_WHEN_LAUNCHED:
        raise Conflict("考核周期已启动，只能修改名称和设置；调整阶段日期请逐项填写原因",
                       code="APPRAISAL_CYCLE_LAUNCHED",
                       fields={k: "已启动后不能修改" for k in set(changes) - EDITABLE_WHEN_LAUNCHED})
    fields = {"kind": cycle.kind, "period": cycle.period, "period_no": cycle.period_no,
              "year": cycle.year, **changes}
    errors = {}
    if {"kind", "period", "period_no"} & set(changes):
        _check_kind(fields, errors)
    if errors:
        raise Invalid("考核周期设置有误", code="VALIDATION_FAILED", fields=errors)
    phases = None
    if "phases" in changes or "year" in changes:
        items = changes.get("phases")
        if items is None:
            items = [{"phase": p.phase, "opens_on": p.opens_on, "closes_on": p.closes_on}
                     for p in (await phases_of(cycle.id)).values()]
        phases = await check_phases(items, unit_id=cycle.unit_id, year=fields["year"])
    update = {}
    for key in ("name", "kind", "period", "period_no", "year"):
        if key in changes or (key in ("period", "period_no") and "kind" in changes):
            update[key] = fields[key] if fields[key] is not None or key == "period_no" else ""
    if "period" in update and update["period"] is None:
        update["period"] = ""
    if "participant_rule" in changes:
        update["participant_rule"] = await _check_rule(changes["participant_rule"], cycle.unit_id)
    if "settings" in changes:
        update["settings"] = _check_settings({**(cycle.settings or {}), **(changes["settings"] or {})})
    async with atomic():
        before = _audit_view(await cycle_detail(cycle, actor=actor, today=today))
        n = await AppraisalCycle.update(version=AppraisalCycle.version + 1, updated_at=utcnow(),
                                        **update).where(
            AppraisalCycle.id == cycle.id, AppraisalCycle.version == version,
            AppraisalCycle.status == cycle.status).aexecute()
        if n != 1:
            raise Conflict("考核周期已被他人修改，请刷新后重试", code="APPRAISAL_CYCLE_STALE")
        if phases is not None:
            await _write_phases(cycle.id, phases)
        cycle = await get_cycle(cycle.id)
        out = await cycle_detail(cycle, actor=actor, today=today)
        await audit.record(actor=actor, action="appraisal.cycle.update", target_type="appraisal_cycle",
                           target_id=cycle.id, before=before, after=_audit_view(out),
                           unit_id=cycle.unit_id)
    return out


async def launch_cycle(*, actor, cycle_id, today):
    cycle, _ = await cycle_for_manage(actor, cycle_id)
    return await _launch(cycle, actor=actor, today=today)


async def _launch(cycle, *, actor, today):
    if cycle.status != "draft":
        raise Conflict("考核周期已启动或已结束", code="APPRAISAL_CYCLE_NOT_DRAFT")
    async with atomic():
        phases = await phases_of(cycle.id)
        if not phases:
            raise Invalid("请先设置考核阶段", code="APPRAISAL_PHASES_INVALID",
                          fields={"phases": "至少一个阶段"})
        n = await AppraisalCycle.update(status="launched", launched_at=utcnow(),
                                        launched_by=getattr(actor, "id", None),
                                        version=AppraisalCycle.version + 1, updated_at=utcnow()).where(
            AppraisalCycle.id == cycle.id, AppraisalCycle.status == "draft").aexecute()
        if n != 1:
            raise Conflict("考核周期已启动或已结束", code="APPRAISAL_CYCLE_NOT_DRAFT")
        cycle = await get_cycle(cycle.id)
        period = period_of(cycle, [{"opens_on": p.opens_on, "closes_on": p.closes_on}
                                   for p in phases.values()])
        summary = await parts.freeze(cycle, period=period, actor=actor)
        if not summary["active_ids"]:
            raise Invalid("按当前范围和排除条件，没有可参加考核的人员", code="APPRAISAL_NO_PARTICIPANTS")
        await audit.record(actor=actor, action="appraisal.cycle.launch", target_type="appraisal_cycle",
                           target_id=cycle.id, unit_id=cycle.unit_id,
                           after={"period": [period[0], period[1]], "active": len(summary["active_ids"]),
                                  "excluded": summary["excluded"], "rule": cycle.participant_rule})
        await parts.notify_launched(cycle, summary["active_ids"], phases)
        await events.publish("appraisal.cycle.launched", cycle_id=cycle.id, unit_id=cycle.unit_id,
                             participant_ids=list(summary["active_ids"]), today=today)
    return await cycle_detail(cycle, actor=actor, today=today) if actor else cycle


async def close_cycle(*, actor, cycle_id, today):
    """Close a cycle that produced no results (one abandoned, say). Once results exist, closing
    is publication.close: it waits for the publication period, the review and appeal windows and
    every pending request, so closing can never cut off a statutory right."""
    cycle, _ = await cycle_for_manage(actor, cycle_id)
    if await AppraisalResult.aget_or_none(AppraisalResult.cycle == cycle.id) is not None:
        raise Conflict("本考核已产生考核结果，请在“考核结果”中结束（公示期、复核与申诉期限届满且无未办结事项后）",
                       code="APPRAISAL_USE_RESULTS_CLOSE")
    async with atomic():
        n = await AppraisalCycle.update(status="closed", closed_at=utcnow(),
                                        version=AppraisalCycle.version + 1, updated_at=utcnow()).where(
            AppraisalCycle.id == cycle.id, AppraisalCycle.status == "launched").aexecute()
        if n != 1:
            raise Conflict("只有进行中的考核周期可以结束", code="APPRAISAL_CYCLE_NOT_LAUNCHED")
        await audit.record(actor=actor, action="appraisal.cycle.close", target_type="appraisal_cycle",
                           target_id=cycle.id, before={"status": "launched"},
                           after={"status": "closed"}, unit_id=cycle.unit_id)
        cycle = await get_cycle(cycle.id)
    return await cycle_detail(cycle, actor=actor, today=today)


async def move_phase(*, actor, cycle_id, phase, opens_on, closes_on, reason, today):
    """Move one phase's dates (reason required, audited, event `appraisal.phase.moved`)."""
    cycle, _ = await cycle_for_manage(actor, cycle_id)
    if cycle.status == "closed":
        raise Conflict("考核周期已结束，不能调整日期", code="APPRAISAL_CYCLE_CLOSED")
    if phase not in PHASES:
        raise NotFound("阶段不存在", code="APPRAISAL_PHASE_NOT_FOUND")
    async with atomic():
        phases = await phases_of(cycle.id)
        row = phases.get(phase)
        if row is None:
            raise NotFound("该考核周期没有这个阶段", code="APPRAISAL_PHASE_NOT_FOUND")
        items = [{"phase": p.phase, "opens_on": p.opens_on, "closes_on": p.closes_on}
                 for p in phases.values() if p.phase != phase]
        items.insert(0, {"phase": phase, "opens_on": opens_on, "closes_on": closes_on})
        await check_phases(items, unit_id=cycle.unit_id, year=cycle.year)
        before = {"opens_on": row.opens_on, "closes_on": row.closes_on}
        await CyclePhase.update(opens_on=opens_on, closes_on=closes_on, updated_at=utcnow()).where(
            CyclePhase.id == row.id).aexecute()
        await AppraisalCycle.update(version=AppraisalCycle.version + 1, updated_at=utcnow()).where(
            AppraisalCycle.id == cycle.id).aexecute()
        after = {"opens_on": opens_on, "closes_on": closes_on, "reason": reason}
        await audit.record(actor=actor, action="appraisal.phase.move", target_type="appraisal_cycle",
                           target_id=f"{cycle.id}:{phase}", before=before, after=after,
                           unit_id=cycle.unit_id)
        await events.publish("appraisal.phase.moved", cycle_id=cycle.id, unit_id=cycle.unit_id,
                             phase=phase, before=before, opens_on=opens_on, closes_on=closes_on,
                             reason=reason)
        cycle = await get_cycle(cycle.id)
    return await cycle_detail(cycle, actor=actor, today=today)


async def reopen_phase(*, actor, cycle_id, staff_id, phase, until, reason, now):
    """Reopen a phase for one active participant until a date (reason required, audited, event
    `appraisal.phase.reopened`, a message to the person). `now` is the request's clock (naive UTC):
    the row and the message are stamped with it, and "today" is its Beijing date."""
    today = local_today(now)
    cycle, reach = await cycle_for_manage(actor, cycle_id, whole_unit=False)
    if cycle.status != "launched":
        raise Conflict("只有进行中的考核周期可以重新开放阶段", code="APPRAISAL_CYCLE_NOT_LAUNCHED")
    if phase not in PHASES:
        raise Invalid("未知的阶段", code="VALIDATION_FAILED", fields={"phase": "未知的阶段"})
    part = await parts.participant_in_reach(cycle, staff_id, reach)
    if part is None or part.status != "active":
        raise NotFound("该人员不是本考核周期的参与人员", code="APPRAISAL_PARTICIPANT_NOT_FOUND")
    phases = await phases_of(cycle.id)
    if phase not in phases:
        raise NotFound("该考核周期没有这个阶段", code="APPRAISAL_PHASE_NOT_FOUND")
    if until < today or until > today + datetime.timedelta(days=366):
        raise Invalid("重新开放的截止日期应在今天至一年内", code="VALIDATION_FAILED",
                      fields={"until": "应不早于今天"})
    async with atomic():
        row = await PhaseReopening.acreate(cycle=cycle.id, staff=staff_id, phase=phase, until=until,
                                           reason=reason, granted_by=actor.id, created_at=now)
        await audit.record(actor=actor, action="appraisal.phase.reopen", target_type="appraisal_cycle",
                           target_id=f"{cycle.id}:{phase}:{staff_id}",
                           after={"staff_id": staff_id, "phase": phase, "until": until,
                                  "reason": reason}, unit_id=cycle.unit_id)
        from services.notify import raise_notification
        await raise_notification(
            recipient_ids=[staff_id], kind="appraisal.phase.reopened",
            title=f"{cycle.name}：{PHASE_LABELS[phase]}已为您重新开放",
            body=f"截止 {until}。原因：{reason}",
            link=f"/package-appraisal/goals/index?cycle_id={cycle.id}",
            data={"cycle_id": cycle.id, "phase": phase, "until": until.isoformat()}, now=now)
        await events.publish("appraisal.phase.reopened", cycle_id=cycle.id, unit_id=cycle.unit_id,
                             staff_id=staff_id, phase=phase, until=until, reopening_id=row.id)
    return (await reopening_out([row]))[0]


async def reopening_out(rows):
    ids = {r.staff_id for r in rows} | {r.granted_by_id for r in rows if r.granted_by_id}
    names = {s.id: s for s in await fetch_all(Staff.select(Staff.id, Staff.name, Staff.employee_no)
                                               .where(Staff.id.in_(list(ids) or [0])))}
    out = [{"id": r.id, "staff_id": r.staff_id, "name": names[r.staff_id].name if r.staff_id in names else "",
             "employee_no": names[r.staff_id].employee_no if r.staff_id in names else "",
             "phase": r.phase, "phase_label": PHASE_LABELS.get(r.phase, r.phase), "until": r.until,
             "reason": r.reason, "granted_by": names[r.granted_by_id].name if r.granted_by_id in names else "",
             "created_at": r.created_at} for r in rows]
    return out


async def list_reopenings(*, actor, cycle_id):
    cycle, reach = await cycle_for_manage(actor, cycle_id, whole_unit=False)
    rows = await fetch_all(PhaseReopening.select().join(Staff, on=(PhaseReopening.staff == Staff.id))
                           .where(PhaseReopening.cycle == cycle.id, reach.staff_filter(Staff))
                           .order_by(PhaseReopening.id.desc()))
    return await reopening_out(rows)


# ---- for the goals module and the demo ------------------------------------------------------------

async def template_for(cycle_id, position_id):
    """The goal template a person starts from: their position's, else the cycle's general one."""
    from services.appraisal.indicators import template_for as pick
    return await pick(cycle_id, position_id)


async def demo_cycle(unit, *, today=None):
    """A running annual cycle of `unit` for the demo (idempotent): goal setting open around today,
    the later phases after it, every deadline on a working day; launched by the system with
    everyone in the unit. Returns the AppraisalCycle. The goals demo adds goal sets to it."""
    today = today or beijing_today()
    existing = await AppraisalCycle.aget_or_none(AppraisalCycle.unit == unit.id,
                                                 AppraisalCycle.kind == "annual",
                                                 AppraisalCycle.year == today.year)
    if existing is not None:
        return existing

    async def working_on_or_after(day):
        info = await calendar.day_info(day, unit_id=unit.id)
        return day if info.working else await calendar.add_working_days(day, 1, unit_id=unit.id)

    spans = [("goal_setting", -14, 14), ("progress", 0, 40), ("self_assessment", 0, 10),
             ("scoring", 0, 10), ("publication", 0, 7), ("appeals", 0, 10)]
    phases, start = [], today
    for code, offset, length in spans:
        opens = start + datetime.timedelta(days=offset)
        closes = await working_on_or_after(opens + datetime.timedelta(days=length))
        phases.append({"phase": code, "opens_on": opens, "closes_on": closes,
                       "sort": PHASES.index(code)})
        start = closes + datetime.timedelta(days=1)
    async with atomic():
        cycle = await AppraisalCycle.acreate(
            unit=unit.id, kind="annual", year=today.year, name=f"{today.year}年度考核",
            settings=dict(DEFAULT_SETTINGS), participant_rule={
                "department_ids": [], "rank_ids": [], "exclude": {"long_leave_days": 180}})
        await _write_phases(cycle.id, phases)
        await audit.record(actor=None, action="appraisal.cycle.create", target_type="appraisal_cycle",
                           target_id=cycle.id, after={"name": cycle.name, "demo": True},
                           unit_id=unit.id)
    await _launch(cycle, actor=None, today=today)
    return await get_cycle(cycle.id)
