"""Admin-console credentials: username, scrypt password hash, TOTP secret, lock-out state."""
import peewee as pw

from models.base import BaseModel
from models.org import Staff


class AdminCredential(BaseModel):
    staff = pw.ForeignKeyField(Staff, unique=True, backref="credential", on_delete="CASCADE")
    username = pw.CharField(max_length=50, unique=True)
    password_hash = pw.CharField(max_length=255)
    totp_secret_enc = pw.TextField(null=True)  # encrypted like other personal data
    totp_enabled = pw.BooleanField(default=False)
    failed_count = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    last_login_at = pw.DateTimeField(null=True)
    password_changed_at = pw.DateTimeField(null=True)
    # Set by create-admin (and the demo): the first sign-in must replace the initial password.
    must_change_password = pw.BooleanField(default=False)
