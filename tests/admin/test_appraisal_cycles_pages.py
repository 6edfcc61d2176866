"""Console appraisal-cycle pages over HTTP: HR only (403 for others), another unit's cycle 404,
the create form with a holiday deadline refused, launch, participants add/remove/reopen with a
reason (audited), indicators, templates, the monitor."""
import re

from models.appraisal.cycles import AppraisalCycle, CycleParticipant
from models.audit import AuditLog
from models.base import fetch_all
from tests.admin.test_leave_pages import console_as
from tests.appraisal.cycles_support import NOW, as_, goal_set_row, launched_cycle

H = {"X-Mingjing-Now": NOW}


def _form(phases=None, **over):
    data = {"name": "2026年度考核", "kind": "annual", "year": "2026", "min_items": "3", "max_items": "10",
            "long_leave_days": "180", "seconded_out": "1"}
    for code, opens, closes in phases or [("goal_setting", "2026-01-05", "2026-01-30"),
                                          ("progress", "2026-02-02", "2026-11-30"),
                                          ("self_assessment", "2026-12-01", "2026-12-15")]:
        data.update({f"{code}_on": "1", f"{code}_opens": opens, f"{code}_closes": closes})
    data.update(over)
    return data


def _audit(server, action):
    return server.run(fetch_all(AuditLog.select().where(AuditLog.action == action)))


def test_pages_are_hr_only_and_scoped(server, api, org):
    c = launched_cycle(as_(api, org.a_hr_officer))
    pages = ["", "/participants", "/indicators", "/templates", "/monitor", "/edit"]
    leader = console_as(server, org.a_checker)   # a console user without appraisal.manage
    assert leader.get("/admin/appraisal/cycles").status_code == 403
    for suffix in pages:
        assert leader.get(f"/admin/appraisal/cycles/{c['id']}{suffix}").status_code == 403, suffix
    b = console_as(server, org.b_hr_officer)
    assert c["name"] not in b.get("/admin/appraisal/cycles").text
    for suffix in pages:
        assert b.get(f"/admin/appraisal/cycles/{c['id']}{suffix}").status_code == 404, suffix
    r = b.post(f"/admin/appraisal/cycles/{c['id']}/close")
    assert r.status_code == 404
    r = b.post(f"/admin/appraisal/cycles/{c['id']}/participants/remove",
               {"staff_id": org.office_1.id, "reason": "越权"})
    assert r.status_code == 404
    assert server.run(AppraisalCycle.aget(AppraisalCycle.id == c["id"])).status == "launched"
    hr = console_as(server, org.a_hr_officer)
    nav = re.search(r'<nav class="sidenav".*?</nav>', hr.get("/admin/").text, re.S).group(0)
    assert "考核周期" in nav


