"""Recusal (回避): a related rater (spouse, blood, in-law — declared by the person or registered by
HR) and the participant themself never get the sheet; it goes to the next leader up and a
`recused` sheet records who was skipped and why. A rater may declare a conflict on one sheet;
a relationship declared after the sheets exist moves the unsubmitted ones. HR sees every
recusal, in reach."""
from tests.appraisal import scoring_support as ss


def _recused(server, c, staff):
    return [(s.rater_id, s.recusal_reason, s.replaced_by_id)
            for s in ss.sheets(server, c, participant=staff.id, status="recused")]


def test_relatives_are_skipped_up_the_chain(server, org, f, api):
    ss.relate(api, org.office_1, org.office_leader, "spouse")            # declared by the participant
    ss.relate(api, org.files_leader, org.files_1, "blood")               # declared by the rater
    hr = api.as_(org.a_hr_officer)                                       # registered by HR
    for rel in (org.fin_leader, org.a_deputy):
        r = hr.post(f"/api/appraisal/staff/{org.fin_1.id}/relationships",
                    {"relative_employee_no": rel.employee_no, "relative_name": rel.name, "kind": "in_law"})
        assert r.status == 201, r
    c = ss.cycle(f, org, [org.office_1, org.files_1, org.fin_1, org.office_2])
    ss.generate(api, org.a_hr_officer, c)

    office = ss.live(server, c, org.office_1)[0]
    assert office.rater_id == org.a_deputy.id                            # leader skipped -> supervisor
    assert _recused(server, c, org.office_1) == [(org.office_leader.id, "relative:spouse", office.id)]
    files = ss.live(server, c, org.files_1)[0]
    assert files.rater_id == org.hr_leader.id                            # -> the department above
    assert _recused(server, c, org.files_1) == [(org.files_leader.id, "relative:blood", files.id)]
    fin = ss.live(server, c, org.fin_1)[0]
    assert fin.rater_id == org.a_head.id                                 # leader and supervisor both skipped
    assert sorted(_recused(server, c, org.fin_1)) == sorted([(org.fin_leader.id, "relative:in_law", fin.id),
                                                             (org.a_deputy.id, "relative:in_law", fin.id)])
    assert ss.live(server, c, org.office_2)[0].rater_id == org.office_leader.id   # unrelated: unchanged
    assert _recused(server, c, org.office_2) == []

    # HR sees every recusal with its reason and who took over
    r = hr.get(f"/api/appraisal/cycles/{c.id}/recusals")
    assert r.status == 200, r
    seen = {(x["participant"]["id"], x["skipped"]["id"]): x for x in r.data}
    assert len(seen) == 4
    x = seen[(org.office_1.id, org.office_leader.id)]
    assert x["reason"] == "relative:spouse" and "夫妻关系" in x["reason_label"]
    assert x["replaced_by"]["id"] == org.a_deputy.id and x["replaced_by"]["name"] == org.a_deputy.name
    assert api.as_(org.b_hr_officer).get(f"/api/appraisal/cycles/{c.id}/recusals").status == 404
    assert api.as_(org.office_leader).get(f"/api/appraisal/cycles/{c.id}/recusals").status == 403
    # the skipped rater does not see the sheet in their list; the one who took over does
    assert [s["participant"]["id"] for s in api.as_(org.office_leader).get("/api/appraisal/my/sheets").data] \
        == [org.office_2.id]
    mine = api.as_(org.a_deputy).get(f"/api/appraisal/my/sheets?cycle_id={c.id}").data
    assert {s["participant"]["id"] for s in mine} == {org.office_1.id}


def test_revoked_relationship_is_not_a_reason(server, org, f, api):
    rel = ss.relate(api, org.office_1, org.office_leader, "spouse")
    assert api.as_(org.office_1).delete(f"/api/appraisal/me/relationships/{rel['id']}").status == 200
    c = ss.cycle(f, org, [org.office_1])
    ss.generate(api, org.a_hr_officer, c)
    assert ss.live(server, c, org.office_1)[0].rater_id == org.office_leader.id
    assert _recused(server, c, org.office_1) == []


