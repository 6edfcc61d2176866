"""Response shapes several features share (one OpenAPI component each)."""
from pydantic import Field

from handlers.contract import Out


class AttachmentOut(Out):
    """An uploaded file (services/attachments.attachment_out)."""
    id: int
    filename: str
    content_type: str
    size: int
    url: str = Field(description="下载地址 /api/attachments/{id}")
    created_at: str


class PersonRefOut(Out):
    id: int
    name: str
