"""GET /api/openapi.json (OpenAPI 3.1 built from each handler's declared contract) and /api/docs.

Every /api operation declares its query, body and response with `handlers.contract.api`; this
module turns the route table plus those declarations into the document. An operation without a
declaration still appears (with a generic shape) and `undeclared_operations()` names it, so the
test suite can refuse it.
"""
import re

import tornado.web
from pydantic import TypeAdapter

from handlers.base import ApiHandler, dumps
from handlers.contract import INT64_MAX, api, envelope_type, operation_of

METHODS = ("get", "post", "put", "patch", "delete")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<named>[^)]*)\)|\((?P<plain>[^)]*)\)")
REF = "#/components/schemas/{model}"

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$",
                     "description": "稳定的大写错误码，如 STAFF_NOT_FOUND"},
            "message": {"type": "string", "description": "中文提示"},
            "fields": {"type": "object", "description": "字段级错误（键为字段的 JSON 路径）或附加数据"},
            "request_id": {"type": "string", "description": "请求编号（服务端错误时给出，便于对照日志；同响应头 X-Request-Id）"},
        },
    }},
}
ERROR_STATUSES = {
    "400": "请求有误（如请求体不是合法的 JSON）",
    "401": "未登录或登录已过期",
    "403": "无权执行此操作",
    "404": "记录不存在或不在管理范围内",
    "409": "状态冲突（已被处理、重复提交等）",
    "410": "已失效",
    "413": "上传内容过大",
    "422": "输入有误：fields 列出每个有误的字段",
    "429": "操作过于频繁（见 Retry-After）",
    "503": "依赖的服务暂不可用，请稍后重试",
}


# OpenAPI links: what a created record's id opens next (create -> read -> update), so a client
# generator and schemathesis' stateful phase can walk a resource's life.
def _id_link(op_id, description, param="id"):
    return {"operationId": op_id, "description": description,
            "parameters": {param: "$response.body#/data/id"}}


LINKS = {
    ("LeaveRequestListHandler.post", "201"): {
        "GetLeaveRequest": _id_link("LeaveRequestHandler.get", "查看刚提交的请假申请"),
        "ResubmitLeaveRequest": _id_link("LeaveResubmitHandler.post", "退回后修改并重新提交"),
        "ReportBack": _id_link("LeaveReportBackHandler.post", "销假"),
    },
    ("OvertimeListHandler.post", "201"): {
        "GetOvertimeRequest": _id_link("OvertimeHandler.get", "查看刚提交的加班申请"),
    },
    ("StaffListHandler.post", "201"): {
        "GetStaff": _id_link("StaffHandler.get", "查看新建的人员"),
        "UpdateStaff": _id_link("StaffHandler.patch", "修改人员信息"),
        "StaffHistory": _id_link("StaffHandler.get", "人员变动历史") | {"operationId": "StaffHistoryHandler.get"},
        "TransferStaff": _id_link("StaffTransferHandler.post", "调动"),
    },
    ("DepartmentListHandler.post", "201"): {
        "GetDepartment": _id_link("DepartmentHandler.get", "查看新建的部门"),
        "UpdateDepartment": _id_link("DepartmentHandler.patch", "修改部门"),
    },
}


def implemented_methods(handler_class):
    """HTTP methods the handler defines itself (not RequestHandler's 405 stubs)."""
    return [m for m in METHODS
            if getattr(handler_class, m, None) is not getattr(tornado.web.RequestHandler, m)]


def _param_schema(body):
    if body in (r"\d+", "[0-9]+"):
        return {"type": "integer", "minimum": 1, "maximum": INT64_MAX}
    bounded = re.fullmatch(r"\\d\{1,(\d+)\}", body)
    if bounded:
        return {"type": "integer", "minimum": 1, "maximum": 10 ** int(bounded.group(1)) - 1}
    if re.fullmatch(r"\\d\{(\d+)\}", body):
        n = int(re.fullmatch(r"\\d\{(\d+)\}", body).group(1))
        return {"type": "string", "pattern": f"^\\d{{{n}}}$"}
    return {"type": "string", "pattern": "^" + body + "$"}


