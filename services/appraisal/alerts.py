"""Integrity alerts (廉洁风险识别): computed per cycle into IntegrityAlert — on demand by HR and when
results are confirmed or published or a review/appeal is decided (events) — listed and drilled into by HR (`appraisal.manage`)
and the discipline inspector (`appraisal.view`) in reach, dismissed by HR with a written reason.

Recomputation is idempotent, one row per (cycle, kind, subject_key):
- a new finding is inserted `open`;
- a finding already stored gets its current numbers, title and severity;
- a `dismissed` alert stays dismissed unless one of its numbers got worse than when it was
  dismissed (more 优秀, more late days, more changes, a bigger gap...): then it reopens, the
  earlier dismissal kept in `detail.dismissals`;
- an `open` alert no longer found becomes `resolved` (kept, reopened if it comes back); a dismissed
  one stays dismissed.
The detectors (one or two grouped queries each) are in services/appraisal/alert_rules.py."""
import datetime

import peewee as pw

from models.appraisal.cycles import AppraisalCycle
from models.appraisal.outcomes import IntegrityAlert
from models.appraisal.scoring import AppraisalResult, Relationship, ScoreChange, ScoreSheet
from models.attendance import DayStatus
from models.base import atomic, count, fetch_all, for_update, get_one, utcnow
from models.org import Department, Staff
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.redact import mask_text
from services import audit, events
from services.appraisal import alert_rules as rules
from services.appraisal.goal_history import cycle_in_reach

SUBSCRIBES = True
KINDS = tuple(rules.DETECTORS)
KIND_LABELS = {
    "dept_excellent_rate": "部门优秀比例异常", "flat_distribution": "评分过于集中",
    "completion_jump": "得分异常跃升", "attendance_contradiction": "与考勤记录矛盾",
    "late_change": "截止后修改评分", "rater_bias": "评分明显偏向", "related_rater": "亲属评分未回避",
}
SEVERITY_LABELS = {"high": "严重", "warning": "关注", "info": "提示"}
SEVERITIES = ("high", "warning", "info")
STATUS_LABELS = {"open": "待处理", "dismissed": "已排除", "resolved": "已消除"}
# Numbers where a bigger value means worse: a dismissed alert reopens when one of them grows.
WORSE_KEYS = {
    "dept_excellent_rate": ("excellent", "rate"),
    "flat_distribution": ("sheets",),
    "completion_jump": ("jump",),
    "attendance_contradiction": ("late_days", "absent_days", "missing_days"),
    "late_change": ("changes",),
    "rater_bias": ("favoured", "max_gap"),
    "related_rater": ("sheets",),
}
NUMBER_LABELS = {
    "participants": "参与人数", "excellent": "优秀人数", "rate": "优秀比例(%)", "unit_rate": "全单位比例(%)",
    "quota_percent": "名额比例(%)", "sheets": "评分表数", "min": "最低分", "max": "最高分", "spread": "极差",
    "mean": "平均分", "stddev": "标准差", "total": "本次得分", "previous_average": "以往平均分",
    "previous_cycles": "以往次数", "jump": "高出分数", "late_days": "迟到天数", "absent_days": "旷工天数",
    "missing_days": "缺卡天数", "changes": "截止后修改次数", "days_after_deadline": "最晚超出天数",
    "reopened": "已重新开放", "favoured": "偏高人数", "others": "其他人数", "max_gap": "最大差距",
    "others_mean": "其他人平均分",
}
THRESHOLD_LABELS = {
    "enabled": "启用", "min_participants": "部门最少人数", "unit_ratio": "高于全单位比例的倍数",
    "min_sheets": "最少评分表", "max_spread": "极差不超过", "max_stddev": "标准差低于",
    "min_jump": "高出以往平均分", "min_previous": "以往至少次数", "min_total": "总分不低于",
    "late_days": "迟到天数达", "absent_days": "旷工天数达", "missing_days": "缺卡天数达",
    "grace_hours": "截止后宽限（小时）", "min_gap": "高出其他人平均分", "min_others": "同部门其他人至少",
    "from": "考勤期间自", "to": "至", "deadline": "评分截止日",
}
REASON_MIN = 10


