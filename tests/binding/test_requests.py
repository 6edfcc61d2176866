"""The closed loop: a conflict becomes a request, routed to the unit's data checkers within their
scope, with a one-working-day deadline; each resolution lets the applicant sign in."""
import datetime

import pytest

from tests.binding.flows import (audit_rows, bind_phone, file_request, staff_row, ticket_for,
                                 wx_login)
from tests.support import Client


@pytest.fixture
def b_checker(f, org):
    s = f.staff(org.b_office, "乙核验员", employee_no="B-CHK")
    f.grant(s, "data_checker", "unit_tree", unit=org.b)
    return s


def _conflict(api, fake, openid, phone, code):
    ticket = ticket_for(api, fake, openid)
    r = bind_phone(api, fake, ticket, phone)
    assert r.code == code, r
    return ticket


def test_bound_elsewhere_request_rebind_loop(api, f, org, fake_wechat, server, b_checker):
    holder = f.staff(org.a_fin, "李四", employee_no="A-LS", phone="13622220000", openid="o-old")
    old = Client(server.base_url)
    old_token = wx_login(old, fake_wechat, "o-old").data["token"]
    ticket = _conflict(api, fake_wechat, "o-new", "13622220000", "BINDING_PHONE_BOUND_ELSEWHERE")

    r = file_request(api, ticket, "bound_elsewhere", name="李四", note="换了新手机")
    assert r.status == 201, r
    req = r.data
    assert req["status"] == "open" and req["conflict"] == "bound_elsewhere"
    assert req["phone_masked"] == "136****0000" and req["overdue"] is False
    assert [s["text"] for s in req["steps"]][0] == "已提交绑定申请"
    assert "1 人" in req["steps"][1]["text"]
    assert datetime.datetime.fromisoformat(req["deadline_at"]) > datetime.datetime.fromisoformat(req["created_at"])

    # The applicant sees the progress with the ticket.
    mine = api.get(f"/api/binding/requests?ticket={ticket}")
    assert mine.status == 200 and [x["id"] for x in mine.data] == [req["id"]]
    assert "staff" not in mine.data[0]

    # Routed: unit A's checker is notified and sees it; unit B's checker sees nothing, 404 on the id.
    checker = api.as_(org.a_checker)
    msgs = checker.get("/api/messages")
    assert [m["kind"] for m in msgs.data] == ["binding.request"]
    assert msgs.data[0]["data"] == {"request_id": req["id"]}
    q = checker.get("/api/binding/requests/queue?status=open")
    assert q.status == 200 and q.json["total"] == 1 and q.data[0]["id"] == req["id"]
    assert q.data[0]["staff"]["id"] == holder.id and q.data[0]["overdue"] is False
    assert q.data[0]["staff"]["phone_masked"] == "136****0000"
    bc = api.as_(b_checker)
    assert bc.get("/api/messages").data == []
    assert bc.get("/api/binding/requests/queue").json["total"] == 0
    assert bc.get(f"/api/binding/requests/{req['id']}").status == 404
    r = bc.post(f"/api/binding/requests/{req['id']}/resolve", {"action": "rebind", "note": "x"})
    assert (r.status, r.code) == (404, "BINDING_REQUEST_NOT_FOUND")
    # Someone with no binding permission at all: 403.
    r = api.as_(org.fin_1).get("/api/binding/requests/queue")
    assert (r.status, r.code) == (403, "PERMISSION_DENIED")

    detail = checker.get(f"/api/binding/requests/{req['id']}")
    assert detail.status == 200 and detail.data["staff"]["wechat_bound"] is True
    assert "13622220000" not in detail.raw.text

    r = checker.post(f"/api/binding/requests/{req['id']}/resolve", {"action": "rebind", "note": "已电话核实"})
    assert r.status == 200, r
    assert r.data["status"] == "resolved" and r.data["action"] == "rebind"
    assert staff_row(server, holder.id).openid == "o-new"
    # The old WeChat's session is gone.
    assert old.get("/api/me").status == 401
    assert Client(server.base_url, token=old_token).get("/api/me").code == "TOKEN_EXPIRED"
    # Audited with masked values only.
    entry = audit_rows(server, "binding.resolve")[-1]
    assert entry.actor == org.a_checker.id
    assert entry.before["record"] == {"staff_id": holder.id, "openid": "o-ol****",
                                      "phone_masked": "136****0000"}
    assert entry.after["record"]["openid"] == "o-ne****" and entry.after["action"] == "rebind"
    assert "13622220000" not in str(entry.before) + str(entry.after)
    # Progress: resolved, with the resolution and a new step.
    mine = api.get(f"/api/binding/requests?ticket={ticket}").data[0]
    assert mine["status"] == "resolved" and mine["resolution"].startswith("已核实")
    assert mine["resolved_at"] and len(mine["steps"]) == 3
    # The applicant now signs in.
    r = wx_login(api, fake_wechat, "o-new")
    assert r.data["status"] == "bound" and r.data["me"]["id"] == holder.id
    # Closed is closed.
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve", {"action": "reject", "note": "x"})
    assert (r.status, r.code) == (409, "BINDING_REQUEST_CLOSED")
    assert checker.get("/api/binding/requests/queue").json["total"] == 0
    assert checker.get("/api/binding/requests/queue?status=resolved").json["total"] == 1


