"""按国务院通知录入节假日 in a real browser: paste, preview (problems block saving), upload a file,
save and publish; screenshots under test-output/admin/ (prefix 33-)."""
import pytest

from tests.admin.test_console_browser import CHROMIUM, browser, new_page, shot, sign_in  # noqa: F401
from tests.calendar.test_notice_import import NOTICE_2027

pytestmark = pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="Debian chromium not installed")


def test_import_notice_preview_then_save(new_page, server, f, org):
    admin = f.admin("system", "sys-cal-import", unit=org.a)
    page = new_page()
    sign_in(page, admin)
    page.goto("/admin/calendar?year=2027")
    page.click("#import-notice")
    page.wait_for_selector("#notice-form")
    page.fill("#n-text", NOTICE_2027 + "\n七、某节：放假若干天")
    page.click("#preview-notice")
    assert "无法识别" in page.inner_text("#import-problems")
    assert page.locator("#save-notice").count() == 0
    shot(page, "33-calendar-import-problems")
    page.fill("#n-text", "")
    page.set_input_files("#n-file", files=[{"name": "2027.txt", "mimeType": "text/plain",
                                            "buffer": ("\ufeff" + NOTICE_2027).encode("utf-8")}])
    page.click("#preview-notice")
    assert page.inner_text("#count-holidays") == "27" and page.inner_text("#count-makeup") == "6"
    assert "调休上班" in page.inner_text("#import-preview")
    shot(page, "34-calendar-import-preview")
    page.once("dialog", lambda d: d.accept())
    page.click("#save-notice")
    assert "已按通知录入 2027 年节假日" in page.inner_text(".notice.ok")
    assert "makeup_workday" in page.get_attribute("td:has(a[data-day='2027-02-14'])", "class")
    assert "holiday" in page.get_attribute("td:has(a[data-day='2027-10-01'])", "class")
    assert "已录入并发布" in page.inner_text("#year-status")
    shot(page, "35-calendar-import-saved")
