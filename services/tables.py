"""Reading an uploaded table (.csv in UTF-8 with or without BOM, or .xlsx) for the all-or-nothing
importers (staff, appraisal values): the header row and every other row with its spreadsheet row
number. Each importer maps the header to its own fields and validates the rows itself."""
import asyncio
import csv
import io
import os

from server.errors import Invalid


def read_csv(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("CSV 文件应为 UTF-8 编码", code="IMPORT_FILE_INVALID") from None
    return _split(list(csv.reader(io.StringIO(text))))


def read_xlsx(content):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged or foreign file
        raise Invalid("无法读取 XLSX 文件", code="IMPORT_FILE_INVALID") from None
    try:
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()
    return _split(rows)


def _split(rows):
    if not rows:
        raise Invalid("文件为空", code="IMPORT_FILE_EMPTY")
    return rows[0], [(i + 2, r) for i, r in enumerate(rows[1:])]


async def read_table(filename, content, *, type_message="只支持 .csv 或 .xlsx 文件"):
    """(header cells, [(row number, cells)]). XLSX parsing (openpyxl, blocking) runs in an executor."""
    ext = os.path.splitext(filename or "")[1].lower()
    if ext == ".csv":
        return read_csv(content)
    if ext == ".xlsx":
        return await asyncio.get_running_loop().run_in_executor(None, read_xlsx, content)
    raise Invalid(type_message, code="IMPORT_FILE_TYPE")
