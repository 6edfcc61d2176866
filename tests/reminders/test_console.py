"""The console's 消息提醒 pages: template configuration per event, the send log with failures and
reasons, and who can be reached by WeChat — over HTTP and in Chromium (screenshots in
test-output/admin/reminders-*.png)."""
import os

import pytest

from models.base import atomic
from models.reminders import TemplateSetting
from services.notify import raise_notification
from tests.admin.console import Console
from tests.reminders.helpers import bind, tick

CHROMIUM = "/usr/bin/chromium"


def notice(server, *people):
    async def go():
        async with atomic():
            await raise_notification(recipient_ids=[p.id for p in people], kind="approval.result",
                                     title="请假申请已通过")
    server.run(go())


def test_console_templates_log_and_reach_over_http(server, api, f, org, fake_wechat):
    admin = f.admin("system")
    console = Console(server.base_url).login(admin)
    # A staff member without system.config is refused.
    hr = Console(server.base_url)
    assert console.get("/admin/reminders").status_code == 200
    r = console.post("/admin/reminders", {"event": "approval.result", "template_id": "T-RESULT",
                                          "fields": "not json", "enabled": "on"})
    assert r.status_code == 422 and "字段映射" in r.text
    r = console.post("/admin/reminders", {"event": "approval.result", "template_id": "T-RESULT",
                                          "fields": '{"thing1": "title", "time2": "created_at"}',
                                          "enabled": "on"})
    assert r.status_code == 302
    row = server.run(TemplateSetting.aget(TemplateSetting.event == "approval.result"))
    assert row.template_id == "T-RESULT" and row.fields == {"thing1": "title", "time2": "created_at"}
    bind(server, org.office_1)
    api.as_(org.office_1).post("/api/reminders/subscriptions", {"results": {"T-RESULT": "accept"}})
    fake_wechat.fail(47003)
    notice(server, org.office_1, org.office_2)
    tick(api)
    log = console.get("/admin/reminders/log?status=problems").text
    assert "模板参数不正确" in log and "errcode 47003" in log and "未绑定微信" in log
    reach = console.get("/admin/reminders/reach").text
    assert org.office_2.name in reach and "仅站内信" in reach
    assert hr.get("/admin/reminders").status_code in (302, 401, 403)


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")
def test_console_reminder_pages_in_chromium(new_page, server, api, f, org, fake_wechat):
    from tests.admin.test_console_browser import shot, sign_in

    admin = f.admin("system")
    page = new_page()
    sign_in(page, admin)
    page.click("nav.sidenav a:has-text('消息提醒')")
    page.wait_for_url("**/admin/reminders")
    form = page.locator("#tpl-approval-result form")
    form.locator("input[name=template_id]").fill("T-RESULT")
    form.locator("input[name=fields]").fill('{"thing1": "title", "time2": "created_at"}')
    form.locator("input[name=long_term]").check()
    form.locator("input[name=enabled]").check()
    form.locator("button:has-text('保存')").click()
    page.wait_for_url("**/admin/reminders")
    assert page.locator("#tpl-approval-result input[name=template_id]").input_value() == "T-RESULT"
    shot(page, "reminders-templates")
    bind(server, org.office_1)
    api.as_(org.office_1).post("/api/reminders/subscriptions", {"results": {"T-RESULT": "accept"}})
    notice(server, org.office_1, org.office_2)
    tick(api)
    page.click("a[role=tab]:has-text('发送记录')")
    page.wait_for_url("**/admin/reminders/log")
    assert page.locator("#log-table .status-sent").count() == 1
    assert page.locator("#log-table .status-skipped").count() == 1
    page.select_option("#log-status", "problems")
    page.wait_for_url("**status=problems")
    assert page.locator("#log-table tbody tr").count() == 1
    shot(page, "reminders-log")
    page.click("a[role=tab]:has-text('触达情况')")
    page.wait_for_url("**/admin/reminders/reach")
    assert page.locator(f"#reach-{org.office_1.id}").inner_text().count("可触达") == 1
    assert "仅站内信" in page.locator(f"#reach-{org.office_2.id}").inner_text()
    shot(page, "reminders-reach")
