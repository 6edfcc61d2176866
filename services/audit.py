"""The one audit log: append-only, hash-chained entries written inside the caller's transaction.

Each entry's hash is SHA-256 over the previous entry's hash and this entry's canonical content.
The single AuditHead row is locked while appending (FOR UPDATE on MariaDB; SQLite's IMMEDIATE
transaction already serialises writers) so concurrent writers cannot fork the chain.
"""
import hashlib
import json

from models.audit import AuditHead, AuditLog
from models.base import for_update, get_one, utcnow

GENESIS = "0" * 64


def _content(entry):
    return json.dumps({
        "seq": entry.seq,
        "at": entry.created_at.strftime("%Y-%m-%dT%H:%M:%S"),
        "actor": entry.actor,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "unit_id": entry.unit_id,
        "before": entry.before,
        "after": entry.after,
        "ip": entry.ip,
        "request_id": entry.request_id,
    }, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))


def entry_hash(prev_hash, entry):
    return hashlib.sha256((prev_hash + _content(entry)).encode()).hexdigest()


def _normalise(value):
    # Round-trip through JSON so what is hashed equals what is read back.
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


async def record(*, actor, action, target_type, target_id="", before=None, after=None,
                 unit_id=None):
    """Append one entry. Call inside `async with atomic():` so it commits with the change."""
    head = await get_one(for_update(AuditHead.select().where(AuditHead.id == 1)))
    entry = AuditLog(
        seq=head.last_seq + 1,
        created_at=utcnow(),
        actor=getattr(actor, "id", None),
        actor_name=getattr(getattr(actor, "staff", None), "name", "") or ("系统" if actor is None else ""),
        action=action,
        target_type=target_type,
        target_id=str(target_id or ""),
        unit_id=unit_id if unit_id is not None else getattr(actor, "unit_id", None),
        before=_normalise(before),
        after=_normalise(after),
        ip=getattr(actor, "ip", "") or "",
        request_id=getattr(actor, "request_id", "") or "",
        prev_hash=head.last_hash,
    )
    entry.hash = entry_hash(head.last_hash, entry)
    await entry.asave(force_insert=True)
    await AuditHead.update(last_seq=entry.seq, last_hash=entry.hash).where(
        AuditHead.id == 1).aexecute()
    return entry


async def verify_chain(batch=2000):
    """Walk the chain in order. Returns {"ok", "checked", "broken_at", "reason"}."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    while True:
        rows = list(await AuditLog.select().where(AuditLog.seq >= expected_seq)
                    .order_by(AuditLog.seq).limit(batch).aexecute())
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                return {"ok": False, "checked": checked, "broken_at": expected_seq,
                        "reason": f"第 {expected_seq} 条记录缺失"}
            if row.prev_hash != prev_hash:
                return {"ok": False, "checked": checked, "broken_at": row.seq,
                        "reason": f"第 {row.seq} 条记录的前序哈希不匹配"}
            if entry_hash(prev_hash, row) != row.hash:
                return {"ok": False, "checked": checked, "broken_at": row.seq,
                        "reason": f"第 {row.seq} 条记录内容被篡改"}
            prev_hash, expected_seq, checked = row.hash, row.seq + 1, checked + 1
        if len(rows) < batch:
            break
    head = await AuditHead.aget_or_none(AuditHead.id == 1)
    if head and (head.last_seq != checked or (checked and head.last_hash != prev_hash)):
        return {"ok": False, "checked": checked, "broken_at": checked + 1,
                "reason": "链尾与记录不一致（可能有记录被删除）"}
    return {"ok": True, "checked": checked, "broken_at": None, "reason": ""}
