"""Progress reports on confirmed goals: only the owner, only items of the confirmed version, only
in the progress phase (or reopened for them); percent for qualitative, actual value (with the
formula's score preview) for quantitative; rows appended; evidence; late updates flagged."""
import datetime

from services.appraisal.progress import overdue_progress
from tests.appraisal import test_goals_helpers as gh
from tests.appraisal.progress_support import (AFTER_SELF_ASSESSMENT, GOAL_SETTING, IN_PROGRESS, PDF,
                                              PNG, at, audits, confirm, keys, progress_rows, report,
                                              setup, upload)


def test_owner_reports_in_the_progress_phase(api, org, f, server):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    k = keys(gs)
    me = api.as_(org.office_1)
    # goal setting: too early
    r = report(me, gs, k[0], now=GOAL_SETTING, actual_value=700)
    assert r.status == 409 and r.code == "APPRAISAL_PHASE_NOT_STARTED", r
    r = report(me, gs, k[0], actual_value=900, note="1-4 月累计")
    assert r.status == 201, r
    assert (r.data["source"], r.data["actual_value"], r.data["score_preview"]) == ("owner", 900, 50)
    assert r.data["recorded_by"]["id"] == org.office_1.id
    assert report(me, gs, k[2], percent=40, note="已起草一项制度").status == 201
    # a later value replaces the current one; linear never above 100
    assert report(me, gs, k[0], actual_value=1300).data["score_preview"] == 100
    # threshold: the highest step reached
    assert report(me, gs, k[1], actual_value=13).data["score_preview"] == 60
    rows = progress_rows(server, gs["id"])
    assert [(x.item_key, x.actual_value, x.percent, x.source) for x in rows] == [
        (k[0], 900, None, "owner"), (k[2], None, 40, "owner"), (k[0], 1300, None, "owner"),
        (k[1], 13, None, "owner")]
    assert len(audits(server, "appraisal.progress.report")) == 4
    view = me.get(f"/api/appraisal/goal-sets/{gs['id']}/progress", headers=at(IN_PROGRESS))
    assert view.status == 200, view
    items = {i["key"]: i for i in view.data["items"]}
    assert items[k[0]]["current"]["actual_value"] == 1300
    assert items[k[0]]["current"]["score_preview"] == 100
    assert items[k[2]]["current"]["percent"] == 40
    assert items[k[0]]["indicator"]["code"] == "ZWFW"
    assert view.data["can"]["report"] is True and items[k[0]]["can_report"] is True
    assert len(view.data["rows"]) == 4 and view.data["rows"][0]["item_key"] == k[1]


def test_bad_reports_are_refused_with_field_errors(api, org, f, server):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    k = keys(gs)
    me = api.as_(org.office_1)
    cases = [
        (dict(key=k[0], percent=50), "actual_value"),                      # quantitative needs a value
        (dict(key=k[0], actual_value=1, percent=5), "percent"),
        (dict(key=k[2]), "percent"),                                       # qualitative needs a percent
        (dict(key=k[2], percent=50, actual_value=3), "actual_value"),
        (dict(key=k[2], percent=120), "percent"),                          # 0-100
        (dict(key=k[2], percent=-1), "percent"),
        (dict(key=k[0], actual_value=1, reported_on="2026-05-07"), "reported_on"),   # future
        (dict(key=k[0], actual_value=1, reported_on="2025-12-31"), "reported_on"),   # before the year
        (dict(key=k[0], actual_value=1, reported_on="五月"), "reported_on"),
        (dict(key=k[0], actual_value="很多"), "actual_value"),
        (dict(key=k[0], actual_value=1, note="x" * 1001), "note"),
    ]
    for body, field in cases:
        key = body.pop("key")
        r = report(me, gs, key, **body)
        assert r.status == 422 and field in r.error.get("fields", {}), (body, r)
    r = report(me, gs, "nosuchkey", actual_value=1)
    assert r.status == 422 and r.code == "APPRAISAL_ITEM_NOT_FOUND", r
    r = me.post(f"/api/appraisal/goal-sets/{gs['id']}/progress", {"reported_on": "2026-05-06"},
                headers=at(IN_PROGRESS))
    assert r.status == 422 and "item_key" in r.error["fields"], r
    assert progress_rows(server, gs["id"]) == []


