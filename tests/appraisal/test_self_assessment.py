"""Self-assessment: a summary per confirmed item, saved as a draft in the self_assessment phase,
submitted once before the deadline and then locked; evidence; drafts are the owner's own."""
from tests.appraisal.progress_support import (AFTER_SELF_ASSESSMENT, IN_PROGRESS, IN_SELF_ASSESSMENT,
                                              PNG, at, audits, confirm, keys, setup, upload)


def path(gs, tail=""):
    return f"/api/appraisal/goal-sets/{gs['id']}/self-assessment{tail}"


def test_draft_submit_lock(api, org, f, server):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    k = keys(gs)
    me = api.as_(org.office_1)
    h = at(IN_SELF_ASSESSMENT)
    v = me.get(path(gs), headers=h)
    assert v.status == 200 and v.data["status"] == "none" and v.data["can"] == {"edit": True, "submit": True}
    assert [i["key"] for i in v.data["items"]] == k
    # too early: still the progress phase
    r = me.put(path(gs), {"items": [{"key": k[0], "summary": "全年办件 1180 件"}]}, headers=at(IN_PROGRESS))
    assert r.status == 409 and r.code == "APPRAISAL_PHASE_NOT_STARTED", r
    r = me.put(path(gs), {"items": [{"key": k[0], "summary": "全年办件 1180 件"}]}, headers=h)
    assert r.status == 200 and r.data["status"] == "draft", r
    # submitting with an item missing names it
    r = me.post(path(gs, "/submit"), headers=h)
    assert r.status == 422 and r.code == "APPRAISAL_SELF_ASSESSMENT_INCOMPLETE", r
    assert set(r.error["fields"]) == {"items.1.summary", "items.2.summary"}
    # a draft is the owner's own: the leader sees empty summaries until it is submitted
    lv = api.as_(org.office_leader).get(path(gs), headers=h)
    assert lv.status == 200 and lv.data["status"] == "draft" and all(i["summary"] == "" for i in lv.data["items"])
    assert lv.data["can"] == {"edit": False, "submit": False}
    r = me.put(path(gs), {"items": [{"key": k[1], "summary": "报送信息 26 篇"},
                                    {"key": k[2], "summary": "修订制度 3 项"}]}, headers=h)
    assert [i["summary"] for i in r.data["items"]] == ["全年办件 1180 件", "报送信息 26 篇", "修订制度 3 项"]
    r = me.post(path(gs, "/submit"), headers=h)
    assert r.status == 200 and r.data["status"] == "submitted" and r.data["submitted_at"], r
    assert r.data["can"] == {"edit": False, "submit": False}
    # locked: no second submission, no edit
    assert me.post(path(gs, "/submit"), headers=h).code == "APPRAISAL_SELF_ASSESSMENT_SUBMITTED"
    r = me.put(path(gs), {"items": [{"key": k[0], "summary": "改一下"}]}, headers=h)
    assert r.status == 409 and r.code == "APPRAISAL_SELF_ASSESSMENT_SUBMITTED", r
    assert upload(me, path(gs, f"/items/{k[0]}/attachments"), PNG, now=IN_SELF_ASSESSMENT).code == \
        "APPRAISAL_SELF_ASSESSMENT_SUBMITTED"
    # now readers see it
    for reader in (org.office_leader, org.a_hr_officer):
        got = api.as_(reader).get(path(gs), headers=h).data
        assert got["items"][0]["summary"] == "全年办件 1180 件"
    assert [a.action for a in audits(server, "appraisal.self_assessment.save")] == [
        "appraisal.self_assessment.save"] * 2
    sub = audits(server, "appraisal.self_assessment.submit")
    assert len(sub) == 1 and sub[0].after["summaries"][k[2]] == "修订制度 3 项"


