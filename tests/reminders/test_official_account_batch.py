"""An event only official accounts have a template for, raised to 50 people of two units at once:
the outbox rows go to the people whose unit's account has the template, the others' notices are
in-app only from the start, and the lookup is one query for all of them (not one per person)."""
import logging

from models.base import atomic, fetch_all
from models.notify import Notification
from services.notify import raise_notification
from tests.reminders.helpers import outbox, tick
from tests.reminders.test_official_account import setup_account

N = 50


class Statements(logging.Handler):
    """The SQL peewee logs (every statement, at DEBUG on the "peewee" logger)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql = []

    def emit(self, record):
        msg = record.msg
        self.sql.append(str(msg[0] if isinstance(msg, tuple) else msg))


def test_fifty_recipients_of_an_official_account_event(api, org, f, server, fake_wechat):
    setup_account(server, f, org.a, fake_wechat)     # unit A: a template for approval.result
    a_people = [f.staff(org.a_office, f"甲批量{i}") for i in range(N // 2)]
    b_people = [f.staff(org.b_office, f"乙批量{i}") for i in range(N // 2)]
    tick(api)   # anything the fixtures queued is out of the way
    ids = [p.id for p in a_people + b_people]
    logger = logging.getLogger("peewee")
    handler, level = Statements(), logger.level

    async def go():
        async with atomic():
            return await raise_notification(recipient_ids=ids, kind="approval.result",
                                            title="批量通知", link="/pages/messages/index")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        assert server.run(go()) == N
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)

    rows = server.run(fetch_all(Notification.select().where(Notification.title == "批量通知")))
    assert sorted(r.recipient_id for r in rows) == sorted(ids)
    status = {r.recipient_id: r.wechat_status for r in rows}
    assert {status[p.id] for p in a_people} == {"pending"}
    assert {status[p.id] for p in b_people} == {"none"}      # unit B has no account
    queued = [r for r in outbox(server) if r.event == "approval.result"]
    assert sorted(r.staff_id for r in queued) == sorted(p.id for p in a_people)
    by_message = {r.id: r for r in rows}
    assert all(by_message[r.notification_id].recipient_id == r.staff_id for r in queued)
    assert all(r.template_id == "" and r.status == "pending" for r in queued)

    sql = [s.upper() for s in handler.sql]
    lookups = [s for s in sql if s.startswith("SELECT") and "OFFICIAL_ACCOUNT" in s]
    updates = [s for s in sql if s.startswith("UPDATE") and "NOTIFICATION" in s]
    # Which events have templates (one), then which recipients' units have one (one for all 50).
    assert len(lookups) == 2, lookups
    assert updates == []                                       # written right the first time
    # The B people's rows in one INSERT; A's one INSERT each with its outbox row.
    inserts = [s for s in sql if s.startswith("INSERT INTO") and (
        "NOTIFICATION" in s.split("(")[0] or "OUTBOX" in s.split("(")[0])]
    assert len(inserts) == 1 + 2 * len(a_people), len(inserts)

    # Everyone sees the notice in-app, whatever the channel.
    assert len(api.as_(b_people[0]).get("/api/messages").data) == 1
    assert len(api.as_(a_people[0]).get("/api/messages").data) == 1
