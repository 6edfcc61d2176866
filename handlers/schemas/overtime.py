"""Overtime (加班) request and response models."""
from typing import Literal

from pydantic import Field

from handlers.contract import Body, Day, Out, PageQuery, StrictBody, text
from handlers.schemas.approvals import ApprovalStaffRef


class OvertimeListQuery(PageQuery):
    mine: bool = Field(True, description="true 我的；false 管理范围内的（需 leave.view）")


class OvertimeCreate(Body):
    date: Day = Field(description="加班日期")
    # The 0.5–24 h, half-hour rule is the domain's (422 OVERTIME_HOURS_INVALID).
    hours: float = Field(allow_inf_nan=False, description="加班时长（小时），0.5 至 24，以半小时计")
    reason: text(500, multiline=True)


class OvertimeResubmit(StrictBody):
    """退回修改后重新提交：未填（或 null）的字段保持不变。"""
    date: Day | None = Field(None, description="加班日期")
    hours: float | None = Field(None, allow_inf_nan=False, description="加班时长（小时），0.5 至 24，以半小时计")
    reason: text(500, multiline=True) | None = None


class OvertimeOut(Out):
    id: int
    staff: ApprovalStaffRef
    unit_id: int
    department_id: int | None
    date: str
    hours: float
    reason: str
    status: Literal["pending", "approved", "rejected", "withdrawn", "returned"]
    instance_id: int | None
    created_at: str
    updated_at: str
