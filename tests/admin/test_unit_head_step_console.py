"""Console form for the unit head's final step (issue 14): /admin/approval-flows/head-step shows
the unit's setting and leadership group and saves 报备领导班子 / 指定人员 (by 工号 within the
HR officer's reach) / 上级机关联系人 (by 工号 or #人员编号) through services/approval_settings,
audited; wrong people are refused with the field named; another unit's HR officer gets 404, a
department leader or plain staff no page. Screenshot: test-output/admin/head-step-*.png."""
import os
import re

import pytest

from models.audit import AuditLog
from models.base import fetch_all
from tests.admin.console import CHROMIUM, console_page
from tests.admin.test_pages_http import qr_sign_in
from tests.leaders.test_unit_head_step import _unit_above

PAGE = "/admin/approval-flows/head-step"


def _audits(server):
    return server.run(fetch_all(AuditLog.select().where(
        AuditLog.action == "approval.settings.update").order_by(AuditLog.id)))


def _text(html, element_id):
    m = re.search(rf'id="{element_id}"[^>]*>(.*?)</(p|div)>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1))) if m else None


def test_hr_officer_sets_the_final_step(server, api, org, f):
    c = qr_sign_in(server, api, org.a_hr_officer)
    flows = c.get("/admin/approval-flows")
    assert flows.status_code == 200 and 'id="head-step-link"' in flows.text
    assert "报备单位领导班子" in _text(flows.text, "head-step-panel")
    page = c.get(PAGE)
    assert page.status_code == 200
    assert "报备单位领导班子" in _text(page.text, "head-step-current")
    assert "甲副局长" in page.text or org.a_deputy.name in page.text  # the leadership group

    # a named person of the unit, by 工号
    r = c.post(PAGE, {"unit_id": org.a.id, "head_step": "person", "staff_ref": org.office_leader.employee_no})
    assert r.status_code == 302, r.text[:500]
    got = api.as_(org.a_hr_officer).get(f"/api/approval-settings/{org.a.id}").data
    assert got["head_step"] == "person" and got["head_step_staff"]["id"] == org.office_leader.id
    entries = _audits(server)
    assert len(entries) == 1 and entries[0].actor == org.a_hr_officer.id
    assert entries[0].after == {"head_step": "person", "head_step_staff_id": org.office_leader.id}
    page = c.get(PAGE)
    assert "指定人员审批" in _text(page.text, "head-step-current")
    assert org.office_leader.name in _text(page.text, "head-step-current")

    # refusals: the head himself, someone of another unit, nobody, an unknown mode
    for data, field in (({"head_step": "person", "staff_ref": org.a_head.employee_no}, "staff_ref"),
                        ({"head_step": "person", "staff_ref": org.b_office_1.employee_no}, "staff_ref"),
                        ({"head_step": "person", "staff_ref": ""}, "staff_ref"),
                        ({"head_step": "superior", "staff_ref": f"#{org.fin_1.id}"}, "staff_ref"),
                        ({"head_step": "everyone"}, None)):
        r = c.post(PAGE, {"unit_id": org.a.id, **data})
        assert r.status_code == 422, (data, r.status_code)
        assert 'id="head-step-error"' in r.text
        if field:
            assert 'id="staff-ref-error"' in r.text, data
    assert len(_audits(server)) == 1  # nothing saved by a refusal

    # the superior organ's contact, outside the officer's reach: by #人员编号
    contact = _unit_above(f, server, org)["contact"]
    r = c.post(PAGE, {"unit_id": org.a.id, "head_step": "superior", "staff_ref": f"#{contact.id}"})
    assert r.status_code == 302, r.text[:500]
    got = api.as_(org.a_hr_officer).get(f"/api/approval-settings/{org.a.id}").data
    assert got["head_step"] == "superior" and got["head_step_staff"]["id"] == contact.id
    # back to the group
    assert c.post(PAGE, {"unit_id": org.a.id, "head_step": "group"}).status_code == 302
    assert api.as_(org.a_hr_officer).get(f"/api/approval-settings/{org.a.id}").data["head_step"] == "group"
    assert [e.after["head_step"] for e in _audits(server)] == ["person", "superior", "group"]


def test_only_the_units_officer(server, api, org):
    other = qr_sign_in(server, api, org.b_hr_officer)
    assert other.get(f"{PAGE}?unit_id={org.a.id}").status_code == 404
    r = other.post(PAGE, {"unit_id": org.a.id, "head_step": "group"})
    assert r.status_code == 404
    assert other.get(PAGE).status_code == 200  # their own unit
    assert _audits(server) == []
    leader = qr_sign_in(server, api, org.hr_leader)  # a leader: no approval.flow.manage
    assert leader.get(PAGE).status_code == 403
    assert leader.post(PAGE, {"unit_id": org.a.id, "head_step": "group"}).status_code == 403


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")
def test_browser_head_step_form(server, api, org):
    from tests.admin.test_console_browser import shot

    with console_page(qr_sign_in(server, api, org.a_hr_officer), server.base_url) as page:
        page.goto("/admin/approval-flows")
        page.click("#head-step-link")
        page.wait_for_url("**/admin/approval-flows/head-step**")
        assert page.is_checked("#mode-group")
        page.check("#mode-person")
        page.fill("#staff-ref", org.a_head.employee_no)
        page.click("#save-head-step")
        assert "主要负责人本人" in page.inner_text("#head-step-error") or \
            "不能是" in page.inner_text("#head-step-error")
        shot(page, "head-step-01-refused")
        page.check("#mode-person")
        page.fill("#staff-ref", org.office_leader.employee_no)
        page.click("#save-head-step")
        page.wait_for_selector(".notice.ok[role=status]")
        assert "已保存" in page.inner_text(".notice.ok[role=status]")
        assert org.office_leader.name in page.inner_text("#head-step-current")
        shot(page, "head-step-02-saved")
