"""The progress monitor (counts and people per department and bucket, leaders see their tree only)
and department indicators with their coverage by personal goals."""
from models.appraisal.progress import GoalProgress, SelfAssessment
from models.approvals import ApprovalInstance, ApprovalTask
from models.base import atomic
from tests.appraisal.cycles_support import as_, audits, d, goal_set_row, launched_cycle


def _pending_review(server, org, staff, reviewer):
    async def go():
        async with atomic():
            inst = await ApprovalInstance.acreate(kind="appraisal_goals", unit=staff.unit_id,
                                                  applicant=staff.id, status="pending")
            await ApprovalTask.acreate(instance=inst.id, step_index=0, assignee=reviewer.id)
            return inst.id
    return server.run(go())


def _names(people):
    return sorted(p["name"] for p in people)


def test_monitor_counts_by_department_with_people(server, api, org):
    hr = as_(api, org.a_hr_officer)
    c = launched_cycle(hr, participant_rule={"department_ids": [org.a_office.id, org.a_hr.id]})
    cid = c["id"]
    inst = _pending_review(server, org, org.office_1, org.office_leader)
    goal_set_row(server, cid, org.office_1, "submitted", instance_id=inst)
    goal_set_row(server, cid, org.office_2, "draft")
    goal_set_row(server, cid, org.hr_1, "returned")
    goal_set_row(server, cid, org.hr_2, "confirmed", confirmed=True, change_pending=True)
    goal_set_row(server, cid, org.files_1, "confirmed", confirmed=True)
    r = hr.get(f"/api/appraisal/cycles/{cid}/monitor")
    assert r.status == 200, r
    m = r.data
    assert m["current_phase"] == "goal_setting" and m["total"] == c["counts"]["active"]
    t = m["totals"]
    assert (t["submitted"], t["draft"], t["returned"], t["confirmed"], t["change_pending"]) == (1, 1, 1, 2, 1)
    assert t["not_started"] == m["total"] - 5
    assert t["progress_overdue"] == 0 and t["self_assessment_missing"] == 0   # not yet due
    depts = {row["department"]: row for row in m["departments"]}
    assert set(depts) == {"办公室", "人事科", "档案组"}
    assert depts["办公室"]["counts"]["submitted"] == 1 and depts["办公室"]["counts"]["draft"] == 1
    assert depts["办公室"]["counts"]["not_started"] == 2          # the leader and 甲核验员
    assert depts["档案组"]["counts"]["confirmed"] == 1 and depts["档案组"]["total"] == 3
    waiting = m["buckets"]["submitted"][0]
    assert waiting["name"] == "办公室职工一" and waiting["waiting_for"] == "办公室负责人"
    assert _names(m["buckets"]["change_pending"]) == ["人事科职工二"]
    assert "办公室负责人" in _names(m["buckets"]["not_started"])
    # One department (with its sub-departments).
    only = hr.get(f"/api/appraisal/cycles/{cid}/monitor?department_id={org.a_hr.id}").data
    assert {row["department"] for row in only["departments"]} == {"人事科", "档案组"}
    assert hr.get(f"/api/appraisal/cycles/{cid}/monitor?department_id={org.b_office.id}").status == 404


def test_leader_sees_only_their_tree_other_unit_404(server, api, org):
    hr = as_(api, org.a_hr_officer)
    c = launched_cycle(hr)
    cid = c["id"]
    goal_set_row(server, cid, org.files_1, "submitted")
    lead = as_(api, org.hr_leader).get(f"/api/appraisal/cycles/{cid}/monitor")
    assert lead.status == 200
    assert {row["department"] for row in lead.data["departments"]} == {"人事科", "档案组"}
    assert _names(lead.data["buckets"]["submitted"]) == ["档案组职工一"]
    files = as_(api, org.files_leader).get(f"/api/appraisal/cycles/{cid}/monitor").data
    assert {row["department"] for row in files["departments"]} == {"档案组"}
    fin = as_(api, org.fin_leader).get(f"/api/appraisal/cycles/{cid}/monitor").data
    assert {row["department"] for row in fin["departments"]} == {"财务科"}
    # A leader asking for another department gets nothing of it.
    other = as_(api, org.fin_leader).get(f"/api/appraisal/cycles/{cid}/monitor?department_id={org.a_hr.id}")
    assert other.status == 200 and other.data["total"] == 0
    assert as_(api, org.b_office_leader).get(f"/api/appraisal/cycles/{cid}/monitor").status == 404
    assert as_(api, org.b_hr_officer).get(f"/api/appraisal/cycles/{cid}/monitor").status == 404
    assert as_(api, org.fin_1).get(f"/api/appraisal/cycles/{cid}/monitor").status == 404
    # The leader sees the cycle in the list (launched, their unit) but cannot manage it.
    listed = as_(api, org.fin_leader).get("/api/appraisal/cycles").data
    assert [x["id"] for x in listed] == [cid] and listed[0]["can"]["manage"] is False


