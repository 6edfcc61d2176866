"""Official-account template messages (issue 13): a unit's official account, the unionids learned
at sign-in, the accounts' followers; Outbox.channel (subscribe / oa) where the table predates it.
Fresh databases get the column from m0012 (it creates the current model). Re-runnable."""
import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from models.reminders import OaFollower, OfficialAccount, Outbox, StaffUnion

TABLES = [OfficialAccount, StaffUnion, OaFollower]


def _add_column(db):
    table = Outbox._meta.table_name
    if "channel" in {c.name for c in db.get_columns(table)}:
        return
    migrate(SchemaMigrator.from_database(db).add_column(
        table, "channel", pw.CharField(max_length=10, default="", constraints=[pw.SQL("DEFAULT ''")])))


async def up(db):
    await db.acreate_tables(TABLES)
    await db.run(_add_column, db)
