"""TypeScript declarations of the /api contract for the mini-program, generated from the OpenAPI
document (miniprogram/typings/api.d.ts; the editor reads them, JSDoc in services/*.js names them).

    python -m server.typings          # write the file
    python -m server.typings --check  # exit 1 when the file is not current (tests do this too)
"""
import json
import re
import sys

import tornado.web

from server.config import ROOT, load_config

TARGET = ROOT / "miniprogram" / "typings" / "api.d.ts"
HEADER = """// 明镜 Mingjing API 的类型声明 —— 由 `python -m server.typings` 从 /api/openapi.json 生成，请勿手改。
// Generated from the OpenAPI document by `python -m server.typings`; do not edit by hand.
// Use in JSDoc: /** @type {MingjingApi.Schemas.LeaveRequestOut} */
"""
_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def build_openapi():
    """The document of the app as configured by default (fake mode: the dev login included)."""
    from handlers.openapi import build_document
    from server.app import gather_routes

    config = load_config(environ={})
    app = tornado.web.Application(gather_routes(config))
    return build_document(app.wildcard_router.rules)


def _name(ref):
    return re.sub(r"[^A-Za-z0-9_]", "_", ref.rsplit("/", 1)[1])


def _prop(name):
    return name if _IDENT.match(name) else json.dumps(name, ensure_ascii=False)


def ts_type(schema, indent="    "):
    """A JSON Schema (2020-12 subset pydantic emits) -> a TypeScript type expression."""
    if schema is True or schema == {}:
        return "unknown"
    if "$ref" in schema:
        return "Schemas." + _name(schema["$ref"])
    if "const" in schema:
        return json.dumps(schema["const"], ensure_ascii=False)
    if "enum" in schema:
        return " | ".join(json.dumps(v, ensure_ascii=False) for v in schema["enum"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " | ".join(dict.fromkeys(ts_type(s, indent) for s in schema[key]))
    if "allOf" in schema:
        return " & ".join(ts_type(s, indent) for s in schema["allOf"])
    kind = schema.get("type")
    if isinstance(kind, list):
        return " | ".join(ts_type({**schema, "type": k}, indent) for k in kind)
    if kind == "string":
        return "string"
    if kind in ("integer", "number"):
        return "number"
    if kind == "boolean":
        return "boolean"
    if kind == "null":
        return "null"
    if kind == "array":
        item = ts_type(schema.get("items", {}), indent)
        return f"Array<{item}>"
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        if not props:
            if extra in (None, True) or extra == {}:
                return "Record<string, unknown>"
            if extra is False:
                return "Record<string, never>"
            return f"Record<string, {ts_type(extra, indent)}>"
        required = set(schema.get("required", ()))
        lines = ["{"]
        for name, sub in props.items():
            doc = sub.get("description") or sub.get("title")
            if doc and sub.get("description"):
                lines.append(f"{indent}  /** {doc} */")
            optional = "" if name in required else "?"
            lines.append(f"{indent}  {_prop(name)}{optional}: {ts_type(sub, indent + '  ')};")
        if extra not in (None, False):
            lines.append(f"{indent}  [key: string]: unknown;")
        lines.append(indent + "}")
        return "\n".join(lines)
    return "unknown"


def render(doc):
    out = [HEADER, "declare namespace MingjingApi {", "  namespace Schemas {"]
    for name, schema in sorted(doc["components"]["schemas"].items()):
        out.append(f"    type {re.sub(r'[^A-Za-z0-9_]', '_', name)} = {ts_type(schema, '    ')};")
    out.append("  }")
    out.append("")
    out.append("  /** 每个接口：路径参数、查询参数、请求体与成功响应（均为 {data: ...} 信封）。 */")
    out.append("  interface Operations {")
    for path, item in doc["paths"].items():
        for method, op in item.items():
            params = op.get("parameters", [])
            path_params = {p["name"]: p for p in params if p["in"] == "path"}
            query = {p["name"]: p for p in params if p["in"] == "query"}
            fields = []
            if path_params:
                fields.append("path: { " + "; ".join(
                    f"{_prop(n)}: {ts_type(p['schema'])}" for n, p in path_params.items()) + " }")
            if query:
                fields.append("query: { " + "; ".join(
                    f"{_prop(n)}{'' if p.get('required') else '?'}: {ts_type(p['schema'])}"
                    for n, p in query.items()) + " }")
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                fields.append(f"body: {ts_type(body['schema'])}")
            ok = next((r for s, r in op["responses"].items() if s.startswith("2")), {})
            content = ok.get("content", {}).get("application/json")
            fields.append(f"response: {ts_type(content['schema']) if content else 'ArrayBuffer | string'}")
            summary = (op.get("summary") or "").replace("*/", "")
            out.append(f"    /** {summary} */")
            out.append(f"    {json.dumps(method.upper() + ' ' + path, ensure_ascii=False)}: {{ "
                       + "; ".join(fields) + " };")
    out.append("  }")
    out.append("")
    out.append("  /** The error envelope every 4xx answers with. */")
    out.append("  type Error = Schemas.Error;")
    out.append("}")
    return "\n".join(out) + "\n"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    text = render(build_openapi())
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is not current: run `python -m server.typings`",
                  file=sys.stderr)
            return 1
        print(f"{TARGET.relative_to(ROOT)} is current")
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
