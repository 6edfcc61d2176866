"""The console's 考核催办 (remind everyone who has not yet submitted: preview, send, once per phase
per hour per cycle, audited, HR's reach) and HR officers' scoped view of the send log and of who
can be reached (reminder.view), while template configuration stays with the system administrator."""
from models.audit import AuditLog
from models.base import fetch_all
from models.notify import Notification
from tests.admin.console import Console
from tests.admin.test_pages_http import qr_sign_in
from tests.appraisal.cycles_support import goal_set_row
from tests.reminders.helpers import bind, set_template, tick


def at(now):
    return {"headers": {"X-Mingjing-Now": now}}


MON = "2026-03-09T10:00:00+08:00"


def reminders(server, kind="appraisal.deadline"):
    return server.run(fetch_all(Notification.select().where(Notification.kind == kind).order_by(Notification.id)))


def audits(server):
    return server.run(fetch_all(AuditLog.select().where(AuditLog.action == "appraisal.remind_unsubmitted")
                                .order_by(AuditLog.seq)))


def setup(f, org, server):
    c = f.cycle(org.a, phases={"goal_setting": ("2026-03-02", "2026-03-13"),
                               "progress": ("2026-03-16", "2026-11-30")},
                participants=[org.office_1, org.office_2, org.fin_1, org.hr_1])
    goal_set_row(server, c.id, org.office_2, "submitted")
    goal_set_row(server, c.id, org.hr_1, "confirmed", confirmed=True)
    return c


def test_remind_unsubmitted_preview_send_rate_limit_and_audit(server, api, f, org):
    c = setup(f, org, server)
    hr = qr_sign_in(server, api, org.a_hr_officer)
    page = hr.get(f"/admin/reminders/appraisal/{c.id}", **at(MON))
    assert page.status_code == 200, page.text[:500]
    assert "尚未提交目标：<strong>2</strong> 人" in page.text
    assert 'id="preview-goal_setting"' in page.text and 'id="preview-progress"' not in page.text
    # The cycle's page links here.
    assert f'href="/admin/reminders/appraisal/{c.id}"' in hr.get(f"/admin/appraisal/cycles/{c.id}", **at(MON)).text
    preview = hr.get(f"/admin/reminders/appraisal/{c.id}/remind?phase=goal_setting", **at(MON))
    assert preview.status_code == 200
    assert 'id="preview-count">2<' in preview.text
    assert org.office_1.name in preview.text and org.fin_1.name in preview.text
    assert org.office_2.name not in preview.text and org.hr_1.name not in preview.text
    assert reminders(server) == []                      # a preview sends nothing
    r = hr.post(f"/admin/reminders/appraisal/{c.id}/remind", {"phase": "goal_setting", "expected": "2"}, **at(MON))
    assert r.status_code == 302 and r.headers["Location"] == f"/admin/reminders/appraisal/{c.id}"
    rows = reminders(server)
    assert sorted(n.recipient_id for n in rows) == sorted([org.office_1.id, org.fin_1.id])
    assert all(n.data["manual"] and n.title == "目标设定将于3月13日截止" for n in rows)
    entry, = audits(server)
    assert entry.actor == org.a_hr_officer.id and entry.target_id == str(c.id)
    assert entry.after["phase"] == "goal_setting" and entry.after["count"] == 2 and entry.after["preview"] == 2
    # Within the hour: refused with Retry-After, nothing sent, nothing audited.
    again = hr.post(f"/admin/reminders/appraisal/{c.id}/remind", {"phase": "goal_setting"},
                    **at("2026-03-09T10:59:00+08:00"))
    assert again.status_code == 429 and "一小时内已催办过" in again.text
    assert 0 < int(again.headers["Retry-After"]) <= 60
    assert len(reminders(server)) == 2 and len(audits(server)) == 1
    assert "后可再次催办" in hr.get(f"/admin/reminders/appraisal/{c.id}", **at("2026-03-09T10:30:00+08:00")).text
    # An hour later it may go again (to whoever is still not done).
    ok = hr.post(f"/admin/reminders/appraisal/{c.id}/remind", {"phase": "goal_setting"},
                 **at("2026-03-09T11:00:00+08:00"))
    assert ok.status_code == 302 and len(reminders(server)) == 4 and len(audits(server)) == 2
    # A phase that is not open: 409 in words; an unknown phase: 422.
    closed = hr.post(f"/admin/reminders/appraisal/{c.id}/remind", {"phase": "progress"}, **at(MON))
    assert closed.status_code == 409 and "阶段未在进行中" in closed.text
    assert hr.post(f"/admin/reminders/appraisal/{c.id}/remind", {"phase": "nope"}, **at(MON)).status_code == 422
    assert len(reminders(server)) == 4
    # The scheduler's own reminder on Tuesday is separate from the manual ones.
    tick(api, "2026-03-10T09:00:00", sources=["appraisal.deadlines"])
    assert len(reminders(server)) == 6


