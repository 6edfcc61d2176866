"""Score sheets over HTTP: quantitative items scored by their formula from the latest actual value
(at the boundaries), an override only with a written reason (≥ 10 characters), draft saves with
versions and every change logged, submit → locked, the phase gate (and a reopening), who may read
a sheet (the rater, HR and the discipline inspector in reach; not the participant, not another
rater, not another unit), bad input 4xx."""
from tests.appraisal import progress_support as ps
from tests.appraisal import scoring_support as ss


def setup(server, org, f, api, **settings):
    c = ss.cycle(f, org, [org.office_1, org.office_2], settings=settings)
    gs = ss.confirmed(api, org, c, org.office_1, org.office_leader)
    ss.generate(api, org.a_hr_officer, c)
    sheet = ss.live(server, c, org.office_1)[0]
    return c, gs, ps.keys(gs), sheet


def get(api, staff, sheet_id, now=ss.SCORING):
    return ss.client(api, staff).get(f"/api/appraisal/sheets/{sheet_id}", headers=ss.at(now))


def put(api, staff, sheet, version, entries, now=ss.SCORING):
    return ss.client(api, staff).put(f"/api/appraisal/sheets/{sheet}", {"version": version, "entries": entries},
                              headers=ss.at(now))


def item(data, key):
    return next(i for i in data["items"] if i["key"] == key)


def test_formula_scores_at_the_boundaries(server, org, f, api):
    c, gs, (lin, thr, qual), sheet = setup(server, org, f, api)
    r = get(api, org.office_leader, sheet.id)
    assert r.status == 200, r
    assert [i["key"] for i in r.data["items"]] == [lin, thr, qual]
    assert item(r.data, lin)["auto_score"] is None and item(r.data, lin)["score"] is None   # no value yet
    assert "不少于 15 个字" in r.data["rule"]["text"]                    # the rule, shown before any refusal
    day = iter(range(1, 29))
    for value, lin_score in ((600, 0), (450, 0), (900, 50), (1200, 100), (1500, 100)):
        ss.report(api, org.office_1, gs, lin, value, f"2026-04-{next(day):02d}")
        got = item(get(api, org.office_leader, sheet.id).data, lin)
        assert (got["actual_value"], got["auto_score"], got["score"]) == (value, lin_score, lin_score), got
    for value, thr_score in ((11, 0), (12, 60), (23.9, 60), (24, 100)):
        ss.report(api, org.office_1, gs, thr, value, f"2026-04-{next(day):02d}")
        got = item(get(api, org.office_leader, sheet.id).data, thr)
        assert got["auto_score"] == thr_score and not got["overridden"], got
    assert "线性" in item(r.data, lin)["formula_text"] and item(r.data, lin)["max_score"] == 100


def test_override_needs_a_written_reason(server, org, f, api):
    c, gs, (lin, thr, qual), sheet = setup(server, org, f, api)
    ss.report(api, org.office_1, gs, lin, 900, "2026-05-01")            # formula: 50
    v = get(api, org.office_leader, sheet.id).data["version"]
    r = put(api, org.office_leader, sheet.id, v, [{"key": lin, "score": 80}])
    assert r.status == 422 and r.code == "APPRAISAL_OVERRIDE_REASON_REQUIRED", r
    assert f"entries.{lin}.override_reason" in r.error["fields"] and "50" in r.error["fields"][f"entries.{lin}.override_reason"]
    r = put(api, org.office_leader, sheet.id, v, [{"key": lin, "score": 80, "override_reason": "系统统计漏计九十件"}])
    assert r.status == 422, r                                            # 9 characters
    assert ss.entries(server, sheet.id) == []
    reason = "系统漏计第四季度办件三百件"
    r = put(api, org.office_leader, sheet.id, v, [{"key": lin, "score": 80, "override_reason": reason}])
    assert r.status == 200, r
    got = item(r.data, lin)
    assert (got["score"], got["auto_score"], got["overridden"], got["override_reason"]) == (80, 50, True, reason)
    audit = ss.audits(server, "appraisal.sheet.save")[-1]
    assert audit.after["entries"][lin] == {"score": 80.0, "auto_score": 50.0, "override_reason": reason,
                                           "justification": ""}
    # back to the formula's own score: no longer an override, the reason is dropped
    r = put(api, org.office_leader, sheet.id, r.data["version"], [{"key": lin, "score": 50}])
    got = item(r.data, lin)
    assert (got["score"], got["overridden"], got["override_reason"]) == (50, False, "")
    # no value recorded at all: the rater scores, but only with a reason
    r = put(api, org.office_leader, sheet.id, r.data["version"], [{"key": thr, "score": 60}])
    assert r.status == 422 and r.code == "APPRAISAL_OVERRIDE_REASON_REQUIRED", r


