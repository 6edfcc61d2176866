"""Integrity alerts: recomputation is idempotent (numbers updated, dismissals kept unless the numbers
got worse, vanished findings resolved), dismissal with a written reason audited by HR only, the
discipline inspector reads, data scope (another unit 404, a department-scoped HR sees its own),
the results events, bad input 4xx."""
from services import events
from tests.appraisal import alerts_support as al


def late_person(f, c, org, days=6):
    f.result(c, org.office_1, 92, grade="excellent")
    f.day_statuses(org.office_1, [f"2026-03-{d:02d}" for d in range(2, 2 + days)], "late")


def test_recompute_is_idempotent_and_keeps_dismissals(api, server, org, f):
    c = al.cycle(f, org, al.everyone(org))
    late_person(f, c, org)
    hr = api.as_(org.a_hr_officer)
    first = al.compute(api, org.a_hr_officer, c)
    assert (first["found"], first["created"]) == (1, 1)
    again = al.compute(api, org.a_hr_officer, c)
    assert (again["found"], again["created"], again["updated"], again["reopened"]) == (1, 0, 0, 0)
    [row] = al.rows(server, c)
    assert row.status == "open" and row.detail["numbers"]["late_days"] == 6

    r = hr.post(f"/api/appraisal/alerts/{row.id}/dismiss", {"reason": "已核实：3月参加省里集中培训，打卡点不在单位"})
    assert r.status == 200, r
    assert r.data["status"] == "dismissed" and r.data["dismissed_by"]["name"] == org.a_hr_officer.name
    assert r.data["can_dismiss"] is False
    [entry] = al.audits(server, "appraisal.alert.dismiss")
    assert entry.target_id == str(row.id) and entry.after["reason"].startswith("已核实")
    assert entry.actor == org.a_hr_officer.id

    # same numbers: stays dismissed
    out = al.compute(api, org.a_hr_officer, c)
    assert out["reopened"] == 0 and al.rows(server, c)[0].status == "dismissed"
    # worse numbers (two more late days): reopened, the dismissal kept in its history
    f.day_statuses(org.office_1, ["2026-04-01", "2026-04-02"], "late")
    out = al.compute(api, org.a_hr_officer, c)
    assert out["reopened"] == 1
    [row] = al.rows(server, c)
    assert row.status == "open" and row.dismiss_reason == "" and row.detail["numbers"]["late_days"] == 8
    d = hr.get(f"/api/appraisal/alerts/{row.id}").data
    assert d["reopened_times"] == 1 and d["earlier_dismissals"][0]["reason"].startswith("已核实")
    assert d["earlier_dismissals"][0]["numbers"]["late_days"] == 6 and d["can_dismiss"] is True

    # the finding goes away (the grade is lowered): resolved, the same row
    server.run(_regrade(c, org.office_1, "competent", 85))
    out = al.compute(api, org.a_hr_officer, c)
    assert out["resolved"] == 1 and al.rows(server, c)[0].status == "resolved"
    assert [a["status"] for a in al.listed(api, org.a_hr_officer, c, status="resolved").data] == ["resolved"]
    # and it comes back as the same alert, open
    server.run(_regrade(c, org.office_1, "excellent", 92))
    al.compute(api, org.a_hr_officer, c)
    assert [(a.id, a.status) for a in al.rows(server, c)] == [(row.id, "open")]
    assert len(al.audits(server, "appraisal.alert.compute")) == 6


async def _regrade(c, staff, grade, total):
    from models.appraisal.scoring import AppraisalResult
    await AppraisalResult.update(grade=grade, proposed_grade=grade, total=total).where(
        AppraisalResult.cycle == c.id, AppraisalResult.staff == staff.id).aexecute()


