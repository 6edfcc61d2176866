"""A requests-based client for the admin console: XSRF-aware forms, sign-in with password + TOTP."""
import contextlib
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


CHROMIUM = "/usr/bin/chromium"


@contextlib.contextmanager
def console_page(console, base_url, *, width=1366, height=860, browser=None, headers=None):
    """A Chromium page (Playwright, Debian chromium) carrying the cookies of a signed-in `console`
    (a Console, e.g. from tests.admin.test_pages_http.qr_sign_in): the page is signed in as they
    are, relative URLs go to `base_url`; context and browser are closed on leaving.
    `browser`: an already launched Playwright browser to open the context in (e.g. a module's
    `browser` fixture; it stays open); `headers`: extra HTTP headers on every request (e.g. the
    test clock, X-Mingjing-Now)."""
    if browser is not None:
        with _signed_in_page(browser, console, base_url, width, height, headers) as page:
            yield page
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            with _signed_in_page(launched, console, base_url, width, height, headers) as page:
                yield page
        finally:
            launched.close()


@contextlib.contextmanager
def _signed_in_page(browser, console, base_url, width, height, headers):
    ctx = browser.new_context(base_url=base_url, locale="zh-CN",
                              viewport={"width": width, "height": height})
    try:
        hand_over(ctx, console, base_url)
        if headers:
            ctx.set_extra_http_headers(headers)
        page = ctx.new_page()
        page.set_default_timeout(15000)
        yield page
    finally:
        ctx.close()


def hand_over(context, console, base_url):
    """Give a Playwright browser context the cookies of a signed-in `console` (its session and
    XSRF cookies): its pages are then signed in as the console is."""
    context.add_cookies([{"name": k, "value": v, "url": base_url} for k, v in console.http.cookies.items()])
