"""Redis faults (issue 16): while Redis is down every request answers 503 SERVICE_UNAVAILABLE with
Retry-After (never 500); when it returns the server recovers by itself, with no stale-connection
500. Sessions live in Redis: without persistence a restart signs everyone out (401, never 500);
with appendonly (required in docs/deployment.md) sessions survive. Runs its own redis-server."""
import time

import requests

from tests.attendance.helpers import near, setup_a
from tests.production.procs import RedisProcess, ServerProcess, needs_real_services

pytestmark = needs_real_services


def _login(base, employee_no):
    r = requests.post(base + "/api/auth/dev", json={"employee_no": employee_no}, timeout=10)
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["data"]["token"]}


def _punch(base, headers, when="2026-11-02T08:20:00+08:00"):
    lat, lng = near(0, 0)
    return requests.post(base + "/api/attendance/punch", timeout=15,
                         json={"lat": lat, "lng": lng, "accuracy": 20, "device_id": "p1"},
                         headers={**headers, "X-Mingjing-Now": when})


def test_redis_down_answers_503_then_recovers(api, org, server, tmp_path):
    setup_a(api, org)
    redis = RedisProcess(tmp_path)
    proc = ServerProcess(server, MINGJING_REDIS_URL=redis.url)
    try:
        base = proc.base_url
        assert "Redis persistence is none" in proc.output()  # warned at start-up
        me = _login(base, org.office_1.employee_no)
        assert requests.get(base + "/api/me", headers=me, timeout=10).status_code == 200

        redis.stop()
        for _ in range(3):
            r = requests.get(base + "/api/me", headers=me, timeout=15)
            assert r.status_code == 503, r.text
            assert r.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
            assert "不可用" in r.json()["error"]["message"]
            assert r.headers["Retry-After"] == "5"
        assert _punch(base, me).status_code == 503
        r = requests.post(base + "/api/auth/dev", json={"employee_no": org.office_2.employee_no},
                          timeout=15)
        assert r.status_code == 503 and r.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
        health = requests.get(base + "/healthz", timeout=15)
        assert health.status_code == 503 and health.json()["data"]["redis"] != "ok"

        redis.start()  # no persistence: the sessions are gone
        statuses = [requests.get(base + "/api/me", headers=me, timeout=15).status_code
                    for _ in range(5)]
        assert statuses == [401] * 5  # signed out, never a stale-connection 500
        me = _login(base, org.office_1.employee_no)
        assert requests.get(base + "/api/me", headers=me, timeout=10).status_code == 200
        r = _punch(base, me)
        assert r.status_code == 201, r.text
        assert requests.get(base + "/healthz", timeout=10).status_code == 200
        assert "Traceback" not in proc.output()
    finally:
        proc.kill()
        redis.stop()


def test_sessions_survive_a_restart_of_a_persistent_redis(api, org, server, tmp_path):
    redis = RedisProcess(tmp_path, appendonly=True)
    proc = ServerProcess(server, MINGJING_REDIS_URL=redis.url)
    try:
        me = _login(proc.base_url, org.office_1.employee_no)
        time.sleep(1.2)  # appendfsync everysec
        redis.stop()
        redis.start()
        r = requests.get(proc.base_url + "/api/me", headers=me, timeout=10)
        assert r.status_code == 200, r.text  # the first command after the restart: no stale 500
        assert "Redis persistence" not in proc.output()
    finally:
        proc.kill()
        redis.stop()


def test_full_pool_queues_commands_instead_of_failing(tmp_path):
    """The morning burst's 503s: redis-py's pool raised MaxConnectionsError on the command past
    its size. Ours queues it (and only a wait past the pool timeout is a ConnectionError)."""
    import asyncio

    import redis.asyncio as aioredis
    from redis.exceptions import ConnectionError as RedisConnectionError

    from server.redis import RESILIENCE, QueueingConnectionPool

    redis = RedisProcess(tmp_path)

    async def scenario():
        pool = QueueingConnectionPool.from_url(redis.url, decode_responses=True, max_connections=3,
                                               timeout=0.5, **RESILIENCE)
        client = aioredis.Redis.from_pool(pool)
        await client.set("k", "v")
        got = await asyncio.gather(*(client.get("k") for _ in range(200)))
        assert got == ["v"] * 200 and len(pool._available_connections) <= 3
        held = [await pool.get_connection() for _ in range(3)]
        try:
            await client.get("k")
            raise AssertionError("a command got a connection beyond the pool's size")
        except RedisConnectionError as exc:
            assert "No connection available" in str(exc)  # mapped to 503 by server/faults.py
        waiting = asyncio.ensure_future(client.get("k"))
        gone = asyncio.ensure_future(client.get("k"))
        await asyncio.sleep(0.1)
        assert not waiting.done() and not gone.done()
        await pool.release(held.pop())
        gone.cancel()  # a waiter that goes away passes its turn on
        assert await waiting == "v"
        for conn in held:
            await pool.release(conn)
        assert not pool._waiters
        await client.aclose()

    try:
        asyncio.run(scenario())
    finally:
        redis.stop()
