"""Redis client from a URL: redis://..., rediss://..., redis+sentinel://... (redis.asyncio) or
memory:// (in-process fakeredis).

A real client checks an idle pooled connection with PING before reuse (health_check_interval),
retries a command once on a connection or timeout error (so the first command after a Redis
restart does not fail on a stale socket), and gives up quickly while Redis is down: the request
then answers 503 SERVICE_UNAVAILABLE (server/faults.py). When every pooled connection is busy (the
08:59 burst), a command waits in line for one (up to POOL_WAIT_SECONDS) instead of failing.
"""
import asyncio
import collections
import functools
from urllib.parse import unquote, urlparse

import redis.asyncio as aioredis
import redis.utils
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import MaxConnectionsError
from redis.exceptions import TimeoutError as RedisTimeoutError

# redis-py (8.x) reads its own version from the package's metadata for every new connection (its
# client-info handshake): ~1 ms each, 100 ms when a burst opens 100 connections at once (the first
# wave after a start or a Redis restart). The version does not change while we run.
redis.utils.get_lib_version = functools.cache(redis.utils.get_lib_version)

RESILIENCE = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "health_check_interval": 15,
    "retry": Retry(ExponentialBackoff(cap=0.2, base=0.05), 1),
    "retry_on_error": [RedisConnectionError, RedisTimeoutError],
}
# redis-py's default pool raises MaxConnectionsError (a ConnectionError, so a 503) on the 101st
# concurrent command: 100 requests in flight plus the scheduler's lease was enough in the morning
# burst. QueueingConnectionPool, of the same size, makes that command wait for a connection.
POOL_MAX_CONNECTIONS = 100
POOL_WAIT_SECONDS = 5


class QueueingConnectionPool(aioredis.ConnectionPool):
    """redis-py's ConnectionPool, except that when all `max_connections` are in use a command
    waits (first come, first served, at most `timeout` seconds, then ConnectionError "no
    connection available": a 503) instead of failing at once. redis-py's BlockingConnectionPool
    does the same but pays a Condition, a timeout and an async generator on every command; here
    a command that finds a free connection takes exactly the default pool's path."""

    def __init__(self, *args, timeout=POOL_WAIT_SECONDS, **kwargs):
        self.timeout = timeout
        self._waiters = collections.deque()
        super().__init__(*args, **kwargs)

    def reset(self):
        super().reset()
        self._waiters = collections.deque()

    async def get_connection(self, command_name=None, *keys, **options):
        if not self._waiters and self.can_get_connection():
            try:
                return await super().get_connection()
            except MaxConnectionsError:
                pass  # taken by another task since the check: queue up
        return await self._wait_for_connection()

    async def _wait_for_connection(self):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        front = False
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise RedisConnectionError("No connection available (Redis pool exhausted).")
            waiter = loop.create_future()
            # In arrival order; newcomers queue behind waiters (get_connection), so none starves.
            (self._waiters.appendleft if front else self._waiters.append)(waiter)
            try:
                await asyncio.wait_for(waiter, remaining)
            except asyncio.TimeoutError:
                raise RedisConnectionError("No connection available (Redis pool exhausted).") from None
            except BaseException:  # cancelled: the request went away while waiting
                if waiter.done() and not waiter.cancelled():
                    self._wake()  # it had been given the turn: pass it on
                raise
            finally:
                try:
                    self._waiters.remove(waiter)
                except ValueError:
                    pass
            if self.can_get_connection():
                try:
                    return await super().get_connection()
                except MaxConnectionsError:
                    pass
            front = True  # our turn, but the connection went elsewhere: first in line again

    async def release(self, connection):
        await super().release(connection)
        self._wake()

    def _wake(self):
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return


def parse_sentinel(url):
    """redis+sentinel://[:password@]host1:26379,host2:26379/<service>[/<db>] ->
    (hosts, service, db, password). The password is the master's (and the sentinels')."""
    rest = url[len("redis+sentinel://"):]
    auth, _, rest = rest.rpartition("@")
    hostpart, _, path = rest.partition("/")
    hosts = []
    for item in hostpart.split(","):
        host, _, port = item.strip().rpartition(":")
        hosts.append((host or item.strip(), int(port) if port and host else 26379))
    parts = [p for p in path.split("/") if p]
    if not parts:
        raise ValueError("redis+sentinel URL needs the service name: redis+sentinel://h:26379/mymaster/0")
    service, db = parts[0], int(parts[1]) if len(parts) > 1 else 0
    password = unquote(auth.partition(":")[2]) if auth else None
    return hosts, service, db, password or None


def make_redis(url):
    if url.startswith("memory://"):
        import fakeredis

        return fakeredis.FakeAsyncRedis(decode_responses=True)
    if url.startswith("redis+sentinel://"):
        from redis.asyncio.sentinel import Sentinel

        hosts, service, db, password = parse_sentinel(url)
        sentinel = Sentinel(hosts, socket_connect_timeout=2, socket_timeout=2,
                            sentinel_kwargs={"password": password} if password else None)
        return sentinel.master_for(service, db=db, password=password, decode_responses=True,
                                   **RESILIENCE)
    urlparse(url)  # a malformed URL fails here, at start-up
    pool = QueueingConnectionPool.from_url(
        url, decode_responses=True, max_connections=POOL_MAX_CONNECTIONS, timeout=POOL_WAIT_SECONDS,
        **RESILIENCE)
    return aioredis.Redis.from_pool(pool)
