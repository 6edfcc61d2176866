"""Build the async database from one URL: sqlite:///path (aiosqlite) or mysql://... (aiomysql)."""
import os
from urllib.parse import unquote, urlparse

from playhouse.pwasyncio import AsyncMySQLDatabase, AsyncSqliteDatabase

from models.base import db
from server.config import ROOT


def make_database(url, *, pool_size=10):
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///"):]
        if path != ":memory:":
            if not os.path.isabs(path):
                path = str(ROOT / path)
            os.makedirs(os.path.dirname(path), exist_ok=True)
        return AsyncSqliteDatabase(
            path,
            pool_size=pool_size,
            timeout=30,
            pragmas={"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 30000,
                     "synchronous": "normal"},
        )
    if parsed.scheme in ("mysql", "mariadb"):
        return AsyncMySQLDatabase(
            parsed.path.lstrip("/"),
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 3306,
            user=unquote(parsed.username or "root"),
            password=unquote(parsed.password or ""),
            charset="utf8mb4",
            pool_size=pool_size,
            init_command="SET time_zone='+00:00'",
        )
    raise ValueError(f"unsupported database URL: {url}")


def bind_database(url, *, pool_size=10):
    database = make_database(url, pool_size=pool_size)
    db.initialize(database)
    return database
