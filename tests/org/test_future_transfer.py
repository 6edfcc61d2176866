"""A transfer with a future effective date (调动，待生效): recorded now, the person stays in the old
unit (access, data scope, grants) until the scheduler applies it on the day; cancellable before."""
import asyncio
import datetime

from models.base import atomic
from models.org import ScheduledTransfer, Staff, StaffTransfer
from services import scheduler, staff_transfers
from tests.attendance.helpers import at
from tests.org.util import audits, last_audit, raw
from tests.support import Client

SOURCE = "staff.transfer"
RECORDED = at("2026-12-02 10:00")


def both_units_hr(api, f, org):
    boss = f.staff(org.a_office, "上级人事处", employee_no="BOTH-HR")
    f.grant(boss, "hr_officer", "all")
    return api.as_(boss)


def tick(server, when):
    r = Client(server.base_url).post("/api/test/scheduler/tick", {"sources": [SOURCE]}, headers=at(when))
    assert r.status == 200, r
    return r.data["ran"]


def to_b(person, org, date="2026-12-15"):
    return (f"/api/staff/{person.id}/transfer",
            {"department_id": org.b_office.id, "effective_date": date, "reason": "调往乙局"})


def test_recorded_ahead_stays_in_the_old_unit_until_the_day(api, org, f, server):
    boss = both_units_hr(api, f, org)
    a_hr, b_hr = api.as_(org.a_hr_officer), api.as_(org.b_hr_officer)
    url, body = to_b(org.fin_2, org)
    r = boss.post(url, body, headers=RECORDED)
    assert r.status == 200, r
    assert r.data["unit"]["name"] == "甲局" and r.data["department"]["name"] == "财务科"
    assert r.data["grants_ended"] == []
    pending = r.data["pending_transfer"]
    assert pending["effective_date"] == "2026-12-15" and pending["reason"] == "调往乙局"
    assert pending["to_unit"] == {"id": org.b.id, "name": "乙局"}
    assert pending["to_department"] == {"id": org.b_office.id, "name": "办公室"}
    # The staff row, the history and the person's own view are untouched.
    assert raw(server, Staff.select().where(Staff.id == org.fin_2.id))[0].unit_id == org.a.id
    assert raw(server, StaffTransfer.select().where(StaffTransfer.staff == org.fin_2.id)) == []
    assert api.as_(org.fin_2).get("/api/me").data["unit"]["name"] == "甲局"
    # A's HR sees (and manages) them with the pending line; B's HR does not see them yet.
    seen = a_hr.get(f"/api/staff/{org.fin_2.id}")
    assert seen.status == 200 and seen.data["pending_transfer"]["id"] == pending["id"]
    assert a_hr.patch(f"/api/staff/{org.fin_2.id}", {"name": "财务科职工二"}).status == 200
    assert b_hr.get(f"/api/staff/{org.fin_2.id}").status == 404
    assert "财务科职工二" not in {s["name"] for s in b_hr.get("/api/staff?page_size=100").data}
    assert a_hr.get(f"/api/staff/{org.fin_1.id}").data["pending_transfer"] is None
    # Audited in both units' logs; a second transfer waits for this one to be settled.
    assert {e.unit_id for e in audits(server, "staff.transfer_scheduled")} == {org.a.id, org.b.id}
    assert audits(server, "staff.transfer") == []
    again = boss.post(url, {**body, "department_id": org.a_office.id}, headers=RECORDED)
    assert again.status == 409 and again.code == "TRANSFER_SCHEDULED"
    again = boss.post(url, {**body, "effective_date": "2026-12-02"}, headers=RECORDED)
    assert again.status == 409 and again.code == "TRANSFER_SCHEDULED"

    # The scheduler does nothing the evening before, applies it from 00:00 on the day.
    assert tick(server, "2026-12-14 23:59") == []
    assert b_hr.get(f"/api/staff/{org.fin_2.id}").status == 404
    assert tick(server, "2026-12-15 00:01") == [f"{SOURCE}:{pending['id']}"]
    assert tick(server, "2026-12-15 00:02") == []
    assert a_hr.get(f"/api/staff/{org.fin_2.id}").status == 404
    moved = b_hr.get(f"/api/staff/{org.fin_2.id}")
    assert moved.status == 200 and moved.data["unit"]["name"] == "乙局", moved
    assert moved.data["pending_transfer"] is None
    hist = b_hr.get(f"/api/staff/{org.fin_2.id}/history").data
    assert [(h["kind"], h["effective_date"], h["from_department"]["name"], h["to_department"]["name"])
            for h in hist] == [("transfer", "2026-12-15", "财务科", "办公室")]
    assert hist[0]["actor_id"] == org_id(server, "BOTH-HR")
    # The same entries as an immediate transfer, by the system, in both units.
    entry = last_audit(server, "staff.transfer")
    assert entry.actor is None and entry.actor_name == "系统" and entry.unit_id == org.b.id
    assert entry.before["unit_id"] == org.a.id and entry.after["unit_id"] == org.b.id
    assert entry.after["effective_date"] == "2026-12-15" and entry.after["by"] == "scheduler"
    assert last_audit(server, "staff.transfer_out").unit_id == org.a.id
    row = raw(server, ScheduledTransfer.select())[0]
    assert (row.status, row.pending_key, row.transfer_id) == ("applied", None, hist[0]["id"])


