"""Endpoints added in the paged-report / balance-table / resubmit / official-account work, tried by
the three administrators' service accounts (三员: never data through /api, 403 on pages outside
their tier) and by another unit's officer (nothing of the other unit); declared in OpenAPI with
bounds."""
import pytest

from tests.admin.console import Console
from tests.admin.test_pages_http import qr_sign_in

NEW_API = [
    ("get", "/api/leave/balances/table?year=2026"),
    ("get", "/api/leave/balances/table?year=2026&format=xlsx"),
    ("post", "/api/leave/balances/fill"),
    ("get", "/api/attendance/report?month=2026-11&page=1&page_size=50&q=甲"),
    ("post", "/api/attendance/report/exports"),
    ("get", "/api/attendance/report/exports/" + "ab" * 16),
    ("get", "/api/attendance/report/exports/" + "ab" * 16 + "/file"),
    ("post", "/api/attendance/makeups/1/resubmit"),
    ("post", "/api/overtime/requests/1/resubmit"),
    ("get", "/api/approvals?q=甲"),
    ("get", "/api/messages?q=甲"),
    ("delete", "/api/staff/1/transfer"),   # cancel a pending transfer (future-dated transfers)
]

# Console pages added this session: (method, path, tiers allowed in by their permissions).
NEW_PAGES = [
    ("get", "/admin/approval-flows/head-step", ()),
    ("post", "/admin/approval-flows/head-step", ()),
    ("get", "/admin/approval-flows/staff?q=甲", ()),
    ("post", "/admin/approval-flows/preview", ()),
    ("get", "/admin/leave/balances/table", ()),
    ("post", "/admin/leave/balances/fill", ()),
    ("post", "/admin/attendance/report/exports", ()),
    ("get", "/admin/attendance/report/exports/" + "ab" * 16, ()),
    ("get", "/admin/attendance/report/exports/" + "ab" * 16 + "/file", ()),
    ("get", "/admin/reminders/official-accounts", ("system",)),
    ("post", "/admin/reminders/official-accounts/sync", ("system",)),
]


@pytest.fixture
def admins(f, org):
    return {tier: f.admin(tier, unit=org.a) for tier in ("system", "security", "audit")}


def test_service_accounts_get_no_data_from_the_new_api_endpoints(server, api, admins):
    """A mini-program session held by any of the three administrators is refused on every new
    endpoint before the handler runs (401 SERVICE_ACCOUNT, no rows, no file, no job)."""
    from services.sessions import create_session
    from tests.support import Client

    for tier, admin in admins.items():
        token, _ = server.run(create_session(server.env.redis, staff_id=admin.staff.id, kind="mp",
                                             ttl_seconds=3600))
        c = Client(server.base_url, token=token)
        for method, path in NEW_API:
            if method == "post":
                r = c.post(path, {"month": "2026-11", "year": 2026, "reason": "x", "hours": 3})
            else:
                r = getattr(c, method)(path)
            assert (r.status, r.code) == (401, "SERVICE_ACCOUNT"), (tier, method, path, r)
            assert "data" not in r.json, (tier, path)


def test_administrators_refused_on_the_new_console_pages(server, admins, org):
    for tier, admin in admins.items():
        c = Console(server.base_url).login(admin)
        for method, path, allowed in NEW_PAGES:
            if tier in allowed:
                continue
            r = c.get(path) if method == "get" else c.post(path, {"unit_id": str(org.a.id)})
            assert r.status_code == 403, (tier, method, path, r.status_code, r.text[:200])
            assert "权限" in r.text, (tier, path)


def test_flow_editor_person_search_stays_in_the_callers_unit(server, api, org, admins):
    """The flow editor's JSON search finds the officer's own unit's people only, and never an
    administrator's service account."""
    mine = qr_sign_in(server, api, org.a_hr_officer)
    other = qr_sign_in(server, api, org.b_hr_officer)
    name = org.office_1.name
    found = mine.get("/admin/approval-flows/staff", params={"q": name}).json()["data"]
    assert org.office_1.id in {p["id"] for p in found}
    theirs = other.get("/admin/approval-flows/staff", params={"q": name}).json()["data"]
    assert org.office_1.id not in {p["id"] for p in theirs}
    assert org.b_office_1.id in {p["id"] for p in theirs}  # B's namesake: the search itself works
    for admin in admins.values():
        for q in (admin.username, admin.staff.name):
            rows = mine.get("/admin/approval-flows/staff", params={"q": q}).json()["data"]
            assert admin.staff.id not in {p["id"] for p in rows}, q


