"""AdminCredential.must_change_password (issue 15): the first sign-in replaces the initial password.

Fresh databases get the column from m0001 (it creates the current model); this adds it where the
table predates it, with DEFAULT 0 (existing administrators are not forced). Re-runnable.
"""
import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from models.admin import AdminCredential

TABLES = []  # no new table


def _add_column(db):
    table = AdminCredential._meta.table_name
    if "must_change_password" in {c.name for c in db.get_columns(table)}:
        return
    migrate(SchemaMigrator.from_database(db).add_column(
        table, "must_change_password",
        pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT 0")])))


async def up(db):
    await db.run(_add_column, db)
