"""Goal sets (目标设定): request and response models."""
from typing import Any, Literal

from pydantic import Field

from handlers.contract import Body, Day, Id, Out, PageQuery, Query, text
from handlers.schemas.common import PersonRefOut

Number = float
BIG = 1e12

# ---- requests ----------------------------------------------------------------------------------


class StepIn(Body):
    at: float = Field(ge=-BIG, le=BIG, description="达到值")
    score: float = Field(ge=0, le=200, description="得分")


class FormulaIn(Body):
    type: Literal["linear", "capped", "threshold"] = Field(
        description="linear 线性（floor 得 0 分、目标值得 100 分）/ capped 线性封顶（最高 cap×100）/ threshold 阶梯")
    floor: float | None = Field(None, ge=-BIG, le=BIG, description="下限（linear、capped），缺省 0")
    cap: float | None = Field(None, ge=1, le=5, description="封顶系数（capped），如 1.2")
    steps: list[StepIn] | None = Field(None, max_length=10, description="阶梯（threshold），达到值从小到大")


class GoalItemIn(Body):
    key: text(16, pattern=r"^[A-Za-z0-9_-]+$") | None = Field(
        None, description="目标项编号（跨版本不变）；新增项不填")
    title: text(100, min_length=0) = ""
    description: text(1000, min_length=0, multiline=True) = ""
    kind: Literal["quantitative", "qualitative"] = Field("quantitative", description="定量 / 定性")
    target: float | None = Field(None, ge=-BIG, le=BIG, description="目标值（定量）")
    unit_of_measure: text(20, min_length=0) = ""
    data_source: text(100, min_length=0) = ""
    formula: FormulaIn | None = None
    criteria: text(1000, min_length=0, multiline=True) = Field("", description="完成标准（定性）")
    weight: float = Field(0, ge=0, le=100, description="权重；各项合计 100")
    due_date: Day | None = Field(None, description="完成时限，须在考核年度内")
    indicator_id: Id | None = Field(None, description="关联的本部门部门指标")


class DraftBody(Body):
    items: list[GoalItemIn] = Field(max_length=50)
    version: int = Field(ge=1, le=2**31, description="目标的 version（乐观锁）")


class SubmitBody(Body):
    version: int | None = Field(None, ge=1, le=2**31)


class WithdrawBody(Body):
    comment: text(500, min_length=0, multiline=True) = ""


class ChangeRequestBody(Body):
    reason: text(500, multiline=True) = Field(description="变更原因")


class ReviewItemIn(Body):
    key: text(16)
    comment: text(500, min_length=0, multiline=True) = ""


class ReviewBody(Body):
    decision: Literal["approve", "return", "reject"] = Field(description="同意 / 退回修改 / 驳回")
    comment: text(500, min_length=0, multiline=True) = ""
    items: list[ReviewItemIn] = Field(default_factory=list, max_length=50, description="逐项意见")
    version: int | None = Field(None, ge=1, le=2**31)


class DiffQuery(Query):
    from_: int = Field(alias="from", ge=1, le=100000, description="版本号")
    to: int = Field(ge=1, le=100000, description="版本号")


class GoalSetListQuery(PageQuery):
    cycle_id: Id | None = None
    department_id: Id | None = None
    status: Literal["draft", "submitted", "returned", "confirmed", "change_pending"] | None = None
    q: text(50, min_length=0) | None = Field(None, description="姓名或工号")


class ReviewsQuery(PageQuery):
    box: Literal["waiting", "done"] = "waiting"
    cycle_id: Id | None = None


class ExportQuery(Query):
    what: Literal["goals", "history"] = Field("goals", description="goals 目标明细 / history 版本历史")


# ---- responses ---------------------------------------------------------------------------------


class StaffBrief(Out):
    id: int
    name: str
    employee_no: str
    department_id: int | None
    department_name: str | None


class DeptBrief(Out):
    id: int
    name: str


class CycleBrief(Out):
    id: int
    name: str
    year: int
    kind: str | None = None
    status: str | None = None


class CommentOut(Out):
    id: int
    item_key: str | None
    step_index: int | None
    step_name: str
    author: PersonRefOut | None
    decision: str
    decision_label: str
    comment: str
    created_at: str


class ItemOut(Out):
    key: str
    sort: int
    title: str
    description: str
    kind: str
    kind_label: str
    target: Number | None
    unit_of_measure: str
    data_source: str
    formula: dict[str, Any] | None
    formula_text: str
    criteria: str
    weight: Number
    due_date: str | None
    indicator_id: int | None
    indicator: dict[str, Any] | None
    comments: list[CommentOut]


