"""The seven integrity-alert detectors (廉洁风险识别) of services/appraisal/alerts.py: each reads a
whole cycle with one or two grouped queries (never a query per person) and returns the alerts it
finds as plain dicts {kind, subject_key, department_id, severity, title, numbers, thresholds, ids}.

Thresholds come from `cycle.settings["alerts"][kind]` over DEFAULTS (documented in
docs/appraisal-scoring.md, "Integrity alerts"); a value of the wrong type falls back to its default.
"""
import datetime
import math

import peewee as pw

from models.appraisal.cycles import AppraisalCycle, CycleParticipant, CyclePhase, PhaseReopening
from models.appraisal.scoring import AppraisalResult, QuotaApproval, Relationship, ScoreChange, ScoreSheet
from models.attendance import DayStatus
from models.base import fetch_all
from models.org import Department, Staff
from services.appraisal.common import SHANGHAI

GRADE_LABELS = {"excellent": "优秀", "competent": "称职", "basically_competent": "基本称职",
                "incompetent": "不称职", "good": "好", "fairly_good": "较好", "average": "一般",
                "poor": "较差"}
RELATION_LABELS = {"spouse": "配偶", "blood": "直系血亲", "in_law": "姻亲", "close_kin": "近姻亲/其他近亲属"}
DEFAULTS = {
    "dept_excellent_rate": {"min_participants": 3, "unit_ratio": 2.0},
    "flat_distribution": {"min_sheets": 4, "max_spread": 1.0, "max_stddev": 1.0},
    "completion_jump": {"min_jump": 25.0, "min_previous": 1},
    "attendance_contradiction": {"min_total": 90.0, "late_days": 5, "absent_days": 1, "missing_days": 5},
    "late_change": {"grace_hours": 0},
    "rater_bias": {"min_gap": 15.0, "min_others": 2},
    "related_rater": {},
}
DEFAULT_QUOTA_PERCENT = 20.0
MAX_IDS = 200          # ids kept per kind of row in an alert's detail (the drill-down)


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0


def settings_of(cycle):
    """{kind: {"enabled": bool, **thresholds}} with the cycle's overrides applied."""
    custom = (cycle.settings or {}).get("alerts") or {}
    custom = custom if isinstance(custom, dict) else {}
    out = {}
    for kind, base in DEFAULTS.items():
        mine = custom.get(kind) if isinstance(custom.get(kind), dict) else {}
        conf = {k: (float(mine[k]) if isinstance(v, float) else int(mine[k]))
                if _number(mine.get(k)) else v for k, v in base.items()}
        conf["enabled"] = mine.get("enabled") is not False
        out[kind] = conf
    return out


def top_grade(cycle):
    return "good" if cycle.kind == "periodic" else "excellent"


def effective_grade(R=AppraisalResult):
    """The grade a result stands at: adjusted by a review, else confirmed, else proposed."""
    return pw.fn.COALESCE(pw.fn.NULLIF(R.adjusted_grade, ""), pw.fn.NULLIF(R.grade, ""), R.proposed_grade)


def effective_total(R=AppraisalResult):
    return pw.fn.COALESCE(R.adjusted_total, R.total)


def fmt(x):
    return f"{x:g}" if isinstance(x, float) else str(x)


async def _names(ids):
    rows = await fetch_all(Staff.select(Staff.id, Staff.name, Staff.department)
                           .where(Staff.id.in_(list(ids) or [0])).tuples())
    return {i: (n, d) for i, n, d in rows}


async def _dept_names(ids):
    rows = await fetch_all(Department.select(Department.id, Department.name)
                           .where(Department.id.in_(list(ids) or [0])).tuples())
    return dict(rows)


