"""Closing: refused during publication, while a review/appeal window is open or a request pending;
afterwards results are final and every write on grades, publication and requests is refused with
409 APPRAISAL_CYCLE_CLOSED (scores too)."""
from tests.appraisal import results_support as rs
from tests.appraisal.results_support import PUBLISH_DAY, at, client, day


def test_close_locks_everything(server, api, f):
    org = f.org()
    people = [org.office_1, org.office_2, org.fin_1, org.fin_2, org.hr_1]
    c = rs.published_cycle(f, org, server, api, [(p, 70 + i) for i, p in enumerate(people)])
    hr = client(api, org.a_hr_officer)
    close = f"/api/appraisal/cycles/{c.id}/results/close"
    r = hr.post(close, headers=at(day(PUBLISH_DAY, 3)))
    assert r.status == 409 and r.code == "APPRAISAL_PUBLICATION_NOT_ENDED"
    # The cycle page's plain close cannot side-step it once results exist.
    r = hr.post(f"/api/appraisal/cycles/{c.id}/close", headers=at(day(PUBLISH_DAY, 3)))
    assert r.status == 409 and r.code == "APPRAISAL_USE_RESULTS_CLOSE", r
    result = rs.results(server, c)[org.office_1.id]
    me = client(api, org.office_1)
    rid = me.post(f"/api/appraisal/results/{result.id}/reviews", {"reason": "请求复核评分，理由见附件材料"},
                  headers=at(day(PUBLISH_DAY, 20))).data["id"]
    r = hr.post(close, headers=at(day(PUBLISH_DAY, 40)))
    assert r.status == 409 and r.code == "APPRAISAL_REQUESTS_PENDING" and r.error["fields"]["pending"] == 1
    assert hr.post(f"/api/appraisal/requests/{rid}/decide", {"outcome": "rejected", "reason": "评分依据充分，维持原结果"},
                   headers=at(day(PUBLISH_DAY, 25))).status == 200
    r = hr.post(close, headers=at(day(PUBLISH_DAY, 35)))           # appeal window: 15 days after day 25
    assert r.status == 409 and r.code == "APPRAISAL_WINDOWS_OPEN" and r.error["fields"]["until"] == day(PUBLISH_DAY, 40)
    assert client(api, org.b_hr_officer).post(close, headers=at(day(PUBLISH_DAY, 41))).status == 404
    r = hr.post(close, headers=at(day(PUBLISH_DAY, 41)))
    assert r.status == 200 and r.data["final_results"] == 5
    assert all(x.status == "final" for x in rs.results(server, c).values())
    assert rs.audits(server, "appraisal.cycle.close")[-1].after["status"] == "closed"

    later = at(day(PUBLISH_DAY, 42))
    refused = [
        hr.post(close, headers=later),
        hr.post(f"/api/appraisal/cycles/{c.id}/results/compute", headers=later),
        hr.post(f"/api/appraisal/cycles/{c.id}/results/confirm", {"accept_proposed": True}, headers=later),
        hr.post(f"/api/appraisal/cycles/{c.id}/quota-approvals", {"percent": 25, "reason": "批准提高比例",
                                                                   "document": "甲考〔2027〕2号"}, headers=later),
        hr.post(f"/api/appraisal/cycles/{c.id}/publish", headers=later),
        me.post(f"/api/appraisal/cycles/{c.id}/objections", {"text": "对结果仍有异议意见"}, headers=later),
        me.post(f"/api/appraisal/reviews/{rid}/appeal", {"reason": "对复核结果仍有异议，请求申诉"}, headers=later),
        client(api, org.office_2).post(f"/api/appraisal/results/{rs.results(server, c)[org.office_2.id].id}/reviews",
                                       {"reason": "请求复核评分，理由见附件材料"}, headers=later),
    ]
    for r in refused:
        assert (r.status, r.code) == (409, "APPRAISAL_CYCLE_CLOSED"), r.json
    # scoring refuses too (the scoring module's own gate: the phase is closed with the cycle)
    sheet = rs.sheet(server, c, org.fin_1, org.fin_leader, None, "leader", 100, status="draft")
    r = client(api, org.fin_leader).put(f"/api/appraisal/sheets/{sheet.id}", {"version": 1, "entries": []}, headers=later)
    assert (r.status, r.code) == (409, "APPRAISAL_CYCLE_CLOSED"), r
    # the record and the result stay readable
    assert me.get(f"/api/appraisal/cycles/{c.id}/my-result", headers=later).data["status"] == "final"
