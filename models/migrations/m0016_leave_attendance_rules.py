"""Leave and attendance rules (issue 14) on existing databases: LeaveRequest.backdated (补请假),
AttendanceRule.start_date (going live), leave_backdate_days and qr_gps_max_m.

Fresh databases get the columns from m0006/m0007 (they create the current models); this adds
them where the tables predate them. Re-runnable: a column is added only when it is missing.
"""
import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from models.attendance import AttendanceRule
from models.leave import LeaveRequest

TABLES = []  # no new table

COLUMNS = [
    (LeaveRequest, "backdated", lambda: pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT 0")])),
    (AttendanceRule, "start_date", lambda: pw.DateField(null=True)),
    (AttendanceRule, "leave_backdate_days", lambda: pw.IntegerField(null=True)),
    (AttendanceRule, "qr_gps_max_m", lambda: pw.IntegerField(default=1000, constraints=[pw.SQL("DEFAULT 1000")])),
]


def _add_columns(db):
    migrator = SchemaMigrator.from_database(db)
    for model, name, field in COLUMNS:
        table = model._meta.table_name
        if name in {c.name for c in db.get_columns(table)}:
            continue
        f = field()
        migrate(migrator.add_column(table, name, f, allow_not_null=not f.null))


async def up(db):
    await db.run(_add_columns, db)
    await _personal_paid()


async def _personal_paid():
    """The national 事假 row was seeded unpaid although Art. 4(2) was applied to it: it now says
    what the rule reads (paid = the unit does not deduct pay), so existing units keep counting it;
    a unit that deducts pay overrides the type with paid false."""
    from models.leave import LeaveType
    await LeaveType.update(paid=True).where(LeaveType.unit.is_null(), LeaveType.code == "personal",
                                            LeaveType.scope_key == "0:personal").aexecute()