def _alert(kind, subject_key, department_id, severity, title, numbers, thresholds, **ids):
    return {"kind": kind, "subject_key": subject_key, "department_id": department_id,
            "severity": severity, "title": title[:200],
            "numbers": {k: round(float(v), 2) for k, v in numbers.items()},
            "thresholds": {k: v for k, v in thresholds.items() if k != "enabled"},
            "ids": {k: sorted(v)[:MAX_IDS] for k, v in ids.items()}}


# -- 1. a department's 优秀 rate --------------------------------------------------------------------

async def quota_percent(cycle):
    q = (cycle.settings or {}).get("quota") or {}
    pct = q.get("percent") if isinstance(q, dict) else None
    pct = float(pct) if _number(pct) and 0 < pct <= 100 else DEFAULT_QUOTA_PERCENT
    approved = await fetch_all(QuotaApproval.select(pw.fn.MAX(QuotaApproval.percent))
                               .where(QuotaApproval.cycle == cycle.id).tuples())
    if approved and approved[0][0]:
        pct = max(pct, float(approved[0][0]))
    return pct


async def dept_excellent_rate(cycle, conf):
    top = top_grade(cycle)
    is_top = pw.Case(None, [(effective_grade() == top, 1)], 0)
    rows = await fetch_all(AppraisalResult.select(AppraisalResult.department_id, pw.fn.COUNT(AppraisalResult.id),
                                                  pw.fn.SUM(is_top))
                           .where(AppraisalResult.cycle == cycle.id)
                           .group_by(AppraisalResult.department_id).tuples())
    total = sum(n for _, n, _ in rows)
    excellent = sum(int(e or 0) for _, _, e in rows)
    if not total:
        return []
    unit_rate = excellent / total
    pct = await quota_percent(cycle)
    flagged = {}
    for dept, n, e in rows:
        e = int(e or 0)
        if dept is None or n < conf["min_participants"] or not e:
            continue
        rate = e / n
        over_quota = rate * 100 > pct + 1e-9
        over_unit = rate > conf["unit_ratio"] * unit_rate + 1e-9
        if over_quota or over_unit:
            flagged[dept] = (n, e, rate, over_quota, over_unit)
    if not flagged:
        return []
    names = await _dept_names(flagged)
    ids = {}
    for rid, sid, dept in await fetch_all(
            AppraisalResult.select(AppraisalResult.id, AppraisalResult.staff, AppraisalResult.department_id)
            .where(AppraisalResult.cycle == cycle.id, AppraisalResult.department_id.in_(list(flagged)),
                   effective_grade() == top).tuples()):
        ids.setdefault(dept, ([], []))
        ids[dept][0].append(rid)
        ids[dept][1].append(sid)
    out = []
    label = GRADE_LABELS[top]
    for dept, (n, e, rate, over_quota, over_unit) in flagged.items():
        why = []
        if over_quota:
            why.append(f"超过名额比例 {fmt(pct)}%")
        if over_unit:
            why.append(f"是全单位（{unit_rate * 100:.1f}%）的 {rate / unit_rate:.1f} 倍" if unit_rate else "全单位无其他优秀")
        title = f"{names.get(dept, '—')}{label}比例 {rate * 100:.1f}%（{e}/{n} 人），" + "，".join(why)
        res, staff = ids.get(dept, ([], []))
        out.append(_alert("dept_excellent_rate", f"dept:{dept}", dept, "high" if over_quota and over_unit else "warning",
                          title, {"participants": n, "excellent": e, "rate": rate * 100, "unit_rate": unit_rate * 100,
                                  "quota_percent": pct}, conf, results=res, staff=staff))
    return out


# -- 2. a rater's flat distribution ---------------------------------------------------------------

def _submitted(S=ScoreSheet):
    return (S.status == "submitted") & S.total.is_null(False)


