"""Audit log API for the 安全审计员: query, verify the hash chain, export."""
from handlers.base import ApiHandler
from handlers.contract import CSV, api
from handlers.schemas import audit as s
from services import audit_query


class AuditListHandler(ApiHandler):
    """审计日志（?actor=&action=&target_type=&target_id=&since=&until=&page=），限本人管辖单位。"""

    @api(query=s.AuditListQuery, response=list[s.AuditEntryOut], paged=True)
    async def get(self, *, query):
        rows, total = await audit_query.list_audit(env=self.env, actor=self.principal,
                                                   page=query.page, page_size=query.page_size,
                                                   **query.filters())
        self.write_data(rows, page=query.page, total=total)


class AuditVerifyHandler(ApiHandler):
    """校验审计日志哈希链，报告第一处断裂。"""

    @api(response=s.AuditVerifyOut)
    async def post(self):
        self.write_data(await audit_query.verify(env=self.env, actor=self.principal))


class AuditExportHandler(ApiHandler):
    """导出审计日志（?format=csv，筛选条件同列表）。"""

    @api(query=s.AuditExportQuery, produces=CSV)
    async def get(self, *, query):
        content, filename, ctype = await audit_query.export_audit(
            env=self.env, actor=self.principal, format=query.format, **query.filters())
        self.send_file(content, filename, ctype)


default_handlers = [
    (r"/api/audit", AuditListHandler),
    (r"/api/audit/verify", AuditVerifyHandler),
    (r"/api/audit/export", AuditExportHandler),
]