def org_id(server, employee_no):
    return raw(server, Staff.select().where(Staff.employee_no == employee_no))[0].id


def test_grants_stay_until_the_day(api, org, f, server):
    """An HR officer moving to B keeps A's grant (and A's data) until the transfer applies."""
    boss = both_units_hr(api, f, org)
    mover = api.as_(org.a_hr_officer)
    url, body = to_b(org.a_hr_officer, org)
    assert boss.post(url, body, headers=RECORDED).status == 200
    assert mover.get(f"/api/staff/{org.fin_1.id}").status == 200
    assert mover.get(f"/api/staff/{org.b_office_1.id}").status == 404
    assert len(tick(server, "2026-12-15 08:00")) == 1
    assert mover.get(f"/api/staff/{org.fin_1.id}").status == 403     # A's unit grant ended: no staff.view
    assert last_audit(server, "grant.revoke").after["reason"] == "left_department"


def test_cancel_before_the_day(api, org, f, server):
    boss = both_units_hr(api, f, org)
    a_hr, b_hr = api.as_(org.a_hr_officer), api.as_(org.b_hr_officer)
    url, body = to_b(org.fin_2, org)
    pending = boss.post(url, body, headers=RECORDED).data["pending_transfer"]
    # The new unit's HR can neither see nor cancel it; the person cannot cancel their own.
    assert b_hr.delete(url).status == 404
    assert api.as_(org.fin_2).delete(url).status in (403, 404)
    r = a_hr.delete(url)
    assert r.status == 200 and r.data["pending_transfer"] is None, r
    assert a_hr.delete(url).code == "TRANSFER_NOT_PENDING"
    entries = audits(server, "staff.transfer_cancel")
    assert {e.unit_id for e in entries} == {org.a.id, org.b.id}
    assert entries[0].actor == org.a_hr_officer.id and entries[0].after["scheduled_transfer_id"] == pending["id"]
    # Nothing happens on the day; a new transfer can be recorded.
    assert tick(server, "2026-12-15 00:05") == []
    assert a_hr.get(f"/api/staff/{org.fin_2.id}").data["unit"]["name"] == "甲局"
    assert raw(server, ScheduledTransfer.select())[0].status == "cancelled"
    again = a_hr.post(url, {**body, "department_id": org.a_office.id}, headers=RECORDED)
    assert again.status == 200 and again.data["pending_transfer"]["to_department"]["name"] == "办公室"


def test_immediate_transfer_unchanged(api, org, server):
    hr = api.as_(org.a_hr_officer)
    url = f"/api/staff/{org.fin_2.id}/transfer"
    r = hr.post(url, {"department_id": org.a_office.id, "effective_date": "2026-12-02"}, headers=RECORDED)
    assert r.status == 200 and r.data["department"]["name"] == "办公室" and r.data["pending_transfer"] is None
    assert last_audit(server, "staff.transfer").actor == org.a_hr_officer.id
    assert raw(server, ScheduledTransfer.select()) == []
    # Effective in the past too; and the scheduler has nothing to do.
    r = hr.post(url, {"department_id": org.a_fin.id, "effective_date": "2026-11-20"}, headers=RECORDED)
    assert r.status == 200 and r.data["department"]["name"] == "财务科"
    assert tick(server, "2026-12-03 00:05") == []


