"""HR imports actual values from XLSX: all rows or none, every bad row named with its reason;
an imported value cannot be overridden by the owner; scope and phase."""
from tests.appraisal.progress_support import (GOAL_SETTING, IN_PROGRESS, at, audits, confirm, keys,
                                              progress_rows, report, setup, upload, xlsx)


def imp(client, cycle, content, name="实际值.xlsx", now=IN_PROGRESS):
    return upload(client, f"/api/appraisal/cycles/{cycle.id}/values/import", content, name, now=now)


def test_import_all_or_nothing_with_row_errors(api, org, f, server):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    fin = confirm(api, org, s.cycle, org.fin_1, org.fin_leader)
    k, kf = keys(gs), keys(fin)
    hr = api.as_(org.a_hr_officer)
    bad = xlsx([
        ("A-office-1", k[1], "", "2026-04-30", 15, "信息科统计"),      # 2 fine
        ("A-office-1", "", "ZWFW", "2026-04-30", 980, ""),            # 3 fine (by indicator)
        ("", k[1], "", "2026-04-30", 1, ""),                          # 4 no employee_no
        ("A-nobody", k[1], "", "2026-04-30", 1, ""),                  # 5 unknown
        ("B-b_office-1", k[1], "", "2026-04-30", 1, ""),              # 6 other unit
        ("A-office-2", k[1], "", "2026-04-30", 1, ""),                # 7 not confirmed
        ("A-office-1", k[2], "", "2026-04-30", 50, ""),               # 8 qualitative
        ("A-office-1", k[1], "", "2026-05-07", 1, ""),                # 9 future
        ("A-office-1", k[1], "", "不是日期", 1, ""),                   # 10 bad date
        ("A-office-1", k[1], "", "2026-04-01", "很多", ""),            # 11 bad value
        ("A-office-1", k[1], "ZWFW", "2026-04-01", 1, ""),            # 12 both
        ("A-office-1", k[1], "", "2026-04-30", 16, ""),               # 13 duplicate of 2
        ("A-fin-1", "", "ZWFW", "2026-04-30", 5, ""),                 # 14 no linked item
        ("A-fin-1", "", "NOPE", "2026-04-30", 5, ""),                 # 15 unknown code
    ])
    r = imp(hr, s.cycle, bad)
    assert r.status == 422 and r.code == "IMPORT_ROWS_INVALID", r
    problems = {p["row"]: p["reason"] for p in r.error["fields"]["rows"]}
    assert sorted(problems) == list(range(4, 16)), problems
    assert "工号不能为空" in problems[4]
    assert "不是本单位人员" in problems[5] and "不是本单位人员" in problems[6]
    assert "没有已确认的目标" in problems[7]
    assert "定性目标" in problems[8]
    assert "不能晚于今天" in problems[9]
    assert "日期应为日期" in problems[10]
    assert "数值应为数字" in problems[11]
    assert "只填一项" in problems[12]
    assert "与第 2 行重复" in problems[13]
    assert "没有关联指标" in problems[14]
    assert "不是本周期的部门指标" in problems[15]
    assert progress_rows(server, gs["id"]) == [] and audits(server, "appraisal.values.import") == []
    good = xlsx([("A-office-1", k[1], "", "2026-04-30", 15, "信息科统计"),
                 ("A-office-1", "", "ZWFW", "2026-04-30", 980, ""),
                 ("A-fin-1", kf[0], "", "2026-04-30", 700, "")])
    r = imp(hr, s.cycle, good)
    assert r.status == 201, r
    assert (r.data["rows"], r.data["imported"], r.data["goal_sets"]) == (3, 3, 2)
    rows = progress_rows(server, gs["id"])
    assert [(x.item_key, x.actual_value, x.source, x.batch) for x in rows] == [
        (k[1], 15, "import", r.data["batch"]), (k[0], 980, "import", r.data["batch"])]
    assert rows[0].recorded_by_id == org.a_hr_officer.id and rows[0].note == "信息科统计"
    entry = audits(server, "appraisal.values.import")
    assert len(entry) == 1 and entry[0].after["batch"] == r.data["batch"] and entry[0].after["values"] == 3
    # the owner can no longer override an imported value, nor add evidence to it
    me = api.as_(org.office_1)
    r = report(me, gs, k[0], actual_value=1100)
    assert r.status == 409 and r.code == "APPRAISAL_VALUE_LOCKED_BY_SOURCE", r
    view = me.get(f"/api/appraisal/goal-sets/{gs['id']}/progress", headers=at(IN_PROGRESS)).data
    item = next(i for i in view["items"] if i["key"] == k[0])
    assert item["locked_by_source"] is True and item["can_report"] is False
    assert item["current"]["source_label"] == "人事导入" and item["current"]["score_preview"] == 63.33
    assert upload(me, f"/api/appraisal/progress/{rows[0].id}/attachments", b"%PDF-1").code == \
        "APPRAISAL_VALUE_LOCKED_BY_SOURCE"
    # the qualitative item is still the owner's
    assert report(me, gs, k[2], percent=60).status == 201


def test_import_file_problems(api, org, f):
    s = setup(f, org)
    hr = api.as_(org.a_hr_officer)
    assert imp(hr, s.cycle, b"not a workbook").code == "IMPORT_FILE_INVALID"
    assert imp(hr, s.cycle, b"a,b", "x.txt").code == "IMPORT_FILE_TYPE"
    assert imp(hr, s.cycle, xlsx([], header=("工号", "日期", "数值"))).code == "IMPORT_COLUMNS_MISSING"
    assert imp(hr, s.cycle, xlsx([], header=("姓名", "目标项编号"))).code == "IMPORT_COLUMNS_MISSING"
    assert imp(hr, s.cycle, xlsx([])).code == "IMPORT_FILE_EMPTY"
    r = hr.request("POST", f"/api/appraisal/cycles/{s.cycle.id}/values/import", headers=at(IN_PROGRESS))
    assert r.status == 422 and r.code == "IMPORT_FILE_MISSING", r


def test_import_scope_and_phase(api, org, f):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    content = xlsx([("A-office-1", keys(gs)[1], "", "2026-01-19", 3, "")])
    # only HR of the unit; another unit's HR and staff do not see the cycle
    assert imp(api.as_(org.b_hr_officer), s.cycle, content).status == 404
    assert imp(api.as_(org.office_leader), s.cycle, content).status == 403
    assert imp(api.as_(org.a_hr_officer), s.cycle, content, now=GOAL_SETTING).code == \
        "APPRAISAL_PHASE_NOT_STARTED"
    # a department-scoped HR officer: rows outside their departments are named
    f.grant(org.hr_2, "hr_officer", "dept_tree", dept=org.a_fin)
    r = imp(api.as_(org.hr_2), s.cycle, content)
    assert r.code == "IMPORT_ROWS_INVALID" and "不在您的管理范围内" in r.error["fields"]["rows"][0]["reason"], r
    # a CSV works as well; values may predate the progress phase but not the cycle's year
    hr = api.as_(org.a_hr_officer)
    assert imp(hr, s.cycle, f"工号,目标项编号,日期,数值\nA-office-1,{keys(gs)[1]},2026-01-19,3\n".encode(),
               "values.csv").status == 201
    r = imp(hr, s.cycle, xlsx([("A-office-1", keys(gs)[1], "", "2025-12-31", 3, "")]))
    assert "不能早于考核期开始" in r.error["fields"]["rows"][0]["reason"], r
