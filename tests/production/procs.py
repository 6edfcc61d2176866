"""Real server processes for the production tests: `python -m server run` on a free port against
the test run's MariaDB and Redis (the in-process test server shares them, so its tokens work)."""
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from server.config import ROOT

MYSQL = (os.environ.get("MINGJING_TEST_DATABASE_URL") or "").startswith(("mysql", "mariadb"))
REDIS = (os.environ.get("MINGJING_TEST_REDIS_URL") or "").startswith("redis")
needs_real_services = pytest.mark.skipif(
    not (MYSQL and REDIS),
    reason="a second server process must share the database and Redis with the test server: "
           "runs on the MariaDB + Redis run (MINGJING_TEST_DATABASE_URL / MINGJING_TEST_REDIS_URL)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(server, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINGJING_")}
    env.update({
        "MINGJING_DATABASE_URL": server.config.database.url,
        "MINGJING_REDIS_URL": server.config.redis.url,
        "MINGJING_SERVER_UPLOAD_DIR": server.config.server.upload_dir,
        "MINGJING_SECURITY_AUDIT_ANCHOR": server.config.security.audit_anchor,
        "MINGJING_DATABASE_POOL_SIZE": "4",
        "MINGJING_SERVER_ACCESS_LOG": "false",
        **{k: str(v) for k, v in extra.items()},
    })
    return env


class ServerProcess:
    def __init__(self, server, *args, **extra):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        base = os.path.dirname(os.path.abspath(server.config.security.audit_anchor))
        self.log = open(os.path.join(base, f"server-{self.port}.log"), "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server", "run", "--port", str(self.port), *args],
            cwd=str(ROOT), env=server_env(server, **extra), stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_ready()

    def wait_ready(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode}: {self.output()}")
            try:
                if requests.get(self.base_url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not start: " + self.output())

    def output(self):
        self.log.flush()
        with open(self.log.name, encoding="utf-8", errors="replace") as fh:
            return fh.read()[-4000:]

    def terminate(self):
        self.proc.send_signal(signal.SIGTERM)

    def wait(self, timeout=30):
        return self.proc.wait(timeout)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.log.close()
