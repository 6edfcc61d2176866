"""Score sheets (评分表): a rater's sheets, the entries of one sheet (one per item of the
participant's confirmed goals), draft saves with optimistic versions, submission (everything
checked, then locked), every save appended to ScoreChange, and the sheet totals the results read.

- Quantitative items are scored by their formula from the latest actual value
  (`formulas.score_quantitative`); the rater does not type that score. A different score is an
  override and needs a written reason (≥ 10 characters) that the participant will read.
- Qualitative items: a score in 0–100 and a justification that passes the unit's rule
  (services/appraisal/justification.py); submission refuses, per item, saying what is missing.
- Only the rater writes, and only while the scoring phase is open for them (or reopened).
- Readers: the rater; HR (`appraisal.manage`) and the discipline inspector (`appraisal.view`) in
  reach of the participant. Nobody else — not the participant (they read scores after
  publication, services/appraisal/publication.py), not another rater: 404.

`submitted_totals(cycle_id)` is the public read for results (grades/publication)."""
import math

import peewee as pw

from models.appraisal.cycles import AppraisalCycle
from models.appraisal.goals import GoalSet
from models.appraisal.scoring import ScoreChange, ScoreEntry, ScoreSheet
from models.base import atomic, count, fetch_all, for_update, get_one, utcnow
from models.org import Department, Staff
from server.errors import Conflict, Invalid
from services import audit
from services.access import staff_dept_ids
from services.appraisal import formulas, justification, progress
from services.appraisal.common import get_cycle, phase_state
from services.appraisal.goal_history import cycle_in_reach, formula_text, items_of, num
from services.appraisal.raters import ROLE_LABELS, reason_label, sheet_not_found

STATUS_LABELS = {"pending": "待评分", "draft": "草稿", "submitted": "已提交", "recused": "已回避"}
OVERRIDE_MIN = 10


def _stale():
    return Conflict("评分表已被修改，请刷新后重试", code="APPRAISAL_SHEET_STALE")


def _submitted():
    return Conflict("评分表已提交并锁定，不能再修改", code="APPRAISAL_SHEET_SUBMITTED")


# -- who may read ----------------------------------------------------------------------------------

async def _covers(actor, perm, staff):
    if not actor.has(perm):
        return False
    reach = await actor.reach(perm)
    return reach.covers_staff(staff.id, await staff_dept_ids(staff), staff.unit_id)


async def readable_sheet(actor, sheet_id):
    """(sheet, participant) for the rater, HR or the discipline inspector in reach; 404 else."""
    sheet = await ScoreSheet.aget_or_none(ScoreSheet.id == sheet_id)
    if sheet is None:
        raise sheet_not_found()
    part = await Staff.aget(Staff.id == sheet.participant_id)
    if sheet.rater_id == actor.id:
        return sheet, part
    if await _covers(actor, "appraisal.manage", part) or await _covers(actor, "appraisal.view", part):
        return sheet, part
    raise sheet_not_found()


# -- a sheet's items ------------------------------------------------------------------------------------

def max_score(item):
    f = item.get("formula") or {}
    if item["kind"] == "quantitative" and f.get("type") == "capped":
        try:
            return round(max(1.0, float(f.get("cap") or 1)) * 100, 2)
        except (TypeError, ValueError):
            return 100.0
    return 100.0


async def _context(sheet):
    """(goal set, version id, items, {key: latest progress row}, {key: entry}). The goals a sheet
    scores: fixed once submitted; before that, the version in force."""
    gs = await GoalSet.aget_or_none(GoalSet.cycle == sheet.cycle_id, GoalSet.staff == sheet.participant_id)
    if sheet.status == "submitted" and sheet.goal_version_id:
        vid = sheet.goal_version_id
    else:
        vid = (gs.confirmed_version_id if gs else None) or sheet.goal_version_id
    items = (await items_of([vid]))[vid] if vid else []
    latest = {k: r for (_, k), r in (await progress.latest_rows([gs.id])).items()} if gs else {}
    entries = {e.item_key: e for e in await fetch_all(ScoreEntry.select().where(ScoreEntry.sheet == sheet.id))}
    return gs, vid, items, latest, entries