def test_the_participant_themself(server, org, f, api):
    c = ss.cycle(f, org, [org.office_leader])
    ss.generate(api, org.a_hr_officer, c)
    sheet = ss.live(server, c, org.office_leader)[0]
    assert sheet.rater_id == org.a_deputy.id
    assert _recused(server, c, org.office_leader) == [(org.office_leader.id, "self", sheet.id)]
    r = api.as_(org.a_hr_officer).get(f"/api/appraisal/cycles/{c.id}/recusals")
    assert r.data[0]["reason_label"] == "本人不能为自己评分"


def test_a_declared_conflict_moves_the_sheet(server, org, f, api):
    c = ss.cycle(f, org, [org.office_1, org.office_2], settings={"self_rating": True})
    ss.generate(api, org.a_hr_officer, c)
    sheet = ss.live(server, c, org.office_1)[0]
    other = ss.live(server, c, org.office_2)[0]
    lead = api.as_(org.office_leader)
    path = f"/api/appraisal/sheets/{sheet.id}/recuse"
    r = lead.post(path, {"reason": "与其为大学同学"}, headers=ss.at(ss.SCORING))
    assert r.status == 200, r
    assert r.data["status"] == "recused" and r.data["reason"] == "declared" and "同学" in r.data["reason_label"]
    new = ss.live(server, c, org.office_1)[0]
    assert new.rater_id == org.a_deputy.id and r.data["replaced_by"] == new.id and new.weight == sheet.weight
    old = [s for s in ss.sheets(server, c, participant=org.office_1.id) if s.id == sheet.id][0]
    assert (old.status, old.recusal_reason, old.recusal_note, old.replaced_by_id) == \
        ("recused", "declared", "与其为大学同学", new.id)
    audit = ss.audits(server, "appraisal.sheet.recuse")
    assert len(audit) == 1 and audit[0].after["new_rater_id"] == org.a_deputy.id and audit[0].actor == org.office_leader.id
    # once only; not by someone else; not on one's own self-assessment; a reason is needed
    assert lead.post(path, {"reason": "再次申明回避"}, headers=ss.at(ss.SCORING)).code == "APPRAISAL_SHEET_RECUSED"
    r = api.as_(org.office_2).post(f"/api/appraisal/sheets/{other.id}/recuse", {"reason": "不是我的表"},
                                   headers=ss.at(ss.SCORING))
    assert r.status == 404, r
    own = ss.live(server, c, org.office_2, role="self")[0]
    r = api.as_(org.office_2).post(f"/api/appraisal/sheets/{own.id}/recuse", {"reason": "自己评自己"},
                                   headers=ss.at(ss.SCORING))
    assert r.status == 409 and r.code == "APPRAISAL_RECUSAL_NOT_APPLICABLE", r
    r = lead.post(f"/api/appraisal/sheets/{other.id}/recuse", {"reason": "x"}, headers=ss.at(ss.SCORING))
    assert r.status == 422, r
    r = lead.post(f"/api/appraisal/sheets/{other.id}/recuse", {"reason": "有利害关系"}, headers=ss.at(ss.AFTER_SCORING))
    assert r.status == 409 and r.code == "APPRAISAL_PHASE_CLOSED", r
    # the deputy declares a conflict too: on to the unit head
    r = api.as_(org.a_deputy).post(f"/api/appraisal/sheets/{new.id}/recuse", {"reason": "曾为同一项目组成员"},
                                   headers=ss.at(ss.SCORING))
    assert r.status == 200, r
    assert ss.live(server, c, org.office_1)[0].rater_id == org.a_head.id


def test_a_relationship_declared_later_moves_unsubmitted_sheets(server, org, f, api):
    c = ss.cycle(f, org, [org.office_1, org.office_2])
    ss.generate(api, org.a_hr_officer, c)
    before = ss.live(server, c, org.office_2)[0]
    ss.relate(api, org.office_leader, org.office_2, "close_kin")
    after = ss.live(server, c, org.office_2)[0]
    assert after.rater_id == org.a_deputy.id and after.id != before.id
    assert _recused(server, c, org.office_2) == [(org.office_leader.id, "relative:close_kin", after.id)]
    assert ss.live(server, c, org.office_1)[0].rater_id == org.office_leader.id
