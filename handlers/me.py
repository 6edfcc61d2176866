"""The signed-in person: GET /api/me."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas.me import MeOut
from services.people import me_out


class MeHandler(ApiHandler):
    """当前登录人：基本信息（手机号、身份证号脱敏）、部门、角色与数据范围。"""

    @api(response=MeOut)
    async def get(self):
        self.write_data(await me_out(self.principal, self.env.cipher))


default_handlers = [(r"/api/me", MeHandler)]
