"""GET /api/openapi.json (OpenAPI 3.1 from the declarations) lists exactly the /api routes of the
route table with their methods, request bodies, query parameters and responses; /api/docs renders it."""
import os
import re

import pytest
import tornado.web

from server.config import ROOT


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
    assert doc["openapi"] == "3.1.0"
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
    assert op["parameters"][0]["schema"]["type"] == "integer"
    assert op["parameters"][0]["schema"]["minimum"] == 1
    assert op["responses"]["404"] == {"$ref": "#/components/responses/E404"}
    assert op["responses"]["422"] == {"$ref": "#/components/responses/E422"}
    assert "500" not in op["responses"] and "default" not in op["responses"]
    err = doc["components"]["schemas"]["Error"]
    assert set(err["properties"]["error"]["properties"]) == {"code", "message", "fields", "request_id"}
    assert doc["paths"]["/api/staff"]["get"]["summary"].startswith("人员列表")
    names = {p["name"] for p in doc["paths"]["/api/staff"]["get"].get("parameters", [])}
    assert {"page", "page_size"} <= names
    # Anonymous endpoints say so.
    assert doc["paths"]["/api/openapi.json"]["get"]["security"] == []
    assert "security" not in doc["paths"]["/api/me"]["get"]


def test_bodies_queries_and_responses_come_from_the_declarations(api):
    doc = api.get("/api/openapi.json").json
    punch = doc["paths"]["/api/attendance/punch"]["post"]
    body = punch["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/PunchCreate"}
    schema = doc["components"]["schemas"]["PunchCreate"]
    assert set(schema["required"]) == {"lat", "lng", "accuracy", "device_id"}
    assert schema["properties"]["lat"]["maximum"] == 90
    assert schema["properties"]["device_id"]["maxLength"] == 80
    assert set(punch["responses"]) >= {"200", "201", "401", "422"}
    ok = punch["responses"]["201"]["content"]["application/json"]["schema"]
    envelope = doc["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
    assert envelope["required"] == ["data"]
    # A query string with an enum, and a download beside the JSON.
    report = doc["paths"]["/api/attendance/report"]["get"]
    fmt = next(p for p in report["parameters"] if p["name"] == "format")
    assert fmt["schema"]["enum"] == ["json", "csv", "xlsx"]
    assert "text/csv" in report["responses"]["200"]["content"]
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")
def test_docs_page_renders_in_chromium(server):
    from playwright.sync_api import sync_playwright

    shots = ROOT / "test-output" / "api"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(base_url=server.base_url, locale="zh-CN")
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            external = []
            page.on("request", lambda r: external.append(r.url)
                    if not r.url.startswith(server.base_url) and not r.url.startswith("data:") else None)
            page.goto("/api/docs")
            page.wait_for_selector("text=明镜 Mingjing API", timeout=20000)
            page.click("#operations-tag-attendance")
            op = page.locator(".opblock-post", has_text="/api/attendance/punch").first
            op.locator(".opblock-summary").click()
            page.wait_for_selector("text=device_id", timeout=10000)
            page.screenshot(path=str(shots / "docs.png"), full_page=False)
            assert errors == [] and external == []
        finally:
            browser.close()


def test_operation_ids_are_unique_even_when_class_names_repeat(api):
    doc = api.get("/api/openapi.json").json
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    review = doc["paths"]["/api/appraisal/goal-sets/{id}/review"]["post"]
    assert review["operationId"] == "appraisal_goals.ReviewHandler.post"
    assert review["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ReviewBody"}
    assert not [n for n in doc["components"]["schemas"] if "__" in n]   # no module-qualified duplicates
