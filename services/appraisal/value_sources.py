"""Where actual values come from besides the owner: an HR import (XLSX, all rows or none, every
bad row named with its reason) and business systems pushing values with a feed token (数据接口令牌)
scoped to one unit, one cycle and the department indicators it may feed. Values land as progress
rows with source `import` / `system`; the owner cannot override them afterwards
(services/appraisal/progress.py).

A feed token is shown once, at creation: only its SHA-256 is stored. A push is not a staff
session: the token is the only credential, checked here.
"""
import datetime
import hashlib
import math
import secrets

from models.appraisal.cycles import DeptIndicator
from models.appraisal.goals import GoalItem, GoalSet
from models.appraisal.progress import GoalProgress, IndicatorFeed
from models.base import atomic, fetch_all, for_update, utcnow
from models.org import Staff
from server.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from services import audit
from services.access import staff_dept_ids
from services.appraisal.common import get_cycle, phase_state, phases_of
from services.appraisal.progress import period_start
from services.tables import read_table

COLUMNS = {"工号": "employee_no", "目标项编号": "item_key", "指标编码": "indicator_code",
           "日期": "date", "数值": "value", "说明": "note",
           "employee_no": "employee_no", "item_key": "item_key", "indicator_code": "indicator_code",
           "date": "date", "value": "value", "note": "note"}
REQUIRED = ("employee_no", "date", "value")
HEADER_LABELS = {"employee_no": "工号", "date": "日期", "value": "数值"}
MAX_ROWS = 5000
MAX_PUSH = 500
TOKEN_PREFIX = "mjf_"


# -- shared ----------------------------------------------------------------------------------------

async def _value_window(cycle, today):
    """Values may land from the opening of the progress phase until the cycle is closed (year-end
    figures come after the progress phase). Returns the earliest allowed date."""
    if cycle.status == "closed":
        raise Conflict("考核周期已结束，不能再导入或推送数据", code="APPRAISAL_CYCLE_CLOSED")
    phases = await phases_of(cycle.id)
    if cycle.status != "launched" or "progress" not in phases or \
            await phase_state(cycle, "progress", today=today, phases=phases) == "not_started":
        raise Conflict("过程跟踪阶段尚未开始", code="APPRAISAL_PHASE_NOT_STARTED",
                       fields={"phase": "progress"})
    return await period_start(cycle, phases)


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    try:
        x = float(str(value).strip().replace(",", ""))
    except ValueError:
        return None
    return x if math.isfinite(x) and abs(x) <= 1e12 else None


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        parts = text.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                return None
    return None


async def _targets(cycle):
    """Look-ups for a cycle: confirmed goal sets by staff id, their quantitative items by set, and
    active indicators by code."""
    sets = {g.staff_id: g for g in await fetch_all(GoalSet.select().where(
        GoalSet.cycle == cycle.id, GoalSet.confirmed_version_id.is_null(False)))}
    by_version = {g.confirmed_version_id: g.id for g in sets.values()}
    items = {}
    if by_version:
        for it in await fetch_all(GoalItem.select().where(GoalItem.version.in_(list(by_version)))):
            items.setdefault(by_version[it.version_id], []).append(it)
    indicators = {i.code: i for i in await fetch_all(DeptIndicator.select().where(
        DeptIndicator.cycle == cycle.id, DeptIndicator.active == True, DeptIndicator.code != ""))}  # noqa: E712
    return sets, items, indicators


def _resolve(gs, items, *, item_key=None, indicator=None):
    """(items to write, reason) for one value: an item key of the confirmed goals, or every
    quantitative item linked to the indicator."""
    mine = items.get(gs.id, [])
    if item_key:
        it = next((i for i in mine if i.key == item_key), None)
        if it is None:
            return [], f"目标项编号“{item_key}”不在该人员已确认的目标中"
        if it.kind != "quantitative":
            return [], f"目标项“{it.title}”是定性目标，不能导入数值"
        return [it], None
    linked = [i for i in mine if i.indicator_id == indicator.id and i.kind == "quantitative"]
    if not linked:
        return [], f"该人员没有关联指标“{indicator.code}”的定量目标"
    return linked, None


async def _write(rows, *, source, actor_id=None, feed_id=None, batch=""):
    """Append progress rows [{goal_set, item_key, reported_on, value, note}] (inside a transaction,
    goal sets locked like an owner's report)."""
    ids = sorted({r["goal_set"] for r in rows})
    if ids:
        await fetch_all(for_update(GoalSet.select(GoalSet.id).where(GoalSet.id.in_(ids))))
    out = []
    for r in rows:
        row = await GoalProgress.acreate(goal_set=r["goal_set"], item_key=r["item_key"],
                                         reported_on=r["reported_on"], actual_value=r["value"],
                                         note=r.get("note", "")[:1000], source=source,
                                         recorded_by=actor_id, feed_id=feed_id, batch=batch)
        out.append(row)
    return out


