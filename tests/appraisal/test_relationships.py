"""Declared relationships (亲属关系): staff declare their own (by the relative's employee number
and name), withdraw them (the row stays, revoked); HR adds and revokes them for people in reach;
every change audited; another unit's HR gets 404."""
from tests.appraisal import scoring_support as ss

ME = "/api/appraisal/me/relationships"


def body(relative, kind="spouse", **over):
    return {"relative_employee_no": relative.employee_no, "relative_name": relative.name, "kind": kind, **over}


def test_declare_list_and_withdraw_my_own(server, org, api):
    me = api.as_(org.office_1)
    r = me.post(ME, body(org.fin_1, "spouse", note="夫妻"))
    assert r.status == 201, r
    rel = r.data
    assert rel["relative"]["id"] == org.fin_1.id and rel["kind_label"] == "夫妻关系" and rel["source"] == "self"
    assert rel["direction"] == "declared" and rel["active"] and rel["relative"]["department_name"] == "财务科"
    # the relative sees it too (named by someone else), and the check works both ways
    r = api.as_(org.fin_1).get(ME)
    assert [x["direction"] for x in r.data] == ["named"] and r.data[0]["relative"]["id"] == org.office_1.id
    # either way, once only
    r = api.as_(org.fin_1).post(ME, body(org.office_1, "blood"))
    assert r.status == 409 and r.code == "APPRAISAL_RELATIONSHIP_EXISTS", r
    # the relative may not withdraw what the other declared
    r = api.as_(org.fin_1).delete(f"{ME}/{rel['id']}")
    assert r.status == 404, r
    r = me.delete(f"{ME}/{rel['id']}")
    assert r.status == 200 and r.data["active"] is False and r.data["revoked_at"], r
    r = me.delete(f"{ME}/{rel['id']}")
    assert r.status == 409 and r.code == "APPRAISAL_RELATIONSHIP_REVOKED", r
    # kept, revoked, listed
    rows = ss.relationships(server)
    assert len(rows) == 1 and rows[0].revoked_at is not None and rows[0].revoked_by_id == org.office_1.id
    assert [x["active"] for x in me.get(ME).data] == [False]
    assert [a.after["kind"] for a in ss.audits(server, "appraisal.relationship.declare")] == ["spouse"]
    assert len(ss.audits(server, "appraisal.relationship.revoke")) == 1
    # declared again after withdrawing: fine
    assert me.post(ME, body(org.fin_1, "spouse")).status == 201


def test_bad_input(server, org, api):
    me = api.as_(org.office_1)
    r = me.post(ME, body(org.office_1))
    assert r.status == 422 and r.code == "APPRAISAL_RELATIONSHIP_SELF", r
    r = me.post(ME, {**body(org.fin_1), "relative_name": "别人"})           # number and name must match
    assert r.status == 404 and r.code == "APPRAISAL_RELATIVE_NOT_FOUND", r
    r = me.post(ME, {**body(org.fin_1), "relative_employee_no": "NOPE"})
    assert r.status == 404, r
    r = me.post(ME, body(org.fin_1, "friend"))
    assert r.status == 422 and r.code == "VALIDATION_FAILED" and "kind" in r.error["fields"], r
    r = me.post(ME, {"kind": "spouse"})
    assert r.status == 422 and "relative_employee_no" in r.error["fields"], r
    r = me.post(ME, {**body(org.fin_1), "note": "x" * 201})
    assert r.status == 422, r
    r = me.delete(f"{ME}/999999")
    assert r.status == 404, r
    assert ss.relationships(server) == []
    assert api.get(ME).status == 401


def test_hr_adds_and_revokes_in_reach(server, org, api):
    hr = api.as_(org.a_hr_officer)
    path = f"/api/appraisal/staff/{org.office_1.id}/relationships"
    r = hr.post(path, body(org.office_leader, "in_law", note="岳父"))
    assert r.status == 201 and r.data["source"] == "hr" and r.data["declared_by"] == org.a_hr_officer.name, r
    rid = r.data["id"]
    assert [x["id"] for x in hr.get(path).data] == [rid]
    # the person sees it, but an HR registration is HR's to revoke
    assert [x["source"] for x in api.as_(org.office_1).get(ME).data] == ["hr"]
    r = api.as_(org.office_1).delete(f"{ME}/{rid}")
    assert r.status == 409 and r.code == "APPRAISAL_RELATIONSHIP_HR_OWNED", r
    # another unit's HR, a colleague: nothing
    assert api.as_(org.b_hr_officer).get(path).status == 404
    assert api.as_(org.b_hr_officer).post(path, body(org.fin_1)).status == 404
    assert api.as_(org.b_hr_officer).delete(f"{path}/{rid}").status == 404
    assert api.as_(org.office_2).get(path).status == 403
    # revoking through someone else's page: 404
    r = hr.delete(f"/api/appraisal/staff/{org.fin_1.id}/relationships/{rid}")
    assert r.status == 404, r
    r = hr.delete(f"{path}/{rid}")
    assert r.status == 200 and r.data["active"] is False and r.data["revoked_by"] == org.a_hr_officer.name, r
    # the relative's page lists it too (HR may revoke from either side)
    r = hr.get(f"/api/appraisal/staff/{org.office_leader.id}/relationships")
    assert [x["id"] for x in r.data] == [rid]
    audit = ss.audits(server, "appraisal.relationship.declare")
    assert audit[0].after["source"] == "hr" and audit[0].unit_id == org.a.id
