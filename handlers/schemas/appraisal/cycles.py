"""Appraisal cycles: request and response models (cycles, phases, participants, reopenings,
templates, department indicators and their coverage, the monitor, my cycles)."""
import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from handlers.contract import Body, Day, Id, Out, PageQuery, Query, StrictBody, Year, text

Kind = Literal["annual", "periodic", "special"]
Period = Literal["month", "quarter"]
PhaseCode = Literal["goal_setting", "progress", "self_assessment", "scoring", "publication", "appeals"]
CycleStatus = Literal["draft", "launched", "closed"]

# ---- requests ------------------------------------------------------------------------------------


class PhaseIn(StrictBody):
    phase: PhaseCode
    opens_on: Day = Field(description="开始日期（北京时间当天 00:00 开放）")
    closes_on: Day | None = Field(None, description="截止日期（须为工作日，当天 24:00 截止）")
    working_days: int | None = Field(None, ge=1, le=250,
                                     description="不填截止日期时：自开始日起第 N 个工作日截止")


class ExcludeIn(StrictBody):
    long_leave_days: int | None = Field(None, ge=1, le=366, description="考核期内休假累计达 N 天不参加")
    hired_after: Day | None = Field(None, description="此日期之后入职的不参加")
    seconded_out: bool = Field(False, description="考核期内挂职（借调）在外的不参加")


class ParticipantRuleIn(StrictBody):
    department_ids: list[Id] = Field(default_factory=list, max_length=500,
                                     description="参加部门（含下级部门）；空为全单位")
    rank_ids: list[Id] = Field(default_factory=list, max_length=100, description="职级；空为不限")
    exclude: ExcludeIn = Field(default_factory=ExcludeIn)


Score = Annotated[float, Field(ge=0, le=100)]
RaterRole = Literal["leader", "peer", "self"]
AlertKind = Literal["dept_excellent_rate", "flat_distribution", "completion_jump",
                    "attendance_contradiction", "late_change", "rater_bias", "related_rater"]
ReminderWhat = Literal["goal_setting", "progress", "self_assessment", "scoring", "publication",
                       "review_window", "appeal_window", "decision_due"]


class JustificationIn(StrictBody):
    min_chars: int | None = Field(None, ge=0, le=200, description="去掉套话后的最少字数（默认 15）")
    generic_phrases: list[text(20)] | None = Field(None, max_length=200,
                                                   description="视为套话的词语（替换默认列表）")
    require_fact: bool | None = Field(None, description="须写明具体事实：日期、数字、文件或事件（默认是）")


class QuotaIn(StrictBody):
    percent: float | None = Field(None, gt=0, le=100, description="优秀（好）等次比例（默认 20%）")
    max_percent: float | None = Field(None, gt=0, le=100, description="经批准可提高到的比例（默认 25%）")


class SettingsIn(StrictBody):
    min_items: int | None = Field(None, ge=1, le=30, description="每人目标条数下限（默认 3）")
    max_items: int | None = Field(None, ge=1, le=30, description="每人目标条数上限（默认 10）")
    progress_stale_days: int | None = Field(None, ge=7, le=120,
                                            description="进度超过 N 天未更新视为逾期（默认 30）")
    # Scoring (docs/appraisal-scoring.md).
    weights: dict[RaterRole, Score] | None = Field(None, description="评分权重（默认 领导 70、同事 20、本人 10）")
    peers: int | None = Field(None, ge=0, le=20, description="每人同事评分人数（0 为不设同事评分）")
    self_rating: bool | None = Field(None, description="是否有本人自评分")
    justification: JustificationIn | None = None
    grade_thresholds: dict[text(24), Score] | None = Field(
        None, description="等次分数线，如 {\"excellent\": 90, \"competent\": 70}")
    quota: QuotaIn | None = None
    publication_days: int | None = Field(None, ge=1, le=30, description="公示期（工作日，默认 5）")
    alerts: dict[AlertKind, dict[text(24), float | bool]] | None = Field(
        None, description="廉洁风险提示的阈值与开关（默认值见文档）")
    reminders: dict[ReminderWhat, list[Annotated[int, Field(ge=0, le=30)]]] | None = Field(
        None, description="截止前第几个工作日提醒，如 {\"goal_setting\": [3, 1]}；空列表为不提醒")


