"""Coalescing: many concurrent requests' identical small reads or writes done as one round trip.

In the 08:59 burst a hundred requests each want "their" Redis GET, SELECT or INSERT at the same
moment. A `Coalescer` runs the first request's item at once (alone: no added delay when the
server is quiet) and, while that round trip is in flight, queues the items that arrive; the next
round trip carries all of them. The round trips of a burst thus grow with the load instead of
with the number of requests — like a database's group commit.

Each caller gets its own result or its own exception (`run_batch` returns one value per item, an
exception instance meaning that item failed); an exception raised by `run_batch` itself fails the
whole batch. Batches run in a task of their own, outside any request's context (log lines and
pooled database connections are not the first caller's), one at a time per coalescer.
"""
import asyncio
import contextvars

TOTALS = {}  # name -> [batches, items] in this process (GET /metrics: items per round trip)


class Coalescer:
    def __init__(self, run_batch, *, max_batch=200, name="coalesce"):
        self.run_batch = run_batch
        self.max_batch = max_batch
        self.name = name
        self._pending = []
        self._task = None
        self._totals = TOTALS.setdefault(name, [0, 0])

    async def __call__(self, item):
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((item, future))
        if self._task is None:
            # A fresh context: the batch is nobody's request (request id, logged staff id).
            self._task = loop.create_task(self._drain(), name=self.name,
                                          context=contextvars.Context())
        return await future

    async def _drain(self):
        try:
            while self._pending:
                batch = self._pending[:self.max_batch]
                del self._pending[:self.max_batch]
                self._totals[0] += 1
                self._totals[1] += len(batch)
                try:
                    results = list(await self.run_batch([item for item, _ in batch]))
                    if len(results) != len(batch):
                        raise RuntimeError(f"{self.name}: {len(results)} results for {len(batch)} items")
                except BaseException as exc:  # noqa: BLE001 - handed to every waiter of the batch
                    cancelled = isinstance(exc, asyncio.CancelledError)
                    for _, future in batch:
                        if not future.done():
                            future.cancel() if cancelled else future.set_exception(exc)
                    if cancelled or isinstance(exc, (KeyboardInterrupt, SystemExit)):
                        raise
                    continue
                for (_, future), result in zip(batch, results):
                    if future.done():  # the waiting request went away
                        continue
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self._task = None
            for _, future in self._pending:  # cancelled mid-drain: nobody waits forever
                if not future.done():
                    future.set_exception(RuntimeError(f"{self.name} stopped"))
            self._pending = []


def coalescer_for(owner, name, run_batch, **options):
    """The coalescer `name` of `owner` (a database or Redis client) on the running event loop,
    created on first use. One per loop: a test process may run several servers' loops."""
    loop = asyncio.get_running_loop()
    table = owner.__dict__.setdefault("_mj_coalescers", {})
    found = table.get(name)
    if found is None or found.loop is not loop:
        found = table[name] = Coalescer(run_batch, name=name, **options)
        found.loop = loop
    return found
