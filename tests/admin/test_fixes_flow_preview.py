"""The flow editor's live preview (POST /admin/approval-flows/preview) and its person search answer
every error with the API's JSON envelope (stable code, Chinese message, fields), with the real
status, whatever the Accept header says: no HTML error page, no redirect to the sign-in page."""
import json
import re

from tests.admin.console import Console
from tests.admin.test_leave_pages import console_as

PREVIEW = "/admin/approval-flows/preview"
STEPS = [{"name": "科室审批", "approvers": ["dept_leader"]}]


def _signed_in(server, staff):
    c = console_as(server, staff)
    assert c.get("/admin/approval-flows").status_code in (200, 403)   # sets the _xsrf cookie
    return c


def _post(c, body, *, raw=None, xsrf=True):
    """No Accept header (requests sends */*), as a plain fetch() or a script would."""
    headers = {"Content-Type": "application/json"}
    if xsrf:
        headers["X-XSRFToken"] = c.xsrf()
    return c.http.post(c.base_url + PREVIEW, data=raw if raw is not None else json.dumps(body),
                       headers=headers, timeout=30, allow_redirects=False)


def _error(r, status, code):
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"].startswith("application/json"), r.headers["Content-Type"]
    err = r.json()["error"]
    assert err["code"] == code and re.match(r"^[A-Z][A-Z0-9_]+$", err["code"]), err
    assert re.search(r"[\u4e00-\u9fff]", err["message"]), err      # a Chinese message
    return err


def test_preview_errors_are_json_without_an_accept_header(server, api, org):
    hr = _signed_in(server, org.a_hr_officer)
    ok = _post(hr, {"kind": "leave", "employee_no": org.office_1.employee_no, "days": "1", "steps": STEPS})
    assert ok.status_code == 200 and ok.json()["data"]["applicant"]["name"] == org.office_1.name, ok.text[:300]

    # Not signed in (a valid XSRF pair): 401, not a redirect to the sign-in page.
    anon = Console(server.base_url)
    _error(_post(anon, {"kind": "leave", "employee_no": "x", "steps": STEPS}), 401, "AUTH_REQUIRED")
    # An expired / unknown session cookie: the same.
    stale = Console(server.base_url)
    stale.http.cookies.set("mj_admin", "not-a-session", path="/admin")
    _error(_post(stale, {"kind": "leave", "employee_no": "x", "steps": STEPS}), 401, "AUTH_REQUIRED")
    # No XSRF token.
    _error(_post(hr, {"kind": "leave", "employee_no": "x", "steps": STEPS}, xsrf=False), 403, "CSRF_FAILED")
    # A console user without approval.flow.manage.
    checker = _signed_in(server, org.a_checker)
    _error(_post(checker, {"kind": "leave", "employee_no": org.office_1.employee_no, "steps": STEPS}),
           403, "PERMISSION_DENIED")
    # Wrong method.
    _error(hr.get(PREVIEW), 405, "METHOD_NOT_ALLOWED")

    # Bad input: each with its fields.
    _error(_post(hr, None, raw=b"{not json"), 422, "VALIDATION_FAILED")
    _error(_post(hr, None, raw=b"[1, 2]"), 422, "VALIDATION_FAILED")
    err = _error(_post(hr, {"kind": "leave", "steps": STEPS}), 422, "VALIDATION_FAILED")
    assert err["fields"] == {"employee_no": "必填"}
    for bad in ("abc", "nan", "inf", "1e999"):
        err = _error(_post(hr, {"kind": "leave", "employee_no": org.office_1.employee_no, "days": bad,
                                "steps": STEPS}), 422, "VALIDATION_FAILED")
        assert err["fields"] == {"days": "应为数字"}, bad
    err = _error(_post(hr, {"kind": "leave", "employee_no": org.office_1.employee_no, "steps": "dept_leader"}),
                 422, "APPROVAL_FLOW_INVALID")
    assert err["fields"] == {"steps": "格式不正确"}
    _error(_post(hr, {"kind": "nope", "employee_no": org.office_1.employee_no, "steps": STEPS}),
           422, "APPROVAL_KIND_UNKNOWN")
    err = _error(_post(hr, {"kind": "leave", "employee_no": org.office_1.employee_no,
                            "steps": [{"name": "审批", "approvers": ["nobody"]}]}), 422, "APPROVAL_FLOW_INVALID")
    assert err.get("fields"), err
    for steps in ([1], ["x"], [{"approvers": 5}], [{"name": ["x"], "approvers": [{"a": 1}]}], [None]):
        r = _post(hr, {"kind": "leave", "employee_no": org.office_1.employee_no, "steps": steps})
        assert 400 <= r.status_code < 500, (steps, r.status_code, r.text[:300])
        assert r.headers["Content-Type"].startswith("application/json") and r.json()["error"]["code"], steps
    # Another unit's employee number: not found, nothing about that person in the answer.
    other = _signed_in(server, org.b_hr_officer)
    r = _post(other, {"kind": "leave", "employee_no": org.office_1.employee_no, "steps": STEPS})
    _error(r, 422, "STAFF_NOT_FOUND")
    assert org.office_1.name not in r.text


def test_person_search_errors_are_json(server, api, org):
    anon = Console(server.base_url)
    _error(anon.get("/admin/approval-flows/staff?q=" + org.office_1.name), 401, "AUTH_REQUIRED")
    _error(_signed_in(server, org.a_checker).get("/admin/approval-flows/staff?q=x"), 403, "PERMISSION_DENIED")
    hr = _signed_in(server, org.a_hr_officer)
    _error(hr.get("/admin/approval-flows/staff?q=x&page=99999999999999999999999"), 400, "BAD_QUERY")
    r = hr.get("/admin/approval-flows/staff", params={"q": org.office_1.name})
    assert r.status_code == 200 and org.office_1.id in {p["id"] for p in r.json()["data"]}
