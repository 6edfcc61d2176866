"""`python -m server backup FILE` / `restore FILE`: every table and the upload directory in one
consistent, compressed, encrypted file.

File: the line `MJBACKUP1`, one JSON header line (format, time, dialect, key id, salt, migrations,
tables; in clear but authenticated), then frames `<4-byte length><12-byte nonce><ciphertext>`.
Each frame is a zlib-compressed batch of JSON lines, sealed with AES-256-GCM under a key derived
(HKDF-SHA256, the header's salt) from the PII key named in the header, with the header's hash,
the frame number and an end mark as associated data: a changed, reordered, truncated or
foreign-key frame is refused. The PII key is the right one: without it the personal data in the
dump is unreadable anyway, so whoever may restore must hold it already (keep retired PII keys as
long as backups made with them).

The dump is one read transaction (REPEATABLE READ on MariaDB, a WAL snapshot on SQLite), so it is
consistent while the server keeps running. Restore goes only into a database with no staff and
no audit entries (what `migrate` alone leaves), at the same migration level.
"""
import base64
import datetime
import decimal
import hashlib
import json
import os
import struct
import zlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"MJBACKUP1\n"
FRAME_BYTES = 1 << 20      # plaintext per frame before compression
PAGE_ROWS = 2000           # rows read per query


class BackupError(Exception):
    pass


# ---- values --------------------------------------------------------------------------------

