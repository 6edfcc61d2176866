"""Declared relationships (亲属关系, for recusal): request and response models."""
from typing import Literal

from pydantic import Field

from handlers.contract import Body, Out, text

Kind = Literal["spouse", "blood", "in_law", "close_kin"]


class RelationshipIn(Body):
    relative_employee_no: text(32) = Field(description="亲属的工号")
    relative_name: text(50) = Field(description="亲属的姓名（须与工号一致）")
    kind: Kind = Field(description="spouse 夫妻 / blood 直系血亲 / in_law 姻亲 / close_kin 其他近亲属")
    note: text(200, min_length=0) = Field("", description="说明，如 “父子”")


class RelationshipRelativeOut(Out):
    id: int
    name: str
    employee_no: str
    department_name: str | None


class RelationshipOut(Out):
    id: int
    kind: Kind
    kind_label: str
    note: str
    source: Literal["self", "hr"]
    source_label: str
    direction: Literal["declared", "named"] = Field(description="declared 本人登记的 / named 他人登记时列出本人的")
    relative: RelationshipRelativeOut | None
    declared_by: str | None
    created_at: str
    revoked_at: str | None
    revoked_by: str | None
    active: bool
