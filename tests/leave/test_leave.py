"""Leave: counting over the 2026 calendar, annual entitlement, balances, overlap, report-back."""
import datetime

import pytest

from models.audit import AuditLog
from models.leave import LeaveBalance, LeaveRequest
from services import events, leave
from services.leave_rules import annual_days_for_years, annual_entitlement, annual_exclusion
from tests.support import d


def quote(client, type_, start, end, sh="am", eh="pm"):
    return client.get(f"/api/leave/quote?type={type_}&start={start}&start_half={sh}&end={end}&end_half={eh}")


def apply(client, type_, start, end, sh="am", eh="pm", reason="事由"):
    return client.post("/api/leave/requests", {"type": type_, "start": start, "start_half": sh,
                                               "end": end, "end_half": eh, "reason": reason})


def act(client, inst_id, action, **kw):
    return client.post(f"/api/approvals/{inst_id}/actions", {"action": action, **kw})


def annual(client, year=2026):
    r = client.get(f"/api/leave/balances?year={year}")
    assert r.status == 200, r
    return next(b for b in r.data if b["type_code"] == "annual")


@pytest.mark.parametrize("years,days", [(0, 0), (0.99, 0), (1, 5), (9.99, 5), (10, 10), (19.99, 10),
                                        (20, 15), (35, 15)])
def test_annual_table_boundaries(years, days):
    assert annual_days_for_years(years) == days


def test_annual_entitlement_pro_rata_by_month():
    # Whole year inside one tier.
    assert annual_entitlement(d("2015-06-01"), 2026) == 10
    assert annual_entitlement(d("2006-12-31"), 2026) == 10   # 满20年 on the last day: from next month
    assert annual_entitlement(d("2005-11-30"), 2026) == 15
    assert annual_entitlement(d("2026-03-01"), 2026) == 0    # first year: nothing
    # 满1年 on 2026-03-15: April..December at 5 days -> 9/12*5 = 3.75 -> 3
    assert annual_entitlement(d("2025-03-15"), 2026) == 3
    # 满10年 on 2026-01-01: January still at 5, then 10 -> (5 + 110) / 12 = 9.58 -> 9
    assert annual_entitlement(d("2016-01-01"), 2026) == 9
    assert annual_entitlement(d("2016-07-01"), 2026) == 7    # (7*5 + 5*10)/12 = 7.08
    assert annual_entitlement(None, 2026) == 0


def test_art4_exclusions():
    first = d("2015-06-01")  # 11 years in 2026
    assert annual_exclusion(first, 2026, 19.5, 0) == ""
    assert "事假" in annual_exclusion(first, 2026, 20, 0)
    assert annual_exclusion(first, 2026, 0, 89) == ""       # 10-20 years: 3 months
    assert "病假" in annual_exclusion(first, 2026, 0, 90)
    assert "病假" in annual_exclusion(d("2020-01-01"), 2026, 0, 60)  # 1-10 years: 2 months
    assert annual_exclusion(d("2000-01-01"), 2026, 0, 119) == ""     # 20+: 4 months
    assert "病假" in annual_exclusion(d("2000-01-01"), 2026, 0, 120)


def test_spring_festival_and_makeup_saturdays(api, org):
    c = api.as_(org.office_1)
    r = quote(c, "annual", "2026-02-13", "2026-02-24")
    # Fri 13 (work), Sat 14 (调休上班), 15..23 holiday, Tue 24 (work) = 3 working days.
    assert r.status == 200 and r.data["days"] == 3 and r.data["warnings"] == [], r
    assert quote(c, "annual", "2026-02-14", "2026-02-14").data["days"] == 1      # 调休 Saturday
    assert quote(c, "annual", "2026-02-28", "2026-02-28").data["days"] == 1      # 调休 Saturday
    assert quote(c, "annual", "2026-02-28", "2026-03-01").data["days"] == 1      # Sunday after it
    # Calendar-day types count every day.
    assert quote(c, "maternity", "2026-02-13", "2026-02-24").data["days"] == 12
    # Half days across the National Day holiday: Wed 09-30 pm .. Thu 10-08 am.
    assert quote(c, "annual", "2026-09-30", "2026-10-08", "pm", "am").data["days"] == 1
    assert quote(c, "annual", "2026-03-02", "2026-03-02", "am", "am").data["days"] == 0.5
    assert quote(c, "annual", "2026-03-02", "2026-03-02", "pm", "pm").data["days"] == 0.5
    r = quote(c, "annual", "2026-03-02", "2026-03-02", "pm", "am")
    assert r.status == 422 and r.code == "LEAVE_RANGE_INVALID"
    r = quote(c, "annual", "2026-03-05", "2026-03-02")
    assert r.status == 422 and r.code == "LEAVE_RANGE_INVALID"
    r = quote(c, "annual", "2026-03-02", "2026-03-02", "noon", "pm")
    assert r.status == 422 and r.code == "VALIDATION_FAILED"
    assert quote(c, "nope", "2026-03-02", "2026-03-02").code == "LEAVE_TYPE_UNKNOWN"
    assert c.get("/api/leave/quote?type=annual&start=2026-13-01&end=2026-03-02").status == 422
    r = apply(c, "annual", "2026-02-15", "2026-02-22")
    assert r.status == 422 and r.code == "LEAVE_NO_WORKING_DAY"
    assert server_rows(c) == 0