def test_deadline_and_reopening(api, org, f):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    k = keys(gs)
    me = api.as_(org.office_1)
    late = at(AFTER_SELF_ASSESSMENT)
    r = me.put(path(gs), {"items": [{"key": k[0], "summary": "补写"}]}, headers=late)
    assert r.status == 409 and r.code == "APPRAISAL_PHASE_CLOSED", r
    assert me.get(path(gs), headers=late).data["can"]["edit"] is False
    f.reopen(s.cycle, org.office_1, phase="self_assessment", until="2026-12-20")
    body = {"items": [{"key": x, "summary": f"第{n}项总结"} for n, x in enumerate(k)]}
    assert me.put(path(gs), body, headers=late).status == 200
    assert me.post(path(gs, "/submit"), headers=late).data["status"] == "submitted"


def test_scope_and_bad_input(api, org, f):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    k = keys(gs)
    h = at(IN_SELF_ASSESSMENT)
    me = api.as_(org.office_1)
    for outsider in (org.office_2, org.fin_leader, org.b_hr_officer, org.b_office_1):
        c = api.as_(outsider)
        assert c.get(path(gs), headers=h).status == 404
        assert c.put(path(gs), {"items": []}, headers=h).status == 404
        assert c.post(path(gs, "/submit"), headers=h).status == 404
    r = api.as_(org.office_leader).put(path(gs), {"items": [{"key": k[0], "summary": "代写"}]}, headers=h)
    assert r.status == 403 and r.code == "APPRAISAL_NOT_OWNER", r
    r = me.put(path(gs), {"items": [{"key": "nokey", "summary": "x"}]}, headers=h)
    assert r.status == 422 and "items.0.key" in r.error["fields"], r
    r = me.put(path(gs), {"items": [{"key": k[0], "summary": "x"}, {"key": k[0], "summary": "y"}]}, headers=h)
    assert r.status == 422 and "items.1.key" in r.error["fields"], r
    assert me.put(path(gs), {"items": [{"key": k[0], "summary": "x" * 2001}]}, headers=h).status == 422
    assert me.put(path(gs), {"items": "all"}, headers=h).status == 422
    assert me.get("/api/appraisal/goal-sets/999999/self-assessment", headers=h).status == 404


def test_evidence_for_a_summary(api, org, f):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    k = keys(gs)
    me = api.as_(org.office_1)
    up = path(gs, f"/items/{k[2]}/attachments")
    a = upload(me, up, PNG, "制度文件.png", now=IN_SELF_ASSESSMENT)
    assert a.status == 201, a
    assert upload(me, up, PNG, now=IN_PROGRESS).code == "APPRAISAL_PHASE_NOT_STARTED"
    assert upload(me, path(gs, "/items/nokey/attachments"), PNG, now=IN_SELF_ASSESSMENT).status == 404
    assert upload(api.as_(org.office_leader), up, PNG, now=IN_SELF_ASSESSMENT).status == 403
    assert upload(api.as_(org.b_hr_officer), up, PNG, now=IN_SELF_ASSESSMENT).status == 404
    v = me.get(path(gs), headers=at(IN_SELF_ASSESSMENT)).data
    assert v["items"][2]["attachments"][0]["filename"] == "制度文件.png"
    url = a.data["url"]
    assert me.get(url).status == 200
    # a draft's evidence is the owner's own too, until submitted
    assert api.as_(org.office_leader).get(url).status == 404
    assert api.as_(org.b_hr_officer).get(url).status == 404
    body = {"items": [{"key": x, "summary": "总结"} for x in k]}
    assert me.put(path(gs), body, headers=at(IN_SELF_ASSESSMENT)).status == 200
    assert me.post(path(gs, "/submit"), headers=at(IN_SELF_ASSESSMENT)).status == 200
    assert api.as_(org.office_leader).get(url).status == 200
    assert api.as_(org.a_hr_officer).get(url).raw.content == PNG
    assert api.as_(org.b_hr_officer).get(url).status == 404
    assert api.as_(org.fin_leader).get(url).status == 404
