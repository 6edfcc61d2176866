"""rotate-keys re-encrypts every stored phone and ID number with the new first key."""
import base64
import dataclasses

from models.org import Staff
from server.crypto import PiiCipher
from services.key_rotation import rotate_keys


def test_rotation_reencrypts_with_new_key(server, f, org):
    env = server.env
    old = env.cipher
    new_key = "k9:aes256gcm:" + base64.b64encode(b"n" * 32).decode()
    rotated = PiiCipher(new_key + "," + server.config.security.pii_keys,
                        server.config.security.pii_index_key)
    try:
        env.cipher = rotated
        changed = server.run(rotate_keys(env=dataclasses.replace(env, cipher=rotated)))
        assert changed >= 3
        row = server.run(Staff.aget(Staff.id == org.a_head.id))
        assert row.phone_enc.startswith("k9:")
        assert rotated.decrypt(row.phone_enc) == "13800000001"
        # A second run finds nothing left to do.
        assert server.run(rotate_keys(env=dataclasses.replace(env, cipher=rotated))) == 0
    finally:
        env.cipher = old
