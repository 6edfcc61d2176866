"""Role.unit (a custom role of one unit; null = built-in or system-wide) on existing databases.

Fresh databases get the column from m0001 (it creates the current model); this adds it, with its
index, where the role table predates it. Re-runnable: nothing happens when the column exists.
Existing custom roles keep unit NULL (system-wide), as before.
"""
import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from models.access import Role
from models.org import Unit

TABLES = []  # no new table; role is emptied by m0001's list


def _add_unit(db):
    table = Role._meta.table_name
    if "unit_id" in {c.name for c in db.get_columns(table)}:
        return False
    migrator = SchemaMigrator.from_database(db)
    field = pw.ForeignKeyField(Unit, null=True, field=Unit.id, on_delete="CASCADE")
    migrate(migrator.add_column(table, "unit_id", field))
    return True


async def up(db):
    await db.run(_add_unit, db)