def server_rows(client):
    return client.get("/api/leave/requests?mine=1").json["total"]


def test_2027_falls_back_with_warning(api, org, server):
    c = api.as_(org.office_1)
    r = quote(c, "annual", "2027-01-01", "2027-01-04")
    assert r.status == 200 and r.data["days"] == 2 and r.data["warnings"] and "2027" in r.data["warnings"][0]
    r = apply(c, "annual", "2027-01-04", "2027-01-05")
    assert r.status == 201, r
    assert r.data["warnings"] and "2027" in r.data["warnings"][0]


def test_balance_reserved_then_released_on_reject_and_withdraw(api, org, server):
    me = api.as_(org.office_1)  # first employed 2010-07-01: 15+ years -> 10 days in 2026
    assert annual(me)["entitled"] == 10
    r = apply(me, "annual", "2026-03-02", "2026-03-06")  # 5 days
    assert r.status == 201, r
    assert r.data["days"] == 5 and r.data["status"] == "pending"
    b = annual(me)
    assert (b["pending"], b["used"], b["remaining"]) == (5, 0, 5)
    r2 = apply(me, "annual", "2026-03-09", "2026-03-16")  # 6 days > 5 remaining
    assert r2.status == 422 and r2.code == "LEAVE_BALANCE_INSUFFICIENT" and "年休假余额不足" in r2.error["message"]
    assert server_rows(me) == 1  # nothing half-written
    leader = api.as_(org.office_leader)
    assert act(leader, r.data["instance_id"], "reject", comment="工作忙").status == 200
    b = annual(me)
    assert (b["pending"], b["used"], b["remaining"]) == (0, 0, 10)
    assert me.get(f"/api/leave/requests/{r.data['id']}").data["status"] == "rejected"
    # withdraw releases too
    r = apply(me, "annual", "2026-03-09", "2026-03-10")
    assert annual(me)["pending"] == 2
    assert act(me, r.data["instance_id"], "withdraw").status == 200
    assert annual(me)["pending"] == 0
    assert me.get(f"/api/leave/requests/{r.data['id']}").data["status"] == "withdrawn"
    # approve: pending -> used
    r = apply(me, "annual", "2026-03-09", "2026-03-10")
    assert act(leader, r.data["instance_id"], "approve").status == 200
    b = annual(me)
    assert (b["pending"], b["used"], b["remaining"]) == (0, 2, 8)


def test_overlap_and_halves(api, org):
    me = api.as_(org.office_2)
    assert apply(me, "sick", "2026-04-06", "2026-04-07", "am", "am").status == 201
    r = apply(me, "personal", "2026-04-07", "2026-04-08", "am", "pm")
    assert r.status == 409 and r.code == "LEAVE_OVERLAP"
    assert apply(me, "personal", "2026-04-07", "2026-04-08", "pm", "pm").status == 201  # the afternoon is free
    assert apply(me, "personal", "2026-04-03", "2026-04-06", "am", "am").code == "LEAVE_OVERLAP"
    # Another person's leave never clashes.
    assert apply(api.as_(org.office_1), "personal", "2026-04-07", "2026-04-07").status == 201


