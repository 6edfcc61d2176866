"""Who rates whom: the leader from the org tree (ordinary staff, a department leader, a
sub-department leader, the deputy head, the unit head), optional peers and self with weights
renormalised, idempotent generation (HR's request and the scheduler at the start of scoring),
HR-only and in reach."""
from tests.appraisal import scoring_support as ss


def _by_role(server, c, staff):
    out = {}
    for s in ss.sheets(server, c, participant=staff.id):
        out.setdefault(s.role if s.status != "recused" else "recused", []).append(s)
    return out


def test_leader_from_the_org_tree(server, org, f, api):
    people = [org.office_1, org.office_leader, org.files_leader, org.files_1, org.a_deputy, org.a_head]
    c = ss.cycle(f, org, people)
    out = ss.generate(api, org.a_hr_officer, c)
    assert out["participants"] == 6 and out["created"] == 5
    # the unit head has nobody above them in the unit: HR is told, and the self-skip is recorded
    assert [p["id"] for p in out["unassigned"]] == [org.a_head.id] and out["recused"] == 3

    def leader(staff):
        rows = ss.live(server, c, staff)
        assert len(rows) <= 1
        return rows[0].rater_id if rows else None

    assert leader(org.office_1) == org.office_leader.id           # direct leader
    assert leader(org.files_1) == org.files_leader.id             # 档案组 leader
    assert leader(org.files_leader) == org.hr_leader.id           # the department above (人事科)
    assert leader(org.office_leader) == org.a_deputy.id           # the supervisor (分管领导)
    assert leader(org.a_deputy) == org.a_head.id                  # 局领导: the unit head
    assert leader(org.a_head) is None
    # a leader never scores themself: recorded as a recusal with the reason "self"
    skipped = {(s.participant_id, s.rater_id, s.recusal_reason)
               for s in ss.sheets(server, c, status="recused")}
    assert skipped == {(org.office_leader.id, org.office_leader.id, "self"),
                       (org.files_leader.id, org.files_leader.id, "self"),
                       (org.a_head.id, org.a_head.id, "self")}
    # every live sheet weighs 100 (no peers, no self by default) and waits for its rater
    assert {(s.weight, s.status) for s in ss.sheets(server, c) if s.status != "recused"} == {(100.0, "pending")}
    audit = ss.audits(server, "appraisal.sheet.generate")
    assert len(audit) == 1 and audit[0].after["created"] == 5 and audit[0].actor == org.a_hr_officer.id

    # idempotent: nothing new, nothing doubled
    again = ss.generate(api, org.a_hr_officer, c)
    assert again["created"] == 0 and again["recused"] == 0
    assert len(ss.sheets(server, c)) == 8


def test_absent_leader_goes_to_the_supervisor(server, org, f, api):
    from models.org import Department, Staff
    server.run(Staff.update(status="retired").where(Staff.id == org.fin_leader.id).aexecute())
    c = ss.cycle(f, org, [org.fin_1])
    ss.generate(api, org.a_hr_officer, c)
    assert [s.rater_id for s in ss.live(server, c, org.fin_1)] == [org.a_deputy.id]
    # a department without a leader: the same
    server.run(Department.update(leader=None).where(Department.id == org.a_office.id).aexecute())
    c2 = ss.cycle(f, org, [org.office_1])
    ss.generate(api, org.a_hr_officer, c2)
    assert [s.rater_id for s in ss.live(server, c2, org.office_1)] == [org.a_deputy.id]


def test_peers_and_self_with_renormalised_weights(server, org, f, api):
    c = ss.cycle(f, org, [org.office_1, org.fin_1], settings={"peers": 1, "self_rating": True})
    ss.generate(api, org.a_hr_officer, c)
    got = _by_role(server, c, org.office_1)
    assert [s.rater_id for s in got["leader"]] == [org.office_leader.id] and got["leader"][0].weight == 70
    assert [s.rater_id for s in got["self"]] == [org.office_1.id] and got["self"][0].weight == 10
    assert len(got["peer"]) == 1 and got["peer"][0].weight == 20
    # a colleague of the same department, never the leader rater nor the participant
    assert got["peer"][0].rater_id in {org.office_2.id, org.a_checker.id}

    # peers on, self off, custom weights: 60 / 20 renormalised to 75 / 25, split between two peers
    c2 = ss.cycle(f, org, [org.office_1], settings={"peers": 2, "weights": {"leader": 60, "peer": 20}})
    ss.generate(api, org.a_hr_officer, c2)
    got = _by_role(server, c2, org.office_1)
    assert got["leader"][0].weight == 75
    assert sorted(s.weight for s in got["peer"]) == [12.5, 12.5]
    assert {s.rater_id for s in got["peer"]} == {org.office_2.id, org.a_checker.id}
    assert "self" not in got


