"""Org structure request and response models: units, departments, leadership, positions, ranks."""
from typing import Annotated, Literal

from pydantic import Field

from handlers.contract import Body, Id, Out, Query, text

# Strict: "yes" or 1 is not a yes/no answer in a JSON body.
Flag = Annotated[bool, Field(strict=True)]
Sort = Annotated[int, Field(ge=0, le=100000, description="同级排序，越小越靠前")]

# ---- requests ----------------------------------------------------------------------------------


class UnitCreate(Body):
    name: text(100)
    code: text(50) = Field(description="单位代码（全局唯一）")
    parent_id: Id | None = Field(None, description="上级单位；缺省为顶级单位（仅全局管理员）")


class UnitUpdate(Body):
    name: text(100) | None = None
    code: text(50) | None = None


class DepartmentListQuery(Query):
    unit_id: Id | None = None
    flat: bool = Field(False, description="true/1：平铺列表；缺省为树")


class DepartmentCreate(Body):
    unit_id: Id
    parent_id: Id | None = Field(None, description="上级部门；缺省为单位顶层")
    name: text(100)
    sort: Sort = 0


class DepartmentUpdate(Body):
    name: text(100) | None = None
    sort: Sort | None = None


class DepartmentMove(Body):
    parent_id: Id | None = Field(description="新的上级部门；null 表示移到单位顶层")
    unit_id: Id | None = Field(None, description="目标单位（移到顶层时；缺省为原单位）")


class LeadershipUpdate(Body):
    leader_id: Id | None = Field(description="部门负责人；null 表示空缺")
    deputy_ids: list[Id] = Field(default_factory=list, max_length=20, description="副职")
    supervisor_id: Id | None = Field(None, description="分管领导")


class PositionListQuery(Query):
    unit_id: Id | None = None


class PositionCreate(Body):
    unit_id: Id
    name: text(100)
    is_leading: Flag = Field(False, description="是否领导职务")


# ---- responses ---------------------------------------------------------------------------------


class UnitOut(Out):
    id: int
    name: str
    code: str
    parent_id: int | None
    path: str
    head_id: int | None
    crypto_algorithm: str


class UnitNode(UnitOut):
    children: list["UnitNode"]


class PersonRef(Out):
    id: int
    name: str | None


class DepartmentBrief(Out):
    id: int
    unit_id: int
    parent_id: int | None
    name: str
    path: str
    sort: int
    status: Literal["open", "closed"]
    leader_id: int | None
    supervisor_id: int | None


class DepartmentOut(DepartmentBrief):
    leader: PersonRef | None
    supervisor: PersonRef | None
    deputies: list[PersonRef]
    staff_count: int


class DepartmentNode(DepartmentOut):
    children: list["DepartmentNode"] = Field(default_factory=list,
                                             description="下级部门（仅树形；平铺列表无此字段）")


class PositionOut(Out):
    id: int
    unit_id: int
    name: str
    is_leading: bool


class RankOut(Out):
    id: int
    name: str
    level: int
