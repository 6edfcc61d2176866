"""Goal items and versions, the write side both paths share: the rules a draft is checked against
(目标设定规则), cleaning items from a request body or a template, replacing a version's items, a new
version, the goal set's optimistic lock and its audit entry. The owner's writes are
services/appraisal/goals.py (which re-exports these names), the review chain
services/appraisal/goal_review.py."""
import datetime
import math
import secrets

import peewee as pw

from models.appraisal.cycles import DeptIndicator
from models.appraisal.goals import GoalItem, GoalSet, GoalVersion
from models.base import atomic, fetch_all, get_one, utcnow
from server.errors import Conflict, Invalid
from services import audit
from services.appraisal import goal_history as gh


EDITABLE = ("draft", "returned")


def locked_error():
    return Conflict("目标已确认锁定，不能修改；如需调整请提出目标变更申请",
                    code="APPRAISAL_GOALS_LOCKED")


def stale_error():
    return Conflict("目标已被更新，请刷新后重试", code="APPRAISAL_GOALS_STALE")


def _link(gs):
    return f"/package-appraisal/goals/index?cycle_id={gs.cycle_id}"


# -- rules -------------------------------------------------------------------------------------

def _finite(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _check_formula(formula, target):
    """A message when the formula is malformed, else None."""
    kind = formula.get("type")
    if kind in ("linear", "capped"):
        floor = formula.get("floor", 0)
        if floor is None:
            floor = 0
        if not _finite(floor):
            return "下限应为数字"
        if target is not None and floor == target:
            return "下限不能等于目标值"
        if kind == "capped":
            cap = formula.get("cap")
            if not _finite(cap) or not 1 <= cap <= 5:
                return "封顶系数应在 1 至 5 之间（如 1.2 表示最高 120 分）"
        return None
    if kind == "threshold":
        steps = formula.get("steps") or []
        if not 1 <= len(steps) <= 10:
            return "阶梯应为 1 至 10 档"
        prev = None
        for s in steps:
            at, score = s.get("at"), s.get("score")
            if not _finite(at) or not _finite(score) or not 0 <= score <= 200:
                return "每档应有达到值和 0 至 200 的得分"
            if prev is not None and at <= prev:
                return "阶梯应按达到值从小到大排列"
            prev = at
        return None
    return "计分公式应为 linear、capped 或 threshold"


async def check_items(items, *, cycle, department_id, complete):
    """(errors keyed items.N.field / items / weight_total, first code, message parts).
    `complete` adds the submission rules (required fields, count, weights summing to 100)."""
    errors, parts, codes = {}, [], []
    settings = cycle.settings or {}
    lo, hi = int(settings.get("min_items") or 3), int(settings.get("max_items") or 10)
    indicator_ids = {i["indicator_id"] for i in items if i.get("indicator_id")}
    valid = set()
    if indicator_ids and department_id:
        valid = {d.id for d in await fetch_all(DeptIndicator.select(DeptIndicator.id).where(
            DeptIndicator.id.in_(list(indicator_ids)), DeptIndicator.cycle == cycle.id,
            DeptIndicator.department == department_id, DeptIndicator.active == True))}  # noqa: E712
    seen = set()
    for n, i in enumerate(items):
        p = f"items.{n}."
        if i["key"] in seen:
            errors[p + "key"] = "编号重复"
        seen.add(i["key"])
        if complete and not i["title"]:
            errors[p + "title"] = "请填写目标名称"
        if i["kind"] == "quantitative":
            if complete and i["target"] is None:
                errors[p + "target"] = "定量目标须填写目标值"
            if i["formula"]:
                problem = _check_formula(i["formula"], i["target"])
                if problem:
                    errors[p + "formula"] = problem
            elif complete:
                errors[p + "formula"] = "定量目标须选择计分公式"
        elif complete and not i["criteria"]:
            errors[p + "criteria"] = "定性目标须填写完成标准"
        if complete and not (i["weight"] or 0) > 0:
            errors[p + "weight"] = "权重应大于 0"
        if i["due_date"] is not None and i["due_date"].year != cycle.year:
            errors[p + "due_date"] = f"完成时限应在 {cycle.year} 年内"
        if i["indicator_id"] and i["indicator_id"] not in valid:
            errors[p + "indicator_id"] = "应为本部门在本考核周期的部门指标"
    if errors:
        codes.append("APPRAISAL_GOALS_INVALID")
        parts.append(f"有 {len(errors)} 处填写有误")
    total = gh.weight_total(items)
    if complete:
        if not lo <= len(items) <= hi:
            errors["items"] = f"目标应为 {lo} 至 {hi} 项，当前 {len(items)} 项"
            codes.insert(0, "APPRAISAL_ITEM_COUNT")
            parts.insert(0, errors["items"])
        if abs(float(total) - 100) > 0.001:
            errors["weight_total"] = f"各项权重合计应为 100，当前合计 {total}"
            codes.append("APPRAISAL_WEIGHTS_NOT_100")
            parts.append(errors["weight_total"])
    return errors, (codes[0] if codes else None), parts


async def _raise_if_invalid(items, *, cycle, department_id, complete):
    errors, code, parts = await check_items(items, cycle=cycle, department_id=department_id,
                                            complete=complete)
    if code:
        raise Invalid("；".join(parts), code=code, fields=errors)


async def readiness(items, *, cycle, department_id):
    """The live check shown beside the draft: weight total and what would stop a submission."""
    errors, code, _ = await check_items(items, cycle=cycle, department_id=department_id, complete=True)
    return {"weight_total": gh.weight_total(items), "item_count": len(items), "ready": code is None,
            "problems": errors}


# -- items -------------------------------------------------------------------------------------

def _new_key(used):
    while True:
        key = "g" + secrets.token_hex(3)
        if key not in used:
            used.add(key)
            return key


def _as_date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def _clean(raw, used):
    """One item dict from a request body or a template, with every field present."""
    kind = raw.get("kind") if raw.get("kind") in ("quantitative", "qualitative") else "quantitative"
    key = raw.get("key") or None
    if key is None or not isinstance(key, str) or len(key) > 16:
        key = _new_key(used)
    used.add(key)

    def text(name, size):
        value = raw.get(name)
        return value.strip()[:size] if isinstance(value, str) else ""
    target = raw.get("target") if _finite(raw.get("target")) else None
    formula = raw.get("formula") if isinstance(raw.get("formula"), dict) else None
    if formula is not None:
        formula = {k: v for k, v in formula.items() if v is not None}
    weight = raw.get("weight") if _finite(raw.get("weight")) else 0
    qualitative = kind == "qualitative"
    return {"key": key, "title": text("title", 100), "description": text("description", 1000),
            "kind": kind, "target": None if qualitative else target,
            "unit_of_measure": text("unit_of_measure", 20), "data_source": text("data_source", 100),
            "formula": None if qualitative else formula, "criteria": text("criteria", 1000),
            "weight": float(weight), "due_date": _as_date(raw.get("due_date")),
            "indicator_id": raw.get("indicator_id") if isinstance(raw.get("indicator_id"), int) else None}


def clean_items(raw_items):
    used = {i.get("key") for i in raw_items if isinstance(i.get("key"), str)}
    out = []
    for n, raw in enumerate(raw_items):
        item = _clean(raw, used if not raw.get("key") else set())
        item["sort"] = n
        out.append(item)
    return out


async def _write_items(version, items):
    """Replace a version's items. Only a draft or returned version: a confirmed one never."""
    if version.status not in EDITABLE:
        raise locked_error()
    await GoalItem.delete().where(GoalItem.version == version.id).aexecute()
    if items:
        await GoalItem.insert_many([{**{k: v for k, v in i.items()}, "version": version.id}
                                    for i in items]).aexecute()


async def _new_version(gs, *, kind, actor_id, reason="", based_on=None, items=()):
    last = await get_one(GoalVersion.select(GoalVersion.number).where(GoalVersion.goal_set == gs.id)
                         .order_by(GoalVersion.number.desc()))
    try:
        async with atomic():
            v = await GoalVersion.acreate(goal_set=gs.id, number=(last.number if last else 0) + 1,
                                          kind=kind, status="draft", reason=reason,
                                          based_on_id=based_on, created_by=actor_id)
    except pw.IntegrityError:
        raise stale_error() from None
    await _write_items(v, [dict(i) for i in items])
    return v


async def _bump_set(gs, **fields):
    """Optimistic lock on the goal set: only the writer holding the version it read wins."""
    fields.update(version=GoalSet.version + 1, updated_at=utcnow())
    rows = await GoalSet.update(**fields).where(GoalSet.id == gs.id,
                                                GoalSet.version == gs.version).aexecute()
    if rows != 1:
        raise stale_error()
    gs.version += 1
    for k, v in fields.items():
        if k not in ("version", "updated_at"):
            setattr(gs, k, v)


async def _audit(actor, action, gs, before=None, after=None):
    await audit.record(actor=actor, action=f"appraisal.goals.{action}", target_type="appraisal_goal_set",
                       target_id=gs.id, before=before, after=after, unit_id=gs.unit_id)


def _snapshot(items):
    return [{k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in i.items()}
            for i in items]
