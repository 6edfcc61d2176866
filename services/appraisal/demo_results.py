"""Demo data for results (issue 12): last year's annual cycle of the demo unit, scored (one leader
sheet per person, written straight to the table), computed, confirmed within the 优秀 quota,
published through the real services, with one objection answered, and one person's review
decided (rejected) and their appeal open on the approval engine. Idempotent: skipped when the
unit already has an annual cycle for that year."""
import datetime
import random

from models.appraisal.cycles import AppraisalCycle, CycleParticipant, CyclePhase
from models.appraisal.scoring import AppraisalResult, ScoreSheet
from models.base import atomic, fetch_all
from models.org import Department, Staff, Unit


async def seed_published_cycle(env, unit, *, today=None):
    from services.access import load_principal
    from services.appraisal import grades, publication, requests

    from services.appraisal.common import beijing_today
    today = today or beijing_today()
    year = today.year - 1
    if await AppraisalCycle.aget_or_none(AppraisalCycle.unit == unit.id, AppraisalCycle.kind == "annual",
                                         AppraisalCycle.year == year):
        return None
    staff = await fetch_all(Staff.select().where(Staff.unit == unit.id, Staff.status == "active").order_by(Staff.id))
    depts = {d.id: d for d in await fetch_all(Department.select().where(Department.unit == unit.id))}
    head_id = (await Unit.aget(Unit.id == unit.id)).head_id
    hr = None
    from models.access import Grant, Role
    for g in await fetch_all(Grant.select(Grant, Role).join(Role).where(Role.code == "hr_officer",
                                                                         Grant.revoked_at.is_null())):
        if any(s.id == g.staff_id for s in staff):
            hr = g.staff_id
            break
    if hr is None or not staff:
        return None

    async def who(staff_id):
        p = await load_principal(staff_id)
        p.ip, p.request_id, p.env = "127.0.0.1", "demo", env
        return p

    rng = random.Random(year)
    published = today - datetime.timedelta(days=25)
    async with atomic():
        cycle = await AppraisalCycle.acreate(unit=unit.id, kind="annual", year=year, name=f"{year}年度考核",
                                             status="launched", settings={"min_items": 3, "max_items": 10},
                                             participant_rule={"department_ids": [], "rank_ids": [], "exclude": {}},
                                             launched_at=datetime.datetime(year, 1, 6, 2, 0))
        for i, (phase, a, b) in enumerate((
                ("scoring", published - datetime.timedelta(days=30), published - datetime.timedelta(days=10)),
                ("publication", published, published + datetime.timedelta(days=7)),
                ("appeals", published + datetime.timedelta(days=8), published + datetime.timedelta(days=60)))):
            await CyclePhase.acreate(cycle=cycle.id, phase=phase, opens_on=a, closes_on=b, sort=i + 3)
        await CycleParticipant.insert_many([{"cycle": cycle.id, "staff": s.id, "department": s.department_id,
                                             "status": "active"} for s in staff]).aexecute()
        sheets = []
        for s in staff:
            dept = depts.get(s.department_id)
            rater = dept.leader_id if dept and dept.leader_id and dept.leader_id != s.id else head_id
            if rater is None or rater == s.id:
                rater = hr if hr != s.id else staff[0].id
            sheets.append({"cycle": cycle.id, "participant": s.id, "rater": rater, "role": "leader", "weight": 100,
                           "status": "submitted", "total": round(rng.uniform(62, 97), 1),
                           "submitted_at": datetime.datetime.combine(published - datetime.timedelta(days=12),
                                                                     datetime.time(2, 0))})
        await ScoreSheet.insert_many(sheets).aexecute()
    actor = await who(hr)
    await grades.compute_results(actor=actor, cycle_id=cycle.id, today=published)
    q = await grades.quota_status(cycle)
    rows = await fetch_all(AppraisalResult.select().where(AppraisalResult.cycle == cycle.id)
                           .order_by(AppraisalResult.total.desc()))
    items, top = [], 0
    for r in rows:
        g = r.proposed_grade or "competent"
        if g == "excellent":
            top += 1
            g = "excellent" if top <= q["limit"] else "competent"
        items.append({"staff_id": r.staff_id, "grade": g})
    await grades.confirm(actor=actor, cycle_id=cycle.id, items=items, today=published)
    await publication.publish(actor=actor, cycle_id=cycle.id, today=published)

    # one objection (answered), one review rejected and its appeal still open
    people = [s for s in staff if s.id not in (hr, head_id) and s.department_id
              and depts[s.department_id].leader_id not in (s.id, hr)]
    if len(people) < 2:
        return cycle
    objector, appellant = people[0], people[-1]
    o = await publication.file_objection(actor=await who(objector.id), cycle_id=cycle.id,
                                         text="建议公开各科室优秀等次的评定依据", today=published + datetime.timedelta(days=1))
    await publication.answer_objection(actor=actor, objection_id=o["id"],
                                       answer="各科室优秀等次按评分结果和名额确定，评分依据已向本人公开。")
    me = await who(appellant.id)
    result = await AppraisalResult.aget(AppraisalResult.cycle == cycle.id, AppraisalResult.staff == appellant.id)
    review = await requests.file_review(actor=me, result_id=result.id, today=published + datetime.timedelta(days=5),
                                        reason="本人全年承办重点工作较多，认为评分偏低，请求复核")
    await requests.decide(env=env, actor=actor, request_id=review["id"], outcome="rejected",
                          reason="经复核，评分依据事实清楚，维持原考核结果", today=published + datetime.timedelta(days=12))
    await requests.file_appeal(actor=me, review_id=review["id"], today=published + datetime.timedelta(days=20),
                               reason="对复核结果仍有异议，请求单位考核委员会处理")
    return cycle
