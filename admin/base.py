"""Base handler of the admin console: cookie session, permissions, page rendering, error pages.

The caller is resolved in `prepare()` from the admin session cookie (the cookie holds only a
random token; the session lives in Redis with a sliding idle timeout) and the Principal is rebuilt
from the database on every request, so a changed grant applies on the next page. XSRF stays on
(Tornado checks every non-GET request before `prepare()`).
"""
import base64
import hashlib
import json
import logging
import secrets
import urllib.parse

import tornado.web

from handlers.base import BaseHandler, dumps, to_local
from server import inputs, logs
from server.errors import ApiError, Forbidden
from services import admin_auth
from services.access import load_principal

log = logging.getLogger("mingjing.admin")
SESSION_COOKIE = "mj_admin"
PRE_COOKIE = "mj_admin_pre"
FLASH_COOKIE = "mj_flash"

# Left navigation: (path, label, permissions any of which shows the item).
NAV = [
    ("/admin/", "工作台", admin_auth.CONSOLE_PERMISSIONS),
    ("/admin/org", "组织机构", ("org.manage",)),
    ("/admin/staff", "人员管理", ("staff.view",)),
    ("/admin/roles", "角色授权", ("role.view",)),
    ("/admin/binding", "绑定申请", ("binding.view",)),
    ("/admin/audit", "审计日志", ("audit.view",)),
    # 考勤 (admin/attendance.py, admin/attendance_reports.py)
    ("/admin/attendance/board", "考勤看板", ("attendance.view",)),
    ("/admin/attendance/report", "考勤统计", ("attendance.report",)),
    ("/admin/attendance/review", "打卡复核", ("attendance.review",)),
    ("/admin/attendance/settings", "考勤设置", ("attendance.manage",)),
    # 请假与审批 (admin/leave.py, admin/approval_flows.py, admin/calendar.py)
    ("/admin/leave/types", "假期类型", ("leave.manage",)),
    ("/admin/leave/balances", "假期余额", ("leave.manage",)),
    ("/admin/leave/report", "请假统计", ("leave.report",)),
    ("/admin/approval-flows", "审批流程", ("approval.flow.manage",)),
    ("/admin/calendar", "节假日日历", ("calendar.manage",)),
    ("/admin/reminders", "消息提醒", ("system.config", "reminder.view")),   # admin/reminders.py (issue 13)
    # 考核 (admin/appraisal/...)
    ("/admin/appraisal/cycles", "考核周期", ("appraisal.manage",)),
    ("/admin/appraisal/goals", "考核目标", ("appraisal.view", "appraisal.manage")),
    ("/admin/appraisal/values-import", "导入实际值", ("appraisal.manage",)),   # admin/appraisal/progress.py
    ("/admin/appraisal/feeds", "数据接口令牌", ("appraisal.manage",)),
    ("/admin/appraisal/scoring", "评分进度", ("appraisal.manage",)),           # admin/appraisal/scoring.py
    ("/admin/appraisal/relationships", "亲属关系", ("appraisal.manage",)),
    ("/admin/appraisal/results", "考核结果", ("appraisal.manage",)),           # admin/appraisal/results.py
    ("/admin/appraisal/alerts", "廉洁风险预警", ("appraisal.view", "appraisal.manage")),  # admin/appraisal/alerts.py
]

# Inline event handlers the templates use; CSP allows exactly these ('unsafe-hashes'), and inline
# <script> blocks carry the per-response nonce (`nonce="{{ csp_nonce }}"`).
INLINE_HANDLERS = ("this.form.submit()", "window.print()")
_HANDLER_HASHES = " ".join(
    "'sha256-%s'" % base64.b64encode(hashlib.sha256(js.encode()).digest()).decode()
    for js in INLINE_HANDLERS)


