"""Input validation: declare fields once, get clean values or one 422 naming every bad field.

    body = validate(self.json_body(), {
        "name": Str(max_len=50),
        "department_id": Int(),
        "start": Date(),
        "note": Str(required=False, default=""),
    })
"""
import datetime

from server import inputs
from server.errors import Invalid

_MISSING = object()


class Field:
    type_message = "格式不正确"

    def __init__(self, *, required=True, default=None, nullable=False, choices=None):
        self.required = required
        self.default = default
        self.nullable = nullable
        self.choices = choices

    def clean(self, value):
        return value

    def run(self, value):
        if value is _MISSING:
            if self.required:
                raise ValueError("必填")
            return self.default
        if value is None:
            if self.nullable or not self.required:
                return self.default if not self.nullable else None
            raise ValueError("必填")
        value = self.clean(value)
        if self.choices is not None and value not in self.choices:
            raise ValueError("取值不在允许范围内：" + "、".join(map(str, self.choices)))
        return value


class Str(Field):
    """Text. Control characters are refused; `multiline` text (default: fields of 200+ characters,
    i.e. reasons, notes, comments) may hold line breaks and tabs (CRLF becomes LF)."""

    def __init__(self, *, min_len=None, max_len=200, strip=True, multiline=None, **kw):
        super().__init__(**kw)
        self.min_len = 1 if min_len is None and kw.get("required", True) else (min_len or 0)
        self.max_len = max_len
        self.strip = strip
        self.multiline = (max_len is None or max_len >= 200) if multiline is None else multiline

    def clean(self, value):
        if not isinstance(value, str):
            raise ValueError("应为文本")
        if self.multiline:
            value = value.replace("\r\n", "\n")
        if inputs.control_char(value, multiline=self.multiline) is not None:
            raise ValueError("不能含有控制字符" + ("" if self.multiline else "或换行"))
        if inputs.has_lone_surrogate(value):
            raise ValueError("含有无法编码的字符")
        if self.strip:
            value = value.strip()
        if len(value) < self.min_len:
            raise ValueError("不能为空" if self.min_len == 1 else f"至少 {self.min_len} 个字符")
        if self.max_len and len(value) > self.max_len:
            raise ValueError(f"不能超过 {self.max_len} 个字符")
        return value


class Int(Field):
    """An integer; without explicit bounds it must still fit a signed 64-bit column."""

    def __init__(self, *, min_value=None, max_value=None, **kw):
        super().__init__(**kw)
        self.min_value = inputs.INT64_MIN if min_value is None else min_value
        self.max_value = inputs.INT64_MAX if max_value is None else max_value

    def clean(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError("应为整数")
        if isinstance(value, str) and not inputs.is_digits(value):
            raise ValueError("应为整数")  # int() would also take "1_000" and " 7 "
        try:
            value = int(value)
        except ValueError:
            raise ValueError("应为整数") from None
        if value < self.min_value:
            raise ValueError("超出范围" if self.min_value == inputs.INT64_MIN
                             else f"不能小于 {self.min_value}")
        if value > self.max_value:
            raise ValueError("超出范围" if self.max_value == inputs.INT64_MAX
                             else f"不能大于 {self.max_value}")
        return value


class Float(Field):
    def __init__(self, *, min_value=None, max_value=None, **kw):
        super().__init__(**kw)
        self.min_value, self.max_value = min_value, max_value

    def clean(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("应为数字")
        try:
            value = float(value)
        except OverflowError:
            raise ValueError("超出范围") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("应为数字")
        if self.min_value is not None and value < self.min_value:
            raise ValueError(f"不能小于 {self.min_value}")
        if self.max_value is not None and value > self.max_value:
            raise ValueError(f"不能大于 {self.max_value}")
        return value


class Bool(Field):
    def clean(self, value):
        if not isinstance(value, bool):
            raise ValueError("应为 true 或 false")
        return value


class Date(Field):
    def clean(self, value):
        if not isinstance(value, str):
            raise ValueError("应为日期 YYYY-MM-DD")
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError("应为日期 YYYY-MM-DD") from None


class DateTime(Field):
    def clean(self, value):
        if not isinstance(value, str):
            raise ValueError("应为时间 YYYY-MM-DDTHH:MM:SS+08:00")
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("应为时间 YYYY-MM-DDTHH:MM:SS+08:00") from None


class List(Field):
    def __init__(self, item, *, max_items=500, min_items=0, **kw):
        super().__init__(**kw)
        self.item, self.max_items, self.min_items = item, max_items, min_items

    def clean(self, value):
        if not isinstance(value, list):
            raise ValueError("应为列表")
        if len(value) > self.max_items:
            raise ValueError(f"最多 {self.max_items} 项")
        if len(value) < self.min_items:
            raise ValueError(f"至少 {self.min_items} 项")
        out = []
        for i, v in enumerate(value):
            try:
                out.append(self.item.run(v))
            except ValueError as exc:
                raise ValueError(f"第 {i + 1} 项{exc}") from None
        return out


class Dict(Field):
    def __init__(self, schema=None, **kw):
        super().__init__(**kw)
        self.schema = schema

    def clean(self, value):
        if not isinstance(value, dict):
            raise ValueError("应为对象")
        if self.schema is None:
            return value
        return validate(value, self.schema)


def validate(data, schema):
    if not isinstance(data, dict):
        raise Invalid("请求体应为 JSON 对象", code="INVALID_BODY")
    clean, errors = {}, {}
    for name, field in schema.items():
        try:
            clean[name] = field.run(data.get(name, _MISSING))
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise Invalid("输入有误：" + "；".join(f"{k} {v}" for k, v in errors.items()),
                      code="VALIDATION_FAILED", fields=errors)
    return clean
