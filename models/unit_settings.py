"""Per-unit approval settings: one row per unit (no row = the defaults)."""
import peewee as pw

from models.base import BaseModel, utcnow
from models.org import Staff, Unit

# Where the unit head's own requests go when no step inside the unit can decide them (issue 14):
# never a silent self-approval.
HEAD_STEP_MODES = ("group", "person", "superior")  # 报备领导班子 / 指定人员 / 上级机关联系人


class UnitApprovalSetting(BaseModel):
    unit = pw.ForeignKeyField(Unit, unique=True, on_delete="CASCADE")
    head_step = pw.CharField(max_length=12, default="group")
    # The named person for "person" (of this unit) and "superior" (of a unit above it).
    head_step_staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    updated_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    updated_at = pw.DateTimeField(default=utcnow)