def path_template(pattern):
    """r"/api/staff/(\\d+)/posts/(\\d+)$" -> ("/api/staff/{id}/posts/{post_id}", params)."""
    pattern = pattern.lstrip("^").rstrip("$")
    params = []

    def repl(match):
        if match.group("name"):
            name, body = match.group("name"), match.group("named")
        else:
            body = match.group("plain")
            if not params:
                name = "id"
            else:
                prev = [s for s in pattern[:match.start()].split("/") if s and "(" not in s]
                seg = prev[-1] if prev else "param"
                name = (seg[:-1] if seg.endswith("s") else seg) + "_id"
        params.append({"name": name, "in": "path", "required": True, "schema": _param_schema(body)})
        return "{" + name + "}"

    path = _GROUP.sub(repl, pattern)
    path = re.sub(r"\\(.)", r"\1", path)
    return path, params


def api_routes(rules):
    """(pattern, handler class) for every /api route among tornado Rules."""
    out = []
    for rule in rules:
        regex = getattr(rule.matcher, "regex", None)
        if regex is None or not regex.pattern.lstrip("^").startswith("/api"):
            continue
        out.append((regex.pattern, rule.target))
    return out


def undeclared_operations(rules):
    """'METHOD /path' for every /api operation that has no contract declaration."""
    missing = []
    for pattern, handler in api_routes(rules):
        template, _ = path_template(pattern)
        for method in implemented_methods(handler):
            if operation_of(handler, method) is None:
                missing.append(f"{method.upper()} {template}")
    return missing


def _query_parameters(model):
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", ()))
    params = []
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        description = prop.pop("description", None)
        prop.pop("title", None)
        param = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if prop.get("type") == "array":
            param["style"], param["explode"] = "form", True
        if description:
            param["description"] = description
        params.append(param)
    return params


def _error_responses(anonymous):
    # 401 stays documented on anonymous operations too: they check a ticket, an invite or a feed
    # token of their own and answer 401 when it has expired.
    return {status: {"$ref": f"#/components/responses/E{status}"} for status in ERROR_STATUSES}


