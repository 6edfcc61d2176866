"""The mini-program home page (GET /api/home): who I am and one summary card per feature."""
from typing import Any

from pydantic import Field

from handlers.contract import Out
from handlers.schemas.me import MeOut


class HomeAttendanceCard(Out):
    status: str = Field(description="今日考勤状态，如 normal、late、pending、rest；none 为无需考勤")
    text: str
    day_kind: str | None = Field(None, description="workday、rest、holiday 等")
    punches: int | None = Field(None, description="今日打卡次数")
    last_at: str | None = None


class HomeApprovalsCard(Out):
    waiting: int = Field(description="待我审批的数量")


class HomeMessagesCard(Out):
    unread: int


class HomeCards(Out):
    attendance: HomeAttendanceCard
    approvals: HomeApprovalsCard
    goals: dict[str, Any] = Field(description="目标卡片（考核上线前为占位）")
    messages: HomeMessagesCard


class HomeOut(Out):
    me: MeOut
    cards: HomeCards
