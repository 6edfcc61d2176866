"""Goal history: every version with who / when / which step, the approval timeline, per-item
comments; field-level diffs between any two versions; the XLSX exports; who may read them."""
import io

from openpyxl import load_workbook

from tests.appraisal.test_goals_helpers import (IN_GOAL_SETTING, IN_PROGRESS, items, my_goals,
                                                review, save, setup, submit)


def _history_setup(api, org, env):
    """v1 returned with an item comment then confirmed; v2 a change (one item changed, one
    removed, one added) confirmed."""
    me = api.as_(org.office_1)
    gs = submit(me, save(me, my_goals(me, env.cycle)))
    keys = [i["key"] for i in gs["current"]["items"]]
    leader, hr = api.as_(org.office_leader), api.as_(org.a_hr_officer)
    review(leader, gs["id"], "return", item_comments=[(keys[1], "标准不清楚")])
    fixed = items()
    for item, key in zip(fixed, keys):
        item["key"] = key
    fixed[1]["criteria"] = "6 月底前完成并报局党组审定"
    gs = submit(me, save(me, me.get(f"/api/appraisal/goal-sets/{gs['id']}").data, fixed))
    review(leader, gs["id"], comment="同意")
    review(hr, gs["id"])
    gs = me.post(f"/api/appraisal/goal-sets/{gs['id']}/change-requests", {"reason": "任务调整"},
                 headers=IN_PROGRESS).data
    changed = [dict(fixed[0], target=1500, weight=50), dict(fixed[1], weight=30),
               {"title": "新增任务", "kind": "qualitative", "criteria": "完成", "weight": 20,
                "due_date": "2026-10-31"}]
    gs = submit(me, save(me, gs, changed, headers=IN_PROGRESS), headers=IN_PROGRESS)
    review(leader, gs["id"], headers=IN_PROGRESS)
    review(hr, gs["id"], headers=IN_PROGRESS)
    return me, gs["id"], keys


def test_history_shows_every_version_with_its_path_and_comments(api, f, org):
    env = setup(f, org)
    me, gs_id, keys = _history_setup(api, org, env)
    h = me.get(f"/api/appraisal/goal-sets/{gs_id}/history")
    assert h.status == 200, h
    v1, v2 = h.data["versions"]
    assert (v1["number"], v1["kind"], v1["status"]) == (1, "initial", "superseded")
    assert (v2["number"], v2["kind"], v2["status"], v2["reason"]) == (2, "change", "confirmed", "任务调整")
    assert v1["created_by"]["id"] == org.office_1.id and v1["submitted_at"] and v1["decided_at"]
    assert v1["decided_by"]["id"] == org.a_hr_officer.id and v1["decided_step"] == "单位确认"
    assert [(e["action"], e["step_name"]) for e in v1["timeline"]] == [
        ("submit", ""), ("return", "部门负责人审核"), ("resubmit", ""),
        ("approve", "部门负责人审核"), ("approve", "单位确认")]
    assert v1["timeline"][1]["actor"]["id"] == org.office_leader.id
    second = next(i for i in v1["items"] if i["key"] == keys[1])
    assert [(c["comment"], c["decision"], c["step_name"]) for c in second["comments"]] == [
        ("标准不清楚", "return", "部门负责人审核")]
    assert [c["comment"] for c in v1["comments"]] == ["同意"]
    assert [s["state"] for s in v2["approval"]["steps"]] == ["done", "done"]
    assert h.data["confirmed_version_id"] == v2["id"]

    # Readers: the owner's reviewers, HR, the department leader, the discipline inspector.
    inspector = f.staff(org.a_office, "纪检员")
    f.grant(inspector, "discipline_inspector", "unit_tree", unit=org.a)
    for reader in (org.office_leader, org.a_hr_officer, inspector):
        assert api.as_(reader).get(f"/api/appraisal/goal-sets/{gs_id}/history").status == 200
    for outsider in (org.office_2, org.fin_leader, org.b_hr_officer, org.b_office_1):
        r = api.as_(outsider).get(f"/api/appraisal/goal-sets/{gs_id}/history")
        assert r.status == 404 and r.code == "APPRAISAL_GOAL_SET_NOT_FOUND"


def test_diff_between_two_versions_field_by_field(api, f, org):
    env = setup(f, org)
    me, gs_id, keys = _history_setup(api, org, env)
    r = me.get(f"/api/appraisal/goal-sets/{gs_id}/diff?from=1&to=2")
    assert r.status == 200, r
    assert r.data["from"]["number"] == 1 and r.data["to"]["number"] == 2
    assert r.data["summary"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 1}
    by_key = {i["key"]: i for i in r.data["items"]}
    first = by_key[keys[0]]
    assert first["change"] == "changed"
    assert {(fl["field"], fl["label"], fl["before"], fl["after"]) for fl in first["fields"]} >= {
        ("target", "目标值", 1200, 1500), ("weight", "权重", 40, 50)}
    # The formula itself is unchanged (only the target moved): not listed.
    assert "formula" not in {fl["field"] for fl in first["fields"]}
    assert by_key[keys[1]]["change"] == "unchanged" and by_key[keys[1]]["fields"] == []
    assert by_key[keys[2]]["change"] == "removed" and by_key[keys[2]]["title"] == "重点工作2"
    added = next(i for i in r.data["items"] if i["change"] == "added")
    assert added["title"] == "新增任务"
    assert {fl["field"]: fl["after"] for fl in added["fields"]}["criteria"] == "完成"
    assert all(fl["before"] is None for fl in added["fields"])
    # Same content: unchanged (v1 against itself is refused; v2 against v2 too).
    r = me.get(f"/api/appraisal/goal-sets/{gs_id}/diff?from=2&to=1")
    assert r.data["summary"]["added"] == 1 and r.data["summary"]["removed"] == 1

    assert me.get(f"/api/appraisal/goal-sets/{gs_id}/diff?from=1&to=1").status == 422
    r = me.get(f"/api/appraisal/goal-sets/{gs_id}/diff?from=1&to=9")
    assert r.status == 404 and r.code == "APPRAISAL_VERSION_NOT_FOUND"
    r = me.get(f"/api/appraisal/goal-sets/{gs_id}/diff?from=1")
    assert r.status == 422 and "to" in r.error["fields"]
    r = me.get(f"/api/appraisal/goal-sets/{gs_id}/diff?from=x&to=2")
    assert r.status == 422 and "from" in r.error["fields"]
    assert api.as_(org.b_hr_officer).get(f"/api/appraisal/goal-sets/{gs_id}/diff?from=1&to=2").status == 404


