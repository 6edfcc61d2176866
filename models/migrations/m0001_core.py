"""Org structure, roles and grants, audit log."""
from models.admin import AdminCredential
from models.access import Grant, GrantDepartment, Role, RolePermission
from models.audit import AuditHead, AuditLog
from models.org import (Department, DepartmentDeputy, Position, Rank, Staff, StaffPost,
                        StaffTransfer, Unit)

TABLES = [Unit, Department, Position, Rank, Staff, DepartmentDeputy, StaffPost, StaffTransfer,
          Role, RolePermission, Grant, GrantDepartment, AuditLog, AuditHead, AdminCredential]


async def up(db):
    await db.acreate_tables(TABLES)
    if not await db.exists(AuditHead.select().where(AuditHead.id == 1)):
        await AuditHead.insert(id=1, last_seq=0, last_hash="0" * 64).aexecute()
