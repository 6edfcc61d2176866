"""Personal data at rest: AES-256-GCM or SM4-GCM with a key id per value, HMAC blind index, masking.

Ciphertext format: "<kid>:<base64 nonce>:<base64 ciphertext+tag>". The key id lets old values be
read after the active key is rotated; `python -m server rotate-keys` can re-encrypt them.
"""
import base64
import hashlib
import hmac
import os
import re

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ALGORITHMS = {"aes256gcm": 32, "sm4gcm": 16}


class PiiCipher:
    def __init__(self, keys_spec, index_key):
        self.keys = {}
        self.active = None
        for entry in (keys_spec or "").split(","):
            entry = entry.strip()
            if not entry:
                continue
            kid, alg, b64 = entry.split(":", 2)
            key = base64.b64decode(b64)
            if alg not in ALGORITHMS or len(key) != ALGORITHMS[alg]:
                raise ValueError(f"PII key {kid}: {alg} needs a {ALGORITHMS.get(alg)}-byte key")
            self.keys[kid] = (alg, key)
            self.active = self.active or kid
        if not self.active:
            raise ValueError("security.pii_keys holds no key")
        self.index_key = (index_key or "").encode()

    def kid_for(self, algorithm=None):
        """The key to encrypt with: the active one, or the first configured key of `algorithm`
        (a unit that needs 国密 for its 密码应用 assessment sets Unit.crypto_algorithm=sm4gcm)."""
        if algorithm:
            for kid, (alg, _) in self.keys.items():
                if alg == algorithm:
                    return kid
        return self.active

    def encrypt(self, plaintext, kid=None, *, algorithm=None):
        if plaintext is None or plaintext == "":
            return None
        kid = kid or self.kid_for(algorithm)
        alg, key = self.keys[kid]
        nonce = os.urandom(12)
        data = plaintext.encode()
        if alg == "aes256gcm":
            ct = AESGCM(key).encrypt(nonce, data, kid.encode())
        else:
            enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
            enc.authenticate_additional_data(kid.encode())
            ct = enc.update(data) + enc.finalize() + enc.tag
        return f"{kid}:{base64.b64encode(nonce).decode()}:{base64.b64encode(ct).decode()}"

    def decrypt(self, token):
        if not token:
            return None
        kid, nonce_b64, ct_b64 = token.split(":", 2)
        alg, key = self.keys[kid]
        nonce, ct = base64.b64decode(nonce_b64), base64.b64decode(ct_b64)
        if alg == "aes256gcm":
            return AESGCM(key).decrypt(nonce, ct, kid.encode()).decode()
        dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, ct[-16:])).decryptor()
        dec.authenticate_additional_data(kid.encode())
        return (dec.update(ct[:-16]) + dec.finalize()).decode()

    def blind_index(self, value):
        if not value:
            return None
        return hmac.new(self.index_key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def mask_phone(phone):
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def mask_id_no(id_no):
    if not id_no:
        return ""
    return id_no[:6] + "*" * (len(id_no) - 10) + id_no[-4:] if len(id_no) > 10 else "****"


PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def valid_phone(phone):
    return bool(phone and PHONE_RE.match(phone))


def valid_id_no(id_no):
    """18-digit resident ID with the GB 11643 check digit."""
    if not id_no or not re.match(r"^\d{17}[\dXx]$", id_no):
        return False
    total = sum(int(d) * w for d, w in zip(id_no[:17], _ID_WEIGHTS))
    return "10X98765432"[total % 11] == id_no[17].upper()


def sign(key, message):
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def verify_signature(key, message, signature):
    return hmac.compare_digest(sign(key, message), signature or "")
