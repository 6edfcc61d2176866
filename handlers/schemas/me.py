"""The signed-in person (GET /api/me): masked personal data, posts, roles, permissions."""
from typing import Literal

from pydantic import Field

from handlers.contract import Out, Query, text


class MeOrgRef(Out):
    id: int
    name: str | None


class MeStaffOut(Out):
    """One staff member as services.people.staff_out shows it (phone and ID always masked)."""
    id: int
    employee_no: str
    name: str
    gender: Literal["M", "F"] | None
    unit: MeOrgRef
    department: MeOrgRef | None
    position: str | None
    position_id: int | None
    rank: str | None
    rank_id: int | None
    hire_date: str | None
    first_employment_date: str | None
    status: str
    phone_masked: str | None
    id_no_masked: str | None
    wechat_bound: bool
    updated_at: str | None


class MePostOut(Out):
    department: MeOrgRef
    kind: Literal["concurrent", "secondment"] = Field(description="concurrent 兼职；secondment 挂职")
    start_date: str | None
    end_date: str | None


class MeScopeOut(Out):
    type: Literal["all", "unit_tree", "dept_tree", "dept", "self", "custom"]
    label: str | None
    unit_id: int | None
    department_id: int | None
    department_ids: list[int]


class MeRoleOut(Out):
    code: str
    name: str
    grant_id: int
    scope: MeScopeOut


class MeOut(MeStaffOut):
    posts: list[MePostOut]
    roles: list[MeRoleOut]
    permissions: list[str]
    leads: list[MeOrgRef] = Field(description="我任负责人的部门")
    team: bool = Field(description="我是否带队（部门负责人、副职、分管领导或单位主要负责人）：可查看团队考勤与请假、复核团队打卡")
    console: bool = Field(description="我能否扫码登录管理后台（持有自助以外的权限或带队，且不是三员账号）")



class ColleagueQuery(Query):
    q: text(20) = Field(description="姓名中的字")


class ColleagueOut(Out):
    id: int
    name: str
    department: MeOrgRef | None
