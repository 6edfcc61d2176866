"""The signed-in person: GET /api/me."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas.me import ColleagueOut, ColleagueQuery, MeOut
from services.people import colleagues, me_out


class MeHandler(ApiHandler):
    """当前登录人：基本信息（手机号、身份证号脱敏）、部门、角色与数据范围。"""

    @api(response=MeOut)
    async def get(self):
        self.write_data(await me_out(self.principal, self.env.cipher))


class MeColleaguesHandler(ApiHandler):
    """本单位同事（按姓名查找，仅姓名与部门）：选择委托审批的受托人。"""

    @api(query=ColleagueQuery, response=list[ColleagueOut])
    async def get(self, *, query):
        self.write_data(await colleagues(actor=self.principal, q=query.q))


default_handlers = [(r"/api/me", MeHandler), (r"/api/me/colleagues", MeColleaguesHandler)]
