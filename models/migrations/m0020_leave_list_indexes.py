"""Indexes for HR's leave list at 100,000 requests (issue 16): the list's filters then its order,
with staff_id for the scope join; leave_request.updated_at and staff.updated_at for the totals'
freshness stamp (services/leave.list_requests).

Fresh databases get the leave_request indexes from m0006 (it creates the current model); this adds
whatever is missing by name on older ones, and staff.updated_at's index everywhere. Re-runnable.
"""
import peewee as pw

from models.leave import LeaveRequest
from models.org import Staff

TABLES = []  # no new table

STAFF_UPDATED_AT = "staff_updated_at"


def _add_indexes(db):
    wanted = [(LeaveRequest, idx) for idx in LeaveRequest._meta.fields_to_index()]
    wanted.append((Staff, pw.ModelIndex(Staff, (Staff.updated_at,), unique=False, name=STAFF_UPDATED_AT)))
    have = {}
    for model, idx in wanted:
        table = model._meta.table_name
        if table not in have:
            have[table] = {i.name for i in db.get_indexes(table)}
        if idx._name not in have[table]:
            db.execute(model._schema._create_index(idx, safe=False))
            have[table].add(idx._name)


async def up(db):
    await db.run(_add_indexes, db)
