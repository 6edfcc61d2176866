"""Org structure: units (机关单位) and departments as trees, positions, ranks, staff, posts, transfers."""
import peewee as pw

from models.base import BaseModel, utcnow

STAFF_STATUSES = ("active", "transferred", "retired")


class Unit(BaseModel):
    name = pw.CharField(max_length=100)
    code = pw.CharField(max_length=50, unique=True)
    parent = pw.ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    # Materialised path "/1/4/" so a subtree is one indexed prefix match.
    path = pw.CharField(max_length=255, index=True, default="/")
    # 国密: units that must pass a 密码应用 assessment encrypt with SM4-GCM.
    crypto_algorithm = pw.CharField(max_length=20, default="aes256gcm")
    # Head of unit (单位主要负责人): the last approver for long leave.
    head = pw.DeferredForeignKey("Staff", null=True, on_delete="SET NULL")


class Department(BaseModel):
    unit = pw.ForeignKeyField(Unit, backref="departments", on_delete="RESTRICT")
    parent = pw.ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    name = pw.CharField(max_length=100)
    path = pw.CharField(max_length=255, index=True, default="/")
    sort = pw.IntegerField(default=0)
    status = pw.CharField(max_length=10, default="open")  # open / closed
    # Leadership comes from the org tree, not from a role.
    leader = pw.DeferredForeignKey("Staff", null=True, on_delete="SET NULL")
    # 分管领导: the unit-level deputy head in charge of this department.
    supervisor = pw.DeferredForeignKey("Staff", null=True, on_delete="SET NULL")
    updated_at = pw.DateTimeField(default=utcnow)


class Position(BaseModel):
    """职务 (post title within a unit)."""
    unit = pw.ForeignKeyField(Unit, backref="positions", on_delete="RESTRICT")
    name = pw.CharField(max_length=100)
    is_leading = pw.BooleanField(default=False)

    class Meta:
        indexes = ((("unit", "name"), True),)


class Rank(BaseModel):
    """职级 (civil-service grade), national list."""
    name = pw.CharField(max_length=50, unique=True)
    level = pw.IntegerField(default=0)


class Staff(BaseModel):
    employee_no = pw.CharField(max_length=32, unique=True)
    name = pw.CharField(max_length=50)
    unit = pw.ForeignKeyField(Unit, backref="staff", on_delete="RESTRICT")
    # Null only for the separated administrators' service accounts.
    department = pw.ForeignKeyField(Department, null=True, backref="staff", on_delete="RESTRICT")
    position = pw.ForeignKeyField(Position, null=True, on_delete="SET NULL")
    rank = pw.ForeignKeyField(Rank, null=True, on_delete="SET NULL")
    gender = pw.CharField(max_length=1, null=True)  # M / F
    hire_date = pw.DateField(null=True)
    # 参加工作时间: drives annual-leave entitlement.
    first_employment_date = pw.DateField(null=True)
    status = pw.CharField(max_length=12, default="active", index=True)
    # Personal data: ciphertext "kid:nonce:ct" plus an HMAC blind index for look-ups.
    phone_enc = pw.TextField(null=True)
    phone_hash = pw.CharField(max_length=64, null=True, index=True)
    id_no_enc = pw.TextField(null=True)
    id_no_hash = pw.CharField(max_length=64, null=True, index=True)
    openid = pw.CharField(max_length=64, null=True, unique=True)
    is_service_account = pw.BooleanField(default=False)
    updated_at = pw.DateTimeField(default=utcnow)


class DepartmentDeputy(BaseModel):
    department = pw.ForeignKeyField(Department, backref="deputies", on_delete="CASCADE")
    staff = pw.ForeignKeyField(Staff, on_delete="CASCADE")

    class Meta:
        indexes = ((("department", "staff"), True),)


class StaffPost(BaseModel):
    """Concurrent post (兼职) or secondment (挂职) in a department other than the primary one."""
    staff = pw.ForeignKeyField(Staff, backref="posts", on_delete="CASCADE")
    department = pw.ForeignKeyField(Department, on_delete="RESTRICT")
    position = pw.ForeignKeyField(Position, null=True, on_delete="SET NULL")
    kind = pw.CharField(max_length=12, default="concurrent")  # concurrent / secondment
    start_date = pw.DateField(null=True)
    end_date = pw.DateField(null=True)
    active = pw.BooleanField(default=True, index=True)


class StaffTransfer(BaseModel):
    """History of primary-department moves; the staff row holds only the current one."""
    staff = pw.ForeignKeyField(Staff, backref="transfers", on_delete="CASCADE")
    from_unit = pw.ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    from_department = pw.ForeignKeyField(Department, null=True, on_delete="RESTRICT")
    to_unit = pw.ForeignKeyField(Unit, null=True, on_delete="RESTRICT", backref="+")
    to_department = pw.ForeignKeyField(Department, null=True, on_delete="RESTRICT", backref="+")
    kind = pw.CharField(max_length=12, default="transfer")  # transfer / retire / leave
    effective_date = pw.DateField()
    reason = pw.CharField(max_length=255, default="")
    actor = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")



class ScheduledTransfer(BaseModel):
    """A transfer recorded ahead of its effective date (调动，待生效): the staff row keeps the old
    unit and department until the scheduler applies it on that day (services/staff_transfers)."""
    staff = pw.ForeignKeyField(Staff, backref="+", on_delete="CASCADE")
    from_unit = pw.ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")
    from_department = pw.ForeignKeyField(Department, null=True, on_delete="RESTRICT", backref="+")
    to_unit = pw.ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")
    to_department = pw.ForeignKeyField(Department, on_delete="RESTRICT", backref="+")
    effective_date = pw.DateField(index=True)
    reason = pw.CharField(max_length=255, default="")
    status = pw.CharField(max_length=12, default="pending", index=True)  # pending / applied / cancelled / lapsed
    # The staff id while pending, NULL once settled: at most one pending transfer per person,
    # enforced by the database even when two requests record at once.
    pending_key = pw.IntegerField(null=True, unique=True)
    actor = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    settled_at = pw.DateTimeField(null=True)
    settled_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    transfer = pw.ForeignKeyField(StaffTransfer, null=True, on_delete="SET NULL", backref="+")
