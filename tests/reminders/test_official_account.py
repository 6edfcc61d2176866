"""Official-account (公众号) template messages against the fake WeChat server: the unionid learned at
sign-in, the follower sync (user/get paging, user/info/batchget), the fallback when a person has
no subscribe-message allowance, exactly once, 43004 (left the account), -1 then success, the
subscribe message still first when allowed, another unit's account never used."""
import datetime

from models.base import fetch_all
from models.notify import Notification
from models.reminders import OaFollower, OfficialAccount, StaffUnion
from services import official_account
from tests.binding.flows import _codes
from tests.reminders.helpers import attempts, bind, outbox, set_template, tick
from tests.reminders.test_delivery import notice, strict, subscribe

OA_APPID, OA_SECRET = "wxoa-unit-a", "oa-secret-a"
OA_TEMPLATE = "OA-TMPL-RESULT"
SEND = "/cgi-bin/message/template/send"


def later(minutes):
    moment = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))
    return (moment + datetime.timedelta(minutes=minutes)).replace(microsecond=0).isoformat()


def login(api, fake, openid, unionid):
    code = f"oa-code-{next(_codes)}"
    fake.add_login_code(code, openid, unionid=unionid)
    r = api.post("/api/auth/wechat", {"code": code})
    assert r.status == 200 and r.data["status"] == "bound", r
    return r


def setup_account(server, f, unit, fake, appid=OA_APPID, secret=OA_SECRET):
    """The unit's account through the service, as the console saves it (a unit-scoped admin)."""
    fake.add_app(appid, secret)
    fake.oa_add_template(appid, OA_TEMPLATE)
    admin = f.admin("system")

    async def go():
        from services.access import load_principal
        actor = await load_principal(admin.staff.id)
        return await official_account.save_account(
            env=server.env, actor=actor, unit_id=unit.id, appid=appid, secret=secret,
            name="示范公众号",
            templates='{"approval.result": {"template_id": "%s", "fields": '
                      '{"thing1": "title", "time2": "created_at"}}}' % OA_TEMPLATE)
    return server.run(go())


def test_unionid_is_kept_as_a_hash_at_sign_in(api, org, server, fake_wechat):
    openid = bind(server, org.office_1)
    login(api, fake_wechat, openid, "UnionID-Office-1")
    row, = server.run(fetch_all(StaffUnion.select()))
    assert row.staff_id == org.office_1.id
    assert "UnionID" not in row.unionid_hash and len(row.unionid_hash) == 64
    assert row.unionid_hash == official_account.unionid_hash(server.env, "UnionID-Office-1")
    # Case matters (the phone's blind index upper-cases; a unionid must not).
    assert row.unionid_hash != official_account.unionid_hash(server.env, "UNIONID-OFFICE-1")
    # Without a unionid (no open-platform account) nothing is stored and the sign-in works.
    openid2 = bind(server, org.office_2)
    login(api, fake_wechat, openid2, None)
    assert len(server.run(fetch_all(StaffUnion.select()))) == 1


def test_follower_sync_pages_and_the_oa_sends_once_when_no_allowance(api, org, f, server,
                                                                      fake_wechat):
    account_id = setup_account(server, f, org.a, fake_wechat)
    row = server.run(OfficialAccount.aget(OfficialAccount.id == account_id))
    assert row.secret_enc and OA_SECRET not in row.secret_enc
    set_template(server, "approval.result", "tmpl-notice", fields={"thing1": "title"})
    openid = bind(server, org.office_1)
    login(api, fake_wechat, openid, "U-office-1")
    fake_wechat.oa_set_page_size(2)
    for i in range(4):
        fake_wechat.oa_follow(OA_APPID, f"oa-other-{i}", f"U-other-{i}")
    fake_wechat.oa_follow(OA_APPID, "oa-office-1", "U-office-1")
    fake_wechat.oa_follow(OA_APPID, "oa-no-union", None)
    fake_wechat.set_auto_subscribe(False)   # no subscribe-message allowance at all
    tick(api)   # the follower sync runs under the lease (never synced before)
    followers = server.run(fetch_all(OaFollower.select().where(OaFollower.account == account_id)))
    assert len(followers) == 6 and fake_wechat.stats()["calls"]["/cgi-bin/user/get"] >= 3
    mine = [r for r in followers if r.openid == "oa-office-1"]
    assert mine and mine[0].unionid_hash == official_account.unionid_hash(server.env, "U-office-1")
    notice(server, org.office_1, kind="approval.result", title="请假申请已通过")
    tick(api)
    tick(api)
    sent = fake_wechat.sent_template_messages()
    assert len(sent) == 1 and not fake_wechat.sent_messages()
    msg = sent[0]
    assert msg["appid"] == OA_APPID and msg["touser"] == "oa-office-1"
    assert msg["template_id"] == OA_TEMPLATE and msg["data"]["thing1"]["value"] == "请假申请已通过"
    assert msg["miniprogram"]["appid"] == server.env.wechat.appid
    assert msg["miniprogram"]["pagepath"] == "pages/messages/index"
    out, = outbox(server)
    assert out.status == "sent" and out.channel == "oa" and out.msgid == str(msg["msgid"])
    assert [a.outcome for a in attempts(server, out.id)] == ["sent"]
    assert len(api.as_(org.office_1).get("/api/messages").data) == 1   # the inbox has it too


