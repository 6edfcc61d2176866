"""The 优秀 quota: the rounding rule, refusal with the numbers at 20 %, 25 % only with a recorded
approval, and the numbers the API states for the UI."""
from services.appraisal.grades import quota_limit
from tests.appraisal import results_support as rs
from tests.appraisal.results_support import at, client


def test_rounding_rule():
    assert quota_limit(4, 20) == 0          # fewer than 5: no guaranteed place
    assert quota_limit(5, 20) == 1
    assert quota_limit(9, 20) == 1          # 1.8 rounds down
    assert quota_limit(10, 20) == 2
    assert quota_limit(12, 25) == 3
    assert quota_limit(12, 20) == 2         # 2.4 rounds down
    assert quota_limit(5, 10) == 1          # 0.5 → at least 1 with 5 or more participants
    assert quota_limit(40, 22.5) == 9       # exact decimal arithmetic
    assert quota_limit(10000, 20) == 2000


def _twelve(f, org, server, api):
    people = [f.staff(org.a_office, f"科员{i}", employee_no=f"A-Q{i:02d}") for i in range(12)]
    c = f.cycle(org.a, participants=people, phases={})
    rs.scored(server, c, [(p, 95 - i) for i, p in enumerate(people)], org.office_leader)
    rs.compute(api, org.a_hr_officer, c)
    return c, people


def test_refused_at_20_percent_with_the_numbers(server, api, f):
    org = f.org()
    c, people = _twelve(f, org, server, api)
    hr = client(api, org.a_hr_officer)
    q = hr.get(f"/api/appraisal/cycles/{c.id}/quota").data
    assert (q["participants"], q["percent"], q["limit"], q["proposed"], q["confirmed"]) == (12, 20, 2, 6, 0)
    assert q["rule"] == "优秀名额 = 参与人数 × 比例，向下取整；参与人数 5 人及以上时至少 1 名"
    # every proposed grade at once: 6 优秀 > 2
    r = rs.confirm(api, org.a_hr_officer, c, accept=True)
    assert r.status == 409 and r.code == "APPRAISAL_QUOTA_EXCEEDED"
    assert r.error["fields"] == {"limit": 2, "confirmed": 0, "requested": 6, "participants": 12, "percent": 20}
    assert "名额 2 名" in r.error["message"] and "向下取整" in r.error["message"]
    assert all(x.grade == "" for x in rs.results(server, c).values())      # nothing written
    r = rs.confirm(api, org.a_hr_officer, c, [(people[0], "excellent"), (people[1], "excellent")])
    assert r.status == 200 and r.data["quota"]["confirmed"] == 2 and r.data["quota"]["remaining"] == 0
    r = rs.confirm(api, org.a_hr_officer, c, [(people[2], "excellent")])
    assert r.status == 409 and r.error["fields"]["confirmed"] == 2 and r.error["fields"]["requested"] == 1
    # changing one 优秀 for another in the same confirmation is fine
    r = rs.confirm(api, org.a_hr_officer, c, [(people[1], "competent"), (people[2], "excellent")])
    assert r.status == 200
    rows = rs.results(server, c)
    assert rows[people[1].id].grade == "competent" and rows[people[2].id].grade == "excellent"
    a = rs.audits(server, "appraisal.result.confirm")[-1]
    assert a.after["changes"][str(people[1].id)] == ["excellent", "competent"]


def test_25_percent_only_with_an_approval(server, api, f):
    org = f.org()
    c, people = _twelve(f, org, server, api)
    hr = client(api, org.a_hr_officer)
    r = rs.confirm(api, org.a_hr_officer, c, [(p, "excellent") for p in people[:3]])
    assert r.status == 409 and r.error["fields"]["limit"] == 2
    for pct in (20, 26, 0):
        r = hr.post(f"/api/appraisal/cycles/{c.id}/quota-approvals", {"percent": pct, "reason": "市考核委员会批准",
                                                                     "document": "甲考〔2027〕1号"})
        assert r.status == 422, (pct, r.json)
    r = hr.post(f"/api/appraisal/cycles/{c.id}/quota-approvals", {"percent": 25, "reason": "", "document": "x"})
    assert r.status == 422 and "reason" in r.error["fields"]
    assert client(api, org.b_hr_officer).post(f"/api/appraisal/cycles/{c.id}/quota-approvals", {
        "percent": 25, "reason": "市考核委员会批准", "document": "甲考〔2027〕1号"}).status == 404
    r = hr.post(f"/api/appraisal/cycles/{c.id}/quota-approvals", {"percent": 25, "reason": "市考核委员会批准",
                                                                 "document": "甲考〔2027〕1号"})
    assert r.status == 201 and r.data["percent"] == 25 and r.data["limit"] == 3
    assert r.data["approval"]["document"] == "甲考〔2027〕1号"
    assert rs.audits(server, "appraisal.result.quota_approval")[-1].after["percent"] == 25
    r = rs.confirm(api, org.a_hr_officer, c, [(p, "excellent") for p in people[:3]])
    assert r.status == 200 and r.data["quota"]["confirmed"] == 3
    r = rs.confirm(api, org.a_hr_officer, c, [(people[3], "excellent")])
    assert r.status == 409 and r.error["fields"] == {"limit": 3, "confirmed": 3, "requested": 1,
                                                     "participants": 12, "percent": 25}
