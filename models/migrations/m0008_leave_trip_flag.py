"""LeaveType.is_trip (出差/外出: counted as a business trip, not absence) on existing databases.

Fresh databases already get the column from m0006 (it creates the current model); this adds it
where leave_type predates the flag. Re-runnable: the column is added only when it is missing.
The DEFAULT 0 in the DDL fills existing rows, so NOT NULL needs no table rebuild on SQLite.
"""
import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from models.leave import LeaveType

TABLES = []  # no new table; leave_type is emptied by m0006's list


def _add_is_trip(db):
    table = LeaveType._meta.table_name
    if "is_trip" in {c.name for c in db.get_columns(table)}:
        return False
    migrator = SchemaMigrator.from_database(db)
    field = pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT 0")])
    migrate(migrator.add_column(table, "is_trip", field, allow_not_null=True))
    return True


async def up(db):
    await db.run(_add_is_trip, db)
