"""Dev-mode 模拟扫码 (issue 15): while WeChat is fake, the login page lets a developer complete the
QR sign-in as a demo person with console access; with real WeChat it does not exist."""
import contextlib

from models.audit import AuditLog
from tests.admin.console import Console
from tests.admin.test_console_browser import browser, new_page, shot  # noqa: F401


@contextlib.contextmanager
def real_wechat(server):
    fake = server.env.config
    server.env.config = fake.replace(wechat={"mode": "real"})
    try:
        yield
    finally:
        server.env.config = fake


def logins(server):
    async def go():
        return [r.after for r in await AuditLog.select().where(AuditLog.action == "admin.login").aexecute()]
    return server.run(go())


def test_dev_scan_signs_in_a_console_person(server, f, org):
    admin = f.admin("system", "sys1", unit=org.a)
    c = Console(server.base_url)
    assert "模拟扫码登录" in c.get("/admin/login").text
    page = c.get("/admin/login/dev-scan")
    assert page.status_code == 200
    assert org.a_hr_officer.name in page.text and org.b_hr_officer.name in page.text
    assert f'data-staff-id="{org.a_hr_officer.id}"' in page.text
    # Plain staff and the three administrators (password + TOTP only) are not offered or accepted.
    assert f'data-staff-id="{org.office_1.id}"' not in page.text
    assert f'data-staff-id="{admin.staff.id}"' not in page.text
    assert c.post("/admin/login/dev-scan", {"staff_id": org.office_1.id}).status_code == 403
    assert c.post("/admin/login/dev-scan", {"staff_id": admin.staff.id}).status_code == 403
    assert c.get("/admin/").status_code == 302
    r = c.post("/admin/login/dev-scan", {"staff_id": org.a_hr_officer.id})
    assert r.status_code == 302 and r.headers["Location"] == "/admin/"
    assert c.get("/admin/leave/types").status_code == 200
    # A's officer sees A only, as after a real scan.
    assert c.get(f"/admin/leave/types?unit_id={org.b.id}").status_code == 404
    assert {"method": "dev_scan"} in logins(server)


def test_dev_scan_does_not_exist_with_real_wechat(server, f, org):
    c = Console(server.base_url)
    c.xsrf()
    with real_wechat(server):
        page = c.get("/admin/login")
        assert page.status_code == 200 and "扫码登录" in page.text and "模拟扫码" not in page.text
        assert c.get("/admin/login/dev-scan").status_code == 404
        r = c.post("/admin/login/dev-scan", {"staff_id": org.a_hr_officer.id})
        assert r.status_code == 404 and "mj_admin" not in c.http.cookies
    assert not logins(server)


def test_browser_dev_scan(new_page, server, org):
    page = new_page()
    page.goto("/admin/login")
    shot(page, "usability-06-login-dev-scan")
    page.click("#dev-scan a")
    page.wait_for_url("**/admin/login/dev-scan")
    shot(page, "usability-07-dev-scan-people")
    page.click(f"tr[data-staff-id='{org.a_hr_officer.id}'] button")
    page.wait_for_url("**/admin/")
    assert org.a_hr_officer.name in page.inner_text(".topbar .who")
    assert "假期类型" in page.inner_text("nav.sidenav")
