"""Console sign-in pages: password, TOTP (with first-time enrolment), scan-to-sign-in, sign-out."""
import urllib.parse

from admin.base import PRE_COOKIE, SESSION_COOKIE, AdminHandler
from server.errors import ApiError
from services import admin_auth

QR_COOKIE = "mj_qr"


def safe_next(value):
    """Only same-console paths: never an open redirect."""
    # A control character (CR/LF) or space would break the Location header: a 500, or a split.
    if not value or any(c <= " " or c == "\x7f" or c == "\\" for c in value):
        return "/admin/"
    parsed = urllib.parse.urlparse(value)
    if parsed.scheme or parsed.netloc or not parsed.path.startswith("/admin") or value.startswith("//"):
        return "/admin/"
    if parsed.path.startswith("/admin/login") or parsed.path.startswith("/admin/logout"):
        return "/admin/"
    return value


class SessionCookieMixin:
    def start_console_session(self, token):
        self.set_cookie(SESSION_COOKIE, token, path="/admin", httponly=True, samesite="Strict",
                        secure=self.request.protocol == "https")
        self.clear_cookie(PRE_COOKIE, path="/admin/login")
        self.clear_cookie(QR_COOKIE, path="/admin/login")

    def login_next(self):
        raw = self.get_secure_cookie("mj_next", max_age_days=1)
        return safe_next(raw.decode() if raw else "")


class LoginHandler(SessionCookieMixin, AdminHandler):
    """管理后台登录页：账号密码 + 扫码登录。"""
    allow_anonymous = True

    async def get(self):
        if self.principal is not None:
            self.redirect("/admin/")
            return
        await self.page("login/index.html", next_url=safe_next(self.get_query_argument("next", "")),
                        username="", error=None)

    async def post(self):
        username = self.get_body_argument("username", "")
        password = self.get_body_argument("password", "")
        next_url = safe_next(self.get_body_argument("next", ""))
        try:
            result = await admin_auth.password_step(env=self.env, username=username,
                                                    password=password, ip=self.client_ip,
                                                    request_id=self.request_id)
        except ApiError as exc:
            self.set_status(exc.status)
            await self.page("login/index.html", next_url=next_url, username=username[:50],
                            error=exc.message)
            return
        self.set_cookie(PRE_COOKIE, result["pre_token"], path="/admin/login", httponly=True,
                        samesite="Strict", secure=self.request.protocol == "https",
                        expires_days=None)
        self.set_secure_cookie("mj_next", next_url, path="/admin/login", httponly=True,
                               samesite="Strict", expires_days=None)
        self.redirect("/admin/login/" + ("totp" if result["stage"] == "totp" else "enrol"))


class SecondFactorHandler(SessionCookieMixin, AdminHandler):
    allow_anonymous = True
    stage = "totp"
    template = "login/totp.html"

    async def stage_or_restart(self):
        stage = await admin_auth.pending_stage(env=self.env, pre_token=self.get_cookie(PRE_COOKIE))
        if stage is None:
            self.redirect("/admin/login")
            return None
        if stage != self.stage:
            self.redirect("/admin/login/" + stage)
            return None
        return stage

    async def context(self):
        return {}

    async def get(self):
        if await self.stage_or_restart():
            await self.page(self.template, error=None, **await self.context())

    async def post(self):
        if not await self.stage_or_restart():
            return
        try:
            result = await admin_auth.totp_step(
                env=self.env, pre_token=self.get_cookie(PRE_COOKIE),
                code=self.get_body_argument("code", ""), ip=self.client_ip,
                user_agent=self.user_agent, request_id=self.request_id)
        except ApiError as exc:
            self.set_status(exc.status)
            if exc.code == "ACCOUNT_LOCKED" or exc.status == 401:
                self.clear_cookie(PRE_COOKIE, path="/admin/login")
                await self.page("login/index.html", next_url="/admin/", username="",
                                error=exc.message)
                return
            await self.page(self.template, error=exc.message, **await self.context())
            return
        self.start_console_session(result["token"])
        self.redirect(self.login_next())


class TotpHandler(SecondFactorHandler):
    """登录第二步：输入动态口令。"""


class EnrolHandler(SecondFactorHandler):
    """首次登录：绑定动态口令。"""
    stage = "enrol"
    template = "login/enrol.html"

    async def context(self):
        return {"enrol": await admin_auth.enrolment(env=self.env,
                                                    pre_token=self.get_cookie(PRE_COOKIE))}


class QrLoginHandler(AdminHandler):
    """生成扫码登录二维码（JSON）。"""
    allow_anonymous = True

    async def post(self):
        result = await admin_auth.start_qr_login(env=self.env, ip=self.client_ip,
                                                 user_agent=self.user_agent)
        # Bind the QR to this browser: only it may collect the session when the phone confirms.
        self.set_secure_cookie(QR_COOKIE, result["sid"], path="/admin/login", httponly=True,
                               samesite="Strict", expires_days=None)
        self.write_json({"data": {"sid": result["sid"], "qr_svg": result["qr_svg"],
                                  "expires_at": result.get("expires_at")}})


class QrPollHandler(SessionCookieMixin, AdminHandler):
    """轮询扫码登录状态（JSON）；手机确认后写入会话。"""
    allow_anonymous = True

    async def get(self, sid):
        bound = self.get_secure_cookie(QR_COOKIE, max_age_days=1)
        if not bound or bound.decode() != sid:
            self.write_json({"data": {"state": "expired"}})
            return
        result = await admin_auth.poll_qr_login(env=self.env, sid=sid, ip=self.client_ip,
                                                user_agent=self.user_agent,
                                                request_id=self.request_id)
        if result["state"] == "confirmed":
            self.start_console_session(result.pop("token"))
            result["redirect"] = "/admin/"
        self.write_json({"data": result})


class LogoutHandler(AdminHandler):
    """退出登录。"""

    async def post(self):
        await admin_auth.logout(env=self.env, actor=self.principal, token=self.session_token)
        self.clear_cookie(SESSION_COOKIE, path="/admin")
        self.redirect("/admin/login")


default_handlers = [
    (r"/admin/login", LoginHandler),
    (r"/admin/login/totp", TotpHandler),
    (r"/admin/login/enrol", EnrolHandler),
    (r"/admin/login/qr", QrLoginHandler),
    (r"/admin/login/qr/([A-Za-z0-9_\-]{8,100})/poll", QrPollHandler),
    (r"/admin/logout", LogoutHandler),
]