def test_unbind_resolution_lets_the_applicant_bind_by_phone(api, f, org, fake_wechat, server):
    holder = f.staff(org.a_hr, "周七", phone="13677770000", openid="o-stolen")
    old = Client(server.base_url)
    old.token = wx_login(old, fake_wechat, "o-stolen").data["token"]
    ticket = _conflict(api, fake_wechat, "o-real", "13677770000", "BINDING_PHONE_BOUND_ELSEWHERE")
    req = file_request(api, ticket, "bound_elsewhere", name="周七").data
    checker = api.as_(org.a_checker)
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve", {"action": "unbind"})
    assert r.status == 200, r
    assert staff_row(server, holder.id).openid is None
    assert old.get("/api/me").status == 401
    # Signing in again still needs a binding, which now succeeds.
    ticket = ticket_for(api, fake_wechat, "o-real")
    r = bind_phone(api, fake_wechat, ticket, "13677770000")
    assert r.status == 200 and r.data["me"]["id"] == holder.id


def test_ambiguous_request_rebind_to_chosen_record(api, f, org, fake_wechat, server, b_checker):
    one = f.staff(org.a_fin, "同号甲", employee_no="A-DUP1", phone="13633330000")
    two = f.staff(org.a_office, "同号乙", employee_no="A-DUP2", phone="13633330000")
    ticket = _conflict(api, fake_wechat, "o-dup", "13633330000", "BINDING_PHONE_AMBIGUOUS")
    req = file_request(api, ticket, "ambiguous", name="同号乙").data
    checker = api.as_(org.a_checker)
    detail = checker.get(f"/api/binding/requests/{req['id']}").data
    assert detail["staff"] is None
    assert sorted(c["id"] for c in detail["candidates"]) == [one.id, two.id]
    assert api.as_(b_checker).get(f"/api/binding/requests/{req['id']}").status == 404
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve", {"action": "rebind"})
    assert (r.status, r.code) == (422, "VALIDATION_FAILED") and "staff_id" in r.error["fields"]
    # A record outside the checker's reach cannot be chosen.
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve",
                     {"action": "rebind", "staff_id": org.b_office_1.id})
    assert r.status == 404
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve",
                     {"action": "rebind", "staff_id": two.id, "note": "核对工号"})
    assert r.status == 200, r
    assert staff_row(server, two.id).openid == "o-dup" and staff_row(server, one.id).openid is None
    assert wx_login(api, fake_wechat, "o-dup").data["me"]["id"] == two.id


