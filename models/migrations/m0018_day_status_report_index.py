"""The monthly report's covering index on day_status (issue 16: sums of 10,000 people's month
read from the index alone). Fresh databases get it from m0007 (it creates the current model);
this adds it where the table predates it. Re-runnable."""
from models.attendance import REPORT_INDEX, REPORT_INDEX_COLUMNS, DayStatus

TABLES = []  # no new table


def _add_index(db):
    table = DayStatus._meta.table_name
    if REPORT_INDEX in {i.name for i in db.get_indexes(table)}:
        return
    q = lambda name: f"{db.quote[0]}{name}{db.quote[1]}"  # noqa: E731  (` on MariaDB, " on SQLite)
    columns = ", ".join(q(c.column_name) for c in REPORT_INDEX_COLUMNS)
    db.execute_sql(f"CREATE INDEX {q(REPORT_INDEX)} ON {q(table)} ({columns})")


async def up(db):
    await db.run(_add_index, db)
