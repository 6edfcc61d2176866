"""Overtime inputs are declared (handlers/schemas/overtime.py): 422 VALIDATION_FAILED with
`fields`; the 0.5–24 h half-hour rule stays the domain's (OVERTIME_HOURS_INVALID)."""

INT64_MAX = 2**63 - 1


def test_overtime_shape_errors(api, org):
    me = api.as_(org.office_1)
    cases = [
        ({"date": "2026-03-07", "hours": 2}, {"reason": "必填"}),
        ({"date": "2026-03-07", "hours": "两小时", "reason": "x"}, {"hours": "应为数字"}),
        ({"date": 20260307, "hours": 2, "reason": "x"}, {"date": "应为日期 YYYY-MM-DD"}),
        ({"date": "2026-03-07", "hours": 2, "reason": "   "}, {"reason": "不能为空"}),
        ({"date": "2026-03-07", "hours": 2, "reason": "x" * 501}, {"reason": "不能超过 500 个字符"}),
    ]
    for body, fields in cases:
        r = me.post("/api/overtime/requests", body)
        assert (r.status, r.code, r.error["fields"]) == (422, "VALIDATION_FAILED", fields), body
    assert me.post("/api/overtime/requests", {"date": "2026-03-07", "hours": 0.3,
                                              "reason": "x"}).code == "OVERTIME_HOURS_INVALID"
    r = me.get("/api/overtime/requests?mine=perhaps")
    assert r.status == 422 and r.error["fields"] == {"mine": "应为 true 或 false"}
    r = me.get("/api/overtime/requests?page_size=0")
    assert r.status == 422 and r.error["fields"] == {"page_size": "不能小于 1"}
    assert me.get(f"/api/overtime/requests/{INT64_MAX + 1}").status == 404
    r = me.get("/api/overtime/requests?mine=true&page_size=5")
    assert r.status == 200 and r.data == [] and r.json["total"] == 0
    # Someone without leave.view cannot list others' overtime (mine=false).
    assert me.get("/api/overtime/requests?mine=false").status == 403
