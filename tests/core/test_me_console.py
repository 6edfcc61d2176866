"""GET /api/me `console`: whether the person may sign in to the admin console by scanning its QR
(the mini-program shows "扫码登录管理后台" only then) — the same rule the scan itself enforces."""


def test_console_flag_follows_the_qr_login_rule(api, org):
    staff = api.as_(org.office_1).get("/api/me")
    assert staff.status == 200, staff
    assert staff.data["console"] is False
    hr = api.as_(org.a_hr_officer).get("/api/me")
    assert hr.data["console"] is True
    assert api.as_(org.b_hr_officer).get("/api/me").data["console"] is True


def test_colleagues_for_the_delegate_picker_are_my_units_active_people(api, org, f):
    me = api.as_(org.office_leader)
    r = me.get("/api/me/colleagues?q=职工一")
    assert r.status == 200, r
    ids = {x["id"] for x in r.data}
    assert org.office_1.id in ids and org.fin_1.id in ids
    assert org.b_office_1.id not in ids  # 乙局's 办公室职工一: another unit
    assert set(r.data[0]) == {"id", "name", "department"}  # no phone, no ID number
    assert {x["department"]["name"] for x in r.data if x["id"] == org.office_1.id} == {"办公室"}
    assert org.office_leader.id not in {x["id"] for x in me.get("/api/me/colleagues?q=负责人").data}
    assert me.get("/api/me/colleagues?q=乙人事").data == []
    assert [x["id"] for x in me.get("/api/me/colleagues?q=甲人事").data] == [org.a_hr_officer.id]
    # a query is required; anonymous callers get nothing
    assert me.get("/api/me/colleagues").status == 422
    assert api.get("/api/me/colleagues?q=甲").status == 401


def test_a_department_leader_may_use_the_console(api, org):
    assert api.as_(org.office_leader).get("/api/me").data["console"] is True
