"""Every /api route, fed bad input by anonymous and by all-powerful callers, answers 4xx JSON, never 500.

The routes come from the running app's route table, so a new endpoint is covered the day it lands.
"""
import re

import pytest

from tests.support import Client

BAD_BODIES = [
    b"{not json",
    b"[1, 2]",
    b'"text"',
    b"{}",
]
# Common field names with values of the wrong type.
WRONG_TYPES = {
    "name": [], "code": {}, "employee_no": 12, "department_id": "abc", "unit_id": [],
    "parent_id": "x", "staff_id": {}, "role_id": "r", "start": 5, "end": [], "date": 3,
    "days": "many", "hours": "x", "lat": "north", "lng": [], "accuracy": "good",
    "phone": 13800000000, "id_no": 1, "kind": 7, "type": [], "action": 9, "comment": [],
    "reason": {}, "ids": "1,2", "permissions": "all", "scope_type": 1, "version": "v",
    "ticket": 5, "code_": None, "status": [], "month": 202611, "year": "this",
}


def api_routes(server):
    out = []
    for rule in server.app.wildcard_router.rules:
        pattern = getattr(rule.matcher, "regex", None)
        if pattern is None or not pattern.pattern.startswith("/api"):
            continue
        path = pattern.pattern.rstrip("$")
        path = re.sub(r"\(\\d\{4\}-\\d\{2\}-\\d\{2\}\)", "2026-11-26", path)
        path = re.sub(r"\(\\d\{4\}\)", "2026", path)
        path = re.sub(r"\([^)]*\)", "1", path).replace("\\", "")
        out.append((path, rule.target, None))
    return out


@pytest.fixture
def superuser(f, org):
    boss = f.staff(org.a_office, "全能测试员", employee_no="SUPER")
    for role in ("hr_officer", "data_checker", "discipline_inspector", "sys_admin", "sec_admin",
                 "sec_auditor"):
        f.grant(boss, role, "all")
    return boss


def _own_methods(handler):
    own = set()
    for klass in handler.__mro__:
        if klass.__module__.startswith("tornado"):
            break
        own |= {m for m in ("get", "post", "put", "patch", "delete") if m in klass.__dict__}
    return sorted(own)


def _is_document(r):
    """A successful file download (CSV/XLSX export) or the OpenAPI document: not an envelope."""
    if not 200 <= r.status < 300:
        return False
    return ("attachment" in r.headers.get("Content-Disposition", "")
            or isinstance(r.json, dict) and "openapi" in r.json
            or r.headers.get("Content-Type", "").startswith("text/html"))  # /api/docs


def test_no_route_answers_500_to_bad_input(server, api, superuser):
    signed_in = api.as_(superuser)
    failures = []
    for path, handler, _ in api_routes(server):
        for method in _own_methods(handler):
            for client in (Client(server.base_url), signed_in):
                bodies = [None] if method in ("get", "delete") else BAD_BODIES + [WRONG_TYPES]
                for body in bodies:
                    kw = {}
                    if isinstance(body, bytes):
                        kw = {"data": body, "headers": {"Content-Type": "application/json"}}
                    elif body is not None:
                        kw = {"json_body": body}
                    r = client.request(method.upper(), path, **kw)
                    if r.status >= 500 or (not _is_document(r) and (
                            r.json is None or ("error" not in r.json and "data" not in r.json))):
                        failures.append(f"{method.upper()} {path} body={body!r:.40} -> {r.status} {r.raw.text[:200]}")
                    elif r.status >= 400 and not re.match(r"^[A-Z][A-Z0-9_]+$", r.code or ""):
                        failures.append(f"{method.upper()} {path} -> {r.status} without an error code")
    assert not failures, "\n".join(failures)


def test_every_non_public_route_requires_sign_in(server, api):
    open_routes = []
    for path, handler, _ in api_routes(server):
        if getattr(handler, "allow_anonymous", False):
            continue
        for method in _own_methods(handler):
            r = api.request(method.upper(), path, json_body={} if method not in ("get", "delete") else None)
            if r.status != 401:
                open_routes.append(f"{method.upper()} {path} -> {r.status}")
    assert not open_routes, "\n".join(open_routes)


def test_route_walk_sees_the_api(server):
    """Guard for the two tests above: they must actually walk the routes."""
    pairs = [(p, m) for p, h, _ in api_routes(server) for m in _own_methods(h)]
    assert ("/api/me", "get") in pairs and ("/api/auth/dev", "post") in pairs
    assert len(pairs) >= 8


# ---- issue 9: malformed input that used to reach a 500 ----------------------------------------

HUGE = "99999999999999999999"  # > 2^64
HUGE_INTS = {name: int(HUGE) for name in (
    "department_id", "unit_id", "parent_id", "staff_id", "role_id", "position_id", "rank_id",
    "post_id", "leader_id", "delegate_id", "place_id", "schedule_id", "type_id", "applicant_id",
    "year", "month", "days", "page", "sort")}
DEEP = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
NESTED_40 = ('{"name":' * 40 + '"x"' + "}" * 40).encode()
SURROGATE = b'{"name": "\\ud800", "reason": "\\udfff", "code": "x"}'


def _routes_with(server, fill):
    out = []
    for rule in server.app.wildcard_router.rules:
        pattern = getattr(rule.matcher, "regex", None)
        if pattern is None or not pattern.pattern.startswith("/api"):
            continue
        out.append((re.sub(r"\([^)]*\)", fill, pattern.pattern.rstrip("$")).replace("\\", ""),
                    rule.target))
    return out


