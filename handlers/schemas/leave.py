"""Leave request and response models: quote, requests, report-back, balances, types, report, attachments."""
from typing import Annotated, Any, Literal

from pydantic import Field

from handlers.contract import Body, Day, Half, Id, Out, PageQuery, Query, StrictBody, Year, text
from handlers.schemas.common import AttachmentOut

# Strict: "yes" or 1 is not a yes/no answer in a JSON body.
Flag = Annotated[bool, Field(strict=True)]
TypeCode = text(20)
Reason = text(500, min_length=0, multiline=True)
Status = Literal["pending", "approved", "rejected", "withdrawn", "returned", "cancelled"]
CountMode = Literal["working_days", "calendar_days"]       # services.leave_rules.COUNT_MODES
QuotaRule = Literal["annual", "fixed", "lieu", "none"]     # services.leave_rules.QUOTA_RULES

# ---- requests ----------------------------------------------------------------------------------


class LeaveQuoteQuery(Query):
    type: TypeCode = Field(description="假期类型代码")
    start: Day
    start_half: Half = "am"
    end: Day
    end_half: Half = "pm"


class LeaveListQuery(PageQuery):
    mine: bool = Field(True, description="true：我的申请；false：管理范围内的申请")
    staff_id: Id | None = Field(None, description="某人的申请（mine=false 时）")
    status: Status | None = None
    year: Year | None = None


class LeaveCreate(Body):
    type: TypeCode = Field(description="假期类型代码")
    start: Day
    start_half: Half = "am"
    end: Day
    end_half: Half = "pm"
    reason: Reason = ""


class LeaveResubmit(Body):
    """Fields left out (or null) keep their value."""
    type: TypeCode | None = None
    start: Day | None = None
    start_half: Half | None = None
    end: Day | None = None
    end_half: Half | None = None
    reason: Reason | None = None


class LeaveReportBack(Body):
    date: Day = Field(description="返岗日期")
    half: Half = Field(description="返岗的半天：am 上午、pm 下午")


class BalanceQuery(Query):
    year: Year | None = Field(None, description="缺省为今年")
    staff_id: Id | None = Field(None, description="某人的余额（须在管理范围内）；缺省为本人")


class BalanceAdjust(Body):
    # The half-day rule and the ±365 bound are domain checks (LEAVE_ADJUST_INVALID) in the service.
    delta: float = Field(allow_inf_nan=False, description="调整天数，半天的整数倍，可为负")
    reason: text(200, multiline=True)


class LeaveTypeListQuery(Query):
    all: bool = Field(False, description="true/1：含已停用的类型")


class LeaveTypeFields(StrictBody):
    """Settings of a leave type: a misspelt field is refused rather than silently ignored."""
    name: text(30) | None = None
    count_mode: CountMode | None = None
    paid: Flag | None = None
    attachment_over_days: float | None = Field(None, ge=0, le=365,
                                               description="超过该天数须上传证明材料")
    max_days_per_request: float | None = Field(None, ge=0.5, le=366)
    balance_tracked: Flag | None = None
    is_trip: Flag | None = Field(None, description="出差/外出类：考勤按在岗计")
    quota_rule: QuotaRule | None = None
    quota_days: float | None = Field(None, ge=0, le=366)
    settings: dict[str, Any] | None = None
    active: Flag | None = None
    sort: int | None = Field(None, ge=0, le=1000)


class LeaveTypeCreate(LeaveTypeFields):
    code: text(20) = Field(description="小写字母、数字、下划线；与全国默认类型同代码即覆盖")
    unit_id: Id | None = Field(None, description="缺省为本人单位")


class LeaveTypeUpdate(LeaveTypeFields):
    pass


class LeaveReportQuery(Query):
    year: Year
    month: int | None = Field(None, ge=1, le=12)
    department_id: Id | None = None
    format: Literal["json", "csv", "xlsx"] = "json"


# ---- responses ---------------------------------------------------------------------------------


