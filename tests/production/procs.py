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


class RedisProcess:
    """A private redis-server on a free port (never the machine's shared one), stopped and
    started again by the fault tests. `appendonly` keeps its data across a restart."""

    def __init__(self, workdir, *, appendonly=False):
        self.port, self.workdir, self.appendonly = free_port(), str(workdir), appendonly
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None
        self.start()

    def start(self):
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "yes" if self.appendonly else "no", "--dir", self.workdir,
                "--daemonize", "no", "--loglevel", "warning"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(10)


class TcpProxy:
    """A loopback TCP forwarder to the test MariaDB: `down()` closes the listener and cuts every
    connection (what the server sees of a MariaDB restart), `up()` listens again on the same port.
    The machine's shared MariaDB is never touched."""

    def __init__(self, target_host, target_port):
        import threading

        self.target = (target_host, target_port)
        self.port = free_port()
        self.conns, self.lock, self.listener = [], threading.Lock(), None
        self.up()

    def up(self):
        import threading

        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener):
        import threading

        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def down(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() (Linux)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            conns, self.conns = self.conns, []
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
