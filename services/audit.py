"""The one audit log: append-only, hash-chained entries written inside the caller's transaction.

Each entry's hash is HMAC-SHA256, keyed with `security.audit_key` (kept outside the database),
over the previous entry's hash and this entry's canonical content: whoever can write the
database but not read the key cannot rewrite an entry and recompute the links. Entries written
before the key existed (chain_v 1, m0011) are plain SHA-256; they may only precede the keyed
ones, and the first keyed entry commits to their head. Truncation (deleting the newest entries
and moving the head) is caught by comparing with an anchor kept outside the database
(`verify_chain(anchor=...)`, `python -m server audit-verify`).
The single AuditHead row is locked while appending (FOR UPDATE on MariaDB; SQLite's IMMEDIATE
transaction already serialises writers) so concurrent writers cannot fork the chain.
Phone and ID numbers in an entry's strings are masked before they are stored.
"""
import hashlib
import hmac
import json

from models.audit import AuditHead, AuditLog
from models.base import for_update, get_one, utcnow
from server.redact import mask_text, mask_value

GENESIS = "0" * 64
CHAIN_SHA256 = 1  # before m0011: no key
CHAIN_HMAC = 2    # HMAC-SHA256 with security.audit_key
_key = None


def use_key(key):
    """Set the chain key (make_env does, from security.audit_key) for this process."""
    global _key
    _key = None if key is None else key.encode()


def _require_key():
    if _key is None:
        raise RuntimeError("audit key not configured (services.audit.use_key)")
    return _key


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


def entry_hash(prev_hash, entry, version=CHAIN_HMAC):
    data = (prev_hash + _content(entry)).encode()
    if version == CHAIN_SHA256:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(_require_key(), data, hashlib.sha256).hexdigest()


def anchor_mac(seq, head_hash):
    """Seals an anchor file, so it cannot be edited to match a truncated chain without the key."""
    return hmac.new(_require_key(), f"anchor:{seq}:{head_hash}".encode(), hashlib.sha256).hexdigest()


def _normalise(value):
    # Round-trip through JSON so what is hashed equals what is read back.
    if value is None:
        return None
    value = json.loads(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))
    return mask_value(value)


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
        target_id=mask_text(str(target_id or "")),
        unit_id=unit_id if unit_id is not None else getattr(actor, "unit_id", None),
        before=_normalise(before),
        after=_normalise(after),
        ip=getattr(actor, "ip", "") or "",
        request_id=getattr(actor, "request_id", "") or "",
        prev_hash=head.last_hash,
        chain_v=CHAIN_HMAC,
    )
    entry.hash = entry_hash(head.last_hash, entry, CHAIN_HMAC)
    await entry.asave(force_insert=True)
    await AuditHead.update(last_seq=entry.seq, last_hash=entry.hash).where(
        AuditHead.id == 1).aexecute()
    return entry


SEAL_ACTION = "audit.chain_keyed"


def _seals(row, legacy):
    after = row.after if isinstance(row.after, dict) else {}
    return (row.action == SEAL_ACTION and after.get("legacy_entries") == legacy
            and after.get("legacy_head") == row.prev_hash)


def _fail(checked, at, reason):
    return {"ok": False, "checked": checked, "broken_at": at, "reason": reason}


async def verify_chain(batch=2000, anchor=None):
    """Walk the chain in order; with `anchor` ({"seq", "hash", "mac"} from an earlier run) also
    require that the chain still holds that entry unchanged. Returns {"ok", "checked",
    "broken_at", "reason", "head": {"seq", "hash"}, "legacy": entries without the key}."""
    if anchor is not None:
        try:
            a_seq, a_hash = int(anchor["seq"]), str(anchor["hash"])
            sealed = hmac.compare_digest(str(anchor.get("mac", "")), anchor_mac(a_seq, a_hash))
        except (KeyError, TypeError, ValueError):
            sealed = False
        if not sealed:
            return _fail(0, None, "锚点文件无效或被改动（签名不符）")
    prev_hash, expected_seq, checked, legacy, keyed = GENESIS, 1, 0, 0, False
    while True:
        rows = list(await AuditLog.select().where(AuditLog.seq >= expected_seq)
                    .order_by(AuditLog.seq).limit(batch).aexecute())
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                return _fail(checked, expected_seq, f"第 {expected_seq} 条记录缺失")
            if row.prev_hash != prev_hash:
                return _fail(checked, row.seq, f"第 {row.seq} 条记录的前序哈希不匹配")
            if row.chain_v not in (CHAIN_SHA256, CHAIN_HMAC) or (
                    row.chain_v == CHAIN_SHA256 and keyed):
                # A keyless entry after a keyed one is a downgrade: someone re-hashed it.
                return _fail(checked, row.seq, f"第 {row.seq} 条记录的校验算法不正确（可能被改写）")
            if not hmac.compare_digest(entry_hash(prev_hash, row, row.chain_v), row.hash):
                return _fail(checked, row.seq, f"第 {row.seq} 条记录内容被篡改")
            if row.chain_v == CHAIN_HMAC and not keyed and legacy and not _seals(row, legacy):
                # Keyless entries count only when m0011's keyed entry seals exactly them; else
                # someone re-hashed the chain without the key and let the server append to it.
                return _fail(checked, row.seq, f"第 {row.seq} 条之前的无密钥记录未经封存（可能被改写）")
            keyed = keyed or row.chain_v == CHAIN_HMAC
            legacy += row.chain_v == CHAIN_SHA256
            if anchor is not None and row.seq == a_seq and row.hash != a_hash:
                return _fail(checked, row.seq, f"第 {row.seq} 条记录与锚点不一致（链被改写）")
            prev_hash, expected_seq, checked = row.hash, row.seq + 1, checked + 1
        if len(rows) < batch:
            break
    if checked and not keyed:
        # m0011 ends every pre-key chain with a keyed entry: an all-keyless chain was rewritten.
        return _fail(checked, checked, "链尾缺少带密钥的记录（可能被整体改写）")
    head = await AuditHead.aget_or_none(AuditHead.id == 1)
    if head and (head.last_seq != checked or (checked and head.last_hash != prev_hash)):
        return _fail(checked, checked + 1, "链尾与记录不一致（可能有记录被删除）")
    if anchor is not None and checked < a_seq:
        return _fail(checked, checked + 1,
                     f"记录只有 {checked} 条，少于上次校验时的 {a_seq} 条（最新的记录被删除）")
    return {"ok": True, "checked": checked, "broken_at": None, "reason": "",
            "head": {"seq": checked, "hash": prev_hash}, "legacy": legacy}


def make_anchor(result, at):
    """The anchor to keep after a successful verification."""
    head = result["head"]
    return {"seq": head["seq"], "hash": head["hash"], "mac": anchor_mac(head["seq"], head["hash"]),
            "verified_at": at}
