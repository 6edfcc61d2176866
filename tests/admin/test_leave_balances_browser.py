"""假期余额表 console page in a real browser (Playwright + Debian chromium), and over HTTP: fill the
year, filter by department subtree / type / remaining below N, page, export XLSX; the other unit's
people never appear. Screenshots under test-output/admin/ (prefix 6x-)."""
import datetime
import io
import os

import pytest
from openpyxl import load_workbook

from models.audit import AuditLog
from models.base import fetch_all
from tests.admin.test_console_browser import CHROMIUM, browser, new_page, shot  # noqa: F401
from tests.admin.test_leave_browser import as_staff
from tests.admin.test_leave_pages import console_as
from services.leave import local_today
from tests.leave.test_balance_table_lieu import _overtime

needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")


async def _audit(action):
    return await fetch_all(AuditLog.select().where(AuditLog.action == action))


@needs_chromium
def test_balance_table_page_fill_filter_export(new_page, server, api, org, f):
    year = local_today().year
    page = as_staff(new_page, server, org.a_hr_officer)
    page.click("nav.sidenav a:has-text('假期余额')")
    page.click(".tabs a:has-text('余额表')")
    assert "没有符合条件的余额记录" in page.inner_text("#balance-table")
    page.once("dialog", lambda d: d.accept())
    page.click("#t-fill")
    assert f"已生成 {year} 年度 16 人的假期余额" in page.inner_text(".notice.ok")
    table = page.inner_text("#balance-table")
    assert "财务科职工一" in table and "年休假" in table
    assert "乙" not in table                                # B's people never appear
    assert "共 16 人" in page.inner_text("#t-summary")
    # One person's balance is reduced: the "remaining below" filter finds only them.
    b = api.as_(org.a_hr_officer).get(f"/api/leave/balances?year={year}&staff_id={org.files_1.id}").data[0]
    assert api.as_(org.a_hr_officer).post(f"/api/leave/balances/{b['id']}/adjust",
                                          {"delta": -b["remaining"] + 1, "reason": "测试"}).status == 200
    # Their approved overtime: half a day of 调休 in its own column.
    _overtime(api, org, org.files_1, local_today() - datetime.timedelta(days=1), 4)
    page.select_option("#t-dept", str(org.a_hr.id))
    page.select_option("#t-type", "annual")
    page.click("#t-search")
    rows = page.locator("#balance-table tbody tr").all_inner_texts()
    assert len(rows) == 7 and all(("人事科" in r or "档案组" in r) for r in rows)
    assert rows[0].startswith("人事科")
    assert "调休" in page.inner_text("#balance-table thead")
    lieu = dict(zip(page.locator("#balance-table tbody td:nth-child(2)").all_inner_texts(),
                    page.locator("#balance-table tbody td.lieu").all_inner_texts()))
    assert lieu.pop("档案组职工一") == "0.5" and set(lieu.values()) == {"0"}, lieu
    assert "调休 0.5 天" in page.inner_text("#t-summary")
    shot(page, "64-leave-balance-table")
    page.fill("#t-below", "2")
    page.click("#t-search")
    rows = page.locator("#balance-table tbody tr").all_inner_texts()
    assert len(rows) == 1 and "档案组职工一" in rows[0]
    with page.expect_download() as dl:
        page.click("#t-export")
    assert dl.value.suggested_filename.endswith(".xlsx")
    ws = load_workbook(io.BytesIO(open(dl.value.path(), "rb").read())).active
    data = list(ws.iter_rows(values_only=True))
    assert data[0][:4] == ("部门", "姓名", "工号", "假期类型")
    assert [(r[0], r[1], r[8], r[9]) for r in data[1:]] == [("档案组", "档案组职工一", 1, 0.5)]
    assert data[0][9] == "调休（天）"
    page.fill("#t-below", "")
    page.select_option("#t-dept", "")
    page.click("#t-search")
    page.set_viewport_size({"width": 1366, "height": 860})
    shot(page, "65-leave-balance-table-all")


def test_balance_table_pages_over_http(server, org, f):
    hr = console_as(server, org.a_hr_officer)
    year = local_today().year
    assert hr.get("/admin/leave/balances/table").status_code == 200     # sets the _xsrf cookie
    r = hr.post("/admin/leave/balances/fill", {"year": year})
    assert r.status_code == 302 and r.headers["Location"] == f"/admin/leave/balances/table?year={year}"
    for i in range(40):        # 16 + 40 people: two pages of 50
        f.staff(org.a_fin, f"临时人员{i:02d}", employee_no=f"A-T{i:02d}")
    hr.post("/admin/leave/balances/fill", {"year": year})
    page = hr.get(f"/admin/leave/balances/table?year={year}")
    assert page.status_code == 200 and "第 1 / 2 页" in page.text and 'id="t-next"' in page.text
    page2 = hr.get(f"/admin/leave/balances/table?year={year}&page=2")
    assert page2.text.count("<tr>") - 1 == 6             # 56 rows: 50 + 6 (the header row is <tr>)
    # Bad filters are a Chinese 422 page, not a 500; another unit's department is a 404.
    r = hr.get("/admin/leave/balances/table?below=abc")
    assert r.status_code == 422 and "应为数字" in r.text
    r = hr.get(f"/admin/leave/balances/table?department_id={org.b_office.id}")
    assert r.status_code == 404
    r = hr.get(f"/admin/leave/balances/table?year={year}&format=xlsx&type_code=annual")
    assert r.status_code == 200
    names = {row[1] for row in list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))[1:]}
    assert len(names) == 56 and not any(n.startswith("乙") for n in names)
    assert len(server.run(_audit("leave.balance.export"))) == 1
    assert len(server.run(_audit("leave.balance.fill"))) == 2
    # B's HR officer: none of A's people.
    b = console_as(server, org.b_hr_officer)
    b.get("/admin/leave/balances/table")
    b.post("/admin/leave/balances/fill", {"year": year})
    text = b.get(f"/admin/leave/balances/table?year={year}").text
    assert "乙局长" in text and "财务科" not in text and "临时人员" not in text
    # Without leave.manage: refused.
    assert console_as(server, org.fin_leader).get("/admin/leave/balances/table").status_code == 403