class CycleCreate(Body):
    name: text(100)
    kind: Kind
    year: Year
    period: Period | None = None
    period_no: int | None = Field(None, ge=1, le=12)
    unit_id: Id | None = Field(None, description="缺省为本人所在单位")
    phases: list[PhaseIn] = Field(min_length=1, max_length=6)
    settings: SettingsIn = Field(default_factory=SettingsIn)
    participant_rule: ParticipantRuleIn = Field(default_factory=ParticipantRuleIn)


class CycleUpdate(Body):
    version: int = Field(ge=1, description="读取时的版本号（并发保护）")
    name: text(100) | None = None
    kind: Kind | None = None
    year: Year | None = None
    period: Period | None = None
    period_no: int | None = Field(None, ge=1, le=12)
    phases: list[PhaseIn] | None = Field(None, min_length=1, max_length=6)
    settings: SettingsIn | None = None
    participant_rule: ParticipantRuleIn | None = None


class CycleListQuery(PageQuery):
    status: CycleStatus | None = None
    year: Year | None = None


class PhaseMove(Body):
    opens_on: Day
    closes_on: Day
    reason: text(200)


class ParticipantQuery(PageQuery):
    status: Literal["active", "excluded", "removed"] | None = None
    department_id: Id | None = None
    q: text(50) | None = None
    page_size: int = Field(50, ge=1, le=200)


class ParticipantAdd(Body):
    staff_id: Id
    reason: text(200)


class ParticipantRemove(Body):
    reason: text(200)


class ReopeningCreate(Body):
    staff_id: Id
    phase: PhaseCode
    until: Day
    reason: text(200)


class Formula(StrictBody):
    type: Literal["linear", "capped", "threshold"]
    floor: float | None = Field(None, ge=-1e12, le=1e12)
    cap: float | None = Field(None, ge=1, le=10)
    steps: list[dict[str, float]] | None = Field(None, max_length=20)


class TemplateItem(StrictBody):
    title: text(100)
    description: text(1000, min_length=0, multiline=True) = ""
    kind: Literal["quantitative", "qualitative"]
    target: float | None = Field(None, ge=-1e12, le=1e12)
    unit_of_measure: text(20, min_length=0) = ""
    data_source: text(100, min_length=0) = ""
    formula: Formula | None = None
    criteria: text(1000, min_length=0, multiline=True) = ""
    weight: float = Field(ge=0, le=100)
    indicator_id: Id | None = None


class TemplateCreate(Body):
    name: text(100)
    position_id: Id | None = Field(None, description="职务；空为本周期通用模板")
    items: list[TemplateItem] = Field(min_length=1, max_length=30)


class TemplateUpdate(Body):
    name: text(100) | None = None
    position_id: Id | None = None
    items: list[TemplateItem] | None = Field(None, min_length=1, max_length=30)


class IndicatorCreate(Body):
    department_id: Id
    title: text(100)
    code: text(40, min_length=0, pattern=r"^[A-Za-z0-9_.\-]*$") = Field(
        "", description="业务系统推送数据时使用的编码")
    description: text(500, min_length=0, multiline=True) = ""
    target: float | None = Field(None, ge=-1e12, le=1e12)
    unit_of_measure: text(20, min_length=0) = ""
    weight: float = Field(0, ge=0, le=100)
    active: bool = True


class IndicatorUpdate(Body):
    department_id: Id | None = None
    title: text(100) | None = None
    code: text(40, min_length=0, pattern=r"^[A-Za-z0-9_.\-]*$") | None = None
    description: text(500, min_length=0, multiline=True) | None = None
    target: float | None = Field(None, ge=-1e12, le=1e12)
    unit_of_measure: text(20, min_length=0) | None = None
    weight: float | None = Field(None, ge=0, le=100)
    active: bool | None = None


