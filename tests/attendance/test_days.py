"""Judging days: grace boundaries, sessions, 调休 Saturdays, half-day leave, month totals."""
import datetime

import pytest

from models.attendance import DayStatus, Punch
from models.base import fetch_all
from services import attendance_stats, events
from tests.attendance.helpers import at, punch, setup_a
from tests.support import d


def _status(client, when):
    r = client.get("/api/attendance/today", headers=at(when))
    assert r.status == 200, r
    return r.data["status"]


def test_late_and_early_by_one_minute_around_grace(api, org):
    setup_a(api, org)   # 08:30–12:00, 14:30–17:30, 5 minutes' grace both ways
    on_time, late = api.as_(org.office_1), api.as_(org.office_2)
    for who, times in ((on_time, ("08:35", "11:55", "14:35", "17:25")),
                       (late, ("08:36", "11:54", "14:36", "17:24"))):
        for t in times:
            assert punch(who, f"2026-11-02 {t}").status == 201
    s = _status(on_time, "2026-11-02 18:00")
    assert s["status"] == "normal" and s["late_minutes"] == 0 and s["early_minutes"] == 0, s
    s = _status(late, "2026-11-02 18:00")
    assert s["status"] == "late_early", s
    assert (s["late_count"], s["late_minutes"], s["early_count"], s["early_minutes"]) == (2, 12, 2, 12)


def test_today_in_progress_and_missing(api, org):
    setup_a(api, org)
    me = api.as_(org.office_1)
    assert _status(me, "2026-11-02 08:00")["status"] == "pending"
    assert _status(me, "2026-11-02 08:40")["status"] == "missing"
    punch(me, "2026-11-02 08:41")
    s = _status(me, "2026-11-02 09:00")
    assert s["status"] == "late" and s["late_minutes"] == 11
    today = me.get("/api/attendance/today?lat=39.9087&lng=116.3975", headers=at("2026-11-02 09:00")).data
    assert today["inside"] is True and len(today["punches"]) == 1
    assert today["schedule"]["sessions"][0]["start"] == "08:30" and today["day"]["kind"] == "workday"
    # Next day, the missing departure is a missing punch.
    m = me.get("/api/attendance/month?month=2026-11", headers=at("2026-11-03 09:00")).data
    nov2 = next(x for x in m["days"] if x["date"] == "2026-11-02")
    assert nov2["status"] == "missing" and nov2["result"]["missing_count"] == 3


@pytest.mark.parametrize("saturday", ["2026-02-14", "2026-02-28"])
def test_makeup_working_saturday(api, org, saturday):
    setup_a(api, org)
    worker, skipper = api.as_(org.office_1), api.as_(org.office_2)
    for t in ("08:20", "12:05", "14:25", "17:35"):
        punch(worker, f"{saturday} {t}")
    month = worker.get("/api/attendance/month?month=2026-02", headers=at("2026-03-02 09:00")).data
    day = next(x for x in month["days"] if x["date"] == saturday)
    assert day["kind"] == "makeup_workday" and day["working"] and day["status"] == "normal", day
    holiday = next(x for x in month["days"] if x["date"] == "2026-02-17")
    assert holiday["kind"] == "holiday" and holiday["status"] == "holiday"
    sunday = next(x for x in month["days"] if x["date"] == "2026-02-08")
    assert sunday["kind"] == "rest" and sunday["status"] == "rest"
    month = skipper.get("/api/attendance/month?month=2026-02", headers=at("2026-03-02 09:00")).data
    day = next(x for x in month["days"] if x["date"] == saturday)
    assert day["status"] == "absent"


