"""Reviews (复核) and appeals (申诉): calendar-day windows (day 30 / day 15 accepted, the next day
refused), routing that excludes every rater, decisions upheld with an adjusted grade or rejected —
written, audited, notified — and scope."""
from models.approvals import ApprovalTask
from models.base import fetch_all
from services import events
from tests.appraisal import results_support as rs
from tests.appraisal.results_support import PUBLISH_DAY, at, client, day


def _setup(f, org, server, api):
    """office_1 rated by the office leader (leader) and by the unit HR officer (peer); a second HR
    officer who rated nobody."""
    hr2 = f.staff(org.a_hr, "甲人事专员二", employee_no="A-HRO2")
    f.grant(hr2, "hr_officer", "unit_tree", unit=org.a)
    people = [org.office_1, org.office_2, org.fin_1, org.fin_2, org.hr_1]
    c = f.cycle(org.a, participants=people, phases={})
    rs.sheet(server, c, org.office_1, org.office_leader, 80, "leader", 80)
    rs.sheet(server, c, org.office_1, org.a_hr_officer, 80, "peer", 20)
    rs.scored(server, c, [(p, 75) for p in people[1:]], org.a_head)
    rs.compute(api, hr2, c)
    assert rs.confirm(api, hr2, c, accept=True).status == 200
    rs.publish(api, hr2, c)
    result = rs.results(server, c)[org.office_1.id]
    return c, hr2, result


def _tasks(server, instance_id):
    return server.run(fetch_all(ApprovalTask.select().where(ApprovalTask.instance == instance_id)))


def test_review_window_and_routing_without_raters(server, api, f):
    org = f.org()
    c, hr2, result = _setup(f, org, server, api)
    me = client(api, org.office_1)
    reason = "本人全年办结信访件数居科室第一，请求复核评分"
    r = me.post(f"/api/appraisal/results/{result.id}/reviews", {"reason": reason}, headers=at(day(PUBLISH_DAY, 31)))
    assert r.status == 409 and r.code == "APPRAISAL_REVIEW_WINDOW_CLOSED"
    assert r.error["fields"]["ends_on"] == day(PUBLISH_DAY, 30)
    # someone else's result: 404; too short: 422
    assert client(api, org.office_2).post(f"/api/appraisal/results/{result.id}/reviews", {"reason": reason}).status == 404
    assert me.post(f"/api/appraisal/results/{result.id}/reviews", {"reason": "不服"}).status == 422
    r = me.post(f"/api/appraisal/results/{result.id}/reviews", {"reason": reason}, headers=at(day(PUBLISH_DAY, 30)))
    assert r.status == 201, r
    rid = r.data["id"]
    assert r.data["filed_on"] == day(PUBLISH_DAY, 30) and r.data["due_on"] == day(PUBLISH_DAY, 60)
    assert r.data["remaining_days"] == 30 and r.data["status"] == "pending"
    # the HR officer who was a peer rater is not an approver; the other one is
    assignees = {t.assignee_id for t in _tasks(server, r.data["instance_id"])}
    assert assignees == {hr2.id}
    assert rs.audits(server, "appraisal.review.file")[-1].target_id == str(rid)
    r = me.post(f"/api/appraisal/results/{result.id}/reviews", {"reason": reason}, headers=at(day(PUBLISH_DAY, 30)))
    assert r.status == 409 and r.code == "APPRAISAL_REVIEW_EXISTS"
    # the rater cannot decide it, even with the request in hand (HR reach); approving from the
    # inbox without a decision is refused
    r = client(api, org.a_hr_officer).post(f"/api/appraisal/requests/{rid}/decide",
                                            {"outcome": "rejected", "reason": "评分依据充分，维持原结果"})
    assert r.status == 409 and r.code == "APPRAISAL_APPROVER_IS_RATER"
    inst = rs.requests(server)[0].instance_id
    r = client(api, hr2).post(f"/api/approvals/{inst}/actions", {"action": "approve"})
    assert r.status == 409 and r.code == "APPRAISAL_DECISION_REQUIRED"
    # a transfer to the rater does not let them decide
    r = client(api, hr2).post(f"/api/approvals/{inst}/actions", {"action": "transfer", "to_staff_id": org.a_hr_officer.id})
    assert r.status == 200, r
    r = client(api, org.a_hr_officer).post(f"/api/approvals/{inst}/actions", {"action": "approve"})
    assert r.status == 409 and r.code == "APPRAISAL_APPROVER_IS_RATER"


