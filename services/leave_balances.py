"""Leave balances of a unit or department as one table (假期余额表) for HR: filters, paging, totals and
an XLSX export, all within the caller's leave.manage reach; and filling in a year's balance rows
for everyone in reach (rows are otherwise created on a person's first look or request).

The table reads the stored balance rows (services/leave.ensure_balance keeps their entitlement
current); remaining = entitled + adjusted - used - pending is computed, filtered and summed in SQL.
调休 (lieu) is not a balance row but overtime credits (services/overtime, in days): its column is
each person's credits valid on the year's 1 January, less used and reserved (as the person's own
balances show the year's 调休: services.leave.balances), summed in the same SQL query.
"""
import datetime

import peewee as pw

from models.base import atomic, count, fetch_all, get_one
from models.leave import LeaveBalance, LieuCredit
from models.org import Department, Staff
from server.errors import Invalid
from services import audit, exports
from services.access import get_department_in_reach
from services.leave import ensure_balance, local_today
from services.leave_rules import effective_types

PERMISSION = "leave.manage"
REMAINING = (LeaveBalance.entitled + LeaveBalance.adjusted - LeaveBalance.used - LeaveBalance.pending)
# 调休 days left, as services.overtime.lieu_balance counts them.
LIEU_LEFT = pw.fn.COALESCE(pw.fn.SUM(LieuCredit.days - LieuCredit.used - LieuCredit.reserved), 0)


def _check_year(year):
    if not 2000 <= int(year) <= 2100:
        raise Invalid("年份不正确", code="VALIDATION_FAILED", fields={"year": "2000–2100"})


async def _filtered(actor, *, year, department_id=None, type_code=None, below=None):
    """The filtered balance rows (a query joined with the person and their department)."""
    _check_year(year)
    reach = await actor.require_reach(PERMISSION)
    query = (LeaveBalance.select()
             .join(Staff, on=(LeaveBalance.staff == Staff.id))
             .join(Department, pw.JOIN.LEFT_OUTER, on=(Staff.department == Department.id))
             .where(reach.staff_filter(Staff), Staff.status == "active", LeaveBalance.year == year,
                    Staff.is_service_account == False))  # noqa: E712  三员 are nobody's staff
    if department_id:
        dept = await get_department_in_reach(actor, PERMISSION, department_id)
        subtree = Department.select(Department.id).where(Department.path.startswith(dept.path))
        query = query.where(Staff.department.in_(subtree))
    if type_code:
        query = query.where(LeaveBalance.type_code == type_code)
    if below is not None:
        query = query.where(REMAINING < below)
    return query


def _row(r, type_names):
    return {"id": r.id, "staff_id": r.staff_id, "name": r.staff_name, "employee_no": r.employee_no or "",
            "department_id": r.department_id, "department_name": r.department_name or "",
            "year": r.year, "type_code": r.type_code,
            "type_name": type_names.get((r.unit_id, r.type_code), r.type_code),
            "entitled": r.entitled, "adjusted": r.adjusted, "used": r.used, "pending": r.pending,
            "remaining": round(r.remaining, 2), "lieu": round(float(r.lieu or 0), 2), "note": r.note or ""}


def _lieu_valid(year):
    return LieuCredit.expires_on >= datetime.date(year, 1, 1)


def _columns(query, year):
    lieu = LieuCredit.select(LIEU_LEFT).where(  # correlated: the page stays one query
        LieuCredit.staff == Staff.id, _lieu_valid(year))
    return query.select(
        LeaveBalance.id, LeaveBalance.staff.alias("staff_id"), LeaveBalance.year, LeaveBalance.type_code,
        LeaveBalance.entitled, LeaveBalance.adjusted, LeaveBalance.used, LeaveBalance.pending,
        LeaveBalance.note, REMAINING.alias("remaining"), Staff.name.alias("staff_name"),
        Staff.employee_no.alias("employee_no"), Staff.unit.alias("unit_id"),
        Staff.department.alias("department_id"), Department.name.alias("department_name"),
        lieu.alias("lieu"),
    ).order_by(Department.name, Department.id, Staff.name, Staff.id, LeaveBalance.type_code).objects()


async def _type_names(rows):
    """(unit, code) -> the unit's name for the type: one look-up per unit on the page, not per row."""
    out = {}
    for unit_id in {r.unit_id for r in rows}:
        for code, t in (await effective_types(unit_id, include_inactive=True)).items():
            out[(unit_id, code)] = t.name
    return out


