"""The on-site rotating QR (现场二维码): a signed, time-stepped token that proves presence.

token = "<place_id>.<step>.<HMAC(signing_key, "place_id|step")>", step = unix time // 30.
Only the current and the previous step are accepted, so a photographed code is useless after at
most a minute; a token for another place or with a wrong signature is refused.
"""
import io

from server.crypto import sign, verify_signature

STEP_SECONDS = 30


def step_of(epoch_seconds):
    return int(epoch_seconds // STEP_SECONDS)


def make_token(key, place_id, epoch_seconds):
    step = step_of(epoch_seconds)
    return f"{place_id}.{step}.{sign(key, f'{place_id}|{step}')}", step


def check_token(key, token, place_id, epoch_seconds):
    """"ok" / "forged" / "expired" / "other_place" for a token scanned at `epoch_seconds`."""
    try:
        pid, step, sig = str(token).split(".", 2)
        pid, step = int(pid), int(step)
    except (ValueError, TypeError):
        return "forged"
    if not verify_signature(key, f"{pid}|{step}", sig):
        return "forged"
    if pid != place_id:
        return "other_place"
    now = step_of(epoch_seconds)
    if step not in (now, now - 1):
        return "expired"
    return "ok"


def token_place(token):
    try:
        return int(str(token).split(".", 1)[0])
    except ValueError:
        return None


def render_png(text):
    """PNG bytes of the QR code (blocking: call in an executor)."""
    import qrcode

    img = qrcode.make(text, box_size=10, border=2)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