class LieuCreditOut(Out):
    id: int
    overtime_id: int | None
    days: float
    used: float
    reserved: float
    expires_on: str


class BalanceOut(Out):
    id: int | None = Field(description="调休余额（lieu）为 null：由加班折算，不可调整")
    staff_id: int
    year: int
    type_code: str
    type_name: str
    entitled: float
    adjusted: float
    used: float
    pending: float
    remaining: float
    note: str | None
    credits: list[LieuCreditOut] | None = Field(None, description="调休：各笔加班折算的额度")


class QuoteBalance(Out):
    """The balance a quote is charged to (a tracked type's row, or the lieu credits)."""
    type_code: str
    entitled: float
    adjusted: float
    used: float
    pending: float
    remaining: float


class CalendarDay(Out):
    date: str
    kind: str = Field(description="workday / rest / holiday / makeup_workday")
    name: str
    source: str
    working: bool
    counted: bool


class QuoteOut(Out):
    type: str
    type_name: str
    count_mode: CountMode
    days: float
    balance: QuoteBalance | None
    remaining_after: float | None
    backdated: bool = Field(description="补请假：开始日期早于今天")
    sufficient: bool
    attachment_required: bool
    warnings: list[str]
    calendar: list[CalendarDay]


class StaffRef(Out):
    id: int
    name: str


class LeaveRequestOut(Out):
    id: int
    staff: StaffRef
    unit_id: int
    department_id: int | None
    type: str
    type_name: str
    year: int
    start: str
    start_half: Half
    end: str
    end_half: Half
    days: float
    reason: str
    status: Status
    status_label: str
    instance_id: int | None
    warnings: list[str]
    original_end: str | None
    original_end_half: Half | None
    original_days: float | None
    reported_back_at: str | None
    attachment_required: bool
    attachments: list[AttachmentOut] = Field(description="列表中为空：见详情")
    backdated: bool = Field(description="补请假：提交时开始日期已过（审批人可见）")
    created_at: str
    updated_at: str | None


class LeaveTypeOut(Out):
    id: int
    unit_id: int | None
    code: str
    name: str
    count_mode: CountMode
    paid: bool
    attachment_over_days: float | None
    max_days_per_request: float | None
    balance_tracked: bool
    quota_rule: QuotaRule
    quota_days: float | None
    settings: dict[str, Any] | None
    is_trip: bool
    active: bool
    sort: int
    national: bool


class LeaveReportRow(Out):
    department_id: int | None
    department_name: str
    year: int
    month: int
    type: str
    type_name: str
    requests: int
    people: int
    days: float


# ---- 假期余额表 (unit / department table for HR) -------------------------------------------------

class BalanceTableQuery(PageQuery):
    year: Year | None = Field(None, description="缺省为今年（北京时间）")
    department_id: Id | None = Field(None, description="部门（含下级部门）")
    type_code: text(20) | None = Field(None, description="假期类型代码")
    below: float | None = Field(None, ge=-1000, le=1000, allow_inf_nan=False,
                                description="只列剩余天数低于该值的")
    page_size: int = Field(50, ge=1, le=200, description="每页条数，最多 200")
    format: Literal["json", "xlsx"] = "json"


class BalanceTableRow(Out):
    id: int
    staff_id: int
    name: str
    employee_no: str
    department_id: int | None
    department_name: str
    year: int
    type_code: str
    type_name: str
    entitled: float
    adjusted: float
    used: float
    pending: float
    remaining: float
    lieu: float = Field(description="调休剩余天数（本年度有效的加班折算，每人一个数）")
    note: str


class BalanceTableTotals(Out):
    people: int
    entitled: float = Field(description="应享 + 调整")
    used: float
    pending: float
    remaining: float
    lieu: float = Field(description="所列人员的调休剩余天数合计（每人计一次）")


class BalanceFill(Body):
    year: Year | None = Field(None, description="缺省为今年（北京时间）")


class BalanceFillOut(Out):
    year: int
    people: int