def _encode(value):
    if isinstance(value, datetime.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$d": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$t": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"$td": value.total_seconds()}
    if isinstance(value, decimal.Decimal):
        return {"$dec": str(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    raise TypeError(f"cannot back up a {type(value).__name__}")


def _decode(obj):
    if len(obj) == 1:
        (tag, value), = obj.items()
        if tag == "$dt":
            return datetime.datetime.fromisoformat(value)
        if tag == "$d":
            return datetime.date.fromisoformat(value)
        if tag == "$t":
            return datetime.time.fromisoformat(value)
        if tag == "$td":
            return datetime.timedelta(seconds=value)
        if tag == "$dec":
            return decimal.Decimal(value)
        if tag == "$b":
            return base64.b64decode(value)
    return obj


# ---- frames ---------------------------------------------------------------------------------

def _key(cipher, kid, salt):
    if kid not in cipher.keys:
        raise BackupError(f"备份使用的密钥 {kid} 不在 security.pii_keys 中")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=b"mingjing-backup-v1").derive(cipher.keys[kid][1])


class _Writer:
    def __init__(self, fh, header, key):
        self.fh, self.aead, self.index, self.buf = fh, AESGCM(key), 0, []
        self.size = 0
        line = json.dumps(header, sort_keys=True).encode() + b"\n"
        self.header_hash = hashlib.sha256(line).digest()
        fh.write(MAGIC + line)

    def add(self, record):
        data = json.dumps(record, ensure_ascii=False, default=_encode, separators=(",", ":"))
        self.buf.append(data)
        self.size += len(data)
        if self.size >= FRAME_BYTES:
            self._flush(last=False)

    def _flush(self, last):
        plain = zlib.compress("\n".join(self.buf).encode(), 6)
        nonce = os.urandom(12)
        aad = self.header_hash + struct.pack(">I?", self.index, last)
        sealed = self.aead.encrypt(nonce, plain, aad)
        self.fh.write(struct.pack(">I", len(sealed)) + nonce + sealed)
        self.index, self.buf, self.size = self.index + 1, [], 0

    def close(self):
        self._flush(last=True)


def read_header(fh):
    if fh.read(len(MAGIC)) != MAGIC:
        raise BackupError("不是明镜备份文件")
    line = fh.readline()
    try:
        header = json.loads(line)
    except ValueError:
        raise BackupError("备份文件头已损坏") from None
    return header, hashlib.sha256(line).digest()


def _records(fh, header_hash, key):
    aead, index, last = AESGCM(key), 0, False
    while not last:
        raw = fh.read(4)
        if len(raw) < 4:
            raise BackupError("备份文件不完整（被截断）")
        size, = struct.unpack(">I", raw)
        nonce, sealed = fh.read(12), fh.read(size)
        if len(sealed) < size:
            raise BackupError("备份文件不完整（被截断）")
        for last in (False, True):
            try:
                plain = aead.decrypt(nonce, sealed, header_hash + struct.pack(">I?", index, last))
                break
            except Exception:
                plain = None
        if plain is None:
            raise BackupError(f"备份文件第 {index + 1} 段无法解密：密钥不符或文件被改动")
        for line in zlib.decompress(plain).decode().split("\n"):
            if line:
                yield json.loads(line, object_hook=_decode)
        index += 1
    if fh.read(1):
        raise BackupError("备份文件末尾有多余内容")


# ---- database -------------------------------------------------------------------------------

def _mysql(database):
    return "MySQL" in type(database).__name__


def _quoter(database):
    mark = "`" if _mysql(database) else '"'
    return lambda name: f"{mark}{name}{mark}"


def _tables():
    from server.migrate import all_models

    return [(m._meta.table_name, [f.column_name for f in (m._meta.get_primary_keys() or ())])
            for m in all_models()]


def upload_root(config):
    from server.config import ROOT

    path = config.server.upload_dir
    return path if os.path.isabs(path) else str(ROOT / path)


async def backup(*, env, path):
    """Write the backup; returns {"tables": {name: rows}, "files": n}."""
    from models.base import atomic, real_db
    from server.migrate import SchemaMigration

    database = real_db()
    quote = _quoter(database)
    counts = {}
    kid, salt = env.cipher.active, os.urandom(16)
    tmp = f"{path}.part"
    with open(tmp, "wb") as fh:
        if _mysql(database):
            await database.aexecute_sql("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        async with atomic():
            migrations = [r[0] for r in (await database.aexecute_sql(
                f"SELECT {quote('name')} FROM {quote(SchemaMigration._meta.table_name)} "
                f"ORDER BY {quote('version')}")).fetchall()]
            tables = _tables()
            header = {"format": 1, "created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                      "dialect": "mysql" if _mysql(database) else "sqlite", "kid": kid,
                      "salt": base64.b64encode(salt).decode(), "migrations": migrations,
                      "tables": [t for t, _ in tables]}
            writer = _Writer(fh, header, _key(env.cipher, kid, salt))
            for table, pk in tables:
                order = ", ".join(quote(c) for c in pk) or "1"
                offset, columns, n = 0, None, 0
                while True:
                    cursor = await database.aexecute_sql(
                        f"SELECT * FROM {quote(table)} ORDER BY {order} "
                        f"LIMIT {PAGE_ROWS} OFFSET {offset}")
                    rows = cursor.fetchall()
                    if columns is None:
                        columns = [d[0] for d in cursor.description]
                        writer.add({"t": table, "c": columns})
                    for row in rows:
                        writer.add({"r": list(row)})
                    n += len(rows)
                    if len(rows) < PAGE_ROWS:
                        break
                    offset += PAGE_ROWS
                counts[table] = n
        files = 0
        root = upload_root(env.config)
        for folder, _dirs, names in sorted(os.walk(root)):
            for name in sorted(names):
                full = os.path.join(folder, name)
                with open(full, "rb") as src:
                    writer.add({"f": os.path.relpath(full, root),
                                "d": base64.b64encode(src.read()).decode()})
                files += 1
        writer.add({"end": {"tables": counts, "files": files}})
        writer.close()
    os.replace(tmp, path)
    return {"tables": counts, "files": files}


async def restore(*, env, path):
    """Bring a backup into this (empty) database and upload directory."""
    from models.audit import AuditLog
    from models.base import atomic, count, real_db
    from models.org import Staff
    from server.migrate import SchemaMigration
    from server.migrate import migrate as apply_migrations

    database = real_db()
    quote, mysql = _quoter(database), _mysql(database)
    with open(path, "rb") as fh:
        header, header_hash = read_header(fh)
        if header.get("format") != 1:
            raise BackupError(f"不支持的备份格式 {header.get('format')}")
        key = _key(env.cipher, header["kid"], base64.b64decode(header["salt"]))
        await apply_migrations(log=None)
        if await count(Staff.select()) or await count(AuditLog.select()):
            raise BackupError("目标数据库已有数据：只能恢复到空数据库（新建数据库后运行 restore）")
        here = [r.name for r in await SchemaMigration.select().order_by(SchemaMigration.version).aexecute()]
        if here != header["migrations"]:
            raise BackupError("备份与当前程序的数据库结构版本不同：请用与备份时相同版本的程序恢复")
        root = upload_root(env.config)
        await database.aexecute_sql("SET FOREIGN_KEY_CHECKS=0" if mysql else "PRAGMA foreign_keys=OFF")
        try:
            async with atomic():
                for table in reversed(header["tables"]):
                    await database.aexecute_sql(f"DELETE FROM {quote(table)}")  # migrate's seeds
                counts, files, table, columns, batch, end = {}, 0, None, None, [], None

                async def flush():
                    if not batch:
                        return
                    marks = "(" + ", ".join([database.param] * len(columns)) + ")"
                    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
                           f"VALUES {', '.join([marks] * len(batch))}")
                    await database.aexecute_sql(sql, [v for row in batch for v in row])
                    batch.clear()

                for record in _records(fh, header_hash, key):
                    if "t" in record:
                        await flush()
                        table, columns = record["t"], record["c"]
                        counts[table] = 0
                    elif "r" in record:
                        batch.append(record["r"])
                        counts[table] += 1
                        if len(batch) >= 200:
                            await flush()
                    elif "f" in record:
                        await flush()
                        target = os.path.normpath(os.path.join(root, record["f"]))
                        if not target.startswith(os.path.normpath(root) + os.sep):
                            raise BackupError(f"备份中的文件路径越界：{record['f']}")
                        os.makedirs(os.path.dirname(target), exist_ok=True)
                        with open(target, "wb") as out:
                            out.write(base64.b64decode(record["d"]))
                        files += 1
                    elif "end" in record:
                        await flush()
                        end = record["end"]
                if end is None or end["tables"] != counts or end["files"] != files:
                    raise BackupError("备份内容与其清单不符")
        finally:
            await database.aexecute_sql("SET FOREIGN_KEY_CHECKS=1" if mysql else "PRAGMA foreign_keys=ON")
    return {"tables": counts, "files": files, "created": header["created"]}
