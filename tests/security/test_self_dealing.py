"""Issue 9: nobody changes their own entitlements; copies (抄送) come from participants only; the
national calendar is the system administrator's; reading a message is audited."""
from models.access import Grant
from tests.org.util import audits, last_audit, raw


def annual(client, staff_id=None, year=2026):
    query = f"/api/leave/balances?year={year}" + (f"&staff_id={staff_id}" if staff_id else "")
    r = client.get(query)
    assert r.status == 200, r
    return next(b for b in r.data if b["type_code"] == "annual")


def test_hr_cannot_adjust_own_leave_balance(api, org, server):
    hr = api.as_(org.a_hr_officer)
    own = annual(hr)
    r = hr.post(f"/api/leave/balances/{own['id']}/adjust", {"delta": 30, "reason": "自批"})
    assert r.status == 403 and r.code == "SELF_ENTITLEMENT_CHANGE", r
    assert "本人" in r.error["message"]
    assert annual(hr)["adjusted"] == 0
    assert last_audit(server, "leave.balance.adjust") is None
    # Someone else's balance in reach still works, and another HR officer may adjust theirs.
    other = annual(hr, org.office_1.id)
    assert hr.post(f"/api/leave/balances/{other['id']}/adjust", {"delta": 1, "reason": "结转"}).status == 200
    colleague = org.hr_1
    server.run(_grant_hr(colleague, org))
    r = api.as_(colleague).post(f"/api/leave/balances/{own['id']}/adjust", {"delta": 1, "reason": "结转"})
    assert r.status == 200 and r.data["adjusted"] == 1


async def _grant_hr(staff, org):
    from models.access import Role
    role = await Role.aget(Role.code == "hr_officer")
    await Grant.acreate(staff=staff.id, role=role.id, scope_type="unit_tree", scope_unit=org.a.id)


def test_hr_cannot_change_own_entitlement_fields(api, org, server):
    hr = api.as_(org.a_hr_officer)
    me = org.a_hr_officer.id
    for field, value in (("first_employment_date", "1990-07-01"), ("hire_date", "1990-07-01"),
                         ("rank_id", None), ("position_id", None), ("gender", "F")):
        r = hr.patch(f"/api/staff/{me}", {field: value})
        assert r.status == 403 and r.code == "SELF_ENTITLEMENT_CHANGE", (field, r)
    assert hr.get(f"/api/staff/{me}").data["first_employment_date"] == "2010-07-01"
    # Not an entitlement: one's own name or phone may be corrected.
    assert hr.patch(f"/api/staff/{me}", {"name": "甲人事专员"}).status == 200
    # Placement is not one's own to change either: transfer, concurrent posts.
    r = hr.post(f"/api/staff/{me}/transfer", {"department_id": org.a_fin.id, "effective_date": "2026-03-01"})
    assert r.status == 403 and r.code == "SELF_ENTITLEMENT_CHANGE", r
    r = hr.post(f"/api/staff/{me}/posts", {"department_id": org.a_fin.id, "kind": "concurrent",
                                            "start_date": "2026-03-01"})
    assert r.status == 403 and r.code == "SELF_ENTITLEMENT_CHANGE", r
    # Someone else's record: fine.
    r = hr.patch(f"/api/staff/{org.office_1.id}", {"first_employment_date": "2001-07-01"})
    assert r.status == 200, r


def test_transfer_ends_grants_scoped_to_the_department_left(api, org, server, f):
    # A department-scoped HR officer of 人事科 (scope 人事科 and below) moves to 财务科.
    dept_hr = org.hr_1
    g_dept = f.grant(dept_hr, "hr_officer", "dept_tree", dept=org.a_hr)
    g_unit = f.grant(dept_hr, "discipline_inspector", "unit_tree", unit=org.a)
    g_self = f.grant(dept_hr, "data_checker", "self")
    moved = api.as_(dept_hr)
    assert moved.patch(f"/api/staff/{org.files_1.id}", {"name": "档案组职工一"}).status == 200
    r = api.as_(org.a_hr_officer).post(f"/api/staff/{dept_hr.id}/transfer",
                                       {"department_id": org.a_fin.id, "effective_date": "2026-03-01"})
    assert r.status == 200, r
    assert r.data["grants_ended"] == [g_dept.id]
    rows = {g.id: g for g in raw(server, Grant.select().where(Grant.staff == dept_hr.id))}
    assert rows[g_dept.id].revoked_at is not None and rows[g_dept.id].revoked_by_id == org.a_hr_officer.id
    assert rows[g_unit.id].revoked_at is None and rows[g_self.id].revoked_at is None
    # The next request no longer carries the old department (the unit-wide read-only grant stays).
    assert moved.get(f"/api/staff/{org.files_1.id}").status == 200
    assert moved.patch(f"/api/staff/{org.files_1.id}", {"name": "改"}).status in (403, 404)
    entry = last_audit(server, "grant.revoke")
    assert entry.target_id == str(g_dept.id) and entry.after["reason"] == "left_department"
    assert entry.after["department_id"] == org.a_hr.id and entry.actor == org.a_hr_officer.id
    assert last_audit(server, "staff.transfer").after["grants_ended"] == [g_dept.id]


