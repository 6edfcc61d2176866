"""WeChat subscribe-message delivery (issue 13): the outbox, Redis Streams and the send log.

A notification whose kind has a template gets an `outbox` row in the same transaction
(`enqueue`, called by services/notify). Every process publishes due rows to one stream (XADD,
keyed by the outbox id), reads it through one consumer group (XREADGROUP), claims the row in the
database before calling WeChat (so two entries for one row send once), records the outcome and
every attempt, then XACKs. Entries a dead worker left pending are taken over with XAUTOCLAIM;
rows whose entry Redis lost (down, restarted) are published again. Details: docs/reminders.md.
"""
import asyncio
import datetime
import logging
import re
from zoneinfo import ZoneInfo

import peewee as pw
from redis.exceptions import RedisError, ResponseError

from models.base import atomic, fetch_all, get_one, utcnow
from models.notify import Notification
from models.org import Staff
from models.reminders import DeliveryAttempt, Outbox, ReminderSetting, Subscription, TemplateSetting

log = logging.getLogger("mingjing.delivery")
SHANGHAI = ZoneInfo("Asia/Shanghai")
GROUP = "delivery"
RETRY_CODES = {-1, 45009, 45011}   # busy, daily quota, minute quota: try again later
REFUSED = 43101                    # the user refused: the allowance is zeroed, no retry
REPUBLISH_AFTER = datetime.timedelta(minutes=5)   # a published row still pending: entry lost?
DELIVERY_CONCURRENCY = 8           # sends in flight per process at most (see concurrency())
PUBLISH_AHEAD = 1000               # stream entries waiting at most (publish_due)
UNKNOWN = "发送中断，结果未知（为避免重复不再重发）"
ERROR_TEXT = {
    -1: "微信系统繁忙", 45009: "微信接口当日调用量已达上限", 45011: "微信接口调用过于频繁",
    43101: "用户拒绝接收或未订阅该消息", 47003: "模板参数不正确", 40037: "模板 ID 不正确",
    43004: "未关注单位公众号", 40003: "公众号 openid 无效",
    None: "无法连接微信服务器",
}

# event -> template settings from config.yaml (reminders.templates); console rows override.
CONFIG_TEMPLATES = {}

# WeChat keyword value limits (characters) by key type; time/date are formatted, never cut.
FIELD_LIMITS = {"thing": 20, "character_string": 32, "number": 32, "letter": 32, "symbol": 5,
                "phrase": 5, "name": 10, "phone_number": 17, "car_number": 8, "amount": 32,
                "short_thing": 5}
EVENT_LABELS = {
    "approval.pending": "待审批", "approval.result": "审批结果", "approval.overdue": "审批催办",
    "approval.action_required": "申请需补充", "approval.cc": "审批抄送",
    "approval.withdrawn": "审批撤回", "approval.comment": "审批评论",
    "binding.request": "绑定申请待处理", "binding.resolved": "绑定申请结果",
    "binding.overdue": "绑定申请超时", "attendance.clock_in": "上班打卡提醒",
    "attendance.field_punch": "外勤打卡", "attendance.device_change": "换机申请",
    # appraisal (services/appraisal/reminders.py and the appraisal services' own notices)
    "appraisal.deadline": "考核截止提醒", "appraisal.window": "复核申诉期限提醒",
    "appraisal.decision_due": "复核申诉办理期限", "appraisal.results_published": "考核结果公示",
    "appraisal.goals": "考核目标审核结果", "appraisal.cycle.launched": "考核开始",
    "appraisal.request_decided": "复核申诉决定",
    "appraisal.phase.reopened": "考核阶段重新开放",
}


def configure(config):
    """Take reminders.templates from configuration (called once at start-up)."""
    CONFIG_TEMPLATES.clear()
    for event, value in (config.reminders.templates or {}).items():
        if isinstance(value, dict) and value.get("template_id"):
            CONFIG_TEMPLATES[str(event)] = {
                "template_id": str(value["template_id"]), "page": str(value.get("page") or ""),
                "fields": dict(value.get("fields") or {}), "enabled": True,
                "long_term": bool(value.get("long_term")), "source": "config"}


def key_type(key):
    return re.sub(r"\d+$", "", key)


