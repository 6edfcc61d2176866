"""Roles and grants request and response models: the permission catalogue, roles, grants."""
from typing import Literal

from pydantic import Field

from handlers.contract import Body, Id, Out, PageQuery, StrictBody
from handlers.schemas.textrules import text
from handlers.schemas.me import MeOrgRef

RoleCode = text(40)
Permission = text(40)
ScopeType = Literal["all", "unit_tree", "dept_tree", "dept", "self", "custom"]

# ---- requests ----------------------------------------------------------------------------------


class RoleCreate(StrictBody):
    code: RoleCode
    name: text(50)
    description: text(255, min_length=0, multiline=True) = ""
    permissions: list[Permission] = Field(max_length=100, description="权限代码（见 /api/permissions）")


class RoleUpdate(StrictBody):
    name: text(50) | None = None
    description: text(255, min_length=0, multiline=True) | None = None
    permissions: list[Permission] | None = Field(None, max_length=100)


class GrantListQuery(PageQuery):
    staff_id: Id | None = None
    role_id: Id | None = None
    include_revoked: bool = False


class GrantCreate(Body):
    staff_id: Id
    role_id: Id
    scope_type: ScopeType = Field(description="all 全部；unit_tree 单位及下级；dept_tree 部门及下级；"
                                              "dept 本部门；self 本人；custom 指定部门")
    scope_unit_id: Id | None = None
    scope_department_id: Id | None = None
    department_ids: list[Id] = Field(default_factory=list, max_length=200,
                                     description="custom 范围的部门")


# ---- responses ---------------------------------------------------------------------------------

class PermissionOut(Out):
    code: str
    name: str
    reserved: bool = Field(description="仅安全审计员可持有")


class RoleOut(Out):
    id: int
    code: str
    name: str
    description: str
    builtin: bool
    admin_tier: str | None
    unit_id: int | None
    grantable: bool
    permissions: list[str]


class GrantStaffRef(Out):
    id: int
    name: str
    employee_no: str


class GrantRoleRef(Out):
    id: int
    code: str
    name: str
    admin_tier: str | None


class GrantScopeOut(Out):
    type: ScopeType
    label: str | None
    unit: MeOrgRef | None
    department: MeOrgRef | None
    departments: list[MeOrgRef]


class GrantOut(Out):
    id: int
    staff: GrantStaffRef
    role: GrantRoleRef
    scope: GrantScopeOut
    granted_by: int | None
    created_at: str
    revoked_at: str | None
    revoked_by: int | None
