"""Result applications (结果运用): the department recommends, HR reviews, the unit approves — three
different people, on the approval engine; audited; scope and bad input."""
from tests.appraisal import results_support as rs
from tests.appraisal.results_support import PUBLISH_DAY, at, client, day


def test_recommend_review_approve(server, api, f):
    org = f.org()
    people = [org.office_1, org.office_2, org.fin_1, org.fin_2, org.hr_1]
    c = rs.published_cycle(f, org, server, api, [(org.office_1, 95)] + [(p, 80) for p in people[1:]])
    path = f"/api/appraisal/cycles/{c.id}/applications"
    lead = client(api, org.office_leader)
    body = {"staff_id": org.office_1.id, "kind": "award", "reason": "年度考核优秀，全年办结信访件数居全局第一"}
    # another department's leader, another unit's HR, the person: refused
    assert client(api, org.fin_leader).post(path, body).status == 404
    assert client(api, org.b_hr_officer).post(path, body).status == 404
    assert client(api, org.office_1).post(path, body).status == 404
    assert lead.post(path, {**body, "kind": "medal"}).status == 422
    r = lead.post(path, body, headers=at(day(PUBLISH_DAY, 1)))
    assert r.status == 201, r
    app_id, inst = r.data["id"], r.data["instance_id"]
    assert r.data["status"] == "pending" and r.data["created_by"]["id"] == org.office_leader.id
    hr = client(api, org.a_hr_officer)
    assert [a["id"] for a in hr.get(path).data] == [app_id]
    assert [a["id"] for a in lead.get(path).data] == [app_id]
    assert client(api, org.b_hr_officer).get(path).status == 404
    assert hr.post(f"/api/approvals/{inst}/actions", {"action": "approve"}).status == 200
    assert rs.applications(server)[0].status == "pending"
    head = client(api, org.a_head)
    assert head.post(f"/api/approvals/{inst}/actions", {"action": "approve"}).status == 200
    row = rs.applications(server)[0]
    assert row.status == "approved"
    d = client(api, org.a_head).get(f"/api/approvals/{inst}").data
    actors = [e["actor"]["id"] for e in d["timeline"] if e["action"] in ("submit", "approve")]
    assert actors == [org.office_leader.id, org.a_hr_officer.id, org.a_head.id]
    assert rs.audits(server, "appraisal.application.create") and rs.audits(server, "appraisal.application.approved")


def test_same_person_cannot_take_two_steps(server, api, f):
    org = f.org()
    people = [org.office_1, org.office_2, org.fin_1, org.fin_2, org.hr_1]
    c = rs.published_cycle(f, org, server, api, [(p, 80) for p in people])
    # the unit head also holds the HR role: HR review and unit approval would be one person
    f.grant(org.a_head, "hr_officer", "unit_tree", unit=org.a)
    r = client(api, org.a_hr_officer).post(f"/api/appraisal/cycles/{c.id}/applications", {
        "staff_id": org.fin_1.id, "kind": "training", "reason": "参加财务业务能力提升培训"})
    # the HR review would fall to the unit head, who also approves for the unit: refused whole
    assert r.status == 409 and r.code == "APPRAISAL_APPLICATION_FLOW_INCOMPLETE"
    assert rs.applications(server) == []


def test_not_before_publication(server, api, f):
    org = f.org()
    c = f.cycle(org.a, participants=[org.office_1], phases={})
    rs.scored(server, c, [(org.office_1, 95)], org.a_head)
    rs.compute(api, org.a_hr_officer, c)
    r = client(api, org.office_leader).post(f"/api/appraisal/cycles/{c.id}/applications", {
        "staff_id": org.office_1.id, "kind": "award", "reason": "年度考核优秀，建议嘉奖"})
    assert r.status == 409 and r.code == "APPRAISAL_RESULTS_NOT_PUBLISHED"
