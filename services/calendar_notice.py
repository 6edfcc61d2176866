"""A year's holidays at once from the State Council notice (国务院办公厅关于某年部分节假日安排的通知):
parse the pasted text (or an uploaded text file), preview every day it changes, then save them
all and publish the year in one transaction.

Accepted lines (one holiday per line or per clause; 、，。; separate items):
    二、春节：2月15日（周日）至23日（周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
    三、清明节：4月4日（周六）至6日（周一）放假，共3天。
    春节 2027-02-06 至 2027-02-13          (a range; "~" or "-" between the dates also work)
    春节调休上班 2027-02-14、2027-02-20     (a line with 上班 lists make-up working days)
Days in a 放假 range become `holiday` (named after the clause), days before 上班 `makeup_workday`.
"""
import datetime
import re

from models.base import atomic, fetch_all
from models.calendar import CalendarDay, CalendarYear
from server.errors import Invalid
from services import audit
from services.calendar import _check_target, day_infos

MAX_TEXT = 20000
_PAREN = r"(?:[（(][^）)]*[）)])?"
_DATE = (r"(?:(?P<{p}y>\d{{4}})[年\-/.])?(?:(?P<{p}m>\d{{1,2}})[月\-/.])?(?P<{p}d>\d{{1,2}})[日号]?" + _PAREN)
RANGE_RE = re.compile(_DATE.format(p="a") + r"\s*(?:至|到|~|～|—|–|－|-{1,2})\s*" + _DATE.format(p="b"))
DATE_RE = re.compile(r"(?:(?P<y>\d{4})[年\-/.])?(?P<m>\d{1,2})[月\-/.](?P<d>\d{1,2})[日号]?")
NAME_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[.、])?\s*(?P<name>[\u4e00-\u9fa5][\u4e00-\u9fa5、]{1,11}?)(?:[：:]|\s)")
HOLIDAY_NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", "国庆节、中秋节", "中秋节、国庆节")


def _day(year, m, d):
    try:
        return datetime.date(int(year), int(m), int(d))
    except (TypeError, ValueError):
        return None


def _clauses(text):
    """Split into (name, sentence) pieces: a new numbered item or line starts a new holiday."""
    items = []
    for raw in re.split(r"[\r\n]+", text):
        line = raw.strip()
        if not line:
            continue
        # "一、元旦：... 二、春节：..." on one line: split before each numbered item
        for part in re.split(r"(?<=[。；;\s])(?=[一二三四五六七八九十]{1,2}、)", line):
            part = part.strip()
            if part:
                items.append(part)
    return items


def parse_notice(text, year):
    """(days {date: (kind, name)}, problems [str]) from the notice text for `year`."""
    if len(text) > MAX_TEXT:
        raise Invalid("内容过长", code="VALIDATION_FAILED", fields={"text": f"不超过 {MAX_TEXT} 字"})
    days, problems = {}, []
    for item in _clauses(text):
        m = NAME_RE.match(item)
        name = m.group("name") if m else ""
        name = re.sub(r"(调休上班|上班|放假)$", "", name)
        found = False
        for sentence in re.split(r"[。；;]", item):
            if not sentence.strip():
                continue
            if "上班" in sentence and "放假" not in sentence:
                for dm in DATE_RE.finditer(sentence):
                    day = _day(dm.group("y") or year, dm.group("m"), dm.group("d"))
                    found = _put(days, problems, year, day, "makeup_workday",
                                 f"{name}调休上班" if name else "调休上班", sentence) or found
                continue
            for rm in RANGE_RE.finditer(sentence):
                am = rm.group("am")
                if am is None:
                    continue
                y1 = rm.group("ay") or year
                first = _day(y1, am, rm.group("ad"))
                y2 = rm.group("by") or (y1 if (rm.group("bm") or am) and int(rm.group("bm") or am) >= int(am) else int(y1) + 1)
                last = _day(y2, rm.group("bm") or am, rm.group("bd"))
                if first is None or last is None or last < first or (last - first).days > 31:
                    problems.append(f"日期范围无法识别：{rm.group(0)}")
                    continue
                d = first
                while d <= last:
                    found = _put(days, problems, year, d, "holiday", name, sentence) or found
                    d += datetime.timedelta(days=1)
                sentence = sentence.replace(rm.group(0), " ")
            if "放假" in sentence:
                for dm in DATE_RE.finditer(sentence):   # a single day: "4月5日（周日）放假"
                    day = _day(dm.group("y") or year, dm.group("m"), dm.group("d"))
                    found = _put(days, problems, year, day, "holiday", name, sentence) or found
        if not found and ("放假" in item or "上班" in item or DATE_RE.search(item)):
            problems.append(f"未识别到日期：{item[:40]}")   # a title or preamble line is skipped
    return days, problems


