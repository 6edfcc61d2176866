"""Reminders (issue 13): my notification settings and WeChat subscriptions; the scheduler's
"tick now" hook (fake mode only, for tests and the dev server)."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas import reminders as s
from services import delivery, reminder_settings, scheduler


class ReminderSettingsHandler(ApiHandler):
    """我的提醒设置：打卡提醒、微信订阅消息、各模板的订阅额度。"""

    @api(response=s.SettingsOut)
    async def get(self):
        self.write_data(await reminder_settings.get_settings(actor=self.principal))

    @api(body=s.SettingsUpdate, response=s.SettingsOut)
    async def put(self, *, body):
        self.write_data(await reminder_settings.update_settings(
            actor=self.principal, **body.model_dump(exclude_none=True)))


class ReminderTemplatesHandler(ApiHandler):
    """某个时机应申请订阅的消息模板（每次最多 3 个）。"""

    @api(query=s.TemplatesQuery, response=list[s.TemplateBrief])
    async def get(self, *, query):
        self.write_data(await reminder_settings.templates_for_moment(query.moment))


class SubscriptionsHandler(ApiHandler):
    """记录 wx.requestSubscribeMessage 的结果（一次性订阅加一次额度，长期订阅持续有效）。"""

    @api(body=s.SubscriptionsCreate, response=list[s.SubscriptionOut])
    async def post(self, *, body):
        self.write_data(await reminder_settings.record(
            actor=self.principal, results=dict(body.results), now=self.now()))


class TickHandler(ApiHandler):
    """（仅 fake 模式）立即运行一次调度与投递，时间取 X-Mingjing-Now。"""
    allow_anonymous = True

    @api(body=s.TickBody, response=s.TickOut)
    async def post(self, *, body):
        now = self.now()
        holder = "tick-hook"
        ran = await scheduler.tick(self.env, now=now, holder=holder, only=body.sources)
        result = await delivery.drain(self.env, worker=holder, now=now, idle_ms=body.idle_ms)
        self.write_data({"ran": ran, **result})


default_handlers = [
    (r"/api/reminders/settings", ReminderSettingsHandler),
    (r"/api/reminders/templates", ReminderTemplatesHandler),
    (r"/api/reminders/subscriptions", SubscriptionsHandler),
]
fake_handlers = [(r"/api/test/scheduler/tick", TickHandler)]
