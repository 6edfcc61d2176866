"""Backup and restore (issue 16): `python -m server backup FILE` of a populated database and its
uploads, `restore FILE` into a fresh database: every table equal row by row, the upload back, and
`audit-verify` against the anchor taken before the backup still passes. A tampered file, a wrong
key and a non-empty target are refused. On SQLite and on MariaDB."""
import base64
import os
import sqlite3
import subprocess
import sys
from urllib.parse import unquote, urlparse

import pytest

from server.config import ROOT
from server.migrate import all_models
from tests.attendance.helpers import punch, setup_a
from tests.production.procs import server_env


def _cli(env, *args):
    r = subprocess.run([sys.executable, "-m", "server", *args], cwd=str(ROOT), env=env,
                       capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout + r.stderr


def _mysql_conn(url, db=None):
    import pymysql

    u = urlparse(url)
    return pymysql.connect(host=u.hostname or "127.0.0.1", port=u.port or 3306,
                           user=unquote(u.username or "root"), password=unquote(u.password or ""),
                           database=db, charset="utf8mb4", autocommit=True)


def _fresh_target(server, tmp_path, name):
    url = server.config.database.url
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/{name}.db"
    source = urlparse(url)
    dbname = f"{source.path.lstrip('/')}_{name}"
    with _mysql_conn(url) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{dbname}`")
        cur.execute(f"CREATE DATABASE `{dbname}` CHARACTER SET utf8mb4")
    return source._replace(path="/" + dbname).geturl()


def _drop_target(url):
    if url.startswith("mysql"):
        u = urlparse(url)
        with _mysql_conn(url) as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{u.path.lstrip('/')}`")


def _rows(url):
    """Every table's rows (the model's columns), in primary-key order, straight from the driver."""
    out = {}
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url[len("sqlite:///"):])
        q = '"'
    else:
        u = urlparse(url)
        conn = _mysql_conn(url, u.path.lstrip("/"))
        q = "`"
    try:
        cur = conn.cursor()
        for model in all_models():
            table = model._meta.table_name
            pk = ", ".join(f"{q}{f.column_name}{q}" for f in model._meta.get_primary_keys()) or "1"
            # Columns by name in the model's order: a column added by a later migration sits at
            # the end of an old table but in place in a freshly created one; the data is the point.
            cols = ", ".join(f"{q}{f.column_name}{q}" for f in model._meta.sorted_fields)
            cur.execute(f"SELECT {cols} FROM {q}{table}{q} ORDER BY {pk}")
            out[table] = [tuple(r) for r in cur.fetchall()]
    finally:
        conn.close()
    return out


def _populate(api, org, server):
    setup_a(api, org)
    me = api.as_(org.office_1)
    assert punch(me, "2026-11-02 08:20").status == 201
    r = me.post("/api/leave/requests", {"type": "personal", "start": "2026-11-05", "start_half": "am",
                                        "end": "2026-11-05", "end_half": "pm", "reason": "家中有事"})
    assert r.status == 201, r
    assert api.as_(org.office_leader).post(f"/api/approvals/{r.data['instance_id']}/actions",
                                           {"action": "approve"}).status == 200
    upload = os.path.join(server.config.server.upload_dir, "ab", "ab-proof.jpg")
    os.makedirs(os.path.dirname(upload), exist_ok=True)
    with open(upload, "wb") as fh:
        fh.write(b"\xff\xd8\xff" + os.urandom(3000))
    return upload


def test_backup_restores_into_a_fresh_database_row_by_row(api, org, server, tmp_path):
    upload = _populate(api, org, server)
    source = server_env(server)
    anchor = tmp_path / "anchor.json"
    code, out = _cli({**source, "MINGJING_SECURITY_AUDIT_ANCHOR": str(anchor)}, "audit-verify")
    assert code == 0, out
    backup = tmp_path / "mingjing.backup"
    code, out = _cli(source, "backup", str(backup))
    assert code == 0 and "备份完成" in out, out
    raw = backup.read_bytes()
    assert "办公室职工一".encode() not in raw and b"ab-proof" not in raw  # encrypted

    target_url = _fresh_target(server, tmp_path, "restore")
    target = {**source, "MINGJING_DATABASE_URL": target_url,
              "MINGJING_SERVER_UPLOAD_DIR": str(tmp_path / "uploads2")}
    try:
        code, out = _cli(target, "restore", str(backup))
        assert code == 0 and "恢复完成" in out, out
        before, after = _rows(server.config.database.url), _rows(target_url)
        assert sum(len(v) for v in before.values()) > 50
        for table in before:
            assert after[table] == before[table], table
        with open(upload, "rb") as a, open(tmp_path / "uploads2" / "ab" / "ab-proof.jpg", "rb") as b:
            assert a.read() == b.read()
        code, out = _cli(target, "audit-verify", "--anchor", str(anchor))
        assert code == 0 and "审计日志完整" in out and "与锚点" in out, out
        # A second restore would overwrite what is there now: refused.
        code, out = _cli(target, "restore", str(backup))
        assert code == 1 and "只能恢复到空数据库" in out, out
    finally:
        _drop_target(target_url)


def test_tampered_truncated_or_foreign_key_backup_is_refused(api, org, server, tmp_path):
    _populate(api, org, server)
    source = server_env(server)
    backup = tmp_path / "b.backup"
    assert _cli(source, "backup", str(backup))[0] == 0
    raw = backup.read_bytes()
    tampered = tmp_path / "t.backup"
    tampered.write_bytes(raw[:-40] + bytes([raw[-40] ^ 1]) + raw[-39:])
    truncated = tmp_path / "c.backup"
    truncated.write_bytes(raw[:-100])
    kid = server.config.security.pii_keys.split(",")[0].split(":")[0]
    other_key = f"{kid}:aes256gcm:{base64.b64encode(os.urandom(32)).decode()}"
    cases = [(tampered, {}, "无法解密"), (truncated, {}, "截断"),
             (backup, {"MINGJING_SECURITY_PII_KEYS": other_key}, "无法解密")]
    for i, (path, extra, message) in enumerate(cases):
        target_url = _fresh_target(server, tmp_path, f"bad{i}")
        try:
            code, out = _cli({**source, **extra, "MINGJING_DATABASE_URL": target_url,
                              "MINGJING_SERVER_UPLOAD_DIR": str(tmp_path / f"u{i}")},
                             "restore", str(path))
            assert code == 1 and message in out, out
            assert not any(_rows(target_url)[m._meta.table_name]
                           for m in all_models() if m._meta.table_name in ("staff", "punch"))
        finally:
            _drop_target(target_url)
