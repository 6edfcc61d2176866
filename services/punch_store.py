"""The punch path's reads and writes, coalesced across concurrent requests (the 08:59 burst).

Every clock-in needs the same four round trips: its caller's row (staff, posts, bound device,
last punch), a Redis pipeline (the per-person tap lock and the unit's configuration version), the
punch's INSERT and, for a person's very first punch, the device binding's INSERT IGNORE. Here
each is a `services.coalesce.Coalescer`: alone when the server is quiet, and in a burst one
SELECT … IN, one pipeline, one multi-row INSERT and one multi-row INSERT IGNORE carry every
request that arrived meanwhile (docs/performance.md, "Morning burst: coalescing").

Guarantees kept from the one-request path: a punch is stored by an autocommitted statement
before its request answers 201; a binding is written only after its punch is stored (never a
binding without its punch); a duplicate (staff, minute) in a batch fails that person only (the
batch is retried row by row); a database error fails the batch's requests (503), none answers
201 without its row. Inside a transaction nothing is coalesced (the batch runs on another
connection and could not see the transaction's rows).
"""
import peewee as pw

from models.attendance import DeviceBinding, Punch
from models.base import real_db
from models.org import Staff, StaffPost
from services.coalesce import coalescer_for

REPEAT_SECONDS = 60
PRINCIPAL_FIELDS = ("id", "unit", "department", "status", "is_service_account", "name",
                    "employee_no")

_SQL = {}


async def raw(name, build, params):
    """Run a hot query whose SQL text peewee builds once per database (only the parameters
    change between punches): building a query costs more CPU than the round trip itself."""
    database = real_db()
    return await database.aexecute_sql(_sql_of(database, name, build, params), params)


def _sql_of(database, name, build, params):
    key = (name, id(database))
    sql = _SQL.get(key)
    if sql is None:
        sql, built = build().sql()
        if list(built) != list(params):  # the hand-ordered parameters must match peewee's
            raise RuntimeError(f"parameter order of hot query {name!r} does not match")
        _SQL[key] = sql
    return sql


def _many_sql(database, name, build, params, n):
    """The one-row INSERT of `build` repeated as an n-row INSERT (same columns, n VALUES groups)."""
    key = (name, n, id(database))
    sql = _SQL.get(key)
    if sql is None:
        head, sep, group = _sql_of(database, name, build, params).partition(" VALUES ")
        if not sep or not group.startswith("(") or not group.endswith(")"):
            raise RuntimeError(f"hot query {name!r} is not a one-row INSERT")
        sql = _SQL[key] = head + sep + ", ".join([group] * n)
    return sql


def _in_sql(database, name, build, params, sizes):
    """The query of `build` (built with one value in each of its IN lists) with its IN lists
    widened to `sizes` values: peewee builds one query per name, not one per batch size."""
    key = (name, tuple(sizes), id(database))
    sql = _SQL.get(key)
    if sql is None:
        one = f"IN ({database.param})"
        parts = _sql_of(database, name, build, params).split(one)
        if len(parts) != len(sizes) + 1:
            raise RuntimeError(f"hot query {name!r} does not have {len(sizes)} IN lists")
        sql = parts[0] + "".join(f"IN ({', '.join([database.param] * n)})" + rest
                                 for n, rest in zip(sizes, parts[1:]))
        _SQL[key] = sql
    return sql


async def _coalesced(owner, name, run_batch):
    """The coalescer, or None inside a transaction. The caller's own pooled connection (say from
    a configuration read) goes back to the pool first: a request holding one while it waits for
    a batch that needs one could, times the pool's size, leave the batch none."""
    database = real_db()
    if database.in_transaction():
        return None
    await database.aclose()
    return coalescer_for(owner, name, run_batch)


# ---- the caller's row -----------------------------------------------------------------------

def _principal_query(staff_ids):
    last_id = (Punch.select(Punch.id).where(Punch.staff == Staff.id, Punch.kind != "makeup")
               .order_by(Punch.at.desc(), Punch.id.desc()).limit(1))
    cols = [getattr(Staff, f) for f in PRINCIPAL_FIELDS]
    return (Staff.select(*cols, StaffPost.department, DeviceBinding.device_id,
                         Punch.id, Punch.at, Punch.lat, Punch.lng)
            .join(StaffPost, pw.JOIN.LEFT_OUTER,
                  on=((StaffPost.staff == Staff.id) & (StaffPost.active == True)))  # noqa: E712
            .join_from(Staff, DeviceBinding, pw.JOIN.LEFT_OUTER,
                       on=(DeviceBinding.staff == Staff.id))
            .join_from(Staff, Punch, pw.JOIN.LEFT_OUTER, on=(Punch.id == last_id))
            .where(Staff.id.in_(staff_ids)))


async def _principal_batch(staff_ids):
    ids = sorted(set(staff_ids))
    database = real_db()
    sql = _in_sql(database, "principal", lambda: _principal_query(ids[:1]),
                  [True, "makeup", 1, ids[0]], [len(ids)])
    cursor = await database.aexecute_sql(sql, [True, "makeup", 1, *ids])
    rows = {}
    for row in cursor.fetchall():
        rows.setdefault(row[0], []).append(row)
    return [rows.get(staff_id, []) for staff_id in staff_ids]


