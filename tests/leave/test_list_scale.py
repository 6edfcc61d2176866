"""HR's leave list at scale (issue 16): the unit-level filter (no long IN list when a grant covers
whole units) selects exactly the people `Reach.staff_filter` does, and the scoped total is reused
only while nothing it depends on changed."""
import datetime
import itertools

from models.base import fetch_all
from models.leave import LeaveRequest, LeaveType
from models.org import Staff, StaffPost
from services import leave
from services.access import load_principal
from services.leave_rules import ensure_national_types

_ages = itertools.count(1)


def add_requests(server, rows):
    """rows: (staff, start ISO, status) → ids; written straight to the table (the API is tested
    elsewhere), unit and department as at submission."""
    async def go():
        await ensure_national_types()
        sick = await LeaveType.aget(LeaveType.code == "sick", LeaveType.unit.is_null())
        ids = []
        for staff, start, status in rows:
            day = datetime.date.fromisoformat(start)
            r = await LeaveRequest.acreate(staff=staff.id, unit=staff.unit_id, department=staff.department_id,
                                           leave_type=sick.id, type_code="sick", year=day.year, start_date=day,
                                           end_date=day, days=1, status=status)
            ids.append(r.id)
        return ids
    return server.run(go())


def age_everything(server):
    """Move every leave and staff change out of the quiet window, as in a database that has been
    running for a while (totals are cached only then). Each call lands later than the previous
    one, as real time does (a stamp never comes back)."""
    ago = datetime.datetime(2000, 1, 1) + datetime.timedelta(minutes=next(_ages))

    async def go():
        await LeaveRequest.update(updated_at=ago).aexecute()
        await Staff.update(updated_at=ago).aexecute()
    server.run(go())


def listed(client, query="", page_size=100):
    r = client.get(f"/api/leave/requests?mine=false&page_size={page_size}{query}")
    assert r.status == 200, r
    return [int(x["id"]) for x in r.data], r.json["total"]


def reference_ids(server, who, status=None):
    """The ids the old query (Reach.staff_filter, the long IN list) selects for `who`."""
    async def go():
        actor = await load_principal(who.id)
        reach = await actor.require_reach("leave.view")
        q = (LeaveRequest.select(LeaveRequest.id).join(Staff, on=(LeaveRequest.staff == Staff.id))
             .where(reach.staff_filter(Staff)))
        if status:
            q = q.where(LeaveRequest.status == status)
        return sorted(r.id for r in await fetch_all(q))
    return server.run(go())


def test_unit_level_filter_is_exact(server, api, org, f):
    b_guest = f.staff(org.b_office, "乙局兼职人员")          # B staff with a concurrent post in A
    f.post(b_guest, org.a_fin)
    b_former = f.staff(org.b_office, "乙局原兼职人员")       # post ended: out of A's reach
    post = f.post(b_former, org.a_fin)
    server.run(StaffPost.update(active=False).where(StaffPost.id == post.id).aexecute())
    moved = f.staff(org.a_office, "调出人员")                # filed in A, now works in B
    ids = add_requests(server, [
        (org.office_1, "2026-03-02", "approved"), (org.hr_1, "2026-03-03", "pending"),
        (org.files_1, "2026-03-04", "approved"), (org.fin_2, "2026-03-05", "rejected"),
        (org.b_office_1, "2026-03-06", "approved"), (b_guest, "2026-03-09", "approved"),
        (b_former, "2026-03-10", "approved"), (moved, "2026-03-11", "approved"),
        (org.a_hr_officer, "2026-03-12", "approved")])
    server.run(Staff.update(unit=org.b.id, department=org.b_office.id).where(Staff.id == moved.id).aexecute())
    office_1, hr_1, files_1, fin_2, b_office_1, guest, former, moved_req, own = ids

    a_hr = api.as_(org.a_hr_officer)                        # hr_officer over unit A: the unit-level path
    got, total = listed(a_hr)
    assert sorted(got) == reference_ids(server, org.a_hr_officer) == sorted(
        [office_1, hr_1, files_1, fin_2, guest, own]) and total == 6
    assert got == sorted(got, reverse=True)                 # newest start first (same order as ids here)
    got, total = listed(a_hr, "&status=approved")
    assert sorted(got) == sorted([office_1, files_1, guest, own]) == reference_ids(server, org.a_hr_officer, "approved")
    assert total == 4
    got, total = listed(a_hr, "&status=approved&year=2025")
    assert got == [] and total == 0

    # The other unit's HR officer: B's people, the one who moved in, not A's guest-post holder.
    got, total = listed(api.as_(org.b_hr_officer))
    assert sorted(got) == reference_ids(server, org.b_hr_officer) == sorted([b_office_1, guest, former, moved_req])
    assert total == 4

    # Another department's HR (dept_tree on 人事科): 人事科 and 档案组 only, never the unit.
    dept_hr = f.staff(org.a_hr, "人事科专员")
    f.grant(dept_hr, "hr_officer", "dept_tree", dept=org.a_hr)
    got, total = listed(api.as_(dept_hr))
    assert sorted(got) == reference_ids(server, dept_hr) == sorted([hr_1, files_1, own]) and total == 3

    # Unit A plus one department of B (a custom grant): the listed department keeps its IN list.
    wide = f.staff(org.a_office, "跨单位专员")
    f.grant(wide, "hr_officer", "unit_tree", unit=org.a)
    f.grant(wide, "hr_officer", "custom", depts=[org.b_office])
    got, total = listed(api.as_(wide))
    assert sorted(got) == reference_ids(server, wide) == sorted(
        [office_1, hr_1, files_1, fin_2, guest, own, b_office_1, former, moved_req])
    assert total == 9

    # Without leave.view: refused, as before.
    assert api.as_(org.office_2).get("/api/leave/requests?mine=false").status == 403


