"""The console's side of reminders (issue 13): template settings per event (system.config: the
system administrator), the send log with failures and reasons and per person "how can we reach
them" (system.config, or reminder.view for HR officers), people limited to the caller's reach."""
import json

from models.base import atomic, fetch_all, utcnow
from models.org import Department, Staff
from models.reminders import Outbox, ReminderSetting, Subscription, TemplateSetting
from server.errors import Invalid
from services import audit, delivery, official_account
from services.reminders import local

EVENTS = list(delivery.EVENT_LABELS)
STATUS_LABELS = {"pending": "待发送", "retry": "等待重试", "sending": "发送中", "sent": "已发送",
                 "refused": "用户拒收", "failed": "失败", "skipped": "未发送"}


async def list_templates(*, actor):
    actor.require("system.config")
    configured = await delivery.all_templates()
    events = EVENTS + sorted(e for e in configured if e not in EVENTS)
    out = []
    for event in events:
        t = configured.get(event) or {}
        out.append({"event": event, "label": delivery.EVENT_LABELS.get(event, event),
                    "template_id": t.get("template_id", ""), "page": t.get("page", ""),
                    "fields": json.dumps(t.get("fields") or {}, ensure_ascii=False),
                    "long_term": bool(t.get("long_term")), "enabled": bool(t.get("enabled")),
                    "source": t.get("source", "")})
    return out


async def save_template(*, actor, event, template_id, page="", fields="", long_term=False,
                        enabled=True):
    actor.require("system.config")
    if not event or len(event) > 40:
        raise Invalid("事件不正确", code="VALIDATION_FAILED", fields={"event": "必填，40 字以内"})
    try:
        mapping = json.loads(fields) if fields.strip() else {}
        if not isinstance(mapping, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
            raise ValueError
    except ValueError:
        raise Invalid("字段映射应为 JSON 对象，如 {\"thing1\": \"title\"}", code="VALIDATION_FAILED",
                      fields={"fields": "应为 JSON 对象"}) from None
    if enabled and not template_id:
        raise Invalid("请填写模板 ID", code="VALIDATION_FAILED", fields={"template_id": "必填"})
    async with atomic():
        row = await TemplateSetting.aget_or_none(TemplateSetting.event == event)
        values = {"template_id": template_id[:128], "page": page[:255], "fields": mapping,
                  "long_term": bool(long_term), "enabled": bool(enabled), "updated_by": actor.id,
                  "updated_at": utcnow()}
        before = {"template_id": row.template_id, "enabled": row.enabled} if row else None
        if row is None:
            await TemplateSetting.acreate(event=event, **values)
        else:
            await TemplateSetting.update(**values).where(TemplateSetting.id == row.id).aexecute()
        await audit.record(actor=actor, action="reminder.template", target_type="template_setting",
                           target_id=event, before=before,
                           after={"template_id": template_id, "enabled": bool(enabled),
                                  "long_term": bool(long_term), "fields": mapping})


VIEW_PERMISSIONS = ("system.config", "reminder.view")


def can_view(actor):
    return any(actor.has(p) for p in VIEW_PERMISSIONS)


async def _people_filter(actor):
    # The system administrator's reach over system.config, else an HR officer's reminder.view.
    perm = next((p for p in VIEW_PERMISSIONS if actor.has(p)), "reminder.view")
    reach = await actor.require_reach(perm)
    cond = Staff.is_service_account == False  # noqa: E712
    return cond if reach.everything else cond & reach.staff_filter(Staff)


async def _people_query(actor):
    return Staff.select().where(await _people_filter(actor))


async def send_log(*, actor, status=None, limit=200):
    query = (Outbox.select(Outbox, Staff).join(Staff, on=(Outbox.staff == Staff.id))
             .where(await _people_filter(actor)))
    if status == "problems":
        query = query.where(Outbox.status.in_(["refused", "failed", "skipped", "retry"]))
    elif status:
        query = query.where(Outbox.status == status)
    rows = await fetch_all(query.order_by(Outbox.id.desc()).limit(limit))
    return [{"id": r.id, "name": r.staff.name, "employee_no": r.staff.employee_no,
             "event": delivery.EVENT_LABELS.get(r.event, r.event), "status": r.status,
             "status_label": STATUS_LABELS.get(r.status, r.status), "attempts": r.attempts,
             "errcode": r.last_errcode, "reason": r.last_error, "created_at": r.created_at,
             "at": local(r.created_at).strftime("%Y-%m-%d %H:%M"),
             "sent_at": r.sent_at, "template_id": r.template_id} for r in rows]


async def reach_view(*, actor):
    """Per person: bound to WeChat?, reminders on?, allowances left, last outcome — and whether
    WeChat can reach them at all (otherwise only the inbox does)."""
    people = await fetch_all((await _people_query(actor)).where(Staff.status == "active")
                             .order_by(Staff.employee_no).limit(1000))
    ids = [p.id for p in people]
    dept_ids = list({p.department_id for p in people if p.department_id})
    depts = {d.id: d.name for d in await fetch_all(
        Department.select(Department.id, Department.name).where(Department.id.in_(dept_ids)))} \
        if dept_ids else {}
    subs, settings, last = {}, {}, {}
    if ids:
        for s in await fetch_all(Subscription.select().where(Subscription.staff.in_(ids))):
            subs.setdefault(s.staff_id, []).append(s)
        for s in await fetch_all(ReminderSetting.select().where(ReminderSetting.staff.in_(ids))):
            settings[s.staff_id] = s
        for o in await fetch_all(Outbox.select().where(Outbox.staff.in_(ids)).order_by(Outbox.id)):
            last[o.staff_id] = o
    oa = await official_account.reach_map(people)
    out = []
    for p in people:
        mine = subs.get(p.id, [])
        setting = settings.get(p.id)
        long_term = sum(1 for s in mine if s.long_term)
        one_time = sum(s.one_time for s in mine)
        reasons = []
        if not p.openid:
            reasons.append("未绑定微信")
        if setting is not None and not setting.wechat:
            reasons.append("本人关闭了微信提醒")
        if not long_term and not one_time:
            reasons.append("没有订阅额度")
        # The unit's official account reaches a follower without any subscribe allowance.
        oa_state = oa.get(p.id, "")
        wechat_on = setting.wechat if setting else True
        by_oa = oa_state == "following" and wechat_on and bool(p.openid)
        by_subscribe = not reasons
        if oa_state == "not_following":
            reasons.append("未关注单位公众号")
        recent = last.get(p.id)
        out.append({"id": p.id, "name": p.name, "employee_no": p.employee_no,
                    "department": depts.get(p.department_id, ""),
                    "bound": bool(p.openid), "wechat": setting.wechat if setting else True,
                    "clock_in": setting.clock_in if setting else True,
                    "long_term": long_term, "one_time": one_time,
                    "oa": oa_state, "reachable": by_subscribe or by_oa,
                    "reasons": "、".join(reasons),
                    "last": STATUS_LABELS.get(recent.status, "") if recent else "",
                    "last_reason": recent.last_error if recent else ""})
    return out
