"""Administrator accounts (issue 15): change password, forced change of the initial password at
the first sign-in, and the 安全保密管理员 resetting another administrator's TOTP."""
import re

from models.admin import AdminCredential
from models.audit import AuditLog
from tests.admin.console import Console, fresh_code
from tests.admin.test_console_browser import browser, new_page, shot, sign_in  # noqa: F401

NEW = "Xinmima#2026ok"


def cred_of(server, staff):
    return server.run(AdminCredential.aget(AdminCredential.staff == staff.id))


def audit_rows(server, action):
    async def go():
        return list(await AuditLog.select().where(AuditLog.action == action).order_by(
            AuditLog.seq).aexecute())
    return server.run(go())


def password_then_totp(c, account, password=None):
    r = c.post("/admin/login", {"username": account.username, "password": password or account.password})
    assert r.status_code == 302 and r.headers["Location"] == "/admin/login/totp", r.text[:300]
    return c.post("/admin/login/totp", {"code": fresh_code(account.secret)})


def test_create_admin_sets_the_forced_change_flag(server, f):
    from services.admin_accounts import create_admin

    unit = f.unit("甲局", "A")
    made = server.run(create_admin(env=server.env, username="newsys", name="新系统管理员",
                                   tier="system", unit_code=unit.code, password="Mingjing@2026!"))
    cred = server.run(AdminCredential.aget(AdminCredential.staff == made["staff_id"]))
    assert cred.must_change_password


def test_first_sign_in_forces_a_password_change(server, f, org):
    admin = f.admin("system", "sys1", unit=org.a, must_change=True)
    c = Console(server.base_url)
    r = password_then_totp(c, admin)
    assert r.status_code == 302 and r.headers["Location"] == "/admin/login/password"
    # Both factors passed but no console page opens until the password is changed.
    assert c.get("/admin/").status_code == 302
    assert c.get("/admin/org").headers["Location"].startswith("/admin/login")
    page = c.get("/admin/login/password")
    assert page.status_code == 200 and "修改初始密码" in page.text
    r = c.post("/admin/login/password", {"current": admin.password, "new": NEW, "repeat": NEW + "x"})
    assert r.status_code == 422 and "两次输入的新密码不一致" in r.text
    r = c.post("/admin/login/password", {"current": admin.password, "new": "short1A", "repeat": "short1A"})
    assert r.status_code == 422 and "至少 12 位" in r.text
    r = c.post("/admin/login/password", {"current": admin.password, "new": admin.password,
                                         "repeat": admin.password})
    assert r.status_code == 422 and "不能与当前密码相同" in r.text
    r = c.post("/admin/login/password", {"current": "Wrong#password1", "new": NEW, "repeat": NEW})
    assert r.status_code == 422 and "当前密码错误" in r.text
    assert cred_of(server, admin.staff).must_change_password
    r = c.post("/admin/login/password", {"current": admin.password, "new": NEW, "repeat": NEW})
    assert r.status_code == 302 and r.headers["Location"] == "/admin/"
    home = c.get("/admin/")
    assert home.status_code == 200 and "密码已修改" in home.text
    cred = cred_of(server, admin.staff)
    assert not cred.must_change_password and cred.password_changed_at is not None
    rows = audit_rows(server, "admin.password_change")
    assert len(rows) == 1 and rows[0].target_id == str(admin.staff.id)
    # The old password no longer works; the new one goes straight through.
    other = Console(server.base_url)
    assert other.post("/admin/login", {"username": "sys1", "password": admin.password}).status_code == 401
    r = password_then_totp(other, admin, password=NEW)
    assert r.status_code == 302 and r.headers["Location"] == "/admin/"


def test_change_stage_needs_the_step_cookie(server, f, org):
    c = Console(server.base_url)
    assert c.get("/admin/login/password").headers["Location"] == "/admin/login"
    r = c.post("/admin/login/password", {"current": "x", "new": NEW, "repeat": NEW})
    assert r.status_code == 401 and "已过期" in r.text


def test_signed_in_admin_changes_password(server, f, org):
    admin = f.admin("audit", "aud1", unit=org.a)
    c = Console(server.base_url).login(admin)
    page = c.get("/admin/account/password")
    assert page.status_code == 200 and "当前密码" in page.text
    r = c.post("/admin/account/password", {"current": "Wrong#password1", "new": NEW, "repeat": NEW})
    assert r.status_code == 422 and "当前密码错误" in r.text
    r = c.post("/admin/account/password", {"current": admin.password, "new": "abcdefghijkl",
                                           "repeat": "abcdefghijkl"})
    assert r.status_code == 422 and "至少三类" in r.text
    r = c.post("/admin/account/password", {"current": admin.password, "new": NEW, "repeat": NEW})
    assert r.status_code == 302
    assert "密码已修改" in c.get("/admin/account/password").text
    assert audit_rows(server, "admin.password_change")
    r = password_then_totp(Console(server.base_url), admin, password=NEW)
    assert r.headers["Location"] == "/admin/"


