"""Attendance rules HR found wrong (issue 14): days judged against hire date, leaving date and the
unit's going-live date; a QR punch far from the place flagged; a stale QR told to scan again;
the board after hours."""
from services.geo import offset
from tests.attendance.helpers import CENTRE, at, punch, setup_a
from tests.support import Client, d

NOV = "/api/attendance/report?month=2026-11"


def row_of(report, staff):
    return next((p for p in report.data["people"] if p["staff_id"] == staff.id), None)


def test_new_hire_judged_from_hire_date(api, org, f):
    hr, _ = setup_a(api, org)
    new = f.staff(org.a_office, "新入职", employee_no="A-NEW", hire_date=d("2026-11-23"))
    rep = hr.get(f"{NOV}&department_id={org.a_office.id}", headers=at("2026-12-02 09:00"))
    assert rep.status == 200, rep
    r = row_of(rep, new)
    assert (r["workdays"], r["absences"]) == (6, 6), r          # 11-23..27, 11-30; not 21
    assert row_of(rep, org.office_1)["absences"] == 21
    month = api.as_(new).get("/api/attendance/month?month=2026-11", headers=at("2026-12-02 09:00")).data
    days = {x["date"]: x["status"] for x in month["days"]}
    assert days["2026-11-20"] == "inactive" and days["2026-11-23"] == "absent"
    assert month["totals"]["absences"] == 6
    # B's HR sees none of it
    assert api.as_(org.b_hr_officer).get(f"{NOV}&department_id={org.a_office.id}",
                                         headers=at("2026-12-02 09:00")).status == 404


def test_retire_with_future_date_takes_effect_on_that_day(api, org, server):
    hr, _ = setup_a(api, org)
    leaver = api.as_(org.office_2)
    r = api.as_(org.a_hr_officer).post(f"/api/staff/{org.office_2.id}/retire",
                                       {"effective_date": "2026-12-01", "reason": "到龄退休"},
                                       headers=at("2026-11-20 10:00"))
    assert r.status == 200 and r.data["status"] == "active", r          # not yet
    assert leaver.get("/api/me").status == 200                           # still signed in
    again = api.as_(org.a_hr_officer).post(f"/api/staff/{org.office_2.id}/retire",
                                           {"effective_date": "2026-12-05"}, headers=at("2026-11-21 10:00"))
    assert again.status == 409 and again.code == "RETIRE_SCHEDULED"
    # the scheduler does nothing before the day, applies it on the day
    tick = Client(server.base_url)
    r = tick.post("/api/test/scheduler/tick", {"sources": ["staff.retire"]}, headers=at("2026-11-30 23:00"))
    assert r.status == 200 and r.data["ran"] == [], r
    r = tick.post("/api/test/scheduler/tick", {"sources": ["staff.retire"]}, headers=at("2026-12-01 00:05"))
    assert r.status == 200 and len(r.data["ran"]) == 1, r
    assert hr.get(f"/api/staff/{org.office_2.id}").data["status"] == "retired"
    assert leaver.get("/api/me").status == 401                           # sessions revoked
    # November's report keeps them (they worked it); December's does not
    rep = hr.get(f"{NOV}&department_id={org.a_office.id}", headers=at("2026-12-02 09:00"))
    r = row_of(rep, org.office_2)
    assert r is not None and r["workdays"] == 21, rep.data["people"]
    dec = hr.get(f"/api/attendance/report?month=2026-12&department_id={org.a_office.id}",
                 headers=at("2026-12-10 09:00"))
    assert row_of(dec, org.office_2) is None and row_of(dec, org.office_1) is not None


def test_retire_recorded_late_stops_judging_from_its_date(api, org):
    hr, _ = setup_a(api, org)
    assert row_of(hr.get(NOV, headers=at("2026-12-02 09:00")), org.fin_1)["absences"] == 21  # stored
    r = hr.post(f"/api/staff/{org.fin_1.id}/retire", {"effective_date": "2026-11-16"},
                headers=at("2026-12-02 10:00"))
    assert r.status == 200 and r.data["status"] == "retired"
    assert row_of(hr.get(NOV, headers=at("2026-12-02 11:00")), org.fin_1)["absences"] == 10  # 11-02..13


