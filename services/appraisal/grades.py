"""Results and grades (等次): the weighted total of the submitted sheets, the grade proposed from
the cycle's thresholds, HR's confirmation under the 优秀 quota, quota approvals, the grade
distribution per department, and what periodic results (平时考核) feed into the annual proposal.

Settings (cycle.settings, every key optional):
- `grade_thresholds`: {grade code: minimum total}; annual default 优秀 90 / 称职 70 / 基本称职 60
  (else 不称职), periodic 好 90 / 较好 75 / 一般 60 (else 较差).
- `quota`: {"percent": 20, "max_percent": 25}: 优秀 (好) per unit is floor(participants × percent
  / 100), at least 1 with 5 or more participants; above `percent` (up to `max_percent`) only with
  a recorded QuotaApproval.

Everything here is set-based: a handful of queries whatever the number of participants.
"""
import decimal

import peewee as pw

from models.appraisal.cycles import AppraisalCycle, CycleParticipant
from models.appraisal.scoring import AppraisalResult, QuotaApproval, ScoreSheet
from models.base import atomic, count, fetch_all, real_db, utcnow
from models.org import Department, Staff
from server.errors import Conflict, Invalid, NotFound
from services import audit, events
from services.appraisal.cycles import cycle_for_manage
from services.appraisal.goal_history import cycle_in_reach

ANNUAL = ("excellent", "competent", "basically_competent", "incompetent")
PERIODIC = ("good", "fairly_good", "average", "poor")
GRADE_LABELS = {"excellent": "优秀", "competent": "称职", "basically_competent": "基本称职",
                "incompetent": "不称职", "good": "好", "fairly_good": "较好", "average": "一般",
                "poor": "较差"}
DEFAULT_THRESHOLDS = {"annual": {"excellent": 90, "competent": 70, "basically_competent": 60},
                      "periodic": {"good": 90, "fairly_good": 75, "average": 60}}
DEFAULT_PERCENT, DEFAULT_MAX_PERCENT = 20, 25
ROUNDING_RULE = "优秀名额 = 参与人数 × 比例，向下取整；参与人数 5 人及以上时至少 1 名"
STATUS_LABELS = {"computed": "待确认", "confirmed": "已确认", "published": "公示中", "final": "已定档"}
LOW_GRADES = ("basically_competent", "incompetent")


def scale(cycle):
    return PERIODIC if cycle.kind == "periodic" else ANNUAL


def top_grade(cycle):
    return scale(cycle)[0]


def thresholds(cycle):
    """[(grade, minimum)] best first, then the lowest grade with minimum None."""
    grades = scale(cycle)
    base = dict(DEFAULT_THRESHOLDS["periodic" if cycle.kind == "periodic" else "annual"])
    custom = (cycle.settings or {}).get("grade_thresholds") or {}
    for g, v in custom.items():
        if g in base and isinstance(v, (int, float)) and not isinstance(v, bool):
            base[g] = float(v)
    return [(g, base[g]) for g in grades[:-1]] + [(grades[-1], None)]


def propose(total, rules):
    if total is None:
        return ""
    for grade, minimum in rules:
        if minimum is None or total >= minimum:
            return grade
    return rules[-1][0]


def quota_settings(cycle):
    q = (cycle.settings or {}).get("quota") or {}
    pct = q.get("percent", DEFAULT_PERCENT)
    mx = q.get("max_percent", DEFAULT_MAX_PERCENT)
    ok = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 100  # noqa: E731
    pct = float(pct) if ok(pct) else DEFAULT_PERCENT
    mx = max(pct, float(mx) if ok(mx) else DEFAULT_MAX_PERCENT)
    return pct, mx


def quota_limit(participants, percent):
    """floor(participants × percent / 100), at least 1 with 5 or more participants (exact
    decimal arithmetic: 22.5 % of 40 is 9, not 8.999…)."""
    n = int(decimal.Decimal(participants) * decimal.Decimal(str(percent)) / 100)
    return max(n, 1) if participants >= 5 else n


def effective_grade(r):
    return r.adjusted_grade or r.grade


