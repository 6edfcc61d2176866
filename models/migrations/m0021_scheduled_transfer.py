"""Transfers recorded ahead of their effective date, applied by the scheduler on that day."""
from models.org import ScheduledTransfer

TABLES = [ScheduledTransfer]


async def up(db):
    await db.acreate_tables(TABLES)
