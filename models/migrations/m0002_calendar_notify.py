"""Holiday calendar entries and in-app notifications."""
from models.calendar import CalendarDay, CalendarYear
from models.notify import Notification

TABLES = [CalendarDay, CalendarYear, Notification]


async def up(db):
    await db.acreate_tables(TABLES)
