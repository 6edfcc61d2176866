"""Leaders see their own team without a grant (issue 14): a department leader (or deputy leader)
reads their department's and sub-departments' leave requests, balances, today's board and the
month's report over HTTP; another department's and another unit's data stay out of reach; writes
keep their own permissions."""
from tests.attendance.helpers import at, punch, setup_a
from tests.leave.test_leave import apply

NOW = at("2026-11-02 09:00")


def _leave(api, who, start="2026-11-09", end="2026-11-10", type_="personal"):
    r = apply(api.as_(who), type_, start, end)
    assert r.status == 201, r
    return r.data


def test_leader_reads_their_trees_leave_list_and_balances(api, org):
    mine = _leave(api, org.hr_1)
    below = _leave(api, org.files_1)          # 档案组 lies under 人事科
    elsewhere = _leave(api, org.fin_1)
    other_unit = _leave(api, org.b_office_1)
    lead = api.as_(org.hr_leader)

    r = lead.get("/api/leave/requests?mine=false&page_size=100")
    assert r.status == 200, r
    ids = {x["id"] for x in r.data}
    assert {mine["id"], below["id"]} <= ids
    assert elsewhere["id"] not in ids and other_unit["id"] not in ids
    assert lead.get(f"/api/leave/requests/{below['id']}").status == 200
    assert lead.get(f"/api/leave/requests/{elsewhere['id']}").status == 404
    assert lead.get(f"/api/leave/requests/{other_unit['id']}").status == 404

    r = lead.get(f"/api/leave/balances?year=2026&staff_id={org.files_1.id}")
    assert r.status == 200 and any(b["type_code"] == "annual" for b in r.data), r
    assert lead.get(f"/api/leave/balances?year=2026&staff_id={org.fin_1.id}").status == 404
    assert lead.get(f"/api/leave/balances?year=2026&staff_id={org.b_office_1.id}").status == 404

    # A deputy leader of a department reads it too (局领导's deputy: the head and the deputy).
    # A plain member of staff still has no team view.
    assert api.as_(org.hr_1).get("/api/leave/requests?mine=false").status == 403
    assert api.as_(org.hr_1).get(f"/api/leave/balances?staff_id={org.hr_2.id}").status == 403


def test_leader_reads_board_and_report_of_their_tree_only(api, org):
    setup_a(api, org)
    punch(api.as_(org.hr_1), "2026-11-02 08:20")
    punch(api.as_(org.files_1), "2026-11-02 08:45")
    punch(api.as_(org.fin_1), "2026-11-02 08:20")
    lead = api.as_(org.hr_leader)

    r = lead.get("/api/attendance/board", headers=NOW)
    assert r.status == 200, r
    seen = {p["staff_id"] for k in ("in", "late", "missing", "leave", "pending", "rest") for p in r.data[k]}
    assert org.hr_1.id in {p["staff_id"] for p in r.data["in"]}
    assert org.files_1.id in {p["staff_id"] for p in r.data["late"]}
    assert org.fin_1.id not in seen and org.b_office_1.id not in seen and org.office_1.id not in seen
    assert r.data["total"] == len(seen)
    assert lead.get(f"/api/attendance/board?department_id={org.a_hr_files.id}", headers=NOW).status == 200
    assert lead.get(f"/api/attendance/board?department_id={org.a_fin.id}", headers=NOW).status == 404
    assert lead.get(f"/api/attendance/board?department_id={org.b_office.id}", headers=NOW).status == 404

    r = lead.get("/api/attendance/report?month=2026-11", headers=NOW)
    assert r.status == 200, r
    people = {p["staff_id"] for p in r.data["people"]}
    assert {org.hr_1.id, org.files_1.id, org.hr_leader.id} <= people
    assert org.fin_1.id not in people and org.b_office_1.id not in people
    assert lead.get(f"/api/attendance/report?month=2026-11&department_id={org.a_fin.id}",
                    headers=NOW).status == 404
    # The leader of a sub-department sees only their own part of the tree.
    small = api.as_(org.files_leader).get("/api/attendance/board", headers=NOW).data
    names = {p["staff_id"] for k in ("in", "late", "missing") for p in small[k]}
    assert org.files_1.id in names and org.hr_1.id not in names
    # A deputy leader (of 局领导) reads that department; plain staff get 403.
    deputy = api.as_(org.a_deputy).get(f"/api/attendance/board?department_id={org.a_lead.id}",
                                       headers=NOW)
    assert deputy.status == 200 and deputy.data["total"] == 2
    assert api.as_(org.hr_1).get("/api/attendance/board", headers=NOW).status == 403
    assert api.as_(org.hr_1).get("/api/attendance/report", headers=NOW).status == 403


def test_leader_cannot_adjust_balances_or_approve_outside_their_tasks(api, org):
    lead = api.as_(org.hr_leader)
    bal = lead.get(f"/api/leave/balances?year=2026&staff_id={org.hr_1.id}").data
    annual = next(b for b in bal if b["type_code"] == "annual")
    r = lead.post(f"/api/leave/balances/{annual['id']}/adjust", {"delta": 1, "reason": "想加一天"})
    assert (r.status, r.code) == (403, "PERMISSION_DENIED")
    # 档案组's request is 档案组负责人's to approve: the 人事科 leader sees it, cannot act on it.
    req = _leave(api, org.files_1)
    inst = req["instance_id"]
    assert lead.get(f"/api/approvals/{inst}").status == 200
    r = lead.post(f"/api/approvals/{inst}/actions", {"action": "approve"})
    assert (r.status, r.code) == (403, "APPROVAL_NOT_ASSIGNEE")
    r = lead.post(f"/api/approvals/{inst}/actions", {"action": "transfer", "to_staff_id": org.hr_2.id})
    assert r.status == 403, r
    # Another department's request: not even visible.
    other = _leave(api, org.fin_1)
    assert lead.post(f"/api/approvals/{other['instance_id']}/actions",
                     {"action": "approve"}).status == 404
    # Attendance settings stay HR's.
    assert lead.put(f"/api/attendance/rules/{org.a.id}", {"accuracy_limit_m": 50}).status == 403
    assert lead.post("/api/attendance/recompute",
                     {"start": "2026-11-02", "end": "2026-11-06"}).status == 403


def test_me_lists_what_a_leader_leads(api, org):
    me = api.as_(org.hr_leader).get("/api/me").data
    assert me["leads"] == [{"id": org.a_hr.id, "name": "人事科"}]
    assert me["team"] is True
    assert {"leave.view", "attendance.view", "attendance.report", "attendance.review"} <= set(me["permissions"])
    plain = api.as_(org.hr_1).get("/api/me").data
    assert plain["leads"] == [] and plain["team"] is False
    assert "leave.view" not in plain["permissions"]
    # A deputy leader leads too (as deputy of 局领导, and as the supervisor of the other departments).
    deputy = api.as_(org.a_deputy).get("/api/me").data
    assert deputy["team"] is True