def closed_error():
    return Conflict("考核周期已结束，结果已锁定，不能再修改", code="APPRAISAL_CYCLE_CLOSED")


def require_open(cycle):
    if cycle.status == "closed":
        raise closed_error()
    if cycle.status != "launched":
        raise Conflict("考核周期尚未启动", code="APPRAISAL_CYCLE_NOT_LAUNCHED")


async def published_any(cycle_id):
    return await count(AppraisalResult.select(AppraisalResult.id).where(
        AppraisalResult.cycle == cycle_id, AppraisalResult.published_at.is_null(False))) > 0


def _already_published():
    return Conflict("考核结果已公示，不能再计算或确认等次；如需更正请走复核程序",
                    code="APPRAISAL_RESULTS_PUBLISHED")


async def read_scope(actor, cycle_id):
    """(cycle, reach) for HR (appraisal.manage) or the inspector (appraisal.view) whose reach
    touches the cycle's unit; 404 else."""
    for perm in ("appraisal.manage", "appraisal.view"):
        if actor.has(perm):
            try:
                return await cycle_in_reach(actor, cycle_id, perm)
            except NotFound:
                continue
    raise NotFound("考核周期不存在", code="APPRAISAL_CYCLE_NOT_FOUND")


# -- totals ------------------------------------------------------------------------------------

async def sheet_totals(cycle_id):
    """{participant: {"total", "sheets": [...], "pending"}}. Uses the scoring module's public read
    when it is there; the same weighted sum with one query otherwise."""
    try:
        from services.appraisal.scoring import submitted_totals
    except ImportError:  # pragma: no cover - until scoring lands
        submitted_totals = None
    if submitted_totals is not None:
        return await submitted_totals(cycle_id)
    out = {}
    rows = await fetch_all(ScoreSheet.select(ScoreSheet.participant, ScoreSheet.role, ScoreSheet.weight,
                                             ScoreSheet.status, ScoreSheet.total)
                           .where(ScoreSheet.cycle == cycle_id, ScoreSheet.status != "recused"))
    for r in rows:
        d = out.setdefault(r.participant_id, {"sheets": [], "total": None, "pending": 0})
        if r.status == "submitted" and r.total is not None:
            d["sheets"].append({"role": r.role, "weight": r.weight, "total": r.total})
        else:
            d["pending"] += 1
    for d in out.values():
        w = sum(s["weight"] for s in d["sheets"])
        if w > 0:
            d["total"] = round(sum(s["total"] * s["weight"] for s in d["sheets"]) / w, 2)
    return out


async def periodic_grades(cycle, staff_ids=None):
    """For an annual cycle: {staff_id: [{"cycle_id", "name", "period_no", "grade"}]} of the same
    unit's periodic cycles of the same year (confirmed grades, the adjusted one when a review
    changed it). One query."""
    if cycle.kind != "annual":
        return {}
    C = AppraisalCycle.alias("pc")
    q = (AppraisalResult.select(AppraisalResult.staff, AppraisalResult.grade, AppraisalResult.adjusted_grade,
                                C.id.alias("cid"), C.name.alias("cname"), C.period_no.alias("pno"))
         .join(C, on=(AppraisalResult.cycle == C.id))
         .where(C.unit == cycle.unit_id, C.kind == "periodic", C.year == cycle.year,
                AppraisalResult.grade != ""))
    if staff_ids is not None:
        q = q.where(AppraisalResult.staff.in_(list(staff_ids) or [0]))
    out = {}
    for r in await fetch_all(q.order_by(C.period_no, C.id).objects()):
        g = r.adjusted_grade or r.grade
        out.setdefault(r.staff_id, []).append({"cycle_id": r.cid, "name": r.cname, "period_no": r.pno,
                                               "grade": g, "grade_label": GRADE_LABELS.get(g, g)})
    return out


def _blocked(periodic):
    return any(p["grade"] == "poor" for p in periodic)


