"""WeChat sign-in for the mini-program: POST /api/auth/wechat {code}."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas import wechat_auth as s
from services import wechat_login


class WeChatLoginHandler(ApiHandler):
    """微信登录：已绑定返回会话，未绑定返回绑定凭证。"""
    allow_anonymous = True

    @api(body=s.WeChatLogin, response=s.WeChatLoginOut)
    async def post(self, *, body):
        self.write_data(await wechat_login.wechat_login(
            env=self.env, code=body.code, ip=self.client_ip, request_id=self.request_id))


default_handlers = [(r"/api/auth/wechat", WeChatLoginHandler)]