def test_peers_exclude_relatives(server, org, f, api):
    ss.relate(api, org.office_1, org.office_2, "blood")
    ss.relate(api, org.office_1, org.a_checker, "in_law")
    c = ss.cycle(f, org, [org.office_1], settings={"peers": 2})
    ss.generate(api, org.a_hr_officer, c)
    got = _by_role(server, c, org.office_1)
    assert "peer" not in got and got["leader"][0].weight == 100   # nobody left: leader only


def test_scheduler_generates_at_the_start_of_scoring(server, org, f, api):
    c = ss.cycle(f, org, [org.office_1])
    r = api.post("/api/test/scheduler/tick", {"sources": ["appraisal.sheets"]}, headers=ss.at(ss.BEFORE_SCORING))
    assert r.status == 200 and not [k for k in r.data["ran"] if k.startswith("appraisal.sheets")], r
    assert ss.sheets(server, c) == []
    r = api.post("/api/test/scheduler/tick", {"sources": ["appraisal.sheets"]}, headers=ss.at("2026-12-16T00:05:00+08:00"))
    assert f"appraisal.sheets:{c.id}" in r.data["ran"], r
    assert [s.rater_id for s in ss.live(server, c, org.office_1)] == [org.office_leader.id]
    r = api.post("/api/test/scheduler/tick", {"sources": ["appraisal.sheets"]}, headers=ss.at(ss.SCORING))
    assert f"appraisal.sheets:{c.id}" not in r.data["ran"]
    assert len(ss.sheets(server, c)) == 1


def test_generate_is_hr_in_reach_and_gated(server, org, f, api):
    c = ss.cycle(f, org, [org.office_1])
    path = f"/api/appraisal/cycles/{c.id}/sheets/generate"
    r = api.as_(org.office_leader).post(path, headers=ss.at(ss.SCORING))
    assert r.status == 403, r
    r = api.as_(org.b_hr_officer).post(path, headers=ss.at(ss.SCORING))
    assert r.status == 404 and r.code == "APPRAISAL_CYCLE_NOT_FOUND", r
    r = api.as_(org.a_hr_officer).post(path, headers=ss.at(ss.AFTER_SCORING))
    assert r.status == 409 and r.code == "APPRAISAL_PHASE_CLOSED", r
    draft = f.cycle(org.a, phases=ss.PHASES, status="draft", participants=[org.office_1])
    r = api.as_(org.a_hr_officer).post(f"/api/appraisal/cycles/{draft.id}/sheets/generate", headers=ss.at(ss.SCORING))
    assert r.status == 409 and r.code == "APPRAISAL_CYCLE_NOT_LAUNCHED", r
    r = api.as_(org.a_hr_officer).post("/api/appraisal/cycles/999999/sheets/generate", headers=ss.at(ss.SCORING))
    assert r.status == 404, r
    assert ss.sheets(server, c) == []
    # HR's list: in reach only
    ss.generate(api, org.a_hr_officer, c)
    r = api.as_(org.a_hr_officer).get(f"/api/appraisal/cycles/{c.id}/sheets")
    assert r.status == 200 and r.json["total"] == 1 and r.data[0]["rater"]["id"] == org.office_leader.id, r
    r = api.as_(org.a_hr_officer).get(f"/api/appraisal/cycles/{c.id}/sheets?status=submitted")
    assert r.json["total"] == 0
    r = api.as_(org.b_hr_officer).get(f"/api/appraisal/cycles/{c.id}/sheets")
    assert r.status == 404, r
    r = api.as_(org.a_hr_officer).get(f"/api/appraisal/cycles/{c.id}/sheets?status=bogus")
    assert r.status == 422 and r.code == "VALIDATION_FAILED", r
