"""File exports (CSV / XLSX bytes) for the report and list downloads.

`rows` are dicts, or sequences with integer keys in `columns` ([(key, label)]): the labels are the
header row and each key picks a row's cell.
"""
import asyncio
import csv
import io

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def content_type(fmt):
    return CONTENT_TYPES[fmt]


def to_csv(rows, columns):
    """UTF-8 with a BOM: Excel opens a UTF-8 CSV (Chinese text) correctly only with one."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow([label for _, label in columns])
    for r in rows:
        writer.writerow([r[k] for k, _ in columns])
    return buf.getvalue().encode("utf-8")


def _xlsx_bytes(rows, columns, title):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])  # Excel's limit on a sheet name
    ws.append([label for _, label in columns])
    for r in rows:
        ws.append([r[k] for k, _ in columns])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def to_xlsx(rows, columns, title):
    """openpyxl blocks: the workbook is built in the default executor."""
    return await asyncio.get_running_loop().run_in_executor(None, _xlsx_bytes, list(rows),
                                                            columns, title)
