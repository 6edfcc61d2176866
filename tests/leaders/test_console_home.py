"""Console home for a department leader signed in without a grant (issue 14): instead of
"您的授权：无" it says what they may see — the departments they lead (their subtree, read-only);
another department or unit is not named; someone who leads nothing sees no such line.
Screenshot: test-output/admin/leader-home-scope.png."""
import os
import re

import pytest

from tests.admin.console import CHROMIUM, console_page
from tests.admin.test_pages_http import qr_sign_in


def _scope(html):
    m = re.search(r'<p[^>]*id="leader-scope"[^>]*>(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", m.group(1)) if m else None


def _grants(html):
    m = re.search(r'<p[^>]*id="my-grants"[^>]*>(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", m.group(1))


def test_leader_home_names_their_departments(server, api, org):
    home = qr_sign_in(server, api, org.hr_leader).get("/admin/")
    assert home.status_code == 200
    scope = _scope(home.text)
    assert scope is not None
    assert "人事科" in scope and "及其下级部门（共 2 个部门）" in scope and "只读" in scope
    assert "档案组" not in scope  # inside the subtree: counted, not listed as a top
    for other in ("财务科", "办公室", "乙局"):
        assert other not in scope
    assert _grants(home.text).strip() == "您的授权：无（部门负责人默认权限见下）"


def test_unit_head_and_plain_officer(server, api, org):
    head = _scope(qr_sign_in(server, api, org.a_head).get("/admin/").text)
    assert head is not None
    for name in ("人事科", "财务科", "办公室", "局领导"):
        assert name in head, name
    assert "乙局" not in head
    officer = qr_sign_in(server, api, org.a_hr_officer).get("/admin/").text
    assert _scope(officer) is None  # leads nothing: only their grants
    assert "人事专员" in _grants(officer)


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")
def test_browser_leader_home(server, api, org):
    from tests.admin.test_console_browser import shot

    with console_page(qr_sign_in(server, api, org.hr_leader), server.base_url) as page:
        page.goto("/admin/")
        text = page.inner_text("#leader-scope")
        assert "人事科" in text and "只读" in text
        assert page.locator("#leader-scope .tag").all_inner_texts() == ["人事科"]
        shot(page, "leader-home-scope")
