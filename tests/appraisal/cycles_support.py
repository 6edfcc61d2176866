"""Helpers for the appraisal cycle tests: a clock-pinned client, a standard 2026 annual cycle,
approved leave, goal-set rows in a given state (written directly: the goals flow is tested in
test_goals*.py), audit look-ups."""
import datetime

from models.appraisal.goals import GoalItem, GoalSet, GoalVersion
from models.audit import AuditLog
from models.base import atomic, fetch_all
from models.leave import LeaveRequest, LeaveType
from services.leave_rules import ensure_national_types

NOW = "2026-01-12T10:00:00"   # a Monday, inside goal setting of PHASES_2026

PHASES_2026 = [
    {"phase": "goal_setting", "opens_on": "2026-01-05", "closes_on": "2026-01-30"},
    {"phase": "progress", "opens_on": "2026-02-02", "closes_on": "2026-11-30"},
    {"phase": "self_assessment", "opens_on": "2026-12-01", "closes_on": "2026-12-15"},
    {"phase": "scoring", "opens_on": "2026-12-16", "closes_on": "2026-12-31"},
    {"phase": "publication", "opens_on": "2027-01-04", "closes_on": "2027-01-08"},
    {"phase": "appeals", "opens_on": "2027-01-11", "closes_on": "2027-01-22"},
]


class Clocked:
    """A signed-in API client whose every request carries X-Mingjing-Now."""

    def __init__(self, client, now=NOW):
        self.client, self.now = client, now

    def at(self, now):
        return Clocked(self.client, now)

    def _kw(self, kw):
        headers = dict(kw.pop("headers", {}) or {})
        headers.setdefault("X-Mingjing-Now", self.now)
        kw["headers"] = headers
        return kw

    def get(self, path, **kw):
        return self.client.get(path, **self._kw(kw))

    def post(self, path, body=None, **kw):
        return self.client.post(path, body, **self._kw(kw))

    def put(self, path, body=None, **kw):
        return self.client.put(path, body, **self._kw(kw))

    def patch(self, path, body=None, **kw):
        return self.client.patch(path, body, **self._kw(kw))

    def delete(self, path, body=None, **kw):
        return self.client.request("DELETE", path, body, **self._kw(kw))


def as_(api, staff, now=NOW):
    return Clocked(api.as_(staff), now)


def cycle_body(**over):
    body = {"name": "2026年度考核", "kind": "annual", "year": 2026, "phases": PHASES_2026,
            "participant_rule": {"department_ids": [], "rank_ids": [], "exclude": {}}}
    body.update(over)
    return body


def create_cycle(hr, **over):
    r = hr.post("/api/appraisal/cycles", cycle_body(**over))
    assert r.status == 201, r
    return r.data


def launched_cycle(hr, **over):
    c = create_cycle(hr, **over)
    r = hr.post(f"/api/appraisal/cycles/{c['id']}/launch")
    assert r.status == 200, r
    return r.data


def approved_leave(server, staff, start, end, code="personal"):
    async def go():
        await ensure_national_types()
        lt = (await fetch_all(LeaveType.select().where(LeaveType.code == code,
                                                       LeaveType.unit.is_null())))[0]
        async with atomic():
            return await LeaveRequest.acreate(
                staff=staff.id, unit=staff.unit_id, department=staff.department_id, leave_type=lt.id,
                type_code=code, year=start.year, start_date=start, end_date=end,
                days=(end - start).days + 1, status="approved")
    return server.run(go())


def goal_set_row(server, cycle_id, staff, status, *, confirmed=False, change_pending=False,
                 items=(), instance_id=None):
    """A goal set with one version in `status` (confirmed: the version is the one in force) and
    items [(key, weight, indicator_id)]."""
    async def go():
        async with atomic():
            g = await GoalSet.acreate(cycle=cycle_id, staff=staff.id, unit=staff.unit_id,
                                      department=staff.department_id, status=status,
                                      change_pending=change_pending)
            v = await GoalVersion.acreate(goal_set=g.id, number=1, status=status,
                                          instance_id=instance_id)
            for n, (key, weight, ind) in enumerate(items):
                await GoalItem.acreate(version=v.id, key=key, sort=n, title=f"目标{key}",
                                       kind="qualitative", criteria="完成", weight=weight,
                                       indicator=ind)
            await GoalSet.update(current_version_id=v.id,
                                 confirmed_version_id=v.id if confirmed else None).where(
                GoalSet.id == g.id).aexecute()
            return await GoalSet.aget(GoalSet.id == g.id)
    return server.run(go())


def audits(server, action):
    return server.run(fetch_all(AuditLog.select().where(AuditLog.action == action)
                                .order_by(AuditLog.seq)))


def d(text):
    return datetime.date.fromisoformat(text)
