"""Helpers for the integrity-alert tests (no tests here): a 2026 annual cycle of 甲局 with a scoring
phase ending 2026-12-31, HR's compute and list calls, raw alert and audit rows."""
import datetime

from models.appraisal.outcomes import IntegrityAlert
from models.audit import AuditLog
from models.base import fetch_all

PHASES = {"goal_setting": ("2026-01-05", "2026-02-27"), "progress": ("2026-03-02", "2026-11-30"),
          "self_assessment": ("2026-12-01", "2026-12-15"), "scoring": ("2026-12-16", "2026-12-31")}
SUBMITTED = datetime.datetime(2026, 12, 20, 2)       # naive UTC, inside scoring


def cycle(f, org, participants, *, settings=None, unit=None, year=2026, kind="annual", status="launched",
          name=None):
    phases = {k: (v[0].replace("2026", str(year)), v[1].replace("2026", str(year))) for k, v in PHASES.items()}
    return f.cycle(unit or org.a, year=year, kind=kind, status=status, phases=phases, name=name,
                   participants=participants, settings=settings or {})


def everyone(org):
    return [org.office_leader, org.office_1, org.office_2, org.fin_leader, org.fin_1, org.fin_2,
            org.hr_leader, org.hr_1, org.hr_2]


def compute(api, hr, c):
    r = api.as_(hr).post(f"/api/appraisal/cycles/{c.id}/alerts/compute")
    assert r.status == 200, r
    return r.data


def listed(api, who, c, **params):
    qs = "&".join(f"{k}={v}" for k, v in params.items())
    r = api.as_(who).get(f"/api/appraisal/cycles/{c.id}/alerts?{qs}")
    assert r.status == 200, r
    return r


def of_kind(api, hr, c, kind):
    return listed(api, hr, c, kind=kind).data


def rows(server, c):
    return server.run(fetch_all(IntegrityAlert.select().where(IntegrityAlert.cycle == c.id)
                                .order_by(IntegrityAlert.id)))


def audits(server, action):
    return server.run(fetch_all(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.seq)))
