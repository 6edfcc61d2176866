"""Audit log request and response models (安全审计员)."""
import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from handlers.contract import Id, Out, PageQuery, Query, text


def _day_or_moment(value):
    """YYYY-MM-DD (a whole day, Asia/Shanghai) or an ISO time (naive = Beijing time)."""
    try:
        parsed = (datetime.date.fromisoformat(value) if len(value) == 10
                  else datetime.datetime.fromisoformat(value))
    except ValueError:
        raise ValueError("应为 YYYY-MM-DD 或 ISO 时间") from None
    if not 1900 <= parsed.year <= 2100:
        raise ValueError("时间应在 1900 年至 2100 年之间")
    return parsed


# The service treats a date as a whole day and a time as an exact bound, so the two are told
# apart by shape (a plain date-or-datetime union would read 2026-03-01T00:00 as a date).
DayOrMoment = Annotated[str, Field(max_length=40, description="YYYY-MM-DD 或 ISO 时间（北京时间）"),
                        AfterValidator(_day_or_moment)]


class AuditFilters(Query):
    actor: Id | None = Field(None, description="操作人 ID")
    action: text(60) | None = Field(None, description="操作，如 staff.update；staff.* 匹配一类")
    target_type: text(40) | None = None
    target_id: text(64) | None = None
    since: DayOrMoment | None = None
    until: DayOrMoment | None = Field(None, description="日期含当天；时间为不含的上界")

    def filters(self):
        """Keyword arguments for services.audit_query."""
        return {"actor_id": self.actor, "action": self.action, "target_type": self.target_type,
                "target_id": self.target_id, "since": self.since, "until": self.until}


class AuditListQuery(AuditFilters, PageQuery):
    pass


class AuditExportQuery(AuditFilters):
    format: Literal["csv"] = "csv"


class AuditEntryOut(Out):
    seq: int
    created_at: str
    actor_id: int | None
    actor_name: str
    action: str
    target_type: str
    target_id: str
    unit_id: int | None
    before: Any
    after: Any
    ip: str
    request_id: str
    hash: str


class ChainHead(Out):
    seq: int
    hash: str


class AuditVerifyOut(Out):
    ok: bool
    checked: int
    broken_at: int | None = Field(description="第一处断裂的序号")
    reason: str
    head: ChainHead | None = None
    legacy: int | None = Field(None, description="未带密钥的旧记录条数")
    anchored: bool | None = Field(None, description="是否与本机保存的锚点比对")
