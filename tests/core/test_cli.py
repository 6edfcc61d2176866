"""The command line, run as a subprocess on a fresh SQLite file: demo, import-staff, audit-verify."""
import os
import pathlib
import sqlite3
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
HEADER = "工号,姓名,部门,职务,职级,性别,手机号,身份证号,入职日期,参加工作时间\n"


def cli(db, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINGJING_")}
    env["MINGJING_DATABASE_URL"] = f"sqlite:///{db}"
    env["MINGJING_REDIS_URL"] = "memory://"
    env["MINGJING_SECURITY_AUDIT_ANCHOR"] = f"{db}.anchor.json"
    return subprocess.run([sys.executable, "-m", "server", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "demo.db"
    out = cli(db, "demo")
    assert out.returncode == 0, out.stdout + out.stderr
    return db, out.stdout


def q(db, sql, *params):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_demo_prints_accounts_and_builds_the_bureau(demo_db):
    db, stdout = demo_db
    assert "D001" in stdout and "sysadmin" in stdout and "secadmin" in stdout and "auditor" in stdout
    assert "人事专员" in stdout
    assert "再改为 12 位以上的新密码" in stdout and "模拟扫码登录" in stdout
    n_staff = q(db, "SELECT COUNT(*) FROM staff WHERE is_service_account = 0")[0][0]
    assert n_staff >= 30
    assert q(db, "SELECT COUNT(*) FROM department WHERE parent_id IS NULL")[0][0] >= 3
    assert q(db, "SELECT COUNT(*) FROM department WHERE parent_id IS NOT NULL")[0][0] >= 1
    assert q(db, "SELECT COUNT(*) FROM department WHERE leader_id IS NOT NULL")[0][0] >= 4
    tiers = {r[0] for r in q(db, "SELECT r.admin_tier FROM grant g JOIN role r ON g.role_id = r.id "
                                 "JOIN staff s ON g.staff_id = s.id WHERE s.is_service_account = 1")}
    assert tiers == {"system", "security", "audit"}
    assert q(db, "SELECT COUNT(*) FROM grant g JOIN role r ON g.role_id = r.id WHERE r.code = 'hr_officer'")[0][0] == 1


def test_import_staff_bad_row_imports_nothing_then_good_file_imports(demo_db, tmp_path):
    db, _ = demo_db
    before = q(db, "SELECT COUNT(*) FROM staff")[0][0]
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "C001,命令行一,人事科,科员,一级科员,男,13711113333,,2020-07-01,\n"
                            "C002,命令行二,人事科/档案室,,,女,123,,,\n", encoding="utf-8-sig")
    out = cli(db, "import-staff", str(bad))
    assert out.returncode == 1
    assert "第 3 行" in out.stdout and "手机号" in out.stdout
    assert q(db, "SELECT COUNT(*) FROM staff")[0][0] == before
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "C001,命令行一,人事科,科员,一级科员,男,13711113333,,2020-07-01,\n"
                             "C002,命令行二,人事科/档案室,,,女,,,,\n", encoding="utf-8")
    out = cli(db, "import-staff", str(good), "--unit", "DEMO")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "共 2 人" in out.stdout
    rows = dict(q(db, "SELECT s.employee_no, d.name FROM staff s JOIN department d ON s.department_id = d.id "
                      "WHERE s.employee_no IN ('C001', 'C002')"))
    assert rows == {"C001": "人事科", "C002": "档案室"}
    assert q(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'staff.import' AND actor IS NULL")[0][0] == 2
    assert cli(db, "import-staff", str(tmp_path / "missing.csv")).returncode == 1


def test_audit_verify_ok_then_tampered(demo_db):
    db, _ = demo_db
    ok = cli(db, "audit-verify")
    assert ok.returncode == 0 and "完整" in ok.stdout, ok.stdout + ok.stderr
    seq = q(db, "SELECT MIN(seq) FROM audit_log")[0][0]
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE audit_log SET target_id = 'forged' WHERE seq = ?", (seq,))
    bad = cli(db, "audit-verify")
    assert bad.returncode == 1
    assert f"第 {seq} 条" in bad.stdout