def _auto(item, latest):
    if item["kind"] != "quantitative":
        return None, None
    row = latest.get(item["key"])
    actual = row.actual_value if row is not None else None
    return formulas.preview(item.get("formula"), item.get("target"), actual), row


def _effective(item, entry, auto):
    """The score an item counts with: a quantitative item's formula score unless overridden."""
    if entry is not None and entry.score is not None:
        return entry.score
    return auto if item["kind"] == "quantitative" else None


def sheet_total(items, scores):
    """Σ score × weight / 100 over the items (None until every item has a score)."""
    if not items or any(scores.get(i["key"]) is None for i in items):
        return None
    return round(sum(scores[i["key"]] * float(i["weight"] or 0) for i in items) / 100.0, 2)


def _entry_out(item, entry, auto, row, rule):
    score = _effective(item, entry, auto)
    just = entry.justification if entry else ""
    reason = entry.override_reason if entry else ""
    out = {
        "key": item["key"], "title": item["title"], "kind": item["kind"], "weight": num(item["weight"]),
        "criteria": item.get("criteria") or "", "target": item.get("target"),
        "unit_of_measure": item.get("unit_of_measure") or "",
        "formula_text": formula_text(item.get("formula"), item.get("target"), item.get("unit_of_measure") or ""),
        "actual_value": row.actual_value if row is not None else None,
        "value_reported_on": row.reported_on if row is not None else None,
        "value_source": row.source if row is not None else None,
        "auto_score": auto, "max_score": max_score(item), "score": score,
        "justification": just, "override_reason": reason,
        "overridden": item["kind"] == "quantitative" and score is not None and auto is not None
        and abs(score - auto) > 0.005,
        "problems": [],
    }
    out["problems"] = _problems(item, out, rule)
    return out


def _problems(item, e, rule):
    """What keeps this entry from being submitted: [{"field", "code", "message"}]."""
    out = []
    if e["score"] is None:
        msg = ("尚无实际值，无法按公式计分：请填写分数并写明理由" if item["kind"] == "quantitative"
               else "请填写分数")
        out.append({"field": "score", "code": "APPRAISAL_SCORE_MISSING", "message": msg})
    if item["kind"] == "quantitative":
        needs_reason = e["score"] is not None and (e["auto_score"] is None or e["overridden"])
        if needs_reason and len((e["override_reason"] or "").strip()) < OVERRIDE_MIN:
            out.append({"field": "override_reason", "code": "APPRAISAL_OVERRIDE_REASON_REQUIRED",
                        "message": f"分数与公式计算结果不同，须写明理由（至少 {OVERRIDE_MIN} 个字），理由将向被考核人公开"})
    else:
        for p in justification.check(e["justification"], rule):
            out.append({"field": "justification", **p})
    return out


async def _names(ids):
    return {s.id: s for s in await fetch_all(Staff.select(Staff.id, Staff.name, Staff.employee_no, Staff.department)
                                             .where(Staff.id.in_(list(ids) or [0])))}


async def _dept_names(ids):
    return {d.id: d.name for d in await fetch_all(Department.select(Department.id, Department.name)
                                                  .where(Department.id.in_(list(ids) or [0])))}


def _person(s, depts):
    return {"id": s.id, "name": s.name, "employee_no": s.employee_no,
            "department_name": depts.get(s.department_id)}


async def _can(actor, sheet, cycle, today):
    mine = sheet.rater_id == actor.id and sheet.status in ("pending", "draft")
    open_ = mine and await phase_state(cycle, "scoring", today=today, staff_id=actor.id) == "open"
    return {"edit": open_, "submit": open_, "recuse": open_ and sheet.role != "self"}


