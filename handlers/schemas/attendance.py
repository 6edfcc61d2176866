"""Attendance (clock-in) request and response models."""
from typing import Any, Literal

from pydantic import Field

from handlers.contract import Body, Day, Id, Month, Out, Query, StrictBody, text

# ---- requests ----------------------------------------------------------------------------------


class PunchCreate(Body):
    lat: float = Field(ge=-90, le=90, description="纬度（GCJ-02）")
    lng: float = Field(ge=-180, le=180, description="经度（GCJ-02）")
    accuracy: float = Field(ge=0, le=100000, description="定位精度（米）")
    wifi_bssid: text(40, min_length=0) = ""
    qr_token: text(200, min_length=0) = ""
    device_id: text(80) = Field(description="设备标识（一人一机）")
    reason: text(200, min_length=0) = Field("", description="外勤或异常说明")


class TodayQuery(Query):
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)


class MonthQuery(Query):
    month: Month | None = Field(None, description="YYYY-MM，缺省为本月")


class DeviceChangeCreate(Body):
    device_id: text(80)
    reason: text(200)


class MakeupCreate(Body):
    day: Day
    time: text(5, pattern=r"^([01]\d|2[0-3]):[0-5]\d$") = Field(description="补卡时间 HH:MM")
    reason: text(200)


class MakeupResubmit(StrictBody):
    """退回修改后重新提交：未填（或 null）的字段保持不变。"""
    day: Day | None = None
    time: text(5, pattern=r"^([01]\d|2[0-3]):[0-5]\d$") | None = Field(None, description="补卡时间 HH:MM")
    reason: text(200) | None = None


class BoardQuery(Query):
    department_id: Id | None = None


class ReportQuery(Query):
    month: Month | None = Field(None, description="YYYY-MM，缺省为本月")
    department_id: Id | None = None
    format: Literal["json", "csv", "xlsx"] = "json"


# ---- responses ---------------------------------------------------------------------------------


class PunchOut(Out):
    id: int
    staff_id: int
    at: str = Field(description="服务器记录的打卡时间（北京时间 ISO）")
    kind: str
    lat: float | None
    lng: float | None
    accuracy: float | None
    place_id: int | None
    proofs: list[str]
    reason: str | None
    flags: list[str]
    review_status: str | None
    review_note: str | None
    repeat: bool | None = Field(None, description="60 秒内重复打卡时为 true，返回第一次的记录")


class PlaceBrief(Out):
    id: int
    name: str
    fences: list[dict[str, Any]]
    qr_enabled: bool
    wifi: bool


class TodayOut(Out):
    date: str
    day: dict[str, Any] = Field(description="日历信息：工作日、休息日、节假日、调休")
    schedule: dict[str, Any]
    rule: dict[str, Any]
    punches: list[PunchOut]
    status: dict[str, Any] | None
    places: list[PlaceBrief]
    inside: bool | None


class MonthDayOut(Out):
    date: str
    status: str | None
    status_label: str
    result: dict[str, Any] | None


class MonthOut(Out):
    month: str
    days: list[MonthDayOut]
    totals: dict[str, Any]
    warnings: list[Any]


class DeviceChangeOut(Out):
    id: int
    staff_id: int
    staff_name: str | None
    device_id: str
    reason: str
    status: str
    note: str | None
    created_at: str
    decided_at: str | None


class MakeupOut(Out):
    id: int
    staff_id: int
    day: str
    at: str
    reason: str
    status: str
    approval_id: int | None
    punch_id: int | None
    created_at: str


class BoardPerson(Out):
    staff_id: int
    name: str
    employee_no: str
    department: str
    status: str
    late_minutes: int | float | None
    punches: int
    leave_name: str | None
    leave_half: str | None
    missing_count: int = Field(0, description="已到但尚未打的卡（如下班卡）次数")


class BoardOut(Out):
    date: str
    total: int
    counts: dict[str, int]
    in_: list[BoardPerson] = Field(alias="in")
    late: list[BoardPerson]
    missing: list[BoardPerson]
    leave: list[BoardPerson]
    pending: list[BoardPerson]
    rest: list[BoardPerson]


class ReportOut(Out):
    month: str
    people: list[dict[str, Any]]
    departments: list[dict[str, Any]]