async def flat_distribution(cycle, conf):
    S = ScoreSheet
    rows = await fetch_all(S.select(S.rater, pw.fn.COUNT(S.id), pw.fn.MIN(S.total), pw.fn.MAX(S.total),
                                    pw.fn.AVG(S.total), pw.fn.AVG(S.total * S.total))
                           .where(S.cycle == cycle.id, _submitted(), S.role != "self")
                           .group_by(S.rater).having(pw.fn.COUNT(S.id) >= conf["min_sheets"]).tuples())
    flagged = {}
    for rater, n, lo, hi, mean, mean_sq in rows:
        spread = float(hi) - float(lo)
        std = math.sqrt(max(0.0, float(mean_sq) - float(mean) ** 2))
        if spread <= conf["max_spread"] + 1e-9 or std < conf["max_stddev"]:
            flagged[rater] = (n, float(lo), float(hi), float(mean), std)
    if not flagged:
        return []
    names = await _names(flagged)
    sheets = {}
    for sid, rater, part in await fetch_all(S.select(S.id, S.rater, S.participant).where(
            S.cycle == cycle.id, _submitted(), S.role != "self", S.rater.in_(list(flagged))).tuples()):
        sheets.setdefault(rater, ([], []))
        sheets[rater][0].append(sid)
        sheets[rater][1].append(part)
    out = []
    for rater, (n, lo, hi, mean, std) in flagged.items():
        name, dept = names.get(rater, ("—", None))
        title = f"{name}对 {n} 人的评分集中在 {fmt(round(lo, 2))}–{fmt(round(hi, 2))} 分（极差 {fmt(round(hi - lo, 2))}，标准差 {std:.2f}）"
        sev = "high" if hi - lo < 1e-9 and n >= 2 * conf["min_sheets"] else "warning"
        sid, parts = sheets.get(rater, ([], []))
        out.append(_alert("flat_distribution", f"rater:{rater}", dept, sev, title,
                          {"sheets": n, "min": lo, "max": hi, "spread": hi - lo, "mean": mean, "stddev": std},
                          conf, sheets=sid, staff=[rater, *parts]))
    return out


# -- 3. a jump above the person's previous cycles --------------------------------------------------

async def completion_jump(cycle, conf):
    R, C = AppraisalResult, AppraisalCycle
    now = {sid: (rid, float(t), dept) for rid, sid, t, dept in await fetch_all(
        R.select(R.id, R.staff, effective_total(R), R.department_id)
        .where(R.cycle == cycle.id, effective_total(R).is_null(False)).tuples())}
    if not now:
        return []
    earlier = (C.year < cycle.year)
    if cycle.kind == "periodic" and cycle.period_no:
        earlier = earlier | ((C.year == cycle.year) & (C.period_no < cycle.period_no))
    prev = await fetch_all(
        R.select(R.id, R.staff, effective_total(R), C.name)
        .join(C, on=(R.cycle == C.id))
        .where(C.unit == cycle.unit_id, C.kind == cycle.kind, C.period == cycle.period, C.id != cycle.id,
               C.status != "draft", earlier, effective_total(R).is_null(False),
               R.staff.in_(R.select(R.staff).where(R.cycle == cycle.id))).tuples())
    past = {}
    for rid, sid, t, _ in prev:
        past.setdefault(sid, []).append((rid, float(t)))
    flagged = []
    for sid, rows in past.items():
        if sid not in now or len(rows) < conf["min_previous"]:
            continue
        avg = sum(t for _, t in rows) / len(rows)
        rid, total, dept = now[sid]
        if total - avg >= conf["min_jump"] - 1e-9:
            flagged.append((sid, rid, total, dept, avg, rows))
    names = await _names([x[0] for x in flagged])
    out = []
    for sid, rid, total, dept, avg, rows in flagged:
        jump = total - avg
        title = (f"{names.get(sid, ('—',))[0]}本次得分 {fmt(round(total, 2))}，比以往 {len(rows)} 次同类考核的平均分 "
                 f"{avg:.1f} 高 {jump:.1f} 分")
        out.append(_alert("completion_jump", f"staff:{sid}", dept, "high" if jump >= 2 * conf["min_jump"] else "warning",
                          title, {"total": total, "previous_average": avg, "previous_cycles": len(rows), "jump": jump},
                          conf, results=[rid] + [r for r, _ in rows], staff=[sid]))
    return out


