"""Per-unit approval settings: where the unit head's own requests go."""
import datetime
from typing import Literal

from pydantic import Field

from handlers.contract import Id, Out, StrictBody

HeadStep = Literal["group", "person", "superior"]


class HeadStepPerson(Out):
    id: int
    name: str
    unit_id: int


class PersonName(Out):
    id: int
    name: str


class ApprovalSettingsOut(Out):
    unit_id: int
    head_step: HeadStep = Field(description="group 报备单位领导班子；person 指定人员审批；superior 上级机关联系人审批")
    head_step_label: str
    head_step_staff: HeadStepPerson | None
    leadership_group: list[PersonName] = Field(description="领导班子（报备对象）：分管领导与主要负责人所在部门的副职")
    updated_at: datetime.datetime | None


class ApprovalSettingsUpdate(StrictBody):
    head_step: HeadStep
    head_step_staff_id: Id | None = Field(None, description="person：本单位人员；superior：上级单位人员")