async def principal_rows(staff_id):
    """The caller's rows: PRINCIPAL_FIELDS, then an active post's department, the bound device,
    and the latest real punch's id, at, lat, lng (one row per active post, at least one)."""
    coalescer = await _coalesced(real_db(), "principal", _principal_batch)
    if coalescer is None:
        return (await _principal_batch([staff_id]))[0]
    return await coalescer(staff_id)


# ---- the tap lock and the configuration version ----------------------------------------------

def tap_lock_key(staff_id):
    return f"att:tap:{staff_id}"


async def tap_lock(redis, staff_id, stamp, version_key):
    """SET NX the person's tap lock (REPEAT_SECONDS), read who holds it and the unit's
    configuration version: (got the lock, the lock's stamp, the version token)."""
    async def run(items):
        pipe = redis.pipeline(transaction=False)
        for sid, at, vkey in items:
            pipe.set(tap_lock_key(sid), at, nx=True, ex=REPEAT_SECONDS)
            pipe.get(tap_lock_key(sid))
            pipe.get(vkey)
        flat = await pipe.execute()
        return [tuple(flat[i:i + 3]) for i in range(0, len(flat), 3)]

    return await coalescer_for(redis, "tap_lock", run)((staff_id, stamp, version_key))


# ---- the punch's INSERT and the first device's binding ---------------------------------------

def _punch_params(row):
    return [row[f.name] for f in Punch._meta.sorted_fields if f.name in row]


def _bind_params(staff_id, device_id, now):
    return [now, staff_id, device_id, now]


def _build_bind(staff_id, device_id, now):
    return lambda: DeviceBinding.insert(staff=staff_id, device_id=device_id, updated_at=now,
                                        created_at=now).on_conflict_ignore()


async def insert_one(row):
    """One autocommitted INSERT (or a statement of the caller's transaction); the new id."""
    cursor = await raw("insert", lambda: Punch.insert(**row), _punch_params(row))
    return cursor.lastrowid


async def bind_one(staff_id, device_id, now):
    """INSERT IGNORE the binding; if a concurrent first punch won, its device is the bound one."""
    cursor = await raw("bind", _build_bind(staff_id, device_id, now),
                       _bind_params(staff_id, device_id, now))
    if cursor.rowcount == 1:
        return device_id
    return (await DeviceBinding.aget(DeviceBinding.staff == staff_id)).device_id


async def _store_one(row, bind_device):
    try:
        punch_id = await insert_one(row)
    except pw.IntegrityError as exc:
        return exc
    bound = await bind_one(row["staff"], bind_device, row["at"]) if bind_device else None
    return punch_id, bound


async def _store_batch(items):
    if len(items) == 1:
        return [await _store_one(*items[0])]
    database = real_db()
    rows = [row for row, _ in items]
    first = rows[0]
    params = [v for row in rows for v in _punch_params(row)]
    try:
        await database.aexecute_sql(_many_sql(database, "insert", lambda: Punch.insert(**first),
                                              _punch_params(first), len(rows)), params)
    except pw.IntegrityError:  # someone's (staff, minute) already stored: row by row
        return [await _store_one(row, bind) for row, bind in items]
    staff_ids = sorted({r["staff"] for r in rows})
    buckets = sorted({r["minute_bucket"] for r in rows})
    stored = await database.aexecute_sql(_in_sql(database, "stored", lambda: Punch.select(
        Punch.id, Punch.staff, Punch.minute_bucket).where(
        Punch.staff.in_(staff_ids[:1]), Punch.minute_bucket.in_(buckets[:1])),
        [staff_ids[0], buckets[0]], [len(staff_ids), len(buckets)]), [*staff_ids, *buckets])
    ids = {(staff, bucket): pid for pid, staff, bucket in stored.fetchall()}
    bound = await _bind_batch([(row["staff"], bind, row["at"]) for row, bind in items if bind])
    return [(ids[(row["staff"], row["minute_bucket"])], bound.get(row["staff"]) if bind else None)
            for row, bind in items]


async def _bind_batch(binds):
    """Multi-row INSERT IGNORE of first devices (after their punches are stored); staff id ->
    the device bound (their own, or the one a concurrent first punch bound first)."""
    if not binds:
        return {}
    database = real_db()
    staff_id, device_id, now = binds[0]
    sql = _many_sql(database, "bind", _build_bind(staff_id, device_id, now),
                    _bind_params(staff_id, device_id, now), len(binds))
    cursor = await database.aexecute_sql(sql, [v for b in binds for v in _bind_params(*b)])
    if cursor.rowcount == len(binds):
        return {sid: device for sid, device, _ in binds}
    found = await database.aexecute_sql(*DeviceBinding.select(
        DeviceBinding.staff, DeviceBinding.device_id).where(
        DeviceBinding.staff.in_(sorted({b[0] for b in binds}))).sql())
    return dict(found.fetchall())


async def store_punch(row, bind_device=None):
    """Store a punch row (autocommitted unless the caller is in a transaction) and, for a first
    device, bind it afterwards. Returns (punch id, bound device or None); raises IntegrityError
    when the person's punch of that minute exists."""
    coalescer = await _coalesced(real_db(), "store", _store_batch)
    if coalescer is None:
        result = await _store_one(row, bind_device)
    else:
        result = await coalescer((row, bind_device))
    if isinstance(result, BaseException):
        raise result
    return result
