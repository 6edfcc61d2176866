"""Re-encrypt personal data whose key id is not the active one (after adding a new first key)."""
from models.admin import AdminCredential
from models.base import atomic, fetch_all
from models.org import Staff, Unit
from services import audit

BATCH = 500


async def rotate_keys(*, env):
    cipher = env.cipher
    algorithms = {u.id: u.crypto_algorithm for u in await fetch_all(Unit.select())}
    changed = 0
    last_id = 0
    while True:
        rows = await fetch_all(Staff.select().where(Staff.id > last_id).order_by(Staff.id).limit(BATCH))
        if not rows:
            break
        async with atomic():
            for s in rows:
                kid = cipher.kid_for(algorithms.get(s.unit_id))
                fields = {}
                for name in ("phone_enc", "id_no_enc"):
                    token = getattr(s, name)
                    if token and not token.startswith(kid + ":"):
                        fields[name] = cipher.encrypt(cipher.decrypt(token), kid)
                if fields:
                    await Staff.update(**fields).where(Staff.id == s.id).aexecute()
                    changed += 1
        last_id = rows[-1].id
    for cred in await fetch_all(AdminCredential.select().where(AdminCredential.totp_secret_enc.is_null(False))):
        if not cred.totp_secret_enc.startswith(cipher.active + ":"):
            await AdminCredential.update(totp_secret_enc=cipher.encrypt(
                cipher.decrypt(cred.totp_secret_enc))).where(AdminCredential.id == cred.id).aexecute()
            changed += 1
    # Official accounts' AppSecrets (issue 13, services/official_account.py).
    from models.reminders import OfficialAccount
    for account in await fetch_all(OfficialAccount.select().where(OfficialAccount.secret_enc.is_null(False))):
        if not account.secret_enc.startswith(cipher.active + ":"):
            await OfficialAccount.update(secret_enc=cipher.encrypt(
                cipher.decrypt(account.secret_enc))).where(OfficialAccount.id == account.id).aexecute()
            changed += 1
    async with atomic():
        await audit.record(actor=None, action="security.rotate_keys", target_type="pii",
                           after={"active_key": cipher.active, "records": changed})
    return changed
