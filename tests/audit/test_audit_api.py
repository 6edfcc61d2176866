"""Audit log API: the auditor sees their units only, separation of duties, chain verification."""
import csv
import io
import os
import pathlib
import subprocess
import sys

import pytest

from models.audit import AuditLog
from tests.org.util import raw

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def auditors(f, org):
    a = f.staff(org.a_office, "甲局审计员", employee_no="A-AUD")
    f.grant(a, "sec_auditor", "unit_tree", unit=org.a)
    b = f.staff(org.b_office, "乙局审计员", employee_no="B-AUD")
    f.grant(b, "sec_auditor", "unit_tree", unit=org.b)
    return a, b


def make_changes(api, org):
    """One staff edit in each bureau, by each bureau's HR officer."""
    ra = api.as_(org.a_hr_officer).patch(f"/api/staff/{org.fin_1.id}", {"name": "甲改名"})
    rb = api.as_(org.b_hr_officer).patch(f"/api/staff/{org.b_office_1.id}", {"name": "乙改名"})
    assert ra.status == 200 and rb.status == 200


def test_auditor_sees_only_their_units(api, org, auditors):
    make_changes(api, org)
    a = api.as_(auditors[0]).get("/api/audit?action=staff.update")
    assert a.status == 200, a
    assert [e["after"] for e in a.data] == [{"name": "甲改名"}]
    assert a.data[0]["before"] == {"name": "财务科职工一"} and a.data[0]["actor_name"] == "甲人事专员"
    b = api.as_(auditors[1]).get("/api/audit?action=staff.update")
    assert [e["after"] for e in b.data] == [{"name": "乙改名"}]
    everything = api.as_(auditors[0]).get("/api/audit?page_size=200")
    assert everything.json["total"] == len(everything.data)
    from_units = {e["unit_id"] for e in everything.data}
    assert from_units == {org.a.id}
    # Entries are newest first.
    seqs = [e["seq"] for e in everything.data]
    assert seqs == sorted(seqs, reverse=True)


def test_filters(api, org, auditors):
    make_changes(api, org)
    aud = api.as_(auditors[0])
    r = aud.get(f"/api/audit?actor={org.a_hr_officer.id}&target_type=staff&target_id={org.fin_1.id}")
    assert [e["action"] for e in r.data] == ["staff.update"]
    assert {e["action"] for e in aud.get("/api/audit?action=staff.*").data} == {"staff.update"}
    assert aud.get("/api/audit?since=2000-01-01&until=2000-01-02").data == []
    assert len(aud.get("/api/audit?since=2000-01-01&action=staff.update").data) == 1
    bad = aud.get("/api/audit?since=yesterday")
    assert bad.status == 422 and bad.code == "VALIDATION_FAILED"
    assert bad.error["fields"] == {"since": "应为 YYYY-MM-DD 或 ISO 时间"}
    bad = aud.get("/api/audit?actor=me")
    assert bad.status == 422 and bad.code == "VALIDATION_FAILED" and bad.error["fields"] == {"actor": "应为整数"}


def test_only_the_auditor_tier_reads_the_log(api, org, f, auditors):
    sec = f.staff(org.a_office, "保密员", employee_no="A-SEC")
    f.grant(sec, "sec_admin", "unit_tree", unit=org.a)
    sysadm = f.staff(org.a_office, "系统员", employee_no="A-SYS")
    f.grant(sysadm, "sys_admin", "all")
    for person in (org.a_hr_officer, sec, sysadm, org.a_head):
        c = api.as_(person)
        assert c.get("/api/audit").status == 403
        assert c.post("/api/audit/verify").status == 403
        assert c.get("/api/audit/export").status == 403


def test_verify_reports_tampering_and_deletion(server, api, org, auditors):
    make_changes(api, org)
    aud = api.as_(auditors[0])
    ok = aud.post("/api/audit/verify")
    assert ok.status == 200 and ok.data["ok"] is True and ok.data["checked"] >= 4
    target = raw(server, AuditLog.select().where(AuditLog.action == "staff.update").order_by(AuditLog.seq))[0]
    server.run(AuditLog.update(after={"name": "悄悄改"}).where(AuditLog.seq == target.seq).aexecute())
    bad = aud.post("/api/audit/verify")
    assert bad.data["ok"] is False and bad.data["broken_at"] == target.seq
    assert "篡改" in bad.data["reason"]
    # Restore it, then delete an earlier row instead.
    server.run(AuditLog.update(after=target.after).where(AuditLog.seq == target.seq).aexecute())
    assert aud.post("/api/audit/verify").data["ok"] is True
    server.run(AuditLog.delete().where(AuditLog.seq == 2).aexecute())
    gone = aud.post("/api/audit/verify")
    assert gone.data["ok"] is False and gone.data["broken_at"] == 2


def test_export_csv_within_reach(api, org, auditors):
    make_changes(api, org)
    r = api.as_(auditors[0]).get("/api/audit/export?format=csv&action=staff.update")
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.raw.content.decode("utf-8-sig"))))
    assert rows[0][0] == "序号" and len(rows) == 2
    assert "甲改名" in rows[1][9] and "乙改名" not in r.raw.content.decode("utf-8-sig")
    assert api.as_(auditors[0]).get("/api/audit/export?format=xlsx").status == 422


def run_cli(server, *args, anchor):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINGJING_")}
    env["MINGJING_DATABASE_URL"] = server.config.database.url
    env["MINGJING_SECURITY_AUDIT_ANCHOR"] = str(anchor)
    return subprocess.run([sys.executable, "-m", "server", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_audit_verify_exit_code(server, api, org, auditors, tmp_path):
    make_changes(api, org)
    ok = run_cli(server, "audit-verify", anchor=tmp_path / "anchor.json")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "完整" in ok.stdout
    target = raw(server, AuditLog.select().where(AuditLog.action == "staff.update").order_by(AuditLog.seq))[0]
    server.run(AuditLog.update(before={"name": "别人"}).where(AuditLog.seq == target.seq).aexecute())
    bad = run_cli(server, "audit-verify", anchor=tmp_path / "anchor.json")
    assert bad.returncode == 1
    assert f"第 {target.seq} 条" in bad.stdout


def test_query_shape_errors_are_422(api, org, auditors):
    aud = api.as_(auditors[0])

    def fields(r):
        assert r.status == 422 and r.code == "VALIDATION_FAILED", r
        return r.error["fields"]
    assert fields(aud.get("/api/audit?actor=0")) == {"actor": "不能小于 1"}
    assert fields(aud.get("/api/audit?until=1800-01-01")) == {"until": "时间应在 1900 年至 2100 年之间"}
    assert fields(aud.get("/api/audit?page_size=201")) == {"page_size": "不能大于 200"}
    assert fields(aud.get("/api/audit?action=" + "a" * 61)) == {"action": "不能超过 60 个字符"}
    assert fields(aud.get("/api/audit/export?format=xlsx")) == {"format": "取值不在允许范围内：csv"}
    assert fields(aud.get("/api/audit/export?since=soon")) == {"since": "应为 YYYY-MM-DD 或 ISO 时间"}
    # A time is an exact (exclusive) bound, a date the whole day.
    make_changes(api, org)
    assert len(aud.get("/api/audit?action=staff.update&until=2000-01-01T00:00:00%2B08:00").data) == 0
    assert len(aud.get("/api/audit?action=staff.update&since=2000-01-01T08:30").data) == 1