def _put(days, problems, year, day, kind, name, where):
    if day is None:
        problems.append(f"日期无效：{where.strip()[:40]}")
        return False
    if day.year != year:
        problems.append(f"{day.isoformat()} 不在 {year} 年内（{where.strip()[:30]}）")
        return False
    old = days.get(day)
    if old and old[0] != kind:
        problems.append(f"{day.isoformat()} 既是放假又是上班")
        return False
    days[day] = (kind, name or "")
    return True


async def preview(*, actor, year, text, unit_id=None):
    """What saving would change, without writing."""
    actor.require("calendar.manage")
    await _check_target(actor, unit_id)
    days, problems = parse_notice(text or "", year)
    infos, _ = await day_infos(datetime.date(year, 1, 1), datetime.date(year, 12, 31), unit_id=unit_id)
    current = {i.day: i for i in infos}
    out = []
    for day in sorted(days):
        kind, name = days[day]
        now = current[day]
        out.append({"date": day.isoformat(), "kind": kind, "name": name, "current_kind": now.kind,
                    "current_name": now.name, "changed": (now.kind, now.name) != (kind, name)})
    return {"year": year, "unit_id": unit_id, "days": out, "problems": problems,
            "holidays": sum(1 for d in out if d["kind"] == "holiday"),
            "makeup_workdays": sum(1 for d in out if d["kind"] == "makeup_workday"),
            "changed": sum(1 for d in out if d["changed"])}


async def import_notice(*, actor, year, text, unit_id=None):
    """Save every parsed day and publish the year (one transaction, one audit entry). A text
    with problems is refused: the preview shows them first."""
    result = await preview(actor=actor, year=year, text=text, unit_id=unit_id)
    if result["problems"]:
        raise Invalid("通知内容有无法识别的部分，请先预览并更正", code="CALENDAR_IMPORT_INVALID",
                      fields={"text": "；".join(result["problems"][:5])})
    if not result["days"]:
        raise Invalid("未识别到任何放假或上班日期", code="CALENDAR_IMPORT_EMPTY", fields={"text": "未识别到日期"})
    async with atomic():
        existing = {r.day: r for r in await fetch_all(CalendarDay.select().where(
            CalendarDay.day.between(datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
            (CalendarDay.unit == unit_id) if unit_id is not None else CalendarDay.unit.is_null()))}
        for item in result["days"]:
            day = datetime.date.fromisoformat(item["date"])
            row = existing.get(day)
            if row is not None:
                await CalendarDay.update(kind=item["kind"], name=item["name"], updated_by=actor.id).where(
                    CalendarDay.id == row.id).aexecute()
            else:
                await CalendarDay.acreate(day=day, unit=unit_id, kind=item["kind"], name=item["name"],
                                          updated_by=actor.id)
        if not await fetch_all(CalendarYear.select().where(
                CalendarYear.year == year,
                (CalendarYear.unit == unit_id) if unit_id is not None else CalendarYear.unit.is_null())):
            await CalendarYear.acreate(year=year, unit=unit_id, published_by=actor.id)
        await audit.record(actor=actor, action="calendar.import", target_type="calendar_year",
                           target_id=str(year),
                           after={"unit_id": unit_id, "holidays": result["holidays"],
                                  "makeup_workdays": result["makeup_workdays"],
                                  "changed": result["changed"],
                                  "days": [f"{d['date']} {d['kind']}" for d in result["days"]]})
    return result
