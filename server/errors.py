"""Typed API errors: services raise them, the base handler turns them into the JSON envelope."""


class ApiError(Exception):
    """An error the client may see: HTTP status, stable code, Chinese message, field details."""

    status = 400
    code = "BAD_REQUEST"
    message = "请求有误"

    def __init__(self, message=None, *, code=None, fields=None, status=None, headers=None):
        super().__init__(message or self.message)
        self.message = message or self.message
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}
        self.headers = headers or {}

    def to_json(self):
        body = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return {"error": body}


class BadRequest(ApiError):
    status = 400
    code = "BAD_REQUEST"
    message = "请求有误"


class Unauthorized(ApiError):
    status = 401
    code = "AUTH_REQUIRED"
    message = "请先登录"


class Forbidden(ApiError):
    status = 403
    code = "FORBIDDEN"
    message = "无权执行此操作"


class NotFound(ApiError):
    status = 404
    code = "NOT_FOUND"
    message = "记录不存在"


class Conflict(ApiError):
    status = 409
    code = "CONFLICT"
    message = "数据已被修改或存在冲突"


class Gone(ApiError):
    status = 410
    code = "GONE"
    message = "已失效"


class Invalid(ApiError):
    status = 422
    code = "INVALID"
    message = "输入有误"


class RateLimited(ApiError):
    status = 429
    code = "RATE_LIMITED"
    message = "操作过于频繁，请稍后再试"

    def __init__(self, message=None, *, retry_after=60, **kw):
        super().__init__(message, **kw)
        self.headers.setdefault("Retry-After", str(int(retry_after)))


class Unavailable(ApiError):
    status = 503
    code = "UNAVAILABLE"
    message = "服务暂不可用，请稍后再试"
