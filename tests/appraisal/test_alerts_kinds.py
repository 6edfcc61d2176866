"""Every integrity-alert kind with data that triggers it and data beside it that does not, computed
by HR over HTTP; the drill-down shows the rows behind each alert."""
import datetime

from tests.appraisal import alerts_support as al


def subjects(alerts):
    return {a["subject_key"]: a for a in alerts}


def test_dept_excellent_rate_above_quota(api, org, f):
    c = al.cycle(f, org, al.everyone(org), settings={"quota": {"percent": 50}})
    for s in (org.office_1, org.office_2):
        f.result(c, s, 93, grade="excellent")
    f.result(c, org.office_leader, 80, grade="competent")
    f.result(c, org.fin_1, 91, grade="excellent")          # 1/3 = 33 %: under 50 % and under 2 × 33 %
    for s in (org.fin_leader, org.fin_2, org.hr_leader, org.hr_1, org.hr_2):
        f.result(c, s, 75, grade="competent")
    out = al.compute(api, org.a_hr_officer, c)
    assert out["by_kind"]["dept_excellent_rate"] == 1
    [a] = al.of_kind(api, org.a_hr_officer, c, "dept_excellent_rate")
    assert a["subject_key"] == f"dept:{org.a_office.id}" and a["department_name"] == "办公室"
    assert a["numbers"]["excellent"] == 2 and a["numbers"]["participants"] == 3
    assert round(a["numbers"]["rate"], 1) == 66.7 and round(a["numbers"]["unit_rate"], 1) == 33.3
    assert "办公室优秀比例 66.7%（2/3 人）" in a["title"] and "超过名额比例 50%" in a["title"]
    d = api.as_(org.a_hr_officer).get(f"/api/appraisal/alerts/{a['id']}").data
    assert {r["staff"]["name"] for r in d["rows"]["results"]} == {org.office_1.name, org.office_2.name}


def test_dept_excellent_rate_far_above_the_unit(api, org, f):
    """Under the quota (40 %) but more than twice the unit's rate; small departments ignored."""
    c = al.cycle(f, org, al.everyone(org), settings={"quota": {"percent": 40}})
    people = al.everyone(org)
    f.result(c, org.office_1, 92, grade="excellent")       # 办公室 1/3 = 33 % > 2 × 11 %
    for s in people:
        if s is not org.office_1:
            f.result(c, s, 75, grade="competent")
    extra = f.staff(org.a_fin, "财务科职工三")
    f.result(c, extra, 75, grade="competent")
    a = al.compute(api, org.a_hr_officer, c)
    [alert] = al.of_kind(api, org.a_hr_officer, c, "dept_excellent_rate")
    assert alert["subject_key"] == f"dept:{org.a_office.id}" and "倍" in alert["title"]
    assert a["found"] == 1

    # min_participants: the same rate in a department below it is not an alert
    c2 = al.cycle(f, org, al.everyone(org), settings={"quota": {"percent": 40},
                                                    "alerts": {"dept_excellent_rate": {"min_participants": 4}}},
                  name="第二个周期")
    f.result(c2, org.office_1, 92, grade="excellent")
    for s in people:
        if s is not org.office_1:
            f.result(c2, s, 75, grade="competent")
    al.compute(api, org.a_hr_officer, c2)
    assert al.of_kind(api, org.a_hr_officer, c2, "dept_excellent_rate") == []


def test_flat_distribution(api, org, f):
    c = al.cycle(f, org, al.everyone(org))
    for s, t in zip((org.office_leader, org.office_1, org.office_2, org.fin_1), (85, 85.5, 86, 85)):
        f.sheet(c, s, org.a_deputy, total=t)
    for s, t in zip((org.hr_leader, org.hr_1, org.hr_2, org.fin_2), (70, 80, 90, 95)):
        f.sheet(c, s, org.a_head, total=t)
    # three flat sheets only: under min_sheets
    for s, t in zip((org.office_1, org.office_2, org.fin_2), (88, 88, 88)):
        f.sheet(c, s, org.fin_leader, role="peer", weight=20, total=t)
    # a draft does not count
    f.sheet(c, org.fin_1, org.office_leader, role="peer", weight=20, total=88, status="draft")
    al.compute(api, org.a_hr_officer, c)
    [a] = al.of_kind(api, org.a_hr_officer, c, "flat_distribution")
    assert a["subject_key"] == f"rater:{org.a_deputy.id}"
    assert a["numbers"]["sheets"] == 4 and a["numbers"]["spread"] == 1.0
    assert org.a_deputy.name in a["title"] and "85–86" in a["title"]
    d = api.as_(org.a_hr_officer).get(f"/api/appraisal/alerts/{a['id']}").data
    assert sorted(s["total"] for s in d["rows"]["sheets"]) == [85, 85, 85.5, 86]


