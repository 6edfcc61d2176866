"""`python -m server demo` adds last year's annual cycle: published results within the quota, an
answered objection and an open appeal decided by someone who rated nobody there."""
from models.appraisal.cycles import AppraisalCycle
from models.appraisal.outcomes import Objection, ResultRequest
from models.appraisal.scoring import AppraisalResult, ScoreSheet
from models.approvals import ApprovalTask
from models.base import fetch_all


def test_demo_has_a_published_cycle_with_an_open_appeal(server):
    from services.demo import load_demo
    server.run(load_demo(env=server.env), timeout=180)

    async def read():
        cycles = await fetch_all(AppraisalCycle.select().where(AppraisalCycle.kind == "annual").order_by(AppraisalCycle.year))
        last = cycles[0]
        results = await fetch_all(AppraisalResult.select().where(AppraisalResult.cycle == last.id))
        reqs = await fetch_all(ResultRequest.select().where(ResultRequest.cycle == last.id).order_by(ResultRequest.id))
        tasks = await fetch_all(ApprovalTask.select().where(ApprovalTask.instance == reqs[-1].instance_id))
        raters = {s.rater_id for s in await fetch_all(ScoreSheet.select().where(
            ScoreSheet.cycle == last.id, ScoreSheet.participant == reqs[-1].staff_id))}
        objections = await fetch_all(Objection.select().where(Objection.cycle == last.id))
        return cycles, results, reqs, tasks, raters, objections
    cycles, results, reqs, tasks, raters, objections = server.run(read())
    assert len(cycles) == 2 and cycles[0].year == cycles[1].year - 1
    assert results and all(r.status == "published" for r in results)
    excellent = sum(1 for r in results if r.grade == "excellent")
    assert 0 < excellent <= len(results) * 20 // 100 or (excellent == 1 and len(results) >= 5)
    assert [(r.kind, r.status) for r in reqs] == [("review", "rejected"), ("appeal", "pending")]
    assert tasks and not {t.assignee_id for t in tasks} & raters
    assert objections and objections[0].status == "answered"
    # idempotent
    server.run(load_demo(env=server.env, force=False), timeout=180)
    assert len(server.run(fetch_all(AppraisalCycle.select().where(AppraisalCycle.kind == "annual")))) == 2
