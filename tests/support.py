"""Test support: the app served from a background thread, an HTTP client, and factories.

Tests are plain functions that talk HTTP to a real server. The server runs in its own thread
and event loop; `server.run(coro)` executes a coroutine there (to build data or read raw rows).
The database is chosen by MINGJING_TEST_DATABASE_URL (default: a SQLite file per session) and
Redis by MINGJING_TEST_REDIS_URL (default: the in-process stand-in).
"""
import asyncio
import datetime
import json
import os
import threading

import requests
import tornado.httpserver
import tornado.netutil

from server.config import load_config


def test_config(tmpdir, **overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINGJING_")}
    env["MINGJING_DATABASE_URL"] = os.environ.get("MINGJING_TEST_DATABASE_URL") or f"sqlite:///{tmpdir}/test.db"
    env["MINGJING_REDIS_URL"] = os.environ.get("MINGJING_TEST_REDIS_URL") or "memory://"
    env["MINGJING_SERVER_UPLOAD_DIR"] = f"{tmpdir}/uploads"
    # The audit anchor (services/audit_anchor.py) of a test run lives with its database, never in data/.
    env["MINGJING_SECURITY_AUDIT_ANCHOR"] = f"{tmpdir}/audit-anchor.json"
    env["MINGJING_DATABASE_POOL_SIZE"] = "8"
    config = load_config(environ=env)
    if overrides:
        config = config.replace(**overrides)
    return config


class ServerThread:
    """A running Mingjing app on a free loopback port, in its own thread and event loop."""

    def __init__(self, config):
        self.config = config
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.error = None
        self.thread = threading.Thread(target=self._main, daemon=True)

    def start(self):
        self.thread.start()
        self.ready.wait(60)
        if self.error:
            raise self.error
        return self

    def _main(self):
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._start())
        except BaseException as exc:  # surfaced to the test thread
            self.error = exc
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()

    async def _start(self):
        from server.app import make_app, make_env
        from server.migrate import migrate

        self.env = await make_env(self.config)
        await migrate(log=None)
        self.app = make_app(self.env, check_contract=True)
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self.http = tornado.httpserver.HTTPServer(self.app)
        self.http.add_sockets(sockets)
        self.base_url = f"http://127.0.0.1:{self.port}"

    def run(self, coro, timeout=60):
        """Run a coroutine on the server's loop (in its own task) and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self):
        async def _stop():
            self.http.stop()
            await self.env.close()
        try:
            self.run(_stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)


async def reset_data(env):
    """Empty every table (children first), re-seed built-in roles, clear Redis and the fake."""
    from models.audit import AuditHead
    from models.base import real_db
    from server.migrate import SchemaMigration, all_models
    from services.roles_seed import seed_national_ranks, sync_builtin_roles

    db = real_db()
    mysql = "MySQL" in type(db).__name__
    # One task, so one connection: switch FK checks off on it, empty everything, switch back.
    await db.aexecute_sql("SET FOREIGN_KEY_CHECKS=0" if mysql else "PRAGMA foreign_keys=OFF")
    try:
        for model in reversed(all_models()):
            if model is not SchemaMigration:
                await model.delete().aexecute()
    finally:
        await db.aexecute_sql("SET FOREIGN_KEY_CHECKS=1" if mysql else "PRAGMA foreign_keys=ON")
    await AuditHead.insert(id=1, last_seq=0, last_hash="0" * 64).aexecute()
    await sync_builtin_roles()
    await seed_national_ranks()
    await env.redis.flushdb()
    if env.fake_wechat is not None:
        env.fake_wechat.state.reset()


class Resp:
    def __init__(self, r):
        self.raw = r
        self.status = r.status_code
        self.headers = r.headers
        try:
            self.json = r.json()
        except ValueError:
            self.json = None

    @property
    def data(self):
        return (self.json or {}).get("data")

    @property
    def error(self):
        return (self.json or {}).get("error") or {}

    @property
    def code(self):
        return self.error.get("code")

    def __repr__(self):
        return f"<Resp {self.status} {json.dumps(self.json, ensure_ascii=False)[:300]}>"


class Client:
    """HTTP client for the API; `login(employee_no)` signs in through the dev login."""

    def __init__(self, base_url, token=None):
        self.base_url = base_url
        self.token = token
        self.http = requests.Session()

    def request(self, method, path, json_body=None, *, data=None, headers=None, **kw):
        h = dict(headers or {})
        if self.token:
            h.setdefault("Authorization", f"Bearer {self.token}")
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False, default=str).encode()
            h.setdefault("Content-Type", "application/json")
        r = self.http.request(method, self.base_url + path, data=data, headers=h, timeout=30,
                              allow_redirects=False, **kw)
        return Resp(r)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body if body is not None else {}, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body if body is not None else {}, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body if body is not None else {}, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, employee_no):
        r = self.post("/api/auth/dev", {"employee_no": employee_no})
        assert r.status == 200, r
        self.token = r.data["token"]
        return self

    def as_(self, staff):
        """A new client signed in as `staff` (a factory Staff row or an employee number)."""
        return Client(self.base_url).login(getattr(staff, "employee_no", staff))


def d(s):
    return datetime.date.fromisoformat(s)
