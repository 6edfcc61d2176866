"""POST /api/auth/wechat: bound → session, unbound → ticket; WeChat errors; rate limits; real mode."""
import base64
import os

from server.config import check_config
from tests.binding.flows import audit_rows, wx_login
from tests import support
from tests.support import Client, ServerThread


def test_unbound_wechat_gets_a_ticket_not_a_session(api, org, fake_wechat, server):
    r = wx_login(api, fake_wechat, "o-new")
    assert r.status == 200, r
    assert r.data["status"] == "unbound"
    assert len(r.data["ticket"]) >= 40 and "token" not in r.data
    assert r.data["expires_at"].endswith("+08:00")
    # Only a hash of the ticket is stored.
    keys = server.run(server.env.redis.keys("bind_ticket:*"))
    assert len(keys) == 1 and r.data["ticket"] not in keys[0]
    # A ticket is not a session.
    assert Client(server.base_url, token=r.data["ticket"]).get("/api/me").status == 401


def test_bound_wechat_signs_in(api, f, org, fake_wechat, server):
    f.staff(org.a_office, "已绑定", employee_no="W1", phone="13700000001", openid="o-bound")
    r = wx_login(api, fake_wechat, "o-bound")
    assert r.status == 200, r
    assert r.data["status"] == "bound"
    assert r.data["me"]["name"] == "已绑定" and r.data["me"]["phone_masked"] == "137****0001"
    me = Client(server.base_url, token=r.data["token"]).get("/api/me")
    assert me.status == 200 and me.data["employee_no"] == "W1"
    assert audit_rows(server, "auth.login")[-1].after == {"method": "wechat"}


def test_wechat_bound_to_retired_record_is_unbound(api, f, org, fake_wechat):
    f.staff(org.a_office, "已退休", status="retired", openid="o-old")
    r = wx_login(api, fake_wechat, "o-old")
    assert r.status == 200 and r.data["status"] == "unbound"


def test_wechat_errors_map_to_codes(api, fake_wechat):
    r = api.post("/api/auth/wechat", {"code": "nonsense"})
    assert (r.status, r.code) == (400, "WECHAT_CODE_INVALID")
    assert api.post("/api/auth/wechat", {"code": "fake:o-1"}).status == 200
    r = api.post("/api/auth/wechat", {"code": "fake:o-1"})
    assert (r.status, r.code) == (409, "WECHAT_CODE_USED")
    fake_wechat.rate_limit(1)
    r = api.post("/api/auth/wechat", {"code": "fake:o-2"})
    assert (r.status, r.code) == (429, "WECHAT_RATE_LIMITED") and r.headers["Retry-After"]


def test_login_rate_limited_per_account(api, server, fake_wechat):
    limit = server.config.security.login_rate_per_account
    for _ in range(limit):
        assert wx_login(api, fake_wechat, "o-hammer").status == 200
    r = wx_login(api, fake_wechat, "o-hammer")
    assert r.status == 429 and r.code == "RATE_LIMITED"
    assert 0 < int(r.headers["Retry-After"]) <= 60
    # Another WeChat from the same IP is still fine.
    assert wx_login(api, fake_wechat, "o-other").status == 200


def test_one_office_behind_one_address_signs_in(api, server, fake_wechat):
    # More people than the failure budget sign in from one NAT address within a minute.
    n = server.config.security.login_rate_per_ip + 10
    for i in range(n):
        assert wx_login(api, fake_wechat, f"o-{i}").status == 200
    assert api.post("/api/auth/dev", {"employee_no": "X"}).status == 404


def test_login_rate_limited_per_address_on_failures(api, server, fake_wechat):
    limit = server.config.security.login_rate_per_ip
    for i in range(limit):
        r = api.post("/api/auth/wechat", {"code": f"guess-{i}"})
        assert (r.status, r.code) == (400, "WECHAT_CODE_INVALID")
    r = wx_login(api, fake_wechat, "o-last")
    assert r.status == 429 and int(r.headers["Retry-After"]) > 0
    # The dev login shares the per-address failure budget.
    assert api.post("/api/auth/dev", {"employee_no": "X"}).status == 429


def test_login_rate_limited_per_address_budget(api, server, fake_wechat):
    server.run(server.env.redis.set("rl:login-ip:127.0.0.1",
                                    server.config.security.login_rate_per_address, ex=60))
    r = wx_login(api, fake_wechat, "o-any")
    assert r.status == 429 and int(r.headers["Retry-After"]) > 0


def test_one_code_is_tried_a_few_times_only(api, server, fake_wechat):
    limit = server.config.security.login_rate_per_code
    for _ in range(limit):
        assert api.post("/api/auth/wechat", {"code": "same-code"}).status == 400
    assert api.post("/api/auth/wechat", {"code": "same-code"}).status == 429


def test_bad_input_is_400_or_422(api):
    r = api.request("POST", "/api/auth/wechat", data=b"{not json", headers={"Content-Type": "application/json"})
    assert (r.status, r.code) == (400, "BAD_JSON")
    r = api.post("/api/auth/wechat", {})
    assert (r.status, r.code) == (422, "VALIDATION_FAILED") and "code" in r.error["fields"]
    r = api.post("/api/auth/wechat", {"code": 123})
    assert (r.status, r.code) == (422, "VALIDATION_FAILED")
    r = api.post("/api/auth/wechat", {"code": "x" * 500})
    assert r.status == 422
    r = api.request("POST", "/api/auth/wechat", data=b"[1,2]")
    assert (r.status, r.code) == (400, "BAD_JSON")


def test_real_mode_has_no_dev_login(server, tmp_path, api, org, fake_wechat):
    key = base64.b64encode(os.urandom(32)).decode()
    config = support.test_config(
        tmp_path,
        database={"url": server.config.database.url},
        wechat={"mode": "real", "appid": "wx1234567890abcdef", "secret": "3f0c9a1b7e5d4c2a8b6f",
                "api_base": fake_wechat.base_url},
        server={"cookie_secret": os.urandom(16).hex()},
        security={"pii_keys": f"k1:aes256gcm:{key}", "pii_index_key": os.urandom(16).hex(),
                  "signing_key": os.urandom(16).hex(), "audit_key": os.urandom(16).hex()})
    check_config(config)  # real-looking secrets: accepted
    fake_wechat.add_app("wx1234567890abcdef", "3f0c9a1b7e5d4c2a8b6f")
    real = ServerThread(config).start()
    try:
        client = Client(real.base_url)
        r = client.post("/api/auth/dev", {"employee_no": org.a_head.employee_no})
        assert r.status == 404 and r.code == "NOT_FOUND"
        # The WeChat login is there, and talks to the configured api_base.
        r = client.post("/api/auth/wechat", {"code": "fake:o-real"})
        assert r.status == 200 and r.data["status"] == "unbound"
    finally:
        # Both servers bind the one database proxy: give it back to the session's server.
        from models.base import db
        from services import audit
        db.initialize(server.env.db)
        audit.use_key(server.config.security.audit_key)  # and the audit chain's key (issue 9)
        real.stop()
    # ... while the fake-mode server does have the dev login.
    assert api.post("/api/auth/dev", {"employee_no": org.a_head.employee_no}).status == 200