def test_dismissal_rules_and_the_inspector(api, server, org, f):
    inspector = f.staff(org.a_office, "纪检监督员")
    f.grant(inspector, "discipline_inspector", "unit_tree", unit=org.a)
    c = al.cycle(f, org, al.everyone(org))
    late_person(f, c, org)
    al.compute(api, org.a_hr_officer, c)
    [row] = al.rows(server, c)
    insp = api.as_(inspector)
    # the inspector reads the list and the drill-down ...
    r = al.listed(api, inspector, c)
    assert r.json["total"] == 1 and r.json["summary"]["open"] == 1
    d = insp.get(f"/api/appraisal/alerts/{row.id}")
    assert d.status == 200 and d.data["can_dismiss"] is False and len(d.data["rows"]["days"]) == 6
    # ... but neither dismisses nor computes
    r = insp.post(f"/api/appraisal/alerts/{row.id}/dismiss", {"reason": "纪检人员认为没有问题，予以排除"})
    assert r.status == 403 and r.code == "APPRAISAL_ALERT_DISMISS_FORBIDDEN"
    assert insp.post(f"/api/appraisal/cycles/{c.id}/alerts/compute").status in (403, 404)
    hr = api.as_(org.a_hr_officer)
    r = hr.post(f"/api/appraisal/alerts/{row.id}/dismiss", {"reason": "  情况属实  "})
    assert r.status == 422 and r.code == "APPRAISAL_ALERT_REASON_REQUIRED" and "reason" in r.error["fields"]
    r = hr.post(f"/api/appraisal/alerts/{row.id}/dismiss", {})
    assert r.status == 422 and r.code == "VALIDATION_FAILED"
    r = hr.post(f"/api/appraisal/alerts/{row.id}/dismiss", {"reason": "x" * 1001})
    assert r.status == 422
    assert al.rows(server, c)[0].status == "open" and al.audits(server, "appraisal.alert.dismiss") == []
    assert hr.post(f"/api/appraisal/alerts/{row.id}/dismiss", {"reason": "已核实为系统打卡故障，考勤已更正"}).status == 200
    r = hr.post(f"/api/appraisal/alerts/{row.id}/dismiss", {"reason": "已核实为系统打卡故障，考勤已更正"})
    assert r.status == 409 and r.code == "APPRAISAL_ALERT_NOT_OPEN"
    assert len(al.audits(server, "appraisal.alert.dismiss")) == 1
    # the inspector sees who dismissed it, when and why
    [a] = al.listed(api, inspector, c, status="dismissed").data
    assert a["dismissed_by"]["name"] == org.a_hr_officer.name and a["dismiss_reason"].startswith("已核实")
    assert a["dismissed_at"]


def test_data_scope(api, server, org, f):
    c = al.cycle(f, org, al.everyone(org))
    late_person(f, c, org)                                  # 办公室
    f.result(c, org.fin_1, 93, grade="excellent")           # 财务科
    f.day_statuses(org.fin_1, ["2026-03-02"], "absent")
    al.compute(api, org.a_hr_officer, c)
    office_alert, fin_alert = sorted(al.rows(server, c), key=lambda a: a.department_id != org.a_office.id)
    assert fin_alert.department_id == org.a_fin.id
    # another unit's HR: the cycle and the alerts are not there
    b = api.as_(org.b_hr_officer)
    assert b.get(f"/api/appraisal/cycles/{c.id}/alerts").status == 404
    assert b.get(f"/api/appraisal/alerts/{office_alert.id}").status == 404
    r = b.post(f"/api/appraisal/alerts/{office_alert.id}/dismiss", {"reason": "乙局人事专员尝试排除甲局预警"})
    assert r.status == 404 and r.code == "APPRAISAL_ALERT_NOT_FOUND"
    assert b.post(f"/api/appraisal/cycles/{c.id}/alerts/compute").status == 404
    # an HR officer over 财务科 only sees and dismisses 财务科's alert
    fin_hr = f.staff(org.a_fin, "财务科人事专员")
    f.grant(fin_hr, "hr_officer", "dept_tree", dept=org.a_fin)
    fh = api.as_(fin_hr)
    r = al.listed(api, fin_hr, c)
    assert [a["id"] for a in r.data] == [fin_alert.id] and r.json["summary"]["open"] == 1
    assert fh.get(f"/api/appraisal/alerts/{office_alert.id}").status == 404
    assert fh.post(f"/api/appraisal/alerts/{office_alert.id}/dismiss",
                   {"reason": "财务科人事专员尝试排除办公室预警"}).status == 404
    d = fh.get(f"/api/appraisal/alerts/{fin_alert.id}")
    assert d.status == 200 and d.data["can_dismiss"] is True
    # an ordinary member of staff: nothing
    plain = api.as_(org.office_2)
    assert plain.get(f"/api/appraisal/cycles/{c.id}/alerts").status in (403, 404)
    assert plain.get(f"/api/appraisal/alerts/{office_alert.id}").status in (403, 404)
    # the list filters
    hr = api.as_(org.a_hr_officer)
    assert [a["id"] for a in hr.get(f"/api/appraisal/cycles/{c.id}/alerts?department_id={org.a_office.id}").data] \
        == [office_alert.id]
    assert hr.get(f"/api/appraisal/cycles/{c.id}/alerts?kind=late_change").data == []
    assert [a["severity"] for a in hr.get(f"/api/appraisal/cycles/{c.id}/alerts?severity=high").data] == ["high"]


