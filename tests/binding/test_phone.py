"""Binding by the WeChat-verified phone: success, each conflict, tickets, masking at rest."""
from tests.binding.flows import audit_rows, bind_phone, expire_ticket, staff_row, ticket_for
from tests.support import Client


def test_bind_by_phone_signs_in_and_audits(api, f, org, fake_wechat, server):
    s = f.staff(org.a_fin, "王五", phone="13611112222", id_no="110101199003071234")
    ticket = ticket_for(api, fake_wechat, "o-wang")
    r = bind_phone(api, fake_wechat, ticket, "13611112222")
    assert r.status == 200, r
    assert r.data["status"] == "bound" and r.data["me"]["id"] == s.id
    assert r.data["me"]["wechat_bound"] is True
    assert staff_row(server, s.id).openid == "o-wang"
    entry = audit_rows(server, "binding.bind")[-1]
    assert entry.actor == s.id and entry.target_id == str(s.id)
    assert entry.after["method"] == "phone" and entry.after["phone_masked"] == "136****2222"
    assert "13611112222" not in str(entry.after) and "o-wang" not in str(entry.after)
    # The ticket is spent; the next WeChat login is "bound".
    assert bind_phone(api, fake_wechat, ticket, "13611112222").code == "TICKET_EXPIRED"
    again = Client(server.base_url)
    from tests.binding.flows import wx_login
    assert wx_login(again, fake_wechat, "o-wang").data["status"] == "bound"


def test_me_is_masked_and_the_row_holds_ciphertext_only(api, f, org, fake_wechat, server):
    s = f.staff(org.a_fin, "赵六", phone="13611113333", id_no="110101199003071234")
    ticket = ticket_for(api, fake_wechat, "o-zhao")
    token = bind_phone(api, fake_wechat, ticket, "13611113333").data["token"]
    me = Client(server.base_url, token=token).get("/api/me")
    assert me.data["phone_masked"] == "136****3333"
    assert me.data["id_no_masked"] == "110101********1234"
    assert "13611113333" not in me.raw.text and "110101199003071234" not in me.raw.text
    row = staff_row(server, s.id)
    assert "13611113333" not in row.phone_enc and "1101011990" not in row.id_no_enc
    assert row.phone_enc.count(":") == 2 and len(row.phone_hash) == 64
    assert server.env.cipher.decrypt(row.phone_enc) == "13611113333"


def test_conflict_phone_bound_elsewhere(api, f, org, fake_wechat, server):
    s = f.staff(org.a_fin, "李四", phone="13622220000", openid="o-old-phone")
    ticket = ticket_for(api, fake_wechat, "o-new-phone")
    r = bind_phone(api, fake_wechat, ticket, "13622220000")
    assert (r.status, r.code) == (409, "BINDING_PHONE_BOUND_ELSEWHERE")
    assert r.error["fields"] == {"conflict": "bound_elsewhere", "phone_masked": "136****0000"}
    assert staff_row(server, s.id).openid == "o-old-phone"


def test_conflict_phone_ambiguous(api, f, org, fake_wechat):
    f.staff(org.a_fin, "甲", phone="13633330000")
    f.staff(org.b_office, "乙", phone="13633330000")
    f.staff(org.b_office, "退休者", phone="13644440000", status="retired")
    ticket = ticket_for(api, fake_wechat, "o-amb")
    r = bind_phone(api, fake_wechat, ticket, "13633330000")
    assert (r.status, r.code) == (409, "BINDING_PHONE_AMBIGUOUS")
    assert r.error["fields"] == {"conflict": "ambiguous", "phone_masked": "136****0000"}
    # Only active records count: a retired holder of the number is no match.
    r = bind_phone(api, fake_wechat, ticket, "13644440000")
    assert (r.status, r.code) == (409, "BINDING_NO_RECORD")


def test_conflict_no_record(api, org, fake_wechat):
    ticket = ticket_for(api, fake_wechat, "o-none")
    r = bind_phone(api, fake_wechat, ticket, "13655550000")
    assert (r.status, r.code) == (409, "BINDING_NO_RECORD")
    assert r.error["fields"] == {"conflict": "no_record", "phone_masked": "136****0000"}


def test_expired_or_unknown_ticket_is_401(api, org, fake_wechat, server):
    ticket = ticket_for(api, fake_wechat, "o-late")
    expire_ticket(server, ticket)
    r = bind_phone(api, fake_wechat, ticket, "13800000001")
    assert (r.status, r.code) == (401, "TICKET_EXPIRED")
    r = bind_phone(api, fake_wechat, "made-up", "13800000001")
    assert (r.status, r.code) == (401, "TICKET_EXPIRED")


def test_phone_code_errors(api, org, fake_wechat):
    ticket = ticket_for(api, fake_wechat, "o-pc")
    r = api.post("/api/binding/phone", {"ticket": ticket, "phone_code": "bogus"})
    assert (r.status, r.code) == (400, "WECHAT_CODE_INVALID")
    assert api.post("/api/binding/phone", {"ticket": ticket, "phone_code": "fakephone:13800000001"}).status == 200
    ticket = ticket_for(api, fake_wechat, "o-pc2")
    r = api.post("/api/binding/phone", {"ticket": ticket, "phone_code": "fakephone:13800000001"})
    assert (r.status, r.code) == (409, "WECHAT_CODE_USED")


def test_wechat_already_bound_to_another_record_cannot_bind_twice(api, f, org, fake_wechat, server):
    # A WeChat bound to a record that has since retired gets a ticket, but cannot take a second record.
    f.staff(org.a_fin, "已退休", status="retired", openid="o-twice")
    f.staff(org.a_fin, "新记录", phone="13666660000")
    ticket = ticket_for(api, fake_wechat, "o-twice")
    r = bind_phone(api, fake_wechat, ticket, "13666660000")
    assert (r.status, r.code) == (409, "BINDING_WECHAT_IN_USE")
