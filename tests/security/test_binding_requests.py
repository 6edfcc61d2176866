"""Binding requests that could hand an account to a stranger (issue 9, high): what was verified
is stated, an unverified rebind needs a second proof, unit-less requests reach only all-units
checkers, and correcting a record keeps one phone on one active record."""
import pytest

from tests.admin.console import Console
from tests.binding.flows import audit_rows, bind_phone, file_request, staff_row, ticket_for, wx_login


@pytest.fixture
def victim(f, org):
    return f.staff(org.a_fin, "受害人", employee_no="A-VIC", phone="13600001111", openid="o-victim")


def test_unverified_request_cannot_be_rebound_without_a_second_proof(api, f, org, victim, server,
                                                                       fake_wechat):
    # The stranger skips the phone step and claims "bound elsewhere" with the victim's number.
    ticket = ticket_for(api, fake_wechat, "o-stranger")
    r = file_request(api, ticket, "bound_elsewhere", name="受害人", employee_no="A-VIC")
    assert r.status == 201 and r.data["verified"] == "none"
    req = r.data
    checker = api.as_(org.a_checker)
    detail = checker.get(f"/api/binding/requests/{req['id']}").data
    assert detail["verified"] == "none" and detail["verified_label"].startswith("未验证")
    assert detail["staff"]["id"] == victim.id and detail["staff"]["phone_matches_applicant"] is False
    assert detail["proofs"] == []
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve", {"action": "rebind"})
    assert (r.status, r.code) == (409, "BINDING_PROOF_REQUIRED")
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve",
                     {"action": "rebind", "proof": "hr_confirmed"})
    assert (r.status, r.code) == (409, "BINDING_PROOF_MISSING")
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve",
                     {"action": "correct_record", "phone": "13699998888"})
    assert (r.status, r.code) == (409, "BINDING_PROOF_REQUIRED")
    assert staff_row(server, victim.id).openid == "o-victim"
    assert wx_login(api, fake_wechat, "o-stranger").data["status"] == "unbound"
    # HR's confirmation (another person than the checker) is the second proof; audited.
    hr = api.as_(org.a_hr_officer)
    r = hr.post(f"/api/binding/requests/{req['id']}/confirm",
                {"staff_id": victim.id, "note": "本人持身份证到人事科核实"})
    assert r.status == 201, r
    proof = audit_rows(server, "binding.proof")[-1]
    assert proof.actor == org.a_hr_officer.id and proof.after["kind"] == "hr_confirmed"
    # HR of another unit cannot confirm for bureau A's record or request.
    r = api.as_(org.b_hr_officer).post(f"/api/binding/requests/{req['id']}/confirm",
                                       {"staff_id": victim.id, "note": "x"})
    assert r.status == 404
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve",
                     {"action": "rebind", "proof": "hr_confirmed"})
    assert r.status == 200, r
    entry = audit_rows(server, "binding.resolve")[-1]
    assert entry.after["verified"] == "none" and entry.after["proof"]["kind"] == "hr_confirmed"
    assert entry.after["proof"]["confirmed_by"] == org.a_hr_officer.id
    assert wx_login(api, fake_wechat, "o-stranger").data["me"]["id"] == victim.id


def test_a_checker_cannot_confirm_for_themselves(api, f, org, victim, fake_wechat):
    both = f.staff(org.a_office, "兼任核验与人事", employee_no="A-BOTH")
    f.grant(both, "data_checker", "unit_tree", unit=org.a)
    f.grant(both, "hr_officer", "unit_tree", unit=org.a)
    ticket = ticket_for(api, fake_wechat, "o-stranger")
    req = file_request(api, ticket, "bound_elsewhere", name="受害人", employee_no="A-VIC").data
    c = api.as_(both)
    assert c.post(f"/api/binding/requests/{req['id']}/confirm",
                  {"staff_id": victim.id, "note": "自己确认"}).status == 201
    r = c.post(f"/api/binding/requests/{req['id']}/resolve",
               {"action": "rebind", "proof": "hr_confirmed"})
    assert (r.status, r.code) == (409, "BINDING_PROOF_MISSING")


def test_verified_phone_of_someone_else_is_no_proof(api, org, victim, server, fake_wechat):
    # The stranger verifies their own phone, then types the victim's employee number.
    ticket = ticket_for(api, fake_wechat, "o-stranger")
    assert bind_phone(api, fake_wechat, ticket, "13655550000").code == "BINDING_NO_RECORD"
    req = file_request(api, ticket, "no_record", name="受害人", employee_no="A-VIC").data
    assert req["verified"] == "wechat_phone"
    checker = api.as_(org.a_checker)
    for action in ("rebind", "correct_record"):
        r = checker.post(f"/api/binding/requests/{req['id']}/resolve", {"action": action})
        assert (r.status, r.code) == (409, "BINDING_PROOF_REQUIRED"), action
    assert staff_row(server, victim.id).openid == "o-victim"