# -- 4. a top grade against the attendance records --------------------------------------------------

async def cycle_period(cycle):
    """(first, last) day of the period the cycle appraises: the year, the month or quarter of a
    periodic cycle, or (special) from the first phase's opening to the scoring deadline."""
    y = cycle.year
    if cycle.kind == "periodic" and cycle.period_no:
        if cycle.period == "month" and 1 <= cycle.period_no <= 12:
            first = datetime.date(y, cycle.period_no, 1)
            nxt = datetime.date(y + (cycle.period_no == 12), cycle.period_no % 12 + 1, 1)
            return first, nxt - datetime.timedelta(days=1)
        if cycle.period == "quarter" and 1 <= cycle.period_no <= 4:
            m = (cycle.period_no - 1) * 3 + 1
            first = datetime.date(y, m, 1)
            nxt = datetime.date(y + (m == 10), (m + 2) % 12 + 1, 1)
            return first, nxt - datetime.timedelta(days=1)
    if cycle.kind == "special":
        rows = await fetch_all(CyclePhase.select(CyclePhase.phase, CyclePhase.opens_on, CyclePhase.closes_on)
                               .where(CyclePhase.cycle == cycle.id).tuples())
        if rows:
            first = min(r[1] for r in rows)
            last = next((r[2] for r in rows if r[0] == "scoring"), max(r[2] for r in rows))
            return first, last
    return datetime.date(y, 1, 1), datetime.date(y, 12, 31)


async def attendance_contradiction(cycle, conf):
    R, D = AppraisalResult, DayStatus
    top = top_grade(cycle)
    first, last = await cycle_period(cycle)
    hit = (effective_grade(R) == top) | (effective_total(R) >= conf["min_total"])
    flagged_people = R.select(R.staff).where(R.cycle == cycle.id, hit)
    late = pw.Case(None, [(D.status.in_(("late", "late_early")), 1)], 0)
    absent = pw.Case(None, [(D.status == "absent", 1)], 0)
    missing = pw.Case(None, [(D.status == "missing", 1)], 0)
    rows = await fetch_all(D.select(D.staff, pw.fn.SUM(late), pw.fn.SUM(absent), pw.fn.SUM(missing))
                           .where(D.staff.in_(flagged_people), D.day >= first, D.day <= last)
                           .group_by(D.staff).tuples())
    limits = {"late_days": conf["late_days"], "absent_days": conf["absent_days"], "missing_days": conf["missing_days"]}
    flagged = {}
    for sid, lt, ab, ms in rows:
        got = {"late_days": int(lt or 0), "absent_days": int(ab or 0), "missing_days": int(ms or 0)}
        if any(limits[k] and got[k] >= limits[k] for k in got):
            flagged[sid] = got
    if not flagged:
        return []
    results = {sid: (rid, t, g, dept) for rid, sid, t, g, dept in await fetch_all(
        R.select(R.id, R.staff, effective_total(R), effective_grade(R), R.department_id)
        .where(R.cycle == cycle.id, R.staff.in_(list(flagged))).tuples())}
    days = {}
    for did, sid in await fetch_all(D.select(D.id, D.staff).where(
            D.staff.in_(list(flagged)), D.day >= first, D.day <= last,
            D.status.in_(("late", "late_early", "absent", "missing"))).order_by(D.day).tuples()):
        days.setdefault(sid, []).append(did)
    names = await _names(flagged)
    out = []
    for sid, got in flagged.items():
        rid, total, grade, dept = results[sid]
        what = GRADE_LABELS.get(grade, "") if grade == top else f"得分 {fmt(round(float(total), 2))}"
        bits = [f"{lbl} {got[k]} 天" for k, lbl in (("late_days", "迟到"), ("absent_days", "旷工"),
                                                      ("missing_days", "缺卡")) if got[k]]
        title = f"{names.get(sid, ('—',))[0]}考核为{what}，但考核期内" + "、".join(bits)
        sev = "high" if got["absent_days"] and limits["absent_days"] and got["absent_days"] >= limits["absent_days"] else "warning"
        out.append(_alert("attendance_contradiction", f"staff:{sid}", dept, sev, title,
                          {**got, "total": float(total) if total is not None else 0.0},
                          {**conf, "from": first.isoformat(), "to": last.isoformat()},
                          results=[rid], days=days.get(sid, []), staff=[sid]))
    return out


