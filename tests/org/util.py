"""Small helpers shared by the org, access and audit tests: reading raw rows on the server loop."""
from models.audit import AuditLog
from models.base import fetch_all, get_one


def last_audit(server, action):
    """The newest audit entry with this action (or None)."""
    return server.run(get_one(AuditLog.select().where(AuditLog.action == action)
                              .order_by(AuditLog.seq.desc())))


def audits(server, action):
    return server.run(fetch_all(AuditLog.select().where(AuditLog.action == action)
                                .order_by(AuditLog.seq)))


def raw(server, query):
    """Rows of a peewee query, run on the server's loop."""
    return server.run(fetch_all(query))
