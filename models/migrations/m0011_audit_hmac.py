"""Audit chain keyed with HMAC-SHA256 (security.audit_key): AuditLog.chain_v on existing databases.

Entries already written keep their SHA-256 links and are marked chain_v 1 (the column's DDL
default fills them); they are not re-chained, so no stored hash changes. When such entries exist,
one keyed entry `audit.chain_keyed` is appended, recording how many there were and their head:
its HMAC commits to everything before it. The verifier accepts keyless entries only when that
entry seals exactly them (so re-hashing the chain without the key and letting the server append
fails), refuses a keyless entry after a keyed one, and a non-empty chain with no keyed entry. Re-runnable: the column is added only when
missing and the entry only while the newest entry is still keyless.
"""
import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from models.audit import AuditLog

TABLES = []  # no new table; audit_log is emptied by m0001's list


def _add_chain_v(db):
    table = AuditLog._meta.table_name
    if "chain_v" in {c.name for c in db.get_columns(table)}:
        return False
    migrator = SchemaMigrator.from_database(db)
    field = pw.SmallIntegerField(default=1, constraints=[pw.SQL("DEFAULT 1")])
    migrate(migrator.add_column(table, "chain_v", field, allow_not_null=True))
    return True


async def up(db):
    from models.base import atomic
    from services import audit

    await db.run(_add_chain_v, db)
    newest = await AuditLog.select().order_by(AuditLog.seq.desc()).limit(1).aexecute()
    newest = list(newest)
    if not newest or newest[0].chain_v != audit.CHAIN_SHA256:
        return
    if await db.exists(AuditLog.select().where(AuditLog.chain_v == audit.CHAIN_HMAC)):
        return  # keyed entries exist, then keyless ones: tampering; verify reports it, never seal
    async with atomic():
        await audit.record(actor=None, action=audit.SEAL_ACTION, target_type="audit_log",
                           target_id=str(newest[0].seq),
                           after={"legacy_entries": newest[0].seq, "legacy_algorithm": "sha256",
                                  "legacy_head": newest[0].hash, "algorithm": "hmac-sha256"})