def test_create_launch_and_manage_participants(server, api, org, f):
    hr = console_as(server, org.a_hr_officer)
    page = hr.get("/admin/appraisal/cycles/new")
    assert page.status_code == 200 and "阶段与日期" in page.text
    bad = hr.post("/admin/appraisal/cycles/new", _form(progress_closes="2026-10-01"), headers=H)
    assert bad.status_code == 422 and "建议改为" in bad.text and "国庆节" in bad.text
    assert not server.run(fetch_all(AppraisalCycle.select()))
    r = hr.post("/admin/appraisal/cycles/new", _form(department_ids=[str(org.a_office.id)]), headers=H)
    assert r.status_code == 302, r.text[:500]
    cid = int(re.search(r"/cycles/(\d+)", r.headers["Location"]).group(1))
    detail = hr.get(f"/admin/appraisal/cycles/{cid}", headers=H)
    assert "筹备中" in detail.text and "办公室（含下级部门）" in detail.text
    r = hr.post(f"/admin/appraisal/cycles/{cid}/launch", headers=H)
    assert r.status_code == 302
    assert "已启动" in hr.get(f"/admin/appraisal/cycles/{cid}", headers=H).text
    people = hr.get(f"/admin/appraisal/cycles/{cid}/participants").text
    assert "办公室职工一" in people and "人事科职工一" not in people
    # Remove without a reason: refused; with one: audited.
    hr.post(f"/admin/appraisal/cycles/{cid}/participants/remove", {"staff_id": org.office_2.id})
    assert "请填写原因" in hr.get(f"/admin/appraisal/cycles/{cid}/participants").text
    hr.post(f"/admin/appraisal/cycles/{cid}/participants/remove",
            {"staff_id": org.office_2.id, "reason": "借调外单位"})
    assert _audit(server, "appraisal.participant.remove")[0].after["reason"] == "借调外单位"
    hr.post(f"/admin/appraisal/cycles/{cid}/participants/add", {"employee_no": org.hr_1.employee_no,
                                                                 "reason": "支援办公室"})
    assert _audit(server, "appraisal.participant.add")[0].after["reason"] == "支援办公室"
    r = hr.post(f"/admin/appraisal/cycles/{cid}/participants/add", {"employee_no": "B-b_office-1",
                                                                     "reason": "外单位"})
    assert "本单位没有工号" in hr.get(f"/admin/appraisal/cycles/{cid}/participants").text
    hr.post(f"/admin/appraisal/cycles/{cid}/participants/reopen",
            {"employee_no": org.office_1.employee_no, "phase": "goal_setting", "until": "2027-01-08",
             "reason": "补填"})
    assert _audit(server, "appraisal.phase.reopen")[0].after["reason"] == "补填"
    rows = {p.staff_id: p for p in server.run(fetch_all(CycleParticipant.select().where(
        CycleParticipant.cycle == cid)))}
    assert rows[org.office_2.id].status == "removed" and rows[org.hr_1.id].source == "added"
    # Move a date: needs a reason.
    hr.post(f"/admin/appraisal/cycles/{cid}/phases", {"phase": "goal_setting", "opens_on": "2026-01-05",
                                                      "closes_on": "2026-01-29"})
    assert not _audit(server, "appraisal.phase.move")
    hr.post(f"/admin/appraisal/cycles/{cid}/phases", {"phase": "goal_setting", "opens_on": "2026-01-05",
                                                      "closes_on": "2026-01-29", "reason": "提前"})
    assert _audit(server, "appraisal.phase.move")[0].after["closes_on"] == "2026-01-29"


def test_indicators_templates_and_monitor_pages(server, api, org, f):
    clerk = f.staff(org.a_office, "科员乙", position="科员")
    c = launched_cycle(as_(api, org.a_hr_officer))
    hr = console_as(server, org.a_hr_officer)
    base = f"/admin/appraisal/cycles/{c['id']}"
    assert hr.get(base).status_code == 200       # sets the XSRF cookie
    hr.post(f"{base}/indicators", {"department_id": org.a_office.id, "title": "办件量", "code": "gov.cases",
                                   "target": "1200", "unit_of_measure": "件", "weight": "30"})
    page = hr.get(f"{base}/indicators").text
    assert "办件量" in page and "尚无个人目标关联" in page
    hr.post(f"{base}/indicators", {"department_id": org.a_office.id, "title": "重复", "code": "gov.cases"})
    assert "已被本周期的其他指标使用" in hr.get(f"{base}/indicators").text
    r = hr.post(f"{base}/templates", {"name": "科员目标", "position_id": str(clerk.position_id),
                                      "item_title": ["重点工作", "办件量"], "item_kind": ["qualitative", "quantitative"],
                                      "item_target": ["", "1200"], "item_unit": ["", "件"],
                                      "item_weight": ["60", "40"], "item_criteria": ["按期完成", ""]})
    assert r.status_code == 302
    page = hr.get(f"{base}/templates").text
    assert "科员目标" in page and "权重合计 100" in page
    assert _audit(server, "appraisal.template.create")
    goal_set_row(server, c["id"], org.office_1, "submitted")
    goal_set_row(server, c["id"], org.fin_1, "confirmed", confirmed=True)
    m = hr.get(f"{base}/monitor", headers=H)
    assert m.status_code == 200
    assert re.search(r'data-count="submitted">1<', m.text) and re.search(r'data-count="confirmed">1<', m.text)
    assert "办公室职工一" in m.text
