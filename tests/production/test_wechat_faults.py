"""WeChat faults (issue 16): with the WeChat API down (nobody listening) or slow (accepts, never
answers), the mini-program's sign-in POST /api/auth/wechat answers 503 WECHAT_UNAVAILABLE with a
Chinese "cannot reach WeChat" message and Retry-After within a bound set by wechat.timeout, also
when more sign-ins arrive than the gateway has worker threads; meanwhile the server keeps serving
everything else (/healthz, other API calls) at once.

A real `python -m server run` in wechat.mode=real pointed at the broken address, on its own SQLite
database and in-memory Redis (it migrates at start-up), so it runs on every test pass."""
import base64
import json
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from tests.production.procs import ServerProcess, free_port

TIMEOUT = 2  # wechat.timeout for the process under test
BOUND = TIMEOUT + 2.5  # the gateway's deadline (timeout + 1) plus slack for a loaded CI machine


def real_mode(tmp_path, api_base):
    key = base64.b64encode(os.urandom(32)).decode()
    return {
        "MINGJING_DATABASE_URL": f"sqlite:///{tmp_path}/wechat-faults.db",
        "MINGJING_REDIS_URL": "memory://",
        "MINGJING_SECURITY_AUDIT_ANCHOR": f"{tmp_path}/audit-anchor.json",
        "MINGJING_SERVER_UPLOAD_DIR": f"{tmp_path}/uploads",
        "MINGJING_WECHAT_MODE": "real",
        "MINGJING_WECHAT_API_BASE": api_base,
        "MINGJING_WECHAT_TIMEOUT": str(TIMEOUT),
        "MINGJING_WECHAT_APPID": "wx-faults-appid",
        "MINGJING_WECHAT_SECRET": "faults-test-wechat-secret",
        "MINGJING_SERVER_COOKIE_SECRET": "faults-test-cookie-secret-0123456789",
        "MINGJING_SECURITY_PII_KEYS": "t1:aes256gcm:" + key,
        "MINGJING_SECURITY_PII_INDEX_KEY": "faults-test-index-key-0123456789",
        "MINGJING_SECURITY_SIGNING_KEY": "faults-test-signing-key-0123456789",
        "MINGJING_SECURITY_AUDIT_KEY": "faults-test-audit-key-0123456789",
    }


class SilentWeChat:
    """Accepts connections and reads the request, then never answers (a hung WeChat)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.conns, self.requests = [], 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            self.requests += 1

    def close(self):
        self.sock.close()
        for c in self.conns:
            c.close()


class HalfWeChat:
    """Answers wx.login codes (jscode2session) at once; the access_token and phone-number
    endpoints hang (WeChat half down: a sign-in gets a binding ticket, binding by phone waits)."""

    def __init__(self):
        stop = self.stop = threading.Event()
        self.hung = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self):
                if self.path.startswith("/sns/jscode2session"):
                    body = json.dumps({"openid": "o-" + self.path[-8:], "session_key": "sk"}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                outer.hung += 1
                stop.wait(60)

            do_GET = do_POST = answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def login(base, code="fake:someone"):
    t0 = time.monotonic()
    r = requests.post(base + "/api/auth/wechat", json={"code": code}, timeout=60)
    return r, time.monotonic() - t0


def assert_wechat_503(r, elapsed):
    assert r.status_code == 503, r.text
    error = r.json()["error"]
    assert error["code"] == "WECHAT_UNAVAILABLE"
    assert "无法连接微信服务" in error["message"]
    assert r.headers["Retry-After"] == "5"
    assert elapsed < BOUND, elapsed


def test_wechat_down_answers_503_at_once(server, tmp_path):
    down = f"http://127.0.0.1:{free_port()}/"  # nobody listens there
    proc = ServerProcess(server, **real_mode(tmp_path, down))
    try:
        for i in range(3):
            r, elapsed = login(proc.base_url, f"code-{i}")
            assert_wechat_503(r, elapsed)
            assert elapsed < 1.5, elapsed  # refused at once: no need to wait for a timeout
        assert requests.get(proc.base_url + "/healthz", timeout=5).status_code == 200
        assert "Traceback" not in proc.output()
    finally:
        proc.kill()


def test_slow_wechat_is_bounded_and_blocks_nothing_else(server, tmp_path):
    wechat = SilentWeChat()
    proc = ServerProcess(server, **real_mode(tmp_path, wechat.base_url))
    try:
        base = proc.base_url
        # More sign-ins at once than the gateway has worker threads (8): each one still answers
        # within the bound, a queued one does not wait for the others' timeouts.
        with ThreadPoolExecutor(20) as pool:
            logins = [pool.submit(login, base, f"code-{i}") for i in range(20)]
            time.sleep(0.3)
            # meanwhile the server answers everything else at once
            for _ in range(5):
                t0 = time.monotonic()
                assert requests.get(base + "/healthz", timeout=5).status_code == 200
                r = requests.get(base + "/api/me", timeout=5)
                assert r.status_code == 401 and r.json()["error"]["code"]
                assert time.monotonic() - t0 < 1.0
                time.sleep(0.2)
            results = [f.result() for f in logins]
        for r, elapsed in results:
            assert_wechat_503(r, elapsed)
        assert min(e for _, e in results) >= TIMEOUT - 0.5  # it did wait for WeChat
        assert wechat.requests >= 8
        # the pool is free again once requests' own timeout ended the hung calls
        time.sleep(1)
        r, elapsed = login(base, "code-late")
        assert_wechat_503(r, elapsed)
        assert "Traceback" not in proc.output()
    finally:
        proc.kill()
        wechat.close()


def test_binding_by_phone_with_a_hung_token_endpoint_is_bounded(server, tmp_path):
    """Binding by phone needs an access_token: one request refreshes it while the others wait
    for that refresh; when WeChat hangs, the waiters give up within the deadline too instead of
    queueing one timeout after another."""
    wechat = HalfWeChat()
    proc = ServerProcess(server, **real_mode(tmp_path, wechat.base_url))
    try:
        base = proc.base_url
        tickets = []
        for i in range(6):
            r = requests.post(base + "/api/auth/wechat", json={"code": f"code-{i:08d}"}, timeout=10)
            assert r.status_code == 200 and r.json()["data"]["status"] == "unbound", r.text
            tickets.append(r.json()["data"]["ticket"])

        def bind(ticket):
            t0 = time.monotonic()
            r = requests.post(base + "/api/binding/phone", timeout=60,
                              json={"ticket": ticket, "phone_code": "phone-code-1"})
            return r, time.monotonic() - t0

        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(bind, tickets))
        for r, elapsed in results:
            assert r.status_code == 503, r.text
            assert r.json()["error"]["code"] == "WECHAT_UNAVAILABLE"
            assert "微信" in r.json()["error"]["message"]
            # the lock wait and one call, each within the deadline (timeout + 1)
            assert elapsed < 2 * (TIMEOUT + 1) + 1.5, elapsed
        assert requests.get(base + "/healthz", timeout=5).status_code == 200
        assert "Traceback" not in proc.output()
    finally:
        proc.kill()
        wechat.close()
