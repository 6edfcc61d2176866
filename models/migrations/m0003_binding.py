"""WeChat binding: invites and binding requests."""
from models.binding import BindingInvite, BindingRequest

TABLES = [BindingInvite, BindingRequest]


async def up(db):
    await db.acreate_tables(TABLES)
