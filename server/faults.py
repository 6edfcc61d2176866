"""A dependency that is down (Redis, the database) answers 503 SERVICE_UNAVAILABLE with
Retry-After, never 500 INTERNAL: the base handler maps these exceptions here."""
import asyncio
import logging

from redis.exceptions import BusyLoadingError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from server.errors import Unavailable

log = logging.getLogger("mingjing.faults")
RETRY_AFTER = 5

# MySQL/MariaDB client and server error numbers that mean "the server is not reachable now"
# (not "your SQL is wrong"): can't connect, gone away, lost connection, too many connections,
# shutdown in progress, connection killed.
MYSQL_UNAVAILABLE = {2002, 2003, 2005, 2006, 2013, 2055, 1040, 1053, 1077, 1927, 4031}


def is_redis_down(exc):
    return isinstance(exc, (RedisConnectionError, RedisTimeoutError, BusyLoadingError))


def is_database_down(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        args = getattr(exc, "args", ())
        name = type(exc).__name__
        if name in ("OperationalError", "InterfaceError", "InternalError"):
            if args and isinstance(args[0], int) and args[0] in MYSQL_UNAVAILABLE:
                return True
            text = str(exc)
            if "database is locked" in text or "pool is shutting down" in text.lower():
                return True
            lowered = text.lower()
            if name == "InterfaceError" and (not args or args[0] == 0 or "closed" in lowered
                                             or "not connected" in lowered):
                return True  # pymysql: the connection was already gone (a ROLLBACK after it)
        if isinstance(exc, (ConnectionRefusedError, ConnectionResetError, BrokenPipeError)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def is_dependency_down(exc):
    """Redis or the database away (not a bug: background work logs it without a traceback)."""
    return is_redis_down(exc) or is_database_down(exc)


def as_unavailable(exc):
    """An Unavailable (503) for a dependency failure, else None."""
    if isinstance(exc, asyncio.CancelledError):
        return None
    if is_redis_down(exc):
        which = "redis"
    elif is_database_down(exc):
        which = "database"
    else:
        return None
    log.warning("%s unavailable: %r", which, exc)
    return Unavailable("服务暂时不可用（数据存储连接中断），请稍后重试", code="SERVICE_UNAVAILABLE",
                       headers={"Retry-After": str(RETRY_AFTER)})


def storage_unavailable(exc, *, what="upload"):
    """503 STORAGE_UNAVAILABLE for a file store we cannot write (read-only, full, a path that is
    not a directory): the operator's fault, not the user's, and it passes once storage is fixed."""
    log.error("storage unavailable (%s): %r", what, exc)
    return Unavailable("文件存储暂时不可用，无法保存上传的文件，请稍后重试",
                       code="STORAGE_UNAVAILABLE", headers={"Retry-After": str(RETRY_AFTER)})
