"""Judging days ahead of time (issue 16): the stored day_status rows the monthly report sums.

- Every night (source `attendance.close`, due 01:00 Beijing) each unit's month so far is brought
  up to date in the background: the people with a past day not stored are judged, ~500 per
  transaction, so yesterday is stored for everyone before HR asks.
- Changes recompute through events: leave approved/withdrawn/cancelled (services/attendance),
  make-up approved and punch review (they call recompute), a leaving or a transfer (stored days
  from its effective date are dropped, judged again on next need), a moved going-live date.
- `ensure_stored` fills what is still missing when a report is asked for: a few people inline,
  a whole unit in a background task (the report says how many are still being judged).
- Many person-days (a unit's first month, the nightly close of a large unit, an export's fill) are
  judged in the server's worker process (services/worker_process), a batch per call, written
  through its own connection; the lock, progress and batches stay here. A few stay on the loop.
- A per-(unit, month) lock in Redis (SET NX with expiry, renewed per batch) makes a second
  concurrent filler wait for, or leave the work to, the first instead of rewriting the month.
"""
import asyncio
import collections
import datetime
import logging
import secrets

import peewee as pw

from models.attendance import DayStatus
from models.base import fetch_all
from models.org import Staff
from services import attendance_stats as stats
from server.faults import is_dependency_down
from services import events, scheduler, worker_process

log = logging.getLogger("mingjing.attendance")

SUBSCRIBES = True
BATCH = 500                   # people judged per transaction
CHUNK = 1000                  # people per query when only counting or grouping (the loop yields between)
INLINE_PERSON_DAYS = 6000     # more missing than this is judged in the background, not in the request
WORKER_PERSON_DAYS = 6000     # more than this is judged in the worker process, off the serving loop
LOCK_MS = 120_000
LOCK_WAIT_S = 10             # a request waits this long for another filler of the same month
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
_tasks = set()   # background fills of this process (kept referenced until done)


def lock_key(unit_id, month):
    return f"mingjing:attendance:fill:{unit_id}:{month}"


class MonthLock:
    """The right to write one unit's month of day_status rows."""

    def __init__(self, redis, unit_id, month):
        self.redis, self.key, self.token = redis, lock_key(unit_id, month), secrets.token_hex(8)

    async def try_acquire(self):
        return bool(await self.redis.set(self.key, self.token, nx=True, px=LOCK_MS))

    async def acquire(self, wait=LOCK_WAIT_S):
        """Take the lock, waiting for another holder; False if it is still held after `wait`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while not await self.try_acquire():
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(0.2)
        return True

    async def renew(self):
        await self.redis.eval(_RENEW, 1, self.key, self.token, LOCK_MS)

    async def release(self):
        try:
            await self.redis.eval(_RELEASE, 1, self.key, self.token)
        except Exception:   # Redis away: the lock expires on its own
            pass


def month_of(day):
    return day.strftime("%Y-%m")


def past_range(month, now_utc):
    """(first day, last stored day) of the month's days already over, or None."""
    start, end = stats.month_range(month)
    last = min(end, stats.local_today(now_utc) - datetime.timedelta(days=1))
    return (start, last) if last >= start else None


async def stored_counts(staff_ids, start, end):
    """{staff_id: day_status rows stored in start..end} (every past day has one when complete)."""
    out = collections.Counter()
    ids = list(staff_ids)
    for i in range(0, len(ids), CHUNK):
        q = (DayStatus.select(DayStatus.staff, pw.fn.COUNT(DayStatus.id).alias("n"))
             .where(DayStatus.staff.in_(ids[i:i + CHUNK]), DayStatus.day.between(start, end))
             .group_by(DayStatus.staff).tuples())
        out.update(dict(await fetch_all(q)))
        await asyncio.sleep(0)  # building and reading 10,000 people at once held the loop
    return out


async def missing_staff(staff_ids, start, end):
    expected = (end - start).days + 1
    counts = await stored_counts(staff_ids, start, end)
    return [sid for sid in staff_ids if counts.get(sid, 0) < expected]


async def _judge_batch(ids, start, end, now_utc):
    rows = await fetch_all(Staff.select(Staff.id, Staff.unit, Staff.department, Staff.hire_date)
                           .where(Staff.id.in_(ids)))
    for attempt in range(4):
        try:
            await stats.compute_days(rows, start, end, now_utc=now_utc)
            return
        except (pw.IntegrityError, pw.OperationalError):
            # A concurrent writer of the same people's days (an event's recompute) or a
            # deadlock between two batches' gap locks: judge the batch again.
            if attempt == 3:
                raise
            await asyncio.sleep(0.2 * (attempt + 1))


