"""Readiness checks of the database and Redis."""
import asyncio

from models.base import real_db


async def check(*, env):
    report = {"ok": True, "database": "ok", "redis": "ok"}
    try:
        await asyncio.wait_for(real_db().aexecute_sql("SELECT 1"), timeout=3)
    except Exception as exc:  # any failure means "not ready", reported, never raised
        report["ok"], report["database"] = False, type(exc).__name__
    try:
        await asyncio.wait_for(env.redis.ping(), timeout=3)
    except Exception as exc:
        report["ok"], report["redis"] = False, type(exc).__name__
    return report


async def redis_persistence(redis):
    """'aof', 'rdb', 'none' or 'unknown' (CONFIG disabled, as managed Redis often has it).
    Sessions live in Redis: without persistence a Redis restart signs everyone out."""
    try:
        aof = (await redis.config_get("appendonly")).get("appendonly")
        save = (await redis.config_get("save")).get("save")
    except Exception:
        return "unknown"
    if aof == "yes":
        return "aof"
    return "rdb" if save else "none"
