"""Liveness and readiness: GET /healthz reports the database and Redis."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas.health import HealthOut
from services import health


class HealthHandler(ApiHandler):
    """健康检查：数据库与 Redis 状态。"""
    allow_anonymous = True

    async def prepare(self):
        # No session lookup: load balancers and the benchmark hit this without a token.
        self.principal = None

    @api(response=HealthOut, status=(200, 503))
    async def get(self):
        report = await health.check(env=self.env)
        self.write_data(report, status=200 if report["ok"] else 503)


default_handlers = [(r"/healthz", HealthHandler)]