def describe_thresholds(values):
    """"部门最少人数 3，高于全单位比例的倍数 2" — the thresholds as the console shows them."""
    return "，".join(f"{THRESHOLD_LABELS.get(k, k)} {v:g}" if isinstance(v, float) else f"{THRESHOLD_LABELS.get(k, k)} {v}"
                    for k, v in values.items() if k != "enabled") or "—"


def _not_found():
    return NotFound("预警不存在", code="APPRAISAL_ALERT_NOT_FOUND")


# -- who may read --------------------------------------------------------------------------------

async def read_scope(actor, cycle_id):
    """(cycle, reach) for HR or the inspector whose reach touches the cycle's unit; the reach is
    the union of both permissions' reaches. 404 else."""
    cycle, reach = None, None
    for perm in ("appraisal.manage", "appraisal.view"):
        if not actor.has(perm):
            continue
        try:
            c, r = await cycle_in_reach(actor, cycle_id, perm)
        except NotFound:
            continue
        cycle, reach = c, (r if reach is None else reach.union(r))
    if cycle is None:
        raise NotFound("考核周期不存在", code="APPRAISAL_CYCLE_NOT_FOUND")
    return cycle, reach


def _alert_filter(reach, cycle):
    """The alerts of `cycle` inside `reach`: everything when the unit is in reach, else the
    alerts about a department in reach."""
    if reach.everything or cycle.unit_id in reach.unit_ids:
        return pw.SQL("1 = 1")
    return IntegrityAlert.department_id.in_(list(reach.dept_ids) or [0])


def _covers(reach, cycle, alert):
    return (reach.everything or cycle.unit_id in reach.unit_ids
            or (alert.department_id is not None and alert.department_id in reach.dept_ids))


# -- computing -----------------------------------------------------------------------------------

def _worse(kind, old, new):
    return any(float(new.get(k, 0)) > float(old.get(k, 0)) + 1e-6 for k in WORSE_KEYS.get(kind, ()))


