"""Reports that scale (issue 16) and transfers in the report (issue 14): days judged ahead of time
by the nightly source, the report summed from stored rows, the month lock, the background export
job; a person transferred mid-month is in the old unit's report before the transfer and in the
new one's from it (also when the transfer is recorded ahead of its date, or after the fact)."""
import io
import time

import openpyxl

from models.attendance import DayStatus
from models.base import fetch_all
from services import attendance_days, report_jobs
from tests.attendance.helpers import at, setup_a
from tests.support import Client

NOV = "/api/attendance/report?month=2026-11"


def row_of(report, staff):
    return next((p for p in report.data["people"] if p["staff_id"] == staff.id), None)


def stored(server, staff, unit=None):
    q = DayStatus.select().where(DayStatus.staff == staff.id)
    if unit is not None:
        q = q.where(DayStatus.unit == unit.id)
    return server.run(fetch_all(q.order_by(DayStatus.day)))


def both_units_hr(api, f, org):
    boss = f.staff(org.a_office, "上级人事处", employee_no="BOTH-HR")
    f.grant(boss, "hr_officer", "all")
    return api.as_(boss)


def test_transfer_recorded_ahead_splits_the_month(api, org, f, server):
    hr, _ = setup_a(api, org)
    boss = both_units_hr(api, f, org)
    # Recorded on 11-10, effective 11-16: until then fin_2 works (and is judged) in A.
    r = boss.post(f"/api/staff/{org.fin_2.id}/transfer",
                  {"department_id": org.b_office.id, "effective_date": "2026-11-16"},
                  headers=at("2026-11-10 10:00"))
    assert r.status == 200 and r.data["pending_transfer"]["effective_date"] == "2026-11-16", r
    # The scheduler moves them on the day (services/staff_transfers).
    r = Client(server.base_url).post("/api/test/scheduler/tick", {"sources": ["staff.transfer"]},
                                     headers=at("2026-11-16 00:05"))
    assert r.status == 200 and len(r.data["ran"]) == 1, r
    a_rep = hr.get(NOV, headers=at("2026-12-02 09:00"))
    assert a_rep.status == 200 and a_rep.data["complete"] is True, a_rep
    mine = row_of(a_rep, org.fin_2)
    assert mine is not None and mine["department"] == "财务科", a_rep.data["people"]
    assert (mine["workdays"], mine["absences"]) == (10, 10), mine        # 11-02..11-13
    assert (row_of(a_rep, org.fin_1)["workdays"], row_of(a_rep, org.fin_1)["absences"]) == (21, 21)
    # A's department view keeps them too (they left 财务科 after the month began).
    fin = hr.get(f"{NOV}&department_id={org.a_fin.id}", headers=at("2026-12-02 09:00"))
    assert row_of(fin, org.fin_2)["workdays"] == 10
    b = api.as_(org.b_hr_officer)
    b_rep = b.get(NOV, headers=at("2026-12-02 09:00"))
    theirs = row_of(b_rep, org.fin_2)
    assert theirs is not None and theirs["department"] == "办公室", b_rep.data["people"]
    assert (theirs["workdays"], theirs["absences"]) == (11, 11), theirs  # 11-16..11-30
    assert row_of(b_rep, org.fin_1) is None
    # B's officer still cannot look into A's department, nor A's into B's.
    assert b.get(f"{NOV}&department_id={org.a_fin.id}", headers=at("2026-12-02 09:00")).status == 404
    assert hr.get(f"{NOV}&department_id={org.b_office.id}", headers=at("2026-12-02 09:00")).status == 404
    # The stored rows carry the unit of their day.
    rows = stored(server, org.fin_2)
    assert {r.day.isoformat(): r.unit_id for r in rows}["2026-11-13"] == org.a.id
    assert {r.day.isoformat(): r.unit_id for r in rows}["2026-11-16"] == org.b.id
    # December: only in B.
    dec = "/api/attendance/report?month=2026-12"
    assert row_of(hr.get(dec, headers=at("2026-12-10 09:00")), org.fin_2) is None
    assert row_of(b.get(dec, headers=at("2026-12-10 09:00")), org.fin_2)["workdays"] == 7


def test_transfer_recorded_late_moves_stored_days(api, org, f, server):
    hr, _ = setup_a(api, org)
    boss = both_units_hr(api, f, org)
    assert row_of(hr.get(NOV, headers=at("2026-12-02 09:00")), org.fin_2)["absences"] == 21  # stored
    assert len(stored(server, org.fin_2, org.a)) == 30
    r = boss.post(f"/api/staff/{org.fin_2.id}/transfer",
                  {"department_id": org.b_office.id, "effective_date": "2026-11-16"},
                  headers=at("2026-12-02 10:00"))
    assert r.status == 200, r
    assert len(stored(server, org.fin_2)) == 15        # 11-16 on dropped, judged again on need
    assert row_of(hr.get(NOV, headers=at("2026-12-02 11:00")), org.fin_2)["absences"] == 10
    b_row = row_of(api.as_(org.b_hr_officer).get(NOV, headers=at("2026-12-02 11:00")), org.fin_2)
    assert b_row["absences"] == 11
    assert len(stored(server, org.fin_2, org.b)) == 15


