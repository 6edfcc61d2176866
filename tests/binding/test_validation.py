"""Bad JSON, missing fields and wrong types on every binding endpoint: 400/422 with codes, never 500."""
import pytest

ANON = [
    ("/api/auth/wechat", {"code": "x"}),
    ("/api/binding/phone", {"ticket": "t", "phone_code": "c"}),
    ("/api/binding/invite", {"ticket": "t", "invite": "i"}),
    ("/api/binding/requests", {"ticket": "t", "conflict": "no_record", "name": "张三"}),
]
AUTHED = [
    ("/api/binding/requests/1/resolve", {"action": "reject", "note": "x"}),
    ("/api/auth/qr-login/scan", {"sid": "s"}),
    ("/api/auth/qr-login/confirm", {"sid": "s"}),
    ("/api/auth/qr-login/cancel", {"sid": "s"}),
    ("/api/staff/1/invite", {"days": 3}),
    ("/api/me/unbind", None),
]
WRONG = [5, [], {}, True, None, "x" * 1000]
WRONG_INT = ["abc", [], {}, True, -5, 10**15, 1.5]


def _check(client, path, good):
    r = client.request("POST", path, data=b"{oops", headers={"Content-Type": "application/json"})
    assert (r.status, r.code) == (400, "BAD_JSON"), (path, r)
    r = client.request("POST", path, data=b'"a string"')
    assert (r.status, r.code) == (400, "BAD_JSON"), (path, r)
    if not good:
        return
    required = {k for k in good if k not in ("employee_no", "note", "staff_id", "phone", "days")}
    if required:
        r = client.post(path, {})
        assert (r.status, r.code) == (422, "VALIDATION_FAILED"), (path, r)
        assert set(r.error["fields"]) >= required
    for field, ok in good.items():
        wrong = WRONG_INT if isinstance(ok, int) else WRONG
        for value in wrong:
            if value is None and field not in required:
                continue
            r = client.post(path, {**good, field: value})
            assert r.status < 500 and r.code, (path, field, value, r)
            assert r.status in (400, 401, 404, 409, 410, 422), (path, field, value, r)


@pytest.mark.parametrize("path,good", ANON)
def test_anonymous_endpoints(api, path, good):
    _check(api, path, good)


@pytest.mark.parametrize("path,good", AUTHED)
def test_signed_in_endpoints(api, org, path, good):
    assert api.post(path, good or {}).status == 401
    _check(api.as_(org.a_hr_officer), path, good)


def test_specific_field_errors(api, org, fake_wechat):
    from tests.binding.flows import ticket_for
    ticket = ticket_for(api, fake_wechat, "o-v")
    r = api.post("/api/binding/requests", {"ticket": ticket, "conflict": "whatever", "name": "张三"})
    assert (r.status, r.code) == (422, "VALIDATION_FAILED") and "conflict" in r.error["fields"]
    r = api.post("/api/binding/requests", {"ticket": ticket, "conflict": "no_record", "name": "  "})
    assert r.status == 422 and "name" in r.error["fields"]
    r = api.post("/api/binding/requests", {"ticket": ticket, "conflict": "no_record", "name": "张三",
                                           "employee_no": 7})
    assert r.status == 422 and "employee_no" in r.error["fields"]
    checker = api.as_(org.a_checker)
    for body in ({"action": "burn"}, {"action": "rebind", "staff_id": "abc"},
                 {"action": "rebind", "staff_id": -1}, {"action": "rebind", "staff_id": 10**15}):
        r = checker.post("/api/binding/requests/1/resolve", body)
        assert (r.status, r.code) == (422, "VALIDATION_FAILED"), (body, r)
    assert checker.post("/api/binding/requests/1/resolve", {"action": "rebind"}).status == 404


def test_query_endpoints(api, org):
    r = api.get("/api/binding/requests")
    assert (r.status, r.code) == (422, "VALIDATION_FAILED") and "ticket" in r.error["fields"]
    assert api.get("/api/binding/requests?ticket=nope").code == "TICKET_EXPIRED"
    assert api.get("/api/binding/requests?ticket=" + "x" * 500).status == 422
    checker = api.as_(org.a_checker)
    assert checker.get("/api/binding/requests/queue?status=weird").status == 422
    r = checker.get("/api/binding/requests/queue?page=x")
    assert (r.status, r.code) == (422, "VALIDATION_FAILED") and r.error["fields"] == {"page": "应为整数"}
    assert checker.get("/api/binding/requests/queue?status=all&page=3").status == 200
    assert checker.get("/api/binding/requests/99999999").status == 404
    assert checker.get("/api/binding/requests/9999999999999").status == 404
    assert api.get("/api/binding/requests/queue").status == 401
    officer = api.as_(org.a_hr_officer)
    assert officer.get("/api/staff/1/invite.png?invite=" + "x" * 400).status == 422


def test_declared_fields_name_the_problem(api, org, fake_wechat):
    """handlers/schemas/binding.py over HTTP: missing, wrong type, out of range, bad enum."""
    from tests.binding.flows import ticket_for
    ticket = ticket_for(api, fake_wechat, "o-decl")
    r = api.post("/api/binding/phone", {"ticket": ticket})
    assert (r.status, r.code) == (422, "VALIDATION_FAILED") and r.error["fields"] == {"phone_code": "必填"}
    r = api.post("/api/auth/wechat", {"code": 123})
    assert r.status == 422 and r.error["fields"] == {"code": "应为文本"}
    r = api.post("/api/binding/requests", {"ticket": ticket, "conflict": "no_record", "name": "张三",
                                           "note": "x" * 501})
    assert r.status == 422 and r.error["fields"] == {"note": "不能超过 500 个字符"}
    assert api.get(f"/api/binding/requests?ticket={ticket}").data == []  # nothing was filed
    checker = api.as_(org.a_checker)
    r = checker.get("/api/binding/requests/queue?status=closed")
    assert r.status == 422 and r.error["fields"] == {"status": "取值不在允许范围内：open、resolved、rejected、all"}
    r = checker.post("/api/binding/requests/1/resolve", {"action": "rebind", "proof": "selfie"})
    assert r.status == 422 and r.error["fields"] == {"proof": "取值不在允许范围内：invite、hr_confirmed"}
    r = checker.post("/api/binding/requests/1/confirm", {"staff_id": 10**12 + 1, "note": "核对"})
    assert r.status == 422 and r.error["fields"] == {"staff_id": f"不能大于 {10**12}"}
    officer = api.as_(org.a_hr_officer)
    for days, message in ((0, "不能小于 1"), (31, "不能大于 30"), (True, "应为整数"), ("7", "应为整数")):
        r = officer.post(f"/api/staff/{org.hr_1.id}/invite", {"days": days})
        assert r.status == 422 and r.error["fields"] == {"days": message}, (days, r)
    r = officer.get(f"/api/staff/{org.hr_1.id}/invite.png")
    assert r.status == 422 and r.error["fields"] == {"invite": "必填"}
    r = api.as_(org.office_1).post("/api/auth/qr-login/scan", {"sid": "a\nb"})
    assert r.status == 422 and r.error["fields"] == {"sid": "不能包含控制字符或换行"}