def content_security_policy(nonce):
    return ("default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}' 'unsafe-hashes' {_HANDLER_HASHES}; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


NAV_DENIED_TIERS = {"/admin/staff": ("security", "audit")}

STATUS_MESSAGES = {
    400: "请求有误", 401: "请先登录", 403: "无权访问此页面", 404: "页面或记录不存在",
    405: "不支持该请求方法", 413: "上传内容过大", 500: "服务器内部错误，请稍后重试",
}


class AdminHandler(BaseHandler):
    """Deny by default: `allow_anonymous = True` opens a page; `required` lists permissions
    of which the caller must hold at least one (empty: any console user)."""
    allow_anonymous = False
    required = ()
    # Administrator tiers refused even when a permission would let them in (三员分立: the
    # security administrator may view staff to grant roles, but not use the staff pages).
    denied_tiers = ()

    def initialize(self):
        # Set before prepare(): the XSRF check runs first and its error page needs these.
        self.principal = None
        self.session_token = None
        self.request_id = ""

    def set_default_headers(self):
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("Referrer-Policy", "same-origin")
        # Called again by clear() before an error page: the page and header share one nonce.
        self.csp_nonce = secrets.token_urlsafe(16)
        self.set_header("Content-Security-Policy", content_security_policy(self.csp_nonce))

    def set_cookie(self, name, value, **kwargs):
        # Every console cookie (session, flash, XSRF, sign-in steps) is Secure over https; the
        # protocol comes from a trusted proxy's X-Forwarded-Proto (server/proxies.py).
        if self.request.protocol == "https":
            kwargs["secure"] = True
        super().set_cookie(name, value, **kwargs)

    @property
    def user_agent(self):
        return self.request.headers.get("User-Agent", "")

    @property
    def is_htmx(self):
        return self.request.headers.get("HX-Request") == "true"

    async def prepare(self):
        # The id server/logs.py chose (a trusted proxy's, else ours; the header is set by clear()).
        self.request_id = logs.request_id_of(self.request)
        self.principal = None
        self.check_inputs()
        self.session_token = self.get_cookie(SESSION_COOKIE)
        session = await admin_auth.console_session(env=self.env, token=self.session_token)
        if session:
            principal = await load_principal(session["staff_id"])
            if principal is not None and admin_auth.is_console_user(principal):
                principal.ip = self.client_ip
                principal.request_id = self.request_id
                principal.env = self.env
                self.principal = principal
                # Loaded here so error pages show the unit in the header too.
                self.unit_name = await admin_auth.unit_name(principal.unit_id)
        if self.principal is None and not self.allow_anonymous:
            self.clear_cookie(SESSION_COOKIE, path="/admin")
            target = "/admin/login"
            if self.request.method == "GET" and self.request.path not in ("/admin", "/admin/"):
                target += "?" + urllib.parse.urlencode({"next": self.request.uri})
            if self.is_htmx:
                self.set_header("HX-Redirect", target)
                self.set_status(401)
                self.finish()
            else:
                self.redirect(target)
            return
        if self.principal is not None and self.required and not any(
                self.principal.has(p) for p in self.required):
            raise Forbidden("您没有访问此页面的权限", code="PERMISSION_DENIED")
        if self.principal is not None and self.principal.admin_tiers & set(self.denied_tiers):
            raise Forbidden("您没有访问此页面的权限", code="PERMISSION_DENIED")

    def get_current_user(self):
        return self.principal

    # ---- rendering ----

    def nav_items(self):
        if self.principal is None:
            return []
        return [(path, label) for path, label, perms in NAV
                if any(self.principal.has(p) for p in perms)
                and not self.principal.admin_tiers & set(NAV_DENIED_TIERS.get(path, ()))]

    def flash(self, message, kind="ok"):
        self.set_secure_cookie(FLASH_COOKIE, json.dumps([kind, message]), expires_days=None,
                               path="/admin", httponly=True, samesite="Strict")

    def pop_flash(self):
        raw = self.get_secure_cookie(FLASH_COOKIE, max_age_days=1)
        if not raw:
            return None
        self.clear_cookie(FLASH_COOKIE, path="/admin")
        try:
            return json.loads(raw)
        except ValueError:
            return None

    def get_template_namespace(self):
        ns = super().get_template_namespace()
        ns.update(principal=getattr(self, "principal", None), nav=self.nav_items(),
                  path=self.request.path, local_time=fmt_time, unit_name=getattr(
                      self, "unit_name", "明镜人事管理系统"), flash=None, errors={}, error=None,
                  form={}, dumps=dumps, csp_nonce=getattr(self, "csp_nonce", ""))
        return ns

    async def page(self, template, **kwargs):
        """Render a console page with the layout's context (unit name, nav, flash)."""
        kwargs.setdefault("flash", self.pop_flash())
        self.render(template, **kwargs)

    def form_args(self, *names):
        """Form values as a dict of stripped strings; empty values are left out."""
        out = {}
        for name in names:
            value = self.get_body_argument(name, "").strip()
            if value != "":
                out[name] = value
        return out

    def int_arg(self, name, default=None, *, body=False):
        raw = (self.get_body_argument if body else self.get_query_argument)(name, "")
        try:
            value = int(raw) if str(raw).strip() else default
        except ValueError:
            return default
        return value if value is None or inputs.in_int64(value) else default

    def write_json(self, data, status=200):
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(dumps(data))

    # ---- errors: a Chinese page, never a traceback ----

    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None, None))[1]
        message = STATUS_MESSAGES.get(status_code, "请求失败")
        code = f"HTTP_{status_code}"
        if isinstance(exc, ApiError):
            status_code, message, code = exc.status, exc.message, exc.code
            self.set_status(status_code)
            for name, value in exc.headers.items():
                self.set_header(name, value)
        elif isinstance(exc, tornado.web.HTTPError) and status_code == 403 and "xsrf" in str(exc).lower():
            code, message = "CSRF_FAILED", "页面已过期或缺少安全令牌，请刷新页面后重试"
        if self.request.path.endswith("/poll") or "application/json" in self.request.headers.get(
                "Accept", "") and not self.is_htmx:
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(dumps({"error": {"code": code, "message": message}}))
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.render("error.html", status=status_code, message=message, code=code)


def fmt_time(value, with_seconds=False):
    """A UTC datetime from the database as Beijing time for display."""
    text = to_local(value)
    if not text or not isinstance(text, str):
        return "—"
    if "T" not in text:
        return text
    return text[:19 if with_seconds else 16].replace("T", " ")


class AdminNotFoundHandler(AdminHandler):
    allow_anonymous = True

    async def prepare(self):
        await super().prepare()
        if not self._finished:
            raise tornado.web.HTTPError(404)


default_handlers = []
