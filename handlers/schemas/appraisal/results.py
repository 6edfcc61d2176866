"""Results, grades and quota, publication, objections, reviews and appeals, result applications and
a person's record: request and response models."""
from typing import Literal

from pydantic import Field

from handlers.contract import Flag, Id, Out, PageQuery, Query, StrictBody
from handlers.schemas.common import AttachmentOut
from handlers.contract import text as _text

Grade = Literal["excellent", "competent", "basically_competent", "incompetent",
                "good", "fairly_good", "average", "poor"]
ResultStatus = Literal["computed", "confirmed", "published", "final"]
RequestStatus = Literal["pending", "upheld", "rejected", "withdrawn"]
AppKind = Literal["award", "promotion", "training", "warning"]

# ---- requests ----------------------------------------------------------------------------------


class ConfirmItem(StrictBody):
    staff_id: Id
    grade: Grade = Field(description="确认的等次代码")


class ConfirmIn(StrictBody):
    items: list[ConfirmItem] = Field(default_factory=list, max_length=20000, description="逐人确认的等次")
    accept_proposed: Flag = Field(False, description="其余尚未确认的人员按建议等次确认")


class QuotaApprovalIn(StrictBody):
    percent: float = Field(gt=0, le=100, description="批准的优秀比例（大于默认比例，不超过上限，通常 25）")
    reason: _text(500, multiline=True) = Field(description="理由")
    document: _text(100) = Field(description="批准文件文号")


class ResultListQuery(PageQuery):
    page_size: int = Field(50, ge=1, le=200)
    department_id: Id | None = None
    grade: Grade | None = None
    status: ResultStatus | None = None


class ObjectionIn(StrictBody):
    text: _text(2000, min_length=5, multiline=True) = Field(description="异议内容（至少 5 个字）")
    about_staff_id: Id | None = Field(None, description="所涉人员（可不填）")


class ObjectionQuery(Query):
    status: Literal["open", "answered"] | None = None


class AnswerIn(StrictBody):
    answer: _text(2000, min_length=5, multiline=True) = Field(description="书面答复（至少 5 个字）")


class RequestIn(StrictBody):
    reason: _text(2000, min_length=10, multiline=True) = Field(description="理由（至少 10 个字）")


class DecideIn(StrictBody):
    outcome: Literal["upheld", "rejected"] = Field(description="upheld 支持（调整分数/等次）或 rejected 维持原结果")
    reason: _text(2000, min_length=10, multiline=True) = Field(description="决定理由（至少 10 个字，告知申请人）")
    adjusted_total: float | None = Field(None, ge=0, le=150, description="调整后的总分")
    adjusted_grade: Grade | None = Field(None, description="调整后的等次")


class RequestQuery(Query):
    kind: Literal["review", "appeal"] | None = None
    status: RequestStatus | None = None


class ApplicationIn(StrictBody):
    staff_id: Id
    kind: AppKind = Field(description="award 奖励 / promotion 晋升资格 / training 培训 / warning 诫勉提醒")
    reason: _text(1000, min_length=5, multiline=True) = Field(description="推荐理由")


# ---- responses ---------------------------------------------------------------------------------


class PersonOut(Out):
    id: int
    name: str


class ComputeOut(Out):
    participants: int
    with_total: int
    pending_sheets: int
    proposed: dict[str, int]
    blocked_by_periodic: int


class QuotaApprovalOut(Out):
    id: int
    percent: float
    reason: str
    document: str


class QuotaOut(Out):
    participants: int
    percent: float = Field(description="适用的优秀比例")
    default_percent: float
    max_percent: float
    limit: int = Field(description="优秀名额")
    confirmed: int
    proposed: int
    remaining: int
    top_grade: str
    top_grade_label: str
    rule: str = Field(description="取整规则（界面展示）")
    approval: QuotaApprovalOut | None


class PeriodicOut(Out):
    cycle_id: int
    name: str
    period_no: int | None
    grade: str
    grade_label: str


class SheetSumOut(Out):
    role: str | None
    weight: float | None
    total: float | None


class StaffRefOut(Out):
    id: int
    name: str
    employee_no: str


