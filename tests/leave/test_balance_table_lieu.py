"""假期余额表's 调休 column: each person's overtime credits valid in the year (days, less used and
reserved), the same number as their own 调休 balance for the year; the totals count each person once; the XLSX
carries it; the other unit's credits never show."""
import datetime
import io

from openpyxl import load_workbook

from models.org import Staff
from services.leave import local_today
from tests.leave.test_leave import act


def _overtime(api, org, who, day, hours):
    """An approved overtime request (each step approved by its current approver)."""
    r = api.as_(who).post("/api/overtime/requests", {"date": day.isoformat(), "hours": hours,
                                                     "reason": "加班处理文件"})
    assert r.status == 201, r.json
    people = {s.id: s for s in vars(org).values() if isinstance(s, Staff)}
    for _ in range(4):
        inst = api.as_(org.a_head).get(f"/api/approvals/{r.data['instance_id']}").data
        if inst["status"] == "approved":
            return
        approver = people[inst["current_assignees"][0]["id"]]
        assert act(api.as_(approver), inst["id"], "approve").status == 200
    raise AssertionError(inst)


def _lieu_of(client, year):
    return next(b for b in client.get(f"/api/leave/balances?year={year}").data
                if b["type_code"] == "lieu")["remaining"]


def test_lieu_column_totals_and_export(api, org):
    today = local_today()
    year = today.year
    hr = api.as_(org.a_hr_officer)
    assert hr.post("/api/leave/balances/fill", {"year": year}).status == 200
    # Two rows a person (年休假 and a unit type), so a per-row sum would count 调休 twice.
    assert hr.post("/api/leave/types", {"code": "study", "name": "学习假", "count_mode": "working_days",
                                        "balance_tracked": True, "quota_rule": "fixed",
                                        "quota_days": 5}).status == 201
    assert hr.post("/api/leave/balances/fill", {"year": year}).status == 200
    _overtime(api, org, org.office_1, today - datetime.timedelta(days=3), 4)      # 0.5 day
    _overtime(api, org, org.office_1, datetime.date(year - 1, 5, 4), 8)           # expired last year
    _overtime(api, org, org.fin_1, today - datetime.timedelta(days=2), 6)         # 0.75 day
    b_lieu = api.as_(org.b_hr_officer)
    assert _lieu_of(api.as_(org.office_1), year) == 0.5    # what the person sees themselves

    r = hr.get(f"/api/leave/balances/table?year={year}&page_size=200")
    assert r.status == 200
    lieu = {}
    for row in r.data:
        lieu.setdefault(row["name"], set()).add(row["lieu"])
    assert lieu["办公室职工一"] == {0.5} and lieu["财务科职工一"] == {0.75}
    assert lieu["办公室职工二"] == {0} and len(lieu) == 16
    assert r.json["totals"]["lieu"] == 1.25                 # once per person, not once per row
    # Filters narrow the totals to the people listed.
    r = hr.get(f"/api/leave/balances/table?year={year}&department_id={org.a_fin.id}")
    assert r.json["totals"]["lieu"] == 0.75
    # The XLSX has the column.
    x = hr.get(f"/api/leave/balances/table?year={year}&format=xlsx&department_id={org.a_office.id}")
    sheet = list(load_workbook(io.BytesIO(x.raw.content)).active.iter_rows(values_only=True))
    col = sheet[0].index("调休（天）")
    assert {row[col] for row in sheet[1:] if row[1] == "办公室职工一"} == {0.5}
    assert {row[col] for row in sheet[1:] if row[1] == "办公室职工二"} == {0}
    # B's HR officer: B's table, none of A's credits.
    assert b_lieu.post("/api/leave/balances/fill", {"year": year}).status == 200
    r = b_lieu.get(f"/api/leave/balances/table?year={year}&page_size=200")
    assert r.json["totals"]["lieu"] == 0 and {row["lieu"] for row in r.data} == {0}


def test_lieu_on_the_console_page(api, server, org):
    from tests.admin.test_leave_pages import console_as

    today = local_today()
    hr = api.as_(org.a_hr_officer)
    assert hr.post("/api/leave/balances/fill", {"year": today.year}).status == 200
    _overtime(api, org, org.office_1, today - datetime.timedelta(days=1), 12)     # 1.5 days
    page = console_as(server, org.a_hr_officer).get(
        f"/admin/leave/balances/table?year={today.year}&department_id={org.a_office.id}")
    assert page.status_code == 200
    assert ">调休</th>" in page.text and '<strong id="t-lieu-total">1.5</strong>' in page.text
    assert '<td class="num lieu">1.5</td>' in page.text
