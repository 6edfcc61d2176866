"""Attendance (clock-in) request and response models."""
from typing import Any, Literal

from pydantic import Field

from handlers.contract import Body, Day, Id, Month, Out, PageQuery, Query, StrictBody, text

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


class ReportQuery(PageQuery):
    month: Month | None = Field(None, description="YYYY-MM，缺省为本月")
    department_id: Id | None = None
    format: Literal["json", "csv", "xlsx"] = "json"
    page_size: int = Field(50, ge=1, le=200, description="每页人数，最多 200（仅 JSON；导出为全部）")
    q: text(50) | None = Field(None, description="姓名包含")


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


class ReportNumbers(Out):
    workdays: int = Field(description="应出勤天数")
    days_worked: float
    late_count: int
    late_minutes: int
    early_count: int
    early_minutes: int
    missing_punches: int
    absences: int
    trip_days: float
    field_punches: int
    leave_days: dict[str, float] = Field(description="假别名称 → 天数（半天计 0.5）")


class ReportPerson(ReportNumbers):
    staff_id: int
    employee_no: str | None
    name: str
    department_id: int | None = Field(description="本月在本范围内最后一天所在部门")
    department: str


class ReportDepartment(ReportNumbers):
    department_id: int | None = Field(description="部门（超过 500 人时按考勤日当天所在部门分组）")
    department: str
    staff: int = Field(description="该部门有考勤日的人数")


class ReportTotals(ReportNumbers):
    staff: int = Field(description="本范围（及姓名筛选）的全部人数")


class ReportOut(Out):
    """One page of people (ordered by department then name), every department of the scope and
    the whole scope's totals. Up to 500 people: summed from everyone's rows, today included (judged
    live). More: departments and totals by grouped SQL over the stored days, through `through`
    (yesterday or the month's end), the people's rows without today (`today_included` false)."""
    month: str
    people: list[ReportPerson]
    total: int = Field(description="人数（全部页）")
    page: int
    page_size: int
    departments: list[ReportDepartment]
    totals: ReportTotals
    through: str | None = Field(description="已统计到的日期（昨天或月末）")
    pending_staff: int = Field(description="仍在后台判定的人数")
    complete: bool
    today_included: bool = Field(description="是否含今天（实时判定）：超过 500 人的范围统计到昨天，今天见考勤看板")