def test_only_confirmed_goals_and_only_the_owner(api, org, f):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    k = keys(gs)
    # office_2 only has a draft: nothing to report on
    other = api.as_(org.office_2)
    draft = gh.my_goals(other, s.cycle, headers=at(GOAL_SETTING))
    r = report(other, draft, k[0], actual_value=1)
    assert r.status == 409 and r.code == "APPRAISAL_NOT_CONFIRMED", r
    v = other.get(f"/api/appraisal/goal-sets/{draft['id']}/progress", headers=at(IN_PROGRESS))
    assert v.status == 200 and v.data["items"] == [] and v.data["can"]["report"] is False
    # readers may read but not report; others get 404
    leader = api.as_(org.office_leader)
    assert leader.get(f"/api/appraisal/goal-sets/{gs['id']}/progress", headers=at(IN_PROGRESS)).status == 200
    r = report(leader, gs, k[0], actual_value=1000)
    assert r.status == 403 and r.code == "APPRAISAL_NOT_OWNER", r
    hr = api.as_(org.a_hr_officer)
    assert hr.get(f"/api/appraisal/goal-sets/{gs['id']}/progress", headers=at(IN_PROGRESS)).status == 200
    assert report(hr, gs, k[0], actual_value=1000).status == 403
    for outsider in (org.office_2, org.fin_leader, org.b_hr_officer, org.b_office_1):
        c = api.as_(outsider)
        assert c.get(f"/api/appraisal/goal-sets/{gs['id']}/progress", headers=at(IN_PROGRESS)).status == 404
        assert report(c, gs, k[0], actual_value=1000).status == 404
    assert api.as_(org.office_1).get("/api/appraisal/goal-sets/999999/progress",
                                     headers=at(IN_PROGRESS)).status == 404
    assert api.get(f"/api/appraisal/goal-sets/{gs['id']}/progress").status == 401


def test_closed_phase_refused_unless_reopened_for_the_person(api, org, f):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    k = keys(gs)
    me = api.as_(org.office_1)
    late = "2026-12-05T09:00:00+08:00"
    r = report(me, gs, k[2], now=late, percent=90)
    assert r.status == 409 and r.code == "APPRAISAL_PHASE_CLOSED", r
    assert me.get(f"/api/appraisal/goal-sets/{gs['id']}/progress", headers=at(late)).data["can"]["report"] is False
    f.reopen(s.cycle, org.office_1, phase="progress", until="2026-12-10")
    assert report(me, gs, k[2], now=late, percent=90).status == 201
    assert report(me, gs, k[2], now=AFTER_SELF_ASSESSMENT, percent=95).code == "APPRAISAL_PHASE_CLOSED"


def test_evidence_upload_and_download_in_scope(api, org, f, server):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    k = keys(gs)
    me = api.as_(org.office_1)
    row = report(me, gs, k[2], percent=30).data
    path = f"/api/appraisal/progress/{row['id']}/attachments"
    a = upload(me, path, PNG, "../会议纪要.png")
    assert a.status == 201, a
    assert a.data["filename"] == "会议纪要.png" and a.data["content_type"] == "image/png"
    assert upload(me, path, PDF, "制度.pdf").status == 201
    assert upload(me, path, b"GIF89a....", "x.gif").code == "ATTACHMENT_TYPE_INVALID"
    assert upload(me, path, b"", "x.png").status == 422
    assert me.request("POST", path, headers=at(IN_PROGRESS)).code == "ATTACHMENT_EMPTY"
    # only the owner adds evidence; outsiders do not learn the row exists
    assert upload(api.as_(org.office_leader), path, PNG).status == 403
    for outsider in (org.office_2, org.fin_leader, org.b_hr_officer):
        assert upload(api.as_(outsider), path, PNG).status == 404
    assert upload(me, "/api/appraisal/progress/999999/attachments", PNG).status == 404
    # after the phase: no more evidence
    assert upload(me, path, PNG, now="2026-12-05T09:00:00+08:00").code == "APPRAISAL_PHASE_CLOSED"
    view = me.get(f"/api/appraisal/goal-sets/{gs['id']}/progress", headers=at(IN_PROGRESS)).data
    files = view["rows"][0]["attachments"]
    assert [x["filename"] for x in files] == ["会议纪要.png", "制度.pdf"]
    url = files[0]["url"]
    for reader in (org.office_1, org.office_leader, org.a_hr_officer):
        got = api.as_(reader).get(url)
        assert got.status == 200 and got.raw.content == PNG, (reader.name, got)
    for outsider in (org.office_2, org.fin_leader, org.b_hr_officer, org.b_office_1):
        assert api.as_(outsider).get(url).status == 404
    assert len(audits(server, "appraisal.progress.attachment")) == 2


