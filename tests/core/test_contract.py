"""The API contract: pydantic errors become the 422 envelope with Chinese messages keyed by JSON
path; declared responses are checked; every /api operation is declared."""
import typing

import pydantic
import pytest

from handlers.contract import (Body, Day, Id, Out, StrictBody, check_response, ContractViolation,
                               Operation, text, validation_error)
from handlers.openapi import undeclared_operations
from tests.attendance.helpers import at, near, setup_a

NOW = at("2026-11-02 08:20")


def test_missing_wrong_type_and_out_of_range_fields_over_http(api, org):
    setup_a(api, org)
    me = api.as_(org.office_1)
    r = me.post("/api/attendance/punch", {"lng": "east", "accuracy": -1, "device_id": "d"},
                headers=NOW)
    assert r.status == 422 and r.code == "VALIDATION_FAILED"
    assert r.error["fields"] == {"lat": "必填", "lng": "应为数字", "accuracy": "不能小于 0"}
    assert r.error["message"].startswith("输入有误：")
    # Nothing was written.
    assert me.get("/api/attendance/today", headers=NOW).data["punches"] == []


def test_text_fields_refuse_control_characters_and_blank(api, org):
    setup_a(api, org)
    me = api.as_(org.office_1)
    lat, lng = near(0)
    r = me.post("/api/attendance/punch", {"lat": lat, "lng": lng, "accuracy": 5,
                                          "device_id": "dev\x00x"}, headers=NOW)
    assert r.status == 422 and r.error["fields"] == {"device_id": "不能包含控制字符或换行"}
    r = me.post("/api/attendance/device-change", {"device_id": "   ", "reason": "换手机"})
    assert r.status == 422 and r.error["fields"] == {"device_id": "不能为空"}


def test_dates_must_be_text_in_range(api, org):
    me = api.as_(org.office_1)
    for value, message in ((5, "应为日期 YYYY-MM-DD"), ("2026-13-01", "应为日期 YYYY-MM-DD"),
                           ("0001-01-01", "日期应在 1900-01-01 至 2100-12-31 之间")):
        r = me.post("/api/attendance/makeups", {"day": value, "time": "08:30", "reason": "忘记打卡"})
        assert r.status == 422 and r.error["fields"] == {"day": message}, (value, r)
    r = me.post("/api/attendance/makeups", {"day": "2026-11-02", "time": "8点", "reason": "x"})
    assert r.status == 422 and r.error["fields"] == {"time": "格式不正确"}


def test_body_that_is_not_an_object_or_not_json_is_400(api, org):
    me = api.as_(org.office_1)
    for raw in (b"[1, 2]", b"{not json", b'{"device_id": "\\ud800"}', b"[" * 5000 + b"]" * 5000):
        r = me.request("POST", "/api/attendance/device-change", data=raw)
        assert r.status == 400 and r.code == "BAD_JSON", (raw[:20], r)


def test_query_strings_are_declared_too(api, org):
    hr = api.as_(org.a_hr_officer)
    r = hr.get("/api/attendance/report?month=2026-13")
    assert r.status == 422 and r.error["fields"] == {"month": "格式不正确"}
    r = hr.get("/api/attendance/report?format=pdf")
    assert r.status == 422 and r.error["fields"] == {"format": "取值不在允许范围内：json、csv、xlsx"}
    r = hr.get("/api/attendance/board?department_id=99999999999999999999")
    assert r.status in (400, 422) and r.code in ("VALIDATION_FAILED", "BAD_QUERY")


class _Step(Body):
    approver_id: Id
    note: text(10, min_length=0) = ""


class _Flow(StrictBody):
    name: text(20)
    start: Day
    steps: list[_Step] = pydantic.Field(max_length=3)


def _fields(model, data):
    with pytest.raises(pydantic.ValidationError) as info:
        model.model_validate_json(data)
    return validation_error(info.value).fields


def test_nested_paths_extra_fields_and_list_bounds():
    fields = _fields(_Flow, '{"name": "x", "start": "2026-01-01", "extra": 1,'
                            ' "steps": [{"approver_id": 1}, {"approver_id": 0, "note": "' + "长" * 11 + '"}]}')
    assert fields == {"extra": "不允许的字段", "steps.1.approver_id": "不能小于 1",
                      "steps.1.note": "不能超过 10 个字符"}
    fields = _fields(_Flow, '{"name": "x", "start": "2026-01-01", "steps": '
                            + str([{"approver_id": 1}] * 4).replace("'", '"') + '}')
    assert fields == {"steps": "最多 3 项"}
    assert _fields(_Flow, '{"name": "x", "start": "2026-01-01", "steps": [{"approver_id": 9223372036854775808}]}') \
        == {"steps.0.approver_id": "不能大于 9223372036854775807"}


class _PersonOut(Out):
    id: int
    name: str
    phone: str | None


def test_response_check_catches_drift():
    op = Operation(response=_PersonOut, status=(200,))
    check_response(op, 200, '{"data": {"id": 1, "name": "张三", "phone": null, "more": 1}}')
    with pytest.raises(ContractViolation, match="data.name"):
        check_response(op, 200, '{"data": {"id": 1, "phone": null}}')
    with pytest.raises(ContractViolation, match="未声明的状态码"):
        check_response(op, 201, '{"data": {"id": 1, "name": "x", "phone": null}}')
    paged = Operation(response=list[_PersonOut], paged=True)
    with pytest.raises(ContractViolation):
        check_response(paged, 200, '{"data": []}')
    check_response(paged, 200, '{"data": [], "page": 1, "total": 0}')


def test_every_api_operation_is_declared(server):
    missing = undeclared_operations(server.app.wildcard_router.rules)
    assert missing == [], "operations without @api(...): " + ", ".join(missing)


def test_typing_hints_resolve():
    # The contract's aliases are real types (the OpenAPI builder and editors rely on it).
    assert typing.get_origin(Id) is typing.Annotated
