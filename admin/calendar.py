"""Holiday calendar pages (节假日日历): a year grid, set one day's kind, publish a year, and the
console-wide banner shown while next year's schedule is missing. services/calendar.py enforces
calendar.manage (the national calendar is the system administrator's; a unit HR officer's entries
apply to their unit)."""
import calendar as _cal
import datetime
from typing import Literal

from admin.base import AdminHandler
from admin.forms import Form, parse_form
from handlers.contract import Day
from handlers.schemas.textrules import text
from server.errors import ApiError, Invalid
from services import calendar as calendar_service
from services import calendar_notice

KIND_LABELS = {"workday": "工作日", "rest": "休息日", "holiday": "法定节假日", "makeup_workday": "调休上班"}
SOURCE_LABELS = {"package": "内置（国务院已公布）", "admin": "已录入并发布", "missing": "未录入"}
WEEKDAYS = "一二三四五六日"


async def scope_unit(principal):
    """None (the national calendar) for whole-country managers, else the caller's unit."""
    reach = await principal.require_reach("calendar.manage")
    return None if reach.everything or "system" in principal.admin_tiers else principal.unit_id


def year_arg(handler, name="year", *, body=False):
    year = handler.int_arg(name, datetime.date.today().year + 1, body=body)
    if not 2000 <= year <= 2100:
        raise Invalid("年份不正确", code="VALIDATION_FAILED", fields={"year": "2000–2100"})
    return year


class DayForm(Form):
    day: Day
    kind: Literal[tuple(KIND_LABELS)]
    name: text(50, min_length=0) = ""


class CalendarPage(AdminHandler):
    required = ("calendar.manage",)

    async def render_year(self, *, year, day=None, error=None, status=200):
        unit_id = await scope_unit(self.principal)
        infos, warnings = await calendar_service.day_infos(
            datetime.date(year, 1, 1), datetime.date(year, 12, 31), unit_id=self.principal.unit_id)
        by_day = {i.day: i for i in infos}
        months = []
        for m in range(1, 13):
            weeks = []
            for week in _cal.Calendar().monthdatescalendar(year, m):
                weeks.append([by_day[d] if d.month == m else None for d in week])
            months.append({"month": m, "weeks": weeks})
        counts = {k: sum(1 for i in infos if i.kind == k) for k in KIND_LABELS}
        status_info = await calendar_service.year_status(year, unit_id=self.principal.unit_id)
        selected = by_day.get(day) if day else None
        self.set_status(status)
        await self.page("calendar/year.html", year=year, months=months, counts=counts,
                        kinds=KIND_LABELS, status_info=status_info, source_labels=SOURCE_LABELS,
                        selected=selected, weekdays=WEEKDAYS, national=unit_id is None,
                        working=sum(1 for i in infos if i.working), error=error, warnings=warnings)


class CalendarHandler(CalendarPage):
    """节假日日历（按年）。"""

    async def get(self):
        day = None
        raw = self.get_query_argument("day", "")
        if raw:
            try:
                day = datetime.date.fromisoformat(raw)
            except ValueError:
                raise Invalid("日期格式不正确", code="VALIDATION_FAILED", fields={"day": "YYYY-MM-DD"}) from None
        year = day.year if day else year_arg(self)
        await self.render_year(year=year, day=day)


class CalendarDayHandler(CalendarPage):
    """设置某天的类型。"""

    async def post(self):
        form = self.form_args("day", "kind", "name")
        body = parse_form(self, DayForm, form).model_dump()
        day = body["day"]
        try:
            await calendar_service.set_day(actor=self.principal, day=day, kind=body["kind"],
                                           name=body["name"], unit_id=await scope_unit(self.principal))
        except ApiError as exc:
            if exc.status in (403, 404):
                raise
            await self.render_year(year=day.year, day=day, error=exc.message, status=exc.status)
            return
        self.flash(f"已将 {day.isoformat()} 设为{KIND_LABELS[body['kind']]}{('（' + body['name'] + '）') if body['name'] else ''}")
        self.redirect(f"/admin/calendar?year={day.year}&day={day.isoformat()}")


class CalendarPublishHandler(CalendarPage):
    """发布某年的节假日安排。"""

    async def post(self):
        year = year_arg(self, body=True)
        await calendar_service.publish_year(actor=self.principal, year=year,
                                            unit_id=await scope_unit(self.principal))
        self.flash(f"已发布 {year} 年节假日安排，请假与考勤将按此计算")
        self.redirect(f"/admin/calendar?year={year}")


class CalendarImportHandler(CalendarPage):
    """按国务院通知录入全年节假日：粘贴正文或上传文本文件 → 预览 → 确认保存并发布。"""

    async def show(self, *, year, text="", result=None, error=None, status=200):
        self.set_status(status)
        await self.page("calendar/import.html", year=year, text=text, result=result, error=error,
                        kinds=KIND_LABELS, national=await scope_unit(self.principal) is None)

    async def get(self):
        await self.show(year=year_arg(self))

    async def post(self):
        year = year_arg(self, body=True)
        text = self.get_body_argument("text", "")
        files = self.request.files.get("file") or []
        if files and files[0]["body"]:
            try:
                text = files[0]["body"][:200000].decode("utf-8-sig")
            except UnicodeDecodeError:
                await self.show(year=year, text="", error="文件应为 UTF-8 编码的文本（.txt）", status=422)
                return
        unit_id = await scope_unit(self.principal)
        save = self.get_body_argument("action", "preview") == "save"
        try:
            if save:
                result = await calendar_notice.import_notice(actor=self.principal, year=year,
                                                             text=text, unit_id=unit_id)
            else:
                result = await calendar_notice.preview(actor=self.principal, year=year, text=text,
                                                       unit_id=unit_id)
        except ApiError as exc:
            if exc.status in (403, 404):
                raise
            result = None
            if exc.code in ("CALENDAR_IMPORT_INVALID", "VALIDATION_FAILED"):
                try:
                    result = await calendar_notice.preview(actor=self.principal, year=year,
                                                           text=text, unit_id=unit_id)
                except ApiError:
                    result = None
            await self.show(year=year, text=text, result=result, error=exc.message, status=exc.status)
            return
        if save:
            self.flash(f"已按通知录入 {year} 年节假日（放假 {result['holidays']} 天、调休上班 "
                       f"{result['makeup_workdays']} 天）并发布")
            self.redirect(f"/admin/calendar?year={year}")
            return
        await self.show(year=year, text=text, result=result)


class CalendarBannerHandler(AdminHandler):
    """全站提示：下一年节假日安排尚未录入（htmx 片段）。"""

    async def get(self):
        year = datetime.date.today().year + 1
        status = await calendar_service.year_status(year, unit_id=self.principal.unit_id)
        self.render("calendar/banner.html", year=year, status_info=status,
                        can_manage=self.principal.has("calendar.manage"))


default_handlers = [
    (r"/admin/calendar", CalendarHandler),
    (r"/admin/calendar/day", CalendarDayHandler),
    (r"/admin/calendar/publish", CalendarPublishHandler),
    (r"/admin/calendar/import", CalendarImportHandler),
    (r"/admin/calendar/banner", CalendarBannerHandler),
]
