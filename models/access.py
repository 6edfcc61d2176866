"""Roles, their permission codes, and grants of a role to a person with a data scope."""
import peewee as pw

from models.base import BaseModel
from models.org import Department, Staff, Unit

SCOPE_TYPES = ("all", "unit_tree", "dept_tree", "dept", "self", "custom")


class Role(BaseModel):
    code = pw.CharField(max_length=40, unique=True)
    name = pw.CharField(max_length=50)
    description = pw.CharField(max_length=255, default="")
    builtin = pw.BooleanField(default=False)
    # system / security / audit for the three separated administrators (三员), else "".
    admin_tier = pw.CharField(max_length=10, default="")
    unit = pw.ForeignKeyField(Unit, null=True, on_delete="CASCADE")  # null: system-wide


class RolePermission(BaseModel):
    role = pw.ForeignKeyField(Role, backref="permissions", on_delete="CASCADE")
    permission = pw.CharField(max_length=40)

    class Meta:
        indexes = ((("role", "permission"), True),)


class Grant(BaseModel):
    staff = pw.ForeignKeyField(Staff, backref="grants", on_delete="CASCADE")
    role = pw.ForeignKeyField(Role, backref="grants", on_delete="RESTRICT")
    scope_type = pw.CharField(max_length=12)
    # Anchor of the scope: the unit for unit_tree, the department for dept/dept_tree.
    scope_unit = pw.ForeignKeyField(Unit, null=True, on_delete="CASCADE")
    scope_department = pw.ForeignKeyField(Department, null=True, on_delete="CASCADE")
    granted_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    revoked_at = pw.DateTimeField(null=True, index=True)
    revoked_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")


class GrantDepartment(BaseModel):
    """Departments of a grant whose scope is a custom list."""
    grant = pw.ForeignKeyField(Grant, backref="departments", on_delete="CASCADE")
    department = pw.ForeignKeyField(Department, on_delete="CASCADE")
