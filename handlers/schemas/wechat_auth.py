"""WeChat sign-in (POST /api/auth/wechat): a session when bound, else a binding ticket."""
from typing import Literal

from pydantic import Field

from handlers.contract import Body, Out
from handlers.schemas.textrules import text
from handlers.schemas.auth import SignedIn


class WeChatLogin(Body):
    code: text(128) = Field(description="wx.login 返回的 code")


class Unbound(Out):
    status: Literal["unbound"]
    ticket: str = Field(description="绑定凭证：用于手机号绑定、邀请码绑定或提交绑定申请")
    expires_at: str


WeChatLoginOut = SignedIn | Unbound