def test_left_the_account_transient_then_sent_and_subscribe_first(api, org, f, server, fake_wechat):
    setup_account(server, f, org.a, fake_wechat)
    openid = bind(server, org.office_1)
    login(api, fake_wechat, openid, "U-office-1")
    fake_wechat.oa_follow(OA_APPID, "oa-office-1", "U-office-1")
    fake_wechat.set_auto_subscribe(False)
    tick(api)
    # -1 (busy): retried later, then sent once.
    fake_wechat.fail(-1, path=SEND)
    notice(server, org.office_1, kind="approval.result")
    tick(api)
    row, = outbox(server)
    assert row.status == "retry" and row.last_errcode == -1 and row.channel == "oa"
    tick(api, now=later(10))
    row, = outbox(server)
    assert row.status == "sent" and row.attempts == 2
    assert [a.outcome for a in attempts(server, row.id)] == ["retry", "sent"]
    assert len(fake_wechat.sent_template_messages()) == 1
    # The subscribe message goes first while the person has an allowance for it.
    set_template(server, "approval.result", "tmpl-notice", fields={"thing1": "title"})
    strict(fake_wechat, openid, template="tmpl-notice", count=1)
    subscribe(api, org.office_1, {"tmpl-notice": "accept"})
    notice(server, org.office_1, kind="approval.result")
    tick(api, now=later(20))
    assert len(fake_wechat.sent_messages()) == 1 and len(fake_wechat.sent_template_messages()) == 1
    assert outbox(server)[-1].channel == "subscribe"
    # They left the account: 43004, no retry, and they are marked as not following.
    fake_wechat.oa_unfollow(OA_APPID, "oa-office-1")
    notice(server, org.office_1, kind="approval.result")
    tick(api, now=later(30))
    last = outbox(server)[-1]
    assert last.status == "failed" and last.last_errcode == 43004 and "未关注" in last.last_error
    follower = server.run(OaFollower.aget(OaFollower.openid == "oa-office-1"))
    assert follower.subscribed is False
    notice(server, org.office_1, kind="approval.result")
    tick(api, now=later(40))
    last = outbox(server)[-1]
    assert last.status == "skipped" and "未关注单位公众号" in last.last_error
    assert len(fake_wechat.sent_template_messages()) == 1


def test_another_units_account_is_never_used(api, org, f, server, fake_wechat):
    setup_account(server, f, org.a, fake_wechat)
    person = org.b_office_1
    openid = bind(server, person)
    login(api, fake_wechat, openid, "U-b-person")
    # Even following unit A's account, a person of unit B is not reached through it.
    fake_wechat.oa_follow(OA_APPID, "oa-b-person", "U-b-person")
    fake_wechat.set_auto_subscribe(False)
    tick(api)
    notice(server, person, kind="approval.result")
    tick(api)
    assert not fake_wechat.sent_template_messages()
    # Unit B has no account: no outbox row at all, the notice is in-app only.
    assert outbox(server) == []
    n, = server.run(fetch_all(Notification.select().where(Notification.recipient == person.id)))
    assert n.wechat_status == "none"
    assert len(api.as_(person).get("/api/messages").data) == 1


def _signed(server, appid, **extra):
    import hashlib
    import time

    timestamp, nonce = str(int(time.time())), "n0nce"
    token = official_account.callback_token(server.env, appid)
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    return {"signature": signature, "timestamp": timestamp, "nonce": nonce, **extra}


