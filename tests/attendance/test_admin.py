"""Places, schedules, rules, review, board and recompute: permissions, scope, validation, audit."""
from models.audit import AuditLog
from models.base import fetch_all
from tests.attendance.helpers import CENTRE, at, punch, setup_a


def _audit(server, action):
    return server.run(fetch_all(AuditLog.select().where(AuditLog.action == action)))


def test_place_crud_validation_and_scope(api, org, server):
    hr, place = setup_a(api, org)
    assert place["fences"][0]["radius"] == 300 and place["wifi_bssids"] == ["aa:bb:cc:dd:ee:ff"]
    assert _audit(server, "attendance.place.save")
    bad = [{"fences": [{"lat": CENTRE[0], "lng": CENTRE[1], "radius": 99}]},
           {"fences": [{"lat": CENTRE[0], "lng": CENTRE[1], "radius": 3001}]},
           {"fences": [{"lat": 10.0, "lng": 10.0}]},
           {"fences": [{"lat": "x", "lng": 1}]}, {"fences": ["x"]}, {"fences": "x"},
           {"wifi_bssids": ["not-a-bssid"]}, {"name": ""}]
    for extra in bad:
        r = hr.post("/api/attendance/places", {"unit_id": org.a.id, "name": "x", **extra})
        assert r.status == 422, (extra, r)
    ok = hr.post("/api/attendance/places", {"unit_id": org.a.id, "name": "x",
                                            "fences": [{"lat": CENTRE[0], "lng": CENTRE[1]}]})
    assert ok.status == 201 and ok.data["fences"][0]["radius"] == 300
    # Another unit's HR: cannot list, change, delete, or show the QR of A's place; cannot create in A.
    b_hr = api.as_(org.b_hr_officer)
    assert b_hr.get("/api/attendance/places").data == []
    assert b_hr.put(f"/api/attendance/places/{place['id']}", {"name": "改"}).status == 404
    assert b_hr.delete(f"/api/attendance/places/{place['id']}").status == 404
    assert b_hr.get(f"/api/attendance/places/{place['id']}/qr").status == 404
    assert b_hr.post("/api/attendance/places", {"unit_id": org.a.id, "name": "x"}).status == 404
    # Staff without attendance.manage: 403.
    staff = api.as_(org.office_1)
    assert staff.get("/api/attendance/places").status == 403
    assert staff.get(f"/api/attendance/places/{place['id']}/qr").status == 403
    r = hr.put(f"/api/attendance/places/{place['id']}", {"name": "新大楼", "wifi_bssids": []})
    assert r.status == 200 and r.data["name"] == "新大楼" and r.data["wifi_bssids"] == []
    assert r.data["fences"] == place["fences"]
    assert hr.delete(f"/api/attendance/places/{place['id']}").status == 200
    assert [p["active"] for p in hr.get("/api/attendance/places").data if p["id"] == place["id"]] == [False]
    assert hr.put("/api/attendance/places/999999", {"name": "x"}).status == 404


