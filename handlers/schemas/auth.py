"""Sign-in models shared by the mini-program's sign-in paths (dev login, WeChat login, binding)."""
from typing import Literal

from pydantic import Field

from handlers.contract import Body, Out
from handlers.schemas.textrules import text
from handlers.schemas.me import MeOut


class DevLogin(Body):
    employee_no: text(32)


class SessionOut(Out):
    token: str = Field(description="Authorization: Bearer <token>")
    expires_at: str
    me: MeOut


class SignedIn(SessionOut):
    status: Literal["bound"]
