"""PII encryption (AES-256-GCM, SM4-GCM, key rotation), masking, ID check digits, config loading."""
import base64

import pytest

from server.config import ConfigError, load_config
from server.crypto import PiiCipher, mask_id_no, mask_phone, valid_id_no, valid_phone

AES = "k1:aes256gcm:" + base64.b64encode(b"a" * 32).decode()
AES2 = "k2:aes256gcm:" + base64.b64encode(b"b" * 32).decode()
SM4 = "g1:sm4gcm:" + base64.b64encode(b"c" * 16).decode()


def test_roundtrip_and_key_id_prefix():
    c = PiiCipher(AES, "idx")
    token = c.encrypt("13800001234")
    assert token.startswith("k1:") and "13800001234" not in token
    assert c.decrypt(token) == "13800001234"
    assert c.encrypt("13800001234") != token  # fresh nonce each time


def test_sm4_gcm_for_units_that_need_guomi():
    c = PiiCipher(",".join([AES, SM4]), "idx")
    token = c.encrypt("110101199003077777", algorithm="sm4gcm")
    assert token.startswith("g1:")
    assert c.decrypt(token) == "110101199003077777"


def test_rotation_reads_old_values_and_writes_with_new_key():
    old = PiiCipher(AES, "idx").encrypt("13800001234")
    rotated = PiiCipher(",".join([AES2, AES]), "idx")
    assert rotated.decrypt(old) == "13800001234"
    assert rotated.encrypt("x").startswith("k2:")


def test_tampered_ciphertext_is_refused():
    c = PiiCipher(AES, "idx")
    kid, nonce, ct = c.encrypt("13800001234").split(":")
    flipped = base64.b64encode(bytes([base64.b64decode(ct)[0] ^ 1]) + base64.b64decode(ct)[1:]).decode()
    with pytest.raises(Exception):
        c.decrypt(f"{kid}:{nonce}:{flipped}")


def test_blind_index_is_keyed_and_normalised():
    a, b = PiiCipher(AES, "idx1"), PiiCipher(AES, "idx2")
    assert a.blind_index("11010119900307777x") == a.blind_index("11010119900307777X ")
    assert a.blind_index("13800001234") != b.blind_index("13800001234")


def test_masks_and_validators():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_no("110101199003077777") == "110101********7777"
    assert valid_phone("13812341234") and not valid_phone("12812341234")
    assert valid_id_no("11010519491231002X") and not valid_id_no("110105194912310021")


def test_env_overrides_yaml(tmp_path):
    cfg = load_config(environ={"MINGJING_DATABASE_URL": "sqlite:///x.db", "MINGJING_SERVER_PORT": "9001"})
    assert cfg.database.url == "sqlite:///x.db" and cfg.server.port == 9001
    assert cfg.redis.url == "memory://" and cfg.wechat.mode == "fake"


def test_real_mode_refuses_placeholder_secrets():
    with pytest.raises(ConfigError, match="placeholder"):
        load_config(environ={"MINGJING_WECHAT_MODE": "real"})
    good = {
        "MINGJING_WECHAT_MODE": "real", "MINGJING_WECHAT_SECRET": "s3cr3t-real",
        "MINGJING_SERVER_COOKIE_SECRET": "x" * 40, "MINGJING_SECURITY_PII_KEYS": AES,
        "MINGJING_SECURITY_PII_INDEX_KEY": "y" * 40, "MINGJING_SECURITY_SIGNING_KEY": "z" * 40,
        "MINGJING_SECURITY_AUDIT_KEY": "w" * 40,
    }
    assert load_config(environ=good).wechat.mode == "real"
    # The audit chain's key is a secret like the others (issue 9).
    with pytest.raises(ConfigError, match="security.audit_key"):
        load_config(environ={**good, "MINGJING_SECURITY_AUDIT_KEY": "dev-only-audit-key-change-me"})
    with pytest.raises(ConfigError):
        load_config(environ={**good, "MINGJING_WECHAT_MODE": "prod"})
