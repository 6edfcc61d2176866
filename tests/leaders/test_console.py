"""A department leader may sign in to the console by QR (issue 14) and use, read-only, the pages
that show their team: the attendance board, the monthly report, the leave report, and the punch
review queue; the navigation shows only those; settings, balances, staff and roles stay closed.
Screenshots: test-output/admin/leader-*.png."""
import os
import re

import pytest

from tests.admin.console import CHROMIUM, console_page
from tests.admin.test_pages_http import qr_sign_in
from tests.attendance.helpers import at, punch, setup_a

DAY = "2026-11-02"


def _nav(html):
    return re.search(r'<nav class="sidenav".*?</nav>', html, re.S).group(0)


def test_leader_signs_in_and_sees_only_their_teams_pages(server, api, org):
    setup_a(api, org)
    punch(api.as_(org.files_1), f"{DAY} 08:20", north=2000, reason="在区档案馆查档")
    fin = punch(api.as_(org.fin_1), f"{DAY} 08:21", north=2000, reason="到市财政局对账").data
    c = qr_sign_in(server, api, org.hr_leader)
    nav = _nav(c.get("/admin/").text)
    for label in ("工作台", "考勤看板", "考勤统计", "打卡复核", "请假统计"):
        assert label in nav, label
    for label in ("人员管理", "组织机构", "角色授权", "考勤设置", "假期余额", "假期类型", "审批流程"):
        assert label not in nav, label

    board = c.get("/admin/attendance/board", headers=at(f"{DAY} 10:00"))
    assert board.status_code == 200
    assert "档案组职工一" in board.text and "人事科职工一" in board.text
    assert "财务科职工一" not in board.text and "乙局" not in board.text
    assert c.get(f"/admin/attendance/board?department_id={org.a_fin.id}").status_code == 404
    report = c.get("/admin/attendance/report?month=2026-11", headers=at(f"{DAY} 10:00"))
    assert report.status_code == 200 and "档案组职工一" in report.text and "财务科职工一" not in report.text
    assert c.get("/admin/leave/report?year=2026").status_code == 200
    queue = c.get("/admin/attendance/review")
    assert queue.status_code == 200 and "档案组职工一" in queue.text and "财务科职工一" not in queue.text
    assert c.post(f"/admin/attendance/review/{fin['id']}", {"decision": "accept"}).status_code == 404
    for path in ("/admin/attendance/settings/places", "/admin/attendance/settings/rules",
                 "/admin/leave/balances", "/admin/leave/types", "/admin/staff", "/admin/roles",
                 "/admin/approval-flows"):
        assert c.get(path).status_code == 403, path


def test_plain_staff_are_still_refused_at_the_phone(api, org, server):
    r = api.as_(org.hr_1).post("/api/auth/qr-login/scan", {"sid": "x" * 32})
    assert (r.status, r.code) == (403, "QR_LOGIN_NOT_ALLOWED")
    # A leader is let through to the state check (the made-up sid has expired).
    r = api.as_(org.hr_leader).post("/api/auth/qr-login/scan", {"sid": "x" * 32})
    assert (r.status, r.code) == (410, "QR_LOGIN_EXPIRED")


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")
def test_browser_leader_board_and_nav(server, api, org):
    from tests.admin.test_console_browser import shot

    setup_a(api, org)
    punch(api.as_(org.hr_1), f"{DAY} 08:20")
    punch(api.as_(org.files_1), f"{DAY} 08:47")
    punch(api.as_(org.files_2), f"{DAY} 08:25", north=2000, reason="在区档案馆查档")
    c = qr_sign_in(server, api, org.hr_leader)
    with console_page(c, server.base_url, headers=at(f"{DAY} 10:00")) as page:
        page.goto("/admin/")
        nav = [t.strip() for t in page.locator("nav.sidenav a").all_inner_texts()]
        assert nav == ["工作台", "考勤看板", "考勤统计", "打卡复核", "请假统计"], nav
        shot(page, "leader-01-home")
        page.click("nav.sidenav a:has-text('考勤看板')")
        page.wait_for_url("**/admin/attendance/board")
        assert "人事科职工一" in page.inner_text("#group-in")
        assert "档案组职工一" in page.inner_text("#group-late")
        assert "财务科" not in page.inner_text("main")
        shot(page, "leader-02-board")
        page.click("nav.sidenav a:has-text('打卡复核')")
        page.wait_for_url("**/admin/attendance/review")
        assert "档案组职工二" in page.inner_text("main")
        shot(page, "leader-03-review")
