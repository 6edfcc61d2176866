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


# -- an official account's server callback (WeChat's protocol, XML; outside /api) -------------------

import time as _time  # noqa: E402
import xml.etree.ElementTree as _ET  # noqa: E402

import tornado.web  # noqa: E402

from services import official_account  # noqa: E402

CALLBACK_MAX_BODY = 16 * 1024
CALLBACK_SKEW = 600   # seconds: an older signed request is a replay


class OfficialAccountCallbackHandler(tornado.web.RequestHandler):
    """公众号服务器配置回调：校验签名，处理关注/取消关注事件（明文或兼容模式）。"""

    def check_xsrf_cookie(self):
        return None   # WeChat's servers sign with the Token instead

    def _text(self, status, text):
        self.set_status(status)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(text)

    async def _verified(self, appid):
        account = await official_account.account_by_appid(appid)
        if account is None:
            self._text(404, "unknown account")
            return None
        args = {k: self.get_query_argument(k, "")[:64] for k in ("signature", "timestamp", "nonce")}
        try:
            fresh = abs(_time.time() - int(args["timestamp"])) <= CALLBACK_SKEW
        except ValueError:
            fresh = False
        if not fresh or not official_account.check_callback_signature(
                self.settings["env"], appid, **args):
            self._text(403, "invalid signature")
            return None
        return account

    async def get(self, appid):
        """The URL check when the administrator saves the 服务器配置: echo `echostr`."""
        if await self._verified(appid) is None:
            return
        self._text(200, self.get_query_argument("echostr", "")[:128])

    async def post(self, appid):
        account = await self._verified(appid)
        if account is None:
            return
        body = self.request.body or b""
        if len(body) > CALLBACK_MAX_BODY:
            return self._text(413, "too large")
        if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
            return self._text(400, "bad xml")   # no entities: no expansion bombs, no XXE
        try:
            root = _ET.fromstring(body)
        except _ET.ParseError:
            return self._text(400, "bad xml")
        fields = {child.tag: (child.text or "").strip() for child in root}
        event = fields.get("Event", "").lower()
        openid = fields.get("FromUserName", "")
        if fields.get("MsgType") == "event" and event in ("subscribe", "unsubscribe") and openid:
            await official_account.follower_event(self.settings["env"], account, openid=openid,
                                                  event=event)
        self._text(200, "success")   # WeChat's "received, no reply"


default_handlers.append((r"/wechat/oa/([\w.-]{2,64})", OfficialAccountCallbackHandler))
