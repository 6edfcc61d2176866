"""One scheduler for every feature's timed work (issue 13; docs/reminders.md).

Jobs are derived from the database on every tick by registered *sources*, so a restart loses
nothing; one process at a time ticks (a lease in Redis with expiry, taken over when its holder
dies); each job occurrence has a unique key recorded in `job_run` in the same transaction as its
effect, so a double run does nothing twice.

    from services import scheduler

    async def goal_deadlines(ctx):          # ctx.now is naive UTC, ctx.env the AppEnv
        return [scheduler.Occurrence(key=f"appraisal.goal_due:{phase.id}:{staff_id}:3",
                                     due_at=..., run=remind)]   # run(ctx) inside the transaction
    scheduler.register_source("appraisal.deadlines", goal_deadlines)
"""
import asyncio
import dataclasses
import datetime
import logging
import os
import secrets
import socket
from typing import Awaitable, Callable, Optional

import peewee

from models.base import atomic, fetch_all, utcnow
from models.reminders import JobRun

log = logging.getLogger("mingjing.scheduler")

LEASE_KEY = "mingjing:scheduler:lease"
# Renew only our own lease (compare-and-pexpire), release only our own (compare-and-delete).
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


@dataclasses.dataclass
class Occurrence:
    """One due-or-not-yet job occurrence a source derived from the database."""
    key: str                                   # unique per occurrence, at most 191 characters
    due_at: datetime.datetime                  # naive UTC
    run: Callable[["Context"], Awaitable[None]]   # its effect; runs inside the recording transaction
    expires_at: Optional[datetime.datetime] = None   # past this, a missed occurrence is dropped


@dataclasses.dataclass
class Context:
    env: object
    now: datetime.datetime   # naive UTC
    holder: str

    @property
    def settings(self):
        return self.env.config.reminders


_sources = {}


def register_source(name, fn):
    """`fn(ctx) -> iterable of Occurrence` (async). Registered at import time of the feature's
    service module; re-registering a name replaces it (tests, reloads)."""
    _sources[name] = fn


def unregister_source(name):
    _sources.pop(name, None)


def sources():
    return dict(_sources)


def holder_id():
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Lease:
    """The right to tick, held in Redis with an expiry and renewed by its holder."""

    def __init__(self, redis, holder, seconds):
        self.redis, self.holder, self.ms = redis, holder, int(seconds * 1000)

    async def acquire(self):
        if await self.redis.set(LEASE_KEY, self.holder, nx=True, px=self.ms):
            return True
        return bool(await self.redis.eval(_RENEW, 1, LEASE_KEY, self.holder, self.ms))

    async def release(self):
        return bool(await self.redis.eval(_RELEASE, 1, LEASE_KEY, self.holder))


async def _done_keys(keys):
    done = set()
    keys = list(keys)
    for i in range(0, len(keys), 500):
        rows = await fetch_all(JobRun.select(JobRun.key).where(JobRun.key.in_(keys[i:i + 500])))
        done.update(r.key for r in rows)
    return done


def _log_failure(message, name, exc):
    """A job that failed because Redis or the database is away is retried next tick: a warning,
    not a traceback (a traceback means a bug)."""
    from server.faults import is_dependency_down

    if is_dependency_down(exc):
        log.warning(message + " (dependency down, retried next tick): %r", name, exc)
    else:
        log.error(message, name, exc_info=exc)


async def run_due(env, *, now=None, holder="", only=None):
    """Derive every source's occurrences and run the due ones not yet recorded. Returns the keys
    run. A failing source or job is logged and retried on the next tick (its transaction rolled
    back, so its key is not recorded)."""
    ctx = Context(env=env, now=now or utcnow(), holder=holder)
    ran = []
    for name, fn in sorted(_sources.items()):
        if only and name not in only:
            continue
        try:
            occurrences = [o for o in await fn(ctx) if o.due_at <= ctx.now
                           and (o.expires_at is None or ctx.now <= o.expires_at)]
        except Exception as exc:
            _log_failure("scheduler source %s failed", name, exc)
            continue
        done = await _done_keys(o.key for o in occurrences)
        for occ in occurrences:
            if occ.key in done:
                continue
            try:
                async with atomic():
                    await JobRun.acreate(key=occ.key[:191], source=name[:40], due_at=occ.due_at,
                                         ran_at=ctx.now, holder=holder[:64])
                    await occ.run(ctx)
            except peewee.IntegrityError:
                continue   # another process (or an earlier tick) recorded it first
            except Exception as exc:
                _log_failure("scheduled job %s failed", occ.key, exc)
                continue
            ran.append(occ.key)
    return ran


async def tick(env, *, now=None, holder, only=None):
    """One tick under the lease: run the due jobs. None when another process holds the lease."""
    lease = Lease(env.redis, holder, env.config.reminders.lease_seconds)
    if not await lease.acquire():
        return None
    from services import reminders  # noqa: F401  (the built-in sources register on import)

    return await run_due(env, now=now, holder=holder, only=only)


class Runner:
    """The scheduler and delivery loops of one server process (`python -m server run`)."""

    def __init__(self, env):
        self.env = env
        self.holder = holder_id()
        self.tasks = []

    def start(self):
        from services import delivery, reminders  # noqa: F401  (registers the built-in sources)

        self.worker = delivery.Worker(self.env, self.holder)
        self.tasks = [asyncio.create_task(self._tick_loop(), name="scheduler"),
                      asyncio.create_task(self.worker.run(), name="delivery")]
        log.info("scheduler and delivery started (%s)", self.holder)
        return self

    async def _tick_loop(self):
        every = max(1, self.env.config.reminders.tick_seconds)
        while True:
            try:
                await tick(self.env, holder=self.holder)
            except asyncio.CancelledError:
                raise
            except Exception as exc:   # Redis or the database away: try again next tick
                log.warning("scheduler tick failed: %r", exc)
            await asyncio.sleep(every)

    async def stop(self):
        # Let a send in flight finish and be recorded (a cancelled send would be "unknown").
        self.worker.stopping = True
        self.tasks[0].cancel()
        try:
            await asyncio.wait_for(asyncio.shield(self.tasks[1]), timeout=5)
        except (asyncio.TimeoutError, Exception):
            pass
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        try:
            await Lease(self.env.redis, self.holder, 1).release()
        except Exception:
            pass


def start(env):
    """Start this process's loops unless reminders.scheduler is off; returns the Runner or None."""
    if not env.config.reminders.scheduler:
        return None
    from services import delivery

    delivery.configure(env.config)
    return Runner(env).start()
