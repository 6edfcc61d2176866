"""Sign-in endpoints for the mini-program: dev login (fake mode only) and logout."""
import datetime

from handlers.base import ApiHandler
from handlers.contract import Ok, api
from handlers.schemas import auth as s
from services import auth


def _with_iso_expiry(result):
    result["expires_at"] = datetime.datetime.fromtimestamp(result["expires_at"], datetime.timezone.utc)
    return result


class DevLoginHandler(ApiHandler):
    """开发登录（仅 fake 模式）：按工号登录。"""
    allow_anonymous = True

    @api(body=s.DevLogin, response=s.SessionOut)
    async def post(self, *, body):
        result = await auth.dev_login(env=self.env, employee_no=body.employee_no,
                                      ip=self.client_ip, request_id=self.request_id)
        self.write_data(_with_iso_expiry(result))


class LogoutHandler(ApiHandler):
    """退出登录：吊销当前会话。"""

    @api(response=Ok)
    async def post(self):
        await auth.logout(env=self.env, actor=self.principal, token=self.bearer_token())
        self.write_data({"ok": True})


default_handlers = [(r"/api/auth/logout", LogoutHandler)]
# The dev login exists only in fake mode: server.app adds it from `fake_handlers`.
fake_handlers = [(r"/api/auth/dev", DevLoginHandler)]
