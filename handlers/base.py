"""Base handlers: caller resolution, deny-by-default, JSON in/out, the error envelope.

Every API handler derives from ApiHandler. `prepare()` resolves the caller from the bearer token
(Redis session, then the Principal rebuilt from the database so grant changes apply at once).
A handler that serves anonymous callers says so with `allow_anonymous = True`.
"""
import asyncio
import datetime
import hashlib
import json
import logging
import re
from urllib.parse import quote
from zoneinfo import ZoneInfo

import tornado.web

from handlers.contract import check_response
from server import inputs, logs
from server.errors import ApiError, BadRequest, Conflict, Invalid, NotFound, Unauthorized
from server.faults import as_unavailable
from server.redact import mask_text
from services.access import load_principal
from services.sessions import lookup_session

log = logging.getLogger("mingjing.http")
SHANGHAI = ZoneInfo("Asia/Shanghai")

HTTP_CODES = {
    400: ("BAD_REQUEST", "请求有误"),
    401: ("AUTH_REQUIRED", "请先登录"),
    403: ("FORBIDDEN", "无权执行此操作"),
    404: ("NOT_FOUND", "接口或记录不存在"),
    405: ("METHOD_NOT_ALLOWED", "不支持该请求方法"),
    413: ("TOO_LARGE", "上传内容过大"),
    500: ("INTERNAL", "服务器内部错误"),
}


# Idempotency-Key on writes: the first 2xx answer is kept this long and replayed for a repeat.
IDEMPOTENCY_TTL = 24 * 3600
IDEMPOTENCY_PENDING_TTL = 120  # a crashed first attempt frees its key after this
IDEMPOTENCY_WAIT = 3.0  # a concurrent repeat waits this long for the first answer, then 409
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._:-]{8,100}")


def idempotency_redis_key(staff_id, key):
    return f"idem:{staff_id}:{hashlib.sha256(key.encode()).hexdigest()[:40]}"


def to_local(value):
    """UTC naive datetime from the database -> ISO string in Asia/Shanghai."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.astimezone(SHANGHAI).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _default(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return to_local(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(data):
    return json.dumps(data, ensure_ascii=False, default=_default)


def request_now(handler):
    """Server time (naive UTC, whole seconds). In fake WeChat mode ONLY, the `X-Mingjing-Now` test
    clock header (ISO time; Beijing time when it has no offset) sets it; in real mode the server
    clock is the only clock."""
    override = handler.request.headers.get("X-Mingjing-Now")
    if override and handler.env.config.fake_wechat:
        try:
            value = datetime.datetime.fromisoformat(override)
        except ValueError:
            raise BadRequest("X-Mingjing-Now 格式不正确", code="BAD_CLOCK") from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=SHANGHAI)
        return value.astimezone(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)


def content_disposition(filename):
    """`attachment` with an ASCII fallback name for old clients and the RFC 5987 UTF-8 name
    (`filename*`) that browsers prefer, so Chinese file names survive."""
    fallback = re.sub(r'[^\x20-\x7e]|["\\]', "_", filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


class BaseHandler(tornado.web.RequestHandler):
    """What the API (ApiHandler) and the admin console (admin.base.AdminHandler) share: settings,
    the caller's IP, the test clock, file downloads, and typed errors routed to `write_error`."""

    @property
    def env(self):
        return self.settings["env"]

    @property
    def client_ip(self):
        # A trusted proxy's X-Real-IP / X-Forwarded-For is already applied, validated as an IP
        # address, by the application (server/proxies.py); the header is never read raw here.
        return self.request.remote_ip

    def now(self):
        return request_now(self)

    def clear(self):
        # Every response, error pages included (send_error clears the headers), carries the
        # request's id (server/logs.py: a trusted proxy's X-Request-Id, else ours).
        super().clear()
        self.set_header("X-Request-Id", logs.request_id_of(self.request))

    # Query arguments holding free text (a search box), exempt from the integer-range check.
    text_query_args = ("q",)

    def check_inputs(self):
        """Before any handler code: a path id outside 1..2^63-1 matches no row (404), and a
        numeric query argument must fit a 64-bit column (400), so `int()` of either can never
        reach the database as an OverflowError."""
        for arg in self.path_args:
            if isinstance(arg, str) and arg.isdigit() and not inputs.valid_id(arg):
                raise NotFound("记录不存在", code="NOT_FOUND")
        for name, values in self.request.query_arguments.items():
            if name in self.text_query_args:
                continue
            for raw in values:
                value = raw.decode("utf-8", "replace")
                if inputs.is_digits(value) and not inputs.in_int64(int(value)):
                    raise BadRequest(f"参数 {name} 超出范围", code="BAD_QUERY",
                                     fields={name: "数值超出范围"})

    def _request_summary(self):
        # What Tornado writes into warning and exception logs: never a phone or ID number.
        return f"{self.request.method} {mask_text(self.request.uri)} ({self.request.remote_ip})"

    def send_file(self, content, filename, content_type):
        """Finish with a download (bytes) named `filename`."""
        self.set_header("Content-Type", content_type)
        self.set_header("Content-Disposition", content_disposition(filename))
        self.finish(content)

    def _handle_request_exception(self, e):
        if not isinstance(e, ApiError):
            e = as_unavailable(e) or e  # Redis or the database down: 503, never 500 (issue 16)
        if isinstance(e, ApiError):
            if self._finished:
                return
            self.send_error(e.status, exc_info=(type(e), e, e.__traceback__))
            return
        super()._handle_request_exception(e)

    def log_exception(self, typ, value, tb):
        if isinstance(value, ApiError):
            return
        if isinstance(value, tornado.web.HTTPError):
            super().log_exception(typ, value, tb)
            return
        # Tornado's default adds repr(request): its headers carry the bearer token and cookies.
        tornado.web.app_log.error("Uncaught exception %s", self._request_summary(),
                                  exc_info=(typ, value, tb))


