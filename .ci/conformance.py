"""API conformance in CI: schemathesis over /api/openapi.json as a staff member, a department
leader and an HR officer. Fails on any 5xx, a response that does not match its declared schema,
an undocumented status code or content type. Bounded (examples per operation, a time budget per
role) so the whole run takes a few minutes.

    .venv/bin/python .ci/conformance.py [--max-examples N] [--max-time SECONDS] [--role staff]

The database and Redis come from MINGJING_TEST_DATABASE_URL / MINGJING_TEST_REDIS_URL like the
test suite (default: a SQLite file and the in-process stand-in).
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.factories import Factory  # noqa: E402
from tests.support import Client, ServerThread, reset_data, test_config  # noqa: E402

CHECKS = ",".join(["not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_schema_conformance"])
# Operations whose side effects would end the run for everyone (signing the caller out, unbinding
# their WeChat) are exercised by the test suite instead.
EXCLUDE_PATHS = "^/api/(auth/logout|me/unbind)$"


def seed(server):
    """Two bureaus with leaders and HR officers, plus a few records so stateful links start from
    real ids: a leave request, a department, a staff member."""
    server.run(reset_data(server.env))
    org = Factory(server).org()
    api = Client(server.base_url)
    staff, leader, hr = api.as_(org.office_1), api.as_(org.office_leader), api.as_(org.a_hr_officer)
    staff.post("/api/leave/requests", {"type": "personal", "start": "2026-12-07", "end": "2026-12-07",
                                       "reason": "办理户籍"})
    return {"staff": staff.token, "leader": leader.token, "hr": hr.token}


def run_role(base_url, role, token, args, report_dir):
    cmd = [str(Path(sys.executable).parent / "schemathesis"), "run", f"{base_url}/api/openapi.json",
           "-H", f"Authorization: Bearer {token}", "--checks", CHECKS,
           "--max-examples", str(args.max_examples), "--max-time", str(args.max_time),
           "--phases", args.phases, "--workers", "1", "--seed", str(args.seed),
           "--generation-database", "none", "--no-color", "--request-timeout", "20",
           "--suppress-health-check", "all", "--max-failures", "50",
           "--report", "junit", "--report-junit-path", str(report_dir / f"conformance-{role}.xml")]
    cmd += ["--exclude-path-regex", EXCLUDE_PATHS]
    print(f"== schemathesis as {role}", flush=True)
    return subprocess.call(cmd, cwd=str(ROOT))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("CONFORMANCE_EXAMPLES", 6)))
    parser.add_argument("--max-time", type=int, default=int(os.environ.get("CONFORMANCE_SECONDS", 120)))
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--role", action="append", choices=["staff", "leader", "hr"])
    args = parser.parse_args(argv)
    report_dir = ROOT / "test-output" / "conformance"
    report_dir.mkdir(parents=True, exist_ok=True)
    server = ServerThread(test_config(tempfile.mkdtemp(prefix="mingjing-conformance-"))).start()
    failed = []
    try:
        tokens = seed(server)
        for role in args.role or ["staff", "leader", "hr"]:
            if run_role(server.base_url, role, tokens[role], args, report_dir) != 0:
                failed.append(role)
    finally:
        server.stop()
    if failed:
        print("conformance failed for: " + ", ".join(failed), file=sys.stderr)
        return 1
    print("conformance: no 5xx, every response as declared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