class IndicatorQuery(Query):
    department_id: Id | None = None


class MonitorQuery(Query):
    department_id: Id | None = None


# ---- responses -----------------------------------------------------------------------------------


class CyclePhaseOut(Out):
    phase: PhaseCode
    label: str
    opens_on: datetime.date
    closes_on: datetime.date
    state: Literal["not_started", "open", "closed"] | None


class ParticipantCounts(Out):
    active: int
    excluded: int
    removed: int


class CycleCan(Out):
    edit: bool
    launch: bool
    close: bool
    manage: bool


class CycleOut(Out):
    id: int
    unit_id: int
    unit_name: str
    kind: Kind
    kind_label: str
    period: Period | None
    period_no: int | None
    year: int
    name: str
    status: CycleStatus
    status_label: str
    settings: dict[str, Any]
    participant_rule: dict[str, Any]
    phases: list[CyclePhaseOut]
    current_phase: PhaseCode | None
    current_phase_label: str | None
    counts: ParticipantCounts
    version: int
    launched_at: str | None
    closed_at: str | None
    created_at: str
    can: CycleCan


class GoalSetBrief(Out):
    id: int
    status: str
    change_pending: bool


class MyCycleOut(Out):
    id: int
    name: str
    kind: Kind
    kind_label: str
    year: int
    status: CycleStatus
    status_label: str
    current_phase: PhaseCode | None
    current_phase_label: str | None
    phases: list[CyclePhaseOut]
    goal_set: GoalSetBrief | None
    link: str


class ParticipantOut(Out):
    staff_id: int
    name: str
    employee_no: str
    department_id: int | None
    department: str | None
    position: str | None = None
    rank: str | None = None
    status: Literal["active", "excluded", "removed"]
    status_label: str
    source: Literal["launch", "added"]
    exclusion: Literal["long_leave", "hired_after", "seconded_out"] | None
    exclusion_label: str | None
    reason: str
    changed_by: str | None
    changed_at: str | None


class ReopeningOut(Out):
    id: int
    staff_id: int
    name: str
    employee_no: str
    phase: PhaseCode
    phase_label: str
    until: datetime.date
    reason: str
    granted_by: str
    created_at: str


class TemplateOut(Out):
    id: int
    cycle_id: int
    position_id: int | None
    position: str | None
    name: str
    items: list[dict[str, Any]]
    weight_total: float
    updated_at: str


class IndicatorOut(Out):
    id: int
    cycle_id: int
    department_id: int
    department: str | None
    code: str | None
    title: str
    description: str
    target: float | None
    unit_of_measure: str
    weight: float
    active: bool
    updated_at: str


class CoverageGoal(Out):
    staff_id: int
    name: str
    department: str | None
    goal_set_id: int
    item_title: str
    weight: float
    confirmed: bool
    status: str


class CoverageOut(IndicatorOut):
    people: int = Field(description="关联了该指标的人数")
    weight_sum: float = Field(description="关联目标的权重合计")
    confirmed_people: int
    confirmed_weight_sum: float
    goals: list[CoverageGoal]


class MonitorPerson(Out):
    staff_id: int
    name: str
    employee_no: str
    department_id: int | None
    department: str | None
    goal_set_id: int | None
    status: str
    waiting_for: str | None = Field(None, description="待审核时：当前审核人")


class MonitorDept(Out):
    department_id: int | None
    department: str
    total: int
    counts: dict[str, int]


class MonitorOut(Out):
    cycle_id: int
    cycle_name: str
    today: datetime.date
    current_phase: PhaseCode | None
    current_phase_label: str | None
    total: int
    totals: dict[str, int]
    labels: dict[str, str]
    departments: list[MonitorDept]
    buckets: dict[str, list[MonitorPerson]]