def test_completion_jump(api, org, f):
    people = [org.office_1, org.office_2, org.fin_1]
    old = al.cycle(f, org, people, year=2025, status="closed", name="2025年度考核")
    f.result(old, org.office_1, 60, grade="competent")
    f.result(old, org.office_2, 80, grade="competent")
    periodic = al.cycle(f, org, people, year=2025, kind="periodic", status="closed", name="2025年第四季度")
    f.result(periodic, org.office_2, 40, grade="poor")     # another kind: not compared
    draft = al.cycle(f, org, people, year=2024, status="draft", name="草稿周期")
    f.result(draft, org.fin_1, 10, grade="incompetent")   # a draft cycle: not compared
    c = al.cycle(f, org, people)
    f.result(c, org.office_1, 90, grade="competent")      # +30
    f.result(c, org.office_2, 90, grade="competent")      # +10 over the annual one
    f.result(c, org.fin_1, 95, grade="excellent")          # no history
    al.compute(api, org.a_hr_officer, c)
    [a] = al.of_kind(api, org.a_hr_officer, c, "completion_jump")
    assert a["subject_key"] == f"staff:{org.office_1.id}"
    assert a["numbers"] == {"total": 90.0, "previous_average": 60.0, "previous_cycles": 1.0, "jump": 30.0}
    d = api.as_(org.a_hr_officer).get(f"/api/appraisal/alerts/{a['id']}").data
    assert {r["cycle_name"]: r["total"] for r in d["rows"]["results"]} == {"2025年度考核": 60, "2026年度考核": 90}


def test_attendance_contradiction(api, org, f):
    c = al.cycle(f, org, al.everyone(org))
    f.result(c, org.office_1, 92, grade="excellent")
    f.day_statuses(org.office_1, [f"2026-03-{d:02d}" for d in (2, 3, 4, 5, 6, 9)], "late")
    f.result(c, org.office_2, 93, grade="excellent")
    f.day_statuses(org.office_2, ["2026-03-02", "2026-03-03"], "late")
    f.day_statuses(org.office_2, [f"2025-12-{d:02d}" for d in (1, 2, 3, 4, 5)], "late")  # another year
    f.result(c, org.fin_1, 75, grade="competent")          # not a top result
    f.day_statuses(org.fin_1, [f"2026-04-{d:02d}" for d in range(1, 11)], "late")
    f.result(c, org.fin_2, 91, proposed_grade="excellent", status="computed")   # proposed, not confirmed
    f.day_statuses(org.fin_2, ["2026-06-01"], "absent")
    f.result(c, org.hr_1, 95, grade="competent")           # a top score, graded lower
    f.day_statuses(org.hr_1, [f"2026-05-{d:02d}" for d in range(4, 9)], "missing")
    al.compute(api, org.a_hr_officer, c)
    got = subjects(al.of_kind(api, org.a_hr_officer, c, "attendance_contradiction"))
    assert set(got) == {f"staff:{org.office_1.id}", f"staff:{org.fin_2.id}", f"staff:{org.hr_1.id}"}
    a = got[f"staff:{org.office_1.id}"]
    assert a["numbers"]["late_days"] == 6 and a["severity"] == "warning" and "迟到 6 天" in a["title"]
    assert got[f"staff:{org.fin_2.id}"]["severity"] == "high" and "旷工 1 天" in got[f"staff:{org.fin_2.id}"]["title"]
    assert "得分 95" in got[f"staff:{org.hr_1.id}"]["title"] and "缺卡 5 天" in got[f"staff:{org.hr_1.id}"]["title"]
    d = api.as_(org.a_hr_officer).get(f"/api/appraisal/alerts/{a['id']}").data
    assert [x["day"] for x in d["rows"]["days"]][:2] == ["2026-03-02", "2026-03-03"]
    assert len(d["rows"]["days"]) == 6 and d["thresholds"]["from"] == "2026-01-01"


