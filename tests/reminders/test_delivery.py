"""WeChat delivery against the fake WeChat server: a send, allowances (one-time vs long-term), a
refusal (43101), transient failures then success, bad data (47003), a too-long field cut, Redis
away and back with the outbox drained, entries a dead worker left pending, duplicates."""
import datetime

import redis.asyncio as aioredis

from models.base import atomic, fetch_all
from models.notify import Notification
from models.reminders import Subscription
from services import delivery
from services.notify import raise_notification
from tests.approvals.helpers import submit
from tests.reminders.helpers import attempts, bind, outbox, set_template, tick

TEMPLATE = "tmpl-notice"


def later(minutes):
    moment = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))
    return (moment + datetime.timedelta(minutes=minutes)).replace(microsecond=0).isoformat()


def notice(server, staff, title="审批结果通知", kind="test.notice", body="", data=None):
    async def go():
        async with atomic():
            await raise_notification(recipient_ids=[staff.id], kind=kind, title=title, body=body,
                                     link="/pages/messages/index", data=data)
    server.run(go())


def subscribe(api, staff, answers):
    r = api.as_(staff).post("/api/reminders/subscriptions", {"results": answers})
    assert r.status == 200, r
    return {s["template_id"]: s for s in r.data}


def strict(fake_wechat, openid, template=TEMPLATE, count=1, long_term=False):
    """The fake checks allowances like WeChat does (the shared default accepts everything)."""
    fake_wechat.set_auto_subscribe(False)
    fake_wechat.subscribe(openid, template, count=count, long_term=long_term)


def test_a_send_uses_one_time_allowance_then_the_inbox_only(api, org, server, fake_wechat):
    set_template(server, "approval.result", TEMPLATE,
                 fields={"thing1": "title", "thing2": "body", "time3": "created_at",
                         "phrase4": "=已办结"}, page="pages/approvals/detail/index")
    openid = bind(server, org.office_1)
    strict(fake_wechat, openid, count=1)
    assert subscribe(api, org.office_1, {TEMPLATE: "accept"})[TEMPLATE]["one_time"] == 1
    inst = submit(server, org.office_1, summary="年休假 3 天")
    leader = api.as_(org.office_leader)
    assert leader.post(f"/api/approvals/{inst['id']}/actions", {"action": "approve"}).status == 200
    data = tick(api)
    assert data["published"] >= 1
    sent = fake_wechat.sent_messages()
    assert len(sent) == 1
    msg = sent[0]
    assert msg["touser"] == openid and msg["template_id"] == TEMPLATE
    assert msg["page"] == "pages/approvals/detail/index"
    assert msg["data"]["thing1"]["value"] == "测试申请已通过" and msg["data"]["phrase4"]["value"] == "已办结"
    assert "年" in msg["data"]["time3"]["value"] and msg["data"]["thing2"]["value"] == "年休假 3 天"
    row, = outbox(server)
    assert row.status == "sent" and row.msgid == str(msg["msgid"]) and row.attempts == 1
    assert [a.outcome for a in attempts(server, row.id)] == ["sent"]
    n = server.run(Notification.aget(Notification.id == row.notification_id))
    assert n.wechat_status == "sent"
    # The one-time allowance is used up: the next notice stays in the inbox, recorded as skipped.
    notice(server, org.office_1, kind="approval.result")
    tick(api)
    assert len(fake_wechat.sent_messages()) == 1
    last = outbox(server)[-1]
    assert last.status == "skipped" and "无订阅额度" in last.last_error
    inbox = api.as_(org.office_1).get("/api/messages").data
    assert len(inbox) == 2
    mine = api.as_(org.office_1).get("/api/reminders/settings").data
    assert mine["subscriptions"][0]["one_time"] == 0 and mine["bound"] is True


