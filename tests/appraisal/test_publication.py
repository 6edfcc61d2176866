"""Publication (公示): N working days across a holiday, participants notified and seeing their
per-item scores (peer raters anonymised), objections during publication answered in writing."""
import datetime
import json

from services.appraisal import publication as pubmod
from tests.appraisal import results_support as rs
from tests.appraisal.results_support import at, client

NATIONAL_DAY_EVE = "2026-09-29"       # a Tuesday; 1–7 October are holidays, 10 October (Sat) is worked


def _graded(f, org, server, api, **kw):
    people = [org.office_1, org.office_2, org.fin_1]
    c = f.cycle(org.a, participants=people, phases={}, **kw)
    rs.detailed(server, c, org.office_1, org.office_leader, peers=[org.office_2, org.fin_1], self_score=95)
    rs.scored(server, c, [(org.office_2, 80), (org.fin_1, 70)], org.a_head)
    rs.compute(api, org.a_hr_officer, c)
    return c


def test_publish_needs_every_grade_confirmed(server, api, f):
    org = f.org()
    c = _graded(f, org, server, api)
    hr = client(api, org.a_hr_officer)
    r = hr.post(f"/api/appraisal/cycles/{c.id}/publish", headers=at(rs.PUBLISHED))
    assert r.status == 409 and r.code == "APPRAISAL_RESULTS_UNCONFIRMED" and r.error["fields"]["confirmed"] == 0
    # before publication the participant sees nothing
    r = client(api, org.office_1).get(f"/api/appraisal/cycles/{c.id}/my-result", headers=at(rs.PUBLISHED))
    assert r.status == 409 and r.code == "APPRAISAL_RESULTS_NOT_PUBLISHED"
    assert rs.confirm(api, org.a_hr_officer, c, accept=True).status == 200
    assert client(api, org.b_hr_officer).post(f"/api/appraisal/cycles/{c.id}/publish").status == 404
    rs.publish(api, org.a_hr_officer, c)
    r = hr.post(f"/api/appraisal/cycles/{c.id}/publish", headers=at(rs.PUBLISHED))
    assert r.status == 409 and r.code == "APPRAISAL_RESULTS_ALREADY_PUBLISHED"
    # no more computing or confirming once published
    r = hr.post(f"/api/appraisal/cycles/{c.id}/results/compute", headers=at(rs.PUBLISHED))
    assert r.status == 409 and r.code == "APPRAISAL_RESULTS_PUBLISHED"
    assert rs.confirm(api, org.a_hr_officer, c, [(org.fin_1, "competent")]).code == "APPRAISAL_RESULTS_PUBLISHED"


