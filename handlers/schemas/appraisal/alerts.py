"""Integrity alerts (廉洁风险识别): request and response models."""
import datetime
from typing import Any, Literal

from pydantic import Field

from handlers.contract import Body, Id, Out, PageQuery, text

Kind = Literal["dept_excellent_rate", "flat_distribution", "completion_jump", "attendance_contradiction",
               "late_change", "rater_bias", "related_rater"]
Severity = Literal["high", "warning", "info"]
Status = Literal["open", "dismissed", "resolved"]

# ---- requests ----------------------------------------------------------------------------------


class AlertListQuery(PageQuery):
    page_size: int = Field(50, ge=1, le=200, description="每页条数，最多 200")
    kind: Kind | None = Field(None, description="预警类型")
    status: Status | None = Field(None, description="open 待处理 / dismissed 已排除 / resolved 已消除")
    severity: Severity | None = None
    department_id: Id | None = Field(None, description="预警涉及的部门")


class DismissIn(Body):
    reason: text(1000, multiline=True) = Field(description="排除理由（至少 10 个字，记入审计日志）")


# ---- responses ---------------------------------------------------------------------------------


class AlertPersonRef(Out):
    id: int
    name: str


class AlertOut(Out):
    id: int
    cycle_id: int
    kind: Kind
    kind_label: str
    subject_key: str
    severity: Severity
    severity_label: str
    title: str
    department_id: int | None
    department_name: str | None
    status: Status
    status_label: str
    numbers: dict[str, float] = Field(description="触发预警的数字（人数、比例、分差、天数……）")
    thresholds: dict[str, Any] = Field(description="计算时使用的阈值")
    ids: dict[str, list[int]] = Field(description="预警依据的记录编号（results / sheets / changes / days / relationships / staff）")
    dismissed_by: AlertPersonRef | None
    dismiss_reason: str
    dismissed_at: datetime.datetime | None
    reopened_times: int = Field(description="排除后因数字变差而重新打开的次数")
    created_at: datetime.datetime
    computed_at: datetime.datetime


class KindCountOut(Out):
    kind: Kind
    label: str
    open: int
    dismissed: int
    resolved: int


class SeverityCountOut(Out):
    severity: Severity
    label: str
    open: int


class AlertSummaryOut(Out):
    open: int
    dismissed: int
    resolved: int
    by_kind: list[KindCountOut]
    by_severity: list[SeverityCountOut]
    computed_at: datetime.datetime | None = Field(description="最近一次计算时间")
    thresholds: dict[str, dict[str, Any]] = Field(description="本周期各类预警的阈值（默认值见文档）")


class DrillPersonOut(Out):
    id: int
    name: str
    employee_no: str
    department_id: int | None
    department_name: str | None


class DrillResultOut(Out):
    id: int
    cycle_id: int
    cycle_name: str
    staff: DrillPersonOut
    total: float | None
    grade: str
    grade_label: str
    confirmed: bool
    status: str


class DrillSheetOut(Out):
    id: int
    rater: DrillPersonOut
    participant: DrillPersonOut
    role: str
    weight: float
    status: str
    total: float | None
    submitted_at: datetime.datetime | None
    favoured: bool


class DrillChangeOut(Out):
    id: int
    sheet_id: int
    participant: DrillPersonOut
    item_key: str
    score: float | None
    stage: str
    justification: str
    changed_by: DrillPersonOut
    changed_at: datetime.datetime


class DrillDayOut(Out):
    id: int
    staff: DrillPersonOut
    day: datetime.date
    status: str
    late_minutes: int
    early_minutes: int
    missing_count: int


class DrillRelationshipOut(Out):
    id: int
    staff: DrillPersonOut
    relative: DrillPersonOut
    kind: str
    kind_label: str
    declared_at: datetime.datetime
    revoked_at: datetime.datetime | None


class DrillRowsOut(Out):
    people: list[DrillPersonOut]
    results: list[DrillResultOut]
    sheets: list[DrillSheetOut]
    changes: list[DrillChangeOut]
    days: list[DrillDayOut]
    relationships: list[DrillRelationshipOut]


class EarlierDismissalOut(Out):
    by: str
    at: datetime.datetime | None
    reason: str
    numbers: dict[str, float]


class AlertCycleOut(Out):
    id: int
    name: str
    year: int
    kind: str


class AlertDetailOut(AlertOut):
    cycle: AlertCycleOut
    rows: DrillRowsOut = Field(description="预警依据的记录（人员、结果、评分表、修改记录、考勤日、亲属关系）")
    earlier_dismissals: list[EarlierDismissalOut]
    number_labels: dict[str, str]
    can_dismiss: bool = Field(description="当前用户能否排除（人事部门，待处理的预警）")


class AlertComputeOut(Out):
    cycle_id: int
    found: int
    created: int
    updated: int
    reopened: int
    resolved: int
    by_kind: dict[str, int]
    computed_at: datetime.datetime
