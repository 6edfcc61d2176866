"""假期余额表 (GET /api/leave/balances/table, POST /api/leave/balances/fill): filters, order, paging,
totals, XLSX export, and the HR officer's reach (the other unit's balances never appear)."""
import io

from openpyxl import load_workbook

from models.audit import AuditLog
from models.base import fetch_all

YEAR = 2026
A_PEOPLE = 16    # tests/factories.py::Factory.org: unit A's active staff
B_PEOPLE = 5


async def _audit(action):
    return await fetch_all(AuditLog.select().where(AuditLog.action == action))


def _fill(client, year=YEAR):
    r = client.post("/api/leave/balances/fill", {"year": year})
    assert r.status == 200, r.json
    return r.data


def test_fill_then_table_lists_only_my_units_people_sorted(api, server, org):
    hr = api.as_(org.a_hr_officer)
    assert hr.get(f"/api/leave/balances/table?year={YEAR}").data == []      # no rows before filling
    assert _fill(hr) == {"year": YEAR, "people": A_PEOPLE}
    assert _fill(api.as_(org.b_hr_officer)) == {"year": YEAR, "people": B_PEOPLE}
    r = hr.get(f"/api/leave/balances/table?year={YEAR}&page_size=200")
    assert r.status == 200 and r.json["total"] == A_PEOPLE and r.json["page"] == 1
    rows = r.data
    assert {x["type_code"] for x in rows} == {"annual"} and rows[0]["type_name"] == "年休假"
    names = [x["name"] for x in rows]
    assert "乙局长" not in names and "乙人事专员" not in names and "办公室职工一" in names
    assert all(x["department_name"] != "" for x in rows)
    # By department, then name (CJK sorts by code point both in SQLite and MariaDB's unicode_ci).
    assert [(x["department_name"], x["name"]) for x in rows] == sorted(
        (x["department_name"], x["name"]) for x in rows)
    assert [x["department_name"] for x in rows][:4] == ["人事科"] * 4
    assert [x["name"] for x in rows if x["department_name"] == "财务科"] == [
        "财务科职工一", "财务科职工二", "财务科负责人"]
    totals = r.json["totals"]
    assert totals["people"] == A_PEOPLE
    assert totals["remaining"] == round(sum(x["remaining"] for x in rows), 2)
    assert totals["entitled"] == round(sum(x["entitled"] + x["adjusted"] for x in rows), 2)
    # B's HR officer sees B's only.
    b_rows = api.as_(org.b_hr_officer).get(f"/api/leave/balances/table?year={YEAR}&page_size=200").data
    assert {x["name"] for x in b_rows} <= {"乙局长", "乙人事专员", "办公室职工一", "办公室职工二", "办公室负责人"}
    assert len(b_rows) == B_PEOPLE and not {x["staff_id"] for x in b_rows} & {x["staff_id"] for x in rows}
    assert len(server.run(_audit("leave.balance.fill"))) == 2


def test_filters_department_subtree_type_below_and_paging(api, org):
    hr = api.as_(org.a_hr_officer)
    _fill(hr)
    # A unit-specific tracked type with a fixed quota: two rows per person.
    r = hr.post("/api/leave/types", {"code": "study", "name": "学习假", "count_mode": "working_days",
                                     "balance_tracked": True, "quota_rule": "fixed", "quota_days": 5})
    assert r.status == 201, r.json
    _fill(hr)
    all_rows = hr.get(f"/api/leave/balances/table?year={YEAR}&page_size=200")
    assert all_rows.json["total"] == 2 * A_PEOPLE
    # 人事科 includes 档案组 below it, not 财务科.
    r = hr.get(f"/api/leave/balances/table?year={YEAR}&department_id={org.a_hr.id}&page_size=200")
    depts = {x["department_name"] for x in r.data}
    assert depts == {"人事科", "档案组"} and r.json["total"] == 2 * 7     # 3 + 3 + the HR officer
    r = hr.get(f"/api/leave/balances/table?year={YEAR}&department_id={org.a_hr_files.id}&type_code=study")
    assert {x["name"] for x in r.data} == {"档案组负责人", "档案组职工一", "档案组职工二"}
    assert {x["type_name"] for x in r.data} == {"学习假"} and {x["remaining"] for x in r.data} == {5}
    # Remaining below N: take 3 days off one person's 学习假 by adjustment.
    target = next(x for x in r.data if x["name"] == "档案组职工一")
    assert hr.post(f"/api/leave/balances/{target['id']}/adjust", {"delta": -3, "reason": "测试"}).status == 200
    r = hr.get(f"/api/leave/balances/table?year={YEAR}&type_code=study&below=3")
    assert [(x["name"], x["remaining"], x["adjusted"]) for x in r.data] == [("档案组职工一", 2, -3)]
    assert r.json["totals"] == {"people": 1, "entitled": 2, "used": 0, "pending": 0, "remaining": 2,
                                "lieu": 0}
    assert hr.get(f"/api/leave/balances/table?year={YEAR}&below=-1").json["total"] == 0
    # Paging: the pages together are the whole table, in the same order, without repeats.
    pages = []
    for p in (1, 2, 3, 4):
        r = hr.get(f"/api/leave/balances/table?year={YEAR}&page={p}&page_size=10")
        assert r.json["total"] == 2 * A_PEOPLE
        pages += [x["id"] for x in r.data]
    assert pages == [x["id"] for x in all_rows.data] and len(set(pages)) == 2 * A_PEOPLE
    # Another year: nothing until filled.
    assert hr.get("/api/leave/balances/table?year=2025").json["total"] == 0


