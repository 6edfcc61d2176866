"""Results: weighted totals from submitted sheets, proposed grades from thresholds (defaults and a
cycle's own), periodic results feeding the annual proposal, scope and bad input."""
from tests.appraisal import results_support as rs
from tests.appraisal.results_support import at, client


def test_weighted_total_and_proposed_grades(server, api, f):
    org = f.org()
    people = [org.office_1, org.office_2, org.fin_1, org.fin_2]
    c = f.cycle(org.a, participants=people, phases={})
    # office_1: leader 92 (70) + peer 80 (20) + self 100 (10) = 90.4 → 优秀
    rs.sheet(server, c, org.office_1, org.office_leader, 92, "leader", 70)
    rs.sheet(server, c, org.office_1, org.office_2, 80, "peer", 20)
    rs.sheet(server, c, org.office_1, org.office_1, 100, "self", 10)
    # a recused sheet never counts; a draft is pending
    rs.sheet(server, c, org.office_2, org.a_head, 10, "leader", 70, status="recused")
    rs.sheet(server, c, org.office_2, org.office_leader, 75, "leader", 70)
    rs.sheet(server, c, org.office_2, org.office_1, None, "peer", 20, status="draft")
    rs.sheet(server, c, org.fin_1, org.fin_leader, 65, "leader", 100)
    rs.sheet(server, c, org.fin_2, org.fin_leader, 59.9, "leader", 100)
    data = rs.compute(api, org.a_hr_officer, c)
    assert data["participants"] == 4 and data["with_total"] == 4 and data["pending_sheets"] == 1
    rows = rs.results(server, c)
    assert rows[org.office_1.id].total == 90.4 and rows[org.office_1.id].proposed_grade == "excellent"
    assert rows[org.office_2.id].total == 75 and rows[org.office_2.id].proposed_grade == "competent"
    assert rows[org.fin_1.id].proposed_grade == "basically_competent"
    assert rows[org.fin_2.id].proposed_grade == "incompetent"
    assert rs.audits(server, "appraisal.result.compute")[-1].after["participants"] == 4

    r = client(api, org.a_hr_officer).get(f"/api/appraisal/cycles/{c.id}/results", headers=at(rs.SCORED))
    assert r.status == 200 and r.json["total"] == 4
    row = next(x for x in r.data["rows"] if x["staff"]["id"] == org.office_1.id)
    assert row["proposed_grade_label"] == "优秀" and row["grade"] == "" and row["status"] == "computed"
    assert {s["role"] for s in row["sheets"]} == {"leader", "peer", "self"}
    assert r.data["quota"]["rule"].startswith("优秀名额")

    # recomputation is idempotent: one row per person
    rs.compute(api, org.a_hr_officer, c)
    assert len(rs.results(server, c)) == 4


def test_cycle_thresholds_override_defaults_and_periodic_scale(server, api, f):
    org = f.org()
    c = f.cycle(org.a, participants=[org.office_1, org.office_2], phases={},
                settings={"grade_thresholds": {"excellent": 95, "competent": 80}})
    rs.scored(server, c, [(org.office_1, 92), (org.office_2, 79)], org.office_leader)
    rs.compute(api, org.a_hr_officer, c)
    rows = rs.results(server, c)
    assert rows[org.office_1.id].proposed_grade == "competent"
    assert rows[org.office_2.id].proposed_grade == "basically_competent"

    p = f.cycle(org.a, kind="periodic", name="2026年第三季度平时考核", participants=[org.fin_1, org.fin_2], phases={})
    rs.scored(server, p, [(org.fin_1, 91), (org.fin_2, 74)], org.fin_leader)
    rs.compute(api, org.a_hr_officer, p)
    rows = rs.results(server, p)
    assert rows[org.fin_1.id].proposed_grade == "good" and rows[org.fin_2.id].proposed_grade == "average"
    # an annual grade code is refused in a periodic cycle
    r = rs.confirm(api, org.a_hr_officer, p, [(org.fin_1, "excellent")])
    assert r.status == 422 and "items.0.grade" in r.error["fields"]


