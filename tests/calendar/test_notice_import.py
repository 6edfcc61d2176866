"""A new year's holidays at once from the State Council notice (issue 14): preview, then save."""
from models.calendar import CalendarDay

NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月6日（农历除夕、周六）至13日（农历正月初七、周六）放假调休，共8天。2月14日（周日）、2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（周三）放假。
六、国庆节、中秋节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。"""


def quote(client, start, end):
    return client.get(f"/api/leave/quote?type=annual&start={start}&end={end}")


def test_preview_then_import_a_year(api, f, org, server):
    admin = f.staff(org.a_office, "系统管理员甲", employee_no="A-SYS")
    f.grant(admin, "sys_admin", "all")
    sysadm = api.as_(admin)
    me = api.as_(org.office_1)
    before = quote(me, "2027-02-05", "2027-02-15")
    assert before.data["days"] == 7 and before.data["warnings"], before
    p = sysadm.post("/api/calendar/years/2027/import/preview", {"text": NOTICE_2027})
    assert p.status == 200, p
    assert (p.data["holidays"], p.data["makeup_workdays"], p.data["problems"]) == (27, 6, []), p.data
    by = {d["date"]: d for d in p.data["days"]}
    assert by["2027-02-14"]["kind"] == "makeup_workday" and by["2027-02-14"]["current_kind"] == "rest"
    assert by["2027-10-01"]["name"] == "国庆节、中秋节"
    assert list(server.run(CalendarDay.select().aexecute())) == []     # a preview writes nothing
    r = sysadm.post("/api/calendar/years/2027/import", {"text": NOTICE_2027})
    assert r.status == 200 and r.data["changed"] == 33, r
    assert sysadm.get("/api/calendar/years/2027").data["source"] == "admin"
    after = quote(me, "2027-02-05", "2027-02-15")
    assert after.data["days"] == 3 and after.data["warnings"] == []     # 02-05, 02-14 (调休), 02-15
    assert api.as_(org.b_office_1).get("/api/calendar?start=2027-02-14&end=2027-02-14").data[0]["kind"] == \
        "makeup_workday"                                                  # national: every unit
    # importing again changes nothing
    assert sysadm.post("/api/calendar/years/2027/import/preview", {"text": NOTICE_2027}).data["changed"] == 0


def test_problems_refuse_the_import_and_scope(api, org, server):
    hr = api.as_(org.a_hr_officer)
    bad = NOTICE_2027 + "\n七、某节：放假若干天"
    p = hr.post("/api/calendar/years/2027/import/preview", {"text": bad, "unit_id": org.a.id})
    assert p.status == 200 and p.data["problems"], p
    r = hr.post("/api/calendar/years/2027/import", {"text": bad, "unit_id": org.a.id})
    assert (r.status, r.code) == (422, "CALENDAR_IMPORT_INVALID")
    r = hr.post("/api/calendar/years/2027/import", {"text": "2026-12-31 至 2027-01-01 元旦", "unit_id": org.a.id})
    assert r.code == "CALENDAR_IMPORT_INVALID"                           # a day outside the year
    assert list(server.run(CalendarDay.select().aexecute())) == []
    # HR of A: A's own calendar only; not B's, not the national one; staff cannot
    assert hr.post("/api/calendar/years/2027/import", {"text": NOTICE_2027, "unit_id": org.b.id}).status == 404
    assert hr.post("/api/calendar/years/2027/import", {"text": NOTICE_2027}).status == 403
    assert api.as_(org.office_1).post("/api/calendar/years/2027/import/preview",
                                      {"text": NOTICE_2027, "unit_id": org.a.id}).status == 403
    r = hr.post("/api/calendar/years/2027/import", {"text": NOTICE_2027, "unit_id": org.a.id})
    assert r.status == 200
    assert api.as_(org.office_1).get("/api/calendar?start=2027-02-08&end=2027-02-08").data[0]["kind"] == "holiday"
    assert api.as_(org.b_office_1).get("/api/calendar?start=2027-02-08&end=2027-02-08").data[0]["kind"] == "workday"
