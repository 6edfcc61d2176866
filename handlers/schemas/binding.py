"""WeChat binding request and response models: bind by phone or invite, binding requests
(applicant and data-checker sides), invite codes, unbinding; and the sign-in result they share."""
from typing import Annotated, Literal

from pydantic import Field

from handlers.contract import Body, Out, PageQuery, Query
from handlers.schemas.textrules import text
from handlers.schemas.auth import SignedIn  # noqa: F401 (the bind endpoints answer with it)
from handlers.schemas.me import MeOrgRef, MeStaffOut

Ticket = text(200)
Conflict = Literal["bound_elsewhere", "ambiguous", "no_record", "record_bound_elsewhere"]
RequestStatus = Literal["open", "resolved", "rejected"]
Action = Literal["rebind", "unbind", "correct_record", "reject"]
Proof = Literal["invite", "hr_confirmed"]
Verified = Literal["wechat_phone", "none"]
# Binding routes take ids of at most 12 digits; a staff id in a body is held to the same bound.
RecordId = Annotated[int, Field(ge=1, le=10**12)]

# ---- requests ----------------------------------------------------------------------------------


class BindPhone(Body):
    ticket: Ticket = Field(description="微信登录返回的绑定凭证")
    phone_code: text(128) = Field(description="getPhoneNumber 返回的 code")


class BindInvite(Body):
    ticket: Ticket
    invite: text(300) = Field(description="邀请二维码的内容")


class TicketQuery(Query):
    ticket: Ticket


class BindingRequestCreate(Body):
    ticket: Ticket
    conflict: Conflict
    name: text(50)
    employee_no: text(32, min_length=0) = ""
    note: text(500, min_length=0, multiline=True) = ""


class BindingQueueQuery(PageQuery):
    status: Literal["open", "resolved", "rejected", "all"] = "open"


class OtherRecordFix(Body):
    """The other record of a two-records conflict, fixed in the same step (audited)."""
    staff_id: RecordId = Field(description="本申请冲突涉及的另一条人员记录")
    action: Literal["clear_phone", "set_phone"] = Field(description="clear_phone 清除手机号；set_phone 更正为 phone")
    phone: text(20) | None = Field(None, description="更正后的手机号（set_phone）")


class BindingResolve(Body):
    action: Action = Field(description="rebind 改绑；unbind 解绑原微信；correct_record 更正手机号后绑定；reject 驳回")
    staff_id: RecordId | None = Field(None, description="要处理的人员记录（缺省为申请匹配到的记录）")
    phone: text(20) | None = Field(None, description="更正后的手机号（correct_record）")
    note: text(300, min_length=0, multiline=True) = ""
    proof: Proof | None = Field(None, description="手机号未经微信验证时的第二证明")
    others: list[OtherRecordFix] = Field(default_factory=list, max_length=5,
                                         description="同一步处理冲突涉及的其他记录（如仍留着该手机号的旧记录）")


class BindingConfirm(Body):
    staff_id: RecordId
    note: text(300, multiline=True) = Field(description="核实方式，如：当面核对身份证")


class InviteCreate(Body):
    days: Annotated[int, Field(strict=True, ge=1, le=30)] = Field(7, description="有效天数")


class NoBody(Body):
    """Nothing to send (a JSON object, if any, is still checked to be one)."""


class InvitePngQuery(Query):
    invite: text(300)


# ---- responses ---------------------------------------------------------------------------------

class Step(Out):
    at: str
    text: str


class ApplicantRequestOut(Out):
    """What the applicant sees: progress only."""
    id: int
    status: RequestStatus
    conflict: str
    name: str
    verified: Verified
    employee_no: str
    note: str
    phone_masked: str | None
    created_at: str
    deadline_at: str
    overdue: bool
    resolved_at: str | None
    resolution: str
    steps: list[Step]


class CheckerStaffOut(MeStaffOut):
    phone_matches_applicant: bool


class ProofOut(Out):
    id: int
    kind: Proof
    label: str
    staff_id: int
    invite_id: int | None
    confirmed_by: MeOrgRef | None
    note: str
    created_at: str
    used: bool


class CheckerRequestOut(ApplicantRequestOut):
    unit_id: int | None
    department_id: int | None
    action: str
    resolved_by: int | None
    updated_at: str
    applicant_wechat: str
    verified_label: str
    staff: CheckerStaffOut | None


class CheckerRequestDetailOut(CheckerRequestOut):
    candidates: list[CheckerStaffOut]
    proofs: list[ProofOut]


class InviteOut(Out):
    invite: str
    expires_at: str
    png_url: str


class UnbindOut(Out):
    ok: bool
    was_bound: bool