def test_publication_period_in_working_days_across_national_day(server, api, f):
    org = f.org()
    c = _graded(f, org, server, api)
    assert rs.confirm(api, org.a_hr_officer, c, accept=True).status == 200
    data = rs.publish(api, org.a_hr_officer, c, now=NATIONAL_DAY_EVE)
    # 5 working days after 29 September: 30 Sep, 8, 9, 10 (调休 Saturday), 12 October
    assert data["published_on"] == "2026-09-29" and data["ends_on"] == "2026-10-12"
    assert data["working_days"] == 5 and data["publication"]["state"] == "publishing"
    rows = rs.results(server, c)
    assert all(r.status == "published" and r.publication_ends_on == datetime.date(2026, 10, 12) for r in rows.values())
    a = rs.audits(server, "appraisal.cycle.publish")[-1]
    assert a.after["ends_on"] == "2026-10-12" and a.after["participants"] == 3
    for p in (org.office_1, org.office_2, org.fin_1):
        assert len(rs.notices(server, p, "appraisal.results_published")) == 1
    assert rs.notices(server, org.fin_2, "appraisal.results_published") == []

    # objections: on the last day accepted, the day after refused
    me = client(api, org.office_2)
    r = me.post(f"/api/appraisal/cycles/{c.id}/objections", {"text": "办公室职工一的优秀等次与实际工作量不符",
                                                             "about_staff_id": org.office_1.id}, headers=at("2026-10-12"))
    assert r.status == 201 and r.data["status"] == "open" and r.data["about"]["id"] == org.office_1.id
    oid = r.data["id"]
    r = me.post(f"/api/appraisal/cycles/{c.id}/objections", {"text": "再提一条异议意见"}, headers=at("2026-10-13"))
    assert r.status == 409 and r.code == "APPRAISAL_PUBLICATION_ENDED"
    # not in the cycle: 404; about someone outside the cycle: 422; too short: 422
    assert client(api, org.fin_2).post(f"/api/appraisal/cycles/{c.id}/objections", {"text": "我也有异议意见"},
                                       headers=at("2026-10-09")).status == 404
    r = me.post(f"/api/appraisal/cycles/{c.id}/objections", {"text": "对此人有异议意见", "about_staff_id": org.b_office_1.id},
                headers=at("2026-10-09"))
    assert r.status == 422 and "about_staff_id" in r.error["fields"]
    assert me.post(f"/api/appraisal/cycles/{c.id}/objections", {"text": "不"}, headers=at("2026-10-09")).status == 422
    assert rs.audits(server, "appraisal.objection.file")[-1].target_id == str(oid)

    # HR lists and answers in writing; the filer is told; another unit's HR cannot
    hr = client(api, org.a_hr_officer)
    r = hr.get(f"/api/appraisal/cycles/{c.id}/objections?status=open")
    assert [o["id"] for o in r.data] == [oid]
    assert client(api, org.fin_1).get(f"/api/appraisal/cycles/{c.id}/objections").data == []   # own only
    assert client(api, org.b_hr_officer).post(f"/api/appraisal/objections/{oid}/answer",
                                              {"answer": "经核实，等次符合规定"}).status == 404
    assert client(api, org.office_2).post(f"/api/appraisal/objections/{oid}/answer",
                                          {"answer": "经核实，等次符合规定"}).status == 404
    r = hr.post(f"/api/appraisal/objections/{oid}/answer", {"answer": "经核实，其全年办结信访件数居全局第一，等次符合规定。"})
    assert r.status == 200 and r.data["status"] == "answered" and r.data["answered_by"]["id"] == org.a_hr_officer.id
    assert rs.objections(server)[0].answer.startswith("经核实")
    assert len(rs.notices(server, org.office_2, "appraisal.objection_answered")) == 1
    assert rs.audits(server, "appraisal.objection.answer")
    r = hr.post(f"/api/appraisal/objections/{oid}/answer", {"answer": "再次答复的内容"})
    assert r.status == 409 and r.code == "APPRAISAL_OBJECTION_ANSWERED"


def test_participant_sees_items_with_peers_anonymised(server, api, f):
    org = f.org()
    c = _graded(f, org, server, api)
    assert rs.confirm(api, org.a_hr_officer, c, accept=True).status == 200
    rs.publish(api, org.a_hr_officer, c)
    r = client(api, org.office_1).get(f"/api/appraisal/cycles/{c.id}/my-result", headers=at(rs.day(rs.PUBLISH_DAY, 3)))
    assert r.status == 200, r
    d = r.data
    assert d["staff"]["id"] == org.office_1.id and d["publication"]["state"] == "publishing"
    raters = [(s["role"], s["rater"]) for s in d["sheets"]]
    assert ("leader", org.office_leader.name) in raters and ("self", "本人") in raters
    peers = sorted(name for role, name in raters if role == "peer")
    assert peers == ["同事 A", "同事 B"]
    body = json.dumps(r.json, ensure_ascii=False)
    assert org.office_2.name not in body and org.fin_1.name not in body
    leader = next(s for s in d["sheets"] if s["role"] == "leader")
    k2 = next(i for i in leader["items"] if i["key"] == "k2")
    assert k2["score"] == 80 and k2["auto_score"] == 75 and "漏计" in k2["override_reason"]
    assert "《信访工作办法》" in leader["items"][0]["justification"]
    assert d["review_window"] == {"ends_on": rs.day(rs.PUBLISH_DAY, 30), "remaining_days": 27, "open": True}
    assert d["can"] == {"object": True, "review": True, "appeal": False}
    # someone else's view: only their own; another unit: 404
    assert client(api, org.fin_2).get(f"/api/appraisal/cycles/{c.id}/my-result").status == 404
    assert client(api, org.b_office_1).get(f"/api/appraisal/cycles/{c.id}/my-result").status == 404


def test_publication_days_setting():
    class C:
        settings = {"publication_days": 7}
    assert pubmod.publication_days(C) == 7
    C.settings = {"publication_days": "7"}
    assert pubmod.publication_days(C) == 5
