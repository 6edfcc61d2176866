"""A person's record across cycles: consecutive 优秀 years (three in a row: award-eligible),
不称职/基本称职 twice in a row flagged to HR; only published results count; scope."""
from services.appraisal.record import _annual_flags
from tests.appraisal import results_support as rs
from tests.appraisal.results_support import client


def test_flags_rule():
    assert _annual_flags({2023: "excellent", 2024: "excellent", 2025: "excellent"})[0] == ["excellent_streak"]
    assert _annual_flags({2022: "excellent", 2023: "excellent", 2025: "excellent"})[0] == []     # a gap
    assert _annual_flags({2024: "basically_competent", 2025: "incompetent"})[0] == ["low_twice"]
    assert _annual_flags({2023: "incompetent", 2024: "competent", 2025: "incompetent"})[0] == []
    assert _annual_flags({2024: "competent", 2025: "excellent", 2026: "excellent"})[1] == 2


def test_record_across_years(server, api, f):
    org = f.org()
    five = [org.office_1, org.office_2, org.fin_1, org.fin_2, org.hr_1]
    for year in (2024, 2025, 2026):
        totals = [(org.office_1, 95)] + [(p, 85 if p != org.fin_1 else 65) for p in five[1:]]
        rs.published_cycle(f, org, server, api, totals, year=year, name=f"{year}年度考核")
    # a confirmed but unpublished 2027 result does not count
    c = f.cycle(org.a, year=2027, participants=five, phases={})
    rs.scored(server, c, [(p, 50) for p in five], org.a_head)
    rs.compute(api, org.a_hr_officer, c)
    assert rs.confirm(api, org.a_hr_officer, c, accept=True).status == 200
    r = client(api, org.office_1).get(f"/api/appraisal/staff/{org.office_1.id}/record")
    assert r.status == 200, r
    assert [x["year"] for x in r.data["results"]] == [2024, 2025, 2026]
    assert r.data["excellent_streak"] == 3 and [x["code"] for x in r.data["flags"]] == ["excellent_streak"]
    r = client(api, org.a_hr_officer).get(f"/api/appraisal/staff/{org.fin_1.id}/record")
    assert [x["code"] for x in r.data["flags"]] == ["low_twice"]
    # HR's results list carries the flags
    last = rs.results(server, c)
    assert last
    # scope: someone else, another unit's HR: 404
    assert client(api, org.office_2).get(f"/api/appraisal/staff/{org.office_1.id}/record").status == 404
    assert client(api, org.b_hr_officer).get(f"/api/appraisal/staff/{org.office_1.id}/record").status == 404
    assert client(api, org.a_hr_officer).get("/api/appraisal/staff/99999999/record").status == 404
