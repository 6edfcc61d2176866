"""Attendance administration request and response models: places (and their QR), schedules,
unit rules, review of flagged punches, device changes, recomputation."""
from typing import Annotated, Literal

import pydantic
from pydantic import Field, WrapValidator

from handlers.contract import Body, Day, Id, Month, Out, PageQuery, Query, StrictBody, text
from handlers.schemas.attendance import PunchOut

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
HHMM_OR_EMPTY = r"^(([01]\d|2[0-3]):[0-5]\d)?$"
MMDD_OR_EMPTY = r"^((0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))?$"
PROOF = Literal["geofence", "wifi", "qr"]
PROOFS_HELP = "如 geofence|qr（任一）或 geofence&wifi（同时），可选 geofence、wifi、qr"


def _one_message(message):
    """Report a union field's failure once, under the field's own name (not per union member)."""
    def check(value, handler):
        try:
            return handler(value)
        except pydantic.ValidationError:
            raise ValueError(message) from None
    return WrapValidator(check)


# ---- requests ----------------------------------------------------------------------------------

class AttendanceUnitQuery(Query):
    unit_id: Id | None = Field(None, description="只看某单位")


class PlaceFenceIn(StrictBody):
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False, description="纬度（GCJ-02，须在国内）")
    lng: float = Field(ge=-180, le=180, allow_inf_nan=False, description="经度（GCJ-02）")
    radius: float = Field(300, ge=100, le=3000, allow_inf_nan=False, description="半径（米）")


class PlaceUpdate(StrictBody):
    name: text(100) | None = None
    fences: list[PlaceFenceIn] | None = Field(None, max_length=20)
    wifi_bssids: list[text(40)] | None = Field(None, max_length=50, description="aa:bb:cc:dd:ee:ff")
    qr_enabled: bool | None = None
    active: bool | None = None


class PlaceCreate(StrictBody):
    unit_id: Id
    department_id: Id | None = Field(None, description="仅该部门使用；缺省为全单位")
    name: text(100)
    fences: list[PlaceFenceIn] = Field([], max_length=20)
    wifi_bssids: list[text(40)] = Field([], max_length=50, description="aa:bb:cc:dd:ee:ff")
    qr_enabled: bool = True
    active: bool = True


class ScheduleSessionIn(StrictBody):
    start: text(5, pattern=HHMM) = Field(description="HH:MM")
    end: text(5, pattern=HHMM) = Field(description="HH:MM")


class ScheduleUpdate(StrictBody):
    name: text(50) | None = None
    kind: Literal["fixed", "flexible"] | None = Field(None, description="fixed 固定班制；flexible 弹性")
    sessions: list[ScheduleSessionIn] | None = Field(None, max_length=6)
    grace_late: int | None = Field(None, ge=0, le=120, description="迟到宽限（分钟）")
    grace_early: int | None = Field(None, ge=0, le=120, description="早退宽限（分钟）")
    core_start: text(5, min_length=0, pattern=HHMM_OR_EMPTY) | None = None
    core_end: text(5, min_length=0, pattern=HHMM_OR_EMPTY) | None = None
    required_minutes: int | None = Field(None, ge=0, le=1440)
    season_start: text(5, min_length=0, pattern=MMDD_OR_EMPTY) | None = Field(None, description="MM-DD")
    season_end: text(5, min_length=0, pattern=MMDD_OR_EMPTY) | None = Field(None, description="MM-DD")
    active: bool | None = None


class ScheduleCreate(StrictBody):
    unit_id: Id
    department_id: Id | None = Field(None, description="部门作息优先于单位作息")
    name: text(50)
    kind: Literal["fixed", "flexible"] = "fixed"
    sessions: list[ScheduleSessionIn] = Field([], max_length=6)
    grace_late: int = Field(0, ge=0, le=120)
    grace_early: int = Field(0, ge=0, le=120)
    core_start: text(5, min_length=0, pattern=HHMM_OR_EMPTY) = ""
    core_end: text(5, min_length=0, pattern=HHMM_OR_EMPTY) = ""
    required_minutes: int = Field(0, ge=0, le=1440)
    season_start: text(5, min_length=0, pattern=MMDD_OR_EMPTY) = Field("", description="MM-DD")
    season_end: text(5, min_length=0, pattern=MMDD_OR_EMPTY) = Field("", description="MM-DD")
    active: bool = True