def test_long_leave_goes_to_supervisor_and_head(api, org, server):
    me = api.as_(org.fin_1)
    # 劳动节 05-01..05-05 off, Saturday 05-09 worked: 6..8, 9, 11..15, 18..22, 25..29 = 19
    r = apply(me, "sick", "2026-05-06", "2026-05-29")
    assert r.status == 201 and r.data["days"] == 19, r
    inst = me.get(f"/api/approvals/{r.data['instance_id']}").data
    assert [s["approvers"][0]["id"] for s in inst["steps"]] == [org.fin_leader.id, org.a_deputy.id, org.a_head.id]
    assert inst["subject"]["type"] == "sick" and inst["subject"]["attachment_required"] is True
    seen = []

    async def record(**kw):
        seen.append((kw["staff_id"], kw["start"], kw["end"]))
    events.subscribe("leave.changed", record)
    try:
        for who in (org.fin_leader, org.a_deputy):
            assert act(api.as_(who), r.data["instance_id"], "approve").data["status"] == "pending"
        assert seen == []
        # 病假 above 2 days: the last approval waits for the sick note.
        assert act(api.as_(org.a_head), r.data["instance_id"], "approve").code == "LEAVE_ATTACHMENT_REQUIRED"
        assert me.request("POST", f"/api/leave/requests/{r.data['id']}/attachments",
                          files={"file": ("病历.pdf", b"%PDF-1.4 x", "application/pdf")}).status == 201
        assert seen == []
        assert act(api.as_(org.a_head), r.data["instance_id"], "approve").data["status"] == "approved"
    finally:
        events._subscribers["leave.changed"].remove(record)
    assert seen == [(org.fin_1.id, d("2026-05-06"), d("2026-05-29"))]
    days = server.run(leave.approved_leave_days([org.fin_1.id], d("2026-05-01"), d("2026-05-07")))
    assert days[(org.fin_1.id, d("2026-05-06"))] == {"type": "sick", "name": "病假", "half": "full", "trip": False}
    assert (org.fin_1.id, d("2026-05-05")) not in days


def test_personal_leave_20_days_cancels_annual(api, org):
    me = api.as_(org.hr_1)
    assert annual(me)["entitled"] == 10
    r = apply(me, "personal", "2026-06-01", "2026-06-26")  # 20 working days (端午 06-19 is a holiday)
    days = r.data["days"]
    assert r.status == 201
    if days < 20:
        r2 = apply(me, "personal", "2026-06-29", "2026-07-03")
        act(api.as_(org.hr_leader), r2.data["instance_id"], "approve")
        act(api.as_(org.a_deputy), r2.data["instance_id"], "approve")
    for who in (org.hr_leader, org.a_deputy, org.a_head):
        act(api.as_(who), r.data["instance_id"], "approve")
    b = annual(me)
    assert b["entitled"] == 0 and "事假" in b["note"]
    r = apply(me, "annual", "2026-09-01", "2026-09-01")
    assert r.status == 422 and r.code == "LEAVE_BALANCE_INSUFFICIENT"


def test_report_back_returns_days(api, org, server):
    me = api.as_(org.office_1)
    r = apply(me, "annual", "2026-03-02", "2026-03-06")  # Mon..Fri, 5 days
    leader = api.as_(org.office_leader)
    assert act(leader, r.data["instance_id"], "approve").status == 200  # 5 > 3 -> supervisor too
    assert act(api.as_(org.a_deputy), r.data["instance_id"], "approve").data["status"] == "approved"
    assert annual(me)["used"] == 5
    rid = r.data["id"]
    # not after the end, not by an outsider
    assert me.post(f"/api/leave/requests/{rid}/report-back", {"date": "2026-03-09", "half": "am"}).code == \
        "LEAVE_REPORT_BACK_INVALID"
    assert api.as_(org.office_2).post(f"/api/leave/requests/{rid}/report-back",
                                      {"date": "2026-03-04", "half": "am"}).status == 404
    assert me.post(f"/api/leave/requests/{rid}/report-back", {"date": "2026-03-04", "half": "noon"}).status == 422
    # back on Wednesday afternoon: Mon, Tue, Wed morning taken = 2.5
    r = me.post(f"/api/leave/requests/{rid}/report-back", {"date": "2026-03-04", "half": "pm"})
    assert r.status == 200, r
    assert (r.data["days"], r.data["end"], r.data["end_half"], r.data["original_days"]) == (2.5, "2026-03-04", "am", 5)
    b = annual(me)
    assert (b["used"], b["remaining"]) == (2.5, 7.5)
    actions = [a.action for a in server.run(AuditLog.select().aexecute())]
    assert "leave.report_back" in actions
    # the freed days can be requested again
    assert apply(me, "annual", "2026-03-05", "2026-03-05").status == 201


