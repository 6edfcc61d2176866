"""Binding requests state what the applicant proved (BindingRequest.verified), second proofs
(BindingProof), and no service account (三员) keeps a WeChat binding.

Fresh databases get the column from m0003 (it creates the current model). Re-runnable: the
column is added only when missing; existing requests that carry a phone got it from WeChat's
phone verification (it is the only way one is stored), so they are marked "wechat_phone".
"""
import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from models.binding import BindingProof, BindingRequest
from models.org import Staff

TABLES = [BindingProof]


def _add_verified(db):
    table = BindingRequest._meta.table_name
    if "verified" in {c.name for c in db.get_columns(table)}:
        return False
    migrator = SchemaMigrator.from_database(db)
    field = pw.CharField(max_length=20, default="none", constraints=[pw.SQL("DEFAULT 'none'")])
    migrate(migrator.add_column(table, "verified", field, allow_not_null=True))
    return True


async def up(db):
    await db.run(_add_verified, db)
    await db.acreate_tables(TABLES)
    await BindingRequest.update(verified="wechat_phone").where(
        BindingRequest.phone_enc.is_null(False), BindingRequest.verified == "none").aexecute()
    # A service account bound through the old paths loses the binding, so that WeChat can no
    # longer sign in as it (sessions already issued are refused by services.auth from now on
    # only when re-issued: see docs/decisions.md on revoking them at deploy).
    await Staff.update(openid=None).where(Staff.is_service_account == True,  # noqa: E712
                                          Staff.openid.is_null(False)).aexecute()
