"""Business systems push actual values with a feed token: created by HR (shown once, only its
SHA-256 stored), scoped to one unit, cycle and the indicators it may feed; revocable. A pushed
value lands on every confirmed item linked to the indicator and locks it against the owner."""
import hashlib

from models.appraisal.progress import IndicatorFeed
from models.base import fetch_all
from tests.appraisal.progress_support import (IN_PROGRESS, at, audits, confirm, keys, progress_rows,
                                              report, setup)
from tests.support import Client


def make_feed(api, org, s, indicators=None, hr=None):
    hr = hr or api.as_(org.a_hr_officer)
    r = hr.post(f"/api/appraisal/cycles/{s.cycle.id}/feeds",
                {"name": "政务服务系统", "indicator_ids": indicators or [s.ind.id]}, headers=at(IN_PROGRESS))
    assert r.status == 201, r
    return r.data


def push(server, token, body, now=IN_PROGRESS):
    c = Client(server.base_url, token)
    return c.post("/api/appraisal/feeds/values", body, headers=at(now))


def value(code="ZWFW", no="A-office-1", on="2026-04-30", v=1100.0):
    return {"indicator_code": code, "employee_no": no, "reported_on": on, "value": v}


def test_feed_token_pushes_a_value_the_owner_cannot_override(api, org, f, server):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    k = keys(gs)
    feed = make_feed(api, org, s)
    token = feed["token"]
    assert token.startswith("mjf_") and len(token) > 40
    assert [i["code"] for i in feed["indicators"]] == ["ZWFW"] and feed["status"] == "active"
    stored = server.run(fetch_all(IndicatorFeed.select()))
    assert stored[0].token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(audits(server, "appraisal.feed.create")[0].after)
    # the token is never shown again
    listed = api.as_(org.a_hr_officer).get(f"/api/appraisal/cycles/{s.cycle.id}/feeds")
    assert listed.status == 200 and "token" not in listed.data[0]
    # the owner reported first; the system's value then becomes the current one
    me = api.as_(org.office_1)
    assert report(me, gs, k[0], actual_value=800).status == 201
    r = push(server, token, value())
    assert r.status == 201, r
    assert r.data["accepted"] == 1 and r.data["values"][0]["item_keys"] == [k[0]]
    rows = progress_rows(server, gs["id"])
    assert (rows[-1].source, rows[-1].actual_value, rows[-1].feed_id, rows[-1].recorded_by_id) == \
        ("system", 1100, feed["id"], None)
    r = report(me, gs, k[0], actual_value=1200)
    assert r.status == 409 and r.code == "APPRAISAL_VALUE_LOCKED_BY_SOURCE", r
    cur = next(i for i in me.get(f"/api/appraisal/goal-sets/{gs['id']}/progress",
                                 headers=at(IN_PROGRESS)).data["items"] if i["key"] == k[0])
    assert cur["current"]["source"] == "system" and cur["current"]["feed"] == "政务服务系统"
    assert cur["current"]["score_preview"] == 83.33 and cur["locked_by_source"]
    # a list is all or nothing
    r = push(server, token, [value(on="2026-05-01", v=1150), value(no="A-nobody")])
    assert r.status == 422 and r.code == "APPRAISAL_FEED_VALUES_INVALID", r
    assert "values.1.employee_no" in r.error["fields"]
    assert len(progress_rows(server, gs["id"])) == 2
    r = push(server, token, [value(on="2026-05-01", v=1150), value(on="2026-05-02", v=1160)])
    assert r.status == 201 and r.data["written"] == 2, r
    assert len(audits(server, "appraisal.feed.push")) == 2
    entry = audits(server, "appraisal.feed.push")[0]
    assert entry.actor is None and entry.actor_name == "系统" and entry.after["feed"] == "政务服务系统"
    f_row = server.run(fetch_all(IndicatorFeed.select()))[0]
    assert f_row.last_used_at is not None


