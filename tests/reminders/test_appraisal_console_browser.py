"""考核催办 in Chromium: the cycle's schedule and how many have not submitted, the preview (count and
names, nothing sent yet), the send, then the hourly limit (button disabled, 429 refused) — with
screenshots at 1366 px (test-output/admin/reminders-appraisal-*.png)."""
import os

import pytest

from tests.admin.console import CHROMIUM, console_page
from tests.admin.test_pages_http import qr_sign_in
from tests.reminders.test_appraisal_console import MON, audits, reminders, setup


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")
def test_remind_unsubmitted_in_chromium(browser, server, api, f, org):
    from tests.admin.test_console_browser import shot

    c = setup(f, org, server)
    console = qr_sign_in(server, api, org.a_hr_officer)
    with console_page(console, server.base_url, browser=browser,
                      headers={"X-Mingjing-Now": MON}) as page:
        page.goto("/admin/reminders/appraisal")
        page.click(f"#remind-cycle-{c.id}")
        page.wait_for_url(f"**/admin/reminders/appraisal/{c.id}")
        row = page.locator("#phase-goal_setting")
        assert row.get_attribute("data-state") == "open"
        assert "尚未提交目标：2 人" in row.locator(".todo-count").inner_text()
        assert page.locator("#phase-progress").get_attribute("data-state") == "not_started"
        shot(page, "reminders-appraisal-cycle")
        page.click("#preview-goal_setting")
        page.wait_for_url("**/remind?phase=goal_setting")
        assert page.locator("#preview-count").inner_text() == "2"
        names = page.locator("#preview-people tbody").inner_text()
        assert org.office_1.name in names and org.fin_1.name in names
        assert org.office_2.name not in names and org.hr_1.name not in names
        assert reminders(server) == []          # the preview sends nothing
        shot(page, "reminders-appraisal-preview")
        page.click("#send-remind")
        page.wait_for_url(f"**/admin/reminders/appraisal/{c.id}")
        assert "已向 2 人发送" in page.locator(".notice.ok").inner_text()
        assert sorted(n.recipient_id for n in reminders(server)) == sorted([org.office_1.id,
                                                                            org.fin_1.id])
        assert len(audits(server)) == 1
        # Within the hour: no button, the time it opens again instead.
        assert page.locator("#preview-goal_setting").count() == 0
        assert "后可再次催办" in page.locator("#phase-goal_setting").inner_text()
        shot(page, "reminders-appraisal-sent")
        # The preview page still opens, with the send disabled; a forced post is refused (429).
        page.goto(f"/admin/reminders/appraisal/{c.id}/remind?phase=goal_setting")
        assert page.locator("#send-remind").is_disabled()
        assert "一小时内已催办过" in page.locator("#remind-preview").inner_text()
        page.eval_on_selector("#send-remind", "b => b.removeAttribute('disabled')")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.click("#send-remind")
        assert answer.value.status == 429
        assert "一小时内已催办过" in page.locator("#remind-error").inner_text()
        shot(page, "reminders-appraisal-limited")
        assert len(reminders(server)) == 2 and len(audits(server)) == 1