def test_long_term_subscription_sends_repeatedly(api, org, server, fake_wechat):
    set_template(server, "test.notice", TEMPLATE, long_term=True)
    openid = bind(server, org.office_1)
    strict(fake_wechat, openid, count=0, long_term=True)
    assert subscribe(api, org.office_1, {TEMPLATE: "accept"})[TEMPLATE]["long_term"] is True
    for i in range(3):
        notice(server, org.office_1, title=f"提醒 {i}")
    tick(api)
    assert [m["data"]["thing1"]["value"] for m in fake_wechat.sent_messages()] == ["提醒 0", "提醒 1", "提醒 2"]
    assert {r.status for r in outbox(server)} == {"sent"}
    # Unknown templates are refused; a later "reject" withdraws the long-term allowance.
    r = api.as_(org.office_1).post("/api/reminders/subscriptions", {"results": {"nope": "accept"}})
    assert r.status == 422 and r.code == "TEMPLATE_UNKNOWN"
    assert subscribe(api, org.office_1, {TEMPLATE: "reject"})[TEMPLATE]["long_term"] is False
    notice(server, org.office_1)
    tick(api)
    assert len(fake_wechat.sent_messages()) == 3 and outbox(server)[-1].status == "skipped"


def test_refusal_zeroes_the_allowance_and_is_not_retried(api, org, server, fake_wechat):
    set_template(server, "test.notice", TEMPLATE, long_term=True)
    openid = bind(server, org.office_1)
    subscribe(api, org.office_1, {TEMPLATE: "accept"})
    strict(fake_wechat, openid, count=0)    # switched off in WeChat's own settings since: 43101
    notice(server, org.office_1)
    tick(api)
    row, = outbox(server)
    assert row.status == "refused" and row.last_errcode == 43101
    sub = server.run(Subscription.aget(Subscription.staff == org.office_1.id))
    assert sub.long_term is False and sub.one_time == 0 and sub.rejected_at is not None
    tick(api, later(120))
    assert [a.outcome for a in attempts(server, row.id)] == ["refused"]
    assert server.run(Notification.aget(Notification.id == row.notification_id)).wechat_status == "refused"


def test_transient_failures_are_retried_with_backoff_then_sent(api, org, server, fake_wechat):
    set_template(server, "test.notice", TEMPLATE)
    bind(server, org.office_1)
    subscribe(api, org.office_1, {TEMPLATE: "accept"})
    fake_wechat.fail(-1)
    fake_wechat.fail(45009)
    notice(server, org.office_1)
    tick(api)
    row, = outbox(server)
    assert row.status == "retry" and row.last_errcode == -1
    first_retry = row.next_attempt_at
    tick(api)                                   # not yet due: nothing happens
    assert outbox(server)[0].attempts == 1
    tick(api, later(1))                         # 30 s backoff passed: 45009, longer backoff
    row, = outbox(server)
    assert row.status == "retry" and row.last_errcode == 45009 and row.next_attempt_at > first_retry
    tick(api, later(3))
    row, = outbox(server)
    assert row.status == "sent"
    assert [(a.outcome, a.errcode) for a in attempts(server, row.id)] == [
        ("retry", -1), ("retry", 45009), ("sent", None)]
    assert len(fake_wechat.sent_messages()) == 1
    # The allowance was taken once, for the send that worked.
    assert server.run(Subscription.aget(Subscription.staff == org.office_1.id)).one_time == 0


def test_bad_data_is_recorded_for_the_admin_without_retry(api, org, server, fake_wechat):
    set_template(server, "test.notice", TEMPLATE)
    bind(server, org.office_1)
    subscribe(api, org.office_1, {TEMPLATE: "accept"})
    fake_wechat.fail(47003)
    notice(server, org.office_1)
    tick(api)
    tick(api, later(120))
    row, = outbox(server)
    assert row.status == "failed" and row.last_errcode == 47003 and "模板参数" in row.last_error
    assert len(attempts(server, row.id)) == 1
    # The allowance was not spent by a message WeChat never accepted.
    assert server.run(Subscription.aget(Subscription.staff == org.office_1.id)).one_time == 1