def test_remind_is_limited_to_hr_reach(server, api, f, org):
    c = setup(f, org, server)
    office_hr = f.staff(org.a_office, "办公室人事", employee_no="A-OHR")
    f.grant(office_hr, "hr_officer", "dept_tree", dept=org.a_office)
    mine = qr_sign_in(server, api, office_hr)
    preview = mine.get(f"/admin/reminders/appraisal/{c.id}/remind?phase=goal_setting", **at(MON))
    assert 'id="preview-count">1<' in preview.text and org.fin_1.name not in preview.text
    assert mine.post(f"/admin/reminders/appraisal/{c.id}/remind", {"phase": "goal_setting"},
                     **at(MON)).status_code == 302
    assert [n.recipient_id for n in reminders(server)] == [org.office_1.id]
    # Another unit's HR officer: the cycle does not exist for them; nothing sent.
    other = qr_sign_in(server, api, org.b_hr_officer)
    assert other.get(f"/admin/reminders/appraisal/{c.id}", **at(MON)).status_code == 404
    assert other.get(f"/admin/reminders/appraisal/{c.id}/remind?phase=goal_setting", **at(MON)).status_code == 404
    assert other.post(f"/admin/reminders/appraisal/{c.id}/remind", {"phase": "goal_setting"},
                      **at("2026-03-09T12:00:00+08:00")).status_code == 404
    assert f"/admin/reminders/appraisal/{c.id}\"" not in other.get("/admin/reminders/appraisal").text
    assert len(reminders(server)) == 1
    # A data checker (console user, no appraisal.manage) is refused.
    checker = qr_sign_in(server, api, org.a_checker)
    assert checker.get(f"/admin/reminders/appraisal/{c.id}", **at(MON)).status_code == 403


def test_hr_sees_the_send_log_and_reach_of_their_people_not_the_templates(server, api, f, org, fake_wechat):
    admin = f.admin("system")
    sysadmin = Console(server.base_url).login(admin)
    set_template(server, "approval.result", "T-RESULT")
    bind(server, org.office_1)
    bind(server, org.b_office_1)
    from tests.reminders.test_console import notice
    notice(server, org.office_1, org.fin_2, org.b_office_1)
    tick(api)
    hr = qr_sign_in(server, api, org.a_hr_officer)
    # The menu leads HR to the send log; the template page is the system administrator's.
    home = hr.get("/admin/")
    assert 'href="/admin/reminders"' in home.text
    r = hr.get("/admin/reminders")
    assert r.status_code == 302 and r.headers["Location"] == "/admin/reminders/log"
    log = hr.get("/admin/reminders/log")
    assert log.status_code == 200 and "消息模板" not in log.text
    # (both units have an 办公室职工一: employee numbers tell them apart)
    assert org.office_1.employee_no in log.text and org.fin_2.employee_no in log.text
    assert org.b_office_1.employee_no not in log.text
    reach = hr.get("/admin/reminders/reach").text
    assert f'id="reach-{org.office_1.id}"' in reach and f'id="reach-{org.b_office_1.id}"' not in reach
    assert hr.post("/admin/reminders", {"event": "approval.result", "template_id": "X",
                                        "enabled": "on"}).status_code == 403
    # 乙局's HR officer sees 乙局's people only.
    b = qr_sign_in(server, api, org.b_hr_officer)
    blog = b.get("/admin/reminders/log").text
    assert org.b_office_1.employee_no in blog and org.office_1.employee_no not in blog
    assert f'id="reach-{org.office_1.id}"' not in b.get("/admin/reminders/reach").text
    # The system administrator keeps the templates (and the log of the people in their reach).
    page = sysadmin.get("/admin/reminders")
    assert page.status_code == 200 and "T-RESULT" in page.text
    assert org.office_1.employee_no in sysadmin.get("/admin/reminders/log").text
    # A data checker has no reminder pages.
    checker = qr_sign_in(server, api, org.a_checker)
    assert checker.get("/admin/reminders/log").status_code == 403
    assert checker.get("/admin/reminders/reach").status_code == 403
