"""The mini-program home page: GET /api/home."""
from handlers.base import ApiHandler
from services.home import home_summary


class HomeHandler(ApiHandler):
    """首页：本人信息与考勤、审批、目标、消息摘要卡片。"""

    async def get(self):
        self.write_data(await home_summary(env=self.env, actor=self.principal))


default_handlers = [(r"/api/home", HomeHandler)]
