"""Leave rules: the national default types, day counting, annual-leave entitlement and Art. 4.

Annual leave (职工带薪年休假条例 Art. 3): under 1 year of service 0 days, 满1年不满10年 5 days,
满10年不满20年 10, 满20年 15. How a year in which a service anniversary falls is counted is the
`annual` type's `settings.anniversary_rule` (per unit, by overriding the type):
- "pro_rata" (default): each month counts at the tier reached before that month began (a new
  tier from the month after the anniversary), the twelve are averaged and a part of a day is
  dropped — 2026 for someone reaching 10 years on 2026-07-15 is (7*5 + 5*10)/12 = 7.
- "next_month": 机关事业单位工作人员带薪年休假实施办法 Art. 2 read literally ("满1年、满10年、满20年
  后，从下月起享受相应的年休假天数"): the whole year's entitlement is the tier reached before the
  current month began — 5 days until 2026-07-31, 10 days from 2026-08-01 (judged by the request's
  day; a past year at its end, a future year at its start).
Art. 4 (and 实施办法 Art. 4): 20+ days of personal leave *that the unit did not deduct pay for*
(the 事假 type is `paid`), or sick leave of 2 / 3 / 4 months (service 1–10 / 10–20 / 20+ years)
cancel the year's annual leave; if annual leave of that year was already taken, they cancel the
*next* year's instead. The numbers live in the `annual` type's settings (a row), so a province or
unit can change them without code.
"""
import datetime
import math
import re

from models.base import atomic, fetch_all
from models.leave import LeaveType
from server.errors import Forbidden, Invalid, NotFound
from services import audit

HALVES = ("am", "pm")
COUNT_MODES = ("working_days", "calendar_days")
QUOTA_RULES = ("annual", "fixed", "lieu", "none")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,19}$")

ANNUAL_SETTINGS = {
    "tiers": [[1, 5], [10, 10], [20, 15]],           # [years of service, days]
    "personal_days_cancel": 20,                       # Art. 4 (2)
    "sick_months_cancel": [[1, 2], [10, 3], [20, 4]],  # Art. 4 (3)-(5): [years, months]
    "month_days": 30,                                 # one month of sick leave, in calendar days
    "anniversary_rule": "pro_rata",                   # or "next_month" (see the module docstring)
}
ANNIVERSARY_RULES = ("pro_rata", "next_month")
# code, name, count_mode, paid, attachment_over_days, max_days_per_request, tracked, quota_rule,
# quota_days, settings, is_trip
NATIONAL_TYPES = [
    ("annual", "年休假", "working_days", True, None, None, True, "annual", None, ANNUAL_SETTINGS, False),
    ("sick", "病假", "working_days", True, 2, None, False, "none", None, None, False),
    # paid: the unit does not deduct pay for 事假 (Art. 4(2) counts it); a unit that deducts pay
    # overrides the type with paid false, and then 事假 no longer cancels annual leave (m0016).
    ("personal", "事假", "working_days", True, None, None, False, "none", None, None, False),
    ("marriage", "婚假", "working_days", True, 0, 3, False, "none", None, None, False),
    ("maternity", "产假", "calendar_days", True, 0, 98, False, "none", None, None, False),
    ("paternity", "陪产假", "calendar_days", True, None, 15, False, "none", None, None, False),
    ("home_visit", "探亲假", "calendar_days", True, None, 30, False, "none", None, None, False),
    ("bereavement", "丧假", "working_days", True, None, 3, False, "none", None, None, False),
    ("lieu", "调休", "working_days", True, None, None, True, "lieu", None,
     {"hours_per_day": 8, "expiry_months": 6}, False),
    # 出差/外出: goes through the leave flow, but attendance counts the days as worked (is_trip).
    ("business_trip", "出差/外出", "working_days", True, None, None, False, "none", None, None, True),
]


def type_out(t):
    return {"id": t.id, "unit_id": t.unit_id, "code": t.code, "name": t.name,
            "count_mode": t.count_mode, "paid": t.paid,
            "attachment_over_days": t.attachment_over_days,
            "max_days_per_request": t.max_days_per_request, "balance_tracked": t.balance_tracked,
            "quota_rule": t.quota_rule, "quota_days": t.quota_days, "settings": t.settings,
            "is_trip": bool(t.is_trip), "active": t.active, "sort": t.sort, "national": t.unit_id is None}


