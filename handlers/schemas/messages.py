"""My messages (in-app notifications): list query and response models."""
from typing import Any

from pydantic import Field

from handlers.contract import Out, PageQuery, text


class MessageListQuery(PageQuery):
    unread: bool = Field(False, description="true/1：仅未读")
    q: text(50, min_length=0) | None = Field(None, description="搜索：消息标题或正文")


class MessageOut(Out):
    id: int
    kind: str = Field(description="消息类别，如 approval.pending、binding.request")
    title: str
    body: str
    link: str
    data: dict[str, Any] | None
    read: bool
    created_at: str
