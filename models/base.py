"""Database proxy, base model and the transaction helper every service uses."""
import datetime
import json

import peewee
from playhouse.pwasyncio import AsyncModelMixin

db = peewee.DatabaseProxy()


def utcnow():
    """Naive UTC now: every timestamp in the database is UTC."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)


def real_db():
    """The bound async database (the proxy's own atomic() is the synchronous one)."""
    if db.obj is None:
        raise RuntimeError("database not initialised")
    return db.obj


def atomic():
    """`async with atomic():` — one write transaction.

    On SQLite it takes the write lock at BEGIN (IMMEDIATE) so two concurrent writers queue on
    busy_timeout instead of failing when a read lock is upgraded.
    """
    database = real_db()
    if isinstance(database, peewee.SqliteDatabase) and not database.in_transaction():
        return database.atomic(lock_type="IMMEDIATE")
    return database.atomic()


def for_update(query):
    """SELECT ... FOR UPDATE where the backend has it (SQLite already holds the write lock)."""
    if isinstance(real_db(), peewee.MySQLDatabase):
        return query.for_update()
    return query


class JSONField(peewee.TextField):
    """JSON stored as text (portable between SQLite and MariaDB)."""

    def db_value(self, value):
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    def python_value(self, value):
        if value is None or value == "":
            return None
        return json.loads(value)


class BaseModel(AsyncModelMixin, peewee.Model):
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        database = db
        legacy_table_names = False


async def fetch_all(query):
    return list(await query.aexecute())


async def count(query):
    return await real_db().count(query)


async def exists(query):
    return await real_db().exists(query)


async def scalar(query):
    return await real_db().scalar(query)


async def get_one(query):
    """First row of the query or None."""
    rows = list(await query.limit(1).aexecute())
    return rows[0] if rows else None
