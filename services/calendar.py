"""The one holiday calendar, shared by leave, attendance and deadlines.

A day's kind comes from, in order: an admin entry for the unit, an admin entry for the whole
country, the `chinese-calendar` package (statutory holidays and 调休 make-up working days), and
for years the package does not know yet (it raises), Monday–Friday — with a warning until the
admin has entered and published that year (next year's schedule is announced each winter).
"""
import dataclasses
import datetime

import chinese_calendar

from models.base import atomic, fetch_all
from models.calendar import DAY_KINDS, CalendarDay, CalendarYear
from server.errors import Forbidden, Invalid, NotFound
from services import audit

HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
WORKING = ("workday", "makeup_workday")


@dataclasses.dataclass(frozen=True)
class DayInfo:
    day: datetime.date
    kind: str      # workday / rest / holiday / makeup_workday
    name: str      # holiday name in Chinese, if any
    source: str    # admin / package / weekday_fallback

    @property
    def working(self):
        return self.kind in WORKING

    def to_json(self):
        return {"date": self.day.isoformat(), "kind": self.kind, "name": self.name,
                "source": self.source, "working": self.working}


def _package_supports(year):
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
        return True
    except NotImplementedError:
        return False


def _from_package(day):
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    cname = HOLIDAY_NAMES.get(name, name or "")
    if on_holiday:
        return DayInfo(day, "holiday" if name else "rest", cname if name else "", "package")
    if day.weekday() >= 5:  # a weekend day that is a working day: 调休上班
        return DayInfo(day, "makeup_workday", f"{cname}调休上班" if cname else "调休上班", "package")
    return DayInfo(day, "workday", "", "package")


def _weekday(day, source):
    return DayInfo(day, "rest" if day.weekday() >= 5 else "workday", "", source)


def missing_year_warning(year):
    return (f"{year} 年节假日安排尚未录入，暂按周一至周五计算工作日；"
            "请管理员在“节假日日历”中录入并发布")


async def day_infos(start, end, *, unit_id=None):
    """DayInfo for every day from start to end inclusive (one query), plus any warnings."""
    if end < start:
        return [], []
    rows = await fetch_all(CalendarDay.select().where(
        CalendarDay.day.between(start, end),
        (CalendarDay.unit.is_null()) | (CalendarDay.unit == unit_id)))
    national = {r.day: r for r in rows if r.unit_id is None}
    local = {r.day: r for r in rows if r.unit_id is not None}
    years = range(start.year, end.year + 1)
    published = {y.year for y in await fetch_all(CalendarYear.select().where(
        CalendarYear.year.in_(list(years)),
        (CalendarYear.unit.is_null()) | (CalendarYear.unit == unit_id)))}
    supported = {y: _package_supports(y) for y in years}
    out, warnings = [], []
    day = start
    while day <= end:
        entry = local.get(day) or national.get(day)
        if entry is not None:
            out.append(DayInfo(day, entry.kind, entry.name, "admin"))
        elif supported[day.year]:
            out.append(_from_package(day))
        elif day.year in published:
            out.append(_weekday(day, "admin"))
        else:
            out.append(_weekday(day, "weekday_fallback"))
            warning = missing_year_warning(day.year)
            if warning not in warnings:
                warnings.append(warning)
        day += datetime.timedelta(days=1)
    return out, warnings


async def day_info(day, *, unit_id=None):
    infos, _ = await day_infos(day, day, unit_id=unit_id)
    return infos[0]


async def add_working_days(start, days, *, unit_id=None):
    """The date `days` working days after `start` (deadlines such as "1 working day")."""
    horizon = start + datetime.timedelta(days=days * 3 + 30)
    infos, _ = await day_infos(start + datetime.timedelta(days=1), horizon, unit_id=unit_id)
    left = days
    for info in infos:
        if info.working:
            left -= 1
            if left == 0:
                return info.day
    return horizon


async def year_status(year, *, unit_id=None):
    if _package_supports(year):
        source = "package"
    elif await fetch_all(CalendarYear.select().where(
            CalendarYear.year == year,
            (CalendarYear.unit.is_null()) | (CalendarYear.unit == unit_id))):
        source = "admin"
    else:
        source = "missing"
    return {"year": year, "source": source,
            "warning": missing_year_warning(year) if source == "missing" else ""}


async def _check_target(actor, unit_id):
    """One rule for every calendar write: a unit's own entries need calendar.manage over that
    unit; the national calendar (unit_id None, read by every unit) needs the system administrator
    or a whole-country reach."""
    reach = await actor.require_reach("calendar.manage")
    if unit_id is not None and not (reach.everything or unit_id in reach.unit_ids):
        raise NotFound("单位不存在或不在您的管理范围内", code="UNIT_NOT_FOUND")
    if unit_id is None and not (reach.everything or "system" in actor.admin_tiers):
        raise Forbidden("只有系统管理员可以修改全国节假日安排", code="CALENDAR_NATIONAL_FORBIDDEN")


async def set_day(*, actor, day, kind, name="", unit_id=None):
    actor.require("calendar.manage")
    if kind not in DAY_KINDS:
        raise Invalid("日期类型不正确", code="CALENDAR_KIND_INVALID",
                      fields={"kind": "应为 " + "、".join(DAY_KINDS)})
    await _check_target(actor, unit_id)
    async with atomic():
        existing = await CalendarDay.aget_or_none(CalendarDay.day == day, CalendarDay.unit == unit_id)
        before = {"kind": existing.kind, "name": existing.name} if existing else None
        if existing:
            await CalendarDay.update(kind=kind, name=name, updated_by=actor.id).where(
                CalendarDay.id == existing.id).aexecute()
        else:
            await CalendarDay.acreate(day=day, unit=unit_id, kind=kind, name=name, updated_by=actor.id)
        await audit.record(actor=actor, action="calendar.set_day", target_type="calendar_day",
                           target_id=day.isoformat(), before=before,
                           after={"kind": kind, "name": name, "unit_id": unit_id})
    return await day_info(day, unit_id=unit_id)


async def publish_year(*, actor, year, unit_id=None):
    """Publish a year for one unit, or (unit_id None) nationally: the same rule as set_day."""
    actor.require("calendar.manage")
    await _check_target(actor, unit_id)
    async with atomic():
        if not await fetch_all(CalendarYear.select().where(
                CalendarYear.year == year, CalendarYear.unit == unit_id)):
            await CalendarYear.acreate(year=year, unit=unit_id, published_by=actor.id)
        await audit.record(actor=actor, action="calendar.publish_year", target_type="calendar_year",
                           target_id=str(year), after={"unit_id": unit_id})
    return await year_status(year, unit_id=unit_id)