def _seed(server, staff, rows):
    async def go():
        for when, kind in rows:
            local = datetime.datetime.fromisoformat(when).replace(tzinfo=attendance_stats.SHANGHAI)
            utc = local.astimezone(datetime.timezone.utc).replace(tzinfo=None)
            await Punch.acreate(staff=staff.id, unit=staff.unit_id, at=utc, kind=kind,
                                minute_bucket=int(utc.replace(tzinfo=datetime.timezone.utc).timestamp()) // 60)
    server.run(go())


def _fake_leave(monkeypatch, table):
    async def leave_days(staff_ids, start, end):
        return {k: v for k, v in table.items() if k[0] in staff_ids and start <= k[1] <= end}
    monkeypatch.setattr(attendance_stats, "leave_days", leave_days)


def test_month_totals_against_a_hand_checked_month(api, org, server, monkeypatch):
    hr, _ = setup_a(api, org, schedule={"sessions": [{"start": "09:00", "end": "17:00"}]})
    me = org.office_1
    rows = [("2026-11-02 08:50", "normal"), ("2026-11-02 17:10", "normal"),   # normal
            ("2026-11-03 09:06", "normal"), ("2026-11-03 17:00", "normal"),   # late 6
            ("2026-11-04 09:05", "normal"), ("2026-11-04 16:55", "normal"),   # grace edges: normal
            ("2026-11-05 08:59", "normal"), ("2026-11-05 16:54", "normal"),   # early 6
            ("2026-11-06 08:50", "normal"),                                   # missing 1
            ("2026-11-07 10:00", "normal"),                                   # Saturday: rest
            # 11-09: nothing -> absent
            ("2026-11-10 09:20", "normal"), ("2026-11-10 16:30", "normal"),   # late 20 + early 30
            ("2026-11-11 08:55", "field"), ("2026-11-11 17:05", "normal"),    # field punch
            ("2026-11-13 08:58", "normal"), ("2026-11-13 12:30", "normal")]   # pm half-day leave
    for day in ("16", "17", "18", "19", "20", "23", "24", "25", "26", "27", "30"):
        rows += [(f"2026-11-{day} 08:55", "normal"), (f"2026-11-{day} 17:05", "normal")]
    # 11-12 full annual leave (no punches); 11-13 afternoon personal leave.
    _seed(server, me, rows)
    _fake_leave(monkeypatch, {(me.id, d("2026-11-12")): {"type": "annual", "name": "年休假", "half": "full"},
                              (me.id, d("2026-11-13")): {"type": "personal", "name": "事假", "half": "pm"},
                              (me.id, d("2026-11-14")): {"type": "personal", "name": "事假", "half": "full"}})
    month = api.as_(me).get("/api/attendance/month?month=2026-11", headers=at("2026-12-01 09:00")).data
    by_day = {x["date"]: x for x in month["days"]}
    assert by_day["2026-11-03"]["status"] == "late" and by_day["2026-11-03"]["result"]["late_minutes"] == 6
    assert by_day["2026-11-04"]["status"] == "normal"
    assert by_day["2026-11-05"]["status"] == "early" and by_day["2026-11-05"]["result"]["early_minutes"] == 6
    assert by_day["2026-11-06"]["status"] == "missing"
    assert by_day["2026-11-07"]["status"] == "rest"
    assert by_day["2026-11-09"]["status"] == "absent"
    assert by_day["2026-11-10"]["status"] == "late_early"
    assert by_day["2026-11-12"]["status"] == "leave"
    assert by_day["2026-11-13"]["status"] == "normal" and by_day["2026-11-13"]["result"]["leave_half"] == "pm"
    assert by_day["2026-11-14"]["status"] == "rest"   # leave on a Saturday is not a leave day
    assert month["totals"] == {
        "workdays": 21, "days_worked": 18.5, "late_count": 2, "late_minutes": 26,
        "early_count": 2, "early_minutes": 36, "missing_punches": 1, "absences": 1,
        "leave_days": {"年休假": 1.0, "事假": 0.5}, "trip_days": 0.0, "field_punches": 1}
    # Stored: every past day of the month has a day_status row.
    assert len(server.run(fetch_all(DayStatus.select().where(DayStatus.staff == me.id)))) == 30
    # The report (HR) agrees with the person's own month, and exports.
    rep = hr.get(f"/api/attendance/report?month=2026-11&department_id={org.a_office.id}",
                 headers=at("2026-12-01 09:00"))
    assert rep.status == 200, rep
    row = next(p for p in rep.data["people"] if p["staff_id"] == me.id)
    assert {k: row[k] for k in month["totals"]} == month["totals"]
    dept = rep.data["departments"][0]
    assert dept["department_id"] == org.a_office.id and dept["absences"] >= 1
    csv = hr.get("/api/attendance/report?month=2026-11&format=csv", headers=at("2026-12-01 09:00"))
    assert csv.status == 200 and csv.headers["Content-Type"].startswith("text/csv")
    text = csv.raw.content.decode("utf-8-sig")
    assert "迟到分钟" in text and f"{me.employee_no},{me.name},办公室,21,18.5,2,26,2,36,1,1," in text
    xlsx = hr.get("/api/attendance/report?month=2026-11&format=xlsx", headers=at("2026-12-01 09:00"))
    assert xlsx.status == 200 and xlsx.raw.content[:2] == b"PK"
    import io

    import openpyxl
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.raw.content)).active
    found = [r for r in ws.iter_rows(values_only=True) if r[0] == me.employee_no][0]
    assert found[3:11] == (21, 18.5, 2, 26, 2, 36, 1, 1)


def test_half_day_leave_plus_a_punch_two_sessions(api, org, server, monkeypatch):
    setup_a(api, org)
    me = org.office_1
    _fake_leave(monkeypatch, {(me.id, d("2026-11-02")): {"type": "sick", "name": "病假", "half": "am"}})
    c = api.as_(me)
    punch(c, "2026-11-02 14:29")
    punch(c, "2026-11-02 17:31")
    s = _status(c, "2026-11-02 18:00")
    assert s["status"] == "normal" and s["leave_half"] == "am" and s["worked_days"] == 0.5, s
    # Without the punch in the afternoon the half day is a missing/absent one, not normal.
    other = org.office_2
    _fake_leave(monkeypatch, {(me.id, d("2026-11-02")): {"type": "sick", "name": "病假", "half": "am"},
                              (other.id, d("2026-11-02")): {"type": "sick", "name": "病假", "half": "pm"}})
    s = _status(api.as_(other), "2026-11-02 18:00")
    assert s["status"] == "missing" and s["missing_count"] == 2


def test_trip_and_recompute_on_leave_event(api, org, server, monkeypatch):
    setup_a(api, org)
    me = org.office_1
    c = api.as_(me)
    m = c.get("/api/attendance/month?month=2026-11", headers=at("2026-11-05 09:00")).data
    assert next(x for x in m["days"] if x["date"] == "2026-11-03")["status"] == "absent"
    _fake_leave(monkeypatch, {(me.id, d("2026-11-03")): {"type": "trip", "name": "出差", "half": "full",
                                                         "trip": True}})
    # Stored rows are kept until an event says otherwise...
    m = c.get("/api/attendance/month?month=2026-11", headers=at("2026-11-05 09:00")).data
    assert next(x for x in m["days"] if x["date"] == "2026-11-03")["status"] == "absent"
    server.run(events.publish("leave.changed", staff_id=me.id, start=d("2026-11-03"), end=d("2026-11-03")))
    m = c.get("/api/attendance/month?month=2026-11", headers=at("2026-11-05 09:00")).data
    day = next(x for x in m["days"] if x["date"] == "2026-11-03")
    assert day["status"] == "trip" and m["totals"]["trip_days"] == 1.0 and m["totals"]["absences"] == 2
