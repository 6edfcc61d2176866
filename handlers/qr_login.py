"""Scan-to-sign-in for the admin console, the mini-program side: scan, confirm, cancel."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas import qr_login as s
from services import qr_login


class QrLoginScanHandler(ApiHandler):
    """扫码登录管理后台：扫描二维码，查看待登录的浏览器信息。"""

    @api(body=s.QrSid, response=s.QrScanOut)
    async def post(self, *, body):
        self.write_data(await qr_login.scan_qr_login(env=self.env, actor=self.principal,
                                                     sid=body.sid))


class QrLoginConfirmHandler(ApiHandler):
    """扫码登录管理后台：确认登录。"""

    @api(body=s.QrSid, response=s.QrStateOut)
    async def post(self, *, body):
        self.write_data(await qr_login.confirm_qr_login(env=self.env, actor=self.principal,
                                                        sid=body.sid))


class QrLoginCancelHandler(ApiHandler):
    """扫码登录管理后台：取消登录。"""

    @api(body=s.QrSid, response=s.QrStateOut)
    async def post(self, *, body):
        self.write_data(await qr_login.cancel_qr_login(env=self.env, actor=self.principal,
                                                       sid=body.sid))


default_handlers = [
    (r"/api/auth/qr-login/scan", QrLoginScanHandler),
    (r"/api/auth/qr-login/confirm", QrLoginConfirmHandler),
    (r"/api/auth/qr-login/cancel", QrLoginCancelHandler),
]