async def compute_cycle(cycle_id, *, actor=None):
    """Run every enabled detector over the cycle and store the alerts (see the module docstring).
    Returns {"found", "created", "updated", "reopened", "resolved", "by_kind"}. Call inside or
    outside a transaction (the events call it inside the publisher's)."""
    async with atomic():
        cycle = await get_one(for_update(AppraisalCycle.select().where(AppraisalCycle.id == cycle_id)))
        if cycle is None:
            raise NotFound("考核周期不存在", code="APPRAISAL_CYCLE_NOT_FOUND")
        conf = rules.settings_of(cycle)
        found = []
        for kind, detect in rules.DETECTORS.items():
            if conf[kind]["enabled"]:
                found += await detect(cycle, conf[kind])
        stored = {(a.kind, a.subject_key): a for a in await fetch_all(
            IntegrityAlert.select().where(IntegrityAlert.cycle == cycle.id))}
        now = utcnow()
        new_rows, stats = [], {"created": 0, "updated": 0, "reopened": 0, "resolved": 0}
        seen = set()
        for a in found:
            key = (a["kind"], a["subject_key"])
            seen.add(key)
            detail = {"numbers": a["numbers"], "thresholds": a["thresholds"], "ids": a["ids"]}
            cur = stored.get(key)
            if cur is None:
                new_rows.append({"cycle": cycle.id, "kind": a["kind"], "subject_key": a["subject_key"],
                                 "department_id": a["department_id"], "severity": a["severity"],
                                 "title": a["title"], "detail": detail, "status": "open",
                                 "created_at": now, "computed_at": now})
                continue
            old = cur.detail or {}
            for keep in ("at_dismissal", "dismissals"):
                if keep in old:
                    detail[keep] = old[keep]
            changes = {}
            status = cur.status
            if cur.status == "resolved":
                status = "open"
            elif cur.status == "dismissed" and _worse(a["kind"], old.get("at_dismissal") or {}, a["numbers"]):
                status = "open"
                detail["dismissals"] = [*old.get("dismissals", []), {
                    "by": cur.dismissed_by_id, "at": cur.dismissed_at.isoformat() if cur.dismissed_at else None,
                    "reason": cur.dismiss_reason, "numbers": old.get("at_dismissal") or {}}]
                detail.pop("at_dismissal", None)
                changes.update(dismissed_by=None, dismissed_at=None, dismiss_reason="")
                stats["reopened"] += 1
            if status != cur.status:
                changes["status"] = status
            if (detail != old or cur.title != a["title"] or cur.severity != a["severity"]
                    or cur.department_id != a["department_id"]):
                changes.update(detail=detail, title=a["title"], severity=a["severity"],
                               department_id=a["department_id"])
            if changes:
                stats["updated"] += 1
                await IntegrityAlert.update(computed_at=now, **changes).where(IntegrityAlert.id == cur.id).aexecute()
        for i in range(0, len(new_rows), 200):
            await IntegrityAlert.insert_many(new_rows[i:i + 200]).aexecute()
        stats["created"] = len(new_rows)
        gone = [a.id for k, a in stored.items() if k not in seen and a.status == "open"]
        for i in range(0, len(gone), 500):
            await IntegrityAlert.update(status="resolved", computed_at=now).where(
                IntegrityAlert.id.in_(gone[i:i + 500])).aexecute()
        stats["resolved"] = len(gone)
        await IntegrityAlert.update(computed_at=now).where(IntegrityAlert.cycle == cycle.id).aexecute()
        by_kind = {k: 0 for k in KINDS}
        for a in found:
            by_kind[a["kind"]] += 1
        out = {"cycle_id": cycle.id, "found": len(found), **stats, "by_kind": by_kind, "computed_at": now}
        if actor is not None:
            await audit.record(actor=actor, action="appraisal.alert.compute", target_type="appraisal_cycle",
                               target_id=cycle.id, unit_id=cycle.unit_id,
                               after={k: v for k, v in out.items() if k != "computed_at"})
    return out


async def compute(*, actor, cycle_id):
    """HR: compute the cycle's alerts now (audited)."""
    cycle, _ = await cycle_in_reach(actor, cycle_id, "appraisal.manage")
    return await compute_cycle(cycle.id, actor=actor)


async def _on_results(cycle_id=None, **_):
    if cycle_id is not None:
        await compute_cycle(cycle_id)


def register_subscribers():
    events.subscribe("appraisal.results.confirmed", _on_results)
    events.subscribe("appraisal.results.published", _on_results)
    events.subscribe("appraisal.request.decided", _on_results)     # a review/appeal adjusted a grade


# -- reading ---------------------------------------------------------------------------------------

async def _people(ids):
    rows = await fetch_all(Staff.select(Staff.id, Staff.name, Staff.employee_no, Staff.department)
                           .where(Staff.id.in_(list(ids) or [0])))
    depts = await _dept_names({s.department_id for s in rows})
    return {s.id: {"id": s.id, "name": s.name, "employee_no": s.employee_no,
                   "department_id": s.department_id, "department_name": depts.get(s.department_id)}
            for s in rows}


async def _dept_names(ids):
    return {d.id: d.name for d in await fetch_all(Department.select(Department.id, Department.name)
                                                  .where(Department.id.in_([i for i in ids if i] or [0])))}