async def sheet_out(sheet, actor, *, today, ctx=None):
    cycle = await get_cycle(sheet.cycle_id)
    gs, vid, items, latest, entries = ctx or await _context(sheet)
    rule = justification.rule_of(cycle.settings)
    rows = []
    for item in items:
        auto, row = _auto(item, latest)
        rows.append(_entry_out(item, entries.get(item["key"]), auto, row, rule))
    people = await _names({sheet.participant_id, sheet.rater_id})
    depts = await _dept_names({p.department_id for p in people.values()})
    total = sheet_total(items, {e["key"]: e["score"] for e in rows})
    return {
        "id": sheet.id, "cycle": {"id": cycle.id, "name": cycle.name, "year": cycle.year, "kind": cycle.kind},
        "participant": _person(people[sheet.participant_id], depts),
        "rater": _person(people[sheet.rater_id], depts),
        "role": sheet.role, "role_label": ROLE_LABELS.get(sheet.role, sheet.role), "weight": sheet.weight,
        "status": sheet.status, "status_label": STATUS_LABELS.get(sheet.status, sheet.status),
        "recusal": ({"reason": sheet.recusal_reason, "note": sheet.recusal_note,
                     "reason_label": reason_label(sheet.recusal_reason, sheet.recusal_note),
                     "replaced_by": sheet.replaced_by_id} if sheet.status == "recused" else None),
        "goal_version_id": vid, "goals_confirmed": bool(vid), "items": rows,
        "total": sheet.total if sheet.status == "submitted" else total,
        "submitted_at": sheet.submitted_at, "version": sheet.version, "updated_at": sheet.updated_at,
        "rule": {"text": justification.describe(rule), "min_chars": rule["min_chars"],
                 "require_fact": rule["require_fact"], "override_min_chars": OVERRIDE_MIN},
        "can": await _can(actor, sheet, cycle, today),
    }


async def get_sheet(*, actor, sheet_id, today):
    sheet, _ = await readable_sheet(actor, sheet_id)
    return await sheet_out(sheet, actor, today=today)


# -- writing ------------------------------------------------------------------------------------------

async def _writable(actor, sheet_id, today):
    """The sheet locked for update, if the caller is its rater and may write now."""
    sheet = await get_one(for_update(ScoreSheet.select().where(ScoreSheet.id == sheet_id)))
    if sheet is None or sheet.rater_id != actor.id:
        raise sheet_not_found()
    if sheet.status == "submitted":
        raise _submitted()
    if sheet.status == "recused":
        raise Conflict("该评分表已回避，由其他评分人评分", code="APPRAISAL_SHEET_RECUSED")
    cycle = await get_cycle(sheet.cycle_id)
    if cycle.status == "closed":
        raise Conflict("考核已结束，评分不能再更改", code="APPRAISAL_CYCLE_CLOSED")
    state = await phase_state(cycle, "scoring", today=today, staff_id=actor.id)
    if state != "open":
        if state == "not_started":
            raise Conflict("考核评分阶段尚未开始", code="APPRAISAL_PHASE_NOT_STARTED", fields={"phase": "scoring"})
        raise Conflict("考核评分阶段已结束；如确需补评，请联系人事部门为您重新开放", code="APPRAISAL_PHASE_CLOSED",
                       fields={"phase": "scoring"})
    return sheet, cycle


def _finite(x):
    return x is None or (isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x))