def test_draft_submit_locked(server, org, f, api):
    c, gs, (lin, thr, qual), sheet = setup(server, org, f, api)
    ss.report(api, org.office_1, gs, lin, 1080, "2026-05-01")           # 80
    ss.report(api, org.office_1, gs, thr, 24, "2026-05-01")             # 100
    lead = api.as_(org.office_leader)
    assert lead.get("/api/appraisal/my/sheets").data[0]["status"] == "pending"
    v = get(api, org.office_leader, sheet.id).data["version"]
    r = put(api, org.office_leader, sheet.id, v, [{"key": qual, "score": 90, "justification": "表现良好"}])
    assert r.status == 200 and r.data["status"] == "draft", r          # a draft may be unfinished
    assert item(r.data, qual)["problems"][0]["code"] == "APPRAISAL_JUSTIFICATION_GENERIC"
    assert r.data["total"] == round(80 * 0.4 + 100 * 0.3 + 90 * 0.3, 2)
    # a stale version is refused
    stale = put(api, org.office_leader, sheet.id, v, [{"key": qual, "score": 91}])
    assert stale.status == 409 and stale.code == "APPRAISAL_SHEET_STALE", stale
    v = r.data["version"]
    r = lead.post(f"/api/appraisal/sheets/{sheet.id}/submit", {"version": v}, headers=ss.at(ss.SCORING))
    assert r.status == 422 and r.code == "APPRAISAL_JUSTIFICATION_GENERIC", r
    assert list(r.error["fields"]) == [f"entries.{qual}.justification"] and "套话" in r.error["fields"][f"entries.{qual}.justification"]
    r = put(api, org.office_leader, sheet.id, v, [{"key": qual, "score": 90, "justification": ss.GOOD}])
    r = lead.post(f"/api/appraisal/sheets/{sheet.id}/submit", {"version": r.data["version"]}, headers=ss.at(ss.SCORING))
    assert r.status == 200 and r.data["status"] == "submitted" and r.data["submitted_at"], r
    assert r.data["total"] == 89.0 and r.data["can"] == {"edit": False, "submit": False, "recuse": False}
    # locked
    r2 = put(api, org.office_leader, sheet.id, r.data["version"], [{"key": qual, "score": 10}])
    assert r2.status == 409 and r2.code == "APPRAISAL_SHEET_SUBMITTED", r2
    r2 = lead.post(f"/api/appraisal/sheets/{sheet.id}/submit", {}, headers=ss.at(ss.SCORING))
    assert r2.status == 409 and r2.code == "APPRAISAL_SHEET_SUBMITTED", r2
    r2 = lead.post(f"/api/appraisal/sheets/{sheet.id}/recuse", {"reason": "提交后想回避"}, headers=ss.at(ss.SCORING))
    assert r2.status == 409 and r2.code == "APPRAISAL_SHEET_SUBMITTED", r2
    # every save is in ScoreChange: two drafts of the qualitative item, then one submit row per item
    rows = ss.changes(server, sheet.id)
    assert [(x.item_key, x.stage) for x in rows] == [(qual, "draft"), (qual, "draft"),
                                                     (lin, "submit"), (thr, "submit"), (qual, "submit")]
    assert [x.score for x in rows if x.stage == "submit"] == [80, 100, 90]
    sub = ss.audits(server, "appraisal.sheet.submit")
    assert len(sub) == 1 and sub[0].after["total"] == 89.0 and sub[0].actor == org.office_leader.id
    # the totals the results read
    from services.appraisal import scoring
    totals = server.run(scoring.submitted_totals(c.id))
    assert totals[org.office_1.id]["total"] == 89.0 and totals[org.office_1.id]["pending"] == 0
    assert totals[org.office_2.id] == {"sheets": [], "total": None, "pending": 1}
    assert lead.get("/api/appraisal/my/sheets?status=submitted").data[0]["total"] == 89.0


def test_submit_checks_every_item(server, org, f, api):
    c, gs, (lin, thr, qual), sheet = setup(server, org, f, api)
    r = api.as_(org.office_leader).post(f"/api/appraisal/sheets/{sheet.id}/submit", {}, headers=ss.at(ss.SCORING))
    assert r.status == 422, r
    assert set(r.error["fields"]) == {f"entries.{lin}.score", f"entries.{thr}.score", f"entries.{qual}.score",
                                      f"entries.{qual}.justification"}
    assert ss.sheets(server, c, id=sheet.id)[0].status == "pending"
    # a participant without confirmed goals cannot be scored yet
    other = ss.live(server, c, org.office_2)[0]
    r = api.as_(org.office_leader).post(f"/api/appraisal/sheets/{other.id}/submit", {}, headers=ss.at(ss.SCORING))
    assert r.status == 409 and r.code == "APPRAISAL_GOALS_NOT_CONFIRMED", r
    assert get(api, org.office_leader, other.id).data["goals_confirmed"] is False


