"""Unbinding my WeChat, token revocation and expiry, the home page."""
from tests.binding.flows import audit_rows, bind_phone, expire_session, staff_row, ticket_for, wx_login
from tests.support import Client


def _bound_client(api, f, org, fake, server, openid="o-me", phone="13612340000"):
    s = f.staff(org.a_fin, "本人", phone=phone, id_no="110101199003071234")
    ticket = ticket_for(api, fake, openid)
    r = bind_phone(api, fake, ticket, phone)
    assert r.status == 200, r
    return s, Client(server.base_url, token=r.data["token"])


def test_unbind_me_clears_openid_and_revokes_every_session(api, f, org, fake_wechat, server):
    s, phone1 = _bound_client(api, f, org, fake_wechat, server)
    phone1b = Client(server.base_url, token=wx_login(api, fake_wechat, "o-me").data["token"])
    r = phone1.post("/api/me/unbind")
    assert r.status == 200 and r.data == {"ok": True, "was_bound": True}
    assert staff_row(server, s.id).openid is None
    for client in (phone1, phone1b):
        r = client.get("/api/me")
        assert (r.status, r.code) == (401, "TOKEN_EXPIRED")
    entry = audit_rows(server, "binding.unbind")[-1]
    assert entry.actor == s.id and entry.before == {"openid": "o-me****"} and entry.after == {"openid": None}
    # The old WeChat is now unbound; the same person can bind a new phone's WeChat.
    assert wx_login(api, fake_wechat, "o-me").data["status"] == "unbound"
    ticket = ticket_for(api, fake_wechat, "o-new-phone")
    assert bind_phone(api, fake_wechat, ticket, "13612340000").data["me"]["id"] == s.id
    assert api.post("/api/me/unbind").status == 401


def test_logout_and_expired_token(api, f, org, fake_wechat, server):
    _, client = _bound_client(api, f, org, fake_wechat, server)
    assert client.get("/api/home").status == 200
    expire_session(server, client.token)
    r = client.get("/api/home")
    assert (r.status, r.code) == (401, "TOKEN_EXPIRED")
    # A fresh sign-in works, and logout revokes it.
    client.token = wx_login(api, fake_wechat, "o-me").data["token"]
    assert client.get("/api/me").status == 200
    assert client.post("/api/auth/logout").status == 200
    assert client.get("/api/me").status == 401


def test_home_cards(api, f, org, fake_wechat, server):
    from services import notify

    s, client = _bound_client(api, f, org, fake_wechat, server)
    r = client.get("/api/home")
    assert r.status == 200, r
    assert r.data["me"]["id"] == s.id and r.data["me"]["phone_masked"] == "136****0000"
    assert r.data["cards"].pop("attendance")["status"]  # filled by attendance (tests/attendance)
    assert r.data["cards"] == {
        "approvals": {"waiting": 0}, "goals": {"text": "暂无"}, "messages": {"unread": 0}}
    server.run(notify.raise_notification(recipient_ids=[s.id, org.fin_1.id], kind="test", title="你好"))
    assert client.get("/api/home").data["cards"]["messages"] == {"unread": 1}
    assert "13612340000" not in client.get("/api/home").raw.text
    assert api.get("/api/home").status == 401
