"""Leaders' department pickers (issue 14): a department leader without a grant reads the
departments of their own subtree (org.view over the led departments only), so the console pages
they may open offer those in their department select; another department of the unit, another
unit's departments and every org write stay out of reach."""
import re

from tests.admin.test_pages_http import qr_sign_in
from tests.attendance.helpers import at, setup_a

DAY = "2026-11-02"


def _options(html, select_id):
    m = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert m, f"no select #{select_id}"
    return re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', m.group(1))


def test_leader_lists_only_their_subtree(api, org):
    lead = api.as_(org.hr_leader)
    r = lead.get(f"/api/departments?unit_id={org.a.id}&flat=true")
    assert r.status == 200, r
    names = {d["name"] for d in (r.data if isinstance(r.data, list) else [])}
    ids = {d["id"] for d in r.data}
    assert ids == {org.a_hr.id, org.a_hr_files.id}, names
    assert lead.get(f"/api/departments/{org.a_hr_files.id}").status == 200
    assert lead.get(f"/api/departments/{org.a_fin.id}").status == 404
    assert lead.get(f"/api/departments/{org.b_office.id}").status == 404
    assert lead.get(f"/api/departments?unit_id={org.b.id}").status == 404
    # read only: no org write
    r = lead.post("/api/departments", {"unit_id": org.a.id, "name": "新科室"})
    assert r.status == 403, r
    r = lead.put(f"/api/departments/{org.a_hr_files.id}/leadership", {"leader_id": org.hr_1.id})
    assert r.status == 403, r
    # the unit head leads every department of the unit, and no other unit's
    head = api.as_(org.a_head).get("/api/departments?flat=true")
    assert head.status == 200
    head_ids = {d["id"] for d in head.data}
    assert {org.a_hr.id, org.a_fin.id, org.a_office.id} <= head_ids and org.b_office.id not in head_ids
    # plain staff still have no org reading
    assert api.as_(org.hr_1).get("/api/departments?flat=true").status == 403


def test_leader_console_pickers_hold_their_departments(server, api, org):
    setup_a(api, org)
    c = qr_sign_in(server, api, org.hr_leader)
    h = at(f"{DAY} 10:00")
    for path, select_id in (("/admin/attendance/board", "b-dept"),
                            ("/admin/attendance/report?month=2026-11", "r-dept"),
                            ("/admin/leave/report?year=2026", "r-dept")):
        page = c.get(path, headers=h)
        assert page.status_code == 200, path
        opts = _options(page.text, select_id)
        assert {int(i) for i, _ in opts} == {org.a_hr.id, org.a_hr_files.id}, (path, opts)
        assert not any(n in ("财务科", "办公室") for _, n in opts)
    # picking a department of the subtree narrows the board; another department is refused
    board = c.get(f"/admin/attendance/board?department_id={org.a_hr_files.id}", headers=h)
    assert board.status_code == 200 and "档案组职工一" in board.text and "人事科职工一" not in board.text
    assert c.get(f"/admin/attendance/board?department_id={org.a_fin.id}", headers=h).status_code == 404
    # org pages stay closed (org.manage)
    assert c.get("/admin/org").status_code == 403
