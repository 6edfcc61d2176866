"""Invite QR codes: issued in scope, signed, expiring, single use, newest only; PNG for printing."""
import datetime
import time
from urllib.parse import quote

from tests.binding.flows import audit_rows, file_request, staff_row, ticket_for, wx_login


def _issue(api, officer, staff):
    r = api.as_(officer).post(f"/api/staff/{staff.id}/invite")
    assert r.status == 201, r
    return r.data


def test_issue_and_bind_by_invite(api, org, fake_wechat, server):
    inv = _issue(api, org.a_hr_officer, org.fin_1)
    assert inv["invite"].startswith(f"mingjing://bind?i={org.fin_1.id}.")
    exp = datetime.datetime.fromisoformat(inv["expires_at"])
    assert 6.9 < (exp - datetime.datetime.now(datetime.timezone.utc)).total_seconds() / 86400 <= 7
    ticket = ticket_for(api, fake_wechat, "o-inv")
    r = api.post("/api/binding/invite", {"ticket": ticket, "invite": inv["invite"]})
    assert r.status == 200, r
    assert r.data["status"] == "bound" and r.data["me"]["id"] == org.fin_1.id
    assert staff_row(server, org.fin_1.id).openid == "o-inv"
    assert audit_rows(server, "binding.bind")[-1].after["method"] == "invite"
    assert audit_rows(server, "binding.invite")[-1].actor == org.a_hr_officer.id
    # Single use.
    ticket = ticket_for(api, fake_wechat, "o-inv2")
    r = api.post("/api/binding/invite", {"ticket": ticket, "invite": inv["invite"]})
    assert (r.status, r.code) == (409, "INVITE_USED")


def test_invite_png(api, org):
    inv = _issue(api, org.a_hr_officer, org.fin_1)
    officer = api.as_(org.a_hr_officer)
    r = officer.get(inv["png_url"])
    assert r.status == 200 and r.headers["Content-Type"] == "image/png"
    assert r.raw.content[:8] == b"\x89PNG\r\n\x1a\n"
    # Anonymous: 401; another unit's officer: 404; the invite of someone else: 400.
    assert api.get(inv["png_url"]).status == 401
    assert api.as_(org.b_hr_officer).get(inv["png_url"]).status == 404
    r = officer.get(f"/api/staff/{org.fin_2.id}/invite.png?invite={quote(inv['invite'], safe='')}")
    assert (r.status, r.code) == (400, "INVITE_INVALID")
    r = officer.get(f"/api/staff/{org.fin_1.id}/invite.png?invite=garbage")
    assert (r.status, r.code) == (400, "INVITE_INVALID")
    assert officer.get(f"/api/staff/{org.fin_1.id}/invite.png").status == 422


def test_invite_scope_and_permission(api, org):
    # Another unit's HR officer: 404 (no existence leak); a plain member of staff: 403.
    r = api.as_(org.b_hr_officer).post(f"/api/staff/{org.fin_1.id}/invite")
    assert (r.status, r.code) == (404, "STAFF_NOT_FOUND")
    r = api.as_(org.fin_2).post(f"/api/staff/{org.fin_1.id}/invite")
    assert (r.status, r.code) == (403, "PERMISSION_DENIED")
    # The data checker has no staff.invite.
    assert api.as_(org.a_checker).post(f"/api/staff/{org.fin_1.id}/invite").status == 403
    assert api.as_(org.a_hr_officer).post("/api/staff/999999/invite").status == 404


def test_new_invite_revokes_the_old_one(api, org, fake_wechat):
    old = _issue(api, org.a_hr_officer, org.fin_1)
    new = _issue(api, org.a_hr_officer, org.fin_1)
    ticket = ticket_for(api, fake_wechat, "o-rev")
    r = api.post("/api/binding/invite", {"ticket": ticket, "invite": old["invite"]})
    assert (r.status, r.code) == (410, "INVITE_REVOKED")
    assert api.post("/api/binding/invite", {"ticket": ticket, "invite": new["invite"]}).status == 200


