"""Routing: plain-path routes are found by a dict lookup (server/app.py `_literal`, our own check,
not the private re._parser), pattern routes by Tornado's regex walk; both resolve."""
from handlers.me import MeHandler
from handlers.staff import StaffHandler
from server.app import _literal


def test_literal_is_plain_text_only():
    assert _literal("/api/me$") == "/api/me"
    assert _literal("/api/attendance/punch-card$") == "/api/attendance/punch-card"
    assert _literal(r"/admin/places/qr\.json$") == "/admin/places/qr.json"   # escaped punctuation
    assert _literal(r"/api/x\-y$") == "/api/x-y"
    for pattern in (r"/api/staff/(\d+)$", r"/api/a\d$", "/api/openapi.json$", "/admin/.*$",
                    "/api/(a|b)$", "/api/[ab]$", "/api/a+$", "/api/a?$", "/api/a{2}$", "^/api$",
                    # an end anchor in the middle matches nothing: never a plain path
                    # (re._parser's walk read "/api/a$b$" as "/api/ab")
                    "/api/a$b$", "/api/a\\"):
        assert _literal(pattern) is None, pattern


def test_plain_and_pattern_routes_both_resolve(server, api, org):
    exact = server.app.exact_routes
    assert exact["/api/me"][0] is MeHandler                      # the dict fast path
    assert not any(path.startswith("/api/staff/") and path[11:].isdigit() for path in exact)
    hr = api.as_(org.a_hr_officer)
    me = hr.get("/api/me")
    assert me.status == 200 and me.data["name"] == org.a_hr_officer.name, me
    # A pattern route (Tornado's regex walk, with its path argument).
    assert StaffHandler not in {target for target, _ in exact.values()}
    r = hr.get(f"/api/staff/{org.office_1.id}")
    assert r.status == 200 and r.data["id"] == org.office_1.id, r
    # Another unit's person through the same pattern: 404, not found by either path.
    assert hr.get(f"/api/staff/{org.b_office_1.id}").status == 404
    # Unescaped "." is a pattern (any character), still served by the regex walk.
    assert "/api/openapi.json" not in exact
    assert api.get("/api/openapi.json").status == 200
    assert api.get("/api/nope").code == "NOT_FOUND"