def test_unchanged_items_are_marked_unchanged(api, f, org):
    env = setup(f, org)
    me = api.as_(org.office_1)
    gs = submit(me, save(me, my_goals(me, env.cycle)))
    me.post(f"/api/appraisal/goal-sets/{gs['id']}/withdraw", {}, headers=IN_GOAL_SETTING)
    r = me.get(f"/api/appraisal/goal-sets/{gs['id']}/diff?from=1&to=2")
    assert r.status == 200
    assert r.data["summary"] == {"added": 0, "removed": 0, "changed": 0, "unchanged": 3}
    assert all(i["fields"] == [] for i in r.data["items"])


def _sheet(resp):
    wb = load_workbook(io.BytesIO(resp.raw.content))
    ws = wb.worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_export_goals_and_history(api, f, org):
    env = setup(f, org)
    _, gs_id, _ = _history_setup(api, org, env)
    other = api.as_(org.fin_1)
    save(other, my_goals(other, env.cycle), items())
    hr = api.as_(org.a_hr_officer)
    r = hr.get(f"/api/appraisal/cycles/{env.cycle.id}/export?what=goals")
    assert r.status == 200 and "spreadsheetml" in r.headers["Content-Type"]
    rows = _sheet(r)
    assert rows[0][:7] == ["工号", "姓名", "部门", "目标状态", "版本", "序号", "目标名称"]
    office = [row for row in rows[1:] if row[1] == "办公室职工一"]
    assert len(office) == 3 and office[0][4] == "第2版（已确认）" and office[0][8] == 1500
    assert len([row for row in rows[1:] if row[1] == "财务科职工一"]) == 3      # draft shown too
    r = hr.get(f"/api/appraisal/cycles/{env.cycle.id}/export?what=history")
    assert r.status == 200
    rows = _sheet(r)
    mine = [row for row in rows[1:] if row[1] == "办公室职工一"]
    assert [row[3] for row in mine] == ["第1版", "第2版"]
    assert "退回修改" in mine[0][13] and "标准不清楚" in mine[0][14]
    assert mine[1][6] == "任务调整"

    # Out of reach or without the permission.
    assert api.as_(org.b_hr_officer).get(f"/api/appraisal/cycles/{env.cycle.id}/export").status == 404
    r = api.as_(org.office_leader).get(f"/api/appraisal/cycles/{env.cycle.id}/export")
    assert r.status == 403
    r = hr.get(f"/api/appraisal/cycles/{env.cycle.id}/export?what=scores")
    assert r.status == 422 and "what" in r.error["fields"]
    assert hr.get("/api/appraisal/cycles/99999999/export").status == 404


def test_a_formula_change_is_shown_in_words(api, f, org):
    env = setup(f, org)
    me = api.as_(org.office_1)
    gs = submit(me, save(me, my_goals(me, env.cycle)))
    gs = me.post(f"/api/appraisal/goal-sets/{gs['id']}/withdraw", {}, headers=IN_GOAL_SETTING).data
    its = [{k: i[k] for k in ("key", "title", "kind", "target", "unit_of_measure", "formula", "data_source",
                               "criteria", "weight", "due_date")} for i in gs["current"]["items"]]
    its[0]["formula"] = {"type": "capped", "floor": 600, "cap": 1.2}
    its[2]["kind"], its[2]["target"], its[2]["formula"] = "quantitative", 10, {
        "type": "threshold", "steps": [{"at": 5, "score": 60}, {"at": 10, "score": 100}]}
    save(me, gs, its)
    r = me.get(f"/api/appraisal/goal-sets/{gs['id']}/diff?from=1&to=2")
    by_key = {i["key"]: i for i in r.data["items"]}
    fields = {fl["field"]: fl for fl in by_key[its[0]["key"]]["fields"]}
    assert set(fields) == {"formula"} and fields["formula"]["label"] == "计分公式"
    assert fields["formula"]["before"].startswith("线性：600件 得 0 分")
    assert "最高 120 分" in fields["formula"]["after"]
    fields = {fl["field"]: fl for fl in by_key[its[2]["key"]]["fields"]}
    assert (fields["kind"]["before"], fields["kind"]["after"]) == ("定性", "定量")
    assert fields["formula"]["before"] is None
    assert fields["formula"]["after"] == "阶梯：达到 5 得 60 分；达到 10 得 100 分"
    assert fields["target"]["after"] == 10
