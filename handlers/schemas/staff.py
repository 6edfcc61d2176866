"""Staff request and response models: search, profile, create/edit, transfer, retire, history,
concurrent posts (兼职/挂职), import and export."""
from typing import Literal

from pydantic import Field

from handlers.contract import Body, Day, Id, Out, PageQuery, Query, StrictBody
from handlers.schemas.textrules import text
from handlers.schemas.me import MeOrgRef, MeStaffOut

Gender = Literal["M", "F"]
StaffStatus = Literal["active", "transferred", "retired"]
PostKind = Literal["concurrent", "secondment"]
ScopeType = Literal["all", "unit_tree", "dept_tree", "dept", "self", "custom"]

# ---- requests ----------------------------------------------------------------------------------


class StaffFilter(Query):
    q: text(100) | None = Field(None, description="姓名、工号（包含）或手机号、身份证号（完全一致）")
    department_id: Id | None = Field(None, description="主部门或兼职部门")
    status: StaffStatus | None = None


class StaffListQuery(StaffFilter, PageQuery):
    pass


class StaffExportQuery(StaffFilter):
    format: Literal["csv", "xlsx"] = "csv"


class _PersonFields(Body):
    position_id: Id | None = None
    rank_id: Id | None = None
    gender: Gender | None = None
    phone: text(20, min_length=0) | None = Field(None, description="11 位手机号")
    id_no: text(18, min_length=0) | None = Field(None, description="18 位身份证号")
    hire_date: Day | None = None
    first_employment_date: Day | None = None


class StaffCreate(_PersonFields):
    employee_no: text(32)
    name: text(50)
    department_id: Id


class StaffUpdate(StrictBody):
    """Only the fields sent change; null clears an optional one. Department moves go through
    transfer (an unknown field is refused)."""
    employee_no: text(32) = None
    name: text(50) = None
    position_id: Id | None = None
    rank_id: Id | None = None
    gender: Gender | None = None
    phone: text(20, min_length=0) | None = None
    id_no: text(18, min_length=0) | None = None
    hire_date: Day | None = None
    first_employment_date: Day | None = None


class StaffTransfer(Body):
    department_id: Id
    effective_date: Day
    reason: text(255, min_length=0, multiline=True) = ""


class StaffRetire(Body):
    effective_date: Day
    reason: text(255, min_length=0, multiline=True) = ""


class StaffPostCreate(Body):
    department_id: Id
    kind: PostKind = Field(description="concurrent 兼职；secondment 挂职")
    start_date: Day
    end_date: Day | None = None


class StaffImportForm(Body):
    """multipart/form-data: file (.csv / .xlsx), unit_id (optional)."""
    unit_id: Id | None = Field(None, description="导入到哪个单位（缺省为本单位）")


# ---- responses ---------------------------------------------------------------------------------

class StaffPostOut(Out):
    id: int
    staff_id: int
    department: MeOrgRef
    kind: PostKind
    start_date: str | None
    end_date: str | None
    active: bool


class StaffScopeOut(Out):
    type: ScopeType
    label: str | None


class StaffRoleOut(Out):
    grant_id: int
    code: str
    name: str
    scope: StaffScopeOut


class PendingTransferOut(Out):
    """A transfer recorded ahead (调动，待生效): applied on effective_date (Beijing)."""
    id: int
    effective_date: str
    reason: str
    to_unit: MeOrgRef
    to_department: MeOrgRef
    actor_id: int | None
    created_at: str


class StaffOut(MeStaffOut):
    posts: list[StaffPostOut]
    roles: list[StaffRoleOut]
    pending_transfer: PendingTransferOut | None = Field(None, description="待生效的调动（无则为 null）")


class StaffTransferOut(StaffOut):
    grants_ended: list[int] = Field(description="因离开原部门而收回的授权")


class StaffHistoryOut(Out):
    id: int
    kind: Literal["transfer", "retire"]
    effective_date: str
    reason: str | None
    from_unit: MeOrgRef | None
    from_department: MeOrgRef | None
    to_unit: MeOrgRef | None
    to_department: MeOrgRef | None
    actor_id: int | None
    created_at: str


class StaffPostEndOut(Out):
    id: int
    active: bool
    end_date: str | None
    grants_ended: list[int]


class StaffImportOut(Out):
    imported: int
    ids: list[int]
