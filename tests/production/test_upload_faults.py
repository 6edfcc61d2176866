"""Upload storage faults (issue 16): when the upload directory cannot be written, uploading a leave
attachment or appraisal evidence answers 503 STORAGE_UNAVAILABLE with a Chinese message (never
500), leaves no attachment row, no audit entry and no half file; once storage is back uploads work.

The test runs as root on CI, where chmod does not stop a write: the upload directory is replaced by
a regular file (so every path under it fails with ENOTDIR, for root too); when not root, a
read-only directory is tried as well."""
import contextlib
import os
import shutil

import pytest

from models.audit import AuditLog
from models.base import count
from models.leave import Attachment
from tests.appraisal.progress_support import IN_SELF_ASSESSMENT, confirm, keys, setup
from tests.appraisal.progress_support import upload as upload_evidence
from tests.leave.test_leave import apply

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def upload_leave(client, rid, body=PNG, name="病假条.png"):
    return client.request("POST", f"/api/leave/requests/{rid}/attachments",
                          files={"file": (name, body, "application/octet-stream")})


def files_under(path):
    if not os.path.isdir(path):
        return []
    return sorted(os.path.join(d, n) for d, _, names in os.walk(path) for n in names)


@contextlib.contextmanager
def broken_upload_dir(server, how):
    """The test server's upload dir made unwritable for the duration; restored afterwards."""
    path = server.config.server.upload_dir
    aside = path + ".aside"
    os.makedirs(path, exist_ok=True)
    os.rename(path, aside)
    try:
        if how == "file":  # a regular file where the directory should be
            with open(path, "wb") as fh:
                fh.write(b"not a directory")
        else:  # read-only directory (ineffective for root)
            os.makedirs(path)
            os.chmod(path, 0o555)
        yield path
    finally:
        if os.path.isdir(path):
            os.chmod(path, 0o755)
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.unlink(path)
        os.rename(aside, path)


def rows(server, action):
    return server.run(count(Attachment.select())), server.run(
        count(AuditLog.select().where(AuditLog.action == action)))


def assert_storage_503(r):
    assert r.status == 503, r
    assert r.code == "STORAGE_UNAVAILABLE"
    assert "文件存储" in r.error["message"] and "不可用" in r.error["message"]
    assert r.headers.get("Retry-After") == "5"


MODES = ["file"] + ([] if os.geteuid() == 0 else ["readonly"])


@pytest.mark.parametrize("how", MODES)
def test_leave_attachment_with_unwritable_storage(api, org, server, how):
    me = api.as_(org.office_1)
    r = apply(me, "sick", "2026-04-08", "2026-04-10")
    assert r.status == 201, r
    rid = r.data["id"]
    first = upload_leave(me, rid)
    assert first.status == 201, first
    before = rows(server, "leave.attachment.upload")
    stored = len(files_under(server.config.server.upload_dir))
    with broken_upload_dir(server, how) as path:
        bad = upload_leave(me, rid)
        assert_storage_503(bad)
        # reading a stored file from the broken store is 503 too, not 500
        if how == "file":
            assert_storage_503(me.get(f"/api/attachments/{first.data['id']}"))
        assert rows(server, "leave.attachment.upload") == before  # no orphan row, no audit entry
        assert files_under(path) == []  # no half file (readonly case: nothing written)
        # other requests are unaffected meanwhile
        assert me.get(f"/api/leave/requests/{rid}").status == 200
    assert [a["id"] for a in me.get(f"/api/leave/requests/{rid}").data["attachments"]] == [first.data["id"]]
    # storage back: the same upload works, one row, one file
    ok = upload_leave(me, rid)
    assert ok.status == 201, ok
    assert rows(server, "leave.attachment.upload") == (before[0] + 1, before[1] + 1)
    assert len(files_under(server.config.server.upload_dir)) == stored + 1
    for a in (first.data, ok.data):
        assert me.get(f"/api/attachments/{a['id']}").status == 200


def test_appraisal_evidence_with_unwritable_storage(api, org, f, server):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    me = api.as_(org.office_1)
    up = f"/api/appraisal/goal-sets/{gs['id']}/self-assessment/items/{keys(gs)[0]}/attachments"
    before = server.run(count(Attachment.select()))
    with broken_upload_dir(server, "file"):
        r = upload_evidence(me, up, PNG, "制度文件.png", now=IN_SELF_ASSESSMENT)
        assert_storage_503(r)
        assert server.run(count(Attachment.select())) == before
    r = upload_evidence(me, up, PNG, "制度文件.png", now=IN_SELF_ASSESSMENT)
    assert r.status == 201, r
    assert server.run(count(Attachment.select())) == before + 1


def test_a_failed_write_leaves_no_half_file(api, org, server, monkeypatch):
    """A write that fails midway (disk full) removes what it wrote: no file without a row."""
    me = api.as_(org.office_1)
    rid = apply(me, "sick", "2026-04-08", "2026-04-10").data["id"]
    existing = files_under(server.config.server.upload_dir)
    real_open = open

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
            raise OSError(28, "No space left on device")

    def fake_open(path, mode="r", *a, **kw):
        fh = real_open(path, mode, *a, **kw)
        upload_dir = os.path.abspath(server.config.server.upload_dir)
        if "b" in mode and "r" not in mode and os.path.abspath(str(path)).startswith(upload_dir):
            return Full(fh)
        return fh

    import services.attachments as attachments
    monkeypatch.setattr(attachments, "open", fake_open, raising=False)
    r = upload_leave(me, rid)
    assert_storage_503(r)
    assert files_under(server.config.server.upload_dir) == existing
    assert server.run(count(Attachment.select())) == 0