def test_forged_and_malformed_invites(api, org, fake_wechat, server):
    inv = _issue(api, org.a_hr_officer, org.fin_1)["invite"]
    ticket = ticket_for(api, fake_wechat, "o-forge")
    prefix, sig = inv.rsplit(".", 1)
    id_part = prefix.split("=", 1)[1].split(".")
    tampered = [
        inv.replace(f"i={org.fin_1.id}.", f"i={org.a_head.id}."),        # another person
        prefix + "." + ("0" if sig[0] != "0" else "1") + sig[1:],         # signature
        f"mingjing://bind?i={id_part[0]}.{int(id_part[1]) + 86400}.{id_part[2]}.{sig}",  # expiry
        "mingjing://bind?i=1.2.3",
        "https://example.com",
        "",
    ]
    for text in tampered:
        r = api.post("/api/binding/invite", {"ticket": ticket, "invite": text})
        assert r.status in (400, 422), (text, r)
        if r.status == 400:
            assert r.code == "INVITE_INVALID", (text, r)
    assert staff_row(server, org.a_head.id).openid is None


def test_expired_invite(api, org, fake_wechat, server):
    from models.binding import BindingInvite
    from services.binding import invite_text

    expiry = int(time.time()) - 60
    server.run(BindingInvite.acreate(staff=org.fin_1.id, nonce="expired-nonce-1",
                                     expires_at=datetime.datetime(2020, 1, 1)))
    text = invite_text(server.config.security.signing_key, org.fin_1.id, expiry, "expired-nonce-1")
    ticket = ticket_for(api, fake_wechat, "o-exp")
    r = api.post("/api/binding/invite", {"ticket": ticket, "invite": text})
    assert (r.status, r.code) == (410, "INVITE_EXPIRED")
    # Signed with another key: invalid, not merely expired.
    forged = invite_text("some-other-key", org.fin_1.id, expiry, "expired-nonce-1")
    r = api.post("/api/binding/invite", {"ticket": ticket, "invite": forged})
    assert (r.status, r.code) == (400, "INVITE_INVALID")


def test_invite_record_bound_elsewhere_becomes_a_request(api, f, org, fake_wechat, server):
    rec = f.staff(org.a_fin, "孙九", phone="13655556666", openid="o-someone")
    inv = _issue(api, org.a_hr_officer, rec)
    ticket = ticket_for(api, fake_wechat, "o-sun")
    r = api.post("/api/binding/invite", {"ticket": ticket, "invite": inv["invite"]})
    assert (r.status, r.code) == (409, "BINDING_RECORD_BOUND_ELSEWHERE")
    assert r.error["fields"] == {"conflict": "record_bound_elsewhere", "phone_masked": "136****6666"}
    req = file_request(api, ticket, "record_bound_elsewhere", name="孙九").data
    assert req["conflict"] == "record_bound_elsewhere"
    checker = api.as_(org.a_checker)
    assert checker.get(f"/api/binding/requests/{req['id']}").data["staff"]["id"] == rec.id
    detail = checker.get(f"/api/binding/requests/{req['id']}").data
    assert detail["verified"] == "none" and [p["kind"] for p in detail["proofs"]] == ["invite"]
    # No phone was verified: the invite scanned with this WeChat is the proof, named explicitly.
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve", {"action": "rebind"})
    assert (r.status, r.code) == (409, "BINDING_PROOF_REQUIRED")
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve",
                     {"action": "rebind", "proof": "invite"})
    assert r.status == 200, r
    assert wx_login(api, fake_wechat, "o-sun").data["me"]["id"] == rec.id
    # The refused scan did not spend the invite; the resolution it allowed did.
    assert staff_row(server, rec.id).openid == "o-sun"
    assert audit_rows(server, "binding.resolve")[-1].after["proof"]["kind"] == "invite"
    from models.binding import BindingInvite
    assert server.run(BindingInvite.aget(BindingInvite.staff == rec.id)).status == "used"
