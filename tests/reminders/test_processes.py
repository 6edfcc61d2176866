"""Exactly once across processes: two `python -m server run` processes against MariaDB + Redis,
one killed in the middle and restarted; every notice reaches WeChat once, none twice, none lost.
Needs a shared database and Redis (skipped on SQLite + the in-process Redis stand-in)."""
import base64
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from models.base import atomic, fetch_all
from models.reminders import Outbox, Subscription
from server.config import ROOT
from server.fakewechat import FakeWeChatServer
from services.notify import raise_notification
from tests.reminders.helpers import bind, set_template

DB = os.environ.get("MINGJING_TEST_DATABASE_URL", "")
REDIS = os.environ.get("MINGJING_TEST_REDIS_URL", "")
pytestmark = pytest.mark.skipif(
    not DB.startswith("mysql") or not REDIS.startswith("redis://"),
    reason="needs MariaDB and a real Redis shared by several processes "
           "(MINGJING_TEST_DATABASE_URL=mysql://..., MINGJING_TEST_REDIS_URL=redis://...)")

APPID, SECRET = "wx-proc-test-appid", "proc-test-secret-1f2e3d"
TEMPLATE = "tmpl-proc"


def other_redis_db(url):
    """The processes' own Redis database beside the test's (tests flush theirs): the next number,
    or the one before when the test's is the last of Redis' 16 (CI uses 15)."""
    base, _, number = url.rpartition("/")
    n = int(number or 0)
    return f"{base}/{n + 1 if n < 15 else n - 1}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(port, fake_url, redis_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINGJING_")}
    key = base64.b64encode(b"p" * 32).decode()
    env.update({
        "MINGJING_DATABASE_URL": DB, "MINGJING_REDIS_URL": redis_url,
        "MINGJING_DATABASE_POOL_SIZE": "4",
        "MINGJING_WECHAT_MODE": "real", "MINGJING_WECHAT_APPID": APPID,
        "MINGJING_WECHAT_SECRET": SECRET, "MINGJING_WECHAT_API_BASE": fake_url,
        "MINGJING_SERVER_COOKIE_SECRET": "c" * 32, "MINGJING_SECURITY_PII_KEYS": f"p1:aes256gcm:{key}",
        "MINGJING_SECURITY_PII_INDEX_KEY": "i" * 32, "MINGJING_SECURITY_SIGNING_KEY": "s" * 32,
        "MINGJING_SECURITY_AUDIT_KEY": "a" * 32, "MINGJING_SERVER_ACCESS_LOG": "false",
        "MINGJING_REMINDERS_TICK_SECONDS": "1", "MINGJING_REMINDERS_CLAIM_IDLE_SECONDS": "2",
        "MINGJING_REMINDERS_SENDING_STALE_SECONDS": "3",
        "MINGJING_REMINDERS_STREAM": f"mingjing:test-proc:{os.getpid()}",
    })
    proc = subprocess.Popen([sys.executable, "-m", "server", "run", "--port", str(port)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if "已启动" in line:
            return proc
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stdout.read()}")
    raise AssertionError("server did not start")


def wait_until(fn, timeout=60, step=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(step)
    return fn()


def test_two_processes_and_a_crash_send_every_notice_once(server, org):
    redis_url = other_redis_db(REDIS)

    async def start_fake():
        fake = FakeWeChatServer(appid=APPID, secret=SECRET, auto_subscribe=True).start()
        import redis.asyncio as aioredis
        r = aioredis.from_url(redis_url)
        await r.flushdb()
        await r.aclose()
        return fake
    fake = server.run(start_fake())
    people = [org.office_1, org.office_2, org.hr_1, org.hr_2, org.fin_1, org.fin_2]
    set_template(server, "test.proc", TEMPLATE, long_term=True)
    for person in people:
        bind(server, person)
        server.run(Subscription.acreate(staff=person.id, template_id=TEMPLATE, long_term=True))
    total = 60

    async def raise_all():
        for i in range(total):
            async with atomic():
                await raise_notification(recipient_ids=[people[i % len(people)].id],
                                         kind="test.proc", title=f"提醒 {i}")
    fake.state.delay(0.02, calls=total * 3, path="/cgi-bin/message/subscribe/send")
    procs = []
    try:
        procs.append(spawn(free_port(), fake.base_url, redis_url))
        procs.append(spawn(free_port(), fake.base_url, redis_url))
        server.run(raise_all())
        assert wait_until(lambda: len(fake.state.messages) >= 10, timeout=60)
        procs[0].send_signal(signal.SIGKILL)                  # a crash in the middle
        procs[0].wait(10)
        procs[0] = spawn(free_port(), fake.base_url, redis_url)   # and the restart

        def settled():
            rows = server.run(fetch_all(Outbox.select()))
            return len(rows) == total and all(r.status in ("sent", "failed") for r in rows)
        assert wait_until(settled, timeout=90), [
            (r.id, r.status) for r in server.run(fetch_all(Outbox.select())) if r.status != "sent"]
        titles = [m["data"]["thing1"]["value"] for m in fake.state.messages]
        assert len(titles) == len(set(titles)), "a notice reached WeChat twice"
        rows = server.run(fetch_all(Outbox.select()))
        unknown = [r for r in rows if r.status == "failed"]
        # At most the one send in flight when the process died ends "outcome unknown" (recorded
        # for the admin, never retried); everything else was sent, once.
        assert len(unknown) <= 1 and all("结果未知" in r.last_error for r in unknown)
        assert len(set(titles)) >= total - len(unknown)
        workers = {r.claimed_by.split(":")[1] for r in rows if r.claimed_by}
        assert len(workers) >= 2                                # both processes delivered
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        server.run(fake.astop())
