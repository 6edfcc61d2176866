"""`text()` as handlers.contract declares it, plus the rules of server/inputs.py it does not apply
yet: C1 control characters (U+0080–U+009F, e.g. NEL) are refused too, and multi-line text has its
CRLF line breaks normalised to LF. Drop this module once handlers/contract.text does both."""
from typing import Annotated

from pydantic import AfterValidator

from handlers import contract
from server import inputs


def _single_line(value):
    if inputs.control_char(value) is not None:
        raise ValueError("不能包含控制字符或换行")
    return value


def _multiline(value):
    value = value.replace("\r\n", "\n")
    if inputs.control_char(value, multiline=True) is not None:
        raise ValueError("不能包含控制字符")
    return value


def text(max_length, *, min_length=1, multiline=False, pattern=None):
    base = contract.text(max_length, min_length=min_length, multiline=multiline, pattern=pattern)
    return Annotated[base, AfterValidator(_multiline if multiline else _single_line)]