def test_hr_adjusts_balance_in_reach(api, org, server):
    me = api.as_(org.office_1)
    b = annual(me)
    hr = api.as_(org.a_hr_officer)
    r = hr.post(f"/api/leave/balances/{b['id']}/adjust", {"delta": 2.5, "reason": "上年结转"})
    assert r.status == 200 and r.data["adjusted"] == 2.5 and r.data["remaining"] == 12.5, r
    assert hr.post(f"/api/leave/balances/{b['id']}/adjust", {"delta": 0.3, "reason": "x"}).code == "LEAVE_ADJUST_INVALID"
    assert hr.post(f"/api/leave/balances/{b['id']}/adjust", {"delta": -50, "reason": "x"}).code == "LEAVE_ADJUST_INVALID"
    assert hr.post(f"/api/leave/balances/{b['id']}/adjust", {"delta": 1}).status == 422
    assert api.as_(org.b_hr_officer).post(f"/api/leave/balances/{b['id']}/adjust",
                                          {"delta": 1, "reason": "x"}).status == 404
    assert me.post(f"/api/leave/balances/{b['id']}/adjust", {"delta": 1, "reason": "x"}).status == 403
    # HR reads someone's balances in reach; B's HR cannot
    assert hr.get(f"/api/leave/balances?year=2026&staff_id={org.office_1.id}").status == 200
    assert api.as_(org.b_hr_officer).get(f"/api/leave/balances?year=2026&staff_id={org.office_1.id}").status == 404
    assert "leave.balance.adjust" in [a.action for a in server.run(AuditLog.select().aexecute())]


def test_scope_of_requests(api, org):
    r = apply(api.as_(org.office_1), "sick", "2026-04-08", "2026-04-08")
    rid = r.data["id"]
    assert api.as_(org.office_leader).get(f"/api/leave/requests/{rid}").status == 200  # approver
    assert api.as_(org.a_hr_officer).get(f"/api/leave/requests/{rid}").status == 200   # leave.view
    for who in (org.office_2, org.b_office_1, org.b_hr_officer):
        assert api.as_(who).get(f"/api/leave/requests/{rid}").status == 404
    assert api.as_(org.b_hr_officer).get("/api/leave/requests?mine=0").json["total"] == 0
    assert api.as_(org.a_hr_officer).get("/api/leave/requests?mine=0").json["total"] == 1
    assert api.as_(org.office_2).get("/api/leave/requests?mine=0").status == 403


def test_types_and_report(api, org, server):
    hr = api.as_(org.a_hr_officer)
    types = {t["code"]: t for t in hr.get("/api/leave/types").data}
    assert {"annual", "sick", "personal", "marriage", "maternity", "paternity", "home_visit",
            "bereavement", "lieu"} <= set(types)
    assert types["maternity"]["count_mode"] == "calendar_days"
    # A province's 158 days of maternity leave: a unit row overriding the national one.
    r = hr.post("/api/leave/types", {"code": "maternity", "name": "产假", "max_days_per_request": 158})
    assert r.status == 201 and r.data["count_mode"] == "calendar_days", r
    assert hr.post("/api/leave/types", {"code": "maternity", "name": "产假"}).code == "LEAVE_TYPE_EXISTS"
    assert hr.post("/api/leave/types", {"code": "Bad Code", "name": "x"}).status == 422
    assert api.as_(org.office_1).post("/api/leave/types", {"code": "x1", "name": "x"}).status == 403
    assert hr.patch(f"/api/leave/types/{types['sick']['id']}", {"paid": False}).code == "LEAVE_TYPE_NATIONAL"
    assert api.as_(org.b_hr_officer).patch(f"/api/leave/types/{r.data['id']}", {"paid": False}).status == 404
    assert hr.patch(f"/api/leave/types/{r.data['id']}", {"count_mode": "weeks"}).status == 422
    assert apply(api.as_(org.office_1), "maternity", "2026-03-01", "2026-07-31").data["days"] == 153
    assert apply(api.as_(org.b_office_1), "maternity", "2026-03-01", "2026-07-31").code == "LEAVE_TOO_LONG"
    # report
    r = apply(api.as_(org.fin_1), "sick", "2026-04-06", "2026-04-07")  # 04-06 is 清明 (holiday)
    act(api.as_(org.fin_leader), r.data["instance_id"], "approve")
    rep = hr.get("/api/leave/report?year=2026&month=4")
    assert rep.status == 200 and rep.data == [{
        "department_id": org.a_fin.id, "department_name": "财务科", "year": 2026, "month": 4,
        "type": "sick", "type_name": "病假", "requests": 1, "people": 1, "days": 1.0}]
    assert api.as_(org.b_hr_officer).get("/api/leave/report?year=2026").data == []
    assert api.as_(org.b_hr_officer).get(f"/api/leave/report?year=2026&department_id={org.a_fin.id}").status == 404
    csv = hr.get("/api/leave/report?year=2026&format=csv")
    assert csv.status == 200 and "财务科" in csv.raw.content.decode("utf-8-sig")
    assert csv.raw.content.startswith("\ufeff部门,月份".encode())  # BOM: Excel reads it as UTF-8
    # The Chinese name (RFC 5987) and an ASCII fallback for old clients.
    assert csv.headers["Content-Disposition"] == (
        "attachment; filename=\"____-2026.csv\"; "
        "filename*=UTF-8''%E8%AF%B7%E5%81%87%E7%BB%9F%E8%AE%A1-2026.csv")
    assert api.as_(org.b_hr_officer).get(
        f"/api/leave/report?year=2026&department_id={org.a_fin.id}&format=csv").status == 404
    xlsx = hr.get("/api/leave/report?year=2026&format=xlsx")
    assert xlsx.status == 200 and xlsx.raw.content[:2] == b"PK"
    assert hr.get("/api/leave/report?year=2026&month=13").status == 422
    assert api.as_(org.office_1).get("/api/leave/report?year=2026").status == 403