def _envelope_failures(r, label):
    if r.status >= 500 or (not _is_document(r) and (
            r.json is None or ("error" not in r.json and "data" not in r.json))):
        return [f"{label} -> {r.status} {r.raw.text[:200]}"]
    if r.status >= 400 and not re.match(r"^[A-Z][A-Z0-9_]+$", r.code or ""):
        return [f"{label} -> {r.status} without an error code"]
    return []


def test_ids_beyond_64_bits_in_paths_bodies_and_queries_are_4xx(server, api, superuser):
    signed_in = api.as_(superuser)
    failures = []
    query = "?" + "&".join(f"{k}={HUGE}" for k in ("page", "page_size", "department_id", "unit_id",
                                                     "staff_id", "role_id", "actor", "year"))
    for path, handler in _routes_with(server, HUGE) + _routes_with(server, "1"):
        for method in _own_methods(handler):
            if method in ("get", "delete"):
                r = signed_in.request(method.upper(), path + query)
            else:
                r = signed_in.request(method.upper(), path, json_body=HUGE_INTS)
            failures += _envelope_failures(r, f"{method.upper()} {path}")
    assert not failures, "\n".join(failures)
    # The ones from the report, by name (a new session: the walk above signed out).
    signed_in = api.as_(superuser)
    for path in (f"/api/staff/{HUGE}", f"/api/departments/{HUGE}", f"/api/staff/{HUGE}/history"):
        assert signed_in.get(path).status == 404
    assert signed_in.post(f"/api/messages/{HUGE}/read").status == 404
    assert signed_in.delete(f"/api/staff/1/posts/{HUGE}").status == 404
    assert signed_in.get(f"/api/staff?department_id={HUGE}").code == "BAD_QUERY"
    assert signed_in.get(f"/api/staff?page={HUGE}").status == 400
    r = signed_in.get("/api/staff?page=100001")
    assert (r.status, r.code) == (422, "VALIDATION_FAILED") and r.error["fields"] == {"page": "不能大于 100000"}
    assert signed_in.get("/api/staff/0").status == 404


def test_deep_surrogate_and_overlong_bodies_are_400_on_every_write_route(server, api, superuser):
    signed_in = api.as_(superuser)
    failures = []
    for path, handler in _routes_with(server, "1"):
        for method in _own_methods(handler):
            if method in ("get", "delete"):
                continue
            clients = [signed_in, Client(server.base_url)]
            for client in clients:
                for body in (DEEP, NESTED_40, SURROGATE):
                    r = client.request(method.upper(), path, data=body,
                                       headers={"Content-Type": "application/json"})
                    failures += _envelope_failures(r, f"{method.upper()} {path} {body[:12]!r}")
    assert not failures, "\n".join(failures)
    json_type = {"Content-Type": "application/json"}
    r = api.request("POST", "/api/auth/wechat", data=DEEP, headers=json_type)
    assert r.status == 400 and r.code == "BAD_JSON", r
    # 40 levels parse (pydantic's parser stops far deeper) but match no declared field: 422.
    r = api.request("POST", "/api/auth/wechat", data=NESTED_40, headers=json_type)
    assert r.status == 422 and r.error["fields"] == {"code": "必填"}, r
    signed_in = api.as_(superuser)
    r = signed_in.request("POST", "/api/staff", data=SURROGATE, headers=json_type)
    assert r.status == 400 and r.code == "BAD_JSON", r


def test_calendar_year_zero_is_404(server, api, superuser):
    signed_in = api.as_(superuser)
    for path in ("/api/calendar/years/0000", "/api/calendar/years/0001", "/api/calendar/years/9999"):
        assert signed_in.get(path).status == 404, path
        assert signed_in.post(path + "/publish").status == 404, path
    assert signed_in.get("/api/calendar/years/2026").status == 200


def test_control_characters_refused_at_input(server, api, f, org):
    hr = api.as_(org.a_hr_officer)
    base = {"employee_no": "CTL1", "department_id": org.a_office.id}
    for name in ("张\x01三", "张\x0b三", "张\n三", "张\t三", "张\x7f三", "张\x85三"):
        r = hr.post("/api/staff", {**base, "name": name})
        assert r.status == 422 and "name" in r.error.get("fields", {}), (repr(name), r)
    r = hr.patch(f"/api/staff/{org.fin_1.id}", {"name": "李\x00四"})
    assert r.status == 422 and "name" in r.error["fields"]
    assert hr.post("/api/staff", {**base, "name": "张三"}).status == 201
    # Multi-line text (a reason) keeps its line breaks; other control characters are refused.
    from pydantic import TypeAdapter, ValidationError

    from handlers.schemas.textrules import text
    reason = TypeAdapter(text(500, multiline=True))
    assert reason.validate_python("第一行\r\n第二行\t完") == "第一行\n第二行\t完"
    for bad in ("响\x07铃", "响\x85铃"):
        with pytest.raises(ValidationError):
            reason.validate_python(bad)
    # And so every XLSX staff export keeps working.
    assert hr.get("/api/staff/export?format=xlsx").status == 200


def test_query_numbers_with_separator_characters_are_4xx(api, org):
    """str.strip() drops \\x1c-\\x1f but int() refuses them: '\\x1c4' once reached int() (500)."""
    hr = api.as_(org.a_hr_officer)
    for value in ("%1C4", "%1F12", "4%1E"):
        r = hr.get(f"/api/attendance/review?page={value}")
        assert 400 <= r.status < 500 and r.code, (value, r)
