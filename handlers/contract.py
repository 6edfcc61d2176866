"""The API contract: every handler method declares its query, body and response once, with pydantic.

    class LeaveRequestListHandler(ApiHandler):
        @api(query=LeaveListQuery, response=list[LeaveRequestOut], paged=True)
        async def get(self, *, query): ...

        @api(body=LeaveCreate, response=LeaveRequestOut, status=201)
        async def post(self, *, body): ...

The same declaration validates and coerces input (errors become 422 VALIDATION_FAILED with
`fields` keyed by the JSON path and a Chinese message per error type), builds the OpenAPI 3.1
document (handlers/openapi.py), and, when the app runs with `check_contract` (tests), checks
that every response matches what was declared.
"""
import dataclasses
import datetime
import functools
import re
import typing
from typing import Annotated, Any

import pydantic
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter

from server.errors import ApiError, BadRequest, Invalid
from server.inputs import INT64_MAX, control_char

_SEPARATORS = re.compile(r"[\u2028\u2029]")  # line/paragraph separators break JS string literals


# ---- base models -------------------------------------------------------------------------------

class Body(BaseModel):
    """A JSON request body. Unknown fields are ignored unless a model sets extra="forbid"."""
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)


class StrictBody(Body):
    """A request body that refuses fields it does not declare (typos in settings, say)."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Query(BaseModel):
    """A query string. Values arrive as text and are coerced (lax mode)."""
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)


class Out(BaseModel):
    """A response shape (documentation and conformance). Extra fields are allowed: a client must
    tolerate additions, and the check is that what is declared is there with its type."""
    model_config = ConfigDict(extra="allow")


# ---- field types ---------------------------------------------------------------------------------

def _no_control(value):
    if control_char(value) or _SEPARATORS.search(value):
        raise ValueError("不能包含控制字符或换行")
    return value


def _no_control_multiline(value):
    value = value.replace("\r\n", "\n")   # one line ending, whatever the client sends
    if control_char(value, multiline=True) or "\r" in value or _SEPARATORS.search(value):
        raise ValueError("不能包含控制字符")
    return value


def text(max_length, *, min_length=1, multiline=False, pattern=None):
    """A string type: stripped, length-bounded, control characters refused (a tab or newline only
    where `multiline`). `min_length=1` means "not blank"."""
    constraints = dict(min_length=min_length, max_length=max_length)
    if pattern:
        constraints["pattern"] = pattern
    check = _no_control_multiline if multiline else _no_control
    return Annotated[str, Field(**constraints), AfterValidator(check)]


def _require_text(kind):
    def check(value):
        if not isinstance(value, str):
            raise ValueError(f"应为{kind}")
        return value
    return check


def _date_in_range(value):
    if not datetime.date(1900, 1, 1) <= value <= datetime.date(2100, 12, 31):
        raise ValueError("日期应在 1900-01-01 至 2100-12-31 之间")
    return value


def _datetime_in_range(value):
    if not 1900 <= value.year <= 2100:
        raise ValueError("时间应在 1900 年至 2100 年之间")
    return value


Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
"""A record id: positive and within a signed 64-bit column."""
Count = Annotated[int, Field(ge=0, le=INT64_MAX)]
Day = Annotated[datetime.date, BeforeValidator(_require_text("日期 YYYY-MM-DD")),
                AfterValidator(_date_in_range)]
"""A calendar date as YYYY-MM-DD text (never a number), 1900–2100."""
Moment = Annotated[datetime.datetime, BeforeValidator(_require_text("时间 YYYY-MM-DDTHH:MM:SS+08:00")),
                   AfterValidator(_datetime_in_range)]
Month = text(7, min_length=7, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
Year = Annotated[int, Field(ge=2000, le=2100)]
Half = typing.Literal["am", "pm"]
Flag = Annotated[bool, Field(strict=True)]
"""A yes/no field: JSON true or false only (not "yes", not 1)."""


CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Format = typing.Literal["json", "csv", "xlsx"]


class PageQuery(Query):
    page: int = Field(1, ge=1, le=100000, description="页码，从 1 开始")
    page_size: int = Field(20, ge=1, le=200, description="每页条数，最多 200")


class Ok(Out):
    ok: bool = True


# ---- error mapping -----------------------------------------------------------------------------

def _choices(expected):
    found = re.findall(r"'([^']*)'|(-?\d+(?:\.\d+)?)", expected or "")
    return "、".join(a or b for a, b in found) or expected


def _num(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _message(err):
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "missing":
        return "必填"
    if kind in ("string_type", "string_sub_type", "string_unicode"):
        return "应为文本"
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return "应为整数"
    if kind in ("float_type", "float_parsing", "finite_number", "decimal_type", "decimal_parsing"):
        return "应为数字"
    if kind in ("bool_type", "bool_parsing"):
        return "应为 true 或 false"
    if kind == "greater_than_equal":
        return f"不能小于 {_num(ctx.get('ge'))}"
    if kind == "greater_than":
        return f"应大于 {_num(ctx.get('gt'))}"
    if kind == "less_than_equal":
        return f"不能大于 {_num(ctx.get('le'))}"
    if kind == "less_than":
        return f"应小于 {_num(ctx.get('lt'))}"
    if kind == "string_too_short":
        return "不能为空" if ctx.get("min_length") == 1 else f"至少 {ctx.get('min_length')} 个字符"
    if kind == "string_too_long":
        return f"不能超过 {ctx.get('max_length')} 个字符"
    if kind == "too_short":
        return f"至少 {ctx.get('min_length')} 项"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    if kind in ("literal_error", "enum"):
        return "取值不在允许范围内：" + _choices(ctx.get("expected"))
    if kind.startswith("date"):
        return "应为日期 YYYY-MM-DD" if not kind.startswith("datetime") else "应为时间 YYYY-MM-DDTHH:MM:SS+08:00"
    if kind.startswith("time"):
        return "应为时间 HH:MM"
    if kind in ("list_type", "tuple_type", "set_type", "frozen_set_type"):
        return "应为列表"
    if kind in ("dict_type", "model_type", "model_attributes_type", "dataclass_type"):
        return "应为对象"
    if kind == "extra_forbidden":
        return "不允许的字段"
    if kind == "string_pattern_mismatch":
        return "格式不正确"
    if kind in ("value_error", "assertion_error"):
        error = ctx.get("error")
        return str(error) if error else "格式不正确"
    if kind == "union_tag_invalid":
        return "取值不在允许范围内：" + _choices(ctx.get("expected_tags"))
    return "格式不正确"


def _path(loc):
    return ".".join(str(part) for part in loc) or "body"


def validation_error(exc, *, where="body"):
    """pydantic.ValidationError -> our 422 envelope (or 400 BAD_JSON for a body that is not an
    object or not JSON at all)."""
    fields = {}
    for err in exc.errors(include_url=False, include_input=False):
        if err["type"] == "json_invalid":
            raise BadRequest("请求体不是合法的 JSON", code="BAD_JSON") from None
        if not err["loc"] and err["type"] in ("model_type", "dict_type", "model_attributes_type"):
            raise BadRequest("请求体应为 JSON 对象", code="BAD_JSON") from None
        fields.setdefault(_path(err["loc"]) if err["loc"] else where, _message(err))
    return Invalid("输入有误：" + "；".join(f"{k} {v}" for k, v in fields.items()),
                   code="VALIDATION_FAILED", fields=fields)


# ---- declaration -------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Operation:
    """What one handler method declares."""
    query: type | None = None
    body: type | None = None
    response: Any = None          # a type for {"data": ...}; None means {"data": null}
    status: tuple = (200,)
    paged: bool = False           # adds "page" and "total" beside "data"
    produces: str | None = None   # a non-JSON response (file download, image, HTML)
    form: bool = False            # body is multipart/form-data (uploads): text fields + files
    downloads: tuple = ()         # other content types the same response may have (?format=csv)
    deprecated: bool = False
    extra: tuple = ()             # other top-level keys beside data: (("unread", int),) or ("meta",)

    @functools.cached_property
    def response_adapter(self):
        envelope = envelope_type(self)
        return TypeAdapter(envelope) if envelope is not None else None


_ENVELOPES = {}


def _type_name(tp):
    """A readable component name for a response type: LeaveOut, LeaveOutList, Null, Any..."""
    if tp is None:
        return "Null"
    origin = typing.get_origin(tp)
    if origin in (list, tuple, set, frozenset):
        args = typing.get_args(tp)
        return (_type_name(args[0]) if args else "Any") + "List"
    if origin is dict:
        args = typing.get_args(tp)
        return (_type_name(args[1]) if len(args) == 2 else "Any") + "Map"
    if origin is typing.Annotated:
        return _type_name(typing.get_args(tp)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return "Or".join(_type_name(a) for a in typing.get_args(tp))
    name = getattr(tp, "__name__", None) or str(tp)
    return re.sub(r"\W", "_", name).capitalize() if name.islower() else re.sub(r"\W", "_", name)


def envelope_type(op):
    """The pydantic type of the whole JSON response: {"data": T} (+ page, total)."""
    if op.produces is not None:
        return None
    key = (op.response, op.paged, op.extra)
    if key not in _ENVELOPES:
        fields = {"data": (op.response if op.response is not None else type(None), ...)}
        if op.paged:
            fields["page"] = (int, ...)
            fields["total"] = (int, ...)
        for entry in op.extra:
            name, tp = entry if isinstance(entry, tuple) else (entry, Any)
            fields[name] = (tp, ...) if tp is not Any else (Any, None)
        name = ("Page_" if op.paged else "Data_") + _type_name(op.response)
        _ENVELOPES[key] = pydantic.create_model(name, __config__=ConfigDict(extra="forbid"), **fields)
    return _ENVELOPES[key]


def parse_body(handler, model):
    # pydantic's JSON parser (jiter) refuses lone surrogates, invalid UTF-8 and nesting past its
    # recursion limit as json_invalid: all become 400 BAD_JSON, never a 500.
    raw = handler.request.body or b"{}"
    try:
        return model.model_validate_json(raw)
    except pydantic.ValidationError as exc:
        raise validation_error(exc) from None
    except (ValueError, RecursionError):
        raise BadRequest("请求体不是合法的 JSON", code="BAD_JSON") from None


def parse_form(handler, model):
    """A multipart/form-data body: the text fields validated by `model` (files stay in
    handler.request.files; declare them on the model as `bytes | None` fields for the document)."""
    values = {}
    for name, raw in handler.request.body_arguments.items():
        if raw:
            try:
                values[name] = raw[-1].decode("utf-8")
            except UnicodeDecodeError:
                raise Invalid("表单编码有误", code="VALIDATION_FAILED", fields={name: "应为 UTF-8 文本"}) from None
    for name, files in handler.request.files.items():
        if files:
            values.setdefault(name, files[0].body)
    try:
        return model.model_validate(values)
    except pydantic.ValidationError as exc:
        raise validation_error(exc) from None


def _list_fields(model):
    out = set()
    for name, info in model.model_fields.items():
        ann = info.annotation
        while typing.get_origin(ann) is Annotated:
            ann = typing.get_args(ann)[0]
        if typing.get_origin(ann) in (list, tuple, set, frozenset):
            out.add(info.alias or name)
    return out


def parse_query(handler, model):
    lists = _list_fields(model)
    values = {}
    for name, raw in handler.request.query_arguments.items():
        try:
            decoded = [v.decode("utf-8") for v in raw]
        except UnicodeDecodeError:
            raise Invalid("参数编码有误", code="VALIDATION_FAILED", fields={name: "应为 UTF-8 文本"}) from None
        if name in lists:
            values[name] = [v for v in decoded if v != ""]
        elif decoded and decoded[-1] != "":
            values[name] = decoded[-1]
    try:
        return model.model_validate(values)
    except pydantic.ValidationError as exc:
        raise validation_error(exc, where="query") from None


def api(*, query=None, body=None, response=None, status=200, paged=False, produces=None,
        form=False, extra=(), downloads=()):
    """Declare a handler method's contract. The method receives `query=` and `body=` as validated
    models; path arguments that are ids arrive as ints (bounded by ApiHandler.prepare)."""
    statuses = tuple(status) if isinstance(status, (tuple, list)) else (status,)
    extra = tuple(extra.items()) if isinstance(extra, dict) else tuple(extra)
    op = Operation(query=query, body=body, response=response, status=statuses, paged=paged,
                   produces=produces, form=form, extra=extra,
                   downloads=tuple(downloads))

    def decorate(fn):
        @functools.wraps(fn)
        async def wrapper(self, *args, **kwargs):
            # ApiHandler keeps the first answer per Idempotency-Key; a request without the header
            # (most, and every clock-in of the burst) skips that layer of coroutines entirely.
            guard = getattr(self, "run_idempotent", None)
            if guard is not None and "Idempotency-Key" in self.request.headers:
                return await guard(lambda: call(self, args, kwargs))
            args, kwargs = bind(self, args, kwargs)  # no extra coroutine frame on the hot path
            return await fn(self, *args, **kwargs)

        async def call(self, args, kwargs):
            args, kwargs = bind(self, args, kwargs)
            return await fn(self, *args, **kwargs)

        def bind(self, args, kwargs):
            self.operation = op
            if op.query is not None:
                kwargs["query"] = parse_query(self, op.query)
            if op.body is not None:
                kwargs["body"] = parse_form(self, op.body) if op.form else parse_body(self, op.body)
            # Path ids arrive as ints (ApiHandler.prepare already refused ones beyond 64 bits).
            args = tuple(int(a) if isinstance(a, str) and a.isascii() and a.isdigit() else a
                         for a in args)
            return args, kwargs
        wrapper.__api__ = op
        return wrapper
    return decorate


def operation_of(handler_class, method):
    return getattr(getattr(handler_class, method, None), "__api__", None)


class ContractViolation(ApiError):
    """A response that does not match its declaration: a server bug, surfaced in tests."""
    status = 500
    code = "RESPONSE_CONTRACT"
    message = "服务器响应不符合接口约定"


def check_response(op, status, payload_text):
    """Raise ContractViolation when `payload_text` (the JSON about to be sent) does not match `op`."""
    if op is None or op.produces is not None:
        return
    if status not in op.status:
        raise ContractViolation(f"未声明的状态码 {status}（声明：{op.status}）")
    try:
        op.response_adapter.validate_json(payload_text)
    except pydantic.ValidationError as exc:
        detail = "; ".join(f"{_path(e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)[:5])
        raise ContractViolation(f"响应不符合声明：{detail}") from None


def model_dump(value):
    """A validated model (or list of them) -> plain dict for services (keyword arguments)."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    return value


def explicit(body):
    """Fields the client actually sent (for PATCH: unset ones stay unchanged)."""
    return {name: getattr(body, name) for name in body.model_fields_set}


__all__ = ["api", "Body", "StrictBody", "Query", "Out", "PageQuery", "Ok", "Id", "Count", "Day",
           "Moment", "Month", "Year", "Half", "Flag", "text", "explicit", "model_dump",
           "parse_form", "CSV", "XLSX", "Format"]