def _console_by_qr(api, server, staff):
    """A console signed in the way a checker does it: scan the login QR with the mini-program."""
    console = Console(server.base_url)
    console.get("/admin/login")
    sid = console.post("/admin/login/qr").json()["data"]["sid"]
    phone = api.as_(staff)
    assert phone.post("/api/auth/qr-login/scan", {"sid": sid}).status == 200
    assert phone.post("/api/auth/qr-login/confirm", {"sid": sid}).status == 200
    assert console.get(f"/admin/login/qr/{sid}/poll").json()["data"]["state"] == "confirmed"
    return console


def test_console_shows_what_was_verified(api, org, victim, server, fake_wechat):
    ticket = ticket_for(api, fake_wechat, "o-stranger")
    req = file_request(api, ticket, "bound_elsewhere", name="受害人", employee_no="A-VIC").data
    console = _console_by_qr(api, server, org.a_checker)
    page = console.get(f"/admin/binding/{req['id']}")
    assert page.status_code == 200, page.text[:300]
    assert 'data-verified="none"' in page.text and "未验证" in page.text
    assert "不一致或未验证" in page.text
    # Resolving from the console without a proof is refused with the reason on the page.
    r = console.post(f"/admin/binding/{req['id']}", {"action": "rebind"})
    assert r.status_code == 409 and "须另有证明" in r.text
    assert staff_row(server, victim.id).openid == "o-victim"
    assert "未验证" in console.get("/admin/binding").text
    # HR records the confirmation in the console; the checker's page lists it.
    hr = _console_by_qr(api, server, org.a_hr_officer)
    r = hr.post(f"/admin/binding/{req['id']}/confirm", {"staff_id": victim.id, "note": "当面核实"})
    assert r.status_code == 302, r.text[:500]
    assert "人事专员已核实确认" in console.get(f"/admin/binding/{req['id']}").text
    r = console.post(f"/admin/binding/{req['id']}", {"action": "rebind", "proof": "hr_confirmed"})
    assert r.status_code == 302, r.text[:500]
    assert staff_row(server, victim.id).openid == "o-stranger"


def test_request_without_a_unit_reaches_only_all_units_checkers(api, f, org, fake_wechat):
    b_checker = f.staff(org.b_office, "乙核验员", employee_no="B-CHK")
    f.grant(b_checker, "data_checker", "unit_tree", unit=org.b)
    ticket = ticket_for(api, fake_wechat, "o-anyone")
    req = file_request(api, ticket, "no_record", name="路人").data
    for s in (org.a_checker, b_checker):
        c = api.as_(s)
        assert c.get("/api/binding/requests/queue").json["total"] == 0
        assert c.get(f"/api/binding/requests/{req['id']}").status == 404
        assert c.get("/api/messages").data == []
        r = c.post(f"/api/binding/requests/{req['id']}/resolve", {"action": "reject", "note": "x"})
        assert r.status == 404
    everything = f.staff(org.a_office, "总核验员", employee_no="ALL-CHK")
    f.grant(everything, "data_checker", "all")
    q = api.as_(everything).get("/api/binding/requests/queue")
    assert q.json["total"] == 1 and q.data[0]["id"] == req["id"]


def test_correct_record_refuses_a_phone_held_by_another_active_record(api, f, org, server,
                                                                     fake_wechat):
    one = f.staff(org.a_fin, "同号甲", employee_no="A-DUP1", phone="13633330000")
    two = f.staff(org.a_office, "同号乙", employee_no="A-DUP2", phone="13633330000")
    ticket = ticket_for(api, fake_wechat, "o-dup")
    assert bind_phone(api, fake_wechat, ticket, "13633330000").code == "BINDING_PHONE_AMBIGUOUS"
    req = file_request(api, ticket, "ambiguous", name="同号乙").data
    checker = api.as_(org.a_checker)
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve",
                     {"action": "correct_record", "staff_id": two.id})
    assert (r.status, r.code) == (409, "PHONE_TAKEN")
    # A phone of a third active person, typed by the checker: refused the same way.
    third = f.staff(org.a_fin, "第三人", phone="13644440000")
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve",
                     {"action": "correct_record", "staff_id": two.id, "phone": "13644440000"})
    assert r.code in ("PHONE_TAKEN", "BINDING_PROOF_REQUIRED")
    assert staff_row(server, two.id).openid is None and staff_row(server, one.id).openid is None
    assert staff_row(server, third.id).phone_hash == server.env.cipher.blind_index("13644440000")
