"""Mask personal numbers (mainland mobile numbers, 18-character resident ID numbers) in text that
leaves the encrypted columns: audit entries, access logs, exception logs.

Masks match server/crypto.py's (138****0000, 110101********1234). A match must stand alone (no
ASCII letter or digit on either side) so hashes and hex ids are left intact.
"""
import logging
import re

_EDGE_L = r"(?<![0-9A-Za-z])"
_EDGE_R = r"(?![0-9A-Za-z])"
# Optional country code: 86, +86, or +86 URL-encoded (%2B86).
PHONE = re.compile(_EDGE_L + r"((?:\+|%2[Bb])?86)?(1[3-9]\d)(\d{4})(\d{4})" + _EDGE_R)
ID_NO = re.compile(_EDGE_L + r"(\d{6})(\d{8})(\d{3}[0-9Xx])" + _EDGE_R)


def mask_text(text):
    if not isinstance(text, str) or len(text) < 11:
        return text
    text = ID_NO.sub(lambda m: m.group(1) + "*" * 8 + m.group(3), text)
    return PHONE.sub(lambda m: (m.group(1) or "") + m.group(2) + "****" + m.group(4), text)


def mask_value(value):
    """Every string in a JSON-like value (dict keys included), recursively; other types as is."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {mask_text(k) if isinstance(k, str) else k: mask_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_value(v) for v in value]
    return value


class RedactingFilter(logging.Filter):
    """Attached to log handlers: masks the formatted message and the exception text of every
    record, whichever logger (ours, tornado's, a library's) wrote it."""

    def filter(self, record):
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True


def install(logger=None):
    """Add the filter to every handler of `logger` (default: the root logger)."""
    logger = logger or logging.getLogger()
    for handler in logger.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
