"""Separation of duties on one's own record, beyond leave (issue 9, 'look for the same pattern'):
an attendance officer does not clear their own flagged punch or approve their own device change,
and an org manager does not appoint themselves a department's leader (its approver)."""
from tests.attendance.helpers import punch, setup_a


def test_reviewer_cannot_clear_own_flagged_punch_but_someone_else_can(api, org, f):
    hr, _ = setup_a(api, org)
    r = punch(hr, "2026-11-02 08:20", north=310, reason="在区政府开会", device="hr-dev")
    assert r.status == 201 and r.data["review_status"] == "pending", r
    own = hr.post(f"/api/attendance/punches/{r.data['id']}/review", {"decision": "accept", "note": "本人"})
    assert own.status == 403 and own.code == "SELF_ENTITLEMENT_CHANGE", own
    other = f.staff(org.a_office, "考勤复核员", employee_no="A-ATT-2")
    f.grant(other, "hr_officer", "unit_tree", unit=org.a)
    ok = api.as_(other).post(f"/api/attendance/punches/{r.data['id']}/review",
                             {"decision": "accept", "note": "核实在区政府开会"})
    assert ok.status == 200, ok


def test_attendance_manager_cannot_approve_own_device_change(api, org):
    hr, _ = setup_a(api, org)
    assert punch(hr, "2026-11-02 08:20", device="old-phone").status == 201
    req = hr.post("/api/attendance/device-change", {"device_id": "new-phone", "reason": "换了手机"})
    assert req.status == 201, req
    r = hr.post(f"/api/attendance/device-changes/{req.data['id']}/decide", {"decision": "approve"})
    assert r.status == 403 and r.code == "SELF_ENTITLEMENT_CHANGE", r


def test_org_manager_cannot_appoint_themselves_leader(api, org, f):
    mgr = f.staff(org.a_office, "甲局组织员", employee_no="A-ORG-SELF")
    f.grant(mgr, "sys_admin", "unit_tree", unit=org.a)
    me = api.as_(mgr)
    r = me.put(f"/api/departments/{org.a_fin.id}/leadership", {"leader_id": mgr.id})
    assert r.status == 403 and r.code == "SELF_ENTITLEMENT_CHANGE", r
    # Appointing someone else is their job.
    r = me.put(f"/api/departments/{org.a_fin.id}/leadership", {"leader_id": org.fin_1.id})
    assert r.status == 200 and r.data["leader_id"] == org.fin_1.id, r
