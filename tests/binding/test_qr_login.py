"""Scan-to-sign-in for the admin console: the Redis state machine and its mini-program API."""
import pytest

from services import qr_login


@pytest.fixture
def qr(server):
    def make():
        return server.run(qr_login.create_qr_login(env=server.env, ip="10.1.2.3",
                                                   user_agent="Mozilla/5.0 Test"))
    return make


def poll(server, sid):
    return server.run(qr_login.poll_qr_login(env=server.env, sid=sid))


def consume(server, sid):
    return server.run(qr_login.consume_qr_login(env=server.env, sid=sid))


def test_scan_confirm_consume_once(api, org, server, qr):
    made = qr()
    assert made["qr_text"] == "mingjing://admin-login?sid=" + made["sid"]
    sid = made["sid"]
    assert poll(server, sid) == {"state": "pending"}
    officer = api.as_(org.a_hr_officer)
    r = officer.post("/api/auth/qr-login/scan", {"sid": sid})
    assert r.status == 200, r
    assert r.data["ip"] == "10.1.2.3" and r.data["user_agent"] == "Mozilla/5.0 Test"
    assert r.data["sid"] == sid and r.data["expires_at"].endswith("+08:00")
    assert poll(server, sid) == {"state": "scanned"}
    assert consume(server, sid) is None  # not confirmed yet
    # Someone else cannot take over a scanned code.
    r = api.as_(org.a_checker).post("/api/auth/qr-login/confirm", {"sid": sid})
    assert (r.status, r.code) == (409, "QR_LOGIN_STATE")
    r = officer.post("/api/auth/qr-login/confirm", {"sid": sid})
    assert r.status == 200 and r.data["state"] == "confirmed"
    assert poll(server, sid) == {"state": "confirmed", "staff_id": org.a_hr_officer.id}
    from tests.binding.flows import audit_rows
    entry = audit_rows(server, "auth.qr_login.confirm")[-1]
    assert entry.actor == org.a_hr_officer.id and entry.after["browser_ip"] == "10.1.2.3"
    # Single use.
    assert consume(server, sid) == org.a_hr_officer.id
    assert consume(server, sid) is None
    assert poll(server, sid) == {"state": "expired"}
    r = officer.post("/api/auth/qr-login/confirm", {"sid": sid})
    assert (r.status, r.code) == (410, "QR_LOGIN_EXPIRED")


def test_cancel(api, org, server, qr):
    sid = qr()["sid"]
    officer = api.as_(org.a_hr_officer)
    officer.post("/api/auth/qr-login/scan", {"sid": sid})
    assert officer.post("/api/auth/qr-login/cancel", {"sid": sid}).data["state"] == "cancelled"
    assert poll(server, sid) == {"state": "cancelled"}
    from tests.binding.flows import audit_rows
    entry = audit_rows(server, "auth.qr_login.cancel")[-1]
    assert entry.actor == org.a_hr_officer.id and entry.after["browser_ip"] == "10.1.2.3"
    assert entry.after["previous_state"] == "scanned"
    r = officer.post("/api/auth/qr-login/confirm", {"sid": sid})
    assert (r.status, r.code) == (409, "QR_LOGIN_STATE")
    r = officer.post("/api/auth/qr-login/scan", {"sid": sid})
    assert (r.status, r.code) == (409, "QR_LOGIN_STATE")
    assert consume(server, sid) is None


def test_confirm_needs_a_scan_first(api, org, server, qr):
    sid = qr()["sid"]
    r = api.as_(org.a_hr_officer).post("/api/auth/qr-login/confirm", {"sid": sid})
    assert (r.status, r.code) == (409, "QR_LOGIN_STATE")


def test_self_service_staff_may_not_sign_in_to_the_console(api, org, server, qr):
    sid = qr()["sid"]
    plain = api.as_(org.fin_1)
    for step in ("scan", "confirm"):
        r = plain.post(f"/api/auth/qr-login/{step}", {"sid": sid})
        assert (r.status, r.code) == (403, "QR_LOGIN_NOT_ALLOWED")
    assert poll(server, sid) == {"state": "pending"}
    # Department leaders may sign in (their team's read-only pages): tests/leaders/test_console.py.
    # Anonymous: 401.
    assert api.post("/api/auth/qr-login/scan", {"sid": sid}).status == 401


def test_expiry(api, org, server, qr):
    sid = qr()["sid"]
    officer = api.as_(org.a_hr_officer)
    officer.post("/api/auth/qr-login/scan", {"sid": sid})
    key = "qrl:" + __import__("hashlib").sha256(sid.encode()).hexdigest()
    assert 0 < server.run(server.env.redis.ttl(key)) <= 120
    server.run(server.env.redis.delete(key))  # as when the 120 s run out
    assert poll(server, sid) == {"state": "expired"}
    r = officer.post("/api/auth/qr-login/confirm", {"sid": sid})
    assert (r.status, r.code) == (410, "QR_LOGIN_EXPIRED")
    r = officer.post("/api/auth/qr-login/scan", {"sid": "never-issued"})
    assert (r.status, r.code) == (410, "QR_LOGIN_EXPIRED")
    assert consume(server, "never-issued") is None


def test_expired_after_confirm_cannot_be_consumed(api, org, server, qr):
    sid = qr()["sid"]
    officer = api.as_(org.a_hr_officer)
    officer.post("/api/auth/qr-login/scan", {"sid": sid})
    officer.post("/api/auth/qr-login/confirm", {"sid": sid})
    ok_key = "qrl_ok:" + __import__("hashlib").sha256(sid.encode()).hexdigest()
    assert 0 < server.run(server.env.redis.ttl(ok_key)) <= 120
    server.run(server.env.redis.delete(ok_key))
    assert consume(server, sid) is None
