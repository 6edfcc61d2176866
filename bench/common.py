"""Plumbing shared by the benchmarks in bench/: a free port, percentiles, a fresh MariaDB
database, the generated unit's HR officer, and the server started as in production
(`python -m server run` in its own process group, fake WeChat) and stopped again."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


async def recreate_database(name, *, host="127.0.0.1", port=3306, collate="utf8mb4_unicode_ci"):
    """DROP and CREATE the MariaDB database `name` (utf8mb4; `collate` None: the server's default)."""
    import aiomysql

    conn = await aiomysql.connect(host=host, port=port, user="root")
    try:
        async with conn.cursor() as cur:
            await cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
            await cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"
                              + (f" COLLATE {collate}" if collate else ""))
    finally:
        conn.close()


async def unit_hr_officer(unit_id):
    """The staff id of the hr_officer granted over the unit (bench/generate_unit.py names one)."""
    from models.access import Grant, Role
    from models.base import get_one
    from models.org import Staff

    hr = await get_one(Staff.select(Staff.id).join(Grant, on=(Grant.staff == Staff.id)).join(Role)
                       .where(Role.code == "hr_officer", Grant.scope_unit == unit_id))
    return hr.id


def server_env(db_url, redis_url, *, scheduler, **more):
    """The server's environment: this process's, the database and Redis, fake WeChat, no access
    log; the reminders scheduler only when asked (its jobs are due by the wall clock); `more`
    adds or overrides MINGJING_* settings."""
    return {**os.environ, "MINGJING_DATABASE_URL": db_url, "MINGJING_REDIS_URL": redis_url,
            "MINGJING_WECHAT_MODE": "fake", "MINGJING_SERVER_ACCESS_LOG": "false",
            "MINGJING_REMINDERS_SCHEDULER": "true" if scheduler else "false", **more}


def start_server(port, env, *, root=ROOT, profile=None, workers=1, log=ROOT / "bench" / "server.log"):
    """`python -m server run` on 127.0.0.1:port from checkout `root`, in a process group of its
    own; `profile`: a path for cProfile's output (written at the clean exit of a single process).
    Returns the process once /healthz answers 200; stderr goes to `log`."""
    cmd = [sys.executable, "-m", "server", "run", "--host", "127.0.0.1", "--port", str(port)]
    if profile:
        cmd[1:1] = ["-m", "cProfile", "-o", str(profile)]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(log, "w"), start_new_session=True)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.1)
    stop_server(proc)
    raise SystemExit(f"server did not start; see {log}")


def stop_server(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # the process group we started (workers included)
    except ProcessLookupError:
        return
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
