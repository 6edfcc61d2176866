"""Binding requests (issue 14): filing takes the request clock (a deadline across a holiday), and a
two-records conflict is resolved with the stale record's phone cleared or corrected in one step."""
from tests.binding.flows import audit_rows, bind_phone, file_request, staff_row, ticket_for, wx_login


def _ambiguous(api, fake, openid, phone):
    ticket = ticket_for(api, fake, openid)
    r = bind_phone(api, fake, ticket, phone)
    assert r.code == "BINDING_PHONE_AMBIGUOUS", r
    return ticket


def test_request_clock_sets_the_deadline_across_national_day(api, org, fake_wechat):
    ticket = ticket_for(api, fake_wechat, "o-clock")
    assert bind_phone(api, fake_wechat, ticket, "13699990001").code == "BINDING_NO_RECORD"
    r = api.post("/api/binding/requests", {"ticket": ticket, "conflict": "no_record", "name": "节前",
                                           "employee_no": org.fin_1.employee_no},
                 headers={"X-Mingjing-Now": "2026-09-30T10:00:00+08:00"})
    assert r.status == 201, r
    assert r.data["created_at"].startswith("2026-09-30T10:00:00")
    assert r.data["deadline_at"].startswith("2026-10-08T10:00:00")   # 10-01..07 国庆/中秋
    assert r.data["steps"][0]["at"].startswith("2026-09-30T10:00:00")
    q = api.as_(org.a_checker).get("/api/binding/requests/queue").data
    assert q[0]["deadline_at"].startswith("2026-10-08T10:00:00")


def test_two_records_resolution_clears_the_stale_record(api, f, org, fake_wechat, server):
    one = f.staff(org.a_fin, "同号甲", employee_no="A-DUP1", phone="13633330000")
    two = f.staff(org.a_office, "同号乙", employee_no="A-DUP2", phone="13633330000")
    ticket = _ambiguous(api, fake_wechat, "o-dup", "13633330000")
    req = file_request(api, ticket, "ambiguous", name="同号乙").data
    checker = api.as_(org.a_checker)
    url = f"/api/binding/requests/{req['id']}/resolve"
    # only the records of this conflict, never the target; nothing is written on a refusal
    r = checker.post(url, {"action": "rebind", "staff_id": two.id,
                           "others": [{"staff_id": org.office_1.id, "action": "clear_phone"}]})
    assert (r.status, r.code) == (422, "BINDING_OTHER_NOT_CANDIDATE"), r
    r = checker.post(url, {"action": "rebind", "staff_id": two.id,
                           "others": [{"staff_id": two.id, "action": "clear_phone"}]})
    assert r.code == "BINDING_OTHER_NOT_CANDIDATE"
    r = checker.post(url, {"action": "rebind", "staff_id": two.id,
                           "others": [{"staff_id": one.id, "action": "set_phone", "phone": "13633330000"}]})
    assert r.status == 409 and r.code == "PHONE_TAKEN", r
    assert staff_row(server, two.id).openid is None
    r = checker.post(url, {"action": "reject", "note": "x",
                           "others": [{"staff_id": one.id, "action": "clear_phone"}]})
    assert r.status == 422
    r = checker.post(url, {"action": "rebind", "staff_id": two.id, "note": "核对工号",
                           "others": [{"staff_id": one.id, "action": "clear_phone"}]})
    assert r.status == 200, r
    assert staff_row(server, two.id).openid == "o-dup"
    assert staff_row(server, one.id).phone_hash is None and staff_row(server, one.id).phone_enc is None
    rows = audit_rows(server, "binding.other_record")
    assert len(rows) == 1 and rows[0].target_id == str(one.id)
    # the number now names one record: a new WeChat with it is no longer ambiguous
    assert wx_login(api, fake_wechat, "o-dup").data["me"]["id"] == two.id


def test_two_records_resolution_corrects_the_other_phone(api, f, org, fake_wechat, server):
    one = f.staff(org.a_fin, "同号甲", employee_no="A-DUP1", phone="13633330000")
    two = f.staff(org.a_office, "同号乙", employee_no="A-DUP2", phone="13633330000")
    ticket = _ambiguous(api, fake_wechat, "o-dup", "13633330000")
    req = file_request(api, ticket, "ambiguous", name="同号乙").data
    r = api.as_(org.a_checker).post(f"/api/binding/requests/{req['id']}/resolve", {
        "action": "rebind", "staff_id": two.id,
        "others": [{"staff_id": one.id, "action": "set_phone", "phone": "13633331111"}]})
    assert r.status == 200, r
    t2 = ticket_for(api, fake_wechat, "o-one")
    r = bind_phone(api, fake_wechat, t2, "13633331111")
    assert r.status == 200 and r.data["me"]["id"] == one.id, r


def test_other_record_outside_reach_is_refused(api, f, org, fake_wechat, server):
    a_rec = f.staff(org.a_fin, "同号甲", employee_no="A-DUP1", phone="13633330000")
    b_rec = f.staff(org.b_office, "同号乙", employee_no="B-DUP2", phone="13633330000")
    ticket = _ambiguous(api, fake_wechat, "o-dup", "13633330000")
    req = file_request(api, ticket, "ambiguous", name="同号甲", employee_no="A-DUP1").data
    r = api.as_(org.a_checker).post(f"/api/binding/requests/{req['id']}/resolve", {
        "action": "rebind", "staff_id": a_rec.id,
        "others": [{"staff_id": b_rec.id, "action": "clear_phone"}]})
    assert r.status == 404, r
    assert staff_row(server, a_rec.id).openid is None and staff_row(server, b_rec.id).phone_hash
