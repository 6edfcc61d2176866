"""Progress, actual values (import, feeds) and the self-assessment: request and response models."""
from typing import Any, Literal

from pydantic import Field, RootModel

from handlers.contract import Body, Day, Out, StrictBody, text
from handlers.schemas.common import AttachmentOut, PersonRefOut

Number = float
BIG = 1e12

# ---- requests ----------------------------------------------------------------------------------


class ProgressIn(Body):
    item_key: text(16) = Field(description="已确认目标中的目标项编号")
    reported_on: Day = Field(description="进展日期，不晚于今天")
    percent: float | None = Field(None, ge=0, le=100, description="完成百分比（定性目标）")
    actual_value: float | None = Field(None, ge=-BIG, le=BIG, description="实际值（定量目标）")
    note: text(1000, min_length=0, multiline=True) = Field("", description="进展说明")


class FeedCreate(StrictBody):
    name: text(60) = Field(description="业务系统名称，如 政务服务系统")
    indicator_ids: list[int] = Field(min_length=1, max_length=50,
                                     description="允许推送的部门指标（须有编码）")


class FeedValueIn(StrictBody):
    indicator_code: text(40) = Field(description="部门指标编码")
    employee_no: text(32) = Field(description="工号")
    reported_on: Day = Field(description="数据日期，不晚于今天")
    value: float = Field(ge=-BIG, le=BIG, description="实际值")
    note: text(200, min_length=0) = ""


class FeedValues(RootModel[FeedValueIn | list[FeedValueIn]]):
    """一条 {indicator_code, employee_no, reported_on, value}，或多条组成的数组（全部成功或全部不写入）。"""

    def entries(self):
        root = self.root
        return list(root) if isinstance(root, list) else [root]


class SummaryIn(Body):
    key: text(16)
    summary: text(2000, min_length=0, multiline=True) = ""


class SelfAssessmentIn(Body):
    items: list[SummaryIn] = Field(max_length=50, description="各目标项的自评")


# ---- responses ---------------------------------------------------------------------------------


class OwnerOut(PersonRefOut):
    employee_no: str


class CycleRef(Out):
    id: int
    name: str
    year: int


class ProgressPhaseOut(Out):
    state: Literal["not_started", "open", "closed"]
    opens_on: str | None
    closes_on: str | None


class ProgressRowOut(Out):
    id: int
    item_key: str
    item_title: str
    reported_on: str
    percent: Number | None
    actual_value: Number | None
    score_preview: Number | None = Field(description="定量目标按计分公式的预估得分")
    note: str
    source: Literal["owner", "import", "system"]
    source_label: str
    recorded_by: PersonRefOut | None
    feed: str | None = Field(description="推送数据的业务系统")
    batch: str | None = Field(description="导入批次")
    created_at: str
    attachments: list[AttachmentOut]


class ProgressItemOut(Out):
    key: str
    title: str
    kind: Literal["quantitative", "qualitative"]
    kind_label: str
    weight: Number
    target: Number | None
    unit_of_measure: str
    formula: dict[str, Any] | None
    formula_text: str
    criteria: str
    due_date: str | None
    indicator: dict[str, Any] | None
    current: ProgressRowOut | None = Field(description="当前值：最新一条进展")
    last_reported_on: str | None
    locked_by_source: bool = Field(description="当前值来自人事导入或业务系统，本人与评分人不能修改")
    overdue: bool = Field(description="过程跟踪阶段内超过规定天数未更新")
    can_report: bool


class ProgressOut(Out):
    goal_set_id: int
    cycle: CycleRef
    owner: OwnerOut
    confirmed_version_id: int | None
    phase: ProgressPhaseOut
    stale_days: int
    today: str
    items: list[ProgressItemOut]
    rows: list[ProgressRowOut] = Field(description="全部进展，最新在前")
    can: dict[str, bool]


class ImportResultOut(Out):
    batch: str
    rows: int = Field(description="文件中的数据行")
    imported: int = Field(description="写入的进展记录（一行按指标编码可写入多项目标）")
    goal_sets: int


class IndicatorRef(Out):
    id: int
    code: str
    title: str


class FeedOut(Out):
    id: int
    name: str
    cycle_id: int | None
    unit_id: int
    indicators: list[IndicatorRef]
    created_by: str | None
    created_at: str
    last_used_at: str | None
    revoked_at: str | None
    status: Literal["active", "revoked"]


class FeedCreatedOut(FeedOut):
    token: str = Field(description="令牌，仅此一次显示")


class FeedAcceptedOut(Out):
    employee_no: str
    indicator_code: str
    reported_on: str
    goal_set_id: int
    item_keys: list[str]


class FeedPushOut(Out):
    accepted: int
    written: int
    values: list[FeedAcceptedOut]


class SelfAssessmentItemOut(Out):
    key: str
    title: str
    kind: str
    weight: Number
    target: Number | None
    unit_of_measure: str
    criteria: str
    summary: str
    attachments: list[AttachmentOut]


class SelfAssessmentOut(Out):
    goal_set_id: int
    cycle: CycleRef
    owner: OwnerOut
    status: Literal["none", "draft", "submitted"]
    status_label: str
    submitted_at: str | None
    phase: ProgressPhaseOut
    items: list[SelfAssessmentItemOut]
    can: dict[str, bool]
