"""Append-only, hash-chained (HMAC-keyed) audit log. No code path updates or deletes these rows."""
import peewee as pw

from models.base import BaseModel, JSONField


class AuditLog(BaseModel):
    seq = pw.BigIntegerField(unique=True)
    actor = pw.IntegerField(null=True, index=True)  # staff id; null for the system
    actor_name = pw.CharField(max_length=50, default="")
    action = pw.CharField(max_length=60, index=True)
    target_type = pw.CharField(max_length=40, index=True)
    target_id = pw.CharField(max_length=64, default="", index=True)
    unit_id = pw.IntegerField(null=True, index=True)  # for the auditor's data scope
    before = JSONField(null=True)
    after = JSONField(null=True)
    ip = pw.CharField(max_length=45, default="")
    request_id = pw.CharField(max_length=40, default="")
    prev_hash = pw.CharField(max_length=64)
    hash = pw.CharField(max_length=64)
    # 1: SHA-256 (entries before m0011), 2: HMAC-SHA256 with security.audit_key
    chain_v = pw.SmallIntegerField(default=2)


class AuditHead(BaseModel):
    """One row: the last sequence number and hash. Locked while appending so the chain never forks."""
    last_seq = pw.BigIntegerField(default=0)
    last_hash = pw.CharField(max_length=64, default="0" * 64)
