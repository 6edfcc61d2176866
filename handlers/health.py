"""Liveness and readiness: GET /healthz reports the database and Redis."""
from handlers.base import ApiHandler
from services import health


class HealthHandler(ApiHandler):
    """健康检查：数据库与 Redis 状态。"""
    allow_anonymous = True

    async def prepare(self):
        # No session lookup: load balancers and the benchmark hit this without a token.
        self.principal = None

    async def get(self):
        report = await health.check(env=self.env)
        self.set_status(200 if report["ok"] else 503)
        self.finish({"data": report})


default_handlers = [(r"/healthz", HealthHandler)]