def alert_out(a, depts, people):
    d = a.detail or {}
    by = people.get(a.dismissed_by_id) if a.dismissed_by_id else None
    return {
        "id": a.id, "cycle_id": a.cycle_id, "kind": a.kind, "kind_label": KIND_LABELS.get(a.kind, a.kind),
        "subject_key": a.subject_key, "severity": a.severity,
        "severity_label": SEVERITY_LABELS.get(a.severity, a.severity), "title": a.title,
        "department_id": a.department_id, "department_name": depts.get(a.department_id),
        "status": a.status, "status_label": STATUS_LABELS.get(a.status, a.status),
        "numbers": d.get("numbers") or {}, "thresholds": d.get("thresholds") or {},
        "ids": d.get("ids") or {},
        "dismissed_by": {"id": by["id"], "name": by["name"]} if by else None,
        "dismiss_reason": mask_text(a.dismiss_reason), "dismissed_at": a.dismissed_at,
        "reopened_times": len(d.get("dismissals") or []),
        "created_at": a.created_at, "computed_at": a.computed_at,
    }


async def _rows_out(alerts):
    depts = await _dept_names({a.department_id for a in alerts})
    people = await _people({a.dismissed_by_id for a in alerts if a.dismissed_by_id})
    return [alert_out(a, depts, people) for a in alerts]


async def list_alerts(*, actor, cycle_id, kind=None, status=None, severity=None, department_id=None,
                      page=1, page_size=50):
    """The cycle's alerts in reach, most severe first, and the counts by kind and severity (of the
    alerts in reach, before the filters)."""
    cycle, reach = await read_scope(actor, cycle_id)
    base = IntegrityAlert.select().where(IntegrityAlert.cycle == cycle.id, _alert_filter(reach, cycle))
    counts = await fetch_all(IntegrityAlert.select(IntegrityAlert.kind, IntegrityAlert.severity,
                                                   IntegrityAlert.status, pw.fn.COUNT(IntegrityAlert.id))
                             .where(IntegrityAlert.cycle == cycle.id, _alert_filter(reach, cycle))
                             .group_by(IntegrityAlert.kind, IntegrityAlert.severity, IntegrityAlert.status).tuples())
    q = base
    if kind:
        q = q.where(IntegrityAlert.kind == kind)
    if status:
        q = q.where(IntegrityAlert.status == status)
    if severity:
        q = q.where(IntegrityAlert.severity == severity)
    if department_id is not None:
        q = q.where(IntegrityAlert.department_id == department_id)
    total = await count(q)
    order = pw.Case(IntegrityAlert.severity, [("high", 0), ("warning", 1)], 2)
    status_order = pw.Case(IntegrityAlert.status, [("open", 0), ("dismissed", 1)], 2)
    rows = await fetch_all(q.order_by(status_order, order, IntegrityAlert.kind, IntegrityAlert.id)
                           .paginate(page, page_size))
    summary = {"by_kind": [], "by_severity": [], "open": 0, "dismissed": 0, "resolved": 0}
    kinds = {k: {"kind": k, "label": KIND_LABELS[k], "open": 0, "dismissed": 0, "resolved": 0} for k in KINDS}
    sev = {s: {"severity": s, "label": SEVERITY_LABELS[s], "open": 0} for s in SEVERITIES}
    for k, s, st, n in counts:
        if k in kinds and st in kinds[k]:
            kinds[k][st] += n
        if st == "open" and s in sev:
            sev[s]["open"] += n
        if st in ("open", "dismissed", "resolved"):
            summary[st] += n
    summary["by_kind"] = list(kinds.values())
    summary["by_severity"] = list(sev.values())
    last = await get_one(IntegrityAlert.select(pw.fn.MAX(IntegrityAlert.computed_at).alias("at"))
                         .where(IntegrityAlert.cycle == cycle.id).tuples())
    summary["computed_at"] = last[0] if last else None
    summary["thresholds"] = {k: {x: y for x, y in v.items()} for k, v in rules.settings_of(cycle).items()}
    return cycle, await _rows_out(rows), total, summary


async def alert_departments(*, actor, cycle_id):
    """[(id, name)] of the departments the cycle's alerts in reach are about (the list filter)."""
    cycle, reach = await read_scope(actor, cycle_id)
    ids = [i for (i,) in await fetch_all(IntegrityAlert.select(IntegrityAlert.department_id).distinct().where(
        IntegrityAlert.cycle == cycle.id, _alert_filter(reach, cycle),
        IntegrityAlert.department_id.is_null(False)).tuples())]
    names = await _dept_names(ids)
    return sorted(names.items(), key=lambda x: x[1])