async def _apply(actor, sheet, entries_in, stage):
    """Validate and store the given entries; append a ScoreChange row per changed entry. Returns
    the context after the write."""
    gs, vid, items, latest, entries = await _context(sheet)
    if not vid:
        raise Conflict("被考核人的目标尚未确认，暂不能评分", code="APPRAISAL_GOALS_NOT_CONFIRMED")
    by_key = {i["key"]: i for i in items}
    fields, seen = {}, set()
    for n, e in enumerate(entries_in):
        key = e["key"]
        item = by_key.get(key)
        if item is None:
            fields[f"entries.{n}.key"] = "不是该评分表的目标项"
            continue
        if key in seen:
            fields[f"entries.{n}.key"] = "重复的目标项"
            continue
        seen.add(key)
        score = e.get("score")
        if not _finite(score) or (score is not None and not 0 <= score <= max_score(item)):
            fields[f"entries.{key}.score"] = f"分数应在 0 至 {num(max_score(item))} 之间"
            continue
        if item["kind"] == "quantitative":
            auto, _ = _auto(item, latest)
            overridden = score is not None and (auto is None or abs(score - auto) > 0.005)
            reason = (e.get("override_reason") or "").strip()
            if overridden and len(reason) < OVERRIDE_MIN:
                fields[f"entries.{key}.override_reason"] = (
                    f"分数与公式计算结果（{num(auto) if auto is not None else '无实际值'}）不同，"
                    f"须写明理由（至少 {OVERRIDE_MIN} 个字）")
    if fields:
        code = ("APPRAISAL_OVERRIDE_REASON_REQUIRED" if all(k.endswith("override_reason") for k in fields)
                else "APPRAISAL_SCORE_OUT_OF_RANGE" if all(k.endswith(".score") for k in fields)
                else "VALIDATION_FAILED")
        raise Invalid("评分有误：" + "；".join(fields.values()), code=code, fields=fields)
    now = utcnow()
    for e in entries_in:
        item = by_key[e["key"]]
        auto, _ = _auto(item, latest)
        score = e.get("score")
        just = (e.get("justification") or "").strip()
        reason = (e.get("override_reason") or "").strip()
        if item["kind"] == "quantitative":
            if score is not None and auto is not None and abs(score - auto) <= 0.005:
                score, reason = None, ""      # the formula's own score: not an override
        else:
            reason = ""
        cur = entries.get(e["key"])
        if cur is None:
            cur = await ScoreEntry.acreate(sheet=sheet.id, item_key=e["key"], score=score, auto_score=auto,
                                           justification=just, override_reason=reason, updated_at=now)
            entries[e["key"]] = cur
            changed = True
        else:
            changed = (cur.score, cur.justification, cur.override_reason, cur.auto_score) != (score, just, reason, auto)
            if changed:
                await ScoreEntry.update(score=score, auto_score=auto, justification=just, override_reason=reason,
                                        updated_at=now).where(ScoreEntry.id == cur.id).aexecute()
                cur.score, cur.auto_score, cur.justification, cur.override_reason = score, auto, just, reason
        if changed:
            await ScoreChange.acreate(sheet=sheet.id, item_key=e["key"], score=_effective(item, cur, auto),
                                      justification=just, override_reason=reason, changed_by=actor.id,
                                      stage=stage, created_at=now)
    return gs, vid, items, latest, entries


def _audit_entries(items, entries, latest):
    out = {}
    for i in items:
        e = entries.get(i["key"])
        auto, _ = _auto(i, latest)
        out[i["key"]] = {"score": _effective(i, e, auto), "auto_score": auto,
                         "override_reason": e.override_reason if e else "",
                         "justification": (e.justification if e else "")[:200]}
    return out


async def save_sheet(*, actor, sheet_id, entries, version, today):
    """Save a draft: the given entries (others untouched). 409 when `version` is stale."""
    async with atomic():
        sheet, cycle = await _writable(actor, sheet_id, today)
        if version != sheet.version:
            raise _stale()
        ctx = await _apply(actor, sheet, entries, "draft")
        _, vid, items, latest, stored = ctx
        total = sheet_total(items, {i["key"]: _effective(i, stored.get(i["key"]), _auto(i, latest)[0])
                                    for i in items})
        await ScoreSheet.update(status="draft", total=total, goal_version_id=vid, version=ScoreSheet.version + 1,
                                updated_at=utcnow()).where(ScoreSheet.id == sheet.id).aexecute()
        await audit.record(actor=actor, action="appraisal.sheet.save", target_type="appraisal_score_sheet",
                           target_id=sheet.id, unit_id=cycle.unit_id,
                           after={"participant_id": sheet.participant_id, "role": sheet.role, "total": total,
                                  "entries": _audit_entries(items, stored, latest)})
    sheet = await ScoreSheet.aget(ScoreSheet.id == sheet.id)
    return await sheet_out(sheet, actor, today=today)


