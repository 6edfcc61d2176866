"""The signed-in person: GET /api/me."""
from handlers.base import ApiHandler
from services.people import me_out


class MeHandler(ApiHandler):
    """当前登录人：基本信息（手机号、身份证号脱敏）、部门、角色与数据范围。"""

    async def get(self):
        self.write_data(await me_out(self.principal, self.env.cipher))


default_handlers = [(r"/api/me", MeHandler)]
