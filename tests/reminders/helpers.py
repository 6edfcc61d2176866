"""Reminder test helpers: the tick-now hook, templates, WeChat binding, raw rows."""
import datetime

from models.base import fetch_all
from models.org import Staff
from models.reminders import DeliveryAttempt, JobRun, Outbox, TemplateSetting

LEAVE_RESULT_TEMPLATE = "tmpl-approval-result"


def tick(api, now=None, **body):
    """Run the scheduler and drain delivery once, at `now` (Beijing time, ISO) if given."""
    headers = {"X-Mingjing-Now": now} if now else {}
    r = api.post("/api/test/scheduler/tick", body, headers=headers)
    assert r.status == 200, r
    return r.data


def set_template(server, event, template_id, fields=None, long_term=False, page="", enabled=True):
    async def go():
        await TemplateSetting.delete().where(TemplateSetting.event == event).aexecute()
        await TemplateSetting.acreate(event=event, template_id=template_id, fields=fields,
                                      long_term=long_term, page=page, enabled=enabled)
    server.run(go())


def bind(server, staff, openid=None):
    openid = openid or f"openid-{staff.id}"
    server.run(Staff.update(openid=openid).where(Staff.id == staff.id).aexecute())
    return openid


def outbox(server, **where):
    query = Outbox.select().order_by(Outbox.id)
    for key, value in where.items():
        query = query.where(getattr(Outbox, key) == value)
    return server.run(fetch_all(query))


def attempts(server, outbox_id):
    return server.run(fetch_all(DeliveryAttempt.select().where(DeliveryAttempt.outbox == outbox_id)
                                .order_by(DeliveryAttempt.number)))


def job_keys(server, prefix=""):
    rows = server.run(fetch_all(JobRun.select().order_by(JobRun.id)))
    return [r.key for r in rows if r.key.startswith(prefix)]


def bj(text):
    """Beijing local ISO time -> naive UTC datetime (what the database holds)."""
    value = datetime.datetime.fromisoformat(text).replace(
        tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
