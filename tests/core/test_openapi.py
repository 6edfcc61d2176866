"""GET /api/openapi.json lists exactly the /api routes of the route table, with their methods."""
import re

import tornado.web



def expected_operations(app):
    """From the running app's route table (the same list server.app.gather_routes built)."""
    ops = {}
    for rule in app.wildcard_router.rules:
        pattern, handler = rule.matcher.regex.pattern, rule.target
        if not pattern.startswith("/api"):
            continue
        template, n = pattern, 0

        def repl(match):
            nonlocal n
            n += 1
            return "{x%d}" % n
        template = re.sub(r"\([^)]*\)", repl, pattern.rstrip("$")).replace("\\", "")
        methods = {m for m in ("get", "post", "put", "patch", "delete")
                   if getattr(handler, m) is not getattr(tornado.web.RequestHandler, m)}
        ops[template] = methods
    return ops


def normalise(path):
    n = 0

    def repl(match):
        nonlocal n
        n += 1
        return "{x%d}" % n
    return re.sub(r"\{[^}]+\}", repl, path)


def test_document_matches_the_route_table(server, api):
    r = api.get("/api/openapi.json")  # anonymous
    assert r.status == 200
    doc = r.json
    assert doc["openapi"].startswith("3.0")
    got = {normalise(p): {m for m in item} for p, item in doc["paths"].items()}
    want = expected_operations(server.app)
    assert len(want) == len([r for r in server.app.wildcard_router.rules
                             if r.matcher.regex.pattern.startswith("/api")])
    assert got == want
    assert ("/api/staff/{x1}/posts/{x2}") in got and len(got) >= 20


def test_operations_carry_summary_params_and_error_envelope(api):
    doc = api.get("/api/openapi.json").json
    op = doc["paths"]["/api/staff/{id}/posts/{post_id}"]["delete"]
    assert op["summary"] == "结束兼职或挂职（保留为历史）。"
    assert [p["name"] for p in op["parameters"]] == ["id", "post_id"]
    assert op["parameters"][0]["schema"] == {"type": "integer"}
    assert op["responses"]["default"] == {"$ref": "#/components/responses/Error"}
    err = doc["components"]["schemas"]["Error"]
    assert set(err["properties"]["error"]["properties"]) == {"code", "message", "fields"}
    assert doc["paths"]["/api/staff"]["get"]["summary"].startswith("人员列表")
    assert "parameters" not in doc["paths"]["/api/staff"]["get"]
    # Anonymous endpoints say so.
    assert doc["paths"]["/api/openapi.json"]["get"]["security"] == []
    assert "security" not in doc["paths"]["/api/me"]["get"]
