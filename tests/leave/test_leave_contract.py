"""Leave (and my messages) API input contract: shape errors are 422 VALIDATION_FAILED with
`fields` keyed by the JSON path, before any service code runs; domain rules keep their codes."""
from models.base import count
from models.leave import LeaveRequest, LeaveType


def fields(r):
    assert r.status == 422 and r.code == "VALIDATION_FAILED", r
    return r.error["fields"]


def test_submit_shape_errors_write_nothing(server, api, org):
    me = api.as_(org.office_1)
    ok = {"type": "personal", "start": "2026-03-02", "end": "2026-03-02", "reason": "事由"}
    assert fields(me.post("/api/leave/requests", {**ok, "start": None})) == {"start": "应为日期 YYYY-MM-DD"}
    no_end = dict(ok)
    del no_end["end"]
    assert fields(me.post("/api/leave/requests", no_end)) == {"end": "必填"}
    assert fields(me.post("/api/leave/requests", {**ok, "start": 20260302})) == {"start": "应为日期 YYYY-MM-DD"}
    assert fields(me.post("/api/leave/requests", {**ok, "end": "2026-02-30"})) == {"end": "应为日期 YYYY-MM-DD"}
    assert fields(me.post("/api/leave/requests", {**ok, "start": "1899-12-31"})) == \
        {"start": "日期应在 1900-01-01 至 2100-12-31 之间"}
    assert fields(me.post("/api/leave/requests", {**ok, "end_half": "evening"})) == \
        {"end_half": "取值不在允许范围内：am、pm"}
    assert fields(me.post("/api/leave/requests", {**ok, "reason": "长" * 501})) == \
        {"reason": "不能超过 500 个字符"}
    assert server.run(count(LeaveRequest.select())) == 0
    # The same body, well formed, reaches the service; an unknown type stays a domain error.
    assert me.post("/api/leave/requests", {**ok, "type": "nope"}).code == "LEAVE_TYPE_UNKNOWN"
    assert me.post("/api/leave/requests", ok).status == 201


def test_query_shape_errors(api, org):
    me = api.as_(org.office_1)
    assert fields(me.get("/api/leave/quote?type=personal&start=2026-03-02")) == {"end": "必填"}
    assert fields(me.get("/api/leave/quote?type=personal&start=2026-03-02&end=2026-03-02&end_half=noon")) == \
        {"end_half": "取值不在允许范围内：am、pm"}
    assert fields(me.get("/api/leave/requests?status=lost")) == \
        {"status": "取值不在允许范围内：pending、approved、rejected、withdrawn、returned、cancelled"}
    assert fields(me.get("/api/leave/requests?mine=0&staff_id=0")) == {"staff_id": "不能小于 1"}
    assert fields(me.get("/api/leave/requests?page=0")) == {"page": "不能小于 1"}
    assert fields(me.get("/api/leave/balances?year=1999")) == {"year": "不能小于 2000"}
    hr = api.as_(org.a_hr_officer)
    assert fields(hr.get("/api/leave/report")) == {"year": "必填"}
    assert fields(hr.get("/api/leave/report?year=2026&month=13")) == {"month": "不能大于 12"}
    assert fields(hr.get("/api/leave/report?year=2026&format=pdf")) == {"format": "取值不在允许范围内：json、csv、xlsx"}
    assert hr.get("/api/leave/report?year=2026").status == 200


def test_leave_type_bodies_are_strict(server, api, org):
    hr = api.as_(org.a_hr_officer)
    before = server.run(count(LeaveType.select()))
    # A misspelt setting is refused, not silently ignored.
    assert fields(hr.post("/api/leave/types", {"code": "study", "name": "学习假", "max_day": 3})) == \
        {"max_day": "不允许的字段"}
    assert fields(hr.post("/api/leave/types", {"code": "study", "name": "学习假",
                                               "count_mode": "weekdays"})) == \
        {"count_mode": "取值不在允许范围内：working_days、calendar_days"}
    assert fields(hr.post("/api/leave/types", {"code": "study", "name": "学习假", "quota_days": 400})) == \
        {"quota_days": "不能大于 366"}
    assert fields(hr.post("/api/leave/types", {"code": "study", "name": "学习假", "paid": 1})) == \
        {"paid": "应为 true 或 false"}
    assert fields(hr.post("/api/leave/types", {"code": "study", "name": "学习假", "settings": []})) == \
        {"settings": "应为对象"}
    assert server.run(count(LeaveType.select())) == before
    assert fields(hr.patch("/api/leave/types/1", {"sort": 1001})) == {"sort": "不能大于 1000"}


def test_adjust_and_report_back_shape_errors(api, org):
    hr = api.as_(org.a_hr_officer)
    assert fields(hr.post("/api/leave/balances/1/adjust", {"delta": "two", "reason": "结转"})) == \
        {"delta": "应为数字"}
    assert fields(hr.post("/api/leave/balances/1/adjust", {"delta": 1, "reason": " "})) == \
        {"reason": "不能为空"}
    me = api.as_(org.office_1)
    assert fields(me.post("/api/leave/requests/1/report-back", {"date": "2026-03-03"})) == {"half": "必填"}
    assert fields(me.post("/api/leave/requests/1/resubmit", {"start_half": "noon"})) == \
        {"start_half": "取值不在允许范围内：am、pm"}


def test_messages_query_shape_errors(api, org):
    me = api.as_(org.office_1)
    r = me.get("/api/messages?unread=1")
    assert r.status == 200 and r.data == [] and r.json["unread"] == 0 and r.json["total"] == 0
    assert fields(me.get("/api/messages?unread=perhaps")) == {"unread": "应为 true 或 false"}
    assert fields(me.get("/api/messages?page_size=500")) == {"page_size": "不能大于 200"}
    assert fields(me.get("/api/messages?page=x")) == {"page": "应为整数"}
