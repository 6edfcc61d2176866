"""Issue 9: the audit chain is keyed (HMAC) and anchored outside the database.

An attacker here can write the database but does not hold security.audit_key: they rewrite an
entry and recompute plain SHA-256 links, or delete the newest entries and move audit_head.
Both must fail `audit-verify` (the CLI) and the console/API check.
"""
import hashlib
import json
import os
import subprocess
import sys

import pytest

from models.audit import AuditHead, AuditLog
from models.base import real_db
from services import audit
from tests.audit.test_audit_api import REPO, auditors, make_changes  # noqa: F401 (fixture)
from tests.org.util import raw


def run_cli(server, *args, anchor):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINGJING_")}
    env["MINGJING_DATABASE_URL"] = server.config.database.url
    env["MINGJING_SECURITY_AUDIT_ANCHOR"] = str(anchor)
    return subprocess.run([sys.executable, "-m", "server", "audit-verify", *args], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)


def rows(server):
    return raw(server, AuditLog.select().order_by(AuditLog.seq))


def sha_rechain(server, entries, *, start_hash=audit.GENESIS, version=None, move_head=True):
    """What someone without the key can do: recompute every link with plain SHA-256 and move
    the head. `version` also relabels the entries (a downgrade to the keyless algorithm)."""
    async def go():
        prev = start_hash
        for e in entries:
            if version is not None:
                e.chain_v = version
            e.prev_hash = prev
            e.hash = hashlib.sha256((prev + audit._content(e)).encode()).hexdigest()
            await AuditLog.update(prev_hash=e.prev_hash, hash=e.hash, chain_v=e.chain_v,
                                  after=e.after, before=e.before).where(
                AuditLog.seq == e.seq).aexecute()
            prev = e.hash
        if move_head:
            await AuditHead.update(last_seq=entries[-1].seq, last_hash=prev).where(
                AuditHead.id == 1).aexecute()
    server.run(go())


def test_rewritten_entry_with_recomputed_links_is_caught(server, api, org, auditors, tmp_path):
    make_changes(api, org)
    assert run_cli(server, anchor=tmp_path / "a.json").returncode == 0
    entries = rows(server)
    target = next(e for e in entries if e.action == "staff.update")
    target.after = {"name": "悄悄改"}
    sha_rechain(server, [e for e in entries if e.seq >= target.seq],
                start_hash=target.prev_hash)
    bad = run_cli(server, anchor=tmp_path / "fresh.json")  # even with no anchor to compare
    assert bad.returncode == 1, bad.stdout
    assert f"第 {target.seq} 条" in bad.stdout and "篡改" in bad.stdout
    r = api.as_(auditors[0]).post("/api/audit/verify")
    assert r.status == 200 and r.data["ok"] is False and r.data["broken_at"] == target.seq


def test_whole_chain_downgraded_to_sha256_is_caught(server, api, org, auditors, tmp_path):
    make_changes(api, org)
    entries = rows(server)
    entries[0].after = {"forged": True}
    sha_rechain(server, entries, version=audit.CHAIN_SHA256)
    bad = run_cli(server, anchor=tmp_path / "a.json")
    assert bad.returncode == 1 and "带密钥" in bad.stdout, bad.stdout
    # The server then appends a keyed entry (the auditor's sign-in) after the forged head:
    # it does not seal the keyless entries, only m0011's entry does.
    r = api.as_(auditors[0]).post("/api/audit/verify").data
    assert r["ok"] is False and "封存" in r["reason"], r


