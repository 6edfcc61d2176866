"""Redis client from a URL: redis://..., rediss://..., redis+sentinel://... (redis.asyncio) or
memory:// (in-process fakeredis).

A real client checks an idle pooled connection with PING before reuse (health_check_interval),
retries a command once on a connection or timeout error (so the first command after a Redis
restart does not fail on a stale socket), and gives up quickly while Redis is down: the request
then answers 503 SERVICE_UNAVAILABLE (server/faults.py). When every pooled connection is busy (the
08:59 burst), a command waits in line for one (up to POOL_WAIT_SECONDS) instead of failing.
"""
from urllib.parse import unquote, urlparse

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

RESILIENCE = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "health_check_interval": 15,
    "retry": Retry(ExponentialBackoff(cap=0.2, base=0.05), 1),
    "retry_on_error": [RedisConnectionError, RedisTimeoutError],
}
# redis-py's default pool raises MaxConnectionsError (a ConnectionError, so a 503) on the 101st
# concurrent command: 100 requests in flight plus the scheduler's lease was enough in the morning
# burst. A blocking pool of the same size queues that command instead.
POOL_MAX_CONNECTIONS = 100
POOL_WAIT_SECONDS = 5


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
    pool = aioredis.BlockingConnectionPool.from_url(
        url, decode_responses=True, max_connections=POOL_MAX_CONNECTIONS, timeout=POOL_WAIT_SECONDS,
        **RESILIENCE)
    return aioredis.Redis.from_pool(pool)
