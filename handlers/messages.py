"""My messages (in-app notifications)."""
from handlers.base import ApiHandler
from handlers.contract import Ok, api
from handlers.schemas import messages as s
from services import notify


class MessageListHandler(ApiHandler):
    """我的消息列表（?unread=1 仅未读，?q= 搜索标题或正文）。"""

    # Beside page and total: "unread", the caller's unread count (the badge).
    @api(query=s.MessageListQuery, response=list[s.MessageOut], paged=True, extra=("unread",))
    async def get(self, *, query):
        rows, total = await notify.list_messages(
            actor=self.principal, unread_only=query.unread, page=query.page,
            page_size=query.page_size, q=query.q)
        self.write_data(rows, page=query.page, total=total,
                        unread=await notify.unread_count(actor=self.principal))


class MessageReadHandler(ApiHandler):
    """标记一条消息为已读。"""

    @api(response=Ok)
    async def post(self, message_id):
        await notify.mark_read(actor=self.principal, notification_id=int(message_id))
        self.write_data({"ok": True})


class MessageReadAllHandler(ApiHandler):
    """全部标记为已读。"""

    @api(response=Ok)
    async def post(self):
        await notify.mark_read(actor=self.principal)
        self.write_data({"ok": True})


default_handlers = [
    (r"/api/messages", MessageListHandler),
    (r"/api/messages/read-all", MessageReadAllHandler),
    (r"/api/messages/(\d+)/read", MessageReadHandler),
]
