"""Integrity alerts (廉洁风险识别): a cycle's alerts with counts, one alert with the rows behind it,
computing them now, dismissing one with a written reason (HR; the discipline inspector reads)."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas.appraisal import alerts as s
from services.appraisal import alerts


class AlertListHandler(ApiHandler):
    """本周期廉洁风险预警（人事部门、纪检监督人员，管理范围内）：按类型、状态、部门筛选，附各类数量。"""

    @api(query=s.AlertListQuery, response=list[s.AlertOut], paged=True, extra={"summary": s.AlertSummaryOut})
    async def get(self, cycle_id, *, query):
        _, rows, total, summary = await alerts.list_alerts(
            actor=self.principal, cycle_id=int(cycle_id), kind=query.kind, status=query.status,
            severity=query.severity, department_id=query.department_id, page=query.page,
            page_size=query.page_size)
        self.write_data(rows, page=query.page, total=total, summary=summary)


class AlertComputeHandler(ApiHandler):
    """立即计算本周期的廉洁风险预警（可重复执行：更新数字，保留排除记录，数字变差时重新打开）。"""

    @api(response=s.AlertComputeOut)
    async def post(self, cycle_id):
        self.write_data(await alerts.compute(actor=self.principal, cycle_id=int(cycle_id)))


class AlertHandler(ApiHandler):
    """预警详情：触发的数字、阈值、依据的记录（人员、结果、评分表、修改记录、考勤日、亲属关系）。"""

    @api(response=s.AlertDetailOut)
    async def get(self, alert_id):
        self.write_data(await alerts.get_alert(actor=self.principal, alert_id=int(alert_id)))


class AlertDismissHandler(ApiHandler):
    """排除预警（人事部门；须写明理由，记入审计日志）。"""

    @api(body=s.DismissIn, response=s.AlertDetailOut)
    async def post(self, alert_id, *, body):
        self.write_data(await alerts.dismiss(actor=self.principal, alert_id=int(alert_id), reason=body.reason))


default_handlers = [
    (r"/api/appraisal/cycles/(\d+)/alerts", AlertListHandler),
    (r"/api/appraisal/cycles/(\d+)/alerts/compute", AlertComputeHandler),
    (r"/api/appraisal/alerts/(\d+)", AlertHandler),
    (r"/api/appraisal/alerts/(\d+)/dismiss", AlertDismissHandler),
]