def test_schedule_validation_department_override_and_seasons(api, org, server):
    hr, _ = setup_a(api, org)
    for extra in ({"sessions": [{"start": "12:00", "end": "08:00"}]},
                  {"sessions": [{"start": "08:00", "end": "12:00"}, {"start": "11:00", "end": "17:00"}]},
                  {"sessions": [{"start": "8:00", "end": "12:00"}]}, {"sessions": []},
                  {"kind": "flexible", "sessions": []}, {"season_start": "06-01"},
                  {"season_start": "02-30", "season_end": "03-01", "sessions": [{"start": "08:00", "end": "12:00"}]},
                  {"kind": "weird"}, {"grace_late": -1}):
        r = hr.post("/api/attendance/schedules", {"unit_id": org.a.id, "name": "x",
                                                  "sessions": [{"start": "08:00", "end": "17:00"}], **extra})
        assert r.status == 422, (extra, r)
    # Summer hours for the whole unit, a department's own schedule for 人事科 (and 档案组 below it).
    summer = hr.post("/api/attendance/schedules", {
        "unit_id": org.a.id, "name": "夏季作息", "season_start": "05-01", "season_end": "09-30",
        "sessions": [{"start": "08:00", "end": "12:00"}, {"start": "15:00", "end": "18:00"}]})
    assert summer.status == 201, summer
    flex = hr.post("/api/attendance/schedules", {
        "unit_id": org.a.id, "department_id": org.a_hr.id, "name": "人事科弹性", "kind": "flexible",
        "core_start": "10:00", "core_end": "16:00", "required_minutes": 480})
    assert flex.status == 201, flex
    def today_schedule(who, when):
        return api.as_(who).get("/api/attendance/today", headers=at(when)).data["schedule"]["name"]
    assert today_schedule(org.office_1, "2026-11-02 09:00") == "标准作息"
    assert today_schedule(org.office_1, "2026-07-01 09:00") == "夏季作息"
    assert today_schedule(org.hr_1, "2026-07-01 09:00") == "人事科弹性"
    assert today_schedule(org.files_1, "2026-11-02 09:00") == "人事科弹性"
    # Flexible day: in 09:30 (before the core), out 17:00 = 7.5 h of the 8 required: 30 minutes short.
    c = api.as_(org.hr_1)
    punch(c, "2026-11-02 09:30")
    punch(c, "2026-11-02 17:00")
    s = c.get("/api/attendance/today", headers=at("2026-11-02 20:00")).data["status"]
    assert s["status"] == "early" and s["early_minutes"] == 30 and s["late_count"] == 0, s
    # Update is partial and validated against the stored values.
    r = hr.put(f"/api/attendance/schedules/{summer.data['id']}", {"grace_late": 10})
    assert r.status == 200 and r.data["grace_late"] == 10 and r.data["season_start"] == "05-01"
    r = hr.put(f"/api/attendance/schedules/{summer.data['id']}", {"sessions": [{"start": "x", "end": "y"}]})
    assert r.status == 422
    b_hr = api.as_(org.b_hr_officer)
    assert b_hr.put(f"/api/attendance/schedules/{summer.data['id']}", {"grace_late": 1}).status == 404
    assert b_hr.post("/api/attendance/schedules", {"unit_id": org.a.id, "department_id": org.a_hr.id,
                                                   "name": "x", "sessions": [{"start": "08:00", "end": "17:00"}]}).status == 404
    assert b_hr.post("/api/attendance/schedules", {"unit_id": org.b.id, "department_id": org.a_hr.id,
                                                   "name": "x", "sessions": [{"start": "08:00", "end": "17:00"}]}).status == 404
    assert hr.delete(f"/api/attendance/schedules/{summer.data['id']}").status == 200
    assert today_schedule(org.office_1, "2026-07-01 09:00") == "标准作息"


def test_rules(api, org):
    hr, _ = setup_a(api, org)
    r = hr.get(f"/api/attendance/rules/{org.a.id}")
    assert r.status == 200 and r.data["proofs_expr"] == "geofence|qr" and r.data["accuracy_limit_m"] == 100
    r = hr.put(f"/api/attendance/rules/{org.a.id}", {"proofs": "geofence&wifi|qr", "accuracy_limit_m": 50})
    assert r.status == 200 and r.data["proofs"] == [["geofence", "wifi"], ["qr"]]
    for body in ({"proofs": "gps"}, {"proofs": ""}, {"proofs": [["geofence"], []]}, {"proofs": 3},
                 {"outside_policy": "maybe"}, {"accuracy_limit_m": 0}):
        assert hr.put(f"/api/attendance/rules/{org.a.id}", body).status == 422, body
    assert api.as_(org.b_hr_officer).get(f"/api/attendance/rules/{org.a.id}").status == 404
    assert api.as_(org.office_1).put(f"/api/attendance/rules/{org.a.id}", {}).status == 403
    assert hr.get("/api/attendance/rules/999999").status == 404
    # A change is seen by the very next punch (cache invalidated).
    r = punch(api.as_(org.office_1), "2026-11-02 08:20", accuracy=60, wifi_bssid="aa:bb:cc:dd:ee:ff")
    assert r.data["flags"] == ["accuracy"]


