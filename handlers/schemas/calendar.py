"""Holiday calendar request and response models."""
from typing import Literal

from pydantic import Field

from handlers.contract import Body, Day, Id, Out, Query
from handlers.schemas.textrules import text

DayKind = Literal["workday", "rest", "holiday", "makeup_workday"]


class CalendarQuery(Query):
    start: Day
    end: Day = Field(description="含当天；范围不超过 400 天")


class CalendarDaySet(Body):
    kind: DayKind = Field(description="workday 工作日；rest 休息日；holiday 法定节假日；makeup_workday 调休上班")
    name: text(50, min_length=0) = Field("", description="节日名称，如 春节")
    unit_id: Id | None = Field(None, description="只改本单位（缺省为全国，仅系统管理员）")


class CalendarPublish(Body):
    unit_id: Id | None = Field(None, description="缺省为全国（仅系统管理员）")


class CalendarDayOut(Out):
    date: str
    kind: DayKind
    name: str
    source: Literal["admin", "package", "weekday_fallback"]
    working: bool


class CalendarYearOut(Out):
    year: int
    source: Literal["package", "admin", "missing"]
    warning: str


NoticeText = text(20000, multiline=True)


class CalendarImport(Body):
    text: NoticeText = Field(description="国务院办公厅节假日安排通知的正文（或每行一个日期范围 / 上班日）")
    unit_id: Id | None = Field(None, description="只改本单位（缺省为全国，仅系统管理员）")


class CalendarImportDay(Out):
    date: str
    kind: Literal["holiday", "makeup_workday"]
    name: str
    current_kind: DayKind = Field(description="保存前的类型")
    current_name: str
    changed: bool


class CalendarImportOut(Out):
    year: int
    unit_id: int | None
    days: list[CalendarImportDay]
    problems: list[str] = Field(description="无法识别的内容；有问题时不能保存")
    holidays: int
    makeup_workdays: int
    changed: int
