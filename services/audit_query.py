"""Reading the audit log: filtered pages and CSV export within the auditor's units, chain checks.

Only the 安全审计员 tier carries audit.* (custom roles may not, see services.roles), and the
auditor sees entries whose unit lies in their reach (AuditLog.unit_id).
"""
import datetime
import json
from zoneinfo import ZoneInfo


from models.audit import AuditLog
from models.base import count, fetch_all
from server.errors import Invalid
from services import exports
from services.audit import verify_chain
from services.audit_anchor import AnchorError, read_anchor

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXPORT_LIMIT = 100_000


def _utc(value, *, end=False):
    """A date (whole day, Asia/Shanghai) or an aware/naive local datetime -> naive UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = (datetime.date.fromisoformat(value) if len(value) == 10
                     else datetime.datetime.fromisoformat(value))
        except ValueError:
            raise Invalid("时间格式不正确", code="VALIDATION_FAILED",
                          fields={"until" if end else "since": "应为 YYYY-MM-DD 或 ISO 时间"}) from None
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value + datetime.timedelta(days=1) if end else value,
                                          datetime.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def _query(reach, *, actor_id=None, action=None, target_type=None, target_id=None, since=None,
           until=None):
    query = AuditLog.select().where(reach.touched_unit_filter(AuditLog.unit_id))
    if actor_id is not None:
        query = query.where(AuditLog.actor == actor_id)
    if action:
        # "staff." or "staff.*" matches every staff action.
        if action.endswith("*") or action.endswith("."):
            query = query.where(AuditLog.action.startswith(action.rstrip("*")))
        else:
            query = query.where(AuditLog.action == action)
    if target_type:
        query = query.where(AuditLog.target_type == target_type)
    if target_id:
        query = query.where(AuditLog.target_id == str(target_id))
    if since is not None:
        query = query.where(AuditLog.created_at >= _utc(since))
    if until is not None:
        # A date means the whole day; a datetime is an exclusive bound.
        query = query.where(AuditLog.created_at < _utc(until, end=True))
    return query


def entry_out(e):
    return {"seq": e.seq, "created_at": e.created_at, "actor_id": e.actor, "actor_name": e.actor_name,
            "action": e.action, "target_type": e.target_type, "target_id": e.target_id,
            "unit_id": e.unit_id, "before": e.before, "after": e.after, "ip": e.ip,
            "request_id": e.request_id, "hash": e.hash}


async def list_audit(*, env, actor, actor_id=None, action=None, target_type=None, target_id=None,
                     since=None, until=None, page=1, page_size=50):
    """Entries of units within the caller's audit.view reach, newest first. Returns (rows, total)."""
    reach = await actor.require_reach("audit.view")
    query = _query(reach, actor_id=actor_id, action=action, target_type=target_type,
                   target_id=target_id, since=since, until=until)
    total = await count(query)
    rows = await fetch_all(query.order_by(AuditLog.seq.desc()).paginate(page, page_size))
    return [entry_out(e) for e in rows], total


async def verify(*, env, actor):
    """Walk the whole hash chain (the chain is global, so this is not narrowed by unit), with the
    same verifier as `audit-verify`, against its anchor when this host has one (read only: the
    command line keeps the anchor)."""
    actor.require("audit.verify")
    try:
        anchor = read_anchor(env.config.security.audit_anchor)
    except AnchorError as exc:
        return {"ok": False, "checked": 0, "broken_at": None, "reason": str(exc)}
    result = await verify_chain(anchor=anchor)
    result["anchored"] = anchor is not None
    return result


def _local(value):
    return value.replace(tzinfo=datetime.timezone.utc).astimezone(SHANGHAI).isoformat(timespec="seconds")


def _json(value):
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


EXPORT_HEADER = ["序号", "时间", "操作人ID", "操作人", "操作", "对象类型", "对象ID", "单位ID",
                 "修改前", "修改后", "IP", "请求ID", "哈希"]


async def export_audit(*, env, actor, format="csv", **filters):
    """CSV of the filtered entries within reach (oldest first). Returns (bytes, filename, type)."""
    if format != "csv":
        raise Invalid("格式应为 csv", code="VALIDATION_FAILED", fields={"format": "应为 csv"})
    reach = await actor.require_reach("audit.export")
    query = _query(reach, **filters).order_by(AuditLog.seq).limit(EXPORT_LIMIT)
    rows = [[e.seq, _local(e.created_at), e.actor or "", e.actor_name, e.action, e.target_type,
             e.target_id, e.unit_id or "", _json(e.before), _json(e.after), e.ip, e.request_id, e.hash]
            for e in await fetch_all(query)]
    stamp = datetime.date.today().strftime("%Y%m%d")
    return (exports.to_csv(rows, list(enumerate(EXPORT_HEADER))), f"audit-{stamp}.csv",
            exports.content_type("csv"))