def test_bad_input(api, org, f):
    c = al.cycle(f, org, al.everyone(org))
    hr = api.as_(org.a_hr_officer)
    for qs in ("kind=nope", "status=closed", "page=0", "page_size=1000", "department_id=abc", "severity=x"):
        r = hr.get(f"/api/appraisal/cycles/{c.id}/alerts?{qs}")
        assert r.status == 422 and r.code == "VALIDATION_FAILED", qs
    assert hr.get("/api/appraisal/cycles/999999/alerts").status == 404
    assert hr.post("/api/appraisal/cycles/999999/alerts/compute").code == "APPRAISAL_CYCLE_NOT_FOUND"
    assert hr.get("/api/appraisal/alerts/999999").code == "APPRAISAL_ALERT_NOT_FOUND"
    assert hr.post("/api/appraisal/alerts/999999/dismiss", {"reason": "不存在的预警也要有理由"}).status == 404
    assert hr.post("/api/appraisal/alerts/1/dismiss", {"reason": ["列表"]}).status == 422
    assert hr.get("/api/appraisal/alerts/99999999999999999999999").status in (404, 422)
    # broken threshold settings fall back to the defaults instead of failing
    c2 = al.cycle(f, org, al.everyone(org), name="阈值有误",
                  settings={"alerts": {"flat_distribution": {"min_sheets": "four"}, "rater_bias": "x"}})
    out = al.compute(api, org.a_hr_officer, c2)
    assert out["found"] == 0
    th = al.listed(api, org.a_hr_officer, c2).json["summary"]["thresholds"]
    assert th["flat_distribution"]["min_sheets"] == 4 and th["rater_bias"]["min_gap"] == 15.0


def test_results_events_compute_the_alerts(api, server, org, f):
    c = al.cycle(f, org, al.everyone(org))
    late_person(f, c, org)
    server.run(events.publish("appraisal.results.confirmed", cycle_id=c.id, actor=None))
    assert [a.kind for a in al.rows(server, c)] == ["attendance_contradiction"]
    f.relationship(org.office_2, org.office_leader)
    f.sheet(c, org.office_2, org.office_leader, total=88)
    server.run(events.publish("appraisal.results.published", cycle_id=c.id))
    assert sorted(a.kind for a in al.rows(server, c)) == ["attendance_contradiction", "related_rater"]
    assert al.audits(server, "appraisal.alert.compute") == []


def test_publishing_the_results_computes_the_alerts(api, server, org, f):
    """Through the real publication endpoint (services/appraisal/publication.py publishes the event)."""
    people = [org.office_1, org.office_2, org.fin_1]
    c = al.cycle(f, org, people)
    f.result(c, org.office_1, 92, grade="excellent")
    f.result(c, org.office_2, 80, grade="competent")
    f.result(c, org.fin_1, 75, grade="competent")
    f.day_statuses(org.office_1, ["2026-05-06"], "absent")
    r = api.as_(org.a_hr_officer).post(f"/api/appraisal/cycles/{c.id}/publish",
                                       headers={"X-Mingjing-Now": "2027-01-05T10:00:00+08:00"})
    assert r.status == 200, r
    [a] = al.rows(server, c)
    assert a.kind == "attendance_contradiction" and a.subject_key == f"staff:{org.office_1.id}"