async def submit_sheet(*, actor, sheet_id, version, entries=(), today):
    """Check every entry (the justification rule, override reasons, scores present) and lock."""
    async with atomic():
        sheet, cycle = await _writable(actor, sheet_id, today)
        if version is not None and version != sheet.version:
            raise _stale()
        ctx = await _apply(actor, sheet, list(entries), "draft")
        _, vid, items, latest, stored = ctx
        if not items:
            raise Conflict("被考核人的目标尚未确认，暂不能评分", code="APPRAISAL_GOALS_NOT_CONFIRMED")
        rule = justification.rule_of(cycle.settings)
        fields, codes = {}, []
        scores = {}
        for item in items:
            auto, row = _auto(item, latest)
            e = _entry_out(item, stored.get(item["key"]), auto, row, rule)
            scores[item["key"]] = e["score"]
            for p in e["problems"]:
                fields.setdefault(f"entries.{item['key']}.{p['field']}", p["message"])
                codes.append(p["code"])
        if fields:
            first = codes[0] if codes else "VALIDATION_FAILED"
            raise Invalid(f"还有 {len({k.split('.')[1] for k in fields})} 项不能提交：" + "；".join(fields.values()),
                          code=first, fields=fields)
        total = sheet_total(items, scores)
        now = utcnow()
        n = await ScoreSheet.update(status="submitted", total=total, goal_version_id=vid, submitted_at=now,
                                    version=ScoreSheet.version + 1, updated_at=now).where(
            ScoreSheet.id == sheet.id, ScoreSheet.status.in_(("pending", "draft"))).aexecute()
        if not n:
            raise _submitted()
        await ScoreChange.insert_many([
            {"sheet": sheet.id, "item_key": i["key"], "score": scores[i["key"]],
             "justification": stored[i["key"]].justification if i["key"] in stored else "",
             "override_reason": stored[i["key"]].override_reason if i["key"] in stored else "",
             "changed_by": actor.id, "stage": "submit", "created_at": now} for i in items]).aexecute()
        await audit.record(actor=actor, action="appraisal.sheet.submit", target_type="appraisal_score_sheet",
                           target_id=sheet.id, unit_id=cycle.unit_id,
                           after={"participant_id": sheet.participant_id, "role": sheet.role, "total": total,
                                  "goal_version_id": vid, "entries": _audit_entries(items, stored, latest)})
    sheet = await ScoreSheet.aget(ScoreSheet.id == sheet.id)
    return await sheet_out(sheet, actor, today=today)


# -- lists ------------------------------------------------------------------------------------------------

def _list_rows(rows, people, depts, cycles):
    out = []
    for r in rows:
        c = cycles.get(r.cycle_id)
        out.append({
            "id": r.id, "cycle": {"id": c.id, "name": c.name, "year": c.year, "kind": c.kind} if c else None,
            "participant": _person(people[r.participant_id], depts),
            "rater": _person(people[r.rater_id], depts),
            "role": r.role, "role_label": ROLE_LABELS.get(r.role, r.role), "weight": r.weight,
            "status": r.status, "status_label": STATUS_LABELS.get(r.status, r.status), "total": r.total,
            "submitted_at": r.submitted_at, "updated_at": r.updated_at,
        })
    return out


async def _rows_out(rows):
    people = await _names({i for r in rows for i in (r.participant_id, r.rater_id)})
    depts = await _dept_names({p.department_id for p in people.values()})
    cycles = {c.id: c for c in await fetch_all(AppraisalCycle.select().where(
        AppraisalCycle.id.in_(list({r.cycle_id for r in rows}) or [0])))}
    return _list_rows(rows, people, depts, cycles)


async def my_sheets(*, actor, cycle_id=None, status=None):
    """The caller's sheets as a rater (recused ones only when asked for by status)."""
    q = (ScoreSheet.select(ScoreSheet).join(AppraisalCycle, on=(ScoreSheet.cycle == AppraisalCycle.id))
         .where(ScoreSheet.rater == actor.id, AppraisalCycle.status != "draft"))
    if cycle_id is not None:
        q = q.where(ScoreSheet.cycle == cycle_id)
    q = q.where(ScoreSheet.status == status) if status else q.where(ScoreSheet.status != "recused")
    rows = await fetch_all(q.order_by(ScoreSheet.cycle.desc(), ScoreSheet.role, ScoreSheet.participant))
    return await _rows_out(rows)


