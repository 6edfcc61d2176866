"""Clocking in over HTTP: geofence, QR, Wi-Fi, flags, device binding, double taps, concurrency."""
import threading

from services.geo import distance_m
from tests.attendance.helpers import CENTRE, at, near, punch, setup_a


def test_geofence_290_inside_310_outside_field_needs_reason(api, org, server):
    setup_a(api, org)
    me = api.as_(org.office_1)
    lat, lng = near(290)
    assert 289.5 < distance_m(lat, lng, *CENTRE) < 290.5
    r = punch(me, "2026-11-02 08:20", north=290)
    assert r.status == 201, r
    assert r.data["kind"] == "normal" and r.data["proofs"] == ["geofence"] and r.data["inside"]
    assert r.data["flags"] == [] and r.data["review_status"] == ""

    other = api.as_(org.office_2)
    r = punch(other, "2026-11-02 08:21", north=310)
    assert r.status == 422 and r.code == "PUNCH_REASON_REQUIRED"
    r = punch(other, "2026-11-02 08:21", north=310, reason="在区政府开会")
    assert r.status == 201 and r.data["kind"] == "field" and "field" in r.data["flags"]
    assert r.data["review_status"] == "pending"
    # The department leader is told about the field punch.
    leader = api.as_(org.office_leader)
    msgs = leader.get("/api/messages")
    assert any("外勤" in m["title"] for m in msgs.data), msgs


def test_outside_refused_by_rule(api, org):
    setup_a(api, org, rule={"outside_policy": "refuse"})
    me = api.as_(org.office_1)
    r = punch(me, "2026-11-02 08:20", north=310, reason="路上")
    assert r.status == 422 and r.code == "PUNCH_OUTSIDE_REFUSED"
    assert punch(me, "2026-11-02 08:20", north=100).status == 201


def test_qr_current_previous_expired_forged_other_place(api, org):
    hr, place = setup_a(api, org, rule={"proofs": "qr", "outside_policy": "refuse"})
    other_place = hr.post("/api/attendance/places", {"unit_id": org.a.id, "name": "分部",
                                                    "fences": []}).data
    t0 = "2026-11-02 08:20:00"  # a step boundary (epoch divisible by 30)
    qr = hr.get(f"/api/attendance/places/{place['id']}/qr", headers=at(t0))
    assert qr.status == 200 and qr.data["expires_in"] == 30
    token = qr.data["token"]
    png = hr.get(f"/api/attendance/places/{place['id']}/qr.png", headers=at(t0))
    assert png.status == 200 and png.raw.content[:8] == b"\x89PNG\r\n\x1a\n"

    # Previous step still accepted (35 s later).
    r = punch(api.as_(org.office_1), "2026-11-02 08:20:35", north=5000, qr_token=token)
    assert r.status == 201 and r.data["proofs"] == ["qr"], r
    # Two steps later: expired.
    r = punch(api.as_(org.office_2), "2026-11-02 08:21:00", north=5000, qr_token=token)
    assert r.status == 422 and r.code == "PUNCH_QR_EXPIRED" and "重新扫" in r.error["message"]
    assert r.error["fields"]["proofs"]["qr"] == "expired"
    # Forged: right shape, wrong signature.
    pid, step, sig = token.split(".")
    forged = f"{pid}.{step}.{'0' * len(sig)}"
    r = punch(api.as_(org.fin_1), "2026-11-02 08:20:10", north=5000, qr_token=forged)
    assert r.status == 422 and r.error["fields"]["proofs"]["qr"] == "forged"
    r = punch(api.as_(org.fin_1), "2026-11-02 08:20:10", north=5000, qr_token="garbage")
    assert r.status == 422 and r.error["fields"]["proofs"]["qr"] == "forged"
    # A valid token of another place does not prove presence here... it proves that place.
    tok2 = hr.get(f"/api/attendance/places/{other_place['id']}/qr", headers=at(t0)).data["token"]
    r = punch(api.as_(org.fin_2), "2026-11-02 08:20:10", north=5000, qr_token=tok2)
    assert r.status == 201 and r.data["place_id"] == other_place["id"]
    # Token forged from a correct place id but an old step replayed: expired.
    old = hr.get(f"/api/attendance/places/{place['id']}/qr", headers=at("2026-11-02 08:00:00")).data["token"]
    r = punch(api.as_(org.hr_1), "2026-11-02 08:20:10", north=5000, qr_token=old)
    assert r.status == 422 and r.error["fields"]["proofs"]["qr"] == "expired"


