"""The one place notifications are raised: an in-app message per recipient, queued for WeChat.

Call `raise_notification` inside the caller's transaction: the messages commit with the change
that caused them. For a kind with a WeChat template (config.yaml reminders.templates or the
console), each message also gets an outbox row in the same transaction; services/delivery.py
sends it after commit through Redis Streams (docs/reminders.md). Without a template the status
stays "none" and the message is in-app only.
"""
from models.base import atomic, count, fetch_all, utcnow
from models.notify import Notification
from server.errors import NotFound
from services import audit

async def raise_notification(*, recipient_ids, kind, title, body="", link="", data=None,
                             now=None):
    ids = sorted({int(r) for r in recipient_ids if r})
    if not ids:
        return 0
    from services import delivery

    template = await delivery.template_for(kind)
    queued = set()
    if template is not None:
        queued = set(ids)
        if template.get("source") == "official_account":
            # Only people whose unit's account has a template get an outbox row: one query for
            # all recipients, and the others' rows are written in-app only right away.
            from services import official_account

            queued = await official_account.staff_with_template(ids, kind)
        # One row at a time: the outbox row needs the message's id (same transaction).
        for rid in ids:
            if rid not in queued:
                continue
            message = await Notification.acreate(
                recipient=rid, kind=kind, title=title[:100], body=body[:500], link=link,
                data=data, wechat_status="pending", created_at=now or utcnow())
            await delivery.enqueue(message, template, checked=True)
    rest = [rid for rid in ids if rid not in queued]
    for i in range(0, len(rest), 500):
        await Notification.insert_many([
            {"recipient": rid, "kind": kind, "title": title[:100], "body": body[:500],
             "link": link, "data": data, "wechat_status": "none", "created_at": now or utcnow()}
            for rid in rest[i:i + 500]]).aexecute()
    return len(ids)


def notification_out(n):
    return {"id": n.id, "kind": n.kind, "title": n.title, "body": n.body, "link": n.link,
            "data": n.data, "read": n.read_at is not None, "created_at": n.created_at}


async def list_messages(*, actor, unread_only=False, page=1, page_size=20, q=None):
    query = Notification.select().where(Notification.recipient == actor.id)
    if unread_only:
        query = query.where(Notification.read_at.is_null())
    if q and q.strip():  # search in the caller's own messages only (title or body)
        query = query.where(Notification.title.contains(q.strip()) | Notification.body.contains(q.strip()))
    total = await count(query)
    rows = await fetch_all(query.order_by(Notification.id.desc()).paginate(page, page_size))
    return [notification_out(n) for n in rows], total


async def unread_count(*, actor):
    return await count(Notification.select().where(
        Notification.recipient == actor.id, Notification.read_at.is_null()))


async def mark_read(*, actor, notification_id=None):
    """Mark one (or, with no id, all) of the caller's messages read.

    Audited, cheaply: one entry per call that changed something (a message already read, or an
    empty read-all, writes none); read-all records how many, not every id.
    """
    query = Notification.update(read_at=utcnow()).where(
        Notification.recipient == actor.id, Notification.read_at.is_null())
    if notification_id is not None:
        if not await Notification.aget_or_none(Notification.id == notification_id,
                                               Notification.recipient == actor.id):
            raise NotFound("消息不存在", code="MESSAGE_NOT_FOUND")
        query = query.where(Notification.id == notification_id)
    async with atomic():
        changed = await query.aexecute()
        if changed:
            await audit.record(
                actor=actor, action="message.read" if notification_id else "message.read_all",
                target_type="notification", target_id=notification_id or "",
                after={"count": changed})
    return changed
