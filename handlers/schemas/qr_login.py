"""Scan-to-sign-in for the admin console, the mini-program side."""
from typing import Literal

from handlers.contract import Body, Out
from handlers.schemas.textrules import text


class QrSid(Body):
    sid: text(100)


class QrScanOut(Out):
    sid: str
    expires_at: str
    ip: str
    user_agent: str


class QrStateOut(Out):
    sid: str
    state: Literal["confirmed", "cancelled"]
