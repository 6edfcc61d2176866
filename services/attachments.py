"""Attachments (a sick note, a goal's evidence): type by magic bytes, size-limited, stored outside
the web root under random names, served only to those who may see what they belong to.

What an attachment belongs to is an owner type registered by its feature, which says who may see
and who may add one:

    attachments.register_owner("leave_request", can_view=..., can_attach=...,
                               audit_action="leave.attachment.upload")

so this module knows no feature (services/leave and services/appraisal/progress depend on it,
never the other way round). One download endpoint serves them all: GET /api/attachments/{id}.
"""
import contextlib
import dataclasses
import hashlib
import os
import re
import secrets

from models.base import atomic, count, fetch_all
from models.leave import Attachment
from server.errors import ApiError, Conflict, Invalid, NotFound
from server.faults import storage_unavailable
from services import audit

MAGIC = ((b"\xff\xd8\xff", "image/jpeg", "jpg"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
         (b"%PDF-", "application/pdf", "pdf"))
MAX_PER_OWNER = 10


class TooLarge(ApiError):
    status = 413
    code = "ATTACHMENT_TOO_LARGE"
    message = "文件过大"


@dataclasses.dataclass(frozen=True)
class OwnerType:
    """`can_view(actor, owner_id)` raises NotFound when the caller may not see the owner;
    `can_attach(actor, owner_id, **context)` raises (404/403/409) when they may not add to it,
    else returns the unit id for the audit entry (`context`: what save_attachment was given, e.g.
    the request's today). `target_type` names the owner in the audit chain."""
    name: str
    can_view: object
    can_attach: object
    audit_action: str
    target_type: str
    limit_message: str


_OWNERS = {}


def register_owner(name, *, can_view, can_attach, audit_action, target_type=None,
                   limit_message=f"最多上传 {MAX_PER_OWNER} 个附件"):
    _OWNERS[name] = OwnerType(name=name, can_view=can_view, can_attach=can_attach,
                              audit_action=audit_action, target_type=target_type or name,
                              limit_message=limit_message)


def not_found():
    return NotFound("附件不存在", code="ATTACHMENT_NOT_FOUND")


def sniff(body):
    for magic, ctype, ext in MAGIC:
        if body.startswith(magic):
            return ctype, ext
    return None, None


def _upload_dir(env):
    path = env.config.server.upload_dir
    if not os.path.isabs(path):
        from server.config import ROOT
        path = str(ROOT / path)
    return path


def attachment_out(a):
    return {"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size,
            "url": f"/api/attachments/{a.id}", "created_at": a.created_at}


async def list_for(owner_type, owner_id):
    return [attachment_out(a) for a in await fetch_all(Attachment.select().where(
        Attachment.owner_type == owner_type, Attachment.owner_id == owner_id).order_by(Attachment.id))]


async def list_for_many(owner_type, owner_ids):
    """{owner_id: [attachment, ...]} for many owners in one query (list pages)."""
    out = {i: [] for i in owner_ids}
    if owner_ids:
        for a in await fetch_all(Attachment.select().where(
                Attachment.owner_type == owner_type, Attachment.owner_id.in_(list(owner_ids)))
                .order_by(Attachment.id)):
            out.setdefault(a.owner_id, []).append(attachment_out(a))
    return out


def _safe_name(name, ext):
    name = re.sub(r"[\\/\x00-\x1f<>:\"|?*]", "_", os.path.basename(name or ""))[:100].strip() or "附件"
    if not name.lower().endswith("." + ext):
        name = f"{name}.{ext}"
    return name


def _write_file(env, stored, body):
    """Write the file before its row commits; a store we cannot write (read-only, full, a path
    that is not a directory) is 503 STORAGE_UNAVAILABLE with no half file left behind."""
    folder = os.path.join(_upload_dir(env), stored[:2])
    path = os.path.join(folder, stored)
    try:
        os.makedirs(folder, exist_ok=True)
        with open(path, "xb") as fh:  # small (size-limited) write
            fh.write(body)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise storage_unavailable(exc, what="attachment") from None
    return path


async def save_attachment(*, env, actor, owner_type, owner_id, filename, body, context=None):
    """Check the owner type's rule, the size and the type (by content), then store the file and
    its row (audited). Returns the attachment as JSON."""
    owner = _OWNERS.get(owner_type)
    if owner is None:
        raise not_found()
    unit_id = await owner.can_attach(actor, owner_id, **(context or {}))
    limit = env.config.server.max_upload_mb * 1024 * 1024
    if not body:
        raise Invalid("请选择文件", code="ATTACHMENT_EMPTY", fields={"file": "必填"})
    if len(body) > limit:
        raise TooLarge(f"文件不能超过 {env.config.server.max_upload_mb} MB")
    ctype, ext = sniff(body)
    if ctype is None:
        raise Invalid("只支持 JPG、PNG、PDF 文件", code="ATTACHMENT_TYPE_INVALID",
                      fields={"file": "只支持 JPG、PNG、PDF"})
    if await count(Attachment.select().where(Attachment.owner_type == owner_type,
                                             Attachment.owner_id == owner_id)) >= MAX_PER_OWNER:
        raise Conflict(owner.limit_message, code="ATTACHMENT_LIMIT")
    stored = secrets.token_hex(16)
    path = _write_file(env, stored, body)
    try:
        async with atomic():
            a = await Attachment.acreate(owner_type=owner_type, owner_id=owner_id, uploader=actor.id,
                                         filename=_safe_name(filename, ext), stored_name=stored,
                                         content_type=ctype, size=len(body),
                                         sha256=hashlib.sha256(body).hexdigest())
            await audit.record(actor=actor, action=owner.audit_action, target_type=owner.target_type,
                               target_id=owner_id, after={"attachment_id": a.id, "size": len(body),
                                                          "content_type": ctype, "sha256": a.sha256},
                               unit_id=unit_id)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    return attachment_out(a)


async def open_attachment(*, env, actor, attachment_id):
    """(row, bytes) if the caller may see what the attachment belongs to; 404 otherwise."""
    a = await Attachment.aget_or_none(Attachment.id == attachment_id)
    owner = _OWNERS.get(a.owner_type) if a is not None else None
    if owner is None:
        raise not_found()
    try:
        await owner.can_view(actor, a.owner_id)
    except NotFound:
        raise not_found() from None
    path = os.path.join(_upload_dir(env), a.stored_name[:2], a.stored_name)
    try:
        with open(path, "rb") as fh:
            return a, fh.read()
    except FileNotFoundError:
        raise NotFound("附件文件已丢失", code="ATTACHMENT_NOT_FOUND") from None
    except OSError as exc:  # the store itself is unreadable (permissions, not a directory, I/O)
        raise storage_unavailable(exc, what="attachment read") from None
