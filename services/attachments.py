"""Attachments (e.g. a sick note): type by magic bytes, size-limited, stored outside the web root
under random names, served only to those who may see the request they belong to."""
import hashlib
import os
import re
import secrets

from models.base import atomic, count, fetch_all
from models.leave import Attachment
from server.errors import ApiError, Conflict, Invalid, NotFound
from services import audit

MAGIC = ((b"\xff\xd8\xff", "image/jpeg", "jpg"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
         (b"%PDF-", "application/pdf", "pdf"))
MAX_PER_OWNER = 10


class TooLarge(ApiError):
    status = 413
    code = "ATTACHMENT_TOO_LARGE"
    message = "文件过大"


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


def _safe_name(name, ext):
    name = re.sub(r"[\\/\x00-\x1f<>:\"|?*]", "_", os.path.basename(name or ""))[:100].strip() or "附件"
    if not name.lower().endswith("." + ext):
        name = f"{name}.{ext}"
    return name


async def save_leave_attachment(*, env, actor, request_id, filename, body):
    from services.leave import visible_request
    req = await visible_request(actor, request_id)
    if req.staff_id != actor.id:
        from services.access import get_staff_in_reach
        await get_staff_in_reach(actor, "leave.manage", req.staff_id)
    if req.status in ("rejected", "withdrawn", "cancelled"):
        raise Conflict("该申请已结束，不能再上传附件", code="ATTACHMENT_CLOSED")
    limit = env.config.server.max_upload_mb * 1024 * 1024
    if not body:
        raise Invalid("请选择文件", code="ATTACHMENT_EMPTY", fields={"file": "必填"})
    if len(body) > limit:
        raise TooLarge(f"文件不能超过 {env.config.server.max_upload_mb} MB")
    ctype, ext = sniff(body)
    if ctype is None:
        raise Invalid("只支持 JPG、PNG、PDF 文件", code="ATTACHMENT_TYPE_INVALID",
                      fields={"file": "只支持 JPG、PNG、PDF"})
    if await count(Attachment.select().where(Attachment.owner_type == "leave_request",
                                             Attachment.owner_id == req.id)) >= MAX_PER_OWNER:
        raise Conflict(f"每个申请最多 {MAX_PER_OWNER} 个附件", code="ATTACHMENT_LIMIT")
    stored = secrets.token_hex(16)
    folder = os.path.join(_upload_dir(env), stored[:2])
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, stored)
    with open(path, "wb") as fh:  # small (size-limited) write; written before the row commits
        fh.write(body)
    try:
        async with atomic():
            a = await Attachment.acreate(owner_type="leave_request", owner_id=req.id, uploader=actor.id,
                                         filename=_safe_name(filename, ext), stored_name=stored,
                                         content_type=ctype, size=len(body),
                                         sha256=hashlib.sha256(body).hexdigest())
            await audit.record(actor=actor, action="leave.attachment.upload", target_type="leave_request",
                               target_id=req.id, after={"attachment_id": a.id, "size": len(body),
                                                        "content_type": ctype, "sha256": a.sha256},
                               unit_id=req.unit_id)
    except BaseException:
        os.unlink(path)
        raise
    return attachment_out(a)


async def open_attachment(*, env, actor, attachment_id):
    """(row, bytes) if the caller may see the owning request; 404 otherwise."""
    a = await Attachment.aget_or_none(Attachment.id == attachment_id)
    if a is None:
        raise NotFound("附件不存在", code="ATTACHMENT_NOT_FOUND")
    if a.owner_type == "leave_request":
        from services.leave import visible_request
        try:
            await visible_request(actor, a.owner_id)
        except NotFound:
            raise NotFound("附件不存在", code="ATTACHMENT_NOT_FOUND") from None
    else:
        raise NotFound("附件不存在", code="ATTACHMENT_NOT_FOUND")
    path = os.path.join(_upload_dir(env), a.stored_name[:2], a.stored_name)
    try:
        with open(path, "rb") as fh:
            return a, fh.read()
    except FileNotFoundError:
        raise NotFound("附件文件已丢失", code="ATTACHMENT_NOT_FOUND") from None