async def readable_alert(actor, alert_id):
    a = await IntegrityAlert.aget_or_none(IntegrityAlert.id == alert_id)
    if a is None:
        raise _not_found()
    try:
        cycle, reach = await read_scope(actor, a.cycle_id)
    except NotFound:
        raise _not_found() from None
    if not _covers(reach, cycle, a):
        raise _not_found()
    return a, cycle, reach


async def _drill_down(a, cycle, reach):
    """The rows behind an alert, in the caller's reach: people, results, sheets, score changes,
    attendance days and relationships, each fetched with one query by id."""
    ids = (a.detail or {}).get("ids") or {}
    get = lambda k: [int(x) for x in ids.get(k, [])][:rules.MAX_IDS] or [0]  # noqa: E731
    people_ids = set(ids.get("staff", []))
    results = await fetch_all(AppraisalResult.select().where(AppraisalResult.id.in_(get("results")))
                              .order_by(AppraisalResult.id))
    sheets = await fetch_all(ScoreSheet.select().where(ScoreSheet.id.in_(get("sheets"))).order_by(ScoreSheet.id))
    changes = await fetch_all(ScoreChange.select().where(ScoreChange.id.in_(get("changes"))).order_by(ScoreChange.id))
    days = await fetch_all(DayStatus.select().where(DayStatus.id.in_(get("days"))).order_by(DayStatus.day))
    rels = await fetch_all(Relationship.select().where(Relationship.id.in_(get("relationships")))
                           .order_by(Relationship.id))
    cycles = {c.id: c.name for c in await fetch_all(AppraisalCycle.select(AppraisalCycle.id, AppraisalCycle.name)
                                                   .where(AppraisalCycle.id.in_([r.cycle_id for r in results] or [0])))}
    sheet_of = {s.id: s for s in sheets}
    people_ids |= {r.staff_id for r in results} | {x for s in sheets for x in (s.rater_id, s.participant_id)}
    people_ids |= {c.changed_by_id for c in changes if c.changed_by_id} | {d.staff_id for d in days}
    people_ids |= {x for r in rels for x in (r.staff_id, r.relative_id)}
    people = await _people(people_ids)
    # Outside the caller's reach a person is named by nothing but "（范围外人员）".
    visible = {p["id"] for p in people.values()
               if reach.everything or cycle.unit_id in reach.unit_ids or p["department_id"] in reach.dept_ids}
    hidden = {"id": 0, "name": "（范围外人员）", "employee_no": "", "department_id": None, "department_name": None}
    who = lambda i: (people.get(i, hidden) if i in visible else hidden)  # noqa: E731
    favoured = set(ids.get("favoured", []))
    labels = rules.GRADE_LABELS
    return {
        "people": [who(i) for i in sorted(people_ids) if i in visible],
        "results": [{"id": r.id, "cycle_id": r.cycle_id, "cycle_name": cycles.get(r.cycle_id, ""),
                     "staff": who(r.staff_id), "total": r.adjusted_total if r.adjusted_total is not None else r.total,
                     "grade": r.adjusted_grade or r.grade or r.proposed_grade,
                     "grade_label": labels.get(r.adjusted_grade or r.grade or r.proposed_grade, ""),
                     "confirmed": bool(r.grade), "status": r.status} for r in results],
        "sheets": [{"id": s.id, "rater": who(s.rater_id), "participant": who(s.participant_id), "role": s.role,
                    "weight": s.weight, "status": s.status, "total": s.total, "submitted_at": s.submitted_at,
                    "favoured": s.participant_id in favoured} for s in sheets],
        "changes": [{"id": c.id, "sheet_id": c.sheet_id,
                     "participant": who(sheet_of[c.sheet_id].participant_id) if c.sheet_id in sheet_of else hidden,
                     "item_key": c.item_key, "score": c.score, "stage": c.stage,
                     "justification": mask_text(c.justification[:300]),
                     "changed_by": who(c.changed_by_id) if c.changed_by_id else hidden, "changed_at": c.created_at}
                    for c in changes],
        "days": [{"id": d.id, "staff": who(d.staff_id), "day": d.day, "status": d.status,
                  "late_minutes": d.late_minutes, "early_minutes": d.early_minutes,
                  "missing_count": d.missing_count} for d in days],
        "relationships": [{"id": r.id, "staff": who(r.staff_id), "relative": who(r.relative_id),
                           "kind": r.kind, "kind_label": rules.RELATION_LABELS.get(r.kind, r.kind),
                           "declared_at": r.created_at, "revoked_at": r.revoked_at} for r in rels],
    }


