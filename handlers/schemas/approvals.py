"""Approval request and response models: the boxes, instance detail with timeline, actions,
batch approve, flows (definitions and preview), delegations."""
from typing import Any, Literal

from pydantic import Field

from handlers.contract import Body, Count, Day, Id, Out, PageQuery, Query, StrictBody, text

Action = Literal["approve", "reject", "return", "withdraw", "transfer", "comment", "cc"]
InstanceStatus = Literal["pending", "approved", "rejected", "withdrawn", "returned"]
TaskStatus = Literal["pending", "approved", "rejected", "returned", "transferred", "cancelled"]
Kind = text(40, pattern=r"^[a-z][a-z0-9_]*$")

# ---- requests ----------------------------------------------------------------------------------


class ApprovalListQuery(PageQuery):
    box: Literal["waiting", "done", "cc", "mine"] = Field(
        "waiting", description="waiting 待我审批；done 我已审批；cc 抄送我的；mine 我发起的")
    kind: Kind | None = Field(None, description="申请类型，如 leave、overtime")
    q: text(50, min_length=0) | None = Field(None, description="搜索：申请人姓名或申请标题（仅在本列表内）")


class ApprovalAction(Body):
    action: Action
    comment: text(500, min_length=0, multiline=True) = ""
    to_staff_id: Id | None = Field(None, description="转交或抄送给谁（transfer、cc 必填）")
    version: Count | None = Field(None, description="详情中的 version：他人已处理时返回 409")


class ApprovalBatch(Body):
    ids: list[Id] = Field(min_length=1, max_length=100)
    action: Literal["approve"]
    comment: text(500, min_length=0, multiline=True) = ""


class FlowListQuery(Query):
    kind: Kind | None = None


class FlowCreate(StrictBody):
    kind: Kind
    name: text(100)
    # Each step's rules (approvers, mode, when) are the engine's domain: services/approval_rules
    # checks them and answers 422 APPROVAL_FLOW_INVALID with fields keyed steps[i].name etc.
    steps: list[dict[str, Any]] = Field(min_length=1, max_length=20, description=(
        "环节：{name, approvers: [dept_leader | parent_dept_leader | supervisor | unit_head | "
        "role:<角色代码> | staff:<人员ID>], mode: any | all, when: [{field, op, value}]}"))
    unit_id: Id | None = Field(None, description="缺省为本单位")
    national: bool = Field(False, description="全国默认流程（unit_id 为空）")


class FlowUpdate(StrictBody):
    name: text(100) | None = None
    steps: list[dict[str, Any]] | None = Field(None, min_length=1, max_length=20)
    active: bool | None = None
    version: Count | None = Field(None, description="乐观锁：与当前版本不符时返回 409")


class FlowPreviewQuery(Query):
    kind: Kind = "leave"
    applicant_id: Id | None = Field(None, description="缺省为本人")
    days: float | None = Field(None, ge=0, le=1000, allow_inf_nan=False)
    leave_type: text(40) | None = None
    type: text(40) | None = Field(None, description="leave_type 的别名")


class DelegationCreate(Body):
    delegate_id: Id
    start: Day
    end: Day


# ---- responses ---------------------------------------------------------------------------------

class ApprovalStaffRef(Out):
    id: int
    name: str


class ApprovalAssigneeOut(ApprovalStaffRef):
    on_behalf_of: ApprovalStaffRef | None


class ApprovalTaskOut(Out):
    id: int
    step_index: int
    round: int
    assignee: ApprovalStaffRef | None
    on_behalf_of: ApprovalStaffRef | None
    label: str = Field(description="代 X 审批")
    status: TaskStatus
    comment: str
    acted_at: str | None


class ApprovalStepOut(Out):
    index: int
    name: str
    mode: Literal["any", "all"]
    approvers: list[ApprovalStaffRef | None]
    skipped: bool
    note: str | None
    state: Literal["done", "current", "waiting", "skipped", "stopped"]
    tasks: list[ApprovalTaskOut]


class ApprovalCanOut(Out):
    approve: bool
    reject: bool
    return_: bool = Field(alias="return")
    transfer: bool
    withdraw: bool
    resubmit: bool
    comment: bool
    cc: bool


class ApprovalEventOut(Out):
    id: int
    action: str
    action_label: str
    actor: ApprovalStaffRef | None
    on_behalf_of: ApprovalStaffRef | None
    label: str
    step_index: int | None
    comment: str
    data: dict[str, Any] | None
    created_at: str


class ApprovalOut(Out):
    id: int
    kind: str
    kind_title: str
    subject_id: int | None
    unit_id: int
    applicant_id: int
    applicant: ApprovalStaffRef | None
    department_id: int | None
    summary: str
    context: dict[str, Any] | None = Field(description="提交时的条件数据（天数、类型等）")
    status: InstanceStatus
    status_label: str
    round: int
    version: int
    current_step: int
    created_at: str
    updated_at: str
    finished_at: str | None
    steps: list[ApprovalStepOut]
    current_assignees: list[ApprovalAssigneeOut]
    my_task: ApprovalTaskOut | None
    ccs: list[ApprovalStaffRef | None]
    can: ApprovalCanOut


class ApprovalDetailOut(ApprovalOut):
    timeline: list[ApprovalEventOut]
    subject: dict[str, Any] | None = Field(description="申请本身（由申请类型提供，如请假单）")


class ApprovalBatchResultOut(Out):
    id: int
    ok: bool
    status: InstanceStatus | None = Field(None, description="成功时：处理后的状态")
    status_code: int | None = Field(None, description="失败时：HTTP 状态")
    code: str | None = None
    message: str | None = None


class ApprovalCountOut(Out):
    waiting: int


class FlowOut(Out):
    id: int | None = Field(description="系统默认流程为 null")
    unit_id: int | None
    kind: str
    name: str
    steps: list[dict[str, Any]]
    active: bool
    version: int
    builtin: bool
    updated_at: str | None


class FlowPreviewApproverOut(ApprovalStaffRef):
    delegate: ApprovalStaffRef | None = Field(description="委托期间实际审批的人")


class FlowPreviewStepOut(Out):
    index: int
    name: str
    mode: Literal["any", "all"]
    rules: list[str]
    approvers: list[FlowPreviewApproverOut]
    skipped: bool
    note: str | None


class DelegationOut(Out):
    id: int
    delegator: ApprovalStaffRef
    delegate: ApprovalStaffRef
    start: str
    end: str
    revoked: bool
    active_today: bool
    created_at: str


class DelegationCreatedOut(DelegationOut):
    handed_over: list[int] = Field(description="已转给受托人的审批（实例 id）")


class DelegationRevokedOut(DelegationOut):
    handed_back: list[int] = Field(description="已交还委托人的审批（实例 id）")
