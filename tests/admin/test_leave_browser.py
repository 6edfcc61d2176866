"""Leave, approval-flow and calendar console pages in a real browser (Playwright + Debian chromium),
with screenshots under test-output/admin/ (prefix 2x-)."""
import csv
import datetime
import io

import pytest

from models.audit import AuditLog
from models.base import fetch_all
from tests.admin.console import hand_over
from tests.admin.test_console_browser import CHROMIUM, browser, new_page, shot, sign_in  # noqa: F401
from tests.admin.test_leave_pages import NEXT_YEAR, console_as

pytestmark = pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="Debian chromium not installed")


def as_staff(new_page, server, staff, width=1366):
    """A browser page signed in as a scan-to-sign-in user (the cookie of a real console session)."""
    c = console_as(server, staff)
    page = new_page(width=width)
    hand_over(page.context, c, server.base_url)
    page.goto("/admin/")
    return page


def test_leave_types_page_edit_annual_settings(new_page, server, org):
    page = as_staff(new_page, server, org.a_hr_officer)
    page.click("nav.sidenav a:has-text('假期类型')")
    assert "年休假" in page.inner_text("#types-table")
    shot(page, "21-leave-types")
    page.click("#types-table tr:has-text('年休假') a:has-text('修改')")
    page.wait_for_selector("#type-form")
    page.fill("#f-settings", '{"tiers": [[1, 7], [10, 12], [20, 17]], "personal_days_cancel": 20, '
                             '"sick_months_cancel": [[1, 2], [10, 3], [20, 4]], "month_days": 30}')
    shot(page, "22-leave-type-form")
    page.click("#save-type")
    assert "已保存假期类型“年休假”" in page.inner_text(".notice.ok")
    row = page.inner_text("#types-table tr:has-text('年休假')")
    assert "本单位" in row
    page.click("#new-type")
    page.fill("#f-code", "study")
    page.fill("#f-name", "学习假")
    page.select_option("#f-quota", "fixed")
    page.fill("#f-quota-days", "5")
    page.click("#save-type")
    assert "学习假" in page.inner_text("#types-table")
    shot(page, "23-leave-types-saved")


def test_flow_editor_and_preview(new_page, server, org):
    # The editor is built with pickers (admin/static/flow-editor.js); tests/admin/test_flow_editor_browser.py
    # covers it in depth.
    page = as_staff(new_page, server, org.a_hr_officer)
    page.click("nav.sidenav a:has-text('审批流程')")
    assert "当前使用：系统默认" in page.inner_text("#flow-source")
    page.fill("#flow-name", "甲局请假流程")
    page.fill("#step-1-cond-0-value", "2")
    page.click("#add-step")
    page.fill("#step-3-name", "人事备案")
    page.select_option("#step-3-kind", "role")
    page.select_option("#step-3-role", "hr_officer")
    page.click("#step-3-add-approver")
    page.click("#step-3-add-cond")
    page.select_option("#step-3-cond-0-field", "leave_type")
    page.check("#step-3-cond-0-value label:has-text('年休假') input")
    page.check("#step-3-cond-0-value label:has-text('病假') input")
    page.click("#save-flow")
    assert "已保存审批流程" in page.inner_text(".notice.ok")
    assert "当前使用：本单位" in page.inner_text("#flow-source")
    page.fill("#p-emp", "A-fin-1")
    page.fill("#p-days", "5")
    page.select_option("#p-type", "annual")
    page.click("#preview-btn")
    page.wait_for_selector("#preview-result")
    result = page.inner_text("#preview-result")
    assert "财务科负责人" in result and "甲副局长" in result and "甲人事专员" in result
    shot(page, "24-flow-editor-preview")
    page.click("#step-0-approvers button[aria-label='移除 部门负责人']")
    page.click("#save-flow")
    assert "审批流程设置有误" in page.inner_text(".notice.bad")
    shot(page, "25-flow-editor-error")