def test_late_change_after_the_deadline(api, org, f):
    c = al.cycle(f, org, al.everyone(org))
    in_time = f.sheet(c, org.office_1, org.office_leader, total=88)
    late = f.sheet(c, org.office_2, org.office_leader, total=88)
    reopened = f.sheet(c, org.fin_1, org.fin_leader, total=80)
    # the deadline is 2026-12-31 24:00 Beijing = 2026-12-31 16:00 UTC
    f.score_change(in_time, at=datetime.datetime(2026, 12, 31, 15, 59))
    f.score_change(late, at=datetime.datetime(2026, 12, 31, 16, 1))
    f.score_change(late, at=datetime.datetime(2027, 1, 3, 2), stage="submit")
    f.reopen(c, org.fin_leader, phase="scoring", until="2027-01-10")
    f.score_change(reopened, at=datetime.datetime(2027, 1, 5, 2))
    al.compute(api, org.a_hr_officer, c)
    got = subjects(al.of_kind(api, org.a_hr_officer, c, "late_change"))
    assert set(got) == {f"sheet:{late.id}", f"sheet:{reopened.id}"}
    a = got[f"sheet:{late.id}"]
    assert a["numbers"]["changes"] == 2 and a["severity"] == "high"
    assert "评分截止（2026-12-31）后修改了对" in a["title"] and org.office_2.name in a["title"]
    assert got[f"sheet:{reopened.id}"]["severity"] == "warning" and "重新开放" in got[f"sheet:{reopened.id}"]["title"]
    d = api.as_(org.a_hr_officer).get(f"/api/appraisal/alerts/{a['id']}").data
    assert [x["stage"] for x in d["rows"]["changes"]] == ["draft", "submit"]
    assert d["rows"]["changes"][0]["changed_by"]["name"] == org.office_leader.name


def test_rater_bias(api, org, f):
    c = al.cycle(f, org, al.everyone(org))
    for s, t in ((org.office_1, 95), (org.office_2, 72), (org.office_leader, 74)):
        f.sheet(c, s, org.a_deputy, total=t)
    for s, t in ((org.fin_1, 80), (org.fin_2, 75), (org.fin_leader, 78)):    # an even hand
        f.sheet(c, s, org.a_deputy, total=t)
    for s, t in ((org.hr_1, 95), (org.hr_2, 70)):                               # one other only
        f.sheet(c, s, org.a_head, total=t)
    al.compute(api, org.a_hr_officer, c)
    [a] = al.of_kind(api, org.a_hr_officer, c, "rater_bias")
    assert a["subject_key"] == f"rater:{org.a_deputy.id}/dept:{org.a_office.id}"
    assert a["numbers"]["favoured"] == 1 and a["numbers"]["max_gap"] == 22.0
    assert f"对办公室的{org.office_1.name}评分明显高于其他人" in a["title"]
    d = api.as_(org.a_hr_officer).get(f"/api/appraisal/alerts/{a['id']}").data
    assert [s["participant"]["name"] for s in d["rows"]["sheets"] if s["favoured"]] == [org.office_1.name]


def test_related_rater(api, org, f):
    c = al.cycle(f, org, al.everyone(org))
    f.relationship(org.office_1, org.office_leader, kind="spouse")
    scored = f.sheet(c, org.office_1, org.office_leader, total=90)
    f.relationship(org.fin_1, org.fin_leader, kind="blood", revoked_at=datetime.datetime(2026, 6, 1))
    f.sheet(c, org.fin_1, org.fin_leader, total=90)                    # revoked before: fine
    f.relationship(org.hr_1, org.hr_leader, kind="in_law")
    f.sheet(c, org.hr_1, org.hr_leader, total=None, status="draft")    # not submitted
    f.sheet(c, org.hr_2, org.hr_leader, total=88)                       # not related
    al.compute(api, org.a_hr_officer, c)
    [a] = al.of_kind(api, org.a_hr_officer, c, "related_rater")
    assert a["subject_key"] == f"sheet:{scored.id}" and a["severity"] == "high"
    assert a["title"] == f"{org.office_leader.name}为其配偶{org.office_1.name}评分（应回避）"
    d = api.as_(org.a_hr_officer).get(f"/api/appraisal/alerts/{a['id']}").data
    [rel] = d["rows"]["relationships"]
    assert rel["kind_label"] == "配偶" and rel["relative"]["name"] == org.office_leader.name


def test_a_kind_can_be_switched_off(api, org, f):
    c = al.cycle(f, org, al.everyone(org), settings={"alerts": {"related_rater": {"enabled": False}}})
    f.relationship(org.office_1, org.office_leader)
    f.sheet(c, org.office_1, org.office_leader, total=90)
    out = al.compute(api, org.a_hr_officer, c)
    assert out["found"] == 0
    summary = al.listed(api, org.a_hr_officer, c).json["summary"]
    assert summary["thresholds"]["related_rater"]["enabled"] is False
    assert summary["thresholds"]["flat_distribution"] == {"min_sheets": 4, "max_spread": 1.0, "max_stddev": 1.0,
                                                          "enabled": True}
