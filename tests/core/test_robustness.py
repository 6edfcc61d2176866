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
            or isinstance(r.json, dict) and "openapi" in r.json)


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