def test_wifi_and_geofence_rule(api, org):
    setup_a(api, org, rule={"proofs": "geofence&wifi", "outside_policy": "refuse"})
    r = punch(api.as_(org.office_1), "2026-11-02 08:20", north=50)
    assert r.status == 422 and r.code == "PUNCH_OUTSIDE_REFUSED"
    r = punch(api.as_(org.office_1), "2026-11-02 08:20", north=50, wifi_bssid="AA-BB-CC-DD-EE-FF")
    assert r.status == 201 and r.data["proofs"] == ["geofence", "wifi"], r
    r = punch(api.as_(org.office_2), "2026-11-02 08:20", north=50, wifi_bssid="aa:bb:cc:dd:ee:00")
    assert r.status == 422


def test_poor_accuracy_and_impossible_speed_flagged_not_refused(api, org):
    setup_a(api, org)
    me = api.as_(org.office_1)
    r = punch(me, "2026-11-02 08:20", accuracy=150)
    assert r.status == 201 and r.data["flags"] == ["accuracy"] and r.data["review_status"] == "pending"
    r = punch(me, "2026-11-02 12:01", accuracy=100)
    assert r.status == 201 and r.data["flags"] == []
    # 30 km in 5 minutes = 360 km/h: flagged (and outside, so a field punch with a reason).
    r = punch(me, "2026-11-02 12:06", north=30000, reason="外出办事")
    assert r.status == 201 and "speed" in r.data["flags"], r
    # 1 km in an hour is fine.
    r = punch(api.as_(org.office_2), "2026-11-02 08:00", north=1000, reason="x")
    r = punch(api.as_(org.office_2), "2026-11-02 09:00", north=0)
    assert r.status == 201 and r.data["flags"] == []


def test_first_device_binds_other_device_flagged_change_request(api, org):
    hr, _ = setup_a(api, org)
    me = api.as_(org.office_1)
    assert punch(me, "2026-11-02 08:20", device="phone-A").data["flags"] == []
    r = punch(me, "2026-11-02 12:01", device="phone-B")
    assert r.status == 201 and r.data["flags"] == ["device"] and r.data["review_status"] == "pending"
    r = me.post("/api/attendance/device-change", {"device_id": "phone-B", "reason": "换了新手机"})
    assert r.status == 201 and r.data["status"] == "pending"
    assert me.post("/api/attendance/device-change", {"device_id": "phone-C", "reason": "x"}).code == \
        "DEVICE_CHANGE_PENDING"
    # Another unit's HR cannot see or decide it.
    b_hr = api.as_(org.b_hr_officer)
    assert b_hr.get("/api/attendance/device-changes").data == []
    assert b_hr.post(f"/api/attendance/device-changes/{r.data['id']}/decide",
                     {"decision": "approve"}).status == 404
    assert me.post(f"/api/attendance/device-changes/{r.data['id']}/decide",
                   {"decision": "approve"}).status == 403
    pending = hr.get("/api/attendance/device-changes").data
    assert [p["id"] for p in pending] == [r.data["id"]]
    d = hr.post(f"/api/attendance/device-changes/{r.data['id']}/decide", {"decision": "approve"})
    assert d.status == 200 and d.data["status"] == "approved"
    assert punch(me, "2026-11-02 14:20", device="phone-B").data["flags"] == []
    assert punch(me, "2026-11-02 17:40", device="phone-A").data["flags"] == ["device"]


def test_double_tap_returns_first_punch(api, org, server):
    setup_a(api, org)
    me = api.as_(org.office_1)
    first = punch(me, "2026-11-02 08:20:10")
    assert first.status == 201
    again = punch(me, "2026-11-02 08:20:50", north=10)
    assert again.status == 200 and again.data["id"] == first.data["id"] and again.data["repeat"]
    again = punch(me, "2026-11-02 08:21:05")  # next minute bucket, still within 60 s
    assert again.status == 200 and again.data["id"] == first.data["id"]
    later = punch(me, "2026-11-02 08:21:11")
    assert later.status == 201 and later.data["id"] != first.data["id"]