def test_phase_gate_and_reopening(server, org, f, api):
    c, gs, (lin, thr, qual), sheet = setup(server, org, f, api)
    body = [{"key": qual, "score": 88, "justification": ss.GOOD}]
    r = put(api, org.office_leader, sheet.id, 1, body, now=ss.BEFORE_SCORING)
    assert r.status == 409 and r.code == "APPRAISAL_PHASE_NOT_STARTED", r
    assert get(api, org.office_leader, sheet.id, ss.BEFORE_SCORING).data["can"]["edit"] is False
    r = put(api, org.office_leader, sheet.id, 1, body, now=ss.AFTER_SCORING)
    assert r.status == 409 and r.code == "APPRAISAL_PHASE_CLOSED", r
    f.reopen(c, org.office_leader, phase="scoring", until="2027-01-09")
    r = put(api, org.office_leader, sheet.id, 1, body, now=ss.AFTER_SCORING)
    assert r.status == 200, r


def test_who_may_read_a_sheet(server, org, f, api):
    c, gs, keys, sheet = setup(server, org, f, api)
    cb = ss.cycle(f, org, [org.b_office_1], unit=org.b)
    ss.generate(api, org.b_hr_officer, cb)
    b_sheet = ss.live(server, cb, org.b_office_1)[0]
    inspector = f.staff(org.a_office, "甲纪检员", employee_no="A-DIS")
    f.grant(inspector, "discipline_inspector", "unit_tree", unit=org.a)
    for who in (org.office_leader, org.a_hr_officer, inspector):
        assert get(api, who, sheet.id).status == 200, who
    for who in (org.office_1, org.office_2, org.a_deputy, org.b_hr_officer, org.fin_leader):
        r = get(api, who, sheet.id)
        assert r.status == 404 and r.code == "APPRAISAL_SHEET_NOT_FOUND", (who, r)
    assert get(api, org.a_hr_officer, b_sheet.id).status == 404
    assert get(api, inspector, b_sheet.id).status == 404
    assert get(api, org.b_hr_officer, b_sheet.id).status == 200
    # only the rater writes: HR and the inspector read only
    for who in (org.a_hr_officer, inspector, org.office_1):
        r = put(api, who, sheet.id, 1, [{"key": keys[2], "score": 99}])
        assert r.status == 404, (who, r)
    # my sheets: only mine
    assert [s["id"] for s in api.as_(org.office_leader).get("/api/appraisal/my/sheets").data] == \
        [s.id for s in ss.sheets(server, c, rater=org.office_leader.id)]
    assert api.as_(org.office_1).get("/api/appraisal/my/sheets").data == []
    assert get(api, org.office_leader, 999999).status == 404


def test_bad_input(server, org, f, api):
    c, gs, (lin, thr, qual), sheet = setup(server, org, f, api)
    cases = [
        ({"version": 1, "entries": [{"key": qual, "score": 101}]}, "APPRAISAL_SCORE_OUT_OF_RANGE", f"entries.{qual}.score"),
        ({"version": 1, "entries": [{"key": qual, "score": -1}]}, "VALIDATION_FAILED", "entries.0.score"),
        ({"version": 1, "entries": [{"key": qual, "score": "九十"}]}, "VALIDATION_FAILED", "entries.0.score"),
        ({"version": 1, "entries": [{"key": "nope", "score": 90}]}, "VALIDATION_FAILED", "entries.0.key"),
        ({"version": 1, "entries": [{"key": qual, "score": 90}, {"key": qual, "score": 80}]}, "VALIDATION_FAILED", "entries.1.key"),
        ({"entries": []}, "VALIDATION_FAILED", "version"),
        ({"version": 1, "entries": [{"key": qual, "bogus": 1}]}, "VALIDATION_FAILED", "entries.0.bogus"),
        ({"version": 1, "entries": [{"key": qual, "justification": "a\x00b"}]}, "VALIDATION_FAILED", "entries.0.justification"),
    ]
    for body, code, field in cases:
        r = api.as_(org.office_leader).put(f"/api/appraisal/sheets/{sheet.id}", body, headers=ss.at(ss.SCORING))
        assert r.status == 422 and r.code == code and field in r.error["fields"], (body, r)
    r = api.as_(org.office_leader).request("PUT", f"/api/appraisal/sheets/{sheet.id}", data=b"{not json",
                                           headers=ss.at(ss.SCORING))
    assert r.status == 400, r
    assert ss.entries(server, sheet.id) == [] and ss.changes(server, sheet.id) == []
