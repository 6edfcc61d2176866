"""Reminders (issue 13): scheduler job runs, the WeChat outbox and attempts, subscriptions,
template settings and personal reminder settings."""
from models.reminders import (DeliveryAttempt, JobRun, Outbox, ReminderSetting, Subscription,
                              TemplateSetting)

TABLES = [JobRun, Outbox, DeliveryAttempt, Subscription, TemplateSetting, ReminderSetting]


async def up(db):
    await db.acreate_tables(TABLES)
