"""Password hashing with scrypt (cryptography): "scrypt$n$r$p$salt$hash", constant-time verify."""
import base64
import hmac
import os

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

N, R, P = 2 ** 14, 8, 1


def hash_password(password):
    salt = os.urandom(16)
    key = Scrypt(salt=salt, length=32, n=N, r=R, p=P).derive(password.encode())
    return "scrypt${}${}${}${}${}".format(N, R, P, base64.b64encode(salt).decode(),
                                          base64.b64encode(key).decode())


def verify_password(password, stored):
    try:
        _, n, r, p, salt, key = stored.split("$")
        Scrypt(salt=base64.b64decode(salt), length=32, n=int(n), r=int(r), p=int(p)).verify(
            password.encode(), base64.b64decode(key))
        return True
    except (ValueError, InvalidKey):
        return False


def password_problems(password):
    """Chinese reasons a password is too weak (等保: length and character classes)."""
    problems = []
    if len(password) < 12:
        problems.append("至少 12 位")
    classes = sum(bool(any(f(c) for c in password)) for f in (
        str.isupper, str.islower, str.isdigit, lambda c: not c.isalnum()))
    if classes < 3:
        problems.append("需包含大写字母、小写字母、数字、符号中的至少三类")
    return problems


def constant_time_equal(a, b):
    return hmac.compare_digest(a, b)
