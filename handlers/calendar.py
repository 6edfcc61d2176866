"""The holiday calendar: read a range, set a day's kind, publish a year, year status banners."""
import pydantic
from pydantic import TypeAdapter

from handlers.base import ApiHandler
from handlers.contract import Day, api, validation_error
from handlers.schemas import calendar as s
from server.errors import BadRequest, NotFound
from services import calendar, calendar_notice

_DAY = TypeAdapter(Day)


def _path_day(value):
    """The day in the path (already shaped NNNN-NN-NN by the route): a real date, 1900–2100."""
    try:
        return _DAY.validate_python(value)
    except pydantic.ValidationError as exc:
        raise validation_error(exc, where="date") from None


YEARS = range(1900, 2100)  # the calendar's meaningful span; `date()` itself fails at year 0


def _year(value):
    year = int(value)
    if year not in YEARS:
        raise NotFound("年份超出日历范围", code="NOT_FOUND")
    return year


class CalendarHandler(ApiHandler):
    """节假日日历：按日期范围查询每天的类型（工作日、休息日、法定节假日、调休上班）。"""

    @api(query=s.CalendarQuery, response=list[s.CalendarDayOut], extra=("warnings",))
    async def get(self, *, query):
        start, end = query.start, query.end
        if (end - start).days > 400 or end < start:
            raise BadRequest("日期范围应在 400 天以内且结束不早于开始", code="CALENDAR_RANGE_INVALID")
        days, warnings = await calendar.day_infos(start, end, unit_id=self.principal.unit_id)
        self.write_data([d.to_json() for d in days], warnings=warnings)


class CalendarDayHandler(ApiHandler):
    """设置某天的类型（管理员录入或更正节假日安排）。"""

    @api(body=s.CalendarDaySet, response=s.CalendarDayOut)
    async def put(self, day, *, body):
        info = await calendar.set_day(actor=self.principal, day=_path_day(day), kind=body.kind,
                                      name=body.name, unit_id=body.unit_id)
        self.write_data(info.to_json())


class CalendarYearHandler(ApiHandler):
    """某年的日历来源（package/admin/missing）与提示。"""

    @api(response=s.CalendarYearOut)
    async def get(self, year):
        self.write_data(await calendar.year_status(_year(year), unit_id=self.principal.unit_id))


class CalendarPublishHandler(ApiHandler):
    """发布某年的节假日安排（unit_id 为空即全国，仅系统管理员；录入完成后不再按周一至周五推算）。"""

    @api(body=s.CalendarPublish, response=s.CalendarYearOut)
    async def post(self, year, *, body):
        self.write_data(await calendar.publish_year(actor=self.principal, year=_year(year),
                                                    unit_id=body.unit_id))


class CalendarImportPreviewHandler(ApiHandler):
    """预览：粘贴国务院节假日安排通知（或日期列表），列出将设置的放假日与调休上班日，不保存。"""

    @api(body=s.CalendarImport, response=s.CalendarImportOut)
    async def post(self, year, *, body):
        self.write_data(await calendar_notice.preview(actor=self.principal, year=_year(year),
                                                      text=body.text, unit_id=body.unit_id))


class CalendarImportHandler(ApiHandler):
    """按通知一次录入全年节假日并发布该年（有无法识别的内容时拒绝，请先预览）。"""

    @api(body=s.CalendarImport, response=s.CalendarImportOut)
    async def post(self, year, *, body):
        self.write_data(await calendar_notice.import_notice(actor=self.principal, year=_year(year),
                                                            text=body.text, unit_id=body.unit_id))


default_handlers = [
    (r"/api/calendar", CalendarHandler),
    (r"/api/calendar/days/(\d{4}-\d{2}-\d{2})", CalendarDayHandler),
    (r"/api/calendar/years/(\d{4})", CalendarYearHandler),
    (r"/api/calendar/years/(\d{4})/publish", CalendarPublishHandler),
    (r"/api/calendar/years/(\d{4})/import/preview", CalendarImportPreviewHandler),
    (r"/api/calendar/years/(\d{4})/import", CalendarImportHandler),
]