class ResultOut(Out):
    id: int
    cycle_id: int
    staff: StaffRefOut
    department_id: int | None
    department_name: str | None
    total: float | None
    proposed_grade: str
    proposed_grade_label: str
    grade: str
    grade_label: str
    adjusted_total: float | None
    adjusted_grade: str
    effective_grade: str
    effective_grade_label: str
    status: ResultStatus
    status_label: str
    note: str
    pending_sheets: int
    sheets: list[SheetSumOut]
    periodic: list[PeriodicOut] = Field(description="同年平时考核等次（年度考核）")
    flags: list[str] = Field(description="excellent_streak / low_twice")
    published_on: str | None
    publication_ends_on: str | None


class GradeOut(Out):
    code: str
    label: str


class ThresholdOut(Out):
    grade: str
    label: str
    min: float | None


class CycleRefOut(Out):
    id: int
    name: str
    kind: str
    year: int
    status: str


class ResultsPageOut(Out):
    cycle: CycleRefOut
    grades: list[GradeOut]
    thresholds: list[ThresholdOut]
    quota: QuotaOut
    published: bool
    rows: list[ResultOut]


class ConfirmOut(Out):
    confirmed: int
    quota: QuotaOut


class DeptDistOut(Out):
    department_id: int | None
    department_name: str
    participants: int
    counts: dict[str, int]
    ungraded: int
    top_rate: float


class DistributionOut(Out):
    grades: list[GradeOut]
    departments: list[DeptDistOut]
    quota: QuotaOut


class PublicationOut(Out):
    state: Literal["not_published", "publishing", "ended"]
    published_on: str | None
    ends_on: str | None
    remaining_days: int | None


class PublishOut(Out):
    published_on: str
    ends_on: str
    working_days: int
    participants: int
    publication: PublicationOut


class CloseOut(Out):
    cycle_id: int
    status: Literal["closed"]
    final_results: int


class ItemScoreOut(Out):
    key: str
    title: str
    kind: str
    weight: float
    score: float | None
    auto_score: float | None
    justification: str
    override_reason: str


class SheetViewOut(Out):
    role: str
    role_label: str
    rater: str = Field(description="评分人（同事评分匿名为“同事 A/B…”）")
    weight: float
    total: float | None
    items: list[ItemScoreOut]


class RequestOut(Out):
    id: int
    kind: Literal["review", "appeal"]
    kind_label: str
    cycle_id: int
    result_id: int
    parent_id: int | None
    staff: PersonOut
    reason: str
    status: RequestStatus
    status_label: str
    filed_on: str | None
    due_on: str = Field(description="办理期限")
    remaining_days: int | None = Field(description="距办理期限的天数（办理中）")
    overdue: bool
    instance_id: int | None
    decision: str
    adjusted_total: float | None
    adjusted_grade: str
    adjusted_grade_label: str
    decided_by: PersonOut | None
    decided_on: str | None
    attachments: list[AttachmentOut]


class WindowOut(Out):
    ends_on: str
    remaining_days: int
    open: bool


class MyCanOut(Out):
    object: bool
    review: bool
    appeal: bool


class MyResultOut(ResultOut):
    cycle: CycleRefOut
    publication: PublicationOut
    sheets: list[SheetViewOut]
    requests: list[RequestOut]
    review_window: WindowOut
    appeal_window: WindowOut | None
    can: MyCanOut


class ObjectionOut(Out):
    id: int
    cycle_id: int
    filed_by: PersonOut
    about: PersonOut | None
    text: str
    status: Literal["open", "answered"]
    status_label: str
    answer: str
    answered_by: PersonOut | None
    answered_at: str | None


class ApplicationOut(Out):
    id: int
    cycle_id: int
    staff: PersonOut
    kind: AppKind
    kind_label: str
    reason: str
    status: Literal["pending", "approved", "rejected", "withdrawn"]
    status_label: str
    instance_id: int | None
    created_by: PersonOut | None


class RecordRowOut(Out):
    cycle_id: int
    cycle_name: str
    kind: str
    year: int
    period_no: int | None
    total: float | None
    grade: str
    grade_label: str
    adjusted: bool
    status: str


class FlagOut(Out):
    code: Literal["excellent_streak", "low_twice"]
    label: str


class RecordOut(Out):
    staff: StaffRefOut
    results: list[RecordRowOut]
    excellent_streak: int = Field(description="截至最近一年连续优秀的年数")
    longest_excellent_streak: list[int]
    flags: list[FlagOut]