def test_ambiguous_with_employee_no_routes_to_that_department(api, f, org, fake_wechat, b_checker):
    f.staff(org.a_fin, "同号甲", employee_no="A-DUP1", phone="13633330000")
    b_rec = f.staff(org.b_office, "同号乙", employee_no="B-DUP2", phone="13633330000")
    ticket = _conflict(api, fake_wechat, "o-dup", "13633330000", "BINDING_PHONE_AMBIGUOUS")
    req = file_request(api, ticket, "ambiguous", name="同号乙", employee_no="B-DUP2").data
    assert api.as_(org.a_checker).get("/api/binding/requests/queue").json["total"] == 0
    q = api.as_(b_checker).get("/api/binding/requests/queue")
    assert q.json["total"] == 1 and q.data[0]["staff"]["id"] == b_rec.id
    assert api.as_(b_checker).post(f"/api/binding/requests/{req['id']}/resolve",
                                   {"action": "rebind"}).status == 200
    assert wx_login(api, fake_wechat, "o-dup").data["me"]["id"] == b_rec.id


def test_no_record_correct_record_fixes_the_phone(api, f, org, fake_wechat, server, b_checker):
    rec = f.staff(org.a_hr_files, "钱八", employee_no="A-QB", phone="13000000000")
    dept_checker = f.staff(org.a_hr, "科室核验员", employee_no="A-DCHK")
    f.grant(dept_checker, "data_checker", "dept_tree", dept=org.a_hr)
    fin_checker = f.staff(org.a_fin, "财务核验员", employee_no="A-FCHK")
    f.grant(fin_checker, "data_checker", "dept_tree", dept=org.a_fin)
    ticket = _conflict(api, fake_wechat, "o-qb", "13688880000", "BINDING_NO_RECORD")
    req = file_request(api, ticket, "no_record", name="钱八", employee_no="A-QB").data
    assert api.as_(b_checker).get("/api/binding/requests/queue").json["total"] == 0
    # A department-scoped checker over 人事科 (and 档案组 below it) sees it too; 财务科's does not.
    assert api.as_(fin_checker).get("/api/binding/requests/queue").json["total"] == 0
    assert api.as_(fin_checker).get("/api/messages").data == []
    assert api.as_(dept_checker).get("/api/binding/requests/queue").json["total"] == 1
    assert [m["kind"] for m in api.as_(dept_checker).get("/api/messages").data] == ["binding.request"]
    checker = api.as_(org.a_checker)
    # The verified phone is not the record's: the typed employee number proves nothing, so a
    # second proof is needed — HR's recorded confirmation (a checker cannot record one).
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve", {"action": "correct_record"})
    assert (r.status, r.code) == (409, "BINDING_PROOF_REQUIRED")
    r = checker.post(f"/api/binding/requests/{req['id']}/confirm", {"staff_id": rec.id, "note": "x"})
    assert r.status == 403
    r = api.as_(org.a_hr_officer).post(f"/api/binding/requests/{req['id']}/confirm",
                                       {"staff_id": rec.id, "note": "当面核对身份证"})
    assert r.status == 201 and r.data["proofs"][0]["kind"] == "hr_confirmed"
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve",
                     {"action": "correct_record", "phone": "1368888", "proof": "hr_confirmed"})
    assert (r.status, r.code) == (422, "VALIDATION_FAILED") and "phone" in r.error["fields"]
    r = checker.post(f"/api/binding/requests/{req['id']}/resolve",
                     {"action": "correct_record", "proof": "hr_confirmed"})
    assert r.status == 200, r
    row = staff_row(server, rec.id)
    assert row.openid == "o-qb" and row.phone_hash == server.env.cipher.blind_index("13688880000")
    assert "13688880000" not in row.phone_enc
    entry = audit_rows(server, "binding.resolve")[-1]
    assert entry.before["record"]["phone_masked"] == "130****0000"
    assert entry.after["record"]["phone_masked"] == "136****0000"
    assert "1368888" not in str(entry.after) and "1300000" not in str(entry.before)
    me = wx_login(api, fake_wechat, "o-qb").data["me"]
    assert me["id"] == rec.id and me["phone_masked"] == "136****0000"


