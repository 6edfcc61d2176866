"""GET /api/openapi.json: an OpenAPI 3.0 document generated from the live route table."""
import re

import tornado.web

from handlers.base import ApiHandler, dumps

METHODS = ("get", "post", "put", "patch", "delete")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<named>[^)]*)\)|\((?P<plain>[^)]*)\)")

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "description": "稳定的大写错误码，如 STAFF_NOT_FOUND"},
            "message": {"type": "string", "description": "中文提示"},
            "fields": {"type": "object", "description": "字段级错误或附加数据"},
        },
    }},
}


def implemented_methods(handler_class):
    """HTTP methods the handler defines itself (not RequestHandler's 405 stubs)."""
    return [m for m in METHODS
            if getattr(handler_class, m, None) is not getattr(tornado.web.RequestHandler, m)]


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
        params.append({"name": name, "in": "path", "required": True,
                       "schema": {"type": "integer"} if body in (r"\d+", "[0-9]+")
                       else {"type": "string"}})
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


def build_document(rules):
    paths = {}
    for pattern, handler in api_routes(rules):
        template, params = path_template(pattern)
        summary = ((handler.__doc__ or "").strip().splitlines() or [handler.__name__])[0]
        item = paths.setdefault(template, {})
        for method in implemented_methods(handler):
            op = {
                "operationId": f"{handler.__name__}.{method}",
                "summary": summary,
                "tags": [template.split("/")[2] if template.count("/") >= 2 else "api"],
                "responses": {
                    "200": {"description": "成功：{\"data\": ...}（列表另含 page、total）"},
                    "default": {"$ref": "#/components/responses/Error"},
                },
            }
            if params:
                op["parameters"] = params
            if getattr(handler, "allow_anonymous", False):
                op["security"] = []
            if method in ("post", "put", "patch"):
                op["requestBody"] = {"required": False, "content": {
                    "application/json": {"schema": {"type": "object"}}}}
            item[method] = op
    return {
        "openapi": "3.0.3",
        "info": {"title": "明镜 Mingjing API", "version": "1.0",
                 "description": "机关、事业单位人事系统接口。成功返回 {\"data\": ...}，"
                                "错误返回统一的错误信封。"},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA},
            "responses": {"Error": {"description": "错误信封", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
        },
    }


class OpenApiHandler(ApiHandler):
    """OpenAPI 3.0 接口文档（由路由表生成）。"""
    allow_anonymous = True

    async def get(self):
        # The document itself, not wrapped in {"data": ...}: tools read it as is.
        self.finish(dumps(build_document(self.application.wildcard_router.rules)))


default_handlers = [(r"/api/openapi.json", OpenApiHandler)]
