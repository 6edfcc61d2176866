"""Request ids and structured logs (issue 16).

Each request gets an id when it is routed (server/app.py): a valid `X-Request-Id` from a trusted
proxy (server/proxies.py) is kept, anything else is replaced by our own. The id is echoed in the
`X-Request-Id` response header and in 5xx error envelopes, and a logging filter adds it (with the
method, route template and staff id) to every log record written while the request is handled:
a context variable the request's task inherits. `logging.format: json` writes one JSON object per
line; `plain` (the default, for development) keeps the classic text line with `[request id]`.
"""
import contextvars
import datetime
import itertools
import json
import logging
import os
import re

from server import redact

_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")

# The request being handled by the current task: a small mutable object shared by the
# request's task (which copies the context when Tornado starts it) and whoever fills it later.
_current = contextvars.ContextVar("mingjing_request", default=None)


class RequestContext:
    __slots__ = ("request_id", "method", "route", "staff_id")

    def __init__(self, request_id, method, route=None, staff_id=None):
        self.request_id, self.method, self.route, self.staff_id = request_id, method, route, staff_id


_pid = None
_prefix = ""
_counter = itertools.count(1)


def new_request_id():
    """Unique without a syscall per request: a random per-process prefix (drawn again after a
    fork, so workers never share one) and a counter."""
    global _pid, _prefix, _counter
    pid = os.getpid()
    if pid != _pid:
        _pid, _prefix, _counter = pid, os.urandom(6).hex(), itertools.count(1)
    return f"{_prefix}{next(_counter):08x}"


def valid_request_id(value):
    return bool(value) and _VALID_ID.fullmatch(value) is not None


def begin_request(request, *, trusted, route=None):
    """Called once per request before routing: choose its id, store it on the request
    (`request.request_id`) and in the context the handler's task inherits."""
    incoming = request.headers.get("X-Request-Id") if trusted else None
    rid = incoming if incoming and valid_request_id(incoming) else new_request_id()
    request.request_id = rid
    ctx = RequestContext(rid, request.method, route)
    _current.set(ctx)
    return ctx


def current():
    """The RequestContext of the request this task is handling, or None."""
    return _current.get()


def set_staff(staff_id):
    ctx = _current.get()
    if ctx is not None:
        ctx.staff_id = staff_id


def request_id_of(request):
    """The id chosen for `request` (a request built outside the app gets a fresh one)."""
    rid = getattr(request, "request_id", None)
    if rid is None:
        rid = request.request_id = new_request_id()
    return rid


class RequestFilter(logging.Filter):
    """Adds request_id, method, route and staff_id to every record (None outside a request)."""

    def filter(self, record):
        ctx = _current.get()
        if ctx is None:
            if not hasattr(record, "request_id"):
                record.request_id = record.method = record.route = record.staff_id = None
        else:
            record.request_id = ctx.request_id
            record.method = ctx.method
            record.route = ctx.route
            record.staff_id = ctx.staff_id
        return True


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_TZ = datetime.timezone.utc


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ms), level, logger, message, request_id, method,
    route (path template), status, ms, staff_id, and exc for an exception. The message and
    exception text pass through server/redact.py (phone and ID numbers masked) here as well as
    in the RedactingFilter, so a handler without that filter still cannot leak them."""

    def format(self, record):
        out = {
            "time": datetime.datetime.fromtimestamp(record.created, _TZ).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact.mask_text(record.getMessage()),
        }
        for key in ("request_id", "method", "route", "status", "ms", "staff_id"):
            value = getattr(record, key, None)
            if value is not None:
                out[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exc"] = redact.mask_text(record.exc_text)
        return json.dumps(out, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    def __init__(self):
        super().__init__(PLAIN_FORMAT)

    def format(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = None
        return super().format(record)


def formatter(kind):
    if kind == "json":
        return JsonFormatter()
    if kind == "plain":
        return PlainFormatter()
    raise ValueError("logging.format must be 'plain' or 'json'")


def install(kind="plain", logger=None):
    """Give every handler of `logger` (default: the root logger) the request filter, the
    redacting filter and the formatter of `kind`."""
    logger = logger or logging.getLogger()
    fmt = formatter(kind)
    for handler in logger.handlers:
        if not any(isinstance(f, RequestFilter) for f in handler.filters):
            handler.addFilter(RequestFilter())
        handler.setFormatter(fmt)
    redact.install(logger)