class ApiHandler(BaseHandler):
    allow_anonymous = False
    session_kind = "mp"

    def set_default_headers(self):
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def check_xsrf_cookie(self):
        # Bearer-token API: no ambient credentials, so no CSRF surface. Cookie handlers re-enable.
        return None

    def bearer_token(self):
        auth = self.request.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth[7:].strip()
        return None

    async def prepare(self):
        self.request_id = logs.request_id_of(self.request)  # header set by clear()
        self.principal = None
        self.session = None
        self.check_inputs()
        token = self.bearer_token()
        if token:
            self.session = await lookup_session(self.env.redis, token, kind=self.session_kind)
            if self.session is None and not self.allow_anonymous:
                raise Unauthorized("登录已过期，请重新登录", code="TOKEN_EXPIRED")
            if self.session:
                await self.load_principal(self.session["staff_id"])
                if self.principal is not None:
                    logs.set_staff(self.principal.id)  # log lines from here on name the caller
        if self.principal is None and not self.allow_anonymous:
            raise Unauthorized()

    async def load_principal(self, staff_id):
        self.principal = await load_principal(staff_id)
        if self.principal is None:
            raise Unauthorized("账号已停用", code="ACCOUNT_DISABLED")
        if self.principal.staff.is_service_account:
            # 三员 never hold a mini-program session; one issued before that rule ends here.
            raise Unauthorized("三员账号只能在管理后台使用用户名、密码和动态口令登录",
                               code="SERVICE_ACCOUNT")
        self.principal.ip = self.client_ip
        self.principal.request_id = self.request_id
        self.principal.env = self.env

    def get_current_user(self):
        return self.principal

    def json_body(self):
        if not self.request.body:
            return {}
        try:
            data = json.loads(self.request.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise BadRequest("请求体不是合法的 JSON", code="BAD_JSON") from None
        if not isinstance(data, dict):
            raise BadRequest("请求体应为 JSON 对象", code="BAD_JSON")
        problem = inputs.json_problem(data)
        if problem == "depth":
            raise BadRequest("请求体嵌套过深", code="BAD_JSON")
        if problem:
            raise BadRequest("请求体含有无法编码的字符", code="BAD_JSON")
        return data

    def query(self, name, default=None):
        return self.get_query_argument(name, default)

    def page_args(self, max_size=200):
        try:
            page = max(1, int(self.get_query_argument("page", "1")))
            size = min(max_size, max(1, int(self.get_query_argument("page_size", "20"))))
        except ValueError:
            raise BadRequest("分页参数应为整数", code="BAD_PAGE") from None
        if page > inputs.MAX_PAGE:
            raise BadRequest(f"页码不能大于 {inputs.MAX_PAGE}", code="BAD_PAGE",
                             fields={"page": "超出范围"})
        return page, size

    def write_data(self, data, status=200, **extra):
        text = dumps({"data": data, **extra})
        if self.settings.get("check_contract"):
            # Tests run with this on: a response that drifts from its declaration fails loudly.
            check_response(getattr(self, "operation", None), status, text)
        self.written = (status, text)
        self.set_status(status)
        self.finish(text)

    async def run_idempotent(self, call):
        """Run the declared method `call()` once per (caller, `Idempotency-Key` header) on a write:
        the first 2xx answer (status + body) is kept 24 h in Redis and replayed for a repeat (with
        `Idempotent-Replayed: true`); a repeat while the first still runs waits for it, then answers
        409 IDEMPOTENCY_IN_PROGRESS. Errors are not kept (a refused write changed nothing), so a
        retry after one runs again. Without the header, or for anonymous callers, `call()` runs."""
        key = self.request.headers.get("Idempotency-Key")
        if not key or self.request.method == "GET" or self.principal is None:
            return await call()
        if not _IDEMPOTENCY_KEY.fullmatch(key):
            raise BadRequest("Idempotency-Key 应为 8–100 位字母、数字或 ._:-", code="BAD_IDEMPOTENCY_KEY")
        redis = self.env.redis
        rkey = idempotency_redis_key(self.principal.id, key)
        target = f"{self.request.method} {self.request.path}"
        pending = json.dumps({"state": "pending", "target": target})
        loop = asyncio.get_running_loop()
        deadline = loop.time() + IDEMPOTENCY_WAIT
        while not await redis.set(rkey, pending, nx=True, ex=IDEMPOTENCY_PENDING_TTL):
            raw = await redis.get(rkey)
            if raw is not None:
                saved = json.loads(raw)
                if saved.get("target") != target:
                    raise Invalid("该幂等键已用于另一项提交", code="IDEMPOTENCY_KEY_REUSED")
                if saved.get("state") == "done":
                    self.set_header("Idempotent-Replayed", "true")
                    self.set_status(saved["status"])
                    self.finish(saved["body"])
                    return None
                if loop.time() >= deadline:
                    raise Conflict("相同的提交正在处理中，请稍候查看结果", code="IDEMPOTENCY_IN_PROGRESS")
                await asyncio.sleep(0.05)
        self.written = None
        try:
            result = await call()
        except BaseException:
            await redis.delete(rkey)
            raise
        status, body = self.written or (None, None)
        if status is not None and 200 <= status < 300:
            await redis.set(rkey, json.dumps({"state": "done", "target": target, "status": status,
                                              "body": body}), ex=IDEMPOTENCY_TTL)
        else:
            await redis.delete(rkey)
        return result

    def write_error(self, status_code, **kwargs):
        write_error_envelope(self, status_code, kwargs.get("exc_info"))


def write_error_envelope(handler, status_code, exc_info=None):
    """The API's error body ({"error": {"code", "message", "fields"?, "request_id" on 5xx}}, the
    real status and an ApiError's headers) for any handler that answers JSON: the API's and the
    console's fetch() endpoints (admin/approval_flows.JsonEndpoint)."""
    exc = (exc_info or (None, None, None))[1]
    if isinstance(exc, ApiError):
        handler.set_status(exc.status)
        for name, value in exc.headers.items():
            handler.set_header(name, value)
        body = exc.to_json()
    else:
        code, message = HTTP_CODES.get(status_code, ("HTTP_%d" % status_code, "请求失败"))
        if isinstance(exc, tornado.web.HTTPError) and status_code == 403 and "xsrf" in str(exc).lower():
            code, message = "CSRF_FAILED", "页面已过期或缺少安全令牌，请刷新页面后重试"
        body = {"error": {"code": code, "message": message}}
    if handler.get_status() >= 500:
        # The id to quote to support: it finds this request's log lines.
        body["error"]["request_id"] = logs.request_id_of(handler.request)
    handler.set_header("Content-Type", "application/json; charset=utf-8")
    handler.finish(dumps(body))


class NotFoundHandler(ApiHandler):
    allow_anonymous = True

    def prepare(self):
        raise tornado.web.HTTPError(404)
