"""The database going away (issue 16): a MariaDB restart, seen through a TCP forwarder that cuts
every connection and refuses new ones, answers 503 SERVICE_UNAVAILABLE (never 500) while it lasts,
and the same server process recovers by itself: no restart, no punch lost."""
from urllib.parse import urlparse

import requests

from models.attendance import Punch
from models.base import fetch_all
from tests.attendance.helpers import near, setup_a
from tests.production.procs import ServerProcess, TcpProxy, needs_real_services

pytestmark = needs_real_services


def _punch(base, headers, when):
    lat, lng = near(0, 0)
    return requests.post(base + "/api/attendance/punch", timeout=20,
                         json={"lat": lat, "lng": lng, "accuracy": 20, "device_id": "p1"},
                         headers={**headers, "X-Mingjing-Now": when})


def test_database_restart_answers_503_then_recovers(api, org, server):
    setup_a(api, org)
    url = urlparse(server.config.database.url)
    proxy = TcpProxy(url.hostname or "127.0.0.1", url.port or 3306)
    proxied = url._replace(netloc=f"{url.username or 'root'}"
                                  f"{':' + url.password if url.password else ''}@127.0.0.1:{proxy.port}")
    proc = ServerProcess(server, MINGJING_DATABASE_URL=proxied.geturl())
    try:
        base = proc.base_url
        token = api.as_(org.office_1).token
        me = {"Authorization": f"Bearer {token}"}
        assert _punch(base, me, "2026-11-02T08:20:00+08:00").status_code == 201
        assert requests.get(base + "/api/me", headers=me, timeout=10).status_code == 200

        proxy.down()
        for _ in range(3):
            r = requests.get(base + "/api/me", headers=me, timeout=20)
            assert r.status_code == 503, r.text
            assert r.json()["error"]["code"] == "SERVICE_UNAVAILABLE" and r.headers["Retry-After"]
        r = _punch(base, me, "2026-11-02T12:05:00+08:00")
        assert r.status_code == 503, r.text
        health = requests.get(base + "/healthz", timeout=20)
        assert health.status_code == 503 and health.json()["data"]["database"] != "ok"

        proxy.up()
        statuses = [requests.get(base + "/api/me", headers=me, timeout=20).status_code
                    for _ in range(5)]
        assert 500 not in statuses and statuses[-1] == 200, statuses
        r = _punch(base, me, "2026-11-02T17:40:00+08:00")
        assert r.status_code == 201, r.text
        assert proc.proc.poll() is None  # the same process, recovered
    finally:
        proc.kill()
        proxy.down()
    punches = server.run(fetch_all(Punch.select().where(Punch.staff == org.office_1.id)))
    assert len(punches) == 2  # the 201s, and nothing from the refused one