def _cut(text, limit):
    text = re.sub(r"\s+", " ", str(text or "")).strip()
    if len(text) <= limit:
        return text
    return text[:limit - 1] + "…"


def _as_local(value):
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
        return value
    if not isinstance(value, datetime.datetime):
        return None
    if value.tzinfo is None:   # naive datetimes in Mingjing are UTC
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(SHANGHAI).replace(tzinfo=None)


def field_value(key, value, *, fallback_time=None):
    """One keyword value made acceptable to WeChat: cut to its type's limit (with "…"), times
    formatted; never empty (WeChat refuses an empty value)."""
    kind = key_type(key)
    if kind in ("time", "date"):
        moment = _as_local(value) or _as_local(fallback_time) or _as_local(utcnow())
        return moment.strftime("%Y年%m月%d日 %H:%M" if kind == "time" else "%Y年%m月%d日")
    if kind == "number":
        digits = re.sub(r"[^\d.\-]", "", str(value or ""))
        return digits[:32] or "0"
    if kind in ("letter", "character_string", "car_number", "phone_number", "symbol"):
        text = re.sub(r"[^\x21-\x7e]", "", str(value or ""))
        return text[:FIELD_LIMITS[kind]] or "-"
    if kind in ("phrase", "short_thing"):
        # phrase: up to 5 Chinese characters (no digits or letters)
        text = re.sub(r"[^\u4e00-\u9fff]", "", str(value or ""))
        return text[:5] or "提醒"
    return _cut(value, FIELD_LIMITS.get(kind, 20)) or "-"


def _source(notification, expr):
    expr = str(expr or "")
    if expr.startswith("="):
        return expr[1:]
    if expr.startswith("data."):
        return (notification.data or {}).get(expr[5:], "")
    if expr == "event":
        return EVENT_LABELS.get(notification.kind, notification.kind)
    if expr in ("title", "body", "created_at", "kind"):
        return getattr(notification, expr)
    return expr   # a literal without "=" still shows something rather than nothing


def build_data(notification, fields):
    fields = fields or {"thing1": "title", "time2": "created_at"}
    return {key: {"value": field_value(key, _source(notification, expr),
                                       fallback_time=notification.created_at)}
            for key, expr in fields.items()}


async def template_for(event):
    """The template settings of an event (console row first, then config.yaml), or None. An event
    with no subscribe template that some unit's official account has a template for gets an
    outbox row too (template_id ""): the official account may reach the person."""
    row = await TemplateSetting.aget_or_none(TemplateSetting.event == event)
    if row is not None:
        if row.enabled and row.template_id:
            return {"template_id": row.template_id, "page": row.page, "fields": row.fields or {},
                    "enabled": True, "long_term": row.long_term, "source": "console"}
        found = None
    else:
        found = CONFIG_TEMPLATES.get(event)
    if found is None:
        from services import official_account

        if event in await official_account.events_with_templates():
            return {"template_id": "", "page": "", "fields": {}, "enabled": True,
                    "long_term": False, "source": "official_account"}
    return found


def _page(link, template):
    page = template.get("page") or link or ""
    return page.lstrip("/") if page and not page.startswith("/admin") else ""


async def enqueue(notification, template, *, checked=False):
    """The outbox row for one notification; call inside the notification's transaction. An event
    with only official-account templates gets a row only for people whose unit's account has one
    (the others' notice is in-app only, as without any template); `checked`: the caller asked
    already, for all its recipients at once (services/notify)."""
    if template.get("source") == "official_account" and not checked:
        from services import official_account

        if not await official_account.has_template_for(notification.recipient_id,
                                                       notification.kind):
            await Notification.update(wechat_status="none").where(
                Notification.id == notification.id).aexecute()
            return None
    return await Outbox.acreate(
        notification=notification.id, staff=notification.recipient_id, event=notification.kind,
        template_id=template["template_id"], page=_page(notification.link, template)[:255],
        data=build_data(notification, template.get("fields")), status="pending",
        next_attempt_at=notification.created_at, created_at=notification.created_at,
        updated_at=notification.created_at)


# -- the stream --------------------------------------------------------------------------------

def stream_name(env):
    return env.config.reminders.stream


