"""The three administrators' service accounts (三员) are out of reach of every WeChat path: no
invite, no binding, no rebind, no staff-API edit, no mini-program session, no QR console sign-in.
They sign in with password + TOTP only (issue 9, critical)."""
import time

import pytest

from tests.admin.console import Console
from tests.binding.flows import audit_rows, bind_phone, file_request, staff_row, ticket_for, wx_login


@pytest.fixture
def admins(f, org):
    """The three tiers, created the production way (services.admin_accounts) in bureau A."""
    return {tier: f.admin(tier, unit=org.a) for tier in ("system", "security", "audit")}


def _issued_invite(server, staff):
    """An invite row for `staff` as the old code would have issued it (to test the bind path)."""
    from models.binding import BindingInvite
    from services.binding import invite_text

    expiry = int(time.time()) + 3600

    async def go():
        import datetime
        await BindingInvite.acreate(
            staff=staff.id, nonce="legacy-nonce-0001", status="issued",
            expires_at=datetime.datetime.utcfromtimestamp(expiry))
    server.run(go())
    return invite_text(server.config.security.signing_key, staff.id, expiry, "legacy-nonce-0001")


def test_hr_officer_cannot_invite_or_see_an_administrator(api, org, admins, server):
    hr = api.as_(org.a_hr_officer)
    auditor = admins["audit"].staff
    r = hr.post(f"/api/staff/{auditor.id}/invite", {})
    assert (r.status, r.code) == (404, "STAFF_NOT_FOUND")
    assert hr.get(f"/api/staff/{auditor.id}/invite.png?invite=x").status == 404
    assert hr.get(f"/api/staff/{auditor.id}").status == 404
    assert audit_rows(server, "binding.invite") == []
    # Nor listed, searched or exported through the staff API.
    listed = hr.get("/api/staff?page_size=100&q=" + admins["audit"].username)
    assert listed.status == 200 and listed.json["total"] == 0
    everyone = hr.get("/api/staff?page_size=100").data
    assert not {a.staff.id for a in admins.values()} & {p["id"] for p in everyone}
    export = hr.get("/api/staff/export?format=csv")
    assert export.status == 200 and "安全审计员" not in export.raw.content.decode("utf-8-sig")


def test_system_administrator_cannot_invite_the_security_administrator(api, org, admins, server):
    console = Console(server.base_url).login(admins["system"])
    sec = admins["security"].staff
    r = console.post(f"/admin/staff/{sec.id}/invite")
    assert r.status_code == 404
    assert audit_rows(server, "binding.invite") == []
    # The system administrator still invites ordinary staff.
    r = console.post(f"/admin/staff/{org.fin_1.id}/invite")
    assert r.status_code == 200 and "扫码绑定" in r.text


def test_an_invite_for_an_administrator_never_binds(api, org, admins, server, fake_wechat):
    auditor = admins["audit"].staff
    text = _issued_invite(server, auditor)
    ticket = ticket_for(api, fake_wechat, "o-intruder")
    r = api.post("/api/binding/invite", {"ticket": ticket, "invite": text})
    assert (r.status, r.code) == (403, "SERVICE_ACCOUNT")
    assert staff_row(server, auditor.id).openid is None
    assert wx_login(api, fake_wechat, "o-intruder").data["status"] == "unbound"


def test_checker_cannot_rebind_a_request_onto_an_administrator(api, f, org, admins, server,
                                                                fake_wechat):
    ticket = ticket_for(api, fake_wechat, "o-stranger")
    assert bind_phone(api, fake_wechat, ticket, "13612340000").code == "BINDING_NO_RECORD"
    req = file_request(api, ticket, "no_record", name="某人",
                       employee_no=admins["security"].username).data
    # The typed employee number (an administrator's username) does not attach the request.
    checker = api.as_(org.a_checker)
    assert checker.get(f"/api/binding/requests/{req['id']}").status == 404
    req2 = file_request(api, ticket, "no_record", name="某人", employee_no="A-fin-1").data
    for action in ("rebind", "correct_record", "unbind"):
        r = checker.post(f"/api/binding/requests/{req2['id']}/resolve",
                         {"action": action, "staff_id": admins["security"].staff.id,
                          "proof": "hr_confirmed"})
        assert (r.status, r.code) == (404, "STAFF_NOT_FOUND"), (action, r)
    assert staff_row(server, admins["security"].staff.id).openid is None
    assert wx_login(api, fake_wechat, "o-stranger").data["status"] == "unbound"