def test_lapses_when_the_person_retired_meanwhile(api, org, server):
    hr = api.as_(org.a_hr_officer)
    url = f"/api/staff/{org.fin_2.id}/transfer"
    assert hr.post(url, {"department_id": org.a_office.id, "effective_date": "2026-12-15"},
                   headers=RECORDED).status == 200
    r = hr.post(f"/api/staff/{org.fin_2.id}/retire", {"effective_date": "2026-12-02"}, headers=RECORDED)
    assert r.status == 200 and r.data["status"] == "retired"
    assert len(tick(server, "2026-12-15 00:01")) == 1
    row = raw(server, ScheduledTransfer.select())[0]
    assert (row.status, row.pending_key) == ("lapsed", None)
    assert last_audit(server, "staff.transfer_lapsed").after["why"] == "STAFF_NOT_ACTIVE"
    assert raw(server, StaffTransfer.select().where(StaffTransfer.kind == "transfer")) == []


def test_two_processes_apply_it_once(api, org, f, server):
    boss = both_units_hr(api, f, org)
    url, body = to_b(org.fin_2, org)
    pending = boss.post(url, body, headers=RECORDED).data["pending_transfer"]
    day = datetime.datetime(2026, 12, 14, 16, 30)   # 00:30 Beijing on the 15th

    async def both_schedulers():
        return await asyncio.gather(
            scheduler.run_due(server.env, now=day, holder="p1", only={SOURCE}),
            scheduler.run_due(server.env, now=day, holder="p2", only={SOURCE}))

    ran = server.run(both_schedulers())
    assert sorted(len(r) for r in ran) == [0, 1], ran
    assert len(raw(server, StaffTransfer.select().where(StaffTransfer.staff == org.fin_2.id))) == 1
    assert len(audits(server, "staff.transfer")) == 1
    assert pending["id"] == raw(server, ScheduledTransfer.select())[0].id


def test_the_row_lock_alone_applies_it_once(api, org, f, server):
    """Without the job key (say, a replay with another key): the pending -> applied update is the lock."""
    boss = both_units_hr(api, f, org)
    url, body = to_b(org.fin_2, org)
    row_id = boss.post(url, body, headers=RECORDED).data["pending_transfer"]["id"]
    ctx = scheduler.Context(env=server.env, now=datetime.datetime(2026, 12, 14, 16, 30), holder="x")

    async def one():
        async with atomic():
            await staff_transfers.run_transfer(row_id, ctx)

    async def twice():
        await asyncio.gather(one(), one())

    server.run(twice())
    assert len(raw(server, StaffTransfer.select().where(StaffTransfer.staff == org.fin_2.id))) == 1
    assert len(audits(server, "staff.transfer")) == 1 and len(audits(server, "staff.transfer_out")) == 1


def test_console_shows_and_cancels_the_pending_transfer(server, org, f):
    from tests.admin.console import Console

    c = Console(server.base_url).login(f.admin("system", "system-a", unit=org.a))
    r = c.post(f"/admin/staff/{org.fin_2.id}/transfer",
               {"department_id": org.a_office.id, "effective_date": "2026-12-15", "reason": "轮岗"},
               headers=RECORDED)
    assert r.status_code == 302, r.text[:500]
    page = c.get(f"/admin/staff/{org.fin_2.id}")
    line = page.text[page.text.index('id="pending-transfer"'):]
    assert "调往 甲局 · 办公室，2026-12-15 生效（轮岗）" in line[:300] and "撤销调动" in line
    assert 'value="财务科（甲局）"' in page.text           # still in 财务科
    r = c.post(f"/admin/staff/{org.fin_2.id}/cancel-transfer")
    assert r.status_code == 302
    assert 'id="pending-transfer"' not in c.get(f"/admin/staff/{org.fin_2.id}").text
    assert last_audit(server, "staff.transfer_cancel").after["status"] == "cancelled"
    assert c.post(f"/admin/staff/{org.fin_2.id}/cancel-transfer").status_code == 404
    # Effective today: moved at once, as before.
    r = c.post(f"/admin/staff/{org.fin_2.id}/transfer",
               {"department_id": org.a_office.id, "effective_date": "2026-12-02"}, headers=RECORDED)
    assert r.status_code == 302
    assert server.run(Staff.aget(Staff.id == org.fin_2.id)).department_id == org.a_office.id
