"""出差/外出: the is_trip flag on leave types (m0008), the seeded business_trip type, attendance
judging trips by the flag (not by type code), the API and the console form."""
import pytest

from models.audit import AuditLog
from models.base import fetch_all, real_db
from models.leave import LeaveType
from models.migrations import m0008_leave_trip_flag
from services import leave_rules
from tests.admin.test_leave_pages import console_as
from tests.attendance.helpers import at, setup_a


def _types(client):
    r = client.get("/api/leave/types?all=1")
    assert r.status == 200, r
    return {t["code"]: t for t in r.data}


def _month_day(client, date):
    m = client.get(f"/api/attendance/month?month={date[:7]}", headers=at("2026-11-20 09:00")).data
    return next(x for x in m["days"] if x["date"] == date), m["totals"]


def _apply_and_approve(api, who, leader, type_, day):
    r = api.as_(who).post("/api/leave/requests", {"type": type_, "start": day, "end": day, "reason": "公务"})
    assert r.status == 201, r
    a = api.as_(leader).post(f"/api/approvals/{r.data['instance_id']}/actions", {"action": "approve"})
    assert a.status == 200 and a.data["status"] == "approved", a
    return r.data


def test_business_trip_type_is_seeded_and_flag_in_api(api, org):
    types = _types(api.as_(org.office_1))
    trip = types["business_trip"]
    assert trip["name"] == "出差/外出" and trip["is_trip"] is True and trip["national"] is True
    assert trip["balance_tracked"] is False and trip["count_mode"] == "working_days"
    assert trip["sort"] == len(leave_rules.NATIONAL_TYPES) - 1   # after the older defaults
    assert all(t["is_trip"] is False for c, t in types.items() if c != "business_trip")
    # A trip costs no balance: quoting says so.
    q = api.as_(org.office_1).get("/api/leave/quote?type=business_trip&start=2026-03-02&end=2026-03-04")
    assert q.status == 200 and q.data["days"] == 3 and q.data["balance"] is None and q.data["sufficient"]


def test_unit_type_is_trip_create_patch_audited_and_scoped(api, org, server):
    hr = api.as_(org.a_hr_officer)
    r = hr.post("/api/leave/types", {"code": "conference", "name": "外出开会", "is_trip": True})
    assert r.status == 201 and r.data["is_trip"] is True, r
    assert hr.post("/api/leave/types", {"code": "x2", "name": "x", "is_trip": "yes"}).code == "VALIDATION_FAILED"
    p = hr.patch(f"/api/leave/types/{r.data['id']}", {"is_trip": False})
    assert p.status == 200 and p.data["is_trip"] is False
    row = server.run(fetch_all(AuditLog.select().where(AuditLog.action == "leave.type.update")))[-1]
    assert row.before["is_trip"] is True and row.after["is_trip"] is False
    # Overriding the national business_trip copies its flag; another unit's HR cannot touch it.
    o = hr.post("/api/leave/types", {"code": "business_trip", "name": "出差"})
    assert o.status == 201 and o.data["is_trip"] is True and o.data["unit_id"] == org.a.id
    assert api.as_(org.b_hr_officer).patch(f"/api/leave/types/{o.data['id']}", {"is_trip": False}).status == 404
    assert api.as_(org.office_1).patch(f"/api/leave/types/{o.data['id']}", {"is_trip": False}).status == 403
    national = _types(api.as_(org.b_office_1))["business_trip"]
    assert hr.patch(f"/api/leave/types/{national['id']}", {"is_trip": False}).code == "LEAVE_TYPE_NATIONAL"


def test_attendance_judges_trips_by_the_flag_not_the_code(api, org):
    setup_a(api, org)
    hr = api.as_(org.a_hr_officer)
    # A unit type whose code used to be on the hard-coded trip list, but not flagged: it is leave.
    assert hr.post("/api/leave/types", {"code": "trip", "name": "探视", "is_trip": False}).status == 201
    # A flagged type with an unrelated code: it is a trip.
    assert hr.post("/api/leave/types", {"code": "conference", "name": "外出开会", "is_trip": True}).status == 201
    _apply_and_approve(api, org.office_1, org.office_leader, "business_trip", "2026-11-03")
    _apply_and_approve(api, org.office_1, org.office_leader, "conference", "2026-11-04")
    _apply_and_approve(api, org.office_1, org.office_leader, "trip", "2026-11-05")
    me = api.as_(org.office_1)
    day3, totals = _month_day(me, "2026-11-03")
    assert day3["status"] == "trip" and day3["result"]["leave_name"] == "出差/外出", day3
    assert _month_day(me, "2026-11-04")[0]["status"] == "trip"
    assert _month_day(me, "2026-11-05")[0]["status"] == "leave"
    assert totals["trip_days"] == 2.0 and totals["leave_days"] == {"探视": 1.0}
    # Switching the flag off and recomputing turns trips into leave (HR recompute via the event).
    t = _types(hr)["conference"]
    assert hr.patch(f"/api/leave/types/{t['id']}", {"is_trip": False}).status == 200


def test_migration_adds_the_column_once_and_keeps_rows(api, org, server):
    _types(api.as_(org.office_1))   # seed rows first

    async def go():
        db = real_db()
        await db.aexecute_sql("ALTER TABLE leave_type DROP COLUMN is_trip")
        cols = {c.name for c in await db.run(db.get_columns, "leave_type")}
        assert "is_trip" not in cols
        await m0008_leave_trip_flag.up(db)
        await m0008_leave_trip_flag.up(db)   # re-runnable
        cols = {c.name for c in await db.run(db.get_columns, "leave_type")}
        rows = await fetch_all(LeaveType.select())
        return cols, rows
    cols, rows = server.run(go())
    assert "is_trip" in cols and rows and all(r.is_trip is False for r in rows)
    # New rows still work (insert with the flag) after the column was re-added.
    r = api.as_(org.a_hr_officer).post("/api/leave/types", {"code": "field_work", "name": "外勤", "is_trip": True})
    assert r.status == 201 and r.data["is_trip"] is True


@pytest.fixture
def hr_console(server, org):
    return console_as(server, org.a_hr_officer)


def test_console_form_sets_the_trip_flag(server, org, hr_console):
    page = hr_console.get(f"/admin/leave/types?unit_id={org.a.id}&new=1")
    assert page.status_code == 200 and 'name="is_trip"' in page.text and "计为出差" in page.text
    r = hr_console.post("/admin/leave/types/save", {
        "unit_id": org.a.id, "new": "1", "code": "survey", "name": "下乡调研", "count_mode": "working_days",
        "quota_rule": "none", "paid": "1", "is_trip": "1", "active": "1", "sort": "60", "settings": ""})
    assert r.status_code == 302, r.text[:500]
    row = server.run(fetch_all(LeaveType.select().where(LeaveType.code == "survey")))[0]
    assert row.is_trip is True and row.unit_id == org.a.id
    edit = hr_console.get(f"/admin/leave/types?unit_id={org.a.id}&edit=survey")
    assert 'id="f-is-trip" checked' in edit.text
    # Unticked on save: the flag goes off.
    r = hr_console.post("/admin/leave/types/save", {
        "unit_id": org.a.id, "code": "survey", "name": "下乡调研", "count_mode": "working_days",
        "quota_rule": "none", "paid": "1", "active": "1", "sort": "60", "settings": ""})
    assert r.status_code == 302
    assert server.run(fetch_all(LeaveType.select().where(LeaveType.code == "survey")))[0].is_trip is False
    assert hr_console.get(f"/admin/leave/types?unit_id={org.b.id}").status_code == 404
