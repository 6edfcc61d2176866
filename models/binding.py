"""WeChat binding: one-time invite QR codes (绑定邀请码) and binding requests (绑定申请) for conflicts."""
import peewee as pw

from models.base import BaseModel, JSONField, utcnow
from models.org import Department, Staff, Unit

INVITE_STATUSES = ("issued", "used", "revoked")
CONFLICT_KINDS = ("bound_elsewhere", "ambiguous", "no_record", "record_bound_elsewhere")
REQUEST_STATUSES = ("open", "resolved", "rejected")
# What the applicant proved when filing: a phone number WeChat verified, or nothing.
VERIFIED_KINDS = ("wechat_phone", "none")
PROOF_KINDS = ("invite", "hr_confirmed")


class BindingInvite(BaseModel):
    """One printed invite; the nonce in the signed QR text names it, so it can be used once."""
    staff = pw.ForeignKeyField(Staff, backref="+", on_delete="CASCADE")
    nonce = pw.CharField(max_length=40, unique=True)
    expires_at = pw.DateTimeField()
    status = pw.CharField(max_length=10, default="issued", index=True)
    issued_by = pw.ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    used_at = pw.DateTimeField(null=True)


class BindingRequest(BaseModel):
    """A conflict the applicant could not resolve alone, routed to the unit's data checkers."""
    openid = pw.CharField(max_length=64, index=True)  # the applicant's WeChat
    conflict = pw.CharField(max_length=30)
    name = pw.CharField(max_length=50)
    employee_no = pw.CharField(max_length=32, default="")
    note = pw.CharField(max_length=500, default="")
    # The phone WeChat verified for the applicant (ciphertext), if any.
    phone_enc = pw.TextField(null=True)
    verified = pw.CharField(max_length=20, default="none")
    # The record the conflict is about (None when no single record matched) and, for an
    # ambiguous phone, every matching record.
    staff = pw.ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    candidate_ids = JSONField(null=True)
    # Routing: the checkers whose reach covers this department / unit see the request.
    unit = pw.ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")
    department = pw.ForeignKeyField(Department, null=True, backref="+", on_delete="SET NULL")
    status = pw.CharField(max_length=10, default="open", index=True)
    deadline_at = pw.DateTimeField()
    resolved_at = pw.DateTimeField(null=True)
    resolved_by = pw.ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    action = pw.CharField(max_length=20, default="")
    resolution = pw.CharField(max_length=500, default="")
    steps = JSONField(default=list)
    updated_at = pw.DateTimeField(default=utcnow)


class BindingProof(BaseModel):
    """A second proof that the applicant of a request is the person of one record, needed before
    their WeChat is put on that record when the WeChat-verified phone does not already match it:
    an invite for the record scanned with the applicant's WeChat (handed over in person), or an
    HR officer's recorded confirmation. Used once, by the resolution it allowed."""
    request = pw.ForeignKeyField(BindingRequest, backref="+", on_delete="CASCADE")
    kind = pw.CharField(max_length=20)
    staff = pw.ForeignKeyField(Staff, backref="+", on_delete="CASCADE")  # the record it proves
    invite = pw.ForeignKeyField(BindingInvite, null=True, backref="+", on_delete="SET NULL")
    confirmed_by = pw.ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    note = pw.CharField(max_length=300, default="")
    created_at = pw.DateTimeField(default=utcnow)
    used_at = pw.DateTimeField(null=True)
