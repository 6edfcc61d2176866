"""Redis client from a URL: redis://... (redis.asyncio) or memory:// (in-process fakeredis)."""
import redis.asyncio as aioredis


def make_redis(url):
    if url.startswith("memory://"):
        import fakeredis

        return fakeredis.FakeAsyncRedis(decode_responses=True)
    return aioredis.from_url(url, decode_responses=True)