async def _upsert(rows):
    """Insert or refresh result rows (keyed by cycle + staff) in batches; the confirmed grade
    and status are left alone."""
    preserve = [AppraisalResult.total, AppraisalResult.proposed_grade, AppraisalResult.detail,
                AppraisalResult.department_id, AppraisalResult.updated_at]
    mysql = isinstance(real_db(), pw.MySQLDatabase)
    for i in range(0, len(rows), 500):
        q = AppraisalResult.insert_many(rows[i:i + 500])
        q = (q.on_conflict(preserve=preserve) if mysql else
             q.on_conflict(conflict_target=[AppraisalResult.cycle, AppraisalResult.staff], preserve=preserve))
        await q.aexecute()


async def compute_results(*, actor, cycle_id, today):
    """Compute (or recompute, before publication) every active participant's total and proposed
    grade. Returns the summary."""
    cycle, _ = await cycle_for_manage(actor, cycle_id)
    require_open(cycle)
    if await published_any(cycle.id):
        raise _already_published()
    parts = await fetch_all(CycleParticipant.select(CycleParticipant.staff, CycleParticipant.department)
                            .where(CycleParticipant.cycle == cycle.id, CycleParticipant.status == "active"))
    totals = await sheet_totals(cycle.id)
    periodic = await periodic_grades(cycle)
    rules = thresholds(cycle)
    now = utcnow()
    rows, counts, blocked = [], {}, 0
    for p in parts:
        t = totals.get(p.staff_id) or {"sheets": [], "total": None, "pending": 0}
        grade = propose(t["total"], rules)
        per = periodic.get(p.staff_id, [])
        note = ""
        if grade == "excellent" and _blocked(per):
            grade, note, blocked = "competent", "平时考核有“较差”，不能建议为优秀", blocked + 1
        counts[grade or "none"] = counts.get(grade or "none", 0) + 1
        rows.append({"cycle": cycle.id, "staff": p.staff_id, "unit": cycle.unit_id,
                     "department_id": p.department_id, "total": t["total"], "proposed_grade": grade,
                     "status": "computed", "updated_at": now, "created_at": now,
                     "detail": {"sheets": [{"role": s["role"], "weight": s["weight"], "total": s["total"]}
                                           for s in t["sheets"]],
                                "pending": t["pending"], "note": note}})
    async with atomic():
        await _upsert(rows)
        await AppraisalResult.delete().where(
            AppraisalResult.cycle == cycle.id,
            AppraisalResult.staff.not_in(CycleParticipant.select(CycleParticipant.staff).where(
                CycleParticipant.cycle == cycle.id, CycleParticipant.status == "active"))).aexecute()
        summary = {"participants": len(parts), "with_total": sum(1 for r in rows if r["total"] is not None),
                   "pending_sheets": sum(r["detail"]["pending"] for r in rows), "proposed": counts,
                   "blocked_by_periodic": blocked}
        await audit.record(actor=actor, action="appraisal.result.compute", target_type="appraisal_cycle",
                           target_id=cycle.id, after=summary, unit_id=cycle.unit_id)
    return summary


# -- quota ---------------------------------------------------------------------------------------

async def quota_status(cycle):
    """The 优秀 quota of the cycle's unit: numbers and the rule, as the API and the console show it."""
    pct, mx = quota_settings(cycle)
    approval = (await fetch_all(QuotaApproval.select().where(
        QuotaApproval.cycle == cycle.id, QuotaApproval.unit == cycle.unit_id)
        .order_by(QuotaApproval.percent.desc(), QuotaApproval.id.desc()).limit(1)))
    approval = approval[0] if approval else None
    percent = min(max(pct, approval.percent), mx) if approval else pct
    participants = await count(CycleParticipant.select(CycleParticipant.id).where(
        CycleParticipant.cycle == cycle.id, CycleParticipant.status == "active"))
    top = top_grade(cycle)
    tally = {r.g: r.n for r in await fetch_all(
        AppraisalResult.select(AppraisalResult.grade.alias("g"), pw.fn.COUNT(AppraisalResult.id).alias("n"))
        .where(AppraisalResult.cycle == cycle.id, AppraisalResult.grade == top)
        .group_by(AppraisalResult.grade).objects())}
    proposed = await count(AppraisalResult.select(AppraisalResult.id).where(
        AppraisalResult.cycle == cycle.id, AppraisalResult.proposed_grade == top))
    limit = quota_limit(participants, percent)
    confirmed = tally.get(top, 0)
    return {"participants": participants, "percent": percent, "default_percent": pct, "max_percent": mx,
            "limit": limit, "confirmed": confirmed, "proposed": proposed, "remaining": max(limit - confirmed, 0),
            "top_grade": top, "top_grade_label": GRADE_LABELS[top], "rule": ROUNDING_RULE,
            "approval": ({"id": approval.id, "percent": approval.percent, "reason": approval.reason,
                          "document": approval.document, "approved_by": approval.approved_by_id,
                          "created_at": approval.created_at} if approval else None)}


