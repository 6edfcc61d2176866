"""A requests-based client for the admin console: XSRF-aware forms, sign-in with password + TOTP."""
import re
import time

import requests

from services.admin_auth import totp_code

XSRF_RE = re.compile(r'name="_xsrf" value="([^"]+)"')


class Console:
    def __init__(self, base_url):
        self.base_url = base_url
        self.http = requests.Session()

    def get(self, path, **kw):
        kw.setdefault("allow_redirects", False)
        return self.http.get(self.base_url + path, timeout=30, **kw)

    def xsrf(self):
        token = self.http.cookies.get("_xsrf")
        if not token:
            self.get("/admin/login")
            token = self.http.cookies.get("_xsrf")
        return token

    def post(self, path, data=None, *, xsrf=True, files=None, **kw):
        data = dict(data or {})
        if xsrf:
            data["_xsrf"] = self.xsrf()
        kw.setdefault("allow_redirects", False)
        return self.http.post(self.base_url + path, data=data, files=files, timeout=30, **kw)

    def login(self, account, *, code=None):
        r = self.post("/admin/login", {"username": account.username, "password": account.password})
        assert r.status_code == 302, r.text[:500]
        assert r.headers["Location"] == "/admin/login/totp", r.headers["Location"]
        r = self.post("/admin/login/totp", {"code": code or fresh_code(account.secret)})
        assert r.status_code == 302 and r.headers["Location"] == "/admin/", r.text[:800]
        return self


_used = {}


def fresh_code(secret):
    """A TOTP code for a step not yet used with this secret (the server refuses replays)."""
    step = int(time.time() // 30)
    if _used.get(secret, -1) >= step:
        time.sleep(30 - time.time() % 30 + 0.2)
        step = int(time.time() // 30)
    _used[secret] = step
    return totp_code(secret, step * 30 + 1)