async def list_sheets(*, actor, cycle_id, rater_id=None, status=None, department_id=None, page=1, page_size=20):
    """HR: the cycle's sheets of participants in reach."""
    cycle, reach = await cycle_in_reach(actor, cycle_id)
    P = Staff.alias("p")
    q = (ScoreSheet.select(ScoreSheet).join(P, on=(ScoreSheet.participant == P.id))
         .where(ScoreSheet.cycle == cycle.id, reach.staff_filter(P)))
    if rater_id is not None:
        q = q.where(ScoreSheet.rater == rater_id)
    if status:
        q = q.where(ScoreSheet.status == status)
    if department_id is not None:
        q = q.where(P.department == department_id)
    total = await count(q)
    rows = await fetch_all(q.order_by(P.department, ScoreSheet.participant, ScoreSheet.role, ScoreSheet.id)
                           .paginate(page, page_size))
    return await _rows_out(rows), total


async def progress_by_department(*, actor, cycle_id):
    """HR: per department of the participants in reach, sheets by status (one grouped query)."""
    cycle, reach = await cycle_in_reach(actor, cycle_id)
    P = Staff.alias("p")
    rows = await fetch_all(ScoreSheet.select(P.department.alias("dept"), ScoreSheet.status,
                                             pw.fn.COUNT(ScoreSheet.id).alias("n"),
                                             pw.fn.COUNT(pw.fn.DISTINCT(ScoreSheet.participant)).alias("people"))
                           .join(P, on=(ScoreSheet.participant == P.id))
                           .where(ScoreSheet.cycle == cycle.id, reach.staff_filter(P))
                           .group_by(P.department, ScoreSheet.status).objects())
    depts = await _dept_names({r.dept for r in rows})
    out = {}
    for r in rows:
        d = out.setdefault(r.dept, {"department_id": r.dept, "department_name": depts.get(r.dept, "—"),
                                    "pending": 0, "draft": 0, "submitted": 0, "recused": 0, "total": 0})
        d[r.status] = d.get(r.status, 0) + r.n
        if r.status != "recused":
            d["total"] += r.n
    result = sorted(out.values(), key=lambda d: d["department_name"])
    for d in result:
        d["percent"] = round(d["submitted"] * 100.0 / d["total"], 1) if d["total"] else 0.0
    return cycle, result


# -- the read other modules use ---------------------------------------------------------------------

async def submitted_totals(cycle_id):
    """{participant_id: {"sheets": [{"sheet_id", "rater_id", "role", "weight", "total",
    "submitted_at"}], "total": weighted total or None, "pending": number of live sheets not yet
    submitted}} for every participant with a sheet in the cycle.

    `total` = Σ sheet total × sheet weight / Σ weights of the submitted sheets (recused sheets
    are not counted: the sheet that took over is). One query."""
    out = {}
    rows = await fetch_all(ScoreSheet.select(ScoreSheet.id, ScoreSheet.participant.alias("participant_id"),
                                             ScoreSheet.rater.alias("rater_id"), ScoreSheet.role,
                                             ScoreSheet.weight, ScoreSheet.status, ScoreSheet.total,
                                             ScoreSheet.submitted_at)
                           .where(ScoreSheet.cycle == cycle_id, ScoreSheet.status != "recused").namedtuples())
    for r in rows:
        d = out.setdefault(r.participant_id, {"sheets": [], "total": None, "pending": 0})
        if r.status == "submitted" and r.total is not None:
            d["sheets"].append({"sheet_id": r.id, "rater_id": r.rater_id, "role": r.role, "weight": r.weight,
                                "total": r.total, "submitted_at": r.submitted_at})
        else:
            d["pending"] += 1
    for d in out.values():
        w = sum(s["weight"] for s in d["sheets"])
        if w > 0:
            d["total"] = round(sum(s["total"] * s["weight"] for s in d["sheets"]) / w, 2)
    return out