def build_document(rules):
    entries = []    # (template, method, handler, op, params)
    inputs = []
    routes = api_routes(rules)
    # operationId is Class.method; a class name used by two modules (ReviewHandler in goals and in
    # results) is qualified with its module so every operationId stays unique.
    seen = {}
    for _, handler in routes:
        seen.setdefault(handler.__name__, set()).add(handler.__module__)
    for pattern, handler in routes:
        template, params = path_template(pattern)
        name = handler.__name__
        if len(seen[name]) > 1:
            name = handler.__module__.removeprefix("handlers.").replace(".", "_") + "." + name
        for method in implemented_methods(handler):
            op = operation_of(handler, method)
            key = f"{name}.{method}"
            entries.append((template, method, handler, op, params, key))
            if op is None:
                continue
            if op.body is not None and not op.form:
                inputs.append(((key, "body"), "validation", TypeAdapter(op.body)))
            envelope = envelope_type(op)
            if envelope is not None:
                inputs.append(((key, "response"), "serialization", TypeAdapter(envelope)))
    schemas_by_key, definitions = TypeAdapter.json_schemas(inputs, ref_template=REF) if inputs else ({}, {})
    components = dict(definitions.get("$defs", {}))
    components["Error"] = ERROR_SCHEMA

    paths = {}
    for template, method, handler, op, params, key in entries:
        summary = ((handler.__doc__ or "").strip().splitlines() or [handler.__name__])[0]
        method_doc = (getattr(handler, method).__doc__ or "").strip()
        anonymous = getattr(handler, "allow_anonymous", False)
        operation = {
            "operationId": key,
            "summary": method_doc.splitlines()[0] if method_doc else summary,
            "tags": [template.split("/")[2] if template.count("/") >= 2 else "api"],
        }
        if method_doc:
            operation["description"] = summary
        parameters = list(params)
        responses = {}
        if op is None:
            operation["x-undeclared"] = True
            responses["200"] = {"description": "成功：{\"data\": ...}"}
            if method in ("post", "put", "patch"):
                operation["requestBody"] = {"required": False, "content": {
                    "application/json": {"schema": {"type": "object"}}}}
        else:
            if op.query is not None:
                parameters += _query_parameters(op.query)
            if op.body is not None:
                if op.form:
                    body_schema = op.body.model_json_schema(ref_template=REF)
                    operation["requestBody"] = {"required": True, "content": {
                        "multipart/form-data": {"schema": body_schema}}}
                else:
                    body_schema = schemas_by_key[((key, "body"), "validation")]
                    required = bool(op.body.model_json_schema().get("required"))
                    operation["requestBody"] = {"required": required, "content": {
                        "application/json": {"schema": body_schema}}}
            for status in op.status:
                if op.produces is not None:
                    content = {op.produces: {"schema": {"type": "string"} if "json" in op.produces
                                             or op.produces.startswith("text/")
                                             else {"type": "string", "format": "binary"}}}
                else:
                    content = {"application/json": {
                        "schema": schemas_by_key[((key, "response"), "serialization")]}}
                for download in op.downloads:
                    content[download] = {"schema": {"type": "string", "format": "binary"}}
                responses[str(status)] = {"description": "成功" if status < 300 else "重定向",
                                          "content": content}
                links = LINKS.get((key, str(status)))
                if links:
                    responses[str(status)]["links"] = links
        responses.update(_error_responses(anonymous))
        operation["responses"] = responses
        if parameters:
            operation["parameters"] = parameters
        if anonymous:
            operation["security"] = []
        paths.setdefault(template, {})[method] = operation

    error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    known = {op["operationId"] for item in paths.values() for op in item.values()}
    for item in paths.values():
        for op in item.values():
            for response in op["responses"].values():
                for name, link in list(response.get("links", {}).items()):
                    if link["operationId"] not in known:  # a renamed handler must not dangle
                        del response["links"][name]
    return {
        "openapi": "3.1.0",
        "info": {"title": "明镜 Mingjing API", "version": "1.0",
                 "description": "机关、事业单位人事系统接口。成功返回 {\"data\": ...}（列表另含 page、total），"
                                "错误返回统一的错误信封 {\"error\": {\"code\", \"message\", \"fields\"}}。"
                                "小程序以 Authorization: Bearer <token> 调用。"},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "小程序登录后取得的会话令牌"}},
            "schemas": components,
            "responses": {f"E{status}": {"description": text, "content": error_content}
                          for status, text in ERROR_STATUSES.items()},
        },
    }


class OpenApiHandler(ApiHandler):
    """OpenAPI 3.1 接口文档（由各接口的声明生成）。"""
    allow_anonymous = True
    _cache = None

    @api(produces="application/json")
    async def get(self):
        # The document itself, not wrapped in {"data": ...}: tools read it as is. Built once per
        # process: the route table and the declarations do not change while it runs.
        cls = type(self)
        if cls._cache is None or cls._cache[0] is not self.application:
            cls._cache = (self.application, dumps(build_document(self.application.wildcard_router.rules)))
        self.set_header("Cache-Control", "no-cache")
        self.finish(cls._cache[1])


DOCS_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>明镜 Mingjing · 接口参考</title>
<link rel="stylesheet" href="/admin/static/vendor/swagger-ui.css">
</head>
<body>
<div id="api-docs" data-spec-url="/api/openapi.json"></div>
<script src="/admin/static/vendor/swagger-ui-bundle.js"></script>
<script src="/admin/static/api-docs.js"></script>
</body>
</html>
"""


class ApiDocsHandler(ApiHandler):
    """接口参考页面（Swagger UI，本地静态文件，不依赖 CDN）。"""
    allow_anonymous = True

    @api(produces="text/html")
    async def get(self):
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.set_header("Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                        "script-src 'self'; frame-ancestors 'none'")
        self.finish(DOCS_PAGE)


default_handlers = [(r"/api/openapi.json", OpenApiHandler), (r"/api/docs", ApiDocsHandler)]
