"""Liveness and readiness (GET /healthz)."""
from pydantic import Field

from handlers.contract import Out


class HealthOut(Out):
    ok: bool
    database: str = Field(description="ok，或失败的异常类型名")
    redis: str = Field(description="ok，或失败的异常类型名")