def test_going_live_date(api, org):
    hr, _ = setup_a(api, org)
    assert row_of(hr.get(NOV, headers=at("2026-12-02 09:00")), org.office_1)["absences"] == 21
    r = hr.put(f"/api/attendance/rules/{org.a.id}", {"start_date": "2026-11-16"})
    assert r.status == 200 and r.data["start_date"] == "2026-11-16", r
    rep = hr.get(NOV, headers=at("2026-12-02 09:00"))
    assert (row_of(rep, org.office_1)["workdays"], row_of(rep, org.office_1)["absences"]) == (11, 11)
    # B is untouched by A's date; B's HR cannot change A's rule
    b = api.as_(org.b_hr_officer)
    assert b.put(f"/api/attendance/rules/{org.a.id}", {"start_date": "2026-11-30"}).status == 404
    assert row_of(b.get(NOV, headers=at("2026-12-02 09:00")), org.b_office_1)["absences"] == 21
    # cleared: the whole month is judged again
    assert hr.put(f"/api/attendance/rules/{org.a.id}", {"start_date": None}).data["start_date"] is None
    assert row_of(hr.get(NOV, headers=at("2026-12-02 09:00")), org.office_1)["absences"] == 21


def test_qr_punch_far_from_place_is_flagged(api, org):
    hr, place = setup_a(api, org)
    token = hr.get(f"/api/attendance/places/{place['id']}/qr", headers=at("2026-11-02 08:20:00")).data["token"]
    r = punch(api.as_(org.office_1), "2026-11-02 08:20:05", north=2000, qr_token=token)
    assert r.status == 201 and r.data["proofs"] == ["qr"], r
    assert "location" in r.data["flags"] and r.data["review_status"] == "pending"
    r = punch(api.as_(org.office_2), "2026-11-02 08:20:06", north=600, qr_token=token)   # next door
    assert r.status == 201 and r.data["flags"] == [] and r.data["review_status"] == "", r
    queue = hr.get("/api/attendance/review?status=pending").data
    assert [p["staff_id"] for p in queue] == [org.office_1.id]
    assert api.as_(org.b_hr_officer).get("/api/attendance/review?status=pending").data == []


def test_stale_qr_says_scan_again(api, org):
    hr, place = setup_a(api, org)
    token = hr.get(f"/api/attendance/places/{place['id']}/qr", headers=at("2026-11-02 08:00:00")).data["token"]
    r = punch(api.as_(org.office_1), "2026-11-02 08:20:10", north=2000, qr_token=token)
    assert r.status == 422 and r.code == "PUNCH_QR_EXPIRED", r
    assert "过期" in r.error["message"] and "重新扫" in r.error["message"]
    assert "外勤" not in r.error["message"]
    pid, step, sig = token.split(".")
    r = punch(api.as_(org.office_1), "2026-11-02 08:20:10", north=2000, qr_token=f"{pid}.{step}.{'0' * len(sig)}")
    assert r.code == "PUNCH_QR_EXPIRED"
    # with a reason it is an ordinary field punch
    r = punch(api.as_(org.office_1), "2026-11-02 08:20:20", north=2000, qr_token=token, reason="外出办事")
    assert r.status == 201 and r.data["kind"] == "field"


def test_board_after_hours_shows_the_day(api, org, f):
    hr, _ = setup_a(api, org)
    dept = f.dept(org.a, "窗口科", parent=org.a_lead)
    people = [f.staff(dept, f"窗口{i}", employee_no=f"A-W{i:02d}") for i in range(31)]
    for i, p in enumerate(people[:22]):
        when = "2026-11-02 08:4%d" % (i % 10) if i < 3 else "2026-11-02 08:2%d" % (i % 10)
        assert punch(api.as_(p), when, device=f"d{i}").status == 201
    board = hr.get(f"/api/attendance/board?department_id={dept.id}", headers=at("2026-11-02 20:00"))
    assert board.status == 200, board
    c = board.data["counts"]
    assert (board.data["total"], c["in"], c["late"], c["missing"]) == (31, 19, 3, 9), c
    assert all(p["missing_count"] == 3 for p in board.data["in"])     # the later checks not punched
    morning = hr.get(f"/api/attendance/board?department_id={dept.id}", headers=at("2026-11-02 10:00"))
    assert (morning.data["counts"]["in"], morning.data["counts"]["late"], morning.data["counts"]["missing"]) == (19, 3, 9)
    early = hr.get(f"/api/attendance/board?department_id={dept.id}", headers=at("2026-11-02 08:00"))
    assert early.data["counts"]["pending"] == 9 and early.data["counts"]["missing"] == 0
    assert api.as_(org.b_hr_officer).get(f"/api/attendance/board?department_id={dept.id}").status == 404