# -- HR import -------------------------------------------------------------------------------------

def _table(header, body):
    header = [str(h or "").strip().lstrip("\ufeff") for h in header]
    index = {}
    for i, h in enumerate(header):
        if h in COLUMNS:
            index.setdefault(COLUMNS[h], i)
    missing = [HEADER_LABELS[c] for c in REQUIRED if c not in index]
    if "item_key" not in index and "indicator_code" not in index:
        missing.append("目标项编号 或 指标编码")
    if missing:
        raise Invalid("缺少必需的列：" + "、".join(missing), code="IMPORT_COLUMNS_MISSING",
                      fields={"columns": missing})
    rows = []
    for number, cells in body:
        cells = list(cells)
        if not any(c not in ("", None) for c in cells):
            continue
        rec = {}
        for field, i in index.items():
            v = cells[i] if i < len(cells) else None
            if isinstance(v, float) and field != "value" and v.is_integer():
                v = int(v)
            rec[field] = v if isinstance(v, (datetime.date, int, float)) and field in ("date", "value") \
                else ("" if v is None else str(v).strip())
        rows.append((number, rec))
    if len(rows) > MAX_ROWS:
        raise Invalid(f"一次最多导入 {MAX_ROWS} 行", code="IMPORT_TOO_LARGE")
    if not rows:
        raise Invalid("文件中没有数据行", code="IMPORT_FILE_EMPTY")
    return rows


async def parse_file(filename, content):
    if not content:
        raise Invalid("请选择要导入的 XLSX 文件", code="IMPORT_FILE_MISSING", fields={"file": "必填"})
    header, rows = await read_table(filename, content,
                                    type_message="只支持 .xlsx（或 UTF-8 的 .csv）文件")
    return _table(header, rows)


async def import_values(*, actor, cycle_id, filename, content, today):
    """Validate every row, then write them all in one transaction (or none). Rows name a person by
    工号 (in the caller's appraisal.manage reach) and an item by its key or by an indicator code
    (then every confirmed quantitative item linked to it gets the value)."""
    from services.appraisal.cycles import cycle_for_manage
    cycle, reach = await cycle_for_manage(actor, cycle_id, whole_unit=False)
    earliest = await _value_window(cycle, today)
    rows = await parse_file(filename, content)
    sets, items, indicators = await _targets(cycle)
    numbers = {str(r.get("employee_no") or "") for _, r in rows}
    staff = {s.employee_no: s for s in await fetch_all(Staff.select().where(
        Staff.unit == cycle.unit_id, Staff.employee_no.in_(list(numbers) or [""]),
        Staff.is_service_account == False))}  # noqa: E712
    problems, clean, seen = [], [], {}
    for number, raw in rows:
        reasons = []
        no = str(raw.get("employee_no") or "")
        key, code = str(raw.get("item_key") or ""), str(raw.get("indicator_code") or "")
        person = staff.get(no)
        if not no:
            reasons.append("工号不能为空")
        elif person is None:
            reasons.append(f"工号“{no}”不是本单位人员")
        elif not reach.covers_staff(person.id, await staff_dept_ids(person), person.unit_id):
            reasons.append(f"工号“{no}”不在您的管理范围内")
        elif person.id not in sets:
            reasons.append(f"{person.name}（{no}）在本周期没有已确认的目标")
        if bool(key) == bool(code):
            reasons.append("目标项编号与指标编码应填且只填一项")
        elif code and code not in indicators:
            reasons.append(f"指标编码“{code}”不是本周期的部门指标")
        when = _date(raw.get("date"))
        if when is None:
            reasons.append("日期应为日期，如 2026-06-30")
        elif when > today:
            reasons.append("日期不能晚于今天")
        elif when < earliest:
            reasons.append(f"日期不能早于考核期开始（{earliest.isoformat()}）")
        value = _number(raw.get("value"))
        if value is None:
            reasons.append("数值应为数字")
        targets = []
        if not reasons:
            targets, why = _resolve(sets[person.id], items, item_key=key or None,
                                    indicator=indicators.get(code))
            if why:
                reasons.append(why)
        for it in targets:
            k = (person.id, it.key, when)
            if k in seen:
                reasons.append(f"与第 {seen[k]} 行重复（同一人、同一目标项、同一日期）")
                break
            seen[k] = number
        if reasons:
            problems.append({"row": number, "reason": "；".join(reasons)})
            continue
        for it in targets:
            clean.append({"goal_set": sets[person.id].id, "item_key": it.key, "reported_on": when,
                          "value": value, "note": str(raw.get("note") or "")})
    if problems:
        raise Invalid(f"导入失败：{len(problems)} 行有误，未导入任何数据", code="IMPORT_ROWS_INVALID",
                      fields={"rows": problems})
    batch = "imp-" + secrets.token_hex(8)
    async with atomic():
        written = await _write(clean, source="import", actor_id=actor.id, batch=batch)
        await audit.record(actor=actor, action="appraisal.values.import", target_type="appraisal_cycle",
                           target_id=cycle.id, after={
                               "batch": batch, "filename": (filename or "")[:100],
                               "sha256": hashlib.sha256(content).hexdigest(), "rows": len(rows),
                               "values": len(written), "goal_sets": len({r["goal_set"] for r in clean})},
                           unit_id=cycle.unit_id)
    return {"batch": batch, "rows": len(rows), "imported": len(written),
            "goal_sets": len({r["goal_set"] for r in clean})}


