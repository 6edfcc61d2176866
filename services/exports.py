"""File exports (CSV / XLSX bytes) for the report and list downloads.

`rows` are dicts, or sequences with integer keys in `columns` ([(key, label)]): the labels are the
header row and each key picks a row's cell.

Every export goes through here, so every cell is neutralised here: text that a spreadsheet
would read as a formula (starting with = + - @, tab or CR) gets a leading apostrophe, and XLSX
cells are written as typed text/number cells, never formulas.
"""
import asyncio
import csv
import io
import re

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# openpyxl refuses these in a cell (IllegalCharacterError): one bad name would fail the file.
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def content_type(fmt):
    return CONTENT_TYPES[fmt]


def safe_cell(value):
    """A cell value that no spreadsheet evaluates: formula-like text gets a leading apostrophe
    (numbers stay numbers; a negative number is a number, not text)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(rows, columns):
    """UTF-8 with a BOM: Excel opens a UTF-8 CSV (Chinese text) correctly only with one."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow([safe_cell(label) for _, label in columns])
    for r in rows:
        writer.writerow([safe_cell(r[k]) for k, _ in columns])
    return buf.getvalue().encode("utf-8")


def _xlsx_cell(ws, value):
    """A string becomes an explicit text cell (openpyxl would store "=..." as a formula)."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=None)
    cell.data_type = "s"
    cell._value = _ILLEGAL_XLSX.sub("", safe_cell(value))
    return cell


def _xlsx_bytes(rows, columns, title):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])  # Excel's limit on a sheet name
    ws.append([_xlsx_cell(ws, label) for _, label in columns])
    for r in rows:
        ws.append([_xlsx_cell(ws, r[k]) for k, _ in columns])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def to_xlsx(rows, columns, title):
    """openpyxl blocks: the workbook is built in the default executor."""
    return await asyncio.get_running_loop().run_in_executor(None, _xlsx_bytes, list(rows),
                                                            columns, title)