def test_calendar_editor_publish_removes_the_banner(new_page, server, f, org):
    admin = f.admin("system", "sys-calendar", unit=org.a)
    page = new_page()
    sign_in(page, admin)
    page.wait_for_selector(".year-banner")
    assert f"{NEXT_YEAR} 年节假日安排尚未录入" in page.inner_text(".year-banner")
    shot(page, "26-banner-on-dashboard")
    page.click(".year-banner a")
    page.wait_for_selector("#year-grid")
    assert "未录入" in page.inner_text("#year-status")
    page.click(f"a[data-day='{NEXT_YEAR}-01-01']")
    page.select_option("#d-kind", "holiday")
    page.fill("#d-name", "元旦")
    page.click("#save-day")
    assert "法定节假日（元旦）" in page.inner_text(".notice.ok")
    assert "holiday" in page.get_attribute(f"td:has(a[data-day='{NEXT_YEAR}-01-01'])", "class")
    shot(page, "27-calendar-day-set")
    page.once("dialog", lambda d: d.accept())
    page.click("#publish-year")
    assert f"已发布 {NEXT_YEAR} 年节假日安排" in page.inner_text(".notice.ok")
    assert "已录入并发布" in page.inner_text("#year-status")
    page.goto("/admin/")
    page.wait_for_selector("#calendar-banner", state="attached")
    page.wait_for_timeout(300)
    assert page.locator(".year-banner").count() == 0
    shot(page, "28-dashboard-no-banner")


def test_balance_adjustment_is_audited(new_page, server, org):
    page = as_staff(new_page, server, org.a_hr_officer)
    page.click("nav.sidenav a:has-text('假期余额')")
    page.fill("input[name=q]", "A-office-1")
    page.click("button:has-text('查找')")
    page.click("#people-table a:has-text('办公室职工一')")
    page.wait_for_selector("#balances-table")
    before = page.inner_text("#balances-table tr:has-text('年休假')")
    page.fill("#a-delta", "1.5")
    page.click("#adjust-btn")
    assert "请填写调整原因" in page.inner_text(".notice.bad")
    page.fill("#a-delta", "1.5")
    page.fill("#a-reason", "表彰奖励假（人事〔2026〕12号）")
    page.click("#adjust-btn")
    assert "已调整余额 +1.5 天" in page.inner_text(".notice.ok")
    assert "+1.5" in page.inner_text("#balances-table tr:has-text('年休假')") != before
    shot(page, "29-balance-adjusted")
    rows = server.run(fetch_all(AuditLog.select().where(AuditLog.action == "leave.balance.adjust")))
    assert len(rows) == 1 and rows[0].after["reason"] == "表彰奖励假（人事〔2026〕12号）"


def test_report_exports_download(new_page, server, org, api, tmp_path):
    me = api.as_(org.fin_1)
    r = me.post("/api/leave/requests", {"type": "sick", "start": "2026-06-01", "start_half": "am",
                                        "end": "2026-06-01", "end_half": "pm", "reason": "感冒"})
    assert r.status == 201, r
    assert api.as_(org.fin_leader).post(f"/api/approvals/{r.data['instance_id']}/actions",
                                        {"action": "approve"}).status == 200
    page = as_staff(new_page, server, org.a_hr_officer)
    page.click("nav.sidenav a:has-text('请假统计')")
    page.fill("#r-year", "2026")
    page.select_option("#r-month", "6")
    page.click("#report-filter button:has-text('统计')")
    assert "财务科" in page.inner_text("#report-table") and "病假" in page.inner_text("#report-table")
    shot(page, "30-leave-report")
    with page.expect_download() as info:
        page.click("#export-csv")
    dl = info.value
    assert dl.suggested_filename == "请假统计-2026-06.csv"
    path = tmp_path / "r.csv"
    dl.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert rows[1][:3] == ["财务科", "6", "病假"]
    with page.expect_download() as info:
        page.click("#export-xlsx")
    assert info.value.suggested_filename == "请假统计-2026-06.xlsx"
    path = tmp_path / "r.xlsx"
    info.value.save_as(path)
    assert path.read_bytes()[:2] == b"PK"


def test_narrow_calendar_page(new_page, server, org):
    page = as_staff(new_page, server, org.a_hr_officer, width=820)
    page.goto(f"/admin/calendar?year={datetime.date.today().year}")
    page.wait_for_selector("#year-grid")
    shot(page, "31-calendar-tablet")
