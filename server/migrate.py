"""Apply the versioned migrations in models/migrations in order, once each."""
import importlib
import pkgutil

import peewee as pw

import models.migrations as migrations_pkg
from models.base import BaseModel, real_db, utcnow


class SchemaMigration(BaseModel):
    version = pw.CharField(max_length=20, unique=True)
    name = pw.CharField(max_length=100)
    applied_at = pw.DateTimeField(default=utcnow)


def available():
    found = []
    for info in pkgutil.iter_modules(migrations_pkg.__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            found.append((info.name[1:5], info.name))
    return sorted(found)


def all_models():
    """Every table that the migrations create, in dependency order (for test resets)."""
    tables = [SchemaMigration]
    for _, name in available():
        module = importlib.import_module(f"models.migrations.{name}")
        tables.extend(getattr(module, "TABLES", []))
    return pw.sort_models(tables)


async def migrate(log=print):
    db = real_db()
    if isinstance(db, pw.MySQLDatabase):
        # Chinese names and rare characters (生僻字) need 4-byte UTF-8 in every table.
        await db.aexecute_sql(f"ALTER DATABASE `{db.database}` CHARACTER SET utf8mb4 "
                              "COLLATE utf8mb4_unicode_ci")
    await db.acreate_tables([SchemaMigration])
    done = {m.version for m in await SchemaMigration.select().aexecute()}
    applied = []
    for version, name in available():
        if version in done:
            continue
        module = importlib.import_module(f"models.migrations.{name}")
        # DDL is not transactional on MariaDB; each migration is written to be re-runnable
        # up to its record (create_tables uses IF NOT EXISTS).
        await module.up(db)
        await SchemaMigration.insert(version=version, name=name).aexecute()
        applied.append(name)
        if log:
            log(f"applied migration {name}")
    from services.roles_seed import seed_national_ranks, sync_builtin_roles

    await sync_builtin_roles()
    await seed_national_ranks()
    return applied
