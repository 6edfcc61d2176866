"""Per-unit approval settings: where the unit head's own requests go (issue 14)."""
from models.unit_settings import UnitApprovalSetting

TABLES = [UnitApprovalSetting]


async def up(db):
    await db.acreate_tables(TABLES)