def test_concurrent_taps_store_one_punch(api, org, server):
    from models.attendance import Punch

    setup_a(api, org)
    clients = [api.as_(org.office_1) for _ in range(8)]
    results = [None] * 8
    go = threading.Barrier(8)

    def tap(i):
        go.wait()
        # Straddles a minute boundary on purpose: 08:20:59 and 08:21:00.
        results[i] = punch(clients[i], "2026-11-02 08:20:59" if i % 2 else "2026-11-02 08:21:00")

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status in (200, 201) for r in results), results
    assert len({r.data["id"] for r in results}) == 1
    assert sum(r.status == 201 for r in results) == 1
    n = server.run(Punch.select().where(Punch.staff == org.office_1.id).acount()) \
        if hasattr(Punch.select(), "acount") else None
    from models.base import count
    assert server.run(count(Punch.select().where(Punch.staff == org.office_1.id))) == 1
    del n


def test_bad_input_is_4xx(api, org):
    setup_a(api, org)
    me = api.as_(org.office_1)
    for body in ({}, {"lat": "x", "lng": 1, "accuracy": 1, "device_id": "d"},
                 {"lat": 95, "lng": 116, "accuracy": 1, "device_id": "d"},
                 {"lat": 10.0, "lng": -50.0, "accuracy": 1, "device_id": "d"},
                 {"lat": 39.9, "lng": 116.4, "accuracy": -1, "device_id": "d"},
                 {"lat": 39.9, "lng": 116.4, "accuracy": 5, "device_id": ""},
                 {"lat": 39.9, "lng": 116.4, "accuracy": 5, "device_id": "d" * 81},
                 {"lat": True, "lng": 116.4, "accuracy": 5, "device_id": "d"}):
        r = me.post("/api/attendance/punch", body)
        assert r.status == 422, (body, r)
    r = me.request("POST", "/api/attendance/punch", data=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status == 400
    r = me.post("/api/attendance/punch", {"lat": 39.9, "lng": 116.4, "accuracy": 5, "device_id": "d"},
                headers={"X-Mingjing-Now": "yesterday"})
    assert r.status == 400 and r.code == "BAD_CLOCK"
    assert api.post("/api/attendance/punch", {}).status == 401
    for path in ("/api/attendance/month?month=2026-13", "/api/attendance/month?month=abc",
                 "/api/attendance/today?lat=x", "/api/attendance/board?department_id=x",
                 "/api/attendance/report?format=pdf"):
        assert 400 <= me.get(path).status < 500, path


def test_service_account_cannot_punch(api, org, f):
    me = api.as_(org.office_1)
    r = punch(me, "2026-11-02 08:20")  # no place at all: outside, needs a reason
    assert r.status == 422 and r.code == "PUNCH_REASON_REQUIRED"


def test_caches_lost_database_still_decides(api, org, server):
    """Redis holds the last punch, the device binding and the config version as caches only."""
    setup_a(api, org)
    me = api.as_(org.office_1)
    first = punch(me, "2026-11-02 08:20:00", device="phone-A")
    server.run(server.env.redis.flushdb())
    again = punch(api.as_(org.office_1), "2026-11-02 08:20:30", device="phone-A")
    assert again.status == 200 and again.data["id"] == first.data["id"]
    server.run(server.env.redis.flushdb())
    r = punch(api.as_(org.office_1), "2026-11-02 08:35", device="phone-B", north=40000, reason="x")
    assert r.status == 201 and set(r.data["flags"]) == {"device", "speed", "field"}, r


def test_disabled_account_cannot_punch(api, org, server):
    from models.org import Staff

    setup_a(api, org)
    me = api.as_(org.office_1)
    server.run(Staff.update(status="retired").where(Staff.id == org.office_1.id).aexecute())
    r = punch(me, "2026-11-02 08:20")
    assert r.status == 401 and r.code == "ACCOUNT_DISABLED"