# -- 5. changes after the scoring deadline ----------------------------------------------------------

async def scoring_deadline_utc(cycle):
    """The end of the scoring phase (24:00 Beijing time of its last day) as naive UTC, or None."""
    row = await CyclePhase.aget_or_none(CyclePhase.cycle == cycle.id, CyclePhase.phase == "scoring")
    if row is None:
        return None, None
    end = datetime.datetime.combine(row.closes_on + datetime.timedelta(days=1), datetime.time(), SHANGHAI)
    return row.closes_on, end.astimezone(datetime.timezone.utc).replace(tzinfo=None)


async def late_change(cycle, conf):
    closes_on, deadline = await scoring_deadline_utc(cycle)
    if deadline is None:
        return []
    after = deadline + datetime.timedelta(hours=conf["grace_hours"])
    S, X = ScoreSheet, ScoreChange
    rows = await fetch_all(X.select(X.id, X.sheet, X.changed_by, X.created_at, S.rater, S.participant)
                           .join(S, on=(X.sheet == S.id))
                           .where(S.cycle == cycle.id, X.created_at >= after).order_by(X.id).tuples())
    if not rows:
        return []
    reopened = {sid for (sid,) in await fetch_all(
        PhaseReopening.select(PhaseReopening.staff).where(
            PhaseReopening.cycle == cycle.id, PhaseReopening.phase == "scoring").tuples())}
    by_sheet = {}
    for cid, sheet, by, at, rater, part in rows:
        d = by_sheet.setdefault(sheet, {"changes": [], "rater": rater, "participant": part, "by": set(), "last": at})
        d["changes"].append(cid)
        d["by"].add(by)
        d["last"] = max(d["last"], at)
    names = await _names({x for d in by_sheet.values() for x in (d["rater"], d["participant"])})
    out = []
    for sheet, d in by_sheet.items():
        rater_name = names.get(d["rater"], ("—",))[0]
        part_name, dept = names.get(d["participant"], ("—", None))
        was_reopened = d["rater"] in reopened
        title = (f"{rater_name}在评分截止（{closes_on.isoformat()}）后修改了对{part_name}的评分 {len(d['changes'])} 次"
                 + ("（已为其重新开放评分）" if was_reopened else ""))
        days_late = (d["last"] - deadline).total_seconds() / 86400
        out.append(_alert("late_change", f"sheet:{sheet}", dept, "warning" if was_reopened else "high", title,
                          {"changes": len(d["changes"]), "days_after_deadline": max(0.0, days_late),
                           "reopened": int(was_reopened)},
                          {**conf, "deadline": closes_on.isoformat()}, sheets=[sheet], changes=d["changes"],
                          staff=[d["rater"], d["participant"], *[b for b in d["by"] if b]]))
    return out


# -- 6. a rater favouring some people of a department ---------------------------------------------