async def ensure_national_types():
    """Seed the national defaults once (idempotent: scope_key is unique)."""
    have = {t.code for t in await fetch_all(LeaveType.select(LeaveType.code).where(LeaveType.unit.is_null()))}
    # sort = position in NATIONAL_TYPES, so a type added later (business_trip) sorts last.
    missing = [(i, row) for i, row in enumerate(NATIONAL_TYPES) if row[0] not in have]
    if not missing:
        return
    rows = [{"unit": None, "code": c, "scope_key": f"0:{c}", "name": n, "count_mode": m, "paid": p,
             "attachment_over_days": a, "max_days_per_request": mx, "balance_tracked": tr,
             "quota_rule": q, "quota_days": qd, "settings": s, "is_trip": trip, "sort": i}
            for i, (c, n, m, p, a, mx, tr, q, qd, s, trip) in missing]
    async with atomic():
        await LeaveType.insert_many(rows).on_conflict_ignore().aexecute()


async def effective_types(unit_id, *, include_inactive=False):
    """code -> LeaveType: the unit's own rows override the national ones."""
    await ensure_national_types()
    rows = await fetch_all(LeaveType.select().where(
        LeaveType.unit.is_null() | (LeaveType.unit == unit_id)).order_by(LeaveType.sort, LeaveType.id))
    out = {}
    for t in rows:
        if t.unit_id is None and t.code in out:
            continue
        if t.unit_id is not None or t.code not in out:
            out[t.code] = t
    if not include_inactive:
        out = {k: v for k, v in out.items() if v.active}
    return out


async def get_type(unit_id, code):
    t = (await effective_types(unit_id)).get(code or "")
    if t is None:
        raise Invalid("假期类型不存在", code="LEAVE_TYPE_UNKNOWN", fields={"type": "未知的假期类型"})
    return t


# -- counting ---------------------------------------------------------------------------------

def slot(day, half):
    """A half-day as an orderable pair (morning 0, afternoon 1)."""
    return (day, 0 if half == "am" else 1)


def check_range(start, start_half, end, end_half):
    if start_half not in HALVES or end_half not in HALVES:
        raise Invalid("上午/下午应为 am 或 pm", code="VALIDATION_FAILED",
                      fields={"start_half": "am 或 pm", "end_half": "am 或 pm"})
    if slot(end, end_half) < slot(start, start_half):
        raise Invalid("结束时间不能早于开始时间", code="LEAVE_RANGE_INVALID",
                      fields={"end": "不能早于开始时间"})
    if (end - start).days > 366:
        raise Invalid("单次请假不能超过一年", code="LEAVE_RANGE_INVALID", fields={"end": "范围过大"})


def count_days(infos, start, start_half, end, end_half, mode):
    """Days a range costs: each counted day is 1, the first 0.5 when starting in the afternoon,
    the last 0.5 when ending at noon. working_days counts only working days (调休 Saturdays too)."""
    total = 0.0
    for info in infos:
        if mode == "working_days" and not info.working:
            continue
        weight = 1.0
        if info.day == start and start_half == "pm":
            weight -= 0.5
        if info.day == end and end_half == "am":
            weight -= 0.5
        total += max(weight, 0)
    return total


# -- annual leave -----------------------------------------------------------------------------

def completed_years(first, on):
    """Whole years of service completed on date `on`."""
    if first is None or on < first:
        return 0
    years = on.year - first.year
    if (on.month, on.day) < (first.month, first.day):
        years -= 1
    return years


def annual_days_for_years(years, tiers=None):
    """Days for a length of service in years (float): the Art. 3 table."""
    days = 0
    for threshold, value in (tiers or ANNUAL_SETTINGS["tiers"]):
        if years >= threshold:
            days = value
    return days


def annual_entitlement(first, year, settings=None, *, today=None):
    """The year's days under the settings' anniversary rule (module docstring). `today` matters
    only for "next_month" in the current year (default: the year's end)."""
    settings = settings or ANNUAL_SETTINGS
    tiers = settings.get("tiers") or ANNUAL_SETTINGS["tiers"]
    if first is None:
        return 0.0
    if settings.get("anniversary_rule") == "next_month":
        as_of = min(max(today or datetime.date(year, 12, 31), datetime.date(year, 1, 1)),
                    datetime.date(year, 12, 31))
        before = as_of.replace(day=1) - datetime.timedelta(days=1)
        return float(annual_days_for_years(completed_years(first, before), tiers))
    total = 0
    for month in range(1, 13):
        before = datetime.date(year, month, 1) - datetime.timedelta(days=1)
        total += annual_days_for_years(completed_years(first, before), tiers)
    return float(math.floor(total / 12))


