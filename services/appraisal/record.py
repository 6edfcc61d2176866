"""A person's appraisal record across cycles (考核档案): every published result, consecutive 优秀
years (three in a row: award-eligible, 嘉奖/记三等功 rules) and 不称职/基本称职 twice in a row
(flagged to HR). Only published (or final) results count: a confirmed grade not yet published
is not part of anyone's record."""
from models.appraisal.cycles import AppraisalCycle
from models.appraisal.scoring import AppraisalResult
from models.base import fetch_all
from models.org import Staff
from server.errors import NotFound
from services.access import staff_dept_ids

AWARD_STREAK = 3
LOW = ("basically_competent", "incompetent")
FLAG_LABELS = {"excellent_streak": "连续三年优秀，符合嘉奖条件",
               "low_twice": "连续两年基本称职或不称职，请人事部门关注"}


def _annual_flags(by_year):
    """by_year {year: grade} → (flags, longest 优秀 streak ending at the latest year, streak years)."""
    flags, years = [], sorted(by_year)
    streak, best = [], []
    for y in years:
        if by_year[y] == "excellent" and (not streak or streak[-1] == y - 1):
            streak.append(y)
        elif by_year[y] == "excellent":
            streak = [y]
        else:
            streak = []
        if len(streak) >= len(best):
            best = list(streak)
    if len(best) >= AWARD_STREAK:
        flags.append("excellent_streak")
    for a, b in zip(years, years[1:]):
        if b == a + 1 and by_year[a] in LOW and by_year[b] in LOW:
            flags.append("low_twice")
            break
    current = 0
    for y in reversed(years):
        if by_year[y] == "excellent" and (current == 0 or y == years[-1] - current):
            current += 1
        else:
            break
    return flags, current, best


async def _rows(staff_ids, unit_id=None):
    q = (AppraisalResult.select(AppraisalResult, AppraisalCycle.kind.alias("ckind"), AppraisalCycle.year.alias("cyear"),
                                AppraisalCycle.name.alias("cname"), AppraisalCycle.period.alias("cperiod"),
                                AppraisalCycle.period_no.alias("cpno"))
         .join(AppraisalCycle, on=(AppraisalResult.cycle == AppraisalCycle.id))
         .where(AppraisalResult.staff.in_(list(staff_ids) or [0]),
                AppraisalResult.status.in_(("published", "final"))))
    if unit_id is not None:
        q = q.where(AppraisalResult.unit == unit_id)
    return await fetch_all(q.order_by(AppraisalCycle.year, AppraisalCycle.id).objects())


async def flags_for(unit_id, staff_ids):
    """{staff_id: [flag, ...]} from the published annual results (one query)."""
    by = {}
    for r in await _rows(staff_ids, unit_id):
        if r.ckind == "annual":
            by.setdefault(r.staff_id, {})[r.cyear] = r.adjusted_grade or r.grade
    out = {}
    for sid, years in by.items():
        f, _, _ = _annual_flags(years)
        if f:
            out[sid] = f
    return out


async def staff_record(*, actor, staff_id):
    """The person themself, or HR / the inspector with the person in reach; 404 else."""
    from services.appraisal.grades import GRADE_LABELS
    staff = await Staff.aget_or_none(Staff.id == staff_id)
    allowed = staff is not None and staff.id == actor.id
    if staff is not None and not allowed:
        depts = await staff_dept_ids(staff)
        for perm in ("appraisal.manage", "appraisal.view"):
            if actor.has(perm) and (await actor.reach(perm)).covers_staff(staff.id, depts, staff.unit_id):
                allowed = True
                break
    if not allowed:
        raise NotFound("人员不存在或不在您的管理范围内", code="STAFF_NOT_FOUND")
    rows = await _rows([staff.id])
    years = {r.cyear: r.adjusted_grade or r.grade for r in rows if r.ckind == "annual"}
    flags, current, best = _annual_flags(years)
    return {
        "staff": {"id": staff.id, "name": staff.name, "employee_no": staff.employee_no},
        "results": [{"cycle_id": r.cycle_id, "cycle_name": r.cname, "kind": r.ckind, "year": r.cyear,
                     "period": r.cperiod, "period_no": r.cpno, "total": r.adjusted_total if r.adjusted_total is not None else r.total,
                     "grade": r.adjusted_grade or r.grade,
                     "grade_label": GRADE_LABELS.get(r.adjusted_grade or r.grade, ""),
                     "adjusted": bool(r.adjusted_grade or r.adjusted_total is not None),
                     "status": r.status} for r in rows],
        "excellent_streak": current, "longest_excellent_streak": best,
        "flags": [{"code": f, "label": FLAG_LABELS[f]} for f in flags],
    }