async def get_quota(*, actor, cycle_id):
    cycle, _ = await read_scope(actor, cycle_id)
    return await quota_status(cycle)


async def add_quota_approval(*, actor, cycle_id, percent, reason, document):
    cycle, _ = await cycle_for_manage(actor, cycle_id)
    require_open(cycle)
    pct, mx = quota_settings(cycle)
    if not pct < percent <= mx:
        raise Invalid(f"批准比例应大于 {pct:g}% 且不超过 {mx:g}%", code="APPRAISAL_QUOTA_PERCENT_INVALID",
                      fields={"percent": f"应在 {pct:g}–{mx:g} 之间"})
    async with atomic():
        row = await QuotaApproval.acreate(cycle=cycle.id, unit=cycle.unit_id, percent=percent, reason=reason,
                                          document=document, approved_by=actor.id)
        await audit.record(actor=actor, action="appraisal.result.quota_approval", target_type="appraisal_cycle",
                           target_id=cycle.id, unit_id=cycle.unit_id,
                           after={"approval_id": row.id, "percent": percent, "reason": reason,
                                  "document": document})
    return await quota_status(cycle)


def quota_exceeded(q, already, requested):
    return Conflict(
        f"{q['top_grade_label']}等次超出名额：本单位参与考核 {q['participants']} 人，比例 {q['percent']:g}%，"
        f"名额 {q['limit']} 名（{ROUNDING_RULE}）；已确认 {already} 名，本次申请 {requested} 名",
        code="APPRAISAL_QUOTA_EXCEEDED",
        fields={"limit": q["limit"], "confirmed": already, "requested": requested,
                "participants": q["participants"], "percent": q["percent"]})


# -- confirmation ----------------------------------------------------------------------------------

AUDIT_CHANGES_PER_ENTRY = 1000