def test_revoked_unknown_and_session_tokens_are_refused(api, org, f, server):
    s = setup(f, org)
    confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    feed = make_feed(api, org, s)
    for token in (None, "mjf_" + "x" * 43, "garbage"):
        r = push(server, token, value())
        assert r.status == 401 and r.code == "APPRAISAL_FEED_TOKEN_INVALID", (token, r)
    # a staff session is not a feed token
    staff = api.as_(org.a_hr_officer)
    r = staff.post("/api/appraisal/feeds/values", value(), headers=at(IN_PROGRESS))
    assert r.status == 401, r
    # a feed token is not a staff session
    assert Client(server.base_url, feed["token"]).get("/api/me").status == 401
    hr = api.as_(org.a_hr_officer)
    assert api.as_(org.b_hr_officer).delete(f"/api/appraisal/feeds/{feed['id']}").status == 404
    assert api.as_(org.office_1).delete(f"/api/appraisal/feeds/{feed['id']}").status == 403
    r = hr.delete(f"/api/appraisal/feeds/{feed['id']}")
    assert r.status == 200 and r.data["status"] == "revoked", r
    assert hr.delete(f"/api/appraisal/feeds/{feed['id']}").code == "APPRAISAL_FEED_REVOKED"
    assert hr.delete("/api/appraisal/feeds/999999").status == 404
    r = push(server, feed["token"], value())
    assert r.status == 401 and r.code == "APPRAISAL_FEED_TOKEN_INVALID", r
    assert len(audits(server, "appraisal.feed.revoke")) == 1


def test_a_feed_is_scoped_to_its_unit_and_indicators(api, org, f, server):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    fin = confirm(api, org, s.cycle, org.fin_1, org.fin_leader)
    feed = make_feed(api, org, s)                    # ZWFW only
    # an indicator it was not given
    r = push(server, feed["token"], value(code="CWZB", no="A-fin-1", v=10))
    assert r.status == 403 and r.code == "APPRAISAL_FEED_INDICATOR_NOT_ALLOWED", r
    r = push(server, feed["token"], [value(), value(code="NOPE")])
    assert r.status == 403 and list(r.error["fields"]) == ["values.1.indicator_code"], r
    # a person of another unit, a person without a linked item
    r = push(server, feed["token"], value(no="B-b_office-1"))
    assert r.code == "APPRAISAL_FEED_VALUES_INVALID" and "values.0.employee_no" in r.error["fields"], r
    r = push(server, feed["token"], value(no="A-fin-1"))
    assert r.code == "APPRAISAL_FEED_VALUES_INVALID" and "values.0.indicator_code" in r.error["fields"], r
    # 乙局's feed for its own ZWFW cannot write into 甲局's goals
    cb_confirm = api.as_(org.b_hr_officer).post(
        f"/api/appraisal/cycles/{s.cycle_b.id}/feeds", {"name": "乙局系统", "indicator_ids": [s.ind_b.id]},
        headers=at(IN_PROGRESS))
    assert cb_confirm.status == 201, cb_confirm
    r = push(server, cb_confirm.data["token"], value())
    assert r.status == 422 and "values.0.employee_no" in r.error["fields"], r
    assert progress_rows(server, gs["id"]) == [] and progress_rows(server, fin["id"]) == []
    # bad shapes
    for body in ({"indicator_code": "ZWFW"}, [], {**value(), "value": "多"},
                 {**value(), "reported_on": "2026-13-01"}, {**value(), "extra": 1}):
        r = push(server, feed["token"], body)
        assert r.status == 422, (body, r)
    r = push(server, feed["token"], value(on="2026-05-07"))
    assert r.status == 422 and "values.0.reported_on" in r.error["fields"], r
    # before the progress phase
    r = push(server, feed["token"], value(on="2026-01-19"), now="2026-01-20T10:00:00+08:00")
    assert r.status == 409 and r.code == "APPRAISAL_PHASE_NOT_STARTED", r


def test_creating_feeds_needs_hr_over_the_unit_and_coded_indicators(api, org, f):
    s = setup(f, org)
    nocode = f.indicator(s.cycle, org.a_office, title="无编码指标", code="")
    hr = api.as_(org.a_hr_officer)
    path = f"/api/appraisal/cycles/{s.cycle.id}/feeds"
    r = hr.post(path, {"name": "系统", "indicator_ids": [nocode.id]})
    assert r.status == 422 and "indicator_ids.0" in r.error["fields"], r
    r = hr.post(path, {"name": "系统", "indicator_ids": [s.ind_b.id]})       # another cycle's
    assert r.status == 422 and "indicator_ids.0" in r.error["fields"], r
    assert hr.post(path, {"name": "", "indicator_ids": [s.ind.id]}).status == 422
    assert hr.post(path, {"name": "系统", "indicator_ids": []}).status == 422
    assert hr.post(path, {"name": "系统", "indicator_ids": [s.ind.id], "token": "mine"}).status == 422
    assert api.as_(org.b_hr_officer).post(path, {"name": "系统", "indicator_ids": [s.ind.id]}).status == 404
    assert api.as_(org.b_hr_officer).get(path).status == 404
    assert api.as_(org.office_leader).post(path, {"name": "系统", "indicator_ids": [s.ind.id]}).status == 403
    assert api.as_(org.office_1).get(path).status == 403
