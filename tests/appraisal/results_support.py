"""Helpers for the results, quota, publication, review/appeal, close, application and record tests
(no tests here): a cycle of 甲局 whose sheets are already submitted (rows written straight to the
tables — the scoring flow is tested in test_scoring.py), then compute / confirm / publish through
the real API, clock-pinned; raw rows and audit look-ups."""
import datetime

from models.appraisal.outcomes import Objection, ResultApplication, ResultRequest
from models.appraisal.scoring import AppraisalResult, ScoreSheet
from models.audit import AuditLog
from models.base import atomic, fetch_all
from models.notify import Notification

SCORED = "2027-01-04T10:00:00+08:00"          # after scoring, before publication
PUBLISH_DAY = "2027-01-05"                     # a Tuesday
PUBLISHED = f"{PUBLISH_DAY}T10:00:00+08:00"


def at(now):
    if len(now) == 10:
        now = f"{now}T10:00:00+08:00"
    return {"X-Mingjing-Now": now}


def day(iso, plus=0):
    return (datetime.date.fromisoformat(iso) + datetime.timedelta(days=plus)).isoformat()


def client(api, staff):
    """One signed-in client per person per test (sign-ins are rate-limited)."""
    cache = api.__dict__.setdefault("_results_clients", {})
    if staff.id not in cache:
        cache[staff.id] = api.as_(staff)
    return cache[staff.id]


def sheet(server, cycle, participant, rater, total, role="leader", weight=70, status="submitted"):
    async def go():
        return await ScoreSheet.acreate(cycle=cycle.id, participant=participant.id, rater=rater.id, role=role,
                                        weight=weight, status=status, total=total)
    return server.run(go())


def scored(server, cycle, people_totals, rater):
    """One submitted leader sheet (weight 100) per (person, total)."""
    async def go():
        async with atomic():
            for p, t in people_totals:
                await ScoreSheet.acreate(cycle=cycle.id, participant=p.id, rater=rater.id, role="leader",
                                         weight=100, status="submitted", total=t)
    server.run(go())


def compute(api, hr, c, now=SCORED):
    r = client(api, hr).post(f"/api/appraisal/cycles/{c.id}/results/compute", headers=at(now))
    assert r.status == 200, r
    return r.data


def confirm(api, hr, c, items=(), accept=False, now=SCORED):
    return client(api, hr).post(f"/api/appraisal/cycles/{c.id}/results/confirm",
                                {"items": [{"staff_id": s.id, "grade": g} for s, g in items],
                                 "accept_proposed": accept}, headers=at(now))


def publish(api, hr, c, now=PUBLISHED):
    r = client(api, hr).post(f"/api/appraisal/cycles/{c.id}/publish", headers=at(now))
    assert r.status == 200, r
    return r.data


def published_cycle(f, org, server, api, people_totals, *, rater=None, hr=None, now=PUBLISHED, **kw):
    """A cycle of 甲局 with the given (person, total) results computed, confirmed as proposed and
    published on `now`."""
    people = [p for p, _ in people_totals]
    c = f.cycle(org.a, participants=people, phases={}, **kw)
    scored(server, c, people_totals, rater or org.a_head)
    hr = hr or org.a_hr_officer
    compute(api, hr, c)
    r = confirm(api, hr, c, accept=True)
    assert r.status == 200, r
    publish(api, hr, c, now=now)
    return c


def results(server, c):
    return {r.staff_id: r for r in server.run(fetch_all(AppraisalResult.select().where(AppraisalResult.cycle == c.id)))}


def requests(server):
    return server.run(fetch_all(ResultRequest.select().order_by(ResultRequest.id)))


def objections(server):
    return server.run(fetch_all(Objection.select().order_by(Objection.id)))


def applications(server):
    return server.run(fetch_all(ResultApplication.select().order_by(ResultApplication.id)))


def audits(server, action):
    return server.run(fetch_all(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.seq)))


def notices(server, staff, kind):
    return server.run(fetch_all(Notification.select().where(Notification.recipient == staff.id,
                                                            Notification.kind == kind)))


def detailed(server, c, person, leader, peers=(), self_score=None):
    """A confirmed goal set (items k1 60 %, k2 40 %) with a submitted leader sheet (k2 a
    quantitative-style override with its reason), peer sheets and optionally a self sheet, each
    with entries and justifications."""
    from models.appraisal.scoring import ScoreEntry
    from tests.appraisal.cycles_support import goal_set_row
    gs = goal_set_row(server, c.id, person, "confirmed", confirmed=True, items=[("k1", 60, None), ("k2", 40, None)])
    vid = gs.confirmed_version_id

    async def go():
        async with atomic():
            rows = [(leader, "leader", 70, 90, 80)] + [(p, "peer", 20 / max(len(peers), 1), 85, 85) for p in peers]
            if self_score is not None:
                rows.append((person, "self", 10, self_score, self_score))
            for rater, role, w, s1, s2 in rows:
                sh = await ScoreSheet.acreate(cycle=c.id, participant=person.id, rater=rater.id, role=role, weight=w,
                                              status="submitted", total=round(s1 * 0.6 + s2 * 0.4, 2),
                                              goal_version_id=vid)
                await ScoreEntry.acreate(sheet=sh.id, item_key="k1", score=s1,
                                         justification=f"{role}：2026年3月牵头完成《信访工作办法》修订")
                await ScoreEntry.acreate(sheet=sh.id, item_key="k2", score=s2, auto_score=75,
                                         override_reason="数据系统漏计四季度办结件数，已核实" if role == "leader" else "")
    server.run(go())
    return gs