async def get_alert(*, actor, alert_id):
    """One alert with the rows behind it, its thresholds and earlier dismissals; `can_dismiss`."""
    a, cycle, reach = await readable_alert(actor, alert_id)
    out = (await _rows_out([a]))[0]
    history = (a.detail or {}).get("dismissals") or []
    people = await _people({h.get("by") for h in history if h.get("by")})
    out["cycle"] = {"id": cycle.id, "name": cycle.name, "year": cycle.year, "kind": cycle.kind}
    out["rows"] = await _drill_down(a, cycle, reach)
    out["earlier_dismissals"] = [{"by": people.get(h.get("by"), {}).get("name", ""),
                                  "at": datetime.datetime.fromisoformat(h["at"]) if h.get("at") else None,
                                  "reason": mask_text(h.get("reason") or ""),
                                  "numbers": h.get("numbers") or {}} for h in history]
    out["number_labels"] = {k: NUMBER_LABELS.get(k, k) for k in out["numbers"]}
    out["can_dismiss"] = a.status == "open" and await _may_dismiss(actor, cycle, a)
    return out


async def _may_dismiss(actor, cycle, a):
    if not actor.has("appraisal.manage"):
        return False
    try:
        c, reach = await cycle_in_reach(actor, cycle.id, "appraisal.manage")
    except NotFound:
        return False
    return _covers(reach, c, a)


async def dismiss(*, actor, alert_id, reason):
    """HR dismisses an open alert with a written reason (≥ 10 characters; audited). The inspector
    reads but may not dismiss (403)."""
    reason = (reason or "").strip()
    a, cycle, _ = await readable_alert(actor, alert_id)
    if not await _may_dismiss(actor, cycle, a):
        raise Forbidden("只有人事部门可以排除预警；纪检监督人员可查看全部预警", code="APPRAISAL_ALERT_DISMISS_FORBIDDEN")
    if len(reason) < REASON_MIN:
        raise Invalid(f"请写明排除理由（至少 {REASON_MIN} 个字）", code="APPRAISAL_ALERT_REASON_REQUIRED",
                      fields={"reason": f"至少 {REASON_MIN} 个字"})
    async with atomic():
        cur = await get_one(for_update(IntegrityAlert.select().where(IntegrityAlert.id == a.id)))
        if cur.status != "open":
            raise Conflict("该预警不是待处理状态，不能排除", code="APPRAISAL_ALERT_NOT_OPEN",
                           fields={"status": cur.status})
        now = utcnow()
        detail = dict(cur.detail or {})
        detail["at_dismissal"] = detail.get("numbers") or {}
        await IntegrityAlert.update(status="dismissed", dismissed_by=actor.id, dismissed_at=now,
                                    dismiss_reason=reason, detail=detail).where(IntegrityAlert.id == cur.id).aexecute()
        await audit.record(actor=actor, action="appraisal.alert.dismiss", target_type="appraisal_integrity_alert",
                           target_id=cur.id, unit_id=cycle.unit_id,
                           before={"status": "open", "kind": cur.kind, "title": cur.title},
                           after={"status": "dismissed", "reason": reason, "numbers": detail["at_dismissal"]})
    return await get_alert(actor=actor, alert_id=a.id)