async def balance_table(*, actor, year, department_id=None, type_code=None, below=None, page=1,
                        page_size=50):
    """(rows, total, totals) of one page, sorted by department then name."""
    query = await _filtered(actor, year=year, department_id=department_id, type_code=type_code,
                            below=below)
    total = await count(query)
    sums = await get_one(query.select(
        pw.fn.COALESCE(pw.fn.SUM(LeaveBalance.entitled + LeaveBalance.adjusted), 0).alias("entitled"),
        pw.fn.COALESCE(pw.fn.SUM(LeaveBalance.used), 0).alias("used"),
        pw.fn.COALESCE(pw.fn.SUM(LeaveBalance.pending), 0).alias("pending"),
        pw.fn.COALESCE(pw.fn.SUM(REMAINING), 0).alias("remaining"),
        pw.fn.COUNT(pw.fn.DISTINCT(LeaveBalance.staff)).alias("people")).order_by().dicts())
    rows = await fetch_all(_columns(query, year).paginate(page, page_size))
    names = await _type_names(rows)
    totals = {k: round(float(sums[k] or 0), 2) for k in ("entitled", "used", "pending", "remaining")}
    totals["people"] = int(sums["people"] or 0)
    people = query.select(LeaveBalance.staff).order_by()  # each listed person's 调休 once
    lieu = await get_one(LieuCredit.select(LIEU_LEFT.alias("lieu")).where(
        LieuCredit.staff.in_(people), _lieu_valid(year)).dicts())
    totals["lieu"] = round(float(lieu["lieu"] or 0), 2)
    return [_row(r, names) for r in rows], total, totals


EXPORT_LIMIT = 50000
EXPORT_COLUMNS = [("department_name", "部门"), ("name", "姓名"), ("employee_no", "工号"),
                  ("type_name", "假期类型"), ("entitled", "应享"), ("adjusted", "调整"),
                  ("used", "已休"), ("pending", "审批中"), ("remaining", "剩余"),
                  ("lieu", "调休（天）"), ("note", "说明")]


async def export_table(*, actor, year, department_id=None, type_code=None, below=None):
    """The whole filtered table as XLSX (cells neutralised by services/exports). Returns
    (content bytes, filename, content type); audited, since it carries many people's data."""
    query = await _filtered(actor, year=year, department_id=department_id, type_code=type_code,
                            below=below)
    rows = await fetch_all(_columns(query, year).limit(EXPORT_LIMIT))
    names = await _type_names(rows)
    out = [_row(r, names) for r in rows]
    content = await exports.to_xlsx(out, EXPORT_COLUMNS, "假期余额")
    async with atomic():
        await audit.record(actor=actor, action="leave.balance.export", target_type="leave_balance",
                           after={"year": year, "department_id": department_id,
                                  "type_code": type_code, "below": below, "rows": len(out)},
                           unit_id=actor.unit_id)
    return content, f"假期余额-{year}.xlsx", exports.content_type("xlsx")


async def fill_year(*, actor, year):
    """Create (or refresh the entitlement of) the balance rows of every active person in reach for
    the year's tracked types, so the table lists everyone. Returns how many people were covered."""
    _check_year(year)
    reach = await actor.require_reach(PERMISSION)
    people = await fetch_all(Staff.select().where(reach.staff_filter(Staff), Staff.status == "active",
                                                  Staff.is_service_account == False)  # noqa: E712
                             .order_by(Staff.id))
    # Audited before the first row is written: a fill cut halfway is still on record (it is
    # idempotent, so running it again completes it); each person's rows are one transaction.
    async with atomic():
        await audit.record(actor=actor, action="leave.balance.fill", target_type="leave_balance",
                           after={"year": year, "people": len(people)},
                           unit_id=actor.unit_id)
    types_by_unit = {}
    today = local_today()
    for staff in people:
        if staff.unit_id not in types_by_unit:
            types_by_unit[staff.unit_id] = [
                t for t in (await effective_types(staff.unit_id)).values()
                if t.balance_tracked and t.quota_rule != "lieu"]
        async with atomic():
            for t in types_by_unit[staff.unit_id]:
                await ensure_balance(staff, t, year, today=today)
    return len(people)
