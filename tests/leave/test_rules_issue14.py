"""Leave rules HR found wrong (issue 14): Art. 4 after annual leave was taken, unpaid 事假, the
anniversary rule, 补请假 and its limit, a quote that writes nothing."""
from models.leave import LeaveBalance, LeaveRequest
from tests.leave.test_leave import act, annual, apply, quote
from tests.support import d


def clock(local):
    return {"X-Mingjing-Now": f"{local}T09:00:00+08:00"}


def approve_all(api, org, rid):
    """Approve a request step by step with whoever may act (leader, deputy, head)."""
    me = api.as_(org.a_head)
    for _ in range(4):
        req = me.get(f"/api/leave/requests/{rid}").data
        if req["status"] == "approved":
            return req
        for who in (org.hr_leader, org.office_leader, org.a_deputy, org.a_head):
            act(api.as_(who), req["instance_id"], "approve")
    req = me.get(f"/api/leave/requests/{rid}").data
    assert req["status"] == "approved", req
    return req


def test_annual_taken_then_21_days_personal_costs_next_year(api, org):
    me = api.as_(org.hr_1)
    r = apply(me, "annual", "2026-03-02", "2026-03-03")
    assert r.status == 201 and r.data["days"] == 2
    approve_all(api, org, r.data["id"])
    r = apply(me, "personal", "2026-06-01", "2026-06-30")   # 21 working days (端午 06-19)
    assert r.status == 201 and r.data["days"] == 21, r
    approve_all(api, org, r.data["id"])
    b = annual(me, 2026)
    assert (b["entitled"], b["used"], b["remaining"]) == (10, 2, 8), b   # not (0, 2, -2)
    assert "2027" in b["note"] and "事假" in b["note"]
    nxt = annual(me, 2027)
    assert nxt["entitled"] == 0 and "2026" in nxt["note"], nxt
    # HR sees the same for the person; B's HR cannot look
    hr = api.as_(org.a_hr_officer)
    rows = hr.get(f"/api/leave/balances?year=2027&staff_id={org.hr_1.id}").data
    assert next(x for x in rows if x["type_code"] == "annual")["entitled"] == 0
    assert api.as_(org.b_hr_officer).get(f"/api/leave/balances?year=2027&staff_id={org.hr_1.id}").status == 404


def test_personal_first_cancels_this_year(api, org):
    me = api.as_(org.hr_1)
    r = apply(me, "personal", "2026-06-01", "2026-06-30")
    approve_all(api, org, r.data["id"])
    b = annual(me, 2026)
    assert b["entitled"] == 0 and "不享受当年" in b["note"]
    assert annual(me, 2027)["entitled"] == 10   # next year is untouched


def test_unpaid_personal_type_does_not_cancel(api, org):
    hr = api.as_(org.a_hr_officer)
    r = hr.post("/api/leave/types", {"code": "personal", "paid": False})   # the unit deducts pay
    assert r.status == 201 and r.data["paid"] is False, r
    me = api.as_(org.hr_1)
    r = apply(me, "personal", "2026-06-01", "2026-06-30")
    approve_all(api, org, r.data["id"])
    b = annual(me, 2026)
    assert b["entitled"] == 10 and b["note"] == "", b
    # B's units are untouched: their 事假 still counts (national type is paid)
    types = api.as_(org.b_hr_officer).get("/api/leave/types").data
    assert next(t for t in types if t["code"] == "personal")["paid"] is True


def test_anniversary_rule_is_a_unit_option(api, org, f):
    p = f.staff(org.a_office, "周年", employee_no="A-ANNIV", first_employment_date=d("2016-07-15"))
    me = api.as_(p)

    def entitled(day):
        r = me.get("/api/leave/balances?year=2026", headers=clock(day))
        return next(b for b in r.data if b["type_code"] == "annual")["entitled"]

    assert entitled("2026-07-20") == 7 and entitled("2026-08-03") == 7   # pro-rata: (7*5+5*10)/12
    hr = api.as_(org.a_hr_officer)
    bad = hr.post("/api/leave/types", {"code": "annual", "settings": {"anniversary_rule": "whenever"}})
    assert bad.status == 422 and bad.code == "VALIDATION_FAILED"
    r = hr.post("/api/leave/types", {"code": "annual", "settings": {"anniversary_rule": "next_month"}})
    assert r.status == 201, r
    assert entitled("2026-07-20") == 5     # 满10年 on 07-15: the new band from August
    assert entitled("2026-08-03") == 10
    # B's people keep the pro-rata rule
    q = f.staff(org.b_office, "乙周年", employee_no="B-ANNIV", first_employment_date=d("2016-07-15"))
    r = api.as_(q).get("/api/leave/balances?year=2026", headers=clock("2026-08-03"))
    assert next(b for b in r.data if b["type_code"] == "annual")["entitled"] == 7


