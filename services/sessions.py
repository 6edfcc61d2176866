"""Server-side sessions in Redis (revocable, expiring) and fixed-window rate limits.

Only the SHA-256 of a token is stored, so a Redis dump does not hand out sessions.
"""
import hashlib
import json
import secrets
import time

from server.errors import RateLimited
from services.coalesce import coalescer_for


def _key(token):
    return "sess:" + hashlib.sha256(token.encode()).hexdigest()


async def create_session(redis, *, staff_id, kind, ttl_seconds, idle_seconds=None, meta=None):
    token = secrets.token_urlsafe(32)
    key = _key(token)
    record = {"staff_id": staff_id, "kind": kind, "created": int(time.time()),
              "expires": int(time.time()) + ttl_seconds, "idle": idle_seconds or 0,
              **(meta or {})}
    pipe = redis.pipeline()
    pipe.set(key, json.dumps(record), ex=idle_seconds or ttl_seconds)
    pipe.sadd(f"sess_of:{staff_id}", key)
    pipe.expire(f"sess_of:{staff_id}", ttl_seconds)
    await pipe.execute()
    return token, record


async def lookup_session(redis, token, *, kind=None):
    """The session record, or None if unknown, expired, revoked or of another kind."""
    if not token or len(token) > 200:
        return None
    key = _key(token)
    # Coalesced: the requests of a burst read their sessions with one MGET (services/coalesce.py).
    raw = await coalescer_for(redis, "session_get", redis.mget)(key)
    if not raw:
        return None
    record = json.loads(raw)
    if kind and record.get("kind") != kind:
        return None
    now = int(time.time())
    if record["expires"] <= now:
        await redis.delete(key)
        return None
    if record.get("idle"):
        # Sliding idle timeout (admin console): every request pushes the deadline.
        await redis.expire(key, min(record["idle"], record["expires"] - now))
    return record


async def revoke_session(redis, token):
    key = _key(token)
    raw = await redis.get(key)
    await redis.delete(key)
    if raw:
        await redis.srem(f"sess_of:{json.loads(raw)['staff_id']}", key)


async def revoke_all_sessions(redis, staff_id, *, kind=None):
    keys = await redis.smembers(f"sess_of:{staff_id}")
    for key in keys:
        if kind:
            raw = await redis.get(key)
            if raw and json.loads(raw).get("kind") != kind:
                continue
        await redis.delete(key)
        await redis.srem(f"sess_of:{staff_id}", key)


async def hit_rate_limit(redis, key, *, limit, window_seconds, message=None):
    """Count one attempt; raise RateLimited past `limit` attempts within `window_seconds`.

    The window opens at the first attempt (SET NX EX) rather than on clock boundaries, so a burst
    is never split across two windows and let through twice.
    """
    rkey = f"rl:{key}"
    pipe = redis.pipeline()
    pipe.set(rkey, 0, ex=window_seconds, nx=True)
    pipe.incr(rkey)
    pipe.ttl(rkey)
    _, count, ttl = await pipe.execute()
    if ttl is None or ttl < 0:  # a key left without expiry must not lock anyone out for good
        await redis.expire(rkey, window_seconds)
        ttl = window_seconds
    if count > limit:
        raise RateLimited(message or "尝试次数过多，请稍后再试", retry_after=max(1, ttl))


async def rate_limit_state(redis, key):
    """(attempts counted, seconds left) of a hit_rate_limit window, without counting one."""
    rkey = f"rl:{key}"
    pipe = redis.pipeline()
    pipe.get(rkey)
    pipe.ttl(rkey)
    value, ttl = await pipe.execute()
    return int(value or 0), int(ttl) if ttl and ttl > 0 else 0
