"""Attendance administration inputs are declared (handlers/schemas/attendance_admin.py): shape
errors are 422 VALIDATION_FAILED with `fields` keyed by the JSON path, before any service runs."""
from tests.attendance.helpers import CENTRE, at, punch, setup_a

INT64_MAX = 2**63 - 1


def test_place_and_schedule_bodies(api, org):
    hr, place = setup_a(api, org)
    cases = [
        ({"name": "大楼"}, {"unit_id": "必填"}),                                            # missing
        ({"unit_id": "甲局", "name": "大楼"}, {"unit_id": "应为整数"}),                       # wrong type
        ({"unit_id": INT64_MAX + 1, "name": "大楼"}, {"unit_id": f"不能大于 {INT64_MAX}"}),  # out of range
        ({"unit_id": 0, "name": "大楼"}, {"unit_id": "不能小于 1"}),
        ({"unit_id": org.a.id, "name": "大楼", "fences": [{"lat": CENTRE[0], "lng": CENTRE[1], "radius": 50}]},
         {"fences.0.radius": "不能小于 100"}),
        ({"unit_id": org.a.id, "name": "大楼", "fences": [{"lat": CENTRE[0]}]}, {"fences.0.lng": "必填"}),
        ({"unit_id": org.a.id, "name": "大楼", "wifi_bssids": ["aa"] * 51}, {"wifi_bssids": "最多 50 项"}),
        # Settings bodies refuse fields they do not know: a typo never silently does nothing.
        ({"unit_id": org.a.id, "name": "大楼", "qr_enable": False}, {"qr_enable": "不允许的字段"}),
    ]
    for body, fields in cases:
        r = hr.post("/api/attendance/places", body)
        assert (r.status, r.code, r.error["fields"]) == (422, "VALIDATION_FAILED", fields), body
    r = hr.put(f"/api/attendance/places/{place['id']}", {"active": "maybe"})
    assert r.status == 422 and r.error["fields"] == {"active": "应为 true 或 false"}
    r = hr.post("/api/attendance/schedules", {"unit_id": org.a.id, "name": "x", "kind": "shift",
                                              "sessions": [{"start": "8:00", "end": "12:00"}]})
    assert r.status == 422 and r.code == "VALIDATION_FAILED"
    assert r.error["fields"] == {"kind": "取值不在允许范围内：fixed、flexible", "sessions.0.start": "格式不正确"}
    # The domain's own checks still answer with their messages (order of sessions, 02-30).
    r = hr.post("/api/attendance/schedules", {"unit_id": org.a.id, "name": "x",
                                              "sessions": [{"start": "12:00", "end": "08:00"}]})
    assert r.status == 422 and set(r.error["fields"]) == {"sessions"}
    # Nothing was created by any refused request.
    assert [p["id"] for p in hr.get("/api/attendance/places").data] == [place["id"]]
    assert len(hr.get("/api/attendance/schedules").data) == 1


def test_rule_review_recompute_and_queries(api, org):
    hr, place = setup_a(api, org)
    r = hr.put(f"/api/attendance/rules/{org.a.id}", {"proofs": 3, "accuracy_limit_m": "x"})
    assert r.status == 422 and r.error["fields"] == {
        "proofs": "如 geofence|qr（任一）或 geofence&wifi（同时），可选 geofence、wifi、qr",
        "accuracy_limit_m": "应为整数"}
    r = hr.put(f"/api/attendance/rules/{org.a.id}", {"outside_policy": "ignore", "bind_devices": True})
    assert r.status == 422 and r.error["fields"] == {
        "outside_policy": "取值不在允许范围内：field、refuse", "bind_devices": "不允许的字段"}
    assert hr.get(f"/api/attendance/rules/{org.a.id}").data["outside_policy"] == "field"
    p = punch(api.as_(org.office_1), "2026-11-02 08:20", accuracy=500).data
    r = hr.post(f"/api/attendance/punches/{p['id']}/review", {})
    assert r.status == 422 and r.error["fields"] == {"decision": "必填"}
    r = hr.post(f"/api/attendance/punches/{p['id']}/review", {"decision": "accept", "note": "x" * 201})
    assert r.status == 422 and r.error["fields"] == {"note": "不能超过 200 个字符"}
    assert hr.post(f"/api/attendance/punches/{INT64_MAX + 1}/review", {"decision": "accept"}).status == 404
    r = hr.post("/api/attendance/device-changes/1/decide", {"decision": "ok"})
    assert r.status == 422 and r.error["fields"] == {"decision": "取值不在允许范围内：approve、reject"}
    r = hr.post("/api/attendance/recompute", {"start": "2026-11-02", "end": 20261106, "staff_id": -1},
                headers=at("2026-11-10 09:00"))
    assert r.status == 422 and r.error["fields"] == {"end": "应为日期 YYYY-MM-DD", "staff_id": "不能小于 1"}
    # Query strings: an enum, a page out of range, an id that is not one.
    r = hr.get("/api/attendance/review?status=done")
    assert r.status == 422 and r.error["fields"] == {"status": "取值不在允许范围内：pending、accepted、rejected"}
    r = hr.get("/api/attendance/review?page=0&page_size=201")
    assert r.status == 422 and r.error["fields"] == {"page": "不能小于 1", "page_size": "不能大于 200"}
    r = hr.get("/api/attendance/places?unit_id=abc")
    assert r.status == 422 and r.code == "VALIDATION_FAILED" and r.error["fields"] == {"unit_id": "应为整数"}
    r = hr.get("/api/attendance/review?status=pending&page=1")
    assert r.status == 200 and r.json["total"] == 1 and r.json["page"] == 1