def test_staff_api_cannot_edit_an_administrator_then_bind_by_phone(api, org, admins, server,
                                                                    fake_wechat):
    sec = admins["security"].staff
    for editor in (org.a_hr_officer,):
        r = api.as_(editor).patch(f"/api/staff/{sec.id}", {"phone": "13611112222"})
        assert (r.status, r.code) == (404, "STAFF_NOT_FOUND")
        for path, body in ((f"/api/staff/{sec.id}/retire", {"effective_date": "2026-01-01"}),
                           (f"/api/staff/{sec.id}/transfer",
                            {"department_id": org.a_fin.id, "effective_date": "2026-01-01"})):
            assert api.as_(editor).post(path, body).status == 404
    assert staff_row(server, sec.id).phone_hash is None
    # Through the console, the system administrator cannot either.
    console = Console(server.base_url).login(admins["system"])
    assert console.get(f"/admin/staff/{sec.id}").status_code == 404
    # Even with a phone on the record (set before the fix), binding by that phone finds nobody.
    from models.org import Staff
    cipher = server.env.cipher
    server.run(Staff.update(phone_enc=cipher.encrypt("13611112222"),
                            phone_hash=cipher.blind_index("13611112222")).where(
        Staff.id == sec.id).aexecute())
    ticket = ticket_for(api, fake_wechat, "o-taker")
    r = bind_phone(api, fake_wechat, ticket, "13611112222")
    assert (r.status, r.code) == (409, "BINDING_NO_RECORD")
    assert staff_row(server, sec.id).openid is None


def test_no_mini_program_session_for_an_administrator(api, org, admins, server, fake_wechat):
    auditor = admins["audit"].staff
    # Bound before the fix: the WeChat no longer signs in as the auditor.
    from models.org import Staff
    server.run(Staff.update(openid="o-old-bind").where(Staff.id == auditor.id).aexecute())
    r = wx_login(api, fake_wechat, "o-old-bind")
    assert (r.status, r.code) == (403, "SERVICE_ACCOUNT")
    assert "token" not in (r.data or {})
    r = api.post("/api/auth/dev", {"employee_no": admins["audit"].username})
    assert (r.status, r.code) == (403, "SERVICE_ACCOUNT")
    assert audit_rows(server, "auth.login") == []


def test_qr_console_sign_in_never_yields_an_administrator_tier(api, f, org, server):
    from services import admin_auth, qr_login

    # Anyone holding a tier role (here an ordinary record given one, as tests may) is refused.
    holder = f.staff(org.a_office, "持三员角色者", employee_no="A-TIER")
    f.grant(holder, "sec_auditor", "unit_tree", unit=org.a)
    sid = server.run(qr_login.create_qr_login(env=server.env))["sid"]
    phone = api.as_(holder)
    for step in ("scan", "confirm"):
        r = phone.post(f"/api/auth/qr-login/{step}", {"sid": sid})
        assert (r.status, r.code) == (403, "QR_LOGIN_NOT_ALLOWED"), r
    # A tier granted between the confirmation and the browser's poll still refuses.
    sid = server.run(qr_login.create_qr_login(env=server.env))["sid"]
    officer = f.staff(org.a_office, "后授三员者", employee_no="A-LATE")
    f.grant(officer, "data_checker", "unit_tree", unit=org.a)
    c = api.as_(officer)
    assert c.post("/api/auth/qr-login/scan", {"sid": sid}).status == 200
    assert c.post("/api/auth/qr-login/confirm", {"sid": sid}).status == 200
    f.grant(officer, "sec_auditor", "unit_tree", unit=org.a)
    polled = server.run(admin_auth.poll_qr_login(env=server.env, sid=sid, ip="1.2.3.4",
                                                 user_agent="t", request_id="r"))
    assert "token" not in polled and polled["state"] != "confirmed"


def test_administrators_still_sign_in_with_password_and_totp(server, admins):
    console = Console(server.base_url).login(admins["audit"])
    assert console.get("/admin/audit").status_code == 200


def test_a_session_issued_before_the_rule_ends_at_the_next_request(api, org, admins, server):
    """A mini-program session an administrator already held (issued by the old code) is refused
    on its next request, not honoured until it expires."""
    from services.sessions import create_session
    from tests.support import Client

    auditor = admins["audit"].staff
    token, _ = server.run(create_session(server.env.redis, staff_id=auditor.id, kind="mp",
                                         ttl_seconds=3600))
    old = Client(server.base_url, token=token)
    for path in ("/api/me", "/api/audit"):
        r = old.get(path)
        assert (r.status, r.code) == (401, "SERVICE_ACCOUNT"), (path, r)