def test_new_endpoints_are_declared_with_bounds(api):
    spec = api.get("/api/openapi.json").json
    paths = spec["paths"]
    for _, path in NEW_API:
        template = path.split("?")[0].replace("ab" * 16, "{job_id}").replace("/1/", "/{id}/")
        assert any(_same(p, template) for p in paths), template
    for path in ("/api/leave/balances/table", "/api/attendance/report"):
        params = {p["name"]: p for p in paths[path]["get"].get("parameters", [])}
        size = params["page_size"]["schema"]
        assert size.get("maximum") and size["maximum"] <= 500, (path, size)


def _same(declared, template):
    """Path templates equal up to the parameter names ({id} vs {makeup_id})."""
    a, b = declared.strip("/").split("/"), template.strip("/").split("/")
    return len(a) == len(b) and all(x == y or (x.startswith("{") and y.startswith("{"))
                                    for x, y in zip(a, b))


def test_balance_fill_and_table_leave_out_the_administrators(server, api, org, admins):
    """The administrators' service accounts sit in unit A but are nobody's staff: the year's fill
    gives them no balance rows and the table (and its file) never lists them."""
    from models.base import fetch_all
    from models.leave import LeaveBalance

    hr = api.as_(org.a_hr_officer)
    r = hr.post("/api/leave/balances/fill", {"year": 2026})
    assert r.status == 200 and r.data["people"] == 16, r.json   # Factory.org: A's 16 active staff
    ids = {a.staff.id for a in admins.values()}
    rows = server.run(fetch_all(LeaveBalance.select().where(LeaveBalance.staff.in_(list(ids)))))
    assert rows == []

    async def stray_row():   # as an earlier fill left it: the table still leaves it out
        model = (await fetch_all(LeaveBalance.select().limit(1)))[0]
        values = {k: v for k, v in model.__data__.items() if k != "id"}
        await LeaveBalance.acreate(**{**values, "staff": admins["audit"].staff.id})
    server.run(stray_row())
    for path in ("/api/leave/balances/table?year=2026&page_size=200",
                 f"/api/leave/balances/table?year=2026&page_size=200&q={admins['audit'].staff.name}"):
        table = hr.get(path)
        assert table.status == 200
        listed = {row["staff_id"] for row in table.data}
        assert not ids & listed, path
    assert org.office_1.id in {row["staff_id"] for row in hr.get(
        "/api/leave/balances/table?year=2026&page_size=200").data}


def test_flow_draft_preview_only_for_people_in_reach(server, api, org):
    """The editor's live preview names the applicant's approvers: another unit's employee number
    is not found (nothing about that person comes back)."""
    import json

    def preview(console, staff):
        body = {"kind": "leave", "employee_no": staff.employee_no, "days": "1",
                "steps": [{"name": "科室审批", "approvers": ["dept_leader"]}]}
        return console.http.post(server.base_url + "/admin/approval-flows/preview",
                                 data=json.dumps(body), timeout=30,
                                 headers={"X-XSRFToken": console.xsrf(), "Accept": "application/json",
                                          "Content-Type": "application/json"})
    mine = qr_sign_in(server, api, org.a_hr_officer)
    other = qr_sign_in(server, api, org.b_hr_officer)
    ok = preview(mine, org.office_1)
    assert ok.status_code == 200 and ok.json()["data"]["applicant"]["name"] == org.office_1.name, ok.text
    r = preview(other, org.office_1)
    assert r.status_code == 422 and r.json()["error"]["code"] == "STAFF_NOT_FOUND", r.text[:300]
    assert org.office_1.name not in r.text