async def rater_bias(cycle, conf):
    S, P = ScoreSheet, CycleParticipant
    rows = await fetch_all(S.select(S.id, S.rater, S.participant, S.total, P.department)
                           .join(P, on=((P.cycle == S.cycle) & (P.staff == S.participant)))
                           .where(S.cycle == cycle.id, _submitted(S), S.role != "self").tuples())
    groups = {}
    for sid, rater, part, total, dept in rows:
        groups.setdefault((rater, dept), []).append((sid, part, float(total)))
    flagged = []
    for (rater, dept), items in groups.items():
        n = len(items)
        if n < conf["min_others"] + 1:
            continue
        s = sum(t for _, _, t in items)
        fav = []
        for sid, part, t in items:
            others = (s - t) / (n - 1)
            if t - others >= conf["min_gap"] - 1e-9:
                fav.append((sid, part, t, others))
        if fav and len(fav) < n:
            flagged.append((rater, dept, items, fav))
    if not flagged:
        return []
    names = await _names({x for r, _, items, _ in flagged for x in [r, *[p for _, p, _ in items]]})
    depts = await _dept_names({d for _, d, _, _ in flagged})
    out = []
    for rater, dept, items, fav in flagged:
        gap = max(t - o for _, _, t, o in fav)
        fav_ids = {p for _, p, _, _ in fav}
        others = [t for _, p, t in items if p not in fav_ids]
        title = (f"{names.get(rater, ('—',))[0]}对{depts.get(dept, '—')}的"
                 f"{'、'.join(names.get(p, ('—',))[0] for _, p, _, _ in fav[:5])}评分明显高于其他人"
                 f"（最多高出 {gap:.1f} 分）")
        out.append(_alert("rater_bias", f"rater:{rater}/dept:{dept}", dept, "high" if gap >= 2 * conf["min_gap"] else "warning",
                          title, {"favoured": len(fav), "others": len(others), "max_gap": gap,
                                  "others_mean": sum(others) / len(others) if others else 0.0},
                          conf, sheets=[i for i, _, _ in items], favoured=sorted(fav_ids),
                          staff=[rater, *[p for _, p, _ in items]]))
    return out


# -- 7. a rater related to the participant ----------------------------------------------------------

async def related_rater(cycle, conf):
    S, Rel = ScoreSheet, Relationship
    pair = (((Rel.staff == S.rater) & (Rel.relative == S.participant))
            | ((Rel.staff == S.participant) & (Rel.relative == S.rater)))
    rows = await fetch_all(S.select(S.id, S.rater, S.participant, S.role, Rel.id, Rel.kind)
                           .join(Rel, on=pair)
                           .where(S.cycle == cycle.id, S.status == "submitted",
                                  Rel.revoked_at.is_null() | (Rel.revoked_at > S.submitted_at))
                           .order_by(S.id, Rel.id).tuples())
    selfs = await fetch_all(S.select(S.id, S.rater, S.participant, S.role).where(
        S.cycle == cycle.id, S.status == "submitted", S.role != "self", S.rater == S.participant).tuples())
    found = {}
    for sid, rater, part, role, rel_id, kind in rows:
        found.setdefault(sid, (rater, part, role, kind, []))[4].append(rel_id)
    for sid, rater, part, role in selfs:
        found.setdefault(sid, (rater, part, role, "self", []))
    if not found:
        return []
    names = await _names({x for r, p, *_ in found.values() for x in (r, p)})
    out = []
    for sid, (rater, part, role, kind, rels) in found.items():
        part_name, dept = names.get(part, ("—", None))
        rater_name = names.get(rater, ("—",))[0]
        title = (f"{rater_name}为本人评分（应回避）" if kind == "self"
                 else f"{rater_name}为其{RELATION_LABELS.get(kind, '亲属')}{part_name}评分（应回避）")
        out.append(_alert("related_rater", f"sheet:{sid}", dept, "high", title, {"sheets": 1},
                          conf, sheets=[sid], relationships=rels, staff=[rater, part]))
    return out


DETECTORS = {
    "dept_excellent_rate": dept_excellent_rate,
    "flat_distribution": flat_distribution,
    "completion_jump": completion_jump,
    "attendance_contradiction": attendance_contradiction,
    "late_change": late_change,
    "rater_bias": rater_bias,
    "related_rater": related_rater,
}
