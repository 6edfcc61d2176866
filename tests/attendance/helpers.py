"""Shared set-up for attendance tests: a place and a two-session schedule for bureau A."""
from services.geo import offset

CENTRE = (39.908700, 116.397500)   # GCJ-02
SCHEDULE = {"name": "标准作息", "sessions": [{"start": "08:30", "end": "12:00"},
                                          {"start": "14:30", "end": "17:30"}],
            "grace_late": 5, "grace_early": 5}


def at(local):
    """"2026-11-02 08:29" -> X-Mingjing-Now header value."""
    return {"X-Mingjing-Now": local.replace(" ", "T") + ("" if len(local) > 16 else ":00") + "+08:00"}


def near(metres_north=0, metres_east=0):
    return offset(*CENTRE, north_m=metres_north, east_m=metres_east)


def setup_a(api, org, *, rule=None, place=None, schedule=None):
    hr = api.as_(org.a_hr_officer)
    r = hr.post("/api/attendance/places", {
        "unit_id": org.a.id, "name": "甲局机关大楼",
        "fences": [{"lat": CENTRE[0], "lng": CENTRE[1], "radius": 300}],
        "wifi_bssids": ["aa:bb:cc:dd:ee:ff"], **(place or {})})
    assert r.status == 201, r
    place_row = r.data
    r = hr.post("/api/attendance/schedules", {"unit_id": org.a.id, **SCHEDULE, **(schedule or {})})
    assert r.status == 201, r
    if rule:
        r = hr.put(f"/api/attendance/rules/{org.a.id}", rule)
        assert r.status == 200, r
    return hr, place_row


def punch(client, when, *, north=0, east=0, accuracy=20, device="dev-1", **extra):
    lat, lng = near(north, east)
    body = {"lat": lat, "lng": lng, "accuracy": accuracy, "device_id": device, **extra}
    return client.post("/api/attendance/punch", body, headers=at(when))