def exclusion_cause(first, year, personal_days, sick_calendar_days, settings=None):
    """The Art. 4 absence of a year ("事假累计 21 天（20 天以上）"), or "". personal_days counts
    only 事假 the unit did not deduct pay for."""
    s = {**ANNUAL_SETTINGS, **(settings or {})}
    years = completed_years(first, datetime.date(year, 12, 31))
    if personal_days >= s["personal_days_cancel"]:
        return f"{year} 年事假累计 {personal_days:g} 天（{s['personal_days_cancel']} 天以上）"
    months = 0
    for threshold, m in s["sick_months_cancel"]:
        if years >= threshold:
            months = m
    if months and sick_calendar_days >= months * s["month_days"]:
        return f"{year} 年病假累计 {sick_calendar_days:g} 天（{months} 个月以上）"
    return ""


def annual_exclusion(first, year, personal_days, sick_calendar_days, settings=None):
    """The Art. 4 reason that cancels this year's annual leave, or ""."""
    cause = exclusion_cause(first, year, personal_days, sick_calendar_days, settings)
    return f"{cause}，不享受当年年休假" if cause else ""


# -- type administration (leave.manage) -------------------------------------------------------

TYPE_FIELDS = ("name", "count_mode", "paid", "attachment_over_days", "max_days_per_request",
               "balance_tracked", "is_trip", "quota_rule", "quota_days", "settings", "active", "sort")


def _check_type_fields(fields):
    errors = {}
    if "count_mode" in fields and fields["count_mode"] not in COUNT_MODES:
        errors["count_mode"] = "应为 working_days 或 calendar_days"
    if "quota_rule" in fields and fields["quota_rule"] not in QUOTA_RULES:
        errors["quota_rule"] = "应为 " + "、".join(QUOTA_RULES)
    rule = (fields.get("settings") or {}).get("anniversary_rule")
    if rule is not None and rule not in ANNIVERSARY_RULES:
        errors["settings"] = "anniversary_rule 应为 pro_rata（按月折算）或 next_month（满周年次月起按新档）"
    if errors:
        raise Invalid("假期类型设置有误", code="VALIDATION_FAILED", fields=errors)


async def create_type(*, actor, code, unit_id=None, **fields):
    reach = await actor.require_reach("leave.manage")
    unit_id = unit_id or actor.unit_id
    if not (reach.everything or unit_id in reach.unit_ids):
        raise NotFound("单位不存在或不在您的管理范围内", code="UNIT_NOT_FOUND")
    if not CODE_RE.match(code or ""):
        raise Invalid("代码应为小写字母、数字、下划线", code="VALIDATION_FAILED", fields={"code": "格式不正确"})
    fields = {k: v for k, v in fields.items() if k in TYPE_FIELDS and v is not None}
    _check_type_fields(fields)
    await ensure_national_types()
    national = {t.code: t for t in await fetch_all(LeaveType.select().where(LeaveType.unit.is_null()))}
    base = type_out(national[code]) if code in national else {}
    row = {k: base[k] for k in TYPE_FIELDS if k in base}
    row.update(fields)
    if "name" not in row:
        raise Invalid("请填写名称", code="VALIDATION_FAILED", fields={"name": "必填"})
    async with atomic():
        if await LeaveType.aget_or_none(LeaveType.scope_key == f"{unit_id}:{code}"):
            from server.errors import Conflict
            raise Conflict("本单位已有该假期类型", code="LEAVE_TYPE_EXISTS")
        t = await LeaveType.acreate(unit=unit_id, code=code, scope_key=f"{unit_id}:{code}", **row)
        await audit.record(actor=actor, action="leave.type.create", target_type="leave_type",
                           target_id=t.id, after=type_out(t), unit_id=unit_id)
    return type_out(await LeaveType.aget(LeaveType.id == t.id))


async def update_type(*, actor, type_id, **fields):
    reach = await actor.require_reach("leave.manage")
    t = await LeaveType.aget_or_none(LeaveType.id == type_id)
    if t is None or not (reach.everything or (t.unit_id is not None and t.unit_id in reach.unit_ids)):
        if t is not None and t.unit_id is None and t.id:
            raise Forbidden("全国默认假期类型只能由全局管理员修改；请为本单位新建同代码类型覆盖",
                            code="LEAVE_TYPE_NATIONAL")
        raise NotFound("假期类型不存在", code="LEAVE_TYPE_NOT_FOUND")
    fields = {k: v for k, v in fields.items() if k in TYPE_FIELDS and v is not None}
    _check_type_fields(fields)
    if not fields:
        return type_out(t)
    async with atomic():
        before = type_out(t)
        await LeaveType.update(**fields, updated_at=datetime.datetime.utcnow().replace(microsecond=0)).where(
            LeaveType.id == t.id).aexecute()
        t = await LeaveType.aget(LeaveType.id == t.id)
        await audit.record(actor=actor, action="leave.type.update", target_type="leave_type",
                           target_id=t.id, before=before, after=type_out(t), unit_id=t.unit_id)
    return type_out(t)
