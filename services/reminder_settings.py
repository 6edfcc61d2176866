"""A person's reminder settings and WeChat subscription allowances (issue 13)."""
from models.base import atomic, utcnow
from models.org import Staff
from models.reminders import ReminderSetting
from server.errors import Invalid
from services import audit, delivery

# When the mini-program asks for subscriptions (wx.requestSubscribeMessage: ≤ 3 per tap), and
# which events it asks for then. "profile" lists every configured one (the page asks in groups).
MOMENTS = {
    "leave_submitted": ["approval.result", "approval.action_required"],
    "overtime_submitted": ["approval.result", "approval.action_required"],
    "goals_submitted": ["appraisal.goals", "appraisal.deadline", "appraisal.results_published"],
    "approval": ["approval.pending", "approval.overdue"],
    "attendance": ["attendance.clock_in"],
}


def _brief(event, template):
    return {"event": event, "label": delivery.EVENT_LABELS.get(event, event),
            "template_id": template["template_id"], "long_term": bool(template.get("long_term"))}


async def _templates():
    return {e: t for e, t in (await delivery.all_templates()).items()
            if t.get("enabled") and t.get("template_id")}


async def templates_for_moment(moment):
    templates = await _templates()
    if moment == "profile":
        events = sorted(templates)
    else:
        events = [e for e in MOMENTS.get(moment, []) if e in templates]
    out, seen = [], set()
    for event in events:
        brief = _brief(event, templates[event])
        if brief["template_id"] not in seen:   # one template may serve several events
            seen.add(brief["template_id"])
            out.append(brief)
    return out if moment == "profile" else out[:3]


async def get_settings(*, actor):
    row = await ReminderSetting.aget_or_none(ReminderSetting.staff == actor.id)
    staff = await Staff.aget_or_none(Staff.id == actor.id)
    return {"clock_in": row.clock_in if row else True, "wechat": row.wechat if row else True,
            "bound": bool(staff and staff.openid),
            "templates": await templates_for_moment("profile"),
            "subscriptions": await delivery.my_subscriptions(actor=actor)}


async def update_settings(*, actor, **changes):
    changes = {k: bool(v) for k, v in changes.items() if k in ("clock_in", "wechat")}
    if changes:
        async with atomic():
            row = await ReminderSetting.aget_or_none(ReminderSetting.staff == actor.id)
            before = {"clock_in": row.clock_in, "wechat": row.wechat} if row else \
                {"clock_in": True, "wechat": True}
            if row is None:
                await ReminderSetting.acreate(staff=actor.id, **{**before, **changes})
            else:
                await ReminderSetting.update(updated_at=utcnow(), **changes).where(
                    ReminderSetting.id == row.id).aexecute()
            await audit.record(actor=actor, action="reminder.settings", target_type="staff",
                               target_id=actor.id, before=before, after={**before, **changes})
    return await get_settings(actor=actor)


async def record(*, actor, results, now=None):
    known = {t["template_id"] for t in (await _templates()).values()}
    unknown = [t for t in results if t not in known]
    if unknown:
        raise Invalid("未配置的消息模板", code="TEMPLATE_UNKNOWN",
                      fields={"results": "未知模板：" + "、".join(unknown[:5])})
    out = await delivery.record_subscriptions(actor=actor, results=results, now=now)
    return list(out.values())
