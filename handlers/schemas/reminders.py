"""Reminders (issue 13): notification settings, subscription acceptances, the scheduler hook."""
from typing import Literal

from pydantic import Field

from handlers.contract import Body, Out, Query, StrictBody, text

Moment = Literal["leave_submitted", "overtime_submitted", "goals_submitted", "approval",
                 "attendance", "profile"]
Answer = Literal["accept", "reject", "ban", "filter"]


class SettingsUpdate(StrictBody):
    clock_in: bool | None = Field(None, description="上班打卡提醒（工作日）")
    wechat: bool | None = Field(None, description="通过微信订阅消息提醒（关闭后仅站内信）")


class TemplatesQuery(Query):
    moment: Moment = Field("profile", description="申请订阅的时机：提交请假后、个人设置等")


class SubscriptionsCreate(Body):
    results: dict[text(128), Answer] = Field(
        description="wx.requestSubscribeMessage 的结果：模板 ID → accept/reject/ban/filter",
        min_length=1, max_length=20)


class TickBody(StrictBody):
    sources: list[text(40)] | None = Field(None, description="只运行这些任务来源（缺省全部）")
    idle_ms: int | None = Field(None, ge=0, le=3600000,
                                description="XAUTOCLAIM 的最短空闲毫秒（测试用 0）")


class TemplateBrief(Out):
    event: str
    label: str
    template_id: str
    long_term: bool = Field(description="长期订阅模板（一次同意可多次发送）")


class SubscriptionOut(Out):
    template_id: str
    one_time: int = Field(description="一次性订阅剩余可发送次数")
    long_term: bool
    rejected: bool
    updated_at: str


class SettingsOut(Out):
    clock_in: bool
    wechat: bool
    bound: bool = Field(description="是否已绑定微信（未绑定时只能收到站内信）")
    templates: list[TemplateBrief]
    subscriptions: list[SubscriptionOut]


class TickOut(Out):
    ran: list[str] | None = Field(description="本次运行的任务键；null 表示租约在其他进程")
    published: int
    handled: int
