"""Bulk staff import from .csv (UTF-8, with or without BOM) or .xlsx: all rows or nothing.

Every row is validated first (required fields, formats, department exists and is within the
caller's reach, duplicates inside the file and against the database). One bad row and nothing
is imported: the error lists each bad row with its reason. The HTTP endpoint and
`python -m server import-staff` share `import_rows`.
"""
import datetime

from models.base import atomic, fetch_all, get_one
from models.org import Department, Position, Rank, Staff, Unit
from server.crypto import valid_id_no, valid_phone
from server.errors import Invalid, NotFound
from server.inputs import control_char
from services import audit
from services.staff import audit_view, pii_columns
from services.tables import read_table

COLUMNS = {"工号": "employee_no", "姓名": "name", "部门": "department", "职务": "position",
           "职级": "rank", "性别": "gender", "手机号": "phone", "身份证号": "id_no",
           "入职日期": "hire_date", "参加工作时间": "first_employment_date"}
REQUIRED = ("工号", "姓名", "部门")
GENDERS = {"男": "M", "女": "F", "M": "M", "F": "F", "m": "M", "f": "F"}
MAX_ROWS = 5000


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _table(header, body):
    """(header cells, [(row number, cells)]) -> [(row number, {field: value})]; checks columns."""
    header = [str(h or "").strip().lstrip("\ufeff") for h in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise Invalid("缺少必需的列：" + "、".join(missing), code="IMPORT_COLUMNS_MISSING",
                      fields={"columns": missing})
    index = {COLUMNS[h]: i for i, h in enumerate(header) if h in COLUMNS}
    rows = []
    for number, cells in body:
        cells = [_cell(c) for c in cells]
        if not any(c not in ("", None) for c in cells):
            continue
        rows.append((number, {field: (cells[i] if i < len(cells) else "")
                              for field, i in index.items()}))
    if len(rows) > MAX_ROWS:
        raise Invalid(f"一次最多导入 {MAX_ROWS} 行", code="IMPORT_TOO_LARGE")
    return rows


async def parse_file(filename, content):
    """Rows of a .csv or .xlsx upload as [(spreadsheet row number, {field: value})]."""
    header, rows = await read_table(filename, content)
    return _table(header, rows)


def _date(value):
    if value in ("", None):
        return None
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        parts = text.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                pass
    raise ValueError


async def _department_resolver(unit_id):
    depts = await fetch_all(Department.select().where(Department.unit == unit_id,
                                                      Department.status == "open"))
    by_id = {d.id: d for d in depts}
    paths, names = {}, {}
    for d in depts:
        ids = [int(x) for x in d.path.strip("/").split("/") if x]
        if all(i in by_id for i in ids):
            paths["/".join(by_id[i].name for i in ids)] = d
        names.setdefault(d.name, []).append(d)

    def resolve(text):
        text = "/".join(p.strip() for p in str(text).replace("\\", "/").split("/") if p.strip())
        if text in paths:
            return paths[text], None
        if "/" not in text:
            found = names.get(text, [])
            if len(found) == 1:
                return found[0], None
            if len(found) > 1:
                return None, f"部门“{text}”在本单位有多个同名部门，请写完整路径（如 人事科/档案组）"
        return None, f"部门“{text}”不存在"
    return resolve


async def import_rows(*, env, actor, unit, rows):
    """Validate every row, then import all in one transaction. Returns {"imported", "ids"}."""
    reach = await actor.require_reach("staff.import") if actor is not None else None
    resolve = await _department_resolver(unit.id)
    positions = {p.name: p for p in await fetch_all(Position.select().where(Position.unit == unit.id))}
    ranks = {r.name: r for r in await fetch_all(Rank.select())}
    cipher = env.cipher
    problems, clean = [], []
    seen = {"employee_no": {}, "phone": {}, "id_no": {}}
    for number, raw in rows:
        reasons = []
        for label in REQUIRED:
            if not raw.get(COLUMNS[label]):
                reasons.append(f"{label}不能为空")
        rec = {"row": number, "employee_no": str(raw.get("employee_no") or ""),
               "name": str(raw.get("name") or "")}
        if len(rec["employee_no"]) > 32:
            reasons.append("工号超过 32 个字符")
        if len(rec["name"]) > 50:
            reasons.append("姓名超过 50 个字符")
        for label, value in (("工号", rec["employee_no"]), ("姓名", rec["name"]),
                             ("职务", str(raw.get("position") or ""))):
            if control_char(value):
                reasons.append(f"{label}包含控制字符")
        if raw.get("department"):
            dept, why = resolve(raw["department"])
            if dept is None:
                reasons.append(why)
            elif reach is not None and not reach.covers_department(dept.id, dept.unit_id):
                reasons.append(f"部门“{raw['department']}”不在您的管理范围内")
            rec["department"] = dept
        pos_name = str(raw.get("position") or "")
        rec["position"] = pos_name
        rank_name = str(raw.get("rank") or "")
        if rank_name and rank_name not in ranks:
            reasons.append(f"职级“{rank_name}”不存在")
        rec["rank"] = ranks.get(rank_name)
        gender = str(raw.get("gender") or "")
        if gender and gender not in GENDERS:
            reasons.append("性别应为 男 或 女")
        rec["gender"] = GENDERS.get(gender)
        phone = str(raw.get("phone") or "")
        if phone and not valid_phone(phone):
            reasons.append("手机号格式不正确")
        rec["phone"] = phone or None
        id_no = str(raw.get("id_no") or "").upper()
        if id_no and not valid_id_no(id_no):
            reasons.append("身份证号格式或校验位不正确")
        rec["id_no"] = id_no or None
        for field, label in (("hire_date", "入职日期"), ("first_employment_date", "参加工作时间")):
            try:
                rec[field] = _date(raw.get(field))
            except ValueError:
                reasons.append(f"{label}应为日期，如 2020-07-01")
                rec[field] = None
        if rec["hire_date"] and rec["first_employment_date"] and \
                rec["first_employment_date"] > rec["hire_date"]:
            reasons.append("参加工作时间不能晚于入职日期")
        for field, label in (("employee_no", "工号"), ("phone", "手机号"), ("id_no", "身份证号")):
            value = rec.get(field)
            if value:
                if value in seen[field]:
                    reasons.append(f"{label}与第 {seen[field][value]} 行重复")
                else:
                    seen[field][value] = number
        if reasons:
            problems.append({"row": number, "reason": "；".join(reasons)})
        clean.append(rec)
    if not rows:
        raise Invalid("文件中没有数据行", code="IMPORT_FILE_EMPTY")
    # Duplicates against the database: three IN queries, not one per row.
    for field, column, label, transform in (
            ("employee_no", Staff.employee_no, "工号", lambda v: v),
            ("phone", Staff.phone_hash, "手机号", cipher.blind_index),
            ("id_no", Staff.id_no_hash, "身份证号", cipher.blind_index)):
        keyed = {transform(r[field]): r for r in clean if r.get(field)}
        taken = set()
        for chunk in _chunks(list(keyed), 500):
            query = Staff.select(column).where(column.in_(chunk))
            if field == "phone":
                query = query.where(Staff.status == "active")
            taken |= {getattr(s, column.name) for s in await fetch_all(query)}
        for key in taken:
            _add_problem(problems, keyed[key]["row"], f"{label}已被系统中的人员使用")
    if problems:
        problems.sort(key=lambda p: p["row"])
        raise Invalid(f"导入失败：{len(problems)} 行有误，未导入任何人员", code="IMPORT_ROWS_INVALID",
                      fields={"rows": problems})
    ids = []
    async with atomic():
        for rec in clean:
            pos = None
            if rec["position"]:
                pos = positions.get(rec["position"])
                if pos is None:
                    pos = positions[rec["position"]] = await Position.acreate(
                        unit=unit.id, name=rec["position"])
            staff = await Staff.acreate(
                employee_no=rec["employee_no"], name=rec["name"], unit=unit.id,
                department=rec["department"].id, position=pos.id if pos else None,
                rank=rec["rank"].id if rec["rank"] else None, gender=rec["gender"],
                hire_date=rec["hire_date"], first_employment_date=rec["first_employment_date"],
                **pii_columns(cipher, phone=rec["phone"] or "", id_no=rec["id_no"] or "",
                              algorithm=unit.crypto_algorithm))
            ids.append(staff.id)
            await audit.record(actor=actor, action="staff.import", target_type="staff",
                               target_id=staff.id, after=audit_view(staff, cipher),
                               unit_id=unit.id)
    return {"imported": len(ids), "ids": ids}


def _chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _add_problem(problems, row, reason):
    for p in problems:
        if p["row"] == row:
            p["reason"] += "；" + reason
            return
    problems.append({"row": row, "reason": reason})


async def _unit(unit_code=None, unit_id=None):
    if unit_code:
        unit = await Unit.aget_or_none(Unit.code == unit_code)
    elif unit_id:
        unit = await Unit.aget_or_none(Unit.id == unit_id)
    else:
        unit = await get_one(Unit.select().where(Unit.parent.is_null()).order_by(Unit.id))
    if unit is None:
        raise NotFound("未找到单位", code="UNIT_NOT_FOUND")
    return unit


async def import_upload(*, env, actor, filename, content, unit_id=None):
    """HTTP import: the caller's own unit unless unit_id names another within reach."""
    reach = await actor.require_reach("staff.import")
    unit_id = unit_id or actor.unit_id
    if not (reach.everything or unit_id in reach.unit_ids or unit_id == actor.unit_id):
        raise NotFound("单位不存在或不在您的管理范围内", code="UNIT_NOT_FOUND")
    unit = await _unit(unit_id=unit_id)
    rows = await parse_file(filename, content)
    return await import_rows(env=env, actor=actor, unit=unit, rows=rows)


async def import_file(*, env, path, unit_code=None, actor=None):
    """CLI import (actor None = the system) into the unit with `unit_code` or the top unit."""
    try:
        with open(path, "rb") as fh:
            content = fh.read()
    except OSError as exc:
        raise Invalid(f"无法读取文件：{exc.strerror}", code="IMPORT_FILE_INVALID") from None
    unit = await _unit(unit_code=unit_code)
    rows = await parse_file(path, content)
    return await import_rows(env=env, actor=actor, unit=unit, rows=rows)
