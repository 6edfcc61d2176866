"""Audit log pages (审计日志): filter by actor, action, target and time; verify the hash chain
from the page; export CSV. Only the security auditor tier carries audit.*."""
import math
import urllib.parse

from admin.base import AdminHandler
from server.errors import Invalid
from services import audit_query

PAGE_SIZE = 50
FILTERS = ("person", "actor_id", "action", "target_type", "target_id", "since", "until")


class AuditPage(AdminHandler):
    required = ("audit.view",)

    def filters(self):
        out = {}
        for name in FILTERS:
            value = self.get_query_argument(name, "").strip()[:64]
            if value:
                out[name] = value
        if "actor_id" in out:
            out["actor_id"] = self.int_arg("actor_id", -1)
        return out


class AuditListHandler(AuditPage):
    """审计日志查询。"""

    async def get(self):
        filters = self.filters()
        page = max(1, self.int_arg("page", 1) or 1)
        error = None
        try:
            rows, total = await audit_query.list_audit(env=self.env, actor=self.principal,
                                                       page=page, page_size=PAGE_SIZE, **filters)
        except Invalid as exc:  # a bad date re-renders the page with the message
            rows, total, error = [], 0, exc.message
            self.set_status(422)
        query = {k: v for k, v in filters.items()}
        await self.page("audit/index.html", rows=rows, total=total, page=page,
                        pages=max(1, math.ceil(total / PAGE_SIZE)), f=filters, error=error,
                        action_labels=audit_query.ACTION_LABELS,
                        action_groups=audit_query.ACTION_GROUPS,
                        target_labels=audit_query.TARGET_LABELS,
                        qs=lambda **kw: urllib.parse.urlencode({**query, **kw}))


class AuditVerifyHandler(AuditPage):
    """校验审计日志哈希链（htmx 片段）。"""
    required = ("audit.verify",)

    async def post(self):
        result = await audit_query.verify(env=self.env, actor=self.principal)
        self.render("audit/verify.html", result=result)


class AuditExportHandler(AuditPage):
    """导出审计日志 CSV。"""
    required = ("audit.export",)

    async def get(self):
        self.send_file(*await audit_query.export_audit(
            env=self.env, actor=self.principal, format="csv", **self.filters()))


default_handlers = [
    (r"/admin/audit", AuditListHandler),
    (r"/admin/audit/verify", AuditVerifyHandler),
    (r"/admin/audit/export", AuditExportHandler),
]
