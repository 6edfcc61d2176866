"""The mini-program home page: GET /api/home."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas.home import HomeOut
from services import approvals, attendance
from services.home import home_summary


class HomeHandler(ApiHandler):
    """首页：本人信息与考勤、审批、目标、消息摘要卡片。"""

    @api(response=HomeOut)
    async def get(self):
        data = await home_summary(env=self.env, actor=self.principal)
        # The approvals card: how many tasks wait for me (the engine owns the count).
        data["cards"]["approvals"] = {**data["cards"].get("approvals", {}),
                                      "waiting": await approvals.waiting_count(actor=self.principal)}
        # The attendance card: today's status (services/attendance.py owns it).
        data["cards"]["attendance"] = await attendance.home_card(actor=self.principal,
                                                                now=self.now())
        self.write_data(data)


default_handlers = [(r"/api/home", HomeHandler)]
