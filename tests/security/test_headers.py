"""Issue 9: console cookies are Secure behind the TLS proxy, forwarded headers are believed only
from server.trusted_proxies, console pages carry a CSP (nonce for inline scripts) and refuse
framing, and a CRLF in next= after TOTP is not a 500."""
import re

import pytest

from models.audit import AuditLog
from server.proxies import parse_trusted
from tests.admin.console import Console, fresh_code
from tests.org.util import raw

HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9, 127.0.0.1"}


@pytest.fixture
def behind_proxy(server):
    """The running app with the loopback address as its trusted proxy."""
    settings = server.app.settings
    saved = settings["trusted_proxy_nets"]
    settings["trusted_proxy_nets"] = parse_trusted(["127.0.0.1/32"])
    yield
    settings["trusted_proxy_nets"] = saved


def set_cookies(r):
    """name -> the whole Set-Cookie line, for each cookie this response sets."""
    lines = r.raw.headers.getlist("Set-Cookie")
    return {line.split("=", 1)[0]: line for line in lines}


def insecure_jar(c):
    # requests would not send a Secure cookie over our plain-HTTP test connection: the proxy would.
    for cookie in c.http.cookies:
        cookie.secure = False


def sign_in(server, admin, headers):
    c = Console(server.base_url)
    c.http.headers.update(headers)
    first = c.get("/admin/login")
    insecure_jar(c)
    pw = c.post("/admin/login", {"username": admin.username, "password": admin.password})
    assert pw.status_code == 302, pw.text[:300]
    insecure_jar(c)
    totp = c.post("/admin/login/totp", {"code": fresh_code(admin.secret)})
    assert totp.status_code == 302 and totp.headers["Location"] == "/admin/", totp.text[:300]
    return first, pw, totp


def test_cookies_secure_behind_trusted_tls_proxy(server, f, behind_proxy):
    f.unit("甲局", "A")
    admin = f.admin("system", "sys1")
    first, pw, totp = sign_in(server, admin, HTTPS)
    assert "_xsrf" in set_cookies(first), (first.status_code, first.raw.headers)
    assert "secure" in set_cookies(first)["_xsrf"].lower()
    assert "secure" in set_cookies(pw)["mj_admin_pre"].lower()
    assert "secure" in set_cookies(totp)["mj_admin"].lower()
    login = raw(server, AuditLog.select().where(AuditLog.action == "admin.login"))[-1]
    assert login.ip == "203.0.113.9"  # the client, from the trusted proxy's X-Forwarded-For


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(server, f):
    f.unit("甲局", "A")
    admin = f.admin("system", "sys1")
    _, pw, totp = sign_in(server, admin, {**HTTPS, "X-Real-IP": "198.51.100.7"})
    assert "secure" not in set_cookies(totp)["mj_admin"].lower()
    login = raw(server, AuditLog.select().where(AuditLog.action == "admin.login"))[-1]
    assert login.ip == "127.0.0.1"


def test_console_pages_carry_csp_with_a_nonce_and_refuse_framing(server, f):
    unit = f.unit("甲局", "A")
    admin = f.admin("system", "sys1", unit=unit)
    f.grant(admin.staff, "hr_officer", "unit_tree", unit=unit)  # attendance settings pages
    c = Console(server.base_url).login(admin)
    for path in ("/admin/login", "/admin/", "/admin/no-such-page"):
        r = (Console(server.base_url) if path == "/admin/login" else c).get(path)
        csp = r.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp and r.headers.get("X-Frame-Options") == "DENY", path
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert re.search(r"'nonce-[\w-]{16,}'", csp)
    # Two responses, two nonces; an inline <script> on a page carries its response's nonce.
    one, two = (c.get("/admin/").headers["Content-Security-Policy"] for _ in range(2))
    assert one != two
    page = c.get("/admin/attendance/settings/schedules")
    inline = list(re.finditer(r"<script(?![^>]*\bsrc=)([^>]*)>", page.text))
    assert page.status_code == 200 and inline, page.status_code
    for m in inline:
        nonce = re.search(r'nonce="([^"]+)"', m.group(1)).group(1)
        assert f"'nonce-{nonce}'" in page.headers["Content-Security-Policy"]


def test_crlf_in_next_after_totp_is_not_a_500(server, f):
    f.unit("甲局", "A")
    admin = f.admin("system", "sys1")
    c = Console(server.base_url)
    c.post("/admin/login", {"username": "sys1", "password": admin.password,
                            "next": "/admin/staff\r\nSet-Cookie: evil=1"})
    r = c.post("/admin/login/totp", {"code": fresh_code(admin.secret)})
    assert r.status_code == 302 and r.headers["Location"] == "/admin/"
    assert "evil" not in r.headers.get("Set-Cookie", "")


def test_console_ids_beyond_64_bits_are_404_not_500(server, f):
    f.unit("甲局", "A")
    admin = f.admin("system", "sys1")
    c = Console(server.base_url).login(admin)
    failures, tried = [], 0
    for rule in server.app.wildcard_router.rules:
        pattern = getattr(rule.matcher, "regex", None)
        if pattern is None or not pattern.pattern.startswith("/admin") or "(" not in pattern.pattern:
            continue
        path = re.sub(r"\([^)]*\)", "99999999999999999999", pattern.pattern.rstrip("$")).replace("\\", "")
        for method in ("get", "post"):
            if method not in {m for k in rule.target.__mro__ for m in k.__dict__}:
                continue
            tried += 1
            r = c.get(path) if method == "get" else c.post(path, {"department_id": "9" * 25})
            if r.status_code >= 500:
                failures.append(f"{method.upper()} {path} -> {r.status_code}")
    assert not failures and tried >= 5, "\n".join(failures)
    r = c.get("/admin/staff?page=99999999999999999999999&department_id=99999999999999999999")
    assert r.status_code < 500


def test_garbage_forwarded_address_from_the_proxy_is_not_believed(server, f, behind_proxy):
    f.unit("甲局", "A")
    admin = f.admin("system", "sys1")
    sign_in(server, admin, {"X-Real-IP": "x" * 60, "X-Forwarded-For": "not-an-ip"})
    login = raw(server, AuditLog.select().where(AuditLog.action == "admin.login"))[-1]
    assert login.ip == "127.0.0.1"