_in_worker = {}   # the worker process: its event loop and the database URL it is bound to


def judge_in_worker(db_url, ids, start, end, now_utc):
    """In the worker process (services/worker_process): judge and store one batch through the
    worker's own connection. It is closed after each batch: none goes stale between fills, and
    SQLite's connection thread would keep the process from exiting at shutdown."""
    from server.database import bind_database

    if "loop" not in _in_worker:
        _in_worker["loop"] = asyncio.new_event_loop()
    if _in_worker.get("url") != db_url:
        _in_worker["url"], _in_worker["database"] = db_url, bind_database(db_url, pool_size=1)
    loop = _in_worker["loop"]
    try:
        loop.run_until_complete(_judge_batch(ids, start, end, now_utc))
    finally:
        loop.run_until_complete(_in_worker["database"].close_pool())
    return len(ids)


def _worker_url(env, people, start, end):
    """The database URL when this fill is judged in the worker process, else None: many
    person-days (the work that held the serving loop: /healthz p99 638 ms during a unit's first
    month) on a database another process can open."""
    url = env.config.database.url if env is not None else ""
    if people * ((end - start).days + 1) <= WORKER_PERSON_DAYS or ":memory:" in url or not url:
        return None
    return url


async def _renewing(lock, work):
    """Await `work`, renewing the month lock meanwhile: the worker runs at nice 10, and on a busy
    machine one batch may outlast the lock's expiry."""
    task = asyncio.ensure_future(work)
    try:
        while lock is not None:
            done, _ = await asyncio.wait({task}, timeout=LOCK_MS / 4000)
            if done:
                break
            await lock.renew()
    except BaseException:
        task.cancel()
        raise
    return await task


async def judge_batches(staff_ids, start, end, *, now_utc, lock=None, progress=None, env=None):
    """Judge and store the people's days start..end, BATCH people per transaction: in the worker
    process when there are many (and `env` says which database), else on this loop."""
    ids = sorted(staff_ids)
    url = _worker_url(env, len(ids), start, end)
    for i in range(0, len(ids), BATCH):
        batch = ids[i:i + BATCH]
        if url is None:
            await _judge_batch(batch, start, end, now_utc)
        else:
            try:
                await _renewing(lock, worker_process.run(judge_in_worker, url, batch, start, end, now_utc))
            except worker_process.BrokenWorker:   # it died (killed): this batch here, the next in a new one
                await _judge_batch(batch, start, end, now_utc)
        if lock is not None:
            await lock.renew()
        if progress is not None:
            await progress(min(len(ids), i + BATCH), len(ids))


async def _by_unit(staff_ids):
    units = collections.defaultdict(list)
    ids = list(staff_ids)
    for i in range(0, len(ids), CHUNK):
        for sid, unit in await fetch_all(Staff.select(Staff.id, Staff.unit)
                                         .where(Staff.id.in_(ids[i:i + CHUNK])).tuples()):
            units[unit].append(sid)
        await asyncio.sleep(0)
    return units


async def fill(env, staff_ids, month, *, now_utc, wait=LOCK_WAIT_S, progress=None):
    """Store every past day of `month` for these people (only those with a gap are judged), one
    unit at a time under its month lock, waiting up to `wait` seconds for another holder (0: a
    unit someone else is filling is left to them). Returns the number of people judged."""
    span = past_range(month, now_utc)
    if span is None:
        return 0
    start, end = span
    judged = 0
    for unit_id, ids in sorted((await _by_unit(staff_ids)).items()):
        lock = MonthLock(env.redis, unit_id, month)
        if not await lock.acquire(wait):
            continue
        try:
            todo = await missing_staff(ids, start, end)   # the holder before us may have done them
            await judge_batches(todo, start, end, now_utc=now_utc, lock=lock, progress=progress,
                                env=env)
            judged += len(todo)
        finally:
            await lock.release()
    return judged


_one_at_a_time = {}   # event loop -> its lock


async def _serially(coro):
    """Background fills of this process run one after another: they are CPU-bound, and two
    writing neighbouring people's days would contend for the same index gaps."""
    lock = _one_at_a_time.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    async with lock:
        return await coro


def spawn(coro, name):
    task = asyncio.get_running_loop().create_task(_serially(coro), name=name)
    _tasks.add(task)
    task.add_done_callback(_done)
    return task