def test_upheld_then_appeal_rejected(server, api, f):
    org = f.org()
    c, hr2, result = _setup(f, org, server, api)
    seen = []

    async def on_decided(**kw):
        seen.append(kw)
    events.subscribe("appraisal.request.decided", on_decided)
    me = client(api, org.office_1)
    r = me.post(f"/api/appraisal/results/{result.id}/reviews", {"reason": "本人全年办结信访件数居科室第一，请求复核评分"},
                headers=at(day(PUBLISH_DAY, 2)))
    rid = r.data["id"]
    h = client(api, hr2)
    for body in ({"outcome": "upheld", "reason": "经复核，漏计了四季度办结件数"},                  # no adjustment
                 {"outcome": "rejected", "reason": "维持原结果的理由", "adjusted_grade": "excellent"},
                 {"outcome": "upheld", "reason": "经复核，漏计了四季度办结件数", "adjusted_grade": "good"},
                 {"outcome": "maybe", "reason": "经复核，漏计了四季度办结件数"}):
        assert h.post(f"/api/appraisal/requests/{rid}/decide", body).status == 422, body
    assert client(api, org.b_hr_officer).post(f"/api/appraisal/requests/{rid}/decide", {
        "outcome": "rejected", "reason": "维持原结果，理由充分"}).status == 404
    decided_on = day(PUBLISH_DAY, 10)
    r = h.post(f"/api/appraisal/requests/{rid}/decide", {"outcome": "upheld", "reason": "经复核，漏计了四季度办结件数12件",
                                                         "adjusted_total": 84.5, "adjusted_grade": "competent"},
               headers=at(decided_on))
    assert r.status == 200, r
    assert r.data["status"] == "upheld" and r.data["decided_on"] == decided_on and r.data["adjusted_total"] == 84.5
    row = rs.results(server, c)[org.office_1.id]
    assert row.adjusted_total == 84.5 and row.adjusted_grade == "competent"
    a = rs.audits(server, "appraisal.review.decide")[-1]
    assert a.after["outcome"] == "upheld" and a.after["result"]["total"] == 84.5 and a.before["total"] == 80
    assert len(rs.notices(server, org.office_1, "appraisal.request_decided")) == 1
    assert seen and seen[-1]["outcome"] == "upheld" and seen[-1]["request_id"] == rid
    r = h.post(f"/api/appraisal/requests/{rid}/decide", {"outcome": "rejected", "reason": "再次决定，维持原结果"})
    assert r.status == 409 and r.code == "APPRAISAL_REQUEST_DECIDED"

    # the participant's view shows the decision and the appeal window
    v = me.get(f"/api/appraisal/cycles/{c.id}/my-result", headers=at(decided_on)).data
    assert v["effective_grade"] == "competent" and v["can"]["appeal"] is True
    assert v["appeal_window"] == {"ends_on": day(decided_on, 15), "remaining_days": 15, "open": True}

    # appeal: day 16 refused, day 15 accepted (due in 60)
    reason = "对复核结果仍有异议，请求申诉处理"
    r = me.post(f"/api/appraisal/reviews/{rid}/appeal", {"reason": reason}, headers=at(day(decided_on, 16)))
    assert r.status == 409 and r.code == "APPRAISAL_APPEAL_WINDOW_CLOSED"
    r = me.post(f"/api/appraisal/reviews/{rid}/appeal", {"reason": reason}, headers=at(day(decided_on, 15)))
    assert r.status == 201 and r.data["kind"] == "appeal" and r.data["due_on"] == day(decided_on, 75)
    aid = r.data["id"]
    assignees = {t.assignee_id for t in _tasks(server, r.data["instance_id"])}
    assert org.a_hr_officer.id not in assignees and org.office_leader.id not in assignees and assignees
    r = h.post(f"/api/appraisal/requests/{aid}/decide", {"outcome": "rejected", "reason": "复核决定事实清楚，维持复核结果"},
               headers=at(day(decided_on, 20)))
    assert r.status == 200 and r.data["status"] == "rejected" and r.data["decision"].startswith("复核决定")
    assert rs.results(server, c)[org.office_1.id].adjusted_grade == "competent"      # unchanged
    assert rs.audits(server, "appraisal.appeal.decide")[-1].after["outcome"] == "rejected"
    # the requests of the result: the person, HR; another unit: 404
    r = me.get(f"/api/appraisal/results/{result.id}/requests")
    assert [x["kind"] for x in r.data] == ["review", "appeal"]
    assert client(api, org.b_hr_officer).get(f"/api/appraisal/results/{result.id}/requests").status == 404
    assert client(api, org.office_2).get(f"/api/appraisal/requests/{aid}").status == 404
    q = h.get(f"/api/appraisal/cycles/{c.id}/requests?kind=appeal").data
    assert [x["id"] for x in q] == [aid]
    events._subscribers["appraisal.request.decided"].remove(on_decided)


def test_attachment_on_a_request(server, api, f):
    org = f.org()
    c, hr2, result = _setup(f, org, server, api)
    me = client(api, org.office_1)
    rid = me.post(f"/api/appraisal/results/{result.id}/reviews", {"reason": "本人全年办结信访件数居科室第一，请求复核评分"},
                  headers=at(day(PUBLISH_DAY, 1))).data["id"]
    pdf = b"%PDF-1.4\n% evidence\n"
    r = me.request("POST", f"/api/appraisal/requests/{rid}/attachments", files={"file": ("证明.pdf", pdf, "application/pdf")})
    assert r.status == 201, r
    assert client(api, hr2).get(f"/api/appraisal/requests/{rid}").data["attachments"][0]["filename"] == "证明.pdf"
    r = client(api, org.office_2).request("POST", f"/api/appraisal/requests/{rid}/attachments",
                                          files={"file": ("x.pdf", pdf, "application/pdf")})
    assert r.status == 404