Proofs = Annotated[text(100) | list[Annotated[list[PROOF], Field(min_length=1, max_length=3)]],
                   Field(description="验证方式：geofence|qr（任一）或 [[\"geofence\", \"wifi\"], [\"qr\"]]"),
                   _one_message(PROOFS_HELP)]


class AttendanceRuleUpdate(StrictBody):
    proofs: Proofs | None = None
    outside_policy: Literal["field", "refuse"] | None = Field(None, description="范围外：field 记外勤；refuse 拒绝")
    accuracy_limit_m: int | None = Field(None, ge=10, le=5000)
    max_speed_kmh: int | None = Field(None, ge=10, le=2000)
    bind_device: bool | None = None
    makeup_monthly_limit: int | None = Field(None, ge=0, le=31)
    makeup_deadline_days: int | None = Field(None, ge=0, le=90)
    start_date: Day | None = Field(None, description="考勤启用日期：此前的日子不判定（null 清除）")
    leave_backdate_days: int | None = Field(None, ge=0, le=366,
                                            description="补请假最多可追溯的天数（null 不限）")
    qr_gps_max_m: int | None = Field(None, ge=100, le=50000,
                                     description="扫码打卡的定位与地点相距超过此值（米）即标记待复核")


class PunchReviewQuery(PageQuery):
    status: Literal["pending", "accepted", "rejected"] = "pending"


class PunchReviewBody(Body):
    decision: Literal["accept", "reject"]
    note: text(200, min_length=0, multiline=True) = ""


class DeviceChangeDecision(Body):
    decision: Literal["approve", "reject"]
    note: text(200, min_length=0, multiline=True) = ""


class RecomputeCreate(Body):
    start: Day
    end: Day = Field(description="与 start 相距不超过 3 个月")
    department_id: Id | None = None
    staff_id: Id | None = None


class ReportExportCreate(Body):
    month: Month | None = Field(None, description="YYYY-MM，缺省为本月")
    department_id: Id | None = Field(None, description="只导出某部门（含下级）；缺省为管理范围内全部")
    format: Literal["xlsx", "csv"] = "xlsx"


# ---- responses ---------------------------------------------------------------------------------

class PlaceFenceOut(Out):
    lat: float
    lng: float
    radius: int | float


class PlaceOut(Out):
    id: int
    unit_id: int
    department_id: int | None
    name: str
    fences: list[PlaceFenceOut]
    wifi_bssids: list[str]
    qr_enabled: bool
    active: bool


class PlaceQrOut(Out):
    place_id: int
    token: str = Field(description="写入二维码的签名令牌")
    step: int
    expires_in: int = Field(description="距更换的秒数")


class ScheduleSessionOut(Out):
    start: str
    end: str


class ScheduleOut(Out):
    id: int
    unit_id: int
    department_id: int | None
    name: str
    kind: Literal["fixed", "flexible"]
    sessions: list[ScheduleSessionOut]
    grace_late: int
    grace_early: int
    core_start: str
    core_end: str
    required_minutes: int
    season_start: str
    season_end: str
    active: bool


class AttendanceRuleOut(Out):
    unit_id: int
    proofs: list[list[str]]
    proofs_expr: str
    outside_policy: Literal["field", "refuse"]
    accuracy_limit_m: int
    max_speed_kmh: int
    bind_device: bool
    makeup_monthly_limit: int
    makeup_deadline_days: int
    start_date: str | None = Field(description="考勤启用日期，此前不判定")
    leave_backdate_days: int | None = Field(description="补请假最多可追溯的天数；null 不限")
    qr_gps_max_m: int


class PunchReviewOut(PunchOut):
    staff_name: str
    employee_no: str


class RecomputeOut(Out):
    staff: int = Field(description="重算的人数")
    days: int = Field(description="重算的人日数")



class ReportExportOut(Out):
    id: str = Field(description="导出任务编号；GET …/exports/{id} 查看进度，…/file 下载")
    kind: str
    status: Literal["running", "done", "failed", "expired"]
    progress: int = Field(description="0–100")
    message: str
    filename: str
    size: int
    created_at: str
    finished_at: str | None
    expires_at: str = Field(description="此后文件删除")
    params: dict
