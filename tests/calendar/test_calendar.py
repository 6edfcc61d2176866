"""The holiday calendar: package years, 调休 Saturdays, unknown years, admin entries."""
import datetime

from services import calendar
from tests.support import d


def days(api, who, start, end):
    r = api.as_(who).get(f"/api/calendar?start={start}&end={end}")
    assert r.status == 200, r
    return {x["date"]: x for x in r.data}, r.json["warnings"]


def test_spring_festival_2026(api, org):
    got, warnings = days(api, org.office_1, "2026-02-13", "2026-03-01")
    assert warnings == []
    assert got["2026-02-13"]["kind"] == "workday"
    assert got["2026-02-14"]["kind"] == "makeup_workday" and got["2026-02-14"]["working"]
    assert got["2026-02-15"]["kind"] == "holiday" and got["2026-02-15"]["name"] == "春节"
    assert got["2026-02-23"]["kind"] == "holiday"
    assert got["2026-02-24"]["kind"] == "workday"
    assert got["2026-02-28"]["kind"] == "makeup_workday"
    assert got["2026-03-01"]["kind"] == "rest"


def test_unknown_year_falls_back_with_warning_until_published(api, f, org, server):
    got, warnings = days(api, org.office_1, "2027-01-01", "2027-01-04")
    assert got["2027-01-01"]["kind"] == "workday"  # a Friday, no data yet
    assert got["2027-01-01"]["source"] == "weekday_fallback"
    assert got["2027-01-02"]["kind"] == "rest"
    assert warnings and "2027" in warnings[0]
    admin = f.staff(org.a_office, "系统管理员甲")
    f.grant(admin, "sys_admin", "all")
    client = api.as_(admin)
    r = client.put("/api/calendar/days/2027-01-01", {"kind": "holiday", "name": "元旦"})
    assert r.status == 200 and r.data["kind"] == "holiday", r
    assert client.get("/api/calendar/years/2027").data["source"] == "missing"
    assert client.post("/api/calendar/years/2027/publish").status == 200
    got, warnings = days(api, org.office_1, "2027-01-01", "2027-01-04")
    assert warnings == []
    assert got["2027-01-01"]["kind"] == "holiday" and got["2027-01-01"]["source"] == "admin"
    assert got["2027-01-04"]["source"] == "admin"


def test_admin_override_and_permissions(api, f, org, server):
    # An ordinary member of staff may read but not edit.
    r = api.as_(org.office_1).put("/api/calendar/days/2026-05-06", {"kind": "holiday"})
    assert r.status == 403 and r.code == "PERMISSION_DENIED"
    # The HR officer of A may set a unit day for A but not for B, and not nationwide.
    hr = api.as_(org.a_hr_officer)
    assert hr.put("/api/calendar/days/2026-05-06", {"kind": "holiday", "unit_id": org.a.id}).status == 200
    assert hr.put("/api/calendar/days/2026-05-06", {"kind": "holiday", "unit_id": org.b.id}).status == 404
    assert hr.put("/api/calendar/days/2026-05-06", {"kind": "holiday"}).status == 403
    r = hr.put("/api/calendar/days/2026-05-06", {"kind": "party"})
    assert (r.status, r.code) == (422, "VALIDATION_FAILED") and "kind" in r.error["fields"]
    assert hr.put("/api/calendar/days/2026-05-06", {"kind": 3}).status == 422
    assert days(api, org.office_1, "2026-05-06", "2026-05-06")[0]["2026-05-06"]["kind"] == "holiday"
    assert days(api, org.b_office_1, "2026-05-06", "2026-05-06")[0]["2026-05-06"]["kind"] == "workday"


def test_add_working_days_skips_holidays(server, org):
    # Wednesday 2026-09-30 + 1 working day: National Day holiday 10-01..10-07, back on Thursday 10-08.
    result = server.run(calendar.add_working_days(d("2026-09-30"), 1))
    assert result == datetime.date(2026, 10, 8)
    assert server.run(calendar.add_working_days(d("2026-02-13"), 1)) == d("2026-02-14")


def test_declared_query_body_and_path_date(api, org):
    me = api.as_(org.office_1)
    r = me.get("/api/calendar?start=2026-01-01")
    assert (r.status, r.code) == (422, "VALIDATION_FAILED") and r.error["fields"] == {"end": "必填"}
    r = me.get("/api/calendar?start=2026-02-30&end=2026-03-01")
    assert r.status == 422 and r.error["fields"] == {"start": "应为日期 YYYY-MM-DD"}
    assert me.get("/api/calendar?start=2026-03-01&end=2026-01-01").code == "CALENDAR_RANGE_INVALID"
    admin = api.as_(org.a_hr_officer)
    r = admin.put("/api/calendar/days/2026-13-01", {"kind": "holiday", "unit_id": org.a.id})
    assert r.status == 422 and r.error["fields"] == {"date": "应为日期 YYYY-MM-DD"}
    r = admin.put("/api/calendar/days/2026-05-06", {"kind": "holiday", "unit_id": 0})
    assert r.status == 422 and r.error["fields"] == {"unit_id": "不能小于 1"}
    r = admin.post("/api/calendar/years/2027/publish", {"unit_id": "甲局"})
    assert r.status == 422 and r.error["fields"] == {"unit_id": "应为整数"}