def test_reach_and_bad_input(api, org):
    hr = api.as_(org.a_hr_officer)
    _fill(hr)
    _fill(api.as_(org.b_hr_officer))
    # B's department: 404 for A's HR, and B's HR cannot reach A's.
    r = hr.get(f"/api/leave/balances/table?year={YEAR}&department_id={org.b_office.id}")
    assert r.status == 404 and r.code == "DEPARTMENT_NOT_FOUND"
    r = api.as_(org.b_hr_officer).get(f"/api/leave/balances/table?year={YEAR}&department_id={org.a_fin.id}")
    assert r.status == 404
    r = api.as_(org.b_hr_officer).get(f"/api/leave/balances/table?year={YEAR}&department_id={org.a_fin.id}&format=xlsx")
    assert r.status == 404
    # Without leave.manage: 403 (a leader, a plain member of staff).
    for who in (org.fin_leader, org.fin_1):
        assert api.as_(who).get(f"/api/leave/balances/table?year={YEAR}").status == 403
        assert api.as_(who).post("/api/leave/balances/fill", {"year": YEAR}).status == 403
    assert api.get(f"/api/leave/balances/table?year={YEAR}").status == 401
    for bad in ("year=1999", "below=abc", "below=nan", "page=0", "page_size=500", "format=pdf",
                "department_id=0", "department_id=99999999999999999999", "type_code=" + "x" * 30):
        r = hr.get(f"/api/leave/balances/table?{bad}")
        assert r.status in (400, 422), (bad, r.status, r.json)
        assert r.json["error"]["message"]
    assert hr.post("/api/leave/balances/fill", {"year": 3000}).status == 422


def test_xlsx_export_contents_neutralised_and_audited(api, server, f, org):
    f.staff(org.a_fin, "=HYPERLINK(\"http://x\")", employee_no="+A-EVIL")
    hr = api.as_(org.a_hr_officer)
    _fill(hr)
    r = hr.get(f"/api/leave/balances/table?year={YEAR}&format=xlsx&department_id={org.a_fin.id}")
    assert r.status == 200
    assert r.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.raw.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("部门", "姓名", "工号", "假期类型", "应享", "调整", "已休", "审批中", "剩余", "调休（天）",
                       "说明")
    body = rows[1:]
    assert len(body) == 4 and {x[0] for x in body} == {"财务科"}
    assert {x[1] for x in body} == {"财务科负责人", "财务科职工一", "财务科职工二", "'=HYPERLINK(\"http://x\")"}
    evil = next(x for x in body if x[1].startswith("'="))
    assert evil[2] == "'+A-EVIL" and evil[3] == "年休假"
    assert all(isinstance(x[8], (int, float)) for x in body)      # numbers stay numbers
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    # The table JSON matches the export.
    data = hr.get(f"/api/leave/balances/table?year={YEAR}&department_id={org.a_fin.id}").data
    assert sorted(x["remaining"] for x in data) == sorted(x[8] for x in body)
    logs = server.run(_audit("leave.balance.export"))
    assert len(logs) == 1 and logs[0].actor == org.a_hr_officer.id
    # B's HR exporting their whole table gets none of A's people.
    _fill(api.as_(org.b_hr_officer))
    r = api.as_(org.b_hr_officer).get(f"/api/leave/balances/table?year={YEAR}&format=xlsx")
    names = {x[1] for x in list(load_workbook(io.BytesIO(r.raw.content)).active
                              .iter_rows(values_only=True))[1:]}
    assert len(names) == B_PEOPLE and not any(n.startswith("财务科") or n.startswith("甲") for n in names)