def test_review_flagged_punch_is_audited_and_scoped(api, org, server):
    hr, _ = setup_a(api, org)
    me = api.as_(org.office_1)
    p = punch(me, "2026-11-02 08:20", accuracy=500).data
    assert p["review_status"] == "pending"
    queue = hr.get("/api/attendance/review")
    assert queue.status == 200 and queue.json["total"] == 1 and queue.data[0]["id"] == p["id"]
    b_hr = api.as_(org.b_hr_officer)
    assert b_hr.get("/api/attendance/review").json["total"] == 0
    assert b_hr.post(f"/api/attendance/punches/{p['id']}/review", {"decision": "accept"}).status == 404
    assert me.post(f"/api/attendance/punches/{p['id']}/review", {"decision": "accept"}).status == 403
    assert hr.post(f"/api/attendance/punches/{p['id']}/review", {"decision": "maybe"}).status == 422
    r = hr.post(f"/api/attendance/punches/{p['id']}/review", {"decision": "reject", "note": "定位异常"},
                headers=at("2026-11-02 10:00"))
    assert r.status == 200 and r.data["review_status"] == "rejected"
    assert hr.post(f"/api/attendance/punches/{p['id']}/review", {"decision": "accept"}).code == "PUNCH_NOT_PENDING"
    entries = _audit(server, "attendance.punch.rejected")
    assert len(entries) == 1 and entries[0].target_id == str(p["id"]) and entries[0].after["note"] == "定位异常"
    # A rejected punch does not count: the morning arrival is missing.
    s = me.get("/api/attendance/today", headers=at("2026-11-02 10:00")).data["status"]
    assert s["status"] == "missing"
    # Punches themselves are not audited one by one.
    assert not _audit(server, "attendance.punch")


def test_board(api, org):
    setup_a(api, org)
    punch(api.as_(org.office_1), "2026-11-02 08:20")
    punch(api.as_(org.office_2), "2026-11-02 08:40")
    hr = api.as_(org.a_hr_officer)
    r = hr.get(f"/api/attendance/board?department_id={org.a_office.id}", headers=at("2026-11-02 09:00"))
    assert r.status == 200, r
    names = {k: {p["staff_id"] for p in r.data[k]} for k in ("in", "late", "missing")}
    assert org.office_1.id in names["in"] and org.office_2.id in names["late"]
    assert org.office_leader.id in names["missing"]
    assert r.data["total"] == len(r.data["in"]) + len(r.data["late"]) + len(r.data["missing"]) + \
        len(r.data["leave"]) + len(r.data["pending"]) + len(r.data["rest"])
    whole = hr.get("/api/attendance/board", headers=at("2026-11-02 09:00")).data
    assert whole["total"] > r.data["total"]
    assert all(p["staff_id"] != org.b_office_1.id for k in ("in", "missing") for p in whole[k])
    b_hr = api.as_(org.b_hr_officer)
    assert b_hr.get(f"/api/attendance/board?department_id={org.a_office.id}").status == 404
    assert api.as_(org.office_1).get("/api/attendance/board").status == 403
    assert api.as_(org.office_1).get("/api/attendance/report").status == 403
    assert b_hr.get(f"/api/attendance/report?department_id={org.a_office.id}").status == 404


def test_recompute_endpoint(api, org):
    hr, _ = setup_a(api, org)
    r = hr.post("/api/attendance/recompute", {"start": "2026-11-02", "end": "2026-11-06"},
                headers=at("2026-11-10 09:00"))
    assert r.status == 200 and r.data["staff"] >= 10 and r.data["days"] == r.data["staff"] * 5
    assert hr.post("/api/attendance/recompute", {"start": "2026-01-01", "end": "2026-12-31"}).status == 422
    assert hr.post("/api/attendance/recompute", {"start": "x", "end": "2026-12-31"}).status == 422
    assert api.as_(org.office_1).post("/api/attendance/recompute",
                                      {"start": "2026-11-02", "end": "2026-11-06"}).status == 403
    assert api.as_(org.b_hr_officer).post("/api/attendance/recompute", {
        "start": "2026-11-02", "end": "2026-11-06", "department_id": org.a_office.id}).status == 404


def test_home_card_shows_today(api, org):
    setup_a(api, org)
    me = api.as_(org.office_1)
    card = me.get("/api/home", headers=at("2026-11-02 08:00")).data["cards"]["attendance"]
    assert card["status"] == "pending" and card["punches"] == 0 and card["day_kind"] == "workday"
    punch(me, "2026-11-02 08:41")
    card = me.get("/api/home", headers=at("2026-11-02 09:00")).data["cards"]["attendance"]
    assert card == {"status": "late", "text": "迟到 11 分钟", "day_kind": "workday", "punches": 1,
                    "last_at": "2026-11-02T08:41:00+08:00"}
    card = me.get("/api/home", headers=at("2026-11-07 09:00")).data["cards"]["attendance"]
    assert card["status"] == "rest"
