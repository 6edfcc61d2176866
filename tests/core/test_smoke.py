"""The app starts, reports health, and the dev login gives a session with the masked profile."""


def test_healthz(api):
    r = api.get("/healthz")
    assert r.status == 200
    assert r.data == {"ok": True, "database": "ok", "redis": "ok"}


def test_dev_login_and_me(api, org):
    me = api.as_(org.a_head).get("/api/me")
    assert me.status == 200, me
    assert me.data["name"] == "甲局长"
    assert me.data["phone_masked"] == "138****0001"
    assert me.data["department"]["name"] == "局领导"


def test_me_requires_token(api):
    r = api.get("/api/me")
    assert r.status == 401
    assert r.code == "AUTH_REQUIRED"
    assert r.error["message"] == "请先登录"


def test_unknown_route_is_json_404(api):
    r = api.get("/api/nope")
    assert r.status == 404 and r.code == "NOT_FOUND"