def test_progress_overdue_and_self_assessment_missing(server, api, org):
    hr = as_(api, org.a_hr_officer)
    c = launched_cycle(hr, participant_rule={"department_ids": [org.a_fin.id]})
    cid = c["id"]
    late = goal_set_row(server, cid, org.fin_1, "confirmed", confirmed=True,
                        items=[("a", 60, None), ("b", 40, None)])
    fresh = goal_set_row(server, cid, org.fin_2, "confirmed", confirmed=True, items=[("a", 100, None)])

    async def progress():
        async with atomic():
            await GoalProgress.acreate(goal_set=late.id, item_key="a", reported_on=d("2026-05-06"), percent=50)
            await GoalProgress.acreate(goal_set=fresh.id, item_key="a", reported_on=d("2026-05-20"), percent=40)
            await SelfAssessment.acreate(goal_set=fresh.id, item_key="a", summary="完成", status="submitted")
            await SelfAssessment.acreate(goal_set=late.id, item_key="a", summary="草稿", status="draft")
    server.run(progress())
    # 1 June, progress open since 2 February: fin_1's item "b" never updated, "a" 26 days ago is
    # fine; fin_2 updated 12 days ago.
    june = hr.at("2026-06-01T09:00:00").get(f"/api/appraisal/cycles/{cid}/monitor").data
    assert june["current_phase"] == "progress"
    assert _names(june["buckets"]["progress_overdue"]) == ["财务科职工一"]
    assert june["totals"]["self_assessment_missing"] == 0
    july = hr.at("2026-07-01T09:00:00").get(f"/api/appraisal/cycles/{cid}/monitor").data
    assert _names(july["buckets"]["progress_overdue"]) == ["财务科职工一", "财务科职工二"]
    # Self-assessment phase: everyone without a submitted one (a draft does not count).
    dec = hr.at("2026-12-08T09:00:00").get(f"/api/appraisal/cycles/{cid}/monitor").data
    assert dec["current_phase"] == "self_assessment" and dec["totals"]["progress_overdue"] == 0
    assert "财务科职工二" not in _names(dec["buckets"]["self_assessment_missing"])
    assert "财务科职工一" in _names(dec["buckets"]["self_assessment_missing"])
    assert dec["departments"][0]["counts"]["self_assessment_missing"] == dec["total"] - 1


# ---- department indicators -----------------------------------------------------------------------

def test_indicators_and_coverage(server, api, org):
    hr = as_(api, org.a_hr_officer)
    c = launched_cycle(hr)
    base = f"/api/appraisal/cycles/{c['id']}/indicators"
    r = hr.post(base, {"department_id": org.a_office.id, "title": "政务服务办件量", "code": "gov.cases",
                       "target": 12000, "unit_of_measure": "件", "weight": 30})
    assert r.status == 201 and r.data["department"] == "办公室" and r.data["code"] == "gov.cases"
    cases = r.data["id"]
    qual = hr.post(base, {"department_id": org.a_hr.id, "title": "干部档案专项审核", "weight": 20}).data
    assert hr.post(base, {"department_id": org.a_fin.id, "title": "重复编码", "code": "gov.cases"}).code == \
        "APPRAISAL_INDICATOR_CODE_TAKEN"
    assert hr.post(base, {"department_id": org.b_office.id, "title": "乙局"}).code == "DEPARTMENT_NOT_FOUND"
    assert hr.post(base, {"department_id": org.a_fin.id, "title": "x", "code": "带空格 的"}).status == 422
    assert hr.post(base, {"department_id": org.a_fin.id, "title": "x", "weight": 101}).status == 422
    assert audits(server, "appraisal.indicator.create")[-1].after["title"] == "干部档案专项审核"
    r = hr.patch(f"/api/appraisal/indicators/{cases}", {"target": 15000, "title": "政务服务办件量（全年）"})
    assert r.status == 200 and r.data["target"] == 15000
    entry = audits(server, "appraisal.indicator.update")[-1]
    assert entry.before["target"] == 12000 and entry.after["target"] == 15000
    # Coverage: confirmed and not-yet-confirmed goals linked to each indicator.
    goal_set_row(server, c["id"], org.office_1, "confirmed", confirmed=True,
                 items=[("a", 40, cases), ("b", 60, None)])
    goal_set_row(server, c["id"], org.office_2, "submitted", items=[("a", 30, cases), ("b", 70, None)])
    goal_set_row(server, c["id"], org.hr_1, "draft", items=[("a", 100, None)])
    cov = {i["title"]: i for i in hr.get(f"{base}/coverage").data}
    row = cov["政务服务办件量（全年）"]
    assert (row["people"], row["weight_sum"], row["confirmed_people"], row["confirmed_weight_sum"]) == (2, 70, 1, 40)
    assert {g["name"]: g["confirmed"] for g in row["goals"]} == {"办公室职工一": True, "办公室职工二": False}
    assert cov["干部档案专项审核"]["people"] == 0 and cov["干部档案专项审核"]["goals"] == []
    # A leader reads their department's indicators only; others' HR gets 404.
    lead = as_(api, org.office_leader)
    assert [i["id"] for i in lead.get(base).data] == [cases]
    assert [i["id"] for i in lead.get(f"{base}/coverage").data] == [cases]
    assert lead.post(base, {"department_id": org.a_office.id, "title": "自建"}).status == 403
    assert lead.patch(f"/api/appraisal/indicators/{cases}", {"weight": 50}).status == 403
    b = as_(api, org.b_hr_officer)
    assert b.get(base).status == 404
    assert b.patch(f"/api/appraisal/indicators/{cases}", {"weight": 50}).status == 404
    assert b.patch(f"/api/appraisal/indicators/{qual['id']}", {"department_id": org.b_office.id}).status == 404
    assert hr.patch(f"/api/appraisal/indicators/{qual['id']}", {"department_id": org.b_office.id}).status == 404
    # A participant reads their own department's indicators (to link goals), never coverage.
    me = as_(api, org.office_1)
    assert [i["id"] for i in me.get(base).data] == [cases]
    assert me.get(f"{base}/coverage").status == 404
    assert [i["id"] for i in as_(api, org.hr_1).get(base).data] == [qual["id"]]