# -- feeds -----------------------------------------------------------------------------------------

def _hash(token):
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _feed_not_found():
    return NotFound("数据接口令牌不存在", code="APPRAISAL_FEED_NOT_FOUND")


async def feeds_out(feeds):
    ids = {i for f in feeds for i in (f.indicator_ids or [])}
    inds = {i.id: i for i in await fetch_all(DeptIndicator.select().where(
        DeptIndicator.id.in_(list(ids))))} if ids else {}
    creators = {s.id: s.name for s in await fetch_all(Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_([f.created_by_id for f in feeds if f.created_by_id] or [0])))}
    return [{"id": f.id, "name": f.name, "cycle_id": f.cycle_id, "unit_id": f.unit_id,
             "indicators": [{"id": i, "code": inds[i].code, "title": inds[i].title}
                            for i in (f.indicator_ids or []) if i in inds],
             "created_by": creators.get(f.created_by_id), "created_at": f.created_at,
             "last_used_at": f.last_used_at, "revoked_at": f.revoked_at,
             "status": "revoked" if f.revoked_at else "active"} for f in feeds]


async def list_feeds(*, actor, cycle_id):
    from services.appraisal.cycles import cycle_for_manage
    cycle, _ = await cycle_for_manage(actor, cycle_id)
    feeds = await fetch_all(IndicatorFeed.select().where(IndicatorFeed.cycle == cycle.id)
                            .order_by(IndicatorFeed.id.desc()))
    return await feeds_out(feeds)


async def create_feed(*, actor, cycle_id, name, indicator_ids):
    """A token for one business system: the cycle's unit and the listed indicators (each with a
    code, which is what the system names it by). The token is returned this once."""
    from services.appraisal.cycles import cycle_for_manage
    cycle, _ = await cycle_for_manage(actor, cycle_id)
    if cycle.status == "closed":
        raise Conflict("考核周期已结束", code="APPRAISAL_CYCLE_CLOSED")
    wanted = list(dict.fromkeys(indicator_ids))
    found = {i.id: i for i in await fetch_all(DeptIndicator.select().where(
        DeptIndicator.id.in_(wanted or [0]), DeptIndicator.cycle == cycle.id,
        DeptIndicator.active == True))}  # noqa: E712
    errors = {}
    for n, i in enumerate(wanted):
        if i not in found:
            errors[f"indicator_ids.{n}"] = "不是本周期的部门指标"
        elif not found[i].code:
            errors[f"indicator_ids.{n}"] = f"部门指标“{found[i].title}”没有编码，业务系统无法按编码推送"
    if errors:
        raise Invalid("可推送的指标有误", code="VALIDATION_FAILED", fields=errors)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    async with atomic():
        feed = await IndicatorFeed.acreate(unit=cycle.unit_id, cycle=cycle.id, name=name,
                                           token_hash=_hash(token), indicator_ids=wanted,
                                           created_by=actor.id)
        await audit.record(actor=actor, action="appraisal.feed.create", target_type="appraisal_feed",
                           target_id=feed.id, after={"name": name, "cycle_id": cycle.id,
                                                     "indicator_ids": wanted},
                           unit_id=cycle.unit_id)
    return {**(await feeds_out([feed]))[0], "token": token}