async def confirm(*, actor, cycle_id, items=None, accept_proposed=False, today):
    """HR confirms grades: the given {staff_id, grade} items, or (accept_proposed) every result
    not yet confirmed at its proposed grade. Refused whole when the 优秀 quota would be exceeded."""
    cycle, _ = await cycle_for_manage(actor, cycle_id)
    require_open(cycle)
    grades = scale(cycle)
    top = top_grade(cycle)
    async with atomic():
        if await published_any(cycle.id):
            raise _already_published()
        results = {r.staff_id: r for r in await fetch_all(
            AppraisalResult.select(AppraisalResult.id, AppraisalResult.staff, AppraisalResult.grade,
                                   AppraisalResult.proposed_grade)
            .where(AppraisalResult.cycle == cycle.id))}
        wanted, fields = {}, {}
        if accept_proposed:
            wanted = {sid: r.proposed_grade for sid, r in results.items() if not r.grade and r.proposed_grade}
        for n, it in enumerate(items or []):
            sid, g = it["staff_id"], it["grade"]
            if sid not in results:
                fields[f"items.{n}.staff_id"] = "不是本周期有考核结果的人员"
            elif g not in grades:
                fields[f"items.{n}.grade"] = "应为 " + "、".join(GRADE_LABELS[x] for x in grades)
            elif sid in wanted and not accept_proposed:
                fields[f"items.{n}.staff_id"] = "重复的人员"
            else:
                wanted[sid] = g
        if fields:
            raise Invalid("确认等次有误", code="VALIDATION_FAILED", fields=fields)
        if not wanted:
            raise Invalid("没有需要确认的等次", code="APPRAISAL_NOTHING_TO_CONFIRM", fields={"items": "必填"})
        periodic = await periodic_grades(cycle, [s for s, g in wanted.items() if g == top])
        blocked = [s for s, g in wanted.items() if g == top and _blocked(periodic.get(s, []))]
        if blocked:
            raise Conflict("平时考核结果有“较差”的人员不能确定为优秀", code="APPRAISAL_EXCELLENT_BLOCKED",
                           fields={"staff_ids": blocked})
        q = await quota_status(cycle)
        already = sum(1 for sid, r in results.items() if r.grade == top and sid not in wanted)
        requested = sum(1 for g in wanted.values() if g == top)
        if already + requested > q["limit"]:
            raise quota_exceeded(q, already, requested)
        now = utcnow()
        by_grade = {}
        for sid, g in wanted.items():
            by_grade.setdefault(g, []).append(sid)
        for g, ids in by_grade.items():
            for i in range(0, len(ids), 500):
                await AppraisalResult.update(grade=g, status="confirmed", confirmed_by=actor.id, confirmed_at=now,
                                             version=AppraisalResult.version + 1, updated_at=now).where(
                    AppraisalResult.cycle == cycle.id, AppraisalResult.staff.in_(ids[i:i + 500])).aexecute()
        changes = [(str(sid), [results[sid].grade, g]) for sid, g in wanted.items() if results[sid].grade != g]
        # Every change stays in the audit log; above AUDIT_CHANGES_PER_ENTRY they are split over
        # several entries ("part": [n, of]), since one entry's JSON must fit its TEXT column
        # (10,000 accepted grades are ~250 kB: MariaDB refused the single entry, issue 16).
        parts = [changes[i:i + AUDIT_CHANGES_PER_ENTRY]
                 for i in range(0, len(changes), AUDIT_CHANGES_PER_ENTRY)] or [[]]
        for n, part in enumerate(parts, 1):
            after = {"confirmed": len(wanted), "changes": dict(part),
                     "quota": {"limit": q["limit"], "top": already + requested}}
            if len(parts) > 1:
                after["part"] = [n, len(parts)]
            await audit.record(actor=actor, action="appraisal.result.confirm", target_type="appraisal_cycle",
                               target_id=cycle.id, unit_id=cycle.unit_id, after=after)
        # Integrity alerts recompute on it (services/appraisal/alerts.py subscribes).
        await events.publish("appraisal.results.confirmed", cycle_id=cycle.id, unit_id=cycle.unit_id)
    return {"confirmed": len(wanted), "quota": await quota_status(cycle)}


# -- reading ------------------------------------------------------------------------------------

def result_out(r, *, name="", employee_no="", dept_name=None, periodic=None, flags=None):
    g = effective_grade(r)
    return {"id": r.id, "cycle_id": r.cycle_id, "staff": {"id": r.staff_id, "name": name, "employee_no": employee_no},
            "department_id": r.department_id, "department_name": dept_name, "total": r.total,
            "proposed_grade": r.proposed_grade, "proposed_grade_label": GRADE_LABELS.get(r.proposed_grade, ""),
            "grade": r.grade, "grade_label": GRADE_LABELS.get(r.grade, ""),
            "adjusted_total": r.adjusted_total, "adjusted_grade": r.adjusted_grade,
            "effective_grade": g, "effective_grade_label": GRADE_LABELS.get(g, ""),
            "status": r.status, "status_label": STATUS_LABELS.get(r.status, r.status),
            "note": ((r.detail or {}).get("note") or ""), "pending_sheets": (r.detail or {}).get("pending", 0),
            "sheets": [{"role": s.get("role"), "weight": s.get("weight"), "total": s.get("total")}
                       for s in (r.detail or {}).get("sheets", [])],
            "periodic": periodic or [], "flags": flags or [],
            "confirmed_at": r.confirmed_at, "published_on": r.published_on,
            "publication_ends_on": r.publication_ends_on}