def test_security_admin_resets_another_admins_totp(server, f, org):
    sec = f.admin("security", "sec1", unit=org.a)
    sysadm = f.admin("system", "sys1", unit=org.a)
    b_sys = f.admin("system", "sysb", unit=org.b)
    victim = Console(server.base_url).login(sysadm)
    c = Console(server.base_url).login(sec)
    page = c.get("/admin/account/admins")
    assert page.status_code == 200 and "sys1" in page.text and "sysb" not in page.text
    # Never one's own, never another unit's administrator.
    assert c.post(f"/admin/account/admins/{sec.staff.id}/reset-totp").status_code == 403
    assert c.post(f"/admin/account/admins/{b_sys.staff.id}/reset-totp").status_code == 404
    assert c.post("/admin/account/admins/999999/reset-totp").status_code == 404
    assert cred_of(server, sec.staff).totp_enabled and cred_of(server, b_sys.staff).totp_enabled
    r = c.post(f"/admin/account/admins/{sysadm.staff.id}/reset-totp")
    assert r.status_code == 302
    assert "已重置 系统管理员（sys1）的动态口令" in c.get("/admin/account/admins").text
    cred = cred_of(server, sysadm.staff)
    assert not cred.totp_enabled and cred.totp_secret_enc is None
    rows = audit_rows(server, "admin.totp_reset")
    assert len(rows) == 1 and rows[0].actor == sec.staff.id and rows[0].target_id == str(sysadm.staff.id)
    # The other administrator's open session ended; the next sign-in enrols again.
    assert victim.get("/admin/").status_code == 302
    again = Console(server.base_url)
    r = again.post("/admin/login", {"username": "sys1", "password": sysadm.password})
    assert r.headers["Location"] == "/admin/login/enrol"
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', again.get("/admin/login/enrol").text).group(1)
    assert again.post("/admin/login/enrol", {"code": fresh_code(secret)}).headers["Location"] == "/admin/"


def test_only_the_security_admin_resets_totp(server, f, org):
    sysadm = f.admin("system", "sys1", unit=org.a)
    aud = f.admin("audit", "aud1", unit=org.a)
    for account in (sysadm, aud):
        c = Console(server.base_url).login(account)
        assert c.get("/admin/account/admins").status_code == 403
        other = aud if account is sysadm else sysadm
        assert c.post(f"/admin/account/admins/{other.staff.id}/reset-totp").status_code == 403
    assert cred_of(server, sysadm.staff).totp_enabled and cred_of(server, aud.staff).totp_enabled


def test_browser_forced_change_and_totp_reset(new_page, f, org):
    admin = f.admin("system", "sysadmin", unit=org.a, must_change=True)
    page = new_page()
    page.goto("/admin/login")
    page.fill("#username", admin.username)
    page.fill("#password", admin.password)
    page.click("button:has-text('下一步')")
    page.wait_for_url("**/admin/login/totp")
    page.fill("#code", fresh_code(admin.secret))
    page.click("button:has-text('登录')")
    page.wait_for_url("**/admin/login/password")
    page.fill("#current", admin.password)
    page.fill("#new", NEW)
    page.fill("#repeat", NEW + "1")
    page.click("button:has-text('修改密码并登录')")
    assert "两次输入的新密码不一致" in page.inner_text(".notice.bad")
    shot(page, "usability-01-forced-password-change")
    page.fill("#current", admin.password)
    page.fill("#new", NEW)
    page.fill("#repeat", NEW)
    page.click("button:has-text('修改密码并登录')")
    page.wait_for_url("**/admin/")
    # The header names the person once (the demo administrator's name is the role's name).
    assert page.inner_text(".topbar .who").strip() == "系统管理员"
    shot(page, "usability-02-dashboard-header")

    sec = f.admin("security", "secadmin", unit=org.a)
    page2 = new_page()
    sign_in(page2, sec)
    page2.click(".topbar a:has-text('管理员账号')")
    page2.wait_for_url("**/admin/account/admins")
    assert page2.locator("tr[data-username='secadmin'] button").count() == 0
    page2.on("dialog", lambda d: d.accept())
    page2.click("tr[data-username='sysadmin'] button:has-text('重置动态口令')")
    page2.wait_for_selector(".notice.ok")
    assert "已重置" in page2.inner_text(".notice.ok")
    assert "待绑定" in page2.inner_text("tr[data-username='sysadmin']")
    shot(page2, "usability-03-admin-accounts")