def _done(task):
    _tasks.discard(task)
    if not task.cancelled() and task.exception() is not None:
        exc = task.exception()
        if is_dependency_down(exc):   # redone by the next report or night
            log.warning("background attendance fill stopped, a dependency is down: %r", exc)
        else:
            log.error("background attendance fill failed", exc_info=exc)


async def ensure_stored(env, todo, month, *, now_utc):
    """Before a report, for the people found with a past day not stored: a few are judged now;
    many are left to a background fill (started here unless one is running). Returns the number
    of people still being judged (0 when the stored rows are complete)."""
    span = past_range(month, now_utc)
    if span is None or not todo:
        return 0
    days = (span[1] - span[0]).days + 1
    if len(todo) * days <= INLINE_PERSON_DAYS:
        await fill(env, todo, month, now_utc=now_utc)
        return len(await missing_staff(todo, *span))
    key, people = (month, span[1]), set(todo)
    if not any(people <= queued for queued in _filling.get(key, ())):
        # Not while a fill of this process already has them: a report polled during a unit's
        # first month queued one more fill per call, each re-counting 10,000 people's rows
        # after the first had finished.
        _filling.setdefault(key, []).append(people)
        task = spawn(fill(env, todo, month, now_utc=now_utc, wait=0), f"attendance-fill-{month}")
        task.add_done_callback(lambda _task: _filled(key, people))
    return len(todo)


_filling = {}   # (month, last day judged) -> the people of this process's queued or running fills


def filling_count(month, span):
    """How many people this process's queued or running fills of the month hold (0: none)."""
    return sum(len(people) for people in _filling.get((month, span[1]), ()))


def _filled(key, people):
    rest = [p for p in _filling.get(key, ()) if p is not people]
    if rest:
        _filling[key] = rest
    else:
        _filling.pop(key, None)


async def wait_background():
    """Tests and benchmarks: let this process's running fills finish."""
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)


# ---- the nightly close -------------------------------------------------------------------------

def close_due(day, *, hour=1):
    """01:00 Beijing on `day` as naive UTC."""
    local = datetime.datetime.combine(day, datetime.time(hour)).replace(tzinfo=stats.SHANGHAI)
    return local.astimezone(datetime.timezone.utc).replace(tzinfo=None)


async def nightly_close(ctx):
    """Scheduler source: after each day closes, each unit's month so far is judged and stored."""
    today = stats.local_today(ctx.now)
    yesterday = today - datetime.timedelta(days=1)
    units = [u for (u,) in await fetch_all(
        Staff.select(Staff.unit).where(Staff.status == "active").distinct().tuples())]
    due = close_due(today)
    expires = close_due(today + datetime.timedelta(days=1), hour=0)
    return [scheduler.Occurrence(key=f"attendance.close:{u}:{yesterday.isoformat()}", due_at=due,
                                 expires_at=expires, run=_closer(u, yesterday)) for u in units]


def _closer(unit_id, day):
    async def run(ctx):
        # Runs inside the transaction recording the key: the judging itself goes to a background
        # task (its own connection, a transaction per batch). A fill that dies is redone by the
        # next report or night, since the stored rows themselves say what is missing.
        spawn(close_unit(ctx.env, unit_id, day, now_utc=ctx.now), f"attendance-close-{unit_id}")
    return run


async def close_unit(env, unit_id, day, *, now_utc):
    start = day.replace(day=1)
    # People here now, and those who moved away since the month began (their days before it).
    moved = stats.StaffTransfer.select(stats.StaffTransfer.staff).where(
        stats.StaffTransfer.from_unit == unit_id, stats.StaffTransfer.effective_date > start)
    ids = [sid for (sid,) in await fetch_all(Staff.select(Staff.id).where(
        ((Staff.unit == unit_id) & (Staff.status == "active")) | Staff.id.in_(moved),
        Staff.is_service_account == False).tuples())]  # noqa: E712
    return await fill(env, ids, month_of(day), now_utc=now_utc, wait=600)


scheduler.register_source("attendance.close", nightly_close)


# ---- events ------------------------------------------------------------------------------------

async def on_staff_transferred(*, staff_id, effective_date, **_):
    """A transfer, possibly recorded late: stored days from its date belong elsewhere now; they
    are judged again (in the right unit) on next need."""
    await DayStatus.delete().where(DayStatus.staff == staff_id,
                                   DayStatus.day >= effective_date).aexecute()


def register_subscribers():
    events.subscribe("staff.transferred", on_staff_transferred)
