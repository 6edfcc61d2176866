"""Score sheets, raters and recusals: request and response models."""
from typing import Literal

from pydantic import Field

from handlers.contract import Body, Id, Out, PageQuery, Query, StrictBody, text

Status = Literal["pending", "draft", "submitted", "recused"]
Role = Literal["leader", "peer", "self"]

# ---- requests ----------------------------------------------------------------------------------


class ScoreEntryIn(StrictBody):
    key: text(16) = Field(description="目标项编号（已确认目标中的 key）")
    score: float | None = Field(None, ge=0, le=1000,
                                description="分数：定性 0–100；定量留空即按公式计分，填写不同分数视为调整，须写明理由")
    justification: text(2000, min_length=0, multiline=True) = Field("", description="评分依据（定性必填，须符合评分依据规则）")
    override_reason: text(500, min_length=0, multiline=True) = Field(
        "", description="调整公式得分的理由（至少 10 个字，向被考核人公开）")


class SheetSave(Body):
    version: int = Field(ge=1, description="评分表版本号（乐观锁）")
    entries: list[ScoreEntryIn] = Field(max_length=50, description="要保存的评分项（未列出的不变）")


class SheetSubmit(Body):
    version: int | None = Field(None, ge=1, description="评分表版本号（乐观锁）")
    entries: list[ScoreEntryIn] = Field(default_factory=list, max_length=50, description="提交前一并保存的评分项")


class RecuseIn(Body):
    reason: text(200, multiline=True) = Field(description="回避理由（至少 4 个字）")


class MySheetsQuery(Query):
    cycle_id: Id | None = None
    status: Status | None = None


class SheetListQuery(PageQuery):
    rater: Id | None = Field(None, description="评分人")
    status: Status | None = None
    department_id: Id | None = Field(None, description="被考核人所在部门")


# ---- responses ---------------------------------------------------------------------------------


class SheetPersonOut(Out):
    id: int
    name: str
    employee_no: str
    department_name: str | None = None


class SheetCycleOut(Out):
    id: int
    name: str
    year: int
    kind: str


class ScoreProblemOut(Out):
    field: str
    code: str
    message: str


class ScoreEntryOut(Out):
    key: str
    title: str
    kind: Literal["quantitative", "qualitative"]
    weight: float
    criteria: str
    target: float | None
    unit_of_measure: str
    formula_text: str
    actual_value: float | None = Field(description="最新实际值（定量）")
    value_reported_on: str | None
    value_source: str | None
    auto_score: float | None = Field(description="按公式计算的得分（定量）")
    max_score: float
    score: float | None
    justification: str
    override_reason: str
    overridden: bool
    problems: list[ScoreProblemOut] = Field(description="提交前还缺什么（评分依据规则、调整理由、分数）")


class SheetRecusalOut(Out):
    reason: str
    note: str
    reason_label: str
    replaced_by: int | None


class JustificationRuleOut(Out):
    text: str = Field(description="评分依据规则（在拒绝之前就显示给评分人）")
    min_chars: int
    require_fact: bool
    override_min_chars: int


class SheetCanOut(Out):
    edit: bool
    submit: bool
    recuse: bool


class SheetOut(Out):
    id: int
    cycle: SheetCycleOut
    participant: SheetPersonOut
    rater: SheetPersonOut
    role: Role
    role_label: str
    weight: float
    status: Status
    status_label: str
    recusal: SheetRecusalOut | None
    goal_version_id: int | None
    goals_confirmed: bool
    items: list[ScoreEntryOut]
    total: float | None
    submitted_at: str | None
    version: int
    updated_at: str
    rule: JustificationRuleOut
    can: SheetCanOut


class SheetRowOut(Out):
    id: int
    cycle: SheetCycleOut | None
    participant: SheetPersonOut
    rater: SheetPersonOut
    role: Role
    role_label: str
    weight: float
    status: Status
    status_label: str
    total: float | None
    submitted_at: str | None
    updated_at: str


class SheetsGeneratedOut(Out):
    created: int = Field(description="新生成的评分表数")
    recused: int = Field(description="因回避跳过的评分人数")
    participants: int
    unassigned: list[SheetPersonOut] = Field(description="找不到可评分领导的被考核人（需人事部门处理）")


class RecuseOut(Out):
    id: int
    status: Literal["recused"]
    reason: str
    reason_label: str
    replaced_by: int | None


class SkippedRaterOut(Out):
    id: int
    name: str


class ReplacementOut(Out):
    sheet_id: int
    id: int
    name: str


class RecusalOut(Out):
    sheet_id: int
    role: Role
    role_label: str
    participant: SheetPersonOut
    skipped: SkippedRaterOut
    reason: str = Field(description="self / relative:<kind> / declared")
    note: str
    reason_label: str
    replaced_by: ReplacementOut | None
    recused_at: str | None
