"""The console's 公众号 tab: a unit's official account (secret never shown back, audited, limited to
the administrator's units), 立即同步, and the reach view's official-account column — over HTTP
and in Chromium (screenshots test-output/admin/reminders-oa-*.png)."""
import os

import pytest

from models.audit import AuditLog
from models.base import fetch_all
from models.reminders import OfficialAccount
from services import official_account
from tests.admin.console import Console
from tests.reminders.helpers import bind, tick
from tests.reminders.test_official_account import OA_TEMPLATE, login

CHROMIUM = "/usr/bin/chromium"
TEMPLATES = ('{"approval.result": {"template_id": "%s", "fields": {"thing1": "title"}}}'
             % OA_TEMPLATE)


def form(unit, **extra):
    return {"unit_id": str(unit.id), "appid": "wxoa-console", "secret": "s3cret-value",
            "name": "甲局发布", "templates": TEMPLATES, "enabled": "on", **extra}


def test_configure_sync_and_reach_over_http(server, api, f, org, fake_wechat):
    admin = f.admin("system", unit=org.a)
    console = Console(server.base_url).login(admin)
    assert console.get("/admin/reminders/official-accounts").status_code == 200
    # Bad input: 422 with the reason, nothing stored.
    r = console.post("/admin/reminders/official-accounts", form(org.a, templates="{bad"))
    assert r.status_code == 422 and "模板配置应为 JSON" in r.text
    r = console.post("/admin/reminders/official-accounts",
                     form(org.a, templates='{"no.such": {"template_id": "x"}}'))
    assert r.status_code == 422 and "未知的事件" in r.text
    r = console.post("/admin/reminders/official-accounts", form(org.a, secret=""))
    assert r.status_code == 422 and "AppSecret" in r.text
    assert not server.run(fetch_all(OfficialAccount.select()))
    # Another unit is out of this administrator's reach: 404, nothing stored.
    r = console.post("/admin/reminders/official-accounts", form(org.b, appid="wxoa-other"))
    assert r.status_code == 404
    assert console.post("/admin/reminders/official-accounts/sync",
                        {"unit_id": str(org.b.id)}).status_code == 404
    r = console.post("/admin/reminders/official-accounts", form(org.a))
    assert r.status_code == 302
    row, = server.run(fetch_all(OfficialAccount.select()))
    assert row.unit_id == org.a.id and row.appid == "wxoa-console"
    assert "s3cret-value" not in (row.secret_enc or "")
    assert server.env.cipher.decrypt(row.secret_enc) == "s3cret-value"
    page = console.get("/admin/reminders/official-accounts").text
    assert "s3cret-value" not in page and "已设置，留空不修改" in page
    assert "/wechat/oa/wxoa-console" in page
    assert official_account.callback_token(server.env, "wxoa-console") in page
    assert f"oa-unit-{org.b.id}" not in page
    # An empty secret keeps the stored one.
    assert console.post("/admin/reminders/official-accounts",
                        form(org.a, secret="", name="新名称")).status_code == 302
    row = server.run(OfficialAccount.aget(OfficialAccount.id == row.id))
    assert row.name == "新名称" and server.env.cipher.decrypt(row.secret_enc) == "s3cret-value"
    audits = server.run(fetch_all(AuditLog.select().where(
        AuditLog.action == "reminder.official_account").order_by(AuditLog.id)))
    assert len(audits) == 2 and "s3cret" not in str(audits[0].after)
    assert audits[0].after["secret_changed"] is True and audits[1].after["secret_changed"] is False
    # Sync: a WeChat that does not know the appid yet answers an error, shown; then it works.
    r = console.post("/admin/reminders/official-accounts/sync", {"unit_id": str(org.a.id)})
    assert r.status_code == 302
    assert "同步关注者失败" in server.run(OfficialAccount.aget(OfficialAccount.id == row.id)).last_sync_error
    fake_wechat.add_app("wxoa-console", "s3cret-value")
    openid = bind(server, org.office_1)
    login(api, fake_wechat, openid, "U-console-1")
    bind(server, org.office_2)
    fake_wechat.oa_follow("wxoa-console", "oa-console-1", "U-console-1")
    assert console.post("/admin/reminders/official-accounts/sync",
                        {"unit_id": str(org.a.id)}).status_code == 302
    row = server.run(OfficialAccount.aget(OfficialAccount.id == row.id))
    assert row.followers == 1 and row.last_sync_error == ""
    assert server.run(fetch_all(AuditLog.select().where(
        AuditLog.action == "reminder.official_account_sync")))
    reach = console.get("/admin/reminders/reach").text
    one = reach.split(f'id="reach-{org.office_1.id}"')[1].split("</tr>")[0]
    two = reach.split(f'id="reach-{org.office_2.id}"')[1].split("</tr>")[0]
    assert "已关注" in one and "可触达" in one   # no subscribe allowance, reached by the account
    assert "未关注" in two and "仅站内信" in two and "未关注单位公众号" in two


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")
def test_official_account_page_in_chromium(new_page, server, api, f, org, fake_wechat):
    from tests.admin.test_console_browser import shot, sign_in

    fake_wechat.add_app("wxoa-browser", "browser-secret")
    fake_wechat.oa_follow("wxoa-browser", "oa-b-1", "U-b-1")
    openid = bind(server, org.office_1)
    login(api, fake_wechat, openid, "U-b-1")
    admin = f.admin("system")
    page = new_page()
    sign_in(page, admin)
    page.goto("/admin/reminders")
    page.click("a[role=tab]:has-text('公众号')")
    page.wait_for_url("**/admin/reminders/official-accounts")
    section = page.locator(f"#oa-unit-{org.a.id}")
    section.locator("input[name=name]").fill("甲局发布")
    section.locator("input[name=appid]").fill("wxoa-browser")
    section.locator("input[name=secret]").fill("browser-secret")
    section.locator("textarea[name=templates]").fill(TEMPLATES)
    section.locator("button:has-text('保存')").click()
    page.wait_for_url("**/admin/reminders/official-accounts")
    assert "公众号配置已保存" in page.locator(".notice.ok").inner_text()
    section = page.locator(f"#oa-unit-{org.a.id}")
    assert section.locator("input[name=secret]").input_value() == ""
    section.locator("button:has-text('立即同步关注者')").click()
    page.wait_for_url("**/admin/reminders/official-accounts")
    assert "关注者 1 人" in page.locator(".notice.ok").inner_text()
    assert "1" in page.locator(f"#oa-status-{org.a.id}").inner_text()
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, "reminders-oa-config")
    page.click("a[role=tab]:has-text('触达情况')")
    page.wait_for_url("**/admin/reminders/reach")
    assert "已关注" in page.locator(f"#reach-{org.office_1.id} .reach-oa").inner_text()
    shot(page, "reminders-oa-reach")
    tick(api)


def test_key_rotation_reencrypts_the_appsecret(server, f, org, fake_wechat):
    import base64
    import dataclasses

    from server.crypto import PiiCipher
    from services.key_rotation import rotate_keys
    from tests.reminders.test_official_account import setup_account

    account_id = setup_account(server, f, org.a, fake_wechat)
    env = server.env
    new_key = "k9:aes256gcm:" + base64.b64encode(b"n" * 32).decode()
    rotated = PiiCipher(new_key + "," + server.config.security.pii_keys,
                        server.config.security.pii_index_key)
    server.run(rotate_keys(env=dataclasses.replace(env, cipher=rotated)))
    row = server.run(OfficialAccount.aget(OfficialAccount.id == account_id))
    assert row.secret_enc.startswith("k9:") and rotated.decrypt(row.secret_enc) == "oa-secret-a"