def test_ending_a_concurrent_post_ends_grants_over_it(api, org, server, f):
    person = org.office_1
    post = f.post(person, org.a_fin)
    g = f.grant(person, "hr_officer", "dept", dept=org.a_fin)
    r = api.as_(org.a_hr_officer).delete(f"/api/staff/{person.id}/posts/{post.id}")
    assert r.status == 200 and r.data["grants_ended"] == [g.id], r
    assert raw(server, Grant.select().where(Grant.id == g.id))[0].revoked_at is not None


def test_calendar_publish_follows_the_day_rule(api, org, f):
    hr = api.as_(org.a_hr_officer)
    # National (no unit): the system administrator's, as for PUT /api/calendar/days.
    r = hr.post("/api/calendar/years/2031/publish")
    assert r.status == 403 and r.code == "CALENDAR_NATIONAL_FORBIDDEN", r
    assert api.as_(org.b_office_1).get("/api/calendar/years/2031").data["source"] == "missing"
    assert hr.post("/api/calendar/years/2031/publish", {"unit_id": org.b.id}).status == 404
    r = hr.post("/api/calendar/years/2031/publish", {"unit_id": org.a.id})
    assert r.status == 200 and r.data["source"] == "admin", r
    assert api.as_(org.office_1).get("/api/calendar/years/2031").data["source"] == "admin"
    assert api.as_(org.b_office_1).get("/api/calendar/years/2031").data["source"] == "missing"
    assert api.as_(org.office_1).post("/api/calendar/years/2031/publish").status == 403
    admin = f.staff(org.a_office, "系统管理员甲")
    f.grant(admin, "sys_admin", "all")
    assert api.as_(admin).post("/api/calendar/years/2031/publish").status == 200
    assert api.as_(org.b_office_1).get("/api/calendar/years/2031").data["source"] == "admin"


def _leave_instance(api, who):
    c = api.as_(who)
    r = c.post("/api/leave/requests", {"type": "personal", "start": "2026-04-08", "start_half": "am",
                                       "end": "2026-04-08", "end_half": "pm", "reason": "事由"})
    assert r.status == 201, r
    mine = c.get("/api/approvals?box=mine")
    return mine.data[0]["id"]


def test_only_applicant_and_approvers_may_cc(api, org, server):
    inst = _leave_instance(api, org.office_1)
    applicant, approver = api.as_(org.office_1), api.as_(org.office_leader)
    cc = lambda c, to: c.post(f"/api/approvals/{inst}/actions", {"action": "cc", "to_staff_id": to.id})  # noqa: E731
    assert cc(applicant, org.fin_1).status == 200
    # Copied only: may read and comment, not copy on.
    copied = api.as_(org.fin_1)
    detail = copied.get(f"/api/approvals/{inst}")
    assert detail.status == 200 and detail.data["can"]["cc"] is False
    r = cc(copied, org.fin_2)
    assert r.status == 403 and r.code == "APPROVAL_CC_FORBIDDEN", r
    # Seeing it through leave.view is not taking part either.
    assert api.as_(org.a_hr_officer).get(f"/api/approvals/{inst}").status == 200
    assert cc(api.as_(org.a_hr_officer), org.fin_2).code == "APPROVAL_CC_FORBIDDEN"
    assert applicant.get(f"/api/approvals/{inst}").data["can"]["cc"] is True
    assert approver.get(f"/api/approvals/{inst}").data["can"]["cc"] is True
    assert cc(approver, org.fin_2).status == 200
    assert [a.after["to_staff_id"] for a in audits(server, "approval.cc")] == [org.fin_1.id, org.fin_2.id]


def test_marking_messages_read_is_audited(api, org, server):
    inst = _leave_instance(api, org.office_1)
    leader = api.as_(org.office_leader)
    msgs = leader.get("/api/messages?unread=1")
    assert msgs.status == 200 and msgs.data, msgs
    mid = msgs.data[0]["id"]
    assert leader.post(f"/api/messages/{mid}/read").status == 200
    entry = last_audit(server, "message.read")
    assert entry is not None and entry.actor == org.office_leader.id
    assert entry.target_id == str(mid) and entry.after == {"count": 1}
    # Reading it again changes nothing and writes nothing.
    assert leader.post(f"/api/messages/{mid}/read").status == 200
    assert len(audits(server, "message.read")) == 1
    # Someone else's message: 404, no entry.
    assert api.as_(org.office_2).post(f"/api/messages/{mid}/read").status == 404
    assert inst
    api.as_(org.office_1).post(f"/api/approvals/{inst}/actions", {"action": "comment", "comment": "补充"})
    assert leader.post("/api/messages/read-all").status == 200
    entry = last_audit(server, "message.read_all")
    assert entry is not None and entry.after["count"] >= 1
    assert leader.post("/api/messages/read-all").status == 200
    assert len(audits(server, "message.read_all")) == 1