def test_deleting_the_newest_entries_is_caught_by_the_anchor(server, api, org, auditors, tmp_path):
    anchor = tmp_path / "anchor.json"
    make_changes(api, org)
    first = run_cli(server, anchor=anchor)
    assert first.returncode == 0 and "首次" in first.stdout, first.stdout + first.stderr
    saved = json.loads(anchor.read_text())
    entries = rows(server)
    assert saved["seq"] == len(entries) == entries[-1].seq and saved["hash"] == entries[-1].hash
    # Growth since the anchor is fine, and moves the anchor on.
    assert api.as_(org.a_hr_officer).patch(f"/api/staff/{org.fin_1.id}", {"name": "再改"}).status == 200
    grown = run_cli(server, anchor=anchor)
    assert grown.returncode == 0 and "一致" in grown.stdout, grown.stdout
    assert json.loads(anchor.read_text())["seq"] == rows(server)[-1].seq > len(entries)
    # Delete the newest two and move the head back: the chain itself is consistent again.
    entries = rows(server)
    keep = entries[-3]
    server.run(AuditLog.delete().where(AuditLog.seq > keep.seq).aexecute())
    server.run(AuditHead.update(last_seq=keep.seq, last_hash=keep.hash).where(
        AuditHead.id == 1).aexecute())
    assert run_cli(server, anchor=tmp_path / "none-yet.json").returncode == 0  # undetectable alone
    bad = run_cli(server, anchor=anchor)
    assert bad.returncode == 1 and "被删除" in bad.stdout, bad.stdout
    # The console / API check uses the same verifier and this host's configured anchor.
    configured = server.config.security.audit_anchor
    anchor_text = anchor.read_text()
    try:
        with open(configured, "w", encoding="utf-8") as fh:
            fh.write(anchor_text)
        r = api.as_(auditors[0]).post("/api/audit/verify")
        assert r.data["ok"] is False and "被删除" in r.data["reason"]
    finally:
        os.remove(configured)
    # An explicit --anchor that does not exist is an error, not a silent first run.
    assert run_cli(server, "--anchor", str(tmp_path / "missing.json"), anchor=anchor).returncode == 2


def test_edited_anchor_file_is_refused(server, api, org, tmp_path):
    anchor = tmp_path / "anchor.json"
    make_changes(api, org)
    assert run_cli(server, anchor=anchor).returncode == 0
    data = json.loads(anchor.read_text())
    entries = rows(server)
    data.update(seq=entries[-2].seq, hash=entries[-2].hash)  # "the chain was one shorter"
    anchor.write_text(json.dumps(data))
    bad = run_cli(server, anchor=anchor)
    assert bad.returncode == 1 and "锚点" in bad.stdout


def test_new_entries_are_hmac_not_plain_sha256(server, api, org):
    make_changes(api, org)
    for e in rows(server):
        assert e.chain_v == audit.CHAIN_HMAC
        assert e.hash != hashlib.sha256((e.prev_hash + audit._content(e)).encode()).hexdigest()


def test_m0011_keeps_legacy_entries_and_seals_them_with_one_keyed_entry(server, api, org, auditors):
    """An existing database: entries written before the key (SHA-256, no chain_v column)."""
    from models.migrations import m0011_audit_hmac

    make_changes(api, org)
    legacy = rows(server)
    # Turn the database back into a pre-m0011 one: plain SHA-256 links, then no chain_v column.
    sha_rechain(server, legacy, version=audit.CHAIN_SHA256)
    db = real_db()

    def drop(database):
        from playhouse.migrate import SchemaMigrator, migrate
        migrate(SchemaMigrator.from_database(database).drop_column("audit_log", "chain_v"))
    server.run(db.run(drop, db))
    try:
        server.run(m0011_audit_hmac.up(db))
    finally:
        server.run(db.run(m0011_audit_hmac._add_chain_v, db))  # never leave the column missing
    server.run(m0011_audit_hmac.up(db))  # re-runnable: no second marker
    after = rows(server)
    assert [e.chain_v for e in after] == [1] * len(legacy) + [2]
    marker = after[-1]
    assert marker.action == "audit.chain_keyed" and marker.prev_hash == legacy[-1].hash
    assert marker.after["legacy_entries"] == len(legacy)
    ok = api.as_(auditors[0]).post("/api/audit/verify").data
    assert ok["ok"] is True and ok["legacy"] == len(legacy)
    # Old entries stay forgeable with SHA-256 alone only up to the keyed entry that seals them.
    first = after[0]
    first.after = {"forged": True}
    sha_rechain(server, after[:-1], move_head=False)
    r = api.as_(auditors[0]).post("/api/audit/verify").data
    assert r["ok"] is False and r["broken_at"] == marker.seq


def test_real_mode_refuses_the_placeholder_audit_key():
    from server.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="security.audit_key"):
        load_config(environ={
            "MINGJING_WECHAT_MODE": "real", "MINGJING_WECHAT_SECRET": "s3cr3t-real",
            "MINGJING_SERVER_COOKIE_SECRET": "x" * 40,
            "MINGJING_SECURITY_PII_KEYS": "k1:aes256gcm:" + "QUFB" * 10 + "QUFBQQ==",
            "MINGJING_SECURITY_PII_INDEX_KEY": "y" * 40, "MINGJING_SECURITY_SIGNING_KEY": "z" * 40})