def test_no_record_without_employee_no_reaches_only_all_units_checkers_and_can_be_rejected(
        api, f, org, fake_wechat, b_checker):
    ticket = _conflict(api, fake_wechat, "o-nobody", "13699990000", "BINDING_NO_RECORD")
    req = file_request(api, ticket, "no_record", name="路人").data
    # No unit is known: nobody's unit. Unit-level checkers neither see it nor are notified;
    # a checker over every unit does.
    for s in (org.a_checker, b_checker):
        c = api.as_(s)
        assert c.get("/api/binding/requests/queue").json["total"] == 0
        assert c.get(f"/api/binding/requests/{req['id']}").status == 404
        assert c.get("/api/messages").data == []
    all_checker = f.staff(org.a_office, "总核验员", employee_no="ALL-CHK")
    f.grant(all_checker, "data_checker", "all")
    bc = api.as_(all_checker)
    assert bc.get("/api/binding/requests/queue").json["total"] == 1
    r = bc.post(f"/api/binding/requests/{req['id']}/resolve", {"action": "reject"})
    assert (r.status, r.code) == (422, "VALIDATION_FAILED")
    r = bc.post(f"/api/binding/requests/{req['id']}/resolve", {"action": "reject", "note": "非本系统人员"})
    assert r.status == 200 and r.data["status"] == "rejected"
    mine = api.get(f"/api/binding/requests?ticket={ticket}").data[0]
    assert mine["status"] == "rejected" and "非本系统人员" in mine["resolution"]
    assert wx_login(api, fake_wechat, "o-nobody").data["status"] == "unbound"


def test_hr_officer_may_view_but_not_resolve(api, org, fake_wechat):
    ticket = _conflict(api, fake_wechat, "o-x", "13699990000", "BINDING_NO_RECORD")
    req = file_request(api, ticket, "no_record", name="某人", employee_no="A-fin-1").data
    hr = api.as_(org.a_hr_officer)
    assert hr.get("/api/binding/requests/queue").json["total"] == 1
    r = hr.post(f"/api/binding/requests/{req['id']}/resolve", {"action": "reject", "note": "x"})
    assert (r.status, r.code) == (403, "PERMISSION_DENIED")


def test_the_server_conflict_wins_and_open_requests_are_limited(api, f, org, fake_wechat):
    f.staff(org.a_fin, "李四", phone="13622220000", openid="o-old")
    ticket = _conflict(api, fake_wechat, "o-new", "13622220000", "BINDING_PHONE_BOUND_ELSEWHERE")
    r = file_request(api, ticket, "no_record", name="李四")
    assert r.data["conflict"] == "bound_elsewhere"
    assert file_request(api, ticket, "no_record", name="李四").status == 201
    assert file_request(api, ticket, "no_record", name="李四").status == 201
    r = file_request(api, ticket, "no_record", name="李四")
    assert (r.status, r.code) == (409, "BINDING_REQUEST_LIMIT")


def test_overdue_flag_and_deadline_skips_rest_days(api, org, fake_wechat, server):
    from models.binding import BindingRequest
    from services.binding import deadline_after_one_working_day

    ticket = _conflict(api, fake_wechat, "o-late", "13699990000", "BINDING_NO_RECORD")
    req = file_request(api, ticket, "no_record", name="迟到", employee_no="A-fin-1").data
    past = datetime.datetime(2020, 1, 1)
    server.run(BindingRequest.update(deadline_at=past).where(BindingRequest.id == req["id"]).aexecute())
    q = api.as_(org.a_checker).get("/api/binding/requests/queue")
    assert q.data[0]["overdue"] is True
    assert api.get(f"/api/binding/requests?ticket={ticket}").data[0]["overdue"] is True

    def deadline(utc):
        return server.run(deadline_after_one_working_day(utc, None))
    # Friday 10:00 Beijing -> Monday 10:00.
    assert deadline(datetime.datetime(2025, 11, 14, 2, 0)) == datetime.datetime(2025, 11, 17, 2, 0)
    # Tuesday before National Day -> the first working day after the holiday.
    assert deadline(datetime.datetime(2025, 9, 30, 2, 0)) == datetime.datetime(2025, 10, 9, 2, 0)
    # Saturday 23:30 Beijing (15:30 UTC) -> Monday 23:30 Beijing.
    assert deadline(datetime.datetime(2025, 11, 15, 15, 30)) == datetime.datetime(2025, 11, 17, 15, 30)
