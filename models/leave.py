"""Leave: configurable types, requests, yearly balances, overtime and time off in lieu, attachments."""
import peewee as pw

from models.base import BaseModel, JSONField, utcnow
from models.org import Department, Staff, Unit


class LeaveType(BaseModel):
    """A kind of leave; unit null = national default, a unit row with the same code overrides it."""
    unit = pw.ForeignKeyField(Unit, null=True, on_delete="CASCADE")
    code = pw.CharField(max_length=20)
    # "<unit id or 0>:<code>", unique: one row per code per unit (NULL is not unique in MariaDB).
    scope_key = pw.CharField(max_length=40, unique=True)
    name = pw.CharField(max_length=30)
    count_mode = pw.CharField(max_length=14, default="working_days")  # working_days / calendar_days
    paid = pw.BooleanField(default=True)
    attachment_over_days = pw.FloatField(null=True)   # an attachment is expected above N days
    max_days_per_request = pw.FloatField(null=True)
    balance_tracked = pw.BooleanField(default=False)
    # 出差/外出: attendance counts these days as a business trip (worked), not as absence (m0008).
    is_trip = pw.BooleanField(default=False)
    quota_rule = pw.CharField(max_length=12, default="none")  # annual / fixed / lieu / none
    quota_days = pw.FloatField(null=True)              # yearly quota for quota_rule=fixed
    settings = JSONField(null=True)                    # tiers, exclusions, lieu expiry ...
    active = pw.BooleanField(default=True)
    sort = pw.IntegerField(default=0)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("code", "unit"), False),)


class LeaveRequest(BaseModel):
    staff = pw.ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    unit = pw.ForeignKeyField(Unit, on_delete="RESTRICT")
    department = pw.ForeignKeyField(Department, null=True, on_delete="RESTRICT")
    leave_type = pw.ForeignKeyField(LeaveType, on_delete="RESTRICT")
    type_code = pw.CharField(max_length=20)
    year = pw.IntegerField()  # the balance year: the year of the start date
    start_date = pw.DateField()
    start_half = pw.CharField(max_length=2, default="am")
    end_date = pw.DateField()
    end_half = pw.CharField(max_length=2, default="pm")
    days = pw.FloatField()
    reason = pw.CharField(max_length=500, default="")
    # pending / approved / rejected / withdrawn / returned / cancelled
    status = pw.CharField(max_length=12, default="pending", index=True)
    instance_id = pw.IntegerField(null=True, index=True)
    warnings = JSONField(null=True)
    original_end_date = pw.DateField(null=True)
    original_end_half = pw.CharField(max_length=2, null=True)
    original_days = pw.FloatField(null=True)
    reported_back_at = pw.DateTimeField(null=True)
    backdated = pw.BooleanField(default=False)  # 补请假: filed after its start date (m0016)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        # m0020: the list's filters then its order (start_date DESC, id DESC), with staff_id so the
        # scope check joins staff without reading the row: status + year (HR's usual view), year
        # alone, neither; updated_at for the totals' freshness stamp (services/leave.list_requests).
        indexes = ((("staff", "start_date"), False), (("unit", "start_date"), False),
                   (("status", "year", "start_date", "id", "staff"), False),
                   (("year", "start_date", "id", "staff"), False),
                   (("start_date", "id", "staff"), False),
                   (("updated_at",), False))


class LeaveBalance(BaseModel):
    staff = pw.ForeignKeyField(Staff, on_delete="CASCADE", backref="+")
    year = pw.IntegerField()
    type_code = pw.CharField(max_length=20)
    entitled = pw.FloatField(default=0)
    adjusted = pw.FloatField(default=0)   # sum of HR's manual adjustments
    used = pw.FloatField(default=0)
    pending = pw.FloatField(default=0)    # reserved by requests awaiting approval
    note = pw.CharField(max_length=200, default="")  # e.g. why annual leave is cancelled (Art. 4)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("staff", "year", "type_code"), True),)


class LeaveBalanceAdjustment(BaseModel):
    balance = pw.ForeignKeyField(LeaveBalance, backref="adjustments", on_delete="CASCADE")
    delta = pw.FloatField()
    reason = pw.CharField(max_length=200)
    actor = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")


class OvertimeRequest(BaseModel):
    staff = pw.ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    unit = pw.ForeignKeyField(Unit, on_delete="RESTRICT")
    department = pw.ForeignKeyField(Department, null=True, on_delete="RESTRICT")
    work_date = pw.DateField()
    hours = pw.FloatField()
    reason = pw.CharField(max_length=500, default="")
    status = pw.CharField(max_length=12, default="pending", index=True)
    instance_id = pw.IntegerField(null=True, index=True)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("staff", "work_date"), False),)


class LieuCredit(BaseModel):
    """Time off in lieu (调休) earned by one approved overtime request, in days."""
    staff = pw.ForeignKeyField(Staff, on_delete="CASCADE", backref="+")
    overtime = pw.ForeignKeyField(OvertimeRequest, on_delete="CASCADE", backref="+")
    days = pw.FloatField()
    used = pw.FloatField(default=0)
    reserved = pw.FloatField(default=0)
    expires_on = pw.DateField()

    class Meta:
        indexes = ((("staff", "expires_on"), False),)


class LieuUse(BaseModel):
    """Which credits a 调休 request draws on (earliest expiring first)."""
    credit = pw.ForeignKeyField(LieuCredit, on_delete="CASCADE", backref="uses")
    request = pw.ForeignKeyField(LeaveRequest, on_delete="CASCADE", backref="+")
    days = pw.FloatField()
    state = pw.CharField(max_length=10, default="reserved")  # reserved / used / released


class Attachment(BaseModel):
    owner_type = pw.CharField(max_length=20)  # leave_request
    owner_id = pw.IntegerField()
    uploader = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    filename = pw.CharField(max_length=120)
    stored_name = pw.CharField(max_length=80, unique=True)
    content_type = pw.CharField(max_length=40)
    size = pw.IntegerField()
    sha256 = pw.CharField(max_length=64)

    class Meta:
        indexes = ((("owner_type", "owner_id"), False),)
