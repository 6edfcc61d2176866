"""The unit head's own leave is never approved silently (issue 14): it ends with the unit's head
step — 报备 to the leadership group by default, a named person, or the superior organ's named
contact — configured per unit (GET/PUT /api/approval-settings/{unit_id})."""
from models.approvals import ApprovalInstance
from models.base import count
from models.leave import LeaveRequest
from models.org import Department, DepartmentDeputy
from tests.leave.test_leave import act, apply


def _steps(client, inst_id):
    return client.get(f"/api/approvals/{inst_id}").data["steps"]


def _waiting(client):
    return [i["id"] for i in client.get("/api/approvals?box=waiting").data]


def test_unit_head_leave_goes_to_the_leadership_group_by_default(api, org, server):
    head = api.as_(org.a_head)
    r = apply(head, "personal", "2026-11-09", "2026-11-09")
    assert r.status == 201, r
    assert r.data["status"] == "pending"
    inst = r.data["instance_id"]
    steps = _steps(head, inst)
    last = steps[-1]
    assert last["name"] == "报备单位领导班子" and not last["skipped"]
    assert [a["id"] for a in last["approvers"]] == [org.a_deputy.id]
    assert all(s["skipped"] for s in steps[:-1])
    deputy = api.as_(org.a_deputy)
    assert inst in _waiting(deputy)
    r = act(deputy, inst, "approve", comment="已阅知")
    assert r.status == 200 and r.data["status"] == "approved", r
    row = server.run(LeaveRequest.aget(LeaveRequest.instance_id == inst))
    assert row.status == "approved"
    # The settings page shows the default and who the group is.
    s = api.as_(org.a_hr_officer).get(f"/api/approval-settings/{org.a.id}").data
    assert s["head_step"] == "group" and [p["id"] for p in s["leadership_group"]] == [org.a_deputy.id]


def test_named_person_setting_makes_it_wait_for_that_person(api, f, org, server):
    hr = api.as_(org.a_hr_officer)
    r = hr.put(f"/api/approval-settings/{org.a.id}",
               {"head_step": "person", "head_step_staff_id": org.office_leader.id})
    assert r.status == 200 and r.data["head_step_staff"]["id"] == org.office_leader.id, r
    head = api.as_(org.a_head)
    r = apply(head, "personal", "2026-11-09", "2026-11-09")
    inst = r.data["instance_id"]
    assert r.data["status"] == "pending"
    last = _steps(head, inst)[-1]
    assert last["name"] == "指定人员审批"
    assert [a["id"] for a in last["approvers"]] == [org.office_leader.id]
    assert inst not in _waiting(api.as_(org.a_deputy))
    named = api.as_(org.office_leader)
    assert inst in _waiting(named)
    assert act(named, inst, "approve").data["status"] == "approved"

    # The superior organ's contact: a person of a unit above; refused for anyone else.
    parent = _unit_above(f, server, org)
    contact = parent["contact"]
    assert hr.put(f"/api/approval-settings/{org.a.id}",
                  {"head_step": "superior", "head_step_staff_id": org.fin_1.id}).code == "HEAD_STEP_STAFF_INVALID"
    assert hr.put(f"/api/approval-settings/{org.a.id}",
                  {"head_step": "person", "head_step_staff_id": org.b_office_1.id}).code == "HEAD_STEP_STAFF_INVALID"
    assert hr.put(f"/api/approval-settings/{org.a.id}",
                  {"head_step": "person", "head_step_staff_id": org.a_head.id}).status == 422
    assert hr.put(f"/api/approval-settings/{org.a.id}", {"head_step": "person"}).status == 422
    r = hr.put(f"/api/approval-settings/{org.a.id}",
               {"head_step": "superior", "head_step_staff_id": contact.id})
    assert r.status == 200, r
    r = apply(head, "personal", "2026-11-16", "2026-11-16")
    last = _steps(head, r.data["instance_id"])[-1]
    assert last["name"] == "上级机关审批" and [a["id"] for a in last["approvers"]] == [contact.id]
    # Scope: another unit's HR gets 404, plain staff 403.
    assert api.as_(org.b_hr_officer).get(f"/api/approval-settings/{org.a.id}").status == 404
    assert api.as_(org.b_hr_officer).put(f"/api/approval-settings/{org.a.id}",
                                         {"head_step": "group"}).status == 404
    assert api.as_(org.fin_1).get(f"/api/approval-settings/{org.a.id}").status == 403


def _unit_above(f, server, org):
    """A superior organ above 甲局 with a contact person."""
    from models.org import Unit

    top = f.unit("市委组织部", "TOP")
    server.run(Unit.update(parent=top.id, path=f"{top.path}{org.a.id}/").where(
        Unit.id == org.a.id).aexecute())
    return {"unit": top, "contact": f.staff(f.dept(top, "干部科"), "组织部联络员")}


def test_other_bureau_head_falls_back_to_hr_and_never_self_approves(api, org, server):
    # 乙局 has no deputy heads: the head's long leave (its 单位主要负责人 step skipped) goes to HR.
    head = api.as_(org.b_head)
    r = apply(head, "personal", "2026-11-02", "2026-11-27")
    assert r.status == 201 and r.data["status"] == "pending", r
    steps = [s for s in _steps(head, r.data["instance_id"]) if not s["skipped"]]
    assert [a["id"] for a in steps[-1]["approvers"]] == [org.b_hr_officer.id]
    assert "人事专员" in steps[-1]["note"]

    # 甲局 with no leadership group and no HR: refused at submission, nothing written.
    async def strip():
        await Department.update(supervisor=None).where(Department.unit == org.a.id).aexecute()
        await DepartmentDeputy.delete().aexecute()
    server.run(strip())
    from models.access import Grant
    server.run(Grant.delete().where(Grant.staff == org.a_hr_officer.id).aexecute())
    before = server.run(count(ApprovalInstance.select().where(ApprovalInstance.applicant == org.a_head.id)))
    r = apply(api.as_(org.a_head), "personal", "2026-11-09", "2026-11-09")
    assert (r.status, r.code) == (409, "HEAD_STEP_UNRESOLVED"), r
    assert server.run(count(LeaveRequest.select().where(LeaveRequest.staff == org.a_head.id))) == 0
    assert server.run(count(ApprovalInstance.select().where(
        ApprovalInstance.applicant == org.a_head.id))) == before
