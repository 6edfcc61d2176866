"""补卡 through the approval engine, and approved leave from services/leave.py, end to end."""
from models.attendance import MakeupRequest, Punch
from models.base import fetch_all
from tests.attendance.helpers import at, punch, setup_a


def _act(client, instance_id, action, **extra):
    r = client.post(f"/api/approvals/{instance_id}/actions", {"action": action, **extra})
    assert r.status == 200, r
    return r.data


def _day(client, month, date, when):
    m = client.get(f"/api/attendance/month?month={month}", headers=at(when)).data
    return next(x for x in m["days"] if x["date"] == date)


def test_makeup_punch_approved_by_leader_fills_the_day(api, org, server):
    setup_a(api, org)
    me = api.as_(org.office_1)
    for t in ("08:20", "12:05", "14:25"):  # forgot to clock out
        punch(me, f"2026-11-02 {t}")
    assert _day(me, "2026-11", "2026-11-02", "2026-11-03 09:00")["status"] == "missing"
    r = me.post("/api/attendance/makeups", {"day": "2026-11-02", "time": "17:40", "reason": "忘记打卡"},
                headers=at("2026-11-03 09:00"))
    assert r.status == 201 and r.data["status"] == "pending" and r.data["approval_id"], r
    inst = r.data["approval_id"]
    # The department leader has it in the inbox; another unit's HR cannot see it.
    leader = api.as_(org.office_leader)
    waiting = leader.get("/api/approvals?box=waiting").data
    assert [w["id"] for w in waiting] == [inst] and waiting[0]["kind"] == "makeup_punch"
    detail = leader.get(f"/api/approvals/{inst}").data
    assert detail["subject"]["time"] == "17:40"
    assert api.as_(org.b_hr_officer).get(f"/api/approvals/{inst}").status == 404
    _act(leader, inst, "approve")
    day = _day(me, "2026-11", "2026-11-02", "2026-11-03 09:00")
    assert day["status"] == "normal", day
    rows = server.run(fetch_all(Punch.select().where(Punch.staff == org.office_1.id, Punch.kind == "makeup")))
    assert len(rows) == 1 and rows[0].makeup == r.data["id"]
    assert me.get("/api/attendance/makeups").data[0]["status"] == "approved"


def test_makeup_rejected_withdrawn_limits_and_deadline(api, org, server):
    hr, _ = setup_a(api, org, rule={"makeup_monthly_limit": 2, "makeup_deadline_days": 3})
    me = api.as_(org.office_1)
    leader = api.as_(org.office_leader)
    r1 = me.post("/api/attendance/makeups", {"day": "2026-11-02", "time": "08:30", "reason": "a"},
                 headers=at("2026-11-03 09:00")).data
    _act(leader, r1["approval_id"], "reject", comment="有打卡记录可查")
    r2 = me.post("/api/attendance/makeups", {"day": "2026-11-02", "time": "17:30", "reason": "b"},
                 headers=at("2026-11-03 09:00")).data
    _act(me, r2["approval_id"], "withdraw")
    statuses = {m["id"]: m["status"] for m in me.get("/api/attendance/makeups").data}
    assert statuses == {r1["id"]: "rejected", r2["id"]: "withdrawn"}
    assert not server.run(fetch_all(Punch.select().where(Punch.kind == "makeup")))
    # Rejected and withdrawn requests do not use up the monthly limit; pending ones do.
    for t in ("08:31", "17:31"):
        assert me.post("/api/attendance/makeups", {"day": "2026-11-03", "time": t, "reason": "c"},
                       headers=at("2026-11-04 09:00")).status == 201
    r = me.post("/api/attendance/makeups", {"day": "2026-11-04", "time": "08:30", "reason": "d"},
                headers=at("2026-11-04 09:00"))
    assert r.status == 422 and r.code == "MAKEUP_LIMIT_REACHED"
    other = api.as_(org.office_2)
    r = other.post("/api/attendance/makeups", {"day": "2026-11-02", "time": "08:30", "reason": "e"},
                   headers=at("2026-11-06 09:00"))
    assert r.status == 422 and r.code == "MAKEUP_DEADLINE_PASSED"
    for body, code in (({"day": "2026-11-07", "time": "08:30", "reason": "f"}, "MAKEUP_FUTURE"),
                       ({"day": "2026-11-06", "time": "10:00", "reason": "f"}, "MAKEUP_FUTURE"),
                       ({"day": "2026-11-05", "time": "25:00", "reason": "f"}, "VALIDATION_FAILED"),
                       ({"day": "bad", "time": "08:00", "reason": "f"}, "VALIDATION_FAILED"),
                       ({"day": "2026-11-05", "time": "08:00"}, "VALIDATION_FAILED")):
        r = other.post("/api/attendance/makeups", body, headers=at("2026-11-06 09:00"))
        assert r.status == 422 and r.code == code, (body, r)
    assert server.run(fetch_all(MakeupRequest.select().where(MakeupRequest.staff == org.office_2.id))) == []


def test_approved_leave_recomputes_stored_days(api, org, server):
    setup_a(api, org)
    me = api.as_(org.office_1)
    punch(me, "2026-11-03 08:20")
    punch(me, "2026-11-03 12:05")   # afternoon off, not yet approved
    # The month is read (and days 2–4 stored) before the leave exists.
    day = _day(me, "2026-11", "2026-11-03", "2026-11-05 09:00")
    assert day["status"] == "missing" and day["result"]["missing_count"] == 2
    assert _day(me, "2026-11", "2026-11-04", "2026-11-05 09:00")["status"] == "absent"
    r = me.post("/api/leave/requests", {"type": "personal", "start": "2026-11-03", "start_half": "pm",
                                        "end": "2026-11-04", "end_half": "pm", "reason": "家中有事"})
    assert r.status == 201, r
    inst = r.data["instance_id"]
    _act(api.as_(org.office_leader), inst, "approve")
    day = _day(me, "2026-11", "2026-11-03", "2026-11-05 09:00")
    assert day["status"] == "normal" and day["result"]["leave_half"] == "pm" \
        and day["result"]["leave_name"] == "事假", day
    nov4 = _day(me, "2026-11", "2026-11-04", "2026-11-05 09:00")
    assert nov4["status"] == "leave"
    totals = me.get("/api/attendance/month?month=2026-11", headers=at("2026-11-05 09:00")).data["totals"]
    assert totals["leave_days"] == {"事假": 1.5} and totals["absences"] == 1  # 11-02 only