def test_no_half_written_rows_when_engine_fails(api, org, server):
    # A person without a unit head, leader or HR still gets a plan; a bad type writes nothing.
    me = api.as_(org.office_1)
    assert apply(me, "bogus", "2026-04-06", "2026-04-06").status == 422
    assert server.run(_count(LeaveRequest)) == 0 and server.run(_count(LeaveBalance)) <= 1


async def _count(model):
    from models.base import count
    return await count(model.select())


def test_return_keeps_reservation_until_resubmit_or_withdraw(api, org):
    me = api.as_(org.office_1)
    r = apply(me, "annual", "2026-03-02", "2026-03-03")
    leader = api.as_(org.office_leader)
    assert act(leader, r.data["instance_id"], "return", comment="请补充工作交接").data["status"] == "returned"
    assert me.get(f"/api/leave/requests/{r.data['id']}").data["status"] == "returned"
    assert annual(me)["pending"] == 2
    # the same dates stay blocked while returned
    assert apply(me, "annual", "2026-03-03", "2026-03-03").code == "LEAVE_OVERLAP"
    assert me.post(f"/api/approvals/{r.data['instance_id']}/resubmit").status == 200
    assert me.get(f"/api/leave/requests/{r.data['id']}").data["status"] == "pending"
    assert act(leader, r.data["instance_id"], "return", comment="再补充").status == 200
    assert act(me, r.data["instance_id"], "withdraw").status == 200
    assert annual(me)["pending"] == 0
    assert me.get(f"/api/leave/requests/{r.data['id']}").data["status"] == "withdrawn"


def test_approver_sees_balance_and_department_overlaps(api, org):
    """The approval detail carries the applicant's remaining balance and who else is away."""
    colleague = api.as_(org.fin_2)
    r = apply(colleague, "personal", "2026-03-04", "2026-03-04")
    assert r.status == 201, r
    other_dept = apply(api.as_(org.office_1), "personal", "2026-03-04", "2026-03-04")
    assert other_dept.status == 201
    me = api.as_(org.fin_1)
    mine = apply(me, "annual", "2026-03-03", "2026-03-05")
    assert mine.status == 201, mine
    leader = api.as_(org.fin_leader)
    detail = leader.get(f"/api/approvals/{mine.data['instance_id']}")
    assert detail.status == 200, detail
    subject = detail.data["subject"]
    assert subject["applicant_balance"]["type_name"] == "年休假"
    assert subject["applicant_balance"]["remaining"] == annual(me)["remaining"]
    names = [o["staff"]["name"] for o in subject["department_overlaps"]]
    assert names == ["财务科职工二"]  # the office colleague is in another department
    # Someone outside the request still cannot open it.
    assert api.as_(org.office_leader).get(f"/api/approvals/{mine.data['instance_id']}").status == 404