def _event(openid, event):
    return (f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event></xml>").encode()


def test_the_accounts_callback_follows_and_unfollows_at_once(api, org, f, server, fake_wechat):
    import urllib.parse

    import requests

    setup_account(server, f, org.a, fake_wechat)
    openid = bind(server, org.office_1)
    login(api, fake_wechat, openid, "U-office-1")
    fake_wechat.set_auto_subscribe(False)
    url = server.base_url.rstrip("/") + f"/wechat/oa/{OA_APPID}"

    def call(method, params, body=None):
        return requests.request(method, url + "?" + urllib.parse.urlencode(params), data=body,
                                timeout=10)

    # The URL check: echostr back with a good signature; refused otherwise.
    r = call("GET", _signed(server, OA_APPID, echostr="e-123"))
    assert r.status_code == 200 and r.text == "e-123"
    bad = _signed(server, OA_APPID, echostr="e-123")
    bad["signature"] = "0" * 40
    assert call("GET", bad).status_code == 403
    stale = _signed(server, OA_APPID)
    stale["timestamp"] = "1000000000"
    assert call("GET", stale).status_code == 403
    assert requests.get(server.base_url.rstrip("/") + "/wechat/oa/wx-nobody?signature=x",
                        timeout=10).status_code == 404
    # A subscribe event: the new follower's unionid is asked for at once; a notice goes out.
    fake_wechat.oa_follow(OA_APPID, "oa-office-1", "U-office-1")
    r = call("POST", _signed(server, OA_APPID), _event("oa-office-1", "subscribe"))
    assert r.status_code == 200 and r.text == "success"
    row = server.run(OaFollower.aget(OaFollower.openid == "oa-office-1"))
    assert row.subscribed and row.unionid_hash == official_account.unionid_hash(server.env, "U-office-1")
    notice(server, org.office_1, kind="approval.result")
    tick(api)
    assert len(fake_wechat.sent_template_messages()) == 1
    # Forged (bad signature), malformed, entity-laden: refused, nothing changes.
    forged = _signed(server, OA_APPID)
    forged["nonce"] = "other"
    assert call("POST", forged, _event("oa-office-1", "unsubscribe")).status_code == 403
    assert call("POST", _signed(server, OA_APPID), b"<xml><oops").status_code == 400
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Event>&a;</Event></xml>'
    assert call("POST", _signed(server, OA_APPID), bomb).status_code == 400
    assert server.run(OaFollower.aget(OaFollower.openid == "oa-office-1")).subscribed is True
    # Unsubscribe: not reachable through the account from now on (no 43004 needed).
    assert call("POST", _signed(server, OA_APPID), _event("oa-office-1", "unsubscribe")).status_code == 200
    assert server.run(OaFollower.aget(OaFollower.openid == "oa-office-1")).subscribed is False
    notice(server, org.office_1, kind="approval.result")
    tick(api)
    assert len(fake_wechat.sent_template_messages()) == 1
    assert "未关注单位公众号" in outbox(server)[-1].last_error


def test_a_failed_sync_is_tried_again_after_half_an_hour(api, org, f, server, fake_wechat):
    account_id = setup_account(server, f, org.a, fake_wechat, appid="wxoa-later",
                               secret="right-secret")
    fake_wechat.add_app("wxoa-later", "another-secret")   # WeChat refuses our secret: 40125
    fake_wechat.oa_follow("wxoa-later", "oa-x", "U-x")
    sources = ["official_account.followers"]
    tick(api, later(0), sources=sources)
    row = server.run(OfficialAccount.aget(OfficialAccount.id == account_id))
    assert "同步关注者失败" in row.last_sync_error and row.followers == 0
    fake_wechat.add_app("wxoa-later", "right-secret")
    tick(api, later(10), sources=sources)
    assert server.run(OfficialAccount.aget(OfficialAccount.id == account_id)).followers == 0
    tick(api, later(31), sources=sources)
    row = server.run(OfficialAccount.aget(OfficialAccount.id == account_id))
    assert row.followers == 1 and row.last_sync_error == ""
    # Synced: the next one is due six hours later, not on every tick.
    calls = fake_wechat.stats()["calls"]["/cgi-bin/user/get"]
    tick(api, later(120), sources=sources)
    assert fake_wechat.stats()["calls"]["/cgi-bin/user/get"] == calls
    tick(api, later(31 + 6 * 60), sources=sources)
    assert fake_wechat.stats()["calls"]["/cgi-bin/user/get"] == calls + 1
