"""The audit log as the security auditor reads it (issue 15): Chinese action labels, names
instead of ids, a before/after table of the changed fields (PII masked), filters by person name,
action, target type and date range, and the export keeping the filters."""
import csv
import io
import re
import types

from models.base import atomic
from services import audit
from tests.admin.console import Console
from tests.admin.test_console_browser import browser, new_page, shot, sign_in  # noqa: F401


def write(server, *, actor, action, target_type, target_id, before=None, after=None, unit_id=None):
    who = types.SimpleNamespace(id=actor.id, staff=actor, unit_id=actor.unit_id, ip="10.0.0.9",
                                request_id="t")

    async def go():
        async with atomic():
            await audit.record(actor=who, action=action, target_type=target_type,
                               target_id=target_id, before=before, after=after, unit_id=unit_id)
    server.run(go())


def seed(server, org):
    # The HR officer of A changes a person's phone and department; B's officer does the same in B.
    write(server, actor=org.a_hr_officer, action="staff.update", target_type="staff",
          target_id=org.office_1.id, before={"phone": "138****0001", "name": org.office_1.name,
                                             "status": "active"},
          after={"phone": "13900000002", "name": org.office_1.name, "status": "active"},
          unit_id=org.a.id)
    write(server, actor=org.a_hr_officer, action="leave.type.update", target_type="leave_type",
          target_id=7, before={"paid": False}, after={"paid": True}, unit_id=org.a.id)
    write(server, actor=org.a_hr_officer, action="brand.new_thing", target_type="gizmo",
          target_id=3, after={"x": 1}, unit_id=org.a.id)
    write(server, actor=org.b_hr_officer, action="staff.update", target_type="staff",
          target_id=org.b_office_1.id, before={"status": "active"}, after={"status": "retired"},
          unit_id=org.b.id)


def rows_text(html):
    body = re.search(r'<table id="audit-table">(.*)</table>', html, re.S).group(1)
    return re.sub(r"<[^>]+>", " ", body)


def test_audit_entries_read_in_chinese_with_names_and_changes(server, f, org):
    seed(server, org)
    aud = Console(server.base_url).login(f.admin("audit", "aud1", unit=org.a))
    page = aud.get("/admin/audit")
    assert page.status_code == 200
    text = rows_text(page.text)
    assert "修改人员信息" in text and "修改假期类型" in text
    # Names, not staff#36; the person changed is named.
    assert f"人员：{org.office_1.name}" in text and f"staff#{org.office_1.id}" not in text
    assert org.a_hr_officer.name in text
    # A before/after table of the changed fields only; an unmasked phone is masked for display.
    assert "手机号" in text and "138****0001" in text and "139****0002" in text
    assert "13900000002" not in page.text
    assert "状态" not in re.search(r"修改人员信息(.*?)</tr>", page.text, re.S).group(1)
    assert re.search(r"带薪\s*</td>\s*<td[^>]*>\s*否\s*</td>\s*<td[^>]*>\s*是", page.text)
    # An action without a label is shown as it is.
    assert "brand.new_thing" in text and "gizmo #3" in text
    # B's entries are outside A's auditor's reach.
    assert org.b_hr_officer.name not in text and "retired" not in text


def test_audit_filters_by_person_action_target_and_dates(server, f, org):
    seed(server, org)
    aud = Console(server.base_url).login(f.admin("audit", "aud1", unit=org.a))
    # By the name of the person concerned (the target), and by the actor's name.
    text = rows_text(aud.get("/admin/audit", params={"person": org.office_1.name}).text)
    assert "修改人员信息" in text and "修改假期类型" not in text
    text = rows_text(aud.get("/admin/audit", params={"person": org.a_hr_officer.name}).text)
    assert "修改人员信息" in text and "修改假期类型" in text and "登录管理后台" not in text
    # B's person is not found from A, even by name.
    text = rows_text(aud.get("/admin/audit", params={"person": org.b_hr_officer.name}).text)
    assert "没有符合条件的记录" in text
    for action in ("leave.*", "请假", "修改假期类型"):  # a code, a group or a label as typed
        text = rows_text(aud.get("/admin/audit", params={"action": action}).text)
        assert "修改假期类型" in text and "修改人员信息" not in text
    page = aud.get("/admin/audit", params={"target_type": "leave_type"})
    assert "修改假期类型" in rows_text(page.text) and "修改人员信息" not in rows_text(page.text)
    assert '<option value="leave_type" selected>假期类型</option>' in page.text
    assert "没有符合条件的记录" in rows_text(aud.get("/admin/audit", params={"until": "2000-01-01"}).text)
    assert "修改人员信息" in rows_text(aud.get("/admin/audit", params={"since": "2000-01-01"}).text)
    # The export link carries the filters, and the file holds only the filtered entries.
    page = aud.get("/admin/audit", params={"person": org.office_1.name, "since": "2000-01-01"})
    href = re.search(r'id="audit-export" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert "person=" in href and "since=2000-01-01" in href
    r = aud.get(href)
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][4] == "操作" and rows[0][-2:] == ["操作名称", "对象名称"]
    assert len(rows) == 2 and rows[1][4] == "staff.update"
    assert rows[1][-2:] == ["修改人员信息", f"人员：{org.office_1.name}"]


def test_browser_audit_page(new_page, server, f, org):
    seed(server, org)
    auditor = f.admin("audit", "auditor", unit=org.a)
    page = new_page()
    sign_in(page, auditor)
    page.goto("/admin/audit")
    page.fill("#a-person", org.a_hr_officer.name)
    page.click("button:has-text('查询')")
    table = page.inner_text("#audit-table")
    assert "修改人员信息" in table and "139****0002" in table and "登录管理后台" not in table
    shot(page, "usability-05-audit-log")