async def revoke_feed(*, actor, feed_id):
    from services.appraisal.cycles import cycle_for_manage
    async with atomic():
        feed = await IndicatorFeed.aget_or_none(IndicatorFeed.id == feed_id)
        if feed is None or feed.cycle_id is None:
            raise _feed_not_found()
        try:
            await cycle_for_manage(actor, feed.cycle_id)
        except NotFound:
            raise _feed_not_found() from None
        if feed.revoked_at is not None:
            raise Conflict("该令牌已撤销", code="APPRAISAL_FEED_REVOKED")
        feed.revoked_at = utcnow()
        await IndicatorFeed.update(revoked_at=feed.revoked_at).where(IndicatorFeed.id == feed.id).aexecute()
        await audit.record(actor=actor, action="appraisal.feed.revoke", target_type="appraisal_feed",
                           target_id=feed.id, before={"status": "active"},
                           after={"status": "revoked", "name": feed.name}, unit_id=feed.unit_id)
    return (await feeds_out([feed]))[0]


async def feed_for_token(token):
    """The live feed a bearer token belongs to, or 401 (unknown, revoked: no difference told)."""
    feed = None
    if token and token.startswith(TOKEN_PREFIX) and len(token) <= 200:
        feed = await IndicatorFeed.aget_or_none(IndicatorFeed.token_hash == _hash(token))
    if feed is None or feed.revoked_at is not None or feed.cycle_id is None:
        raise Unauthorized("数据接口令牌无效或已撤销", code="APPRAISAL_FEED_TOKEN_INVALID")
    return feed


async def push_values(*, token, values, today):
    """A business system's values [{indicator_code, employee_no, reported_on, value, note}]: all
    or none. Each lands on every confirmed quantitative item of that person linked to that
    indicator, as source `system`."""
    feed = await feed_for_token(token)
    cycle = await get_cycle(feed.cycle_id)
    earliest = await _value_window(cycle, today)
    sets, items, indicators = await _targets(cycle)
    allowed = set(feed.indicator_ids or [])
    outside = {f"values.{n}.indicator_code": "该令牌无权推送此指标"
               for n, v in enumerate(values)
               if v["indicator_code"] not in indicators or indicators[v["indicator_code"]].id not in allowed}
    if outside:
        raise Forbidden("该令牌无权推送这些指标", code="APPRAISAL_FEED_INDICATOR_NOT_ALLOWED",
                        fields=outside)
    staff = {s.employee_no: s for s in await fetch_all(Staff.select().where(
        Staff.unit == feed.unit_id, Staff.employee_no.in_([v["employee_no"] for v in values]),
        Staff.is_service_account == False))}  # noqa: E712
    errors, clean, accepted, seen = {}, [], [], {}
    for n, v in enumerate(values):
        p = f"values.{n}."
        person = staff.get(v["employee_no"])
        if person is None:
            errors[p + "employee_no"] = "本单位没有该工号的人员"
            continue
        if person.id not in sets:
            errors[p + "employee_no"] = "该人员在本周期没有已确认的目标"
            continue
        if v["reported_on"] > today:
            errors[p + "reported_on"] = "不能晚于今天"
            continue
        if v["reported_on"] < earliest:
            errors[p + "reported_on"] = f"不能早于考核期开始（{earliest.isoformat()}）"
            continue
        gs = sets[person.id]
        targets, why = _resolve(gs, items, indicator=indicators[v["indicator_code"]])
        if why:
            errors[p + "indicator_code"] = why
            continue
        k = (person.id, v["indicator_code"], v["reported_on"])
        if k in seen:
            errors[p + "reported_on"] = f"与第 {seen[k] + 1} 条重复"
            continue
        seen[k] = n
        for it in targets:
            clean.append({"goal_set": gs.id, "item_key": it.key, "reported_on": v["reported_on"],
                          "value": v["value"], "note": v.get("note") or ""})
        accepted.append({"employee_no": v["employee_no"], "indicator_code": v["indicator_code"],
                         "reported_on": v["reported_on"], "goal_set_id": gs.id,
                         "item_keys": [it.key for it in targets]})
    if errors:
        raise Invalid(f"推送失败：{len(errors)} 条有误，未写入任何数据", code="APPRAISAL_FEED_VALUES_INVALID",
                      fields=errors)
    async with atomic():
        written = await _write(clean, source="system", feed_id=feed.id)
        await IndicatorFeed.update(last_used_at=utcnow()).where(IndicatorFeed.id == feed.id).aexecute()
        await audit.record(actor=None, action="appraisal.feed.push", target_type="appraisal_feed",
                           target_id=feed.id, after={
                               "feed": feed.name, "cycle_id": cycle.id, "values": [
                                   {"employee_no": a["employee_no"], "indicator_code": a["indicator_code"],
                                    "reported_on": a["reported_on"].isoformat(),
                                    "value": values[i]["value"], "items": a["item_keys"]}
                                   for i, a in enumerate(accepted)][:100],
                               "progress_ids": [r.id for r in written][:500]},
                           unit_id=feed.unit_id)
    return {"accepted": len(accepted), "written": len(written), "values": accepted}