def test_too_long_values_are_cut_to_wechat_limits_not_rejected(api, org, server, fake_wechat):
    set_template(server, "test.notice", TEMPLATE,
                 fields={"thing1": "title", "phrase2": "data.result", "name3": "data.who",
                         "number4": "data.days", "character_string5": "data.no", "date6": "data.day"})
    bind(server, org.office_1)
    subscribe(api, org.office_1, {TEMPLATE: "accept"})
    title = "关于二〇二五年度第一季度目标任务完成情况的自评与部门评分提醒"
    notice(server, org.office_1, title=title,
           data={"result": "已通过（附条件）", "who": "欧阳娜娜娜娜娜娜娜娜娜娜", "days": "共 3.5 天",
                 "no": "QJ-2025-0001-ABCDEFGHIJKLMNOPQRSTUVWXYZ", "day": "2025-02-05"})
    tick(api)
    msg, = fake_wechat.sent_messages()     # the fake answers 47003 for any value past its limit
    values = {k: v["value"] for k, v in msg["data"].items()}
    assert len(values["thing1"]) == 20 and values["thing1"].endswith("…")
    assert values["thing1"][:19] == title[:19]
    assert values["phrase2"] == "已通过附条"[:5] and len(values["phrase2"]) <= 5
    assert len(values["name3"]) <= 10 and values["number4"] == "3.5"
    assert len(values["character_string5"]) == 32 and values["date6"] == "2025年02月05日"
    assert delivery.field_value("thing9", "") == "-"     # never empty


def test_redis_down_then_back_the_outbox_drains(api, org, server, fake_wechat):
    set_template(server, "test.notice", TEMPLATE)
    bind(server, org.office_1)
    subscribe(api, org.office_1, {TEMPLATE: "accept"})
    live = server.env.redis
    dead = aioredis.from_url("redis://127.0.0.1:1/0", decode_responses=True,
                             socket_connect_timeout=0.2)
    server.env.redis = dead
    try:
        notice(server, org.office_1)          # the change and its outbox row commit without Redis
        failed = None
        try:
            server.run(delivery.drain(server.env, worker="w1"))
        except Exception as exc:              # the loop logs this and tries again
            failed = exc
        assert failed is not None
        row, = outbox(server)
        assert row.status == "pending" and row.published_at is None
    finally:
        server.env.redis = live
        server.run(dead.aclose())
    data = tick(api)
    assert data["published"] == 1
    assert outbox(server)[0].status == "sent" and len(fake_wechat.sent_messages()) == 1


def test_entries_left_by_a_dead_worker_are_claimed_and_sent_once(api, org, server, fake_wechat):
    set_template(server, "test.notice", TEMPLATE)
    bind(server, org.office_1)
    subscribe(api, org.office_1, {TEMPLATE: "accept"})
    notice(server, org.office_1)
    env = server.env

    async def dead_worker_reads():
        await delivery.ensure_group(env)
        await delivery.publish_due(env)
        row = (await fetch_all(delivery.Outbox.select()))[0]
        await env.redis.xadd(delivery.stream_name(env), {"outbox": str(row.id)})   # a duplicate
        # Worker "dead" reads both entries and dies before sending or acking.
        return await env.redis.xreadgroup(delivery.GROUP, "dead", {delivery.stream_name(env): ">"},
                                          count=10)
    read = server.run(dead_worker_reads())
    assert len(read[0][1]) == 2
    assert tick(api)["handled"] == 0                 # still owned by "dead", not yet idle
    data = tick(api, idle_ms=0)                      # idle past the threshold: XAUTOCLAIM
    assert data["handled"] == 2
    assert len(fake_wechat.sent_messages()) == 1     # two entries, one send
    row, = outbox(server)
    assert row.status == "sent" and len(attempts(server, row.id)) == 1
    pending = server.run(env.redis.xpending(delivery.stream_name(env), delivery.GROUP))
    assert pending["pending"] == 0


def test_people_without_wechat_or_who_opted_out_are_skipped(api, org, server, fake_wechat):
    set_template(server, "test.notice", TEMPLATE)
    notice(server, org.office_2)                     # never bound
    bind(server, org.office_1)
    subscribe(api, org.office_1, {TEMPLATE: "accept"})
    r = api.as_(org.office_1).put("/api/reminders/settings", {"wechat": False})
    assert r.status == 200 and r.data["wechat"] is False
    notice(server, org.office_1)
    tick(api)
    rows = outbox(server)
    assert [(r.staff_id, r.status) for r in rows] == [(org.office_2.id, "skipped"), (org.office_1.id, "skipped")]
    assert "未绑定微信" in rows[0].last_error and "关闭" in rows[1].last_error
    assert fake_wechat.sent_messages() == []