async def list_results(*, actor, cycle_id, department_id=None, grade=None, status=None, page=1, page_size=50):
    cycle, reach = await read_scope(actor, cycle_id)
    q = (AppraisalResult.select(AppraisalResult, Staff.name.alias("sname"), Staff.employee_no.alias("sno"))
         .join(Staff, on=(AppraisalResult.staff == Staff.id))
         .where(AppraisalResult.cycle == cycle.id, reach.staff_filter(Staff)))
    if department_id is not None:
        q = q.where(AppraisalResult.department_id == department_id)
    if grade:
        q = q.where((AppraisalResult.grade == grade) | ((AppraisalResult.grade == "") & (AppraisalResult.proposed_grade == grade)))
    if status:
        q = q.where(AppraisalResult.status == status)
    total = await count(q)
    rows = await fetch_all(q.order_by(AppraisalResult.department_id, AppraisalResult.total.desc(), AppraisalResult.id)
                           .paginate(page, page_size).objects())
    depts = {d.id: d.name for d in await fetch_all(Department.select(Department.id, Department.name).where(
        Department.id.in_(list({r.department_id for r in rows if r.department_id}) or [0])))}
    ids = [r.staff_id for r in rows]
    periodic = await periodic_grades(cycle, ids)
    from services.appraisal.record import flags_for
    flags = await flags_for(cycle.unit_id, ids)
    out = [result_out(r, name=r.sname, employee_no=r.sno, dept_name=depts.get(r.department_id),
                      periodic=periodic.get(r.staff_id), flags=flags.get(r.staff_id)) for r in rows]
    return {"cycle": {"id": cycle.id, "name": cycle.name, "kind": cycle.kind, "year": cycle.year,
                      "status": cycle.status},
            "grades": [{"code": g, "label": GRADE_LABELS[g]} for g in scale(cycle)],
            "thresholds": [{"grade": g, "label": GRADE_LABELS[g], "min": m} for g, m in thresholds(cycle)],
            "quota": await quota_status(cycle), "published": await published_any(cycle.id),
            "rows": out}, total


async def distribution(*, actor, cycle_id):
    """Per department in reach: participants and the count per grade (the confirmed grade, else
    the proposed one), with the 优秀 rate. One grouped query."""
    cycle, reach = await read_scope(actor, cycle_id)
    g = pw.Case(None, [(AppraisalResult.adjusted_grade != "", AppraisalResult.adjusted_grade),
                       (AppraisalResult.grade != "", AppraisalResult.grade)], AppraisalResult.proposed_grade)
    rows = await fetch_all(AppraisalResult.select(AppraisalResult.department_id.alias("dept"), g.alias("g"),
                                                  pw.fn.COUNT(AppraisalResult.id).alias("n"))
                           .join(Staff, on=(AppraisalResult.staff == Staff.id))
                           .where(AppraisalResult.cycle == cycle.id, reach.staff_filter(Staff))
                           .group_by(AppraisalResult.department_id, g).objects())
    depts = {d.id: d.name for d in await fetch_all(Department.select(Department.id, Department.name).where(
        Department.id.in_(list({r.dept for r in rows if r.dept}) or [0])))}
    grades = scale(cycle)
    out = {}
    for r in rows:
        d = out.setdefault(r.dept, {"department_id": r.dept, "department_name": depts.get(r.dept, "未分配部门"),
                                    "participants": 0, "counts": {k: 0 for k in grades + ("",)}})
        d["counts"][r.g if r.g in grades else ""] += r.n
        d["participants"] += r.n
    top = grades[0]
    result = sorted(out.values(), key=lambda d: d["department_name"])
    for d in result:
        d["ungraded"] = d["counts"].pop("")
        d["top_rate"] = round(d["counts"][top] * 100.0 / d["participants"], 1) if d["participants"] else 0.0
    return {"grades": [{"code": k, "label": GRADE_LABELS[k]} for k in grades], "departments": result,
            "quota": await quota_status(cycle)}
