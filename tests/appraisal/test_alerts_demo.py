"""`python -m server demo` leaves integrity alerts on last year's published cycle: an 优秀 with late
days and a 旷工 day, and a score changed after the scoring deadline (at least two, open); idempotent."""
from models.appraisal.cycles import AppraisalCycle
from models.appraisal.outcomes import IntegrityAlert
from models.base import fetch_all


def test_demo_has_integrity_alerts(server):
    from services.demo import load_demo
    server.run(load_demo(env=server.env), timeout=180)

    async def read():
        [last] = await fetch_all(AppraisalCycle.select().where(AppraisalCycle.kind == "annual")
                                 .order_by(AppraisalCycle.year).limit(1))
        return last, await fetch_all(IntegrityAlert.select().where(IntegrityAlert.cycle == last.id)
                                     .order_by(IntegrityAlert.id))
    cycle, alerts = server.run(read())
    kinds = {a.kind for a in alerts if a.status == "open"}
    assert {"attendance_contradiction", "late_change"} <= kinds and len(alerts) >= 2
    att = next(a for a in alerts if a.kind == "attendance_contradiction")
    assert att.detail["numbers"]["absent_days"] == 1 and att.detail["numbers"]["late_days"] == 6
    assert att.severity == "high" and "旷工 1 天" in att.title
    # idempotent: running the step again adds nothing
    from models.appraisal.scoring import ScoreChange
    from models.base import count
    from models.org import Unit
    from services.demo import _seed_appraisal_alerts
    changes = server.run(count(ScoreChange.select()))
    unit = server.run(Unit.aget(Unit.id == cycle.unit_id))
    server.run(_seed_appraisal_alerts(unit), timeout=60)
    assert server.run(count(ScoreChange.select())) == changes
    assert [(a.id, a.status) for a in server.run(read())[1]] == [(a.id, a.status) for a in alerts]
