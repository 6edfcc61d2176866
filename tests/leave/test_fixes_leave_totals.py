"""HR's cached leave-list total (services/leave._scoped_total) follows every way a request leaves
the counted set: a DELETE (no max moves: the table's row count does), a withdrawal through the
approval engine, and a department moving to another unit with only a concurrent-post holder in it
(nobody's staff row changes: the reach's departments, part of the key, do). Each is checked right
after the change, with a total that was cached (shown first by a change that bypasses the stamp)."""
from models.base import atomic
from models.leave import LeaveRequest
from models.org import Department
from services.orgtree import move_department_row
from tests.leave.test_list_scale import add_requests, age_everything, listed

APPROVED = "&status=approved"


def _bypass_proves_cached(server, client, req_id, query, total):
    """A status change that bypasses updated_at (no service does that) is not seen by a cached
    total while the page itself is read: the total was reused, not recounted."""
    server.run(LeaveRequest.update(status="rejected").where(LeaveRequest.id == req_id).aexecute())
    got, cached = listed(client, query)
    assert cached == total and req_id not in got
    server.run(LeaveRequest.update(status="approved").where(LeaveRequest.id == req_id).aexecute())


def test_deleted_requests_leave_the_cached_total_at_once(server, api, org):
    ids = add_requests(server, [(org.office_1, "2026-03-02", "approved"), (org.fin_1, "2026-03-03", "approved"),
                                (org.hr_1, "2026-03-04", "approved"), (org.files_1, "2026-03-05", "approved"),
                                (org.b_office_1, "2026-03-06", "approved")])
    age_everything(server)
    a_hr, b_hr = api.as_(org.a_hr_officer), api.as_(org.b_hr_officer)
    assert listed(a_hr, APPROVED)[1] == 4 and listed(b_hr, APPROVED)[1] == 1
    _bypass_proves_cached(server, a_hr, ids[2], APPROVED, 4)

    # One request deleted (not the newest: the max id and max updated_at stay as they were).
    server.run(LeaveRequest.delete().where(LeaveRequest.id == ids[1]).aexecute())
    got, total = listed(a_hr, APPROVED)
    assert total == 3 and ids[1] not in got and len(got) == 3
    assert listed(a_hr)[1] == 3                                  # the unfiltered total too
    assert listed(b_hr, APPROVED)[1] == 1                        # the other unit's is unchanged

    # Cached again, then two more deleted in one statement.
    age_everything(server)
    assert listed(a_hr, APPROVED)[1] == 3
    _bypass_proves_cached(server, a_hr, ids[2], APPROVED, 3)
    server.run(LeaveRequest.delete().where(LeaveRequest.id.in_([ids[0], ids[2]])).aexecute())
    got, total = listed(a_hr, APPROVED)
    assert got == [ids[3]] and total == 1


def test_withdrawn_request_leaves_the_cached_pending_total(server, api, org):
    ids = add_requests(server, [(org.fin_1, "2026-03-03", "pending")])
    r = api.as_(org.office_2).post("/api/leave/requests", {"type": "sick", "start": "2026-04-08",
                                                           "start_half": "am", "end": "2026-04-08",
                                                           "end_half": "pm", "reason": "看病"})
    assert r.status == 201, r
    age_everything(server)
    a_hr = api.as_(org.a_hr_officer)
    assert listed(a_hr, "&status=pending")[1] == 2
    server.run(LeaveRequest.update(status="approved").where(LeaveRequest.id == ids[0]).aexecute())
    assert listed(a_hr, "&status=pending")[1] == 2                # cached (bypassing change unseen)
    server.run(LeaveRequest.update(status="pending").where(LeaveRequest.id == ids[0]).aexecute())
    # Someone else cannot withdraw it; the applicant can, and the total follows at once.
    assert api.as_(org.office_1).post(f"/api/approvals/{r.data['instance_id']}/actions",
                                      {"action": "withdraw"}).status in (403, 404)
    w = api.as_(org.office_2).post(f"/api/approvals/{r.data['instance_id']}/actions", {"action": "withdraw"})
    assert w.status == 200, w
    assert listed(a_hr, "&status=pending") == ([ids[0]], 1)
    assert listed(a_hr, "&status=withdrawn")[1] == 1


def test_department_moving_out_takes_its_post_holders_out_of_the_cached_total(server, api, org, f):
    """B's employee holds a concurrent post in A's 临时专班 (no primary staff there): counted in A.
    The department moves to unit B: no staff row changes, yet A's total must drop at once (a guard:
    the reach's dept_ids, part of the cache key, change)."""
    team = f.dept(org.a, "临时专班")
    guest = f.staff(org.b_office, "乙局借调人员")
    f.post(guest, team)
    ids = add_requests(server, [(org.office_1, "2026-03-02", "approved"), (guest, "2026-03-09", "approved")])
    age_everything(server)
    a_hr = api.as_(org.a_hr_officer)
    got, total = listed(a_hr, APPROVED)
    assert sorted(got) == sorted(ids) and total == 2
    _bypass_proves_cached(server, a_hr, ids[0], APPROVED, 2)

    async def move():
        async with atomic():
            dept = await Department.aget(Department.id == team.id)
            await move_department_row(dept, None, org.b.id)
    server.run(move())
    got, total = listed(a_hr, APPROVED)
    assert got == [ids[0]] and total == 1
    got, total = listed(api.as_(org.b_hr_officer), APPROVED)
    assert got == [ids[1]] and total == 1