def test_periodic_poor_blocks_annual_excellent(server, api, f):
    org = f.org()
    q = rs.published_cycle(f, org, server, api, [(org.office_1, 50), (org.office_2, 80)],
                           kind="periodic", name="2026年第一季度平时考核")
    assert rs.results(server, q)[org.office_1.id].grade == "poor"
    c = f.cycle(org.a, participants=[org.office_1, org.office_2, org.fin_1, org.fin_2, org.hr_1], phases={})
    rs.scored(server, c, [(org.office_1, 96), (org.office_2, 95), (org.fin_1, 80), (org.fin_2, 80), (org.hr_1, 80)],
              org.a_head)
    data = rs.compute(api, org.a_hr_officer, c)
    assert data["blocked_by_periodic"] == 1
    rows = rs.results(server, c)
    assert rows[org.office_1.id].proposed_grade == "competent"
    assert "较差" in rows[org.office_1.id].detail["note"]
    assert rows[org.office_2.id].proposed_grade == "excellent"
    r = client(api, org.a_hr_officer).get(f"/api/appraisal/cycles/{c.id}/results", headers=at(rs.SCORED))
    row = next(x for x in r.data["rows"] if x["staff"]["id"] == org.office_1.id)
    assert [p["grade_label"] for p in row["periodic"]] == ["较差"]
    r = rs.confirm(api, org.a_hr_officer, c, [(org.office_1, "excellent")])
    assert r.status == 409 and r.code == "APPRAISAL_EXCELLENT_BLOCKED"
    assert r.error["fields"]["staff_ids"] == [org.office_1.id]


def test_scope_and_bad_input(server, api, f):
    org = f.org()
    c = f.cycle(org.a, participants=[org.office_1, org.fin_1], phases={})
    rs.scored(server, c, [(org.office_1, 80), (org.fin_1, 70)], org.a_head)
    rs.compute(api, org.a_hr_officer, c)
    # another unit's HR: 404 everywhere
    b = client(api, org.b_hr_officer)
    for path in ("results", "quota", "distribution"):
        assert b.get(f"/api/appraisal/cycles/{c.id}/{path}").status == 404
    for path in ("results/compute", "publish", "results/close"):
        assert b.post(f"/api/appraisal/cycles/{c.id}/{path}", headers=at(rs.SCORED)).status == 404
    r = b.post(f"/api/appraisal/cycles/{c.id}/results/confirm", {"accept_proposed": True})
    assert r.status == 404
    # a plain participant: 404 (HR endpoints)
    assert client(api, org.office_1).get(f"/api/appraisal/cycles/{c.id}/results").status in (403, 404)
    assert client(api, org.office_1).post(f"/api/appraisal/cycles/{c.id}/results/compute").status in (403, 404)
    # an HR officer scoped to 财务科 sees only that department's rows
    fin_hr = f.staff(org.a_fin, "财务人事", employee_no="A-FHR")
    f.grant(fin_hr, "hr_officer", "dept_tree", dept=org.a_fin)
    r = client(api, fin_hr).get(f"/api/appraisal/cycles/{c.id}/results")
    assert r.status == 200 and [x["staff"]["id"] for x in r.data["rows"]] == [org.fin_1.id]
    # ... and cannot confirm for the whole unit
    assert rs.confirm(api, fin_hr, c, accept=True).status == 403
    hr = client(api, org.a_hr_officer)
    for body, field in (({"items": [{"staff_id": org.office_1.id, "grade": "great"}]}, "items.0.grade"),
                        ({"items": [{"staff_id": "x", "grade": "competent"}]}, "items.0.staff_id"),
                        ({"items": [], "accept_proposed": "yes"}, "accept_proposed"),
                        ({"items": [], "bogus": 1}, "bogus")):
        r = hr.post(f"/api/appraisal/cycles/{c.id}/results/confirm", body)
        assert r.status == 422 and field in r.error["fields"], (body, r.json)
    r = hr.post(f"/api/appraisal/cycles/{c.id}/results/confirm", {"items": [{"staff_id": org.b_office_1.id, "grade": "competent"}]})
    assert r.status == 422 and r.error["fields"] == {"items.0.staff_id": "不是本周期有考核结果的人员"}
    r = hr.post(f"/api/appraisal/cycles/{c.id}/results/confirm", {"items": []})
    assert r.status == 422 and r.code == "APPRAISAL_NOTHING_TO_CONFIRM"
    assert hr.get("/api/appraisal/cycles/999999/results").status == 404
    assert hr.get(f"/api/appraisal/cycles/{c.id}/results?grade=great").status == 422