async def ensure_group(env):
    try:
        await env.redis.xgroup_create(stream_name(env), GROUP, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


async def publish_due(env, *, now=None):
    """XADD every outbox row that is due and not (recently) published. A row published twice (two
    processes, a lost entry) still sends once: the worker claims it in the database first. The
    marks are one transaction and the XADDs one pipeline (not a commit and a round trip per row:
    10,000 reminders raised at once are 20 sweeps of 500)."""
    now = now or utcnow()
    await settle_interrupted(env, now=now)
    # Publish no further ahead than the consumers are: entries waiting longer than
    # REPUBLISH_AFTER would be published again (10,000 at once piled up duplicates to chew
    # through). Acked entries are deleted, so the stream's length is what is still to do.
    room = PUBLISH_AHEAD - await env.redis.xlen(stream_name(env))
    if room <= 0:
        return 0
    rows = await fetch_all(Outbox.select(Outbox.id, Outbox.staff, Outbox.published_at).where(
        Outbox.status.in_(["pending", "retry"]), Outbox.next_attempt_at <= now,
        Outbox.published_at.is_null() | (Outbox.published_at < now - REPUBLISH_AFTER))
        .order_by(Outbox.id).limit(min(500, room)))
    if not rows:
        return 0
    marked = []
    async with atomic():
        for row in rows:
            mark = Outbox.update(published_at=now).where(Outbox.id == row.id)
            mark = mark.where(Outbox.published_at.is_null() if row.published_at is None
                              else Outbox.published_at == row.published_at)
            if await mark.aexecute():
                marked.append(row)   # else another process published it just now
    if not marked:
        return 0
    try:
        pipe = env.redis.pipeline(transaction=False)
        for row in marked:
            # "staff": the consumer keeps one person's messages in order (_handle_entries).
            pipe.xadd(stream_name(env), {"outbox": str(row.id), "staff": str(row.staff_id)})
        await pipe.execute()
    except (RedisError, OSError):
        # Redis is away: forget the marks, the next sweep after it returns publishes again (an
        # entry that did get in meanwhile only delivers once: the worker claims the row first).
        await Outbox.update(published_at=None).where(
            Outbox.id.in_([r.id for r in marked])).aexecute()
        raise
    return len(marked)


async def settle_interrupted(env, *, now):
    """Rows a worker claimed and never finished (it died mid-send): WeChat may or may not have the
    message. Never send twice: record "outcome unknown" for the admin instead of retrying."""
    stale = now - datetime.timedelta(seconds=env.config.reminders.sending_stale_seconds)
    rows = await fetch_all(Outbox.select().where(Outbox.status == "sending",
                                                 Outbox.claimed_at < stale))
    for row in rows:
        taken = await Outbox.update(status="failed", updated_at=now).where(
            Outbox.id == row.id, Outbox.status == "sending",
            Outbox.claimed_at == row.claimed_at).aexecute()
        if taken:
            await _finish(row, outcome="failed", status="failed", now=now,
                          worker=row.claimed_by, message=UNKNOWN)


def concurrency(env):
    """Sends in flight per process: WeChat's latency, not our CPU, bounds one process's rate, so
    a batch of entries is delivered side by side, each on its own connection, leaving half the
    pool to requests. SQLite (one writer; tests and development) delivers one at a time."""
    from models.base import real_db

    if isinstance(real_db(), pw.SqliteDatabase):
        return 1
    return max(1, min(DELIVERY_CONCURRENCY, env.config.database.pool_size // 2))


async def _handle_entries(env, entries, worker, now):
    if not entries:
        return 0
    limit = asyncio.Semaphore(concurrency(env))
    # One person's messages stay in order (one after the other); different people's go side by
    # side. Entries published before the "staff" field existed are each their own group.
    groups = {}
    for entry_id, fields in entries:
        fields = fields or {}
        groups.setdefault(fields.get("staff") or ("entry", entry_id), []).append((entry_id, fields))
    done = []

    async def person(group):
        async with limit:
            for entry_id, fields in group:
                try:
                    outbox_id = int(fields.get("outbox", 0))
                except (TypeError, ValueError):
                    outbox_id = 0
                if outbox_id:
                    await deliver(env, outbox_id, worker=worker, now=now)
                done.append(entry_id)

    # Each group in a task of its own (its own connection; no transaction spans them). A group
    # whose delivery raised stops there: its entries left stay pending (reclaimed later).
    outcomes = await asyncio.gather(*[asyncio.create_task(person(g)) for g in groups.values()],
                                    return_exceptions=True)
    # The outcome is committed before the ack: a crash in between re-delivers the entry, and the
    # row's state makes the second delivery a no-op.
    if done:
        pipe = env.redis.pipeline(transaction=False)
        pipe.xack(stream_name(env), GROUP, *done)
        pipe.xdel(stream_name(env), *done)
        await pipe.execute()
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return len(done)


async def consume(env, *, worker, now=None, block_ms=None, count=50):
    result = await env.redis.xreadgroup(GROUP, worker, {stream_name(env): ">"}, count=count,
                                        block=block_ms)
    entries = [e for _, items in (result or []) for e in items]
    return await _handle_entries(env, entries, worker, now)


async def reclaim(env, *, worker, now=None, idle_ms=None):
    """Take over entries another consumer read but never acked (it died) and deliver them."""
    idle_ms = env.config.reminders.claim_idle_seconds * 1000 if idle_ms is None else idle_ms
    result = await env.redis.xautoclaim(stream_name(env), GROUP, worker, min_idle_time=idle_ms,
                                        start_id="0-0", count=100)
    entries = [e for e in (result[1] if result else []) if e and e[1] is not None]
    return await _handle_entries(env, entries, worker, now)


async def drain(env, *, worker, now=None, idle_ms=None):
    """Publish what is due and deliver everything in the stream (the test hook, tick-now)."""
    await ensure_group(env)
    published = await publish_due(env, now=now)
    handled = await reclaim(env, worker=worker, now=now, idle_ms=idle_ms)
    while True:
        n = await consume(env, worker=worker, now=now)
        handled += n
        if not n:
            break
    return {"published": published, "handled": handled}


class Worker:
    """One process's delivery loop: publish, read (blocking briefly), now and then reclaim."""

    def __init__(self, env, worker):
        self.env, self.worker = env, worker
        self.stopping = False

    async def run(self):
        rounds = 0
        while not self.stopping:
            try:
                await ensure_group(self.env)
                await publish_due(self.env)
                await consume(self.env, worker=self.worker, block_ms=500)
                rounds += 1
                if rounds % 10 == 0:
                    await reclaim(self.env, worker=self.worker)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                log.warning("delivery: Redis unavailable (%r); the outbox keeps everything", exc)
                await asyncio.sleep(2)
            except Exception:
                log.exception("delivery loop error")
                await asyncio.sleep(2)


# -- one send ----------------------------------------------------------------------------------

def backoff(env, attempts):
    base = max(1, env.config.reminders.retry_base_seconds)
    return datetime.timedelta(seconds=min(3600, base * 2 ** max(0, attempts - 1)))


async def _recipient(row):
    """The person, with their WeChat reminder switch (`wechat_on`: None = no settings row, on)
    and their allowance for the row's template (`sub_id`, `sub_long_term`): one query per send
    instead of three."""
    query = (Staff.select(Staff, ReminderSetting.wechat.alias("wechat_on"),
                          Subscription.id.alias("sub_id"),
                          Subscription.long_term.alias("sub_long_term"))
             .join(ReminderSetting, pw.JOIN.LEFT_OUTER, on=(ReminderSetting.staff == Staff.id))
             .switch(Staff)
             .join(Subscription, pw.JOIN.LEFT_OUTER,
                   on=((Subscription.staff == Staff.id)
                       & (Subscription.template_id == (row.template_id or ""))))
             .where(Staff.id == row.staff_id).objects())
    return await get_one(query)


async def _reserve(staff, now):
    """Take one allowance for this send: long-term, else one one-time acceptance."""
    if staff.sub_id is None:
        return ""
    if staff.sub_long_term:
        return "long_term"
    taken = await Subscription.update(one_time=Subscription.one_time - 1, updated_at=now).where(
        Subscription.id == staff.sub_id, Subscription.one_time > 0).aexecute()
    return "one_time" if taken else ""


async def _refund(row, now):
    if row.reserved == "one_time":
        await Subscription.update(one_time=Subscription.one_time + 1, updated_at=now).where(
            Subscription.staff == row.staff_id,
            Subscription.template_id == row.template_id).aexecute()


async def _finish(row, *, outcome, status, now, worker, errcode=None, message="", msgid="",
                  retry_at=None, channel=None):
    wechat_status = {"sent": "sent", "refused": "refused", "failed": "failed",
                     "skipped": "skipped", "retry": "pending"}[outcome]
    async with atomic():
        await DeliveryAttempt.acreate(outbox=row.id, number=row.attempts, outcome=outcome,
                                      errcode=errcode, message=message[:200], worker=worker[:64],
                                      created_at=now)
        changes = {"status": status, "updated_at": now, "last_errcode": errcode,
                   "last_error": message[:200], "claimed_at": None}
        if row.reserved:
            changes["reserved"] = row.reserved
        if outcome == "sent":
            changes.update(sent_at=now, msgid=msgid[:64])
        if channel is not None:
            changes["channel"] = channel
        if retry_at is not None:
            changes.update(next_attempt_at=retry_at, published_at=None, reserved="")
        await Outbox.update(**changes).where(Outbox.id == row.id).aexecute()
        await Notification.update(wechat_status=wechat_status, wechat_error=message[:100]).where(
            Notification.id == row.notification_id).aexecute()
    return outcome


async def deliver(env, outbox_id, *, worker, now=None):
    """Send one outbox row at most once. Returns the outcome, or None when there was nothing to do
    (sent already, not due, or another worker holds it)."""
    now = now or utcnow()
    claimed = await Outbox.update(status="sending", claimed_at=now, claimed_by=worker[:64],
                                  attempts=Outbox.attempts + 1, updated_at=now).where(
        Outbox.id == outbox_id, Outbox.status.in_(["pending", "retry"]),
        Outbox.next_attempt_at <= now).aexecute()
    row = await Outbox.aget_or_none(Outbox.id == outbox_id)
    if row is None or not claimed:
        return None   # done already, not due, or held by a worker (settle_interrupted if it died)
    staff = await _recipient(row)
    if staff is None or staff.status != "active" or not staff.openid:
        return await _finish(row, outcome="skipped", status="skipped", now=now, worker=worker,
                             message="未绑定微信")
    if staff.wechat_on is not None and not staff.wechat_on:
        return await _finish(row, outcome="skipped", status="skipped", now=now, worker=worker,
                             message="本人已关闭微信提醒")
    reserved = await _reserve(staff, now) if row.template_id else ""
    if not reserved:
        return await _deliver_official_account(env, row, staff, now=now, worker=worker)
    if reserved == "one_time":
        # A taken one-time allowance is on the row before the send (what it cost); a long-term
        # one costs nothing and is written with the outcome (_finish), one statement fewer.
        await Outbox.update(reserved=reserved).where(Outbox.id == row.id).aexecute()
    row.reserved = reserved
    from server.wechat import SubscribeError

    try:
        msgid = await env.wechat.deliver_subscribe_message(
            staff.openid, row.template_id, row.data or {}, row.page or None)
    except SubscribeError as exc:
        code = exc.errcode
        text = f"{ERROR_TEXT.get(code, '微信返回错误')}（{code}）" if code is not None \
            else ERROR_TEXT[None]
        if code == REFUSED:
            await Subscription.update(one_time=0, long_term=False, rejected_at=now,
                                      updated_at=now).where(
                Subscription.staff == row.staff_id,
                Subscription.template_id == row.template_id).aexecute()
            return await _finish(row, outcome="refused", status="refused", now=now,
                                 worker=worker, errcode=code, message=text)
        await _refund(row, now)
        if (code in RETRY_CODES or code is None) and row.attempts < env.config.reminders.max_attempts:
            return await _finish(row, outcome="retry", status="retry", now=now, worker=worker,
                                 errcode=code, message=text,
                                 retry_at=now + backoff(env, row.attempts))
        return await _finish(row, outcome="failed", status="failed", now=now, worker=worker,
                             errcode=code, message=text)
    return await _finish(row, outcome="sent", status="sent", now=now, worker=worker,
                         msgid=msgid, message="", channel="subscribe")


async def _deliver_official_account(env, row, staff, *, now, worker):
    """No subscribe-message allowance: the unit's official account, when the person follows it and
    the account has a template for the event; else the inbox only (skipped, with the reason)."""
    from server.wechat import SubscribeError
    from services import official_account

    account, openid, reason = await official_account.route(env, staff, row.event)
    if account is None:
        no_allowance = "无订阅额度" if row.template_id else "未配置订阅消息模板"
        message = f"{no_allowance}，{reason}（消息仍在站内信中）" if reason \
            else f"{no_allowance}（消息仍在站内信中）"
        return await _finish(row, outcome="skipped", status="skipped", now=now, worker=worker,
                             message=message)
    template = (account.templates or {})[row.event]
    notification = await Notification.aget(Notification.id == row.notification_id)
    try:
        msgid = await official_account.send(env, account, openid, template, notification,
                                            row.page or "")
    except SubscribeError as exc:
        code = exc.errcode
        text = "公众号：" + (f"{ERROR_TEXT.get(code, '微信返回错误')}（{code}）" if code is not None
                           else ERROR_TEXT[None])
        if code in (official_account.NOT_FOLLOWING, official_account.INVALID_OPENID):
            await official_account.mark_unfollowed(account.id, openid)
            return await _finish(row, outcome="failed", status="failed", now=now, worker=worker,
                                 errcode=code, message=text, channel="oa")
        if (code in RETRY_CODES or code is None) and row.attempts < env.config.reminders.max_attempts:
            return await _finish(row, outcome="retry", status="retry", now=now, worker=worker,
                                 errcode=code, message=text, channel="oa",
                                 retry_at=now + backoff(env, row.attempts))
        return await _finish(row, outcome="failed", status="failed", now=now, worker=worker,
                             errcode=code, message=text, channel="oa")
    return await _finish(row, outcome="sent", status="sent", now=now, worker=worker,
                         msgid=msgid, message="", channel="oa")


# -- subscriptions (what the mini-program's wx.requestSubscribeMessage answered) ----------------

async def all_templates():
    """{event: settings} for every configured event (console rows over config.yaml)."""
    out = {e: t for e, t in CONFIG_TEMPLATES.items()}
    for row in await fetch_all(TemplateSetting.select()):
        out[row.event] = {"template_id": row.template_id, "page": row.page,
                          "fields": row.fields or {}, "enabled": row.enabled,
                          "long_term": row.long_term, "source": "console"}
    return out


async def record_subscriptions(*, actor, results, now=None):
    """`results`: {template_id: "accept" | "reject" | "ban" | "filter"} as WeChat reported it.
    An accepted one-time template adds one send; a template configured as long-term (长期订阅)
    allows repeated sends until rejected. Unknown template ids are refused by the caller."""
    now = now or utcnow()
    long_term_ids = {t["template_id"] for t in (await all_templates()).values()
                     if t.get("long_term") and t.get("enabled")}
    out = {}
    async with atomic():
        for template_id, answer in results.items():
            sub = await Subscription.aget_or_none(Subscription.staff == actor.id,
                                                  Subscription.template_id == template_id)
            if sub is None:
                sub = await Subscription.acreate(staff=actor.id, template_id=template_id,
                                                 created_at=now, updated_at=now)
            if answer == "accept":
                if template_id in long_term_ids:
                    changes = {"long_term": True, "rejected_at": None}
                else:
                    changes = {"one_time": Subscription.one_time + 1, "rejected_at": None}
            else:
                changes = {"long_term": False, "one_time": 0, "rejected_at": now}
            await Subscription.update(updated_at=now, **changes).where(
                Subscription.id == sub.id).aexecute()
            sub = await Subscription.aget(Subscription.id == sub.id)
            out[template_id] = subscription_out(sub)
    return out


def subscription_out(sub):
    return {"template_id": sub.template_id, "one_time": sub.one_time, "long_term": sub.long_term,
            "rejected": sub.rejected_at is not None, "updated_at": sub.updated_at}


async def my_subscriptions(*, actor):
    rows = await fetch_all(Subscription.select().where(Subscription.staff == actor.id)
                           .order_by(Subscription.id))
    return [subscription_out(r) for r in rows]


async def latest_attempt(outbox_id):
    return await get_one(DeliveryAttempt.select().where(DeliveryAttempt.outbox == outbox_id)
                         .order_by(DeliveryAttempt.number.desc()))
