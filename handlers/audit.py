"""Audit log API for the 安全审计员: query, verify the hash chain, export."""
from handlers.base import ApiHandler
from handlers.org import int_query
from services import audit_query


def _filters(handler):
    arg = handler.get_query_argument
    return {"actor_id": int_query(handler, "actor"), "action": arg("action", None) or None,
            "target_type": arg("target_type", None) or None,
            "target_id": arg("target_id", None) or None,
            "since": arg("since", None) or None, "until": arg("until", None) or None}


class AuditListHandler(ApiHandler):
    """审计日志（?actor=&action=&target_type=&target_id=&since=&until=&page=），限本人管辖单位。"""

    async def get(self):
        page, size = self.page_args()
        rows, total = await audit_query.list_audit(env=self.env, actor=self.principal, page=page,
                                                   page_size=size, **_filters(self))
        self.write_data(rows, page=page, total=total)


class AuditVerifyHandler(ApiHandler):
    """校验审计日志哈希链，报告第一处断裂。"""

    async def post(self):
        self.write_data(await audit_query.verify(env=self.env, actor=self.principal))


class AuditExportHandler(ApiHandler):
    """导出审计日志（?format=csv，筛选条件同列表）。"""

    async def get(self):
        content, filename, ctype = await audit_query.export_audit(
            env=self.env, actor=self.principal, format=self.get_query_argument("format", "csv"),
            **_filters(self))
        self.send_file(content, filename, ctype)


default_handlers = [
    (r"/api/audit", AuditListHandler),
    (r"/api/audit/verify", AuditVerifyHandler),
    (r"/api/audit/export", AuditExportHandler),
]
