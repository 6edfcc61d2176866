"""Console pages as their users found them (issue 15): the header names a person once, the leave
types table speaks Chinese (the code only in the edit form), and a QR-signed-in HR officer has no
password to change."""
import re

from tests.admin.console import Console, hand_over
from tests.admin.test_console_browser import browser, new_page, shot  # noqa: F401
from tests.admin.test_leave_pages import console_as


def types_table(html):
    return re.search(r'<table id="types-table">(.*?)</table>', html, re.S).group(1)


def test_leave_types_table_shows_names_not_codes(server, org):
    hr = console_as(server, org.a_hr_officer)
    page = hr.get("/admin/leave/types")
    table = types_table(page.text)
    assert "年休假" in table and "病假" in table
    # No column of English codes (they stay in the edit links' query strings only).
    cells = re.sub(r'href="[^"]*"', "", table)
    assert "annual" not in cells and "sick" not in cells and "代码" not in cells
    detail = hr.get("/admin/leave/types?edit=annual").text
    assert 'value="annual"' in detail and "系统代码" in detail


def test_header_names_the_administrator_once(server, f, org):
    admin = f.admin("system", "sys1", unit=org.a)   # named 系统管理员, role 系统管理员
    home = Console(server.base_url).login(admin).get("/admin/")
    who = re.search(r'<div class="who">(.*?)</div>', home.text, re.S).group(1)
    assert who.count("系统管理员") == 1
    # Someone whose name differs from the role still sees the role beside the name.
    hr = console_as(server, org.a_hr_officer).get("/admin/").text
    who = re.search(r'<div class="who">(.*?)</div>', hr, re.S).group(1)
    assert org.a_hr_officer.name in who and "人事专员" in who


def test_qr_signed_in_officer_has_no_password_to_change(server, org):
    hr = console_as(server, org.a_hr_officer)
    assert "没有后台密码" in hr.get("/admin/account/password").text
    r = hr.post("/admin/account/password", {"current": "x", "new": "Xinmima#2026ok",
                                            "repeat": "Xinmima#2026ok"})
    assert r.status_code == 422 and "扫码登录" in r.text


def test_browser_leave_types_in_chinese(new_page, server, org):
    page = new_page()
    hand_over(page.context, console_as(server, org.a_hr_officer), server.base_url)
    page.goto("/admin/leave/types")
    head = page.inner_text("#types-table thead")
    assert "代码" not in head and "名称" in head
    assert "annual" not in page.inner_text("#types-table")
    shot(page, "usability-04-leave-types")