def test_nightly_close_stores_yesterday_for_everyone(api, org, server):
    setup_a(api, org)
    tick = Client(server.base_url)
    r = tick.post("/api/test/scheduler/tick", {"sources": ["attendance.close"]},
                  headers=at("2026-11-18 00:55"))
    assert r.status == 200 and r.data["ran"] == [], r               # not before 01:00
    r = tick.post("/api/test/scheduler/tick", {"sources": ["attendance.close"]},
                  headers=at("2026-11-18 01:05"))
    assert r.status == 200, r
    assert sorted(r.data["ran"]) == sorted([f"attendance.close:{org.a.id}:2026-11-17",
                                            f"attendance.close:{org.b.id}:2026-11-17"]), r
    server.run(attendance_days.wait_background())
    for person in (org.office_1, org.b_office_1):
        days = [x.day.isoformat() for x in stored(server, person)]
        assert days[0] == "2026-11-01" and days[-1] == "2026-11-17" and len(days) == 17
    # Run once: a second tick does nothing.
    r = tick.post("/api/test/scheduler/tick", {"sources": ["attendance.close"]},
                  headers=at("2026-11-18 02:00"))
    assert r.data["ran"] == []


def test_large_gap_is_judged_in_the_background(api, org, server, monkeypatch):
    hr, _ = setup_a(api, org)
    monkeypatch.setattr(attendance_days, "INLINE_PERSON_DAYS", 0)
    first = hr.get(NOV, headers=at("2026-12-02 09:00"))
    assert first.status == 200 and first.data["complete"] is False, first.data
    assert first.data["pending_staff"] >= 10
    server.run(attendance_days.wait_background())
    later = hr.get(NOV, headers=at("2026-12-02 09:01"))
    assert later.data["complete"] is True and row_of(later, org.office_1)["absences"] == 21


def test_month_lock_keeps_a_second_filler_out(api, org, server, monkeypatch):
    hr, _ = setup_a(api, org)
    monkeypatch.setattr(attendance_days, "LOCK_WAIT_S", 0.3)
    key = attendance_days.lock_key(org.a.id, "2026-11")
    assert server.run(server.env.redis.set(key, "someone-else", px=60_000))
    rep = hr.get(NOV, headers=at("2026-12-02 09:00"))
    # Someone is writing A's November: this request neither waits for long nor rewrites it.
    assert rep.status == 200 and rep.data["complete"] is False and rep.data["pending_staff"] > 0
    assert stored(server, org.office_1) == []
    server.run(server.env.redis.delete(key))
    rep = hr.get(NOV, headers=at("2026-12-02 09:00"))
    assert rep.data["complete"] is True and row_of(rep, org.office_1)["absences"] == 21


def wait_job(client, job_id, when):
    for _ in range(100):
        r = client.get(f"/api/attendance/report/exports/{job_id}", headers=at(when))
        assert r.status == 200, r
        if r.data["status"] != "running":
            return r
        time.sleep(0.1)
    raise AssertionError("export job did not finish")


def test_background_export(api, org, server):
    hr, _ = setup_a(api, org)
    r = hr.post("/api/attendance/report/exports", {"month": "2026-11"}, headers=at("2026-12-02 09:00"))
    assert r.status == 202 and r.data["status"] == "running", r
    job = r.data["id"]
    done = wait_job(hr, job, "2026-12-02 09:01")
    assert done.data["status"] == "done" and done.data["progress"] == 100, done.data
    f = hr.get(f"/api/attendance/report/exports/{job}/file", headers=at("2026-12-02 09:02"))
    assert f.status == 200 and f.raw.content[:2] == b"PK"
    ws = openpyxl.load_workbook(io.BytesIO(f.raw.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("工号", "姓名")
    got = {x[0]: x for x in rows[1:]}
    assert got[org.office_1.employee_no][3] == 21 and got[org.office_1.employee_no][10] == 21
    assert org.b_office_1.employee_no not in got                     # B is outside A's reach
    # Only the requester: B's officer, and A's own checker, get 404; bad input is a 4xx.
    for other in (org.b_hr_officer, org.a_checker):
        c = api.as_(other)
        assert c.get(f"/api/attendance/report/exports/{job}").status in (403, 404)
        assert c.get(f"/api/attendance/report/exports/{job}/file").status in (403, 404)
    assert hr.get("/api/attendance/report/exports/" + "ab" * 16).code == "EXPORT_NOT_FOUND"
    assert hr.post("/api/attendance/report/exports", {"month": "2026-13"}).status == 422
    assert hr.post("/api/attendance/report/exports", {"format": "pdf"}).status == 422
    assert api.as_(org.b_hr_officer).post("/api/attendance/report/exports",
                                          {"month": "2026-11", "department_id": org.a_fin.id}).status == 404
    # Expired after a day.
    late = hr.get(f"/api/attendance/report/exports/{job}/file", headers=at("2026-12-03 09:10"))
    assert late.status == 410 and late.code == "EXPORT_EXPIRED"
    entry = server.run(fetch_all(__import__("models.audit", fromlist=["AuditLog"]).AuditLog.select()
                                 .where(__import__("models.audit", fromlist=["AuditLog"]).AuditLog.action
                                        == "report.export")))
    assert len(entry) == 1 and entry[0].target_id == job
    server.run(report_jobs.wait_all())


def test_synchronous_export_is_for_small_reports(api, org, monkeypatch):
    from services import attendance_report

    hr, _ = setup_a(api, org)
    small = hr.get(f"{NOV}&department_id={org.a_fin.id}&format=csv", headers=at("2026-12-02 09:00"))
    assert small.status == 200 and "财务科职工一" in small.raw.content.decode("utf-8-sig")
    monkeypatch.setattr(attendance_report, "SYNC_EXPORT_LIMIT", 3)
    big = hr.get(f"{NOV}&format=xlsx", headers=at("2026-12-02 09:00"))
    assert big.status == 409 and big.code == "EXPORT_TOO_LARGE", big
    assert hr.get(f"{NOV}&department_id={org.a_fin.id}&format=csv",
                  headers=at("2026-12-02 09:00")).status == 200          # 3 people: still fine