def test_backdated_leave_is_marked_and_limited(api, org, server):
    me = api.as_(org.office_1)
    h = clock("2026-11-10")
    q = me.get("/api/leave/quote?type=personal&start=2026-11-05&end=2026-11-05", headers=h)
    assert q.status == 200 and q.data["backdated"] is True
    r = me.post("/api/leave/requests", {"type": "personal", "start": "2026-11-05", "end": "2026-11-05",
                                        "reason": "家中急事，补请假"}, headers=h)
    assert r.status == 201 and r.data["backdated"] is True, r
    # the approver sees it
    leader = api.as_(org.office_leader)
    inst = leader.get(f"/api/approvals/{r.data['instance_id']}")
    assert inst.status == 200 and "补请假" in inst.data["summary"], inst
    assert inst.data["subject"]["backdated"] is True
    fut = me.post("/api/leave/requests", {"type": "personal", "start": "2026-11-12", "end": "2026-11-12"},
                  headers=h)
    assert fut.status == 201 and fut.data["backdated"] is False
    # the unit limits it to 3 days back; B's HR cannot set A's rule
    assert api.as_(org.b_hr_officer).put(f"/api/attendance/rules/{org.a.id}",
                                         {"leave_backdate_days": 3}).status == 404
    hr = api.as_(org.a_hr_officer)
    rule = hr.put(f"/api/attendance/rules/{org.a.id}", {"leave_backdate_days": 3})
    assert rule.status == 200 and rule.data["leave_backdate_days"] == 3
    r = me.post("/api/leave/requests", {"type": "personal", "start": "2026-11-06", "end": "2026-11-06"},
                headers=h)
    assert r.status == 422 and r.code == "LEAVE_BACKDATE_TOO_FAR", r
    assert me.get("/api/leave/quote?type=personal&start=2026-11-06&end=2026-11-06",
                  headers=h).code == "LEAVE_BACKDATE_TOO_FAR"
    assert me.post("/api/leave/requests", {"type": "personal", "start": "2026-11-09", "end": "2026-11-09"},
                   headers=h).status == 201
    # another unit's people are not limited by A's rule
    assert api.as_(org.b_office_1).post("/api/leave/requests", {
        "type": "personal", "start": "2026-11-02", "end": "2026-11-02"}, headers=h).status == 201
    # an explicit null lifts the limit
    assert hr.put(f"/api/attendance/rules/{org.a.id}", {"leave_backdate_days": None}).data[
        "leave_backdate_days"] is None
    assert me.post("/api/leave/requests", {"type": "personal", "start": "2026-11-06", "end": "2026-11-06"},
                   headers=h).status == 201
    rows = server.run(LeaveRequest.select().where(LeaveRequest.staff == org.office_1.id).aexecute())
    assert sorted((str(x.start_date), x.backdated) for x in rows) == [
        ("2026-11-05", True), ("2026-11-06", True), ("2026-11-09", True), ("2026-11-12", False)]


def test_quote_creates_no_rows(api, org, server):
    me = api.as_(org.office_1)
    r = quote(me, "annual", "2026-03-02", "2026-03-04")
    assert r.status == 200 and r.data["balance"]["remaining"] == 10 and r.data["remaining_after"] == 7
    assert list(server.run(LeaveBalance.select().aexecute())) == []
    # after a real request the quote reads the row (pending counted) and still writes nothing more
    apply(me, "annual", "2026-03-02", "2026-03-04")
    r = quote(me, "annual", "2026-03-09", "2026-03-09")
    assert r.data["balance"]["pending"] == 3 and r.data["remaining_after"] == 6
    assert len(list(server.run(LeaveBalance.select().aexecute()))) == 1
