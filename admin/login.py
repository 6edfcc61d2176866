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
    def get_template_namespace(self):
        ns = super().get_template_namespace()
        ns["dev_scan"] = admin_auth.dev_scan_enabled(self.env)
        return ns

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
        if "change_token" in result:
            self.set_cookie(PRE_COOKIE, result["change_token"], path="/admin/login", httponly=True,
                            samesite="Strict", secure=self.request.protocol == "https",
                            expires_days=None)
            self.redirect("/admin/login/password")
            return
        self.start_console_session(result["token"])
        self.redirect(self.login_next())


class DevScanHandler(SessionCookieMixin, AdminHandler):
    """开发模式：模拟扫码登录（仅 WeChat fake 模式存在）。"""
    allow_anonymous = True

    async def get(self):
        people = await admin_auth.dev_scan_candidates(env=self.env)
        self.render("login/dev_scan.html", people=people)

    async def post(self):
        session = await admin_auth.dev_scan_login(
            env=self.env, staff_id=self.int_arg("staff_id", 0, body=True), ip=self.client_ip,
            user_agent=self.user_agent, request_id=self.request_id)
        self.start_console_session(session["token"])
        self.redirect("/admin/")


class ForcedPasswordHandler(SessionCookieMixin, AdminHandler):
    """首次登录：修改初始密码（修改前不能进入管理后台）。"""
    allow_anonymous = True

    async def get(self):
        if not await admin_auth.change_stage_valid(env=self.env,
                                                   change_token=self.get_cookie(PRE_COOKIE)):
            self.redirect("/admin/login")
            return
        await self.page("login/change_password.html", error=None, errors={})

    async def post(self):
        try:
            result = await admin_auth.forced_password_change(
                env=self.env, change_token=self.get_cookie(PRE_COOKIE),
                current=self.get_body_argument("current", ""),
                new=self.get_body_argument("new", ""), repeat=self.get_body_argument("repeat", ""),
                ip=self.client_ip, user_agent=self.user_agent, request_id=self.request_id)
        except ApiError as exc:
            self.set_status(exc.status)
            if exc.status in (401, 403):
                self.clear_cookie(PRE_COOKIE, path="/admin/login")
                await self.page("login/index.html", next_url="/admin/", username="",
                                error=exc.message)
                return
            await self.page("login/change_password.html", error=exc.message,
                            errors=exc.fields or {})
            return
        self.start_console_session(result["token"])
        self.flash("密码已修改，欢迎使用管理后台")
        self.redirect(self.login_next())


class AccountPasswordHandler(AdminHandler):
    """修改密码。"""

    async def get(self):
        await self.page("login/account_password.html",
                        has_password=await admin_auth.has_password(actor=self.principal))

    async def post(self):
        try:
            await admin_auth.change_password(
                env=self.env, actor=self.principal, current=self.get_body_argument("current", ""),
                new=self.get_body_argument("new", ""), repeat=self.get_body_argument("repeat", ""))
        except ApiError as exc:
            if exc.status >= 500:
                raise
            self.set_status(exc.status)
            await self.page("login/account_password.html", error=exc.message,
                            errors=exc.fields or {},
                            has_password=await admin_auth.has_password(actor=self.principal))
            return
        self.flash("密码已修改，下次登录请使用新密码")
        self.redirect("/admin/account/password")


class AdminAccountsHandler(AdminHandler):
    """管理员账号（安全保密管理员重置动态口令）。"""
    required = ("role.grant",)

    async def get(self):
        rows = await admin_auth.list_admins(env=self.env, actor=self.principal)
        await self.page("login/admins.html", rows=rows)


class ResetTotpHandler(AdminHandler):
    """重置另一名管理员的动态口令。"""
    required = ("role.grant",)

    async def post(self, staff_id):
        done = await admin_auth.reset_totp(env=self.env, actor=self.principal,
                                           staff_id=int(staff_id))
        self.flash(f"已重置 {done['name']}（{done['username']}）的动态口令，其下次登录时需重新绑定")
        self.redirect("/admin/account/admins")


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
    (r"/admin/login/password", ForcedPasswordHandler),
    (r"/admin/login/dev-scan", DevScanHandler),
    (r"/admin/account/password", AccountPasswordHandler),
    (r"/admin/account/admins", AdminAccountsHandler),
    (r"/admin/account/admins/([0-9]{1,18})/reset-totp", ResetTotpHandler),
    (r"/admin/logout", LogoutHandler),
]