def test_late_updates_are_flagged(api, org, f, server):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    fin = confirm(api, org, s.cycle, org.fin_1, org.fin_leader)
    k = keys(gs)
    me = api.as_(org.office_1)
    # before the phase has run 30 days nobody is late
    early = "2026-03-20T10:00:00+08:00"
    assert not any(i["overdue"] for i in me.get(f"/api/appraisal/goal-sets/{gs['id']}/progress",
                                                  headers=at(early)).data["items"])
    assert report(me, gs, k[0], now=early, actual_value=700).status == 201
    assert report(me, gs, k[2], percent=50).status == 201     # May 6
    view = me.get(f"/api/appraisal/goal-sets/{gs['id']}/progress", headers=at(IN_PROGRESS)).data
    flags = {i["key"]: i["overdue"] for i in view["items"]}
    assert flags == {k[0]: True, k[1]: True, k[2]: False}, flags   # k0 last updated 47 days ago
    assert view["stale_days"] == 30
    today = datetime.date(2026, 5, 6)
    late = server.run(overdue_progress(s.cycle.id, today=today))
    assert {p["staff_id"]: [i["key"] for i in p["items"]] for p in late} == {
        org.office_1.id: [k[0], k[1]], org.fin_1.id: keys(fin)}
    assert [p["staff_id"] for p in server.run(overdue_progress(
        s.cycle.id, [org.a_fin.id], today=today))] == [org.fin_1.id]
    assert server.run(overdue_progress(s.cycle.id, [org.a_hr.id], today=today)) == []
    # outside the open phase nobody is late
    assert server.run(overdue_progress(s.cycle.id, today=datetime.date(2026, 12, 5))) == []


def test_stale_days_is_a_cycle_setting(api, org, f, server):
    s = setup(f, org, settings={"progress_stale_days": 90})
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    view = api.as_(org.office_1).get(f"/api/appraisal/goal-sets/{gs['id']}/progress",
                                     headers=at(IN_PROGRESS)).data
    assert view["stale_days"] == 90 and not any(i["overdue"] for i in view["items"])
    assert server.run(overdue_progress(s.cycle.id, today=datetime.date(2026, 5, 6))) == []
    assert len(server.run(overdue_progress(s.cycle.id, today=datetime.date(2026, 6, 5)))) == 1


def test_demo_has_progress_on_confirmed_goals(server):
    from models.appraisal.goals import GoalSet
    from models.appraisal.progress import GoalProgress
    from models.base import fetch_all
    from services.demo import load_demo

    server.run(load_demo(env=server.env), timeout=120)
    sets = server.run(fetch_all(GoalSet.select()))
    rows = server.run(fetch_all(GoalProgress.select()))
    confirmed = {g.id for g in sets if g.confirmed_version_id}
    assert len(confirmed) == 3 and {r.goal_set_id for r in rows} == confirmed
    assert {r.source for r in rows} == {"owner", "import"}
    assert all(r.percent is not None or r.actual_value is not None for r in rows)
    n = len(rows)
    server.run(load_demo(env=server.env, force=False), timeout=120)
    assert len(server.run(fetch_all(GoalProgress.select()))) == n
