"""The approval-flows page offers the product's request kinds only: the engine-only kinds the tests
register (tests/approvals/helpers.py, `listed=False`) get no tab, and asking for one shows 请假."""
import re

from services import approvals
from tests.admin.test_leave_pages import console_as
from tests.approvals import helpers  # noqa: F401  (registers test_req and test_leave)


def _tabs(html):
    return re.findall(r'href="/admin/approval-flows\?kind=([a-z_]+)">([^<]+)</a>', html)


def test_test_kinds_have_no_tab_on_the_flows_page(server, org):
    assert {"test_req", "test_leave"} <= set(approvals.KINDS)        # registered, still usable
    hr = console_as(server, org.a_hr_officer)
    page = hr.get("/admin/approval-flows")
    assert page.status_code == 200
    tabs = dict(_tabs(page.text))
    assert tabs.get("leave") == "请假" and "overtime" in tabs, tabs
    assert "test_req" not in tabs and "test_leave" not in tabs, tabs
    assert "测试申请" not in page.text and "测试请假" not in page.text
    # Asked for by name, a test kind falls back to the product's first page (请假).
    forced = hr.get("/admin/approval-flows?kind=test_req")
    assert forced.status_code == 200 and "测试申请" not in forced.text
    assert re.search(r'class="active" href="/admin/approval-flows\?kind=leave"', forced.text)
