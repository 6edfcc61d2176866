"""The monthly report is paged (issue 16): a page of people picked in SQL (department, then name),
`total`, per-department rows and a whole-scope totals row summed in SQL; a name filter; bounds."""
import pytest

from services import attendance_report
from tests.attendance.helpers import at, setup_a

NOV = "/api/attendance/report?month=2026-11"
WHEN = at("2026-12-02 09:00")


@pytest.fixture(params=["small", "large"])
def scope_size(request, monkeypatch):
    """Both ways of answering: from everyone's rows (small scope) and by grouped SQL (large)."""
    if request.param == "large":
        monkeypatch.setattr(attendance_report, "SMALL_SCOPE", 0)
    return request.param


NUMBERS = ("workdays", "days_worked", "late_count", "late_minutes", "early_count", "early_minutes",
           "missing_punches", "absences", "trip_days", "field_punches")


def test_pages_cover_everyone_once_in_order_and_totals_match(api, org, f, scope_size):
    hr, _ = setup_a(api, org)
    whole = hr.get(f"{NOV}&page_size=200", headers=WHEN)
    assert whole.status == 200 and whole.data["complete"] is True, whole
    total = whole.data["total"]
    assert total == len(whole.data["people"]) >= 14, whole.data
    seen = []
    for page in range(1, total // 5 + 2):
        r = hr.get(f"{NOV}&page={page}&page_size=5", headers=WHEN)
        assert r.status == 200 and r.data["total"] == total and r.data["page"] == page, r
        assert len(r.data["people"]) == min(5, total - 5 * (page - 1)), r.data
        seen += r.data["people"]
    assert [p["staff_id"] for p in seen] == [p["staff_id"] for p in whole.data["people"]]
    assert len({p["staff_id"] for p in seen}) == total
    # Ordered by department, then name (within the page and across pages).
    names = {p["staff_id"]: p["name"] for p in seen}
    assert [p["staff_id"] for p in seen] == sorted(
        names, key=lambda sid: (next(p["department_id"] for p in seen if p["staff_id"] == sid), names[sid]))
    # Past the end: no people, the same total.
    beyond = hr.get(f"{NOV}&page=99&page_size=5", headers=WHEN)
    assert beyond.status == 200 and beyond.data["people"] == [] and beyond.data["total"] == total
    # Totals and departments (grouped SQL) agree with the people's rows.
    totals = whole.data["totals"]
    assert totals["staff"] == total
    for k in NUMBERS:
        assert round(totals[k], 2) == round(sum(p[k] for p in seen), 2), k
        assert round(sum(d[k] for d in whole.data["departments"]), 2) == round(totals[k], 2), k
    assert totals["workdays"] == totals["absences"] == 21 * total   # nobody punched in November
    fin = next(d for d in whole.data["departments"] if d["department_id"] == org.a_fin.id)
    assert fin["staff"] == 3 and fin["absences"] == fin["workdays"] == 63, fin
    # A page's totals are the whole scope's, not the page's.
    assert hr.get(f"{NOV}&page=2&page_size=5", headers=WHEN).data["totals"] == totals


def test_name_filter_department_scope_and_bounds(api, org, scope_size):
    hr, _ = setup_a(api, org)
    fin = hr.get(f"{NOV}&q=财务科", headers=WHEN)
    assert fin.status == 200 and fin.data["total"] == 3, fin
    assert {p["staff_id"] for p in fin.data["people"]} == {org.fin_leader.id, org.fin_1.id, org.fin_2.id}
    assert fin.data["totals"]["staff"] == 3 and fin.data["totals"]["workdays"] == 63
    assert hr.get(f"{NOV}&q=没有这个人", headers=WHEN).data["total"] == 0
    dept = hr.get(f"{NOV}&department_id={org.a_hr.id}&page_size=2", headers=WHEN)
    assert dept.data["total"] == 7 and len(dept.data["people"]) == 2, dept.data   # 人事科 + 档案组 + officer
    assert {d["department_id"] for d in dept.data["departments"]} == {org.a_hr.id, org.a_hr_files.id}
    assert hr.get(f"{NOV}", headers=WHEN).data["page_size"] == 50
    for bad in ("page_size=201", "page_size=0", "page=0", "q=" + "长" * 51):
        r = hr.get(f"{NOV}&{bad}", headers=WHEN)
        assert r.status in (400, 422) and r.code and r.error["message"], (bad, r)
    # Another unit's officer: not A's department, and none of A's people or departments.
    b = api.as_(org.b_hr_officer)
    assert b.get(f"{NOV}&department_id={org.a_hr.id}", headers=WHEN).status == 404
    theirs = b.get(f"{NOV}&page_size=200", headers=WHEN)
    assert org.fin_1.id not in {p["staff_id"] for p in theirs.data["people"]}
    assert org.a_fin.id not in {d["department_id"] for d in theirs.data["departments"]}
    assert theirs.data["totals"]["staff"] == theirs.data["total"] == 5


def test_department_sums_kept_until_a_day_row_changes(api, org, f, server, monkeypatch):
    monkeypatch.setattr(attendance_report, "SMALL_SCOPE", 0)   # the grouped SQL, kept in Redis
    from models.attendance import DayStatus

    hr, _ = setup_a(api, org)
    first = hr.get(f"{NOV}&page_size=5", headers=WHEN)
    assert first.status == 200 and first.data["totals"]["late_count"] == 0, first
    again = hr.get(f"{NOV}&page=2&page_size=5", headers=WHEN)       # from Redis: the same sums
    assert again.data["totals"] == first.data["totals"]
    # A day re-judged (every write deletes and inserts the row): the next answer has it.
    server.run(DayStatus.delete().where(DayStatus.staff == org.fin_1.id,
                                        DayStatus.day.in_(["2026-11-03", "2026-11-04"])).aexecute())
    f.day_statuses(org.fin_1, ["2026-11-03", "2026-11-04"], "late", late_minutes=7)
    after = hr.get(f"{NOV}&page_size=5", headers=WHEN)
    assert after.data["totals"]["late_count"] == 2 and after.data["totals"]["late_minutes"] == 14, after.data
    fin = next(d for d in after.data["departments"] if d["department_id"] == org.a_fin.id)
    assert (fin["late_count"], fin["absences"]) == (2, 61), fin
    # A department's view is a different scope: its own sums.
    dept = hr.get(f"{NOV}&department_id={org.a_fin.id}", headers=WHEN)
    assert dept.data["totals"]["staff"] == 3 and dept.data["totals"]["late_count"] == 2


def test_a_whole_units_file_is_built_in_another_process(api, org, monkeypatch):
    import csv
    import io
    import time

    import openpyxl

    monkeypatch.setattr(attendance_report, "SYNC_EXPORT_LIMIT", 3)   # 16 people: "a whole unit"
    built = []
    real = attendance_report._file_pool
    monkeypatch.setattr(attendance_report, "_file_pool", lambda: built.append(1) or real())
    hr, _ = setup_a(api, org)
    for fmt in ("xlsx", "csv"):
        r = hr.post("/api/attendance/report/exports", {"month": "2026-11", "format": fmt}, headers=WHEN)
        assert r.status == 202, r
        for _ in range(300):
            st = hr.get(f"/api/attendance/report/exports/{r.data['id']}", headers=WHEN)
            if st.data["status"] != "running":
                break
            time.sleep(0.1)
        assert st.data["status"] == "done", st.data
        f = hr.get(f"/api/attendance/report/exports/{r.data['id']}/file", headers=WHEN)
        assert f.status == 200, f
        if fmt == "xlsx":
            rows = list(openpyxl.load_workbook(io.BytesIO(f.raw.content)).active.iter_rows(values_only=True))
        else:
            rows = list(csv.reader(io.StringIO(f.raw.content.decode("utf-8-sig"))))
        assert rows[0][:2] == ("工号", "姓名") or rows[0][:2] == ["工号", "姓名"]
        assert len(rows) == 1 + 16 and org.fin_1.employee_no in {x[0] for x in rows[1:]}
    assert len(built) == 2


def test_today_is_live_for_a_small_scope_and_left_to_the_board_for_a_large_one(api, org, scope_size):
    hr, _ = setup_a(api, org)
    r = hr.get("/api/attendance/report?month=2026-12&page_size=200", headers=at("2026-12-02 18:00"))
    assert r.status == 200 and r.data["today_included"] is (scope_size == "small"), r.data
    assert r.data["through"] == "2026-12-01"
    # Whichever way, the page's rows and the totals count the same days.
    for k in NUMBERS:
        assert round(r.data["totals"][k], 2) == round(sum(p[k] for p in r.data["people"]), 2), k
    if scope_size == "large":
        assert r.data["totals"]["workdays"] == r.data["total"]        # 12-01 only
    else:
        assert r.data["totals"]["workdays"] == 2 * r.data["total"]    # 12-01 and today (18:00)