def test_pages_follow_the_index_order(server, api, org):
    rows = [(org.office_1 if i % 2 else org.fin_1, f"2026-04-{1 + i % 20:02d}", "approved") for i in range(45)]
    ids = add_requests(server, rows)
    a_hr = api.as_(org.a_hr_officer)
    starts = {i: r[1] for i, r in zip(ids, rows)}
    expected = sorted(ids, key=lambda i: (starts[i], i), reverse=True)
    pages = [listed(a_hr, f"&status=approved&year=2026&page={p}", page_size=20) for p in (1, 2, 3)]
    assert [p[1] for p in pages] == [45, 45, 45]
    assert pages[0][0] + pages[1][0] + pages[2][0] == expected
    assert listed(api.as_(org.b_hr_officer), "&status=approved&year=2026")[1] == 0


def test_cached_total_follows_every_change(server, api, org, f):
    ids = add_requests(server, [(org.office_1, "2026-03-02", "approved"), (org.fin_1, "2026-03-03", "approved"),
                                (org.hr_1, "2026-03-04", "pending")])
    age_everything(server)
    a_hr = api.as_(org.a_hr_officer)
    assert listed(a_hr, "&status=approved")[1] == 2
    # The total is reused while the stamp is unchanged: a change that bypasses updated_at (no
    # service does that) is not seen by the total, while the page itself is always read.
    server.run(LeaveRequest.update(status="approved").where(LeaveRequest.id == ids[2]).aexecute())
    got, total = listed(a_hr, "&status=approved")
    assert total == 2 and len(got) == 3
    server.run(LeaveRequest.update(status="pending").where(LeaveRequest.id == ids[2]).aexecute())

    # A new request (a new id) and its approval (updated_at) each move the stamp.
    r = api.as_(org.office_2).post("/api/leave/requests", {"type": "sick", "start": "2026-04-08",
                                                           "start_half": "am", "end": "2026-04-08",
                                                           "end_half": "pm", "reason": "看病"})
    assert r.status == 201, r
    assert listed(a_hr)[1] == 4
    assert listed(a_hr, "&status=approved")[1] == 2
    leader = api.as_(org.office_leader)
    assert leader.post(f"/api/approvals/{r.data['instance_id']}/actions", {"action": "approve"}).status == 200
    assert listed(a_hr, "&status=approved")[1] == 3

    # A person moving out of the unit (staff.updated_at) takes their requests out of the total.
    age_everything(server)
    assert listed(a_hr, "&status=approved")[1] == 3
    mover = f.staff(org.a_office, "两局人事")
    f.grant(mover, "hr_officer", "all")
    r = api.as_(mover).post(f"/api/staff/{org.fin_1.id}/transfer",
                            {"department_id": org.b_office.id, "effective_date": "2026-05-01", "reason": "工作调动"})
    assert r.status == 200, r
    assert listed(a_hr, "&status=approved")[1] == 2
    # A concurrent post in the unit brings its holder's requests in.
    age_everything(server)
    assert listed(a_hr, "&status=approved")[1] == 2
    f.post(org.fin_1, org.a_fin)
    assert listed(a_hr, "&status=approved")[1] == 3


def test_stamp_quiet_window():
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    old = str(now - datetime.timedelta(hours=1))
    assert leave._stamp_quiet(("7", old, old, "None", "0"))
    assert not leave._stamp_quiet(("7", str(now), old, "None", "0"))
    assert not leave._stamp_quiet(("7", old, str(now), "None", "0"))
    assert leave._stamp_quiet(("None", "None", "None", "None", "0"))