class VersionOut(Out):
    id: int
    number: int
    kind: Literal["initial", "change"]
    kind_label: str
    status: Literal["draft", "submitted", "returned", "confirmed", "rejected", "withdrawn", "superseded"]
    status_label: str
    reason: str
    based_on_id: int | None
    based_on_number: int | None
    instance_id: int | None
    created_by: PersonRefOut | None
    created_at: str
    submitted_at: str | None
    decided_at: str | None
    decided_by: PersonRefOut | None
    items: list[ItemOut]
    weight_total: Number
    item_count: int
    comments: list[CommentOut] = Field(description="整体意见（逐项意见在各项的 comments 中）")


class TaskOut(Out):
    assignee: PersonRefOut | None
    status: str
    comment: str
    acted_at: str | None


class StepOut(Out):
    index: int
    name: str
    state: Literal["done", "current", "waiting", "skipped", "stopped"]
    note: str
    approvers: list[PersonRefOut]
    tasks: list[TaskOut]


class ApprovalPathOut(Out):
    instance_id: int
    kind: str
    status: str
    status_label: str
    round: int
    version: int
    current_step: int | None
    steps: list[StepOut]
    current_assignees: list[PersonRefOut]


class CanOut(Out):
    edit: bool
    submit: bool
    withdraw: bool
    change_request: bool
    review: bool


class RulesOut(Out):
    min_items: int
    max_items: int
    weight_total: Number
    year: int


class GoalSetOut(Out):
    id: int
    cycle: CycleBrief
    owner: StaffBrief
    department: DeptBrief | None
    status: Literal["draft", "submitted", "returned", "confirmed"]
    status_label: str
    change_pending: bool
    version: int
    current_version_id: int | None
    confirmed_version_id: int | None
    current: VersionOut | None = Field(description="正在填写或审核的版本（无变更时即已确认版本）")
    confirmed: VersionOut | None = Field(description="已确认、正在执行的版本")
    approval: ApprovalPathOut | None
    rules: RulesOut
    can: CanOut
    updated_at: str


class CheckOut(Out):
    weight_total: Number
    item_count: int
    ready: bool
    problems: dict[str, str]


class DraftOut(GoalSetOut):
    check: CheckOut


class PhaseWindow(Out):
    state: Literal["not_started", "open", "closed"]
    opens_on: str | None
    closes_on: str | None


class MyGoalsOut(Out):
    cycle: CycleBrief
    goal_setting: PhaseWindow
    goal_set: GoalSetOut | None


class TimelineOut(Out):
    action: str
    action_label: str
    actor: PersonRefOut | None
    on_behalf_of: PersonRefOut | None
    step_index: int | None
    step_name: str
    comment: str
    created_at: str


class HistoryVersionOut(VersionOut):
    approval: ApprovalPathOut | None
    timeline: list[TimelineOut]
    decided_step: str


class HistoryOut(Out):
    goal_set_id: int
    cycle: CycleBrief
    owner: StaffBrief
    confirmed_version_id: int | None
    versions: list[HistoryVersionOut]


class VersionBrief(Out):
    id: int
    number: int
    kind: str
    status: str
    status_label: str


class DiffFieldOut(Out):
    field: str
    label: str
    before: Any
    after: Any


class DiffItemOut(Out):
    key: str
    change: Literal["added", "removed", "changed", "unchanged"]
    title: str
    fields: list[DiffFieldOut]


class DiffSummary(Out):
    added: int
    removed: int
    changed: int
    unchanged: int


class DiffOut(Out):
    goal_set_id: int
    from_: VersionBrief = Field(alias="from")
    to: VersionBrief
    summary: DiffSummary
    items: list[DiffItemOut]


class CurrentVersionBrief(Out):
    id: int
    number: int
    kind: str
    status: str
    status_label: str
    submitted_at: str | None


class GoalSetRowOut(Out):
    id: int
    cycle: CycleBrief
    owner: StaffBrief
    department: DeptBrief | None
    status: str
    status_label: str
    change_pending: bool
    version: int
    current_version: CurrentVersionBrief | None
    confirmed_version_number: int | None
    item_count: int
    weight_total: Number
    updated_at: str


class ReviewVersionOut(Out):
    id: int
    number: int
    kind: str
    kind_label: str
    reason: str
    status: str
    submitted_at: str | None


class ReviewRowOut(GoalSetRowOut):
    review_version: ReviewVersionOut
    approval: ApprovalPathOut | None
