"""Console pages for integrity alerts (廉洁风险预警): the dashboard of a cycle (counts by kind and
severity, filters, the list), one alert with the rows behind it, computing now (HR) and the
dismissal form with its required reason (HR; the discipline inspector reads). Scope, permissions
and audit are services/appraisal/alerts.py's."""
from admin.base import AdminHandler
from server.errors import ApiError, Invalid
from services.appraisal import alerts, goal_history

READERS = ("appraisal.view", "appraisal.manage")


class AlertsPage(AdminHandler):
    """廉洁风险预警：按类型、严重程度统计，筛选与列表。"""
    required = READERS

    async def get(self):
        cycles = [c for c in await goal_history.cycles_for(actor=self.principal) if c.status != "draft"]
        wanted = self.int_arg("cycle_id")
        cycle = next((c for c in cycles if c.id == wanted), cycles[0] if cycles else None)
        kind = self.get_query_argument("kind", "")
        status = self.get_query_argument("status", "open")
        severity = self.get_query_argument("severity", "")
        department_id = self.int_arg("department_id")
        kind = kind if kind in alerts.KINDS else ""
        status = status if status in ("open", "dismissed", "resolved", "all") else "open"
        severity = severity if severity in alerts.SEVERITIES else ""
        page = max(1, min(self.int_arg("page", 1) or 1, 100000))
        rows, total, summary, depts = [], 0, None, []
        if cycle is not None:
            _, rows, total, summary = await alerts.list_alerts(
                actor=self.principal, cycle_id=cycle.id, kind=kind or None,
                status=None if status == "all" else status, severity=severity or None,
                department_id=department_id, page=page, page_size=50)
            depts = await alerts.alert_departments(actor=self.principal, cycle_id=cycle.id)
        await self.page("appraisal/alerts/index.html", cycles=cycles, cycle=cycle, rows=rows, total=total,
                        summary=summary, depts=depts, kind=kind, status=status, severity=severity,
                        department_id=department_id, page=page, kinds=alerts.KIND_LABELS,
                        severities=alerts.SEVERITY_LABELS, statuses=alerts.STATUS_LABELS,
                        can_compute=self.principal.has("appraisal.manage"),
                        describe=alerts.describe_thresholds)


class AlertComputeHandler(AdminHandler):
    """立即计算本周期的预警。"""
    required = ("appraisal.manage",)

    async def post(self, cycle_id):
        try:
            out = await alerts.compute(actor=self.principal, cycle_id=int(cycle_id))
        except ApiError as exc:
            if exc.status == 404:
                raise
            self.flash(exc.message, "bad")
        else:
            self.flash(f"已计算：发现 {out['found']} 条预警（新增 {out['created']}，重新打开 {out['reopened']}，"
                       f"已消除 {out['resolved']}）")
        self.redirect(f"/admin/appraisal/alerts?cycle_id={int(cycle_id)}")


class AlertPage(AdminHandler):
    """预警详情：触发的数字、阈值、依据的记录，排除（须写明理由）。"""
    required = READERS

    async def render_page(self, alert_id, **kw):
        a = await alerts.get_alert(actor=self.principal, alert_id=alert_id)
        kw.setdefault("reason", "")
        await self.page("appraisal/alerts/detail.html", a=a, min_reason=alerts.REASON_MIN,
                        describe=alerts.describe_thresholds, **kw)

    async def get(self, alert_id):
        await self.render_page(int(alert_id))


class AlertDismissHandler(AlertPage):
    """排除预警（人事部门）。"""
    required = ("appraisal.manage",)

    async def post(self, alert_id):
        reason = self.get_body_argument("reason", "").strip()
        try:
            if len(reason) > 1000:
                raise Invalid("排除理由不能超过 1000 个字", code="VALIDATION_FAILED", fields={"reason": "不能超过 1000 个字"})
            await alerts.dismiss(actor=self.principal, alert_id=int(alert_id), reason=reason)
        except ApiError as exc:
            if exc.status == 404:
                raise
            self.set_status(exc.status)
            await self.render_page(int(alert_id), error=exc.message, reason=reason)
            return
        self.flash("已排除该预警，理由已记入审计日志")
        self.redirect(f"/admin/appraisal/alerts/{int(alert_id)}")


default_handlers = [
    (r"/admin/appraisal/alerts", AlertsPage),
    (r"/admin/appraisal/alerts/cycle/(\d+)/compute", AlertComputeHandler),
    (r"/admin/appraisal/alerts/(\d+)", AlertPage),
    (r"/admin/appraisal/alerts/(\d+)/dismiss", AlertDismissHandler),
]
