"""Rules every input goes through, whatever parses it (the pydantic contract, console forms,
imports): integers fit a signed 64-bit column, text carries no control characters, JSON is shallow.
Plain functions and constants so any parser can import them.
"""
import re

INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1
MAX_ID = INT64_MAX          # ids are 1..2^63-1 (BIGINT on MariaDB, INTEGER on SQLite)
MAX_PAGE = 100_000          # page numbers beyond this are nonsense (and overflow OFFSET)
MAX_JSON_DEPTH = 32         # our bodies nest 3-4 levels; more is an attack on the parser

_DIGITS = re.compile(r"^[+-]?[0-9]+$")
# C0 and C1 controls and DEL. \t \n (and \r, normalised away) pass only in multi-line text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def in_int64(value):
    return INT64_MIN <= value <= INT64_MAX


def is_digits(text):
    """A decimal integer literal (what `int()` of a query or path argument would accept)."""
    # No strip(): str.strip() also drops \x1c-\x1f, which int() refuses (a 500 schemathesis found).
    return isinstance(text, str) and bool(_DIGITS.match(text))


def valid_id(text):
    """A path id: all digits, 1..2^63-1. Anything else can match no row."""
    if not (isinstance(text, str) and text.isascii() and text.isdigit()):
        return False
    return 1 <= int(text) <= MAX_ID


def control_char(text, *, multiline=False):
    """The first forbidden control character in `text`, or None."""
    match = (_CONTROL if multiline else _CONTROL_SINGLE_LINE).search(text)
    return match.group() if match else None


def has_lone_surrogate(text):
    """A surrogate code point on its own (JSON "\\ud800"): cannot be encoded as UTF-8."""
    return bool(_SURROGATE.search(text))


def json_problem(value, max_depth=MAX_JSON_DEPTH):
    """Why a parsed JSON value is refused ("depth" / "surrogate"), or None. Iterative, so a deep
    value cannot exhaust the stack here."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if has_lone_surrogate(item):
                return "surrogate"
        elif isinstance(item, (dict, list)):
            if depth > max_depth:
                return "depth"
            if isinstance(item, dict):
                for k, v in item.items():
                    if has_lone_surrogate(k):
                        return "surrogate"
                    stack.append((v, depth + 1))
            else:
                stack.extend((v, depth + 1) for v in item)
    return None
