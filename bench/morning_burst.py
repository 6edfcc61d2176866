"""Benchmark (not a test): the 08:59 burst — 5,000 people clock in at once through HTTP.

Starts the server as in production (`python -m server run`, MariaDB, Redis, fake WeChat), seeds
5,000 staff with sessions directly through the models, then N concurrent clients each send one
person's clock-in. Prints clock-ins/s, p50/p95/p99 latency, errors, the stored punch count, and
the same server's /healthz throughput measured in the same run, with the ratio.

    .venv/bin/python bench/morning_burst.py [--staff 5000] [--concurrency 100] [--workers 2]
"""
import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from bench.common import free_port, pct, recreate_database, server_env, stop_server  # noqa: E402

DB_NAME = "mj_bench"
DB_URL = f"mysql://root@127.0.0.1:3306/{DB_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/9"
CENTRE = (39.908700, 116.397500)


async def seed(n_staff):
    """Fresh database and Redis db; one bureau, 50 departments, n_staff people with sessions."""
    await recreate_database(DB_NAME, collate=None)

    from models.attendance import AttendancePlace, AttendanceSchedule
    from models.base import atomic
    from models.org import Staff
    from server.database import bind_database
    from server.migrate import migrate
    from server.redis import make_redis
    from services.orgtree import create_department_row, create_unit_row
    from services.sessions import create_session

    database = bind_database(DB_URL, pool_size=4)
    redis = make_redis(REDIS_URL)
    await redis.flushdb()
    await migrate(log=None)
    async with atomic():
        unit = await create_unit_row(name="压测局", code="BENCH")
        depts = [await create_department_row(unit=unit, name=f"第{i + 1}科") for i in range(50)]
        await AttendancePlace.acreate(unit=unit.id, name="机关大楼",
                                      fences=[{"lat": CENTRE[0], "lng": CENTRE[1], "radius": 300}])
        await AttendanceSchedule.acreate(unit=unit.id, name="标准作息",
                                         sessions=[{"start": "09:00", "end": "17:00"}])
    rows = [{"employee_no": f"B{i:05d}", "name": f"职工{i}", "unit": unit.id,
             "department": depts[i % 50].id, "status": "active"} for i in range(n_staff)]
    for i in range(0, len(rows), 1000):
        await Staff.insert_many(rows[i:i + 1000]).aexecute()
    ids = [s.id for s in await Staff.select(Staff.id).where(Staff.unit == unit.id).order_by(Staff.id).aexecute()]
    tokens = []
    for sid in ids:
        token, _ = await create_session(redis, staff_id=sid, kind="mp", ttl_seconds=3600)
        tokens.append(token)
    await redis.aclose()
    await database.close_pool()
    return tokens


async def stored_punches():
    from models.attendance import Punch
    from models.base import count
    from server.database import bind_database

    database = bind_database(DB_URL, pool_size=1)
    try:
        return await count(Punch.select())
    finally:
        await database.close_pool()


def start_server(port, workers, profile=False, scheduler=False):
    # The scheduler's jobs are due by the wall clock (the nightly close at 01:00 Beijing judges
    # every seeded person's month): on by --scheduler only, so what is measured does not depend
    # on the hour the benchmark runs.
    env = server_env(DB_URL, REDIS_URL, scheduler=scheduler,
                     MINGJING_DATABASE_POOL_SIZE=os.environ.get("BENCH_POOL", "20"),
                     # The production settings of docs/deployment.md: uvloop, access log left to the proxy.
                     MINGJING_SERVER_EVENT_LOOP=os.environ.get("MINGJING_SERVER_EVENT_LOOP", "uvloop"),
                     MINGJING_SERVER_ACCESS_LOG=os.environ.get("MINGJING_SERVER_ACCESS_LOG", "false"))
    return common.start_server(port, env, workers=workers,
                               profile=ROOT / "bench" / "server.prof" if profile else None)


async def blast(requests, concurrency):
    """requests: list of tornado HTTPRequest. Returns (seconds, latencies ms, errors, statuses)."""
    from tornado.httpclient import AsyncHTTPClient, HTTPClientError

    AsyncHTTPClient.configure(None, max_clients=concurrency)
    client = AsyncHTTPClient()
    queue = list(reversed(requests))
    latencies, errors, statuses = [], [], {}

    async def worker():
        while queue:
            req = queue.pop()
            t0 = time.perf_counter()
            try:
                resp = await client.fetch(req, raise_error=False)
                code = resp.code
            except (HTTPClientError, OSError) as exc:
                code = f"exc:{type(exc).__name__}"
            latencies.append((time.perf_counter() - t0) * 1000)
            statuses[code] = statuses.get(code, 0) + 1
            if code not in (200, 201):
                errors.append(code)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - t0, latencies, errors, statuses


class Req:
    """One request for the keep-alive client: method, path, headers, body bytes."""

    def __init__(self, method, path, headers=None, body=b""):
        self.method, self.path, self.headers, self.body = method, path, headers or {}, body


async def blast_keepalive(port, requests, concurrency):
    """Like `blast`, over `concurrency` persistent HTTP/1.1 connections (as the WeChat client
    keeps its HTTPS connections): a lean asyncio client so the client's own CPU on this small
    machine does not dominate what is measured."""
    queue = list(reversed(requests))
    latencies, errors, statuses = [], [], {}

    async def worker():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while queue:
                req = queue.pop()
                head = [f"{req.method} {req.path} HTTP/1.1", "Host: 127.0.0.1",
                        f"Content-Length: {len(req.body)}"]
                head += [f"{k}: {v}" for k, v in req.headers.items()]
                t0 = time.perf_counter()
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + req.body)
                status_line = await reader.readline()
                code = int(status_line.split()[1])
                length = 0
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    name, _, value = line.decode().partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                await reader.readexactly(length)
                latencies.append((time.perf_counter() - t0) * 1000)
                statuses[code] = statuses.get(code, 0) + 1
                if code not in (200, 201):
                    errors.append(code)
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - t0, latencies, errors, statuses


async def coalescing(base):
    """name -> (round trips, items) from the server's /metrics (absent before coalescing)."""
    from tornado.httpclient import AsyncHTTPClient

    resp = await AsyncHTTPClient().fetch(base + "/metrics", raise_error=False)
    found = {}
    for line in resp.body.decode().splitlines() if resp.code == 200 else []:
        for metric, slot in (("mingjing_coalesced_batches_total", 0), ("mingjing_coalesced_items_total", 1)):
            if line.startswith(metric + "{"):
                name = line.split('name="', 1)[1].split('"', 1)[0]
                found.setdefault(name, [0, 0])[slot] = float(line.rsplit(" ", 1)[1])
    return {k: v for k, v in found.items() if v[0]}


def server_cpu_seconds(pgid):
    """CPU time (user + system) used so far by the server's processes (its process group)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat: the process group
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def named_cpu_seconds(*names):
    """CPU time of processes by command name (mariadbd, redis-server): they share the 2 cores."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                head, rest = fh.read().rsplit(")", 1)
        except OSError:
            continue
        if head.split("(", 1)[1] in names:
            fields = rest.split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def main_async(args):
    from tornado.httpclient import HTTPRequest

    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"seeding {args.staff} staff ...", flush=True)
    tokens = await seed(args.staff)
    port = free_port()
    proc = start_server(port, args.workers, args.profile, args.scheduler)
    try:
        base = f"http://127.0.0.1:{port}"
        health, punches = [], []
        for i, token in enumerate(tokens):
            body = json.dumps({"lat": CENTRE[0] + (i % 100) * 1e-5, "lng": CENTRE[1],
                               "accuracy": 15, "device_id": f"device-{i}"}).encode()
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            if args.client == "tornado":
                health.append(HTTPRequest(base + "/healthz"))
                punches.append(HTTPRequest(base + "/api/attendance/punch", method="POST",
                                           body=body, headers=headers))
            else:
                health.append(Req("GET", "/healthz"))
                punches.append(Req("POST", "/api/attendance/punch", headers, body))

        async def run(reqs):
            if args.client == "tornado":
                return await blast(reqs, args.concurrency)
            return await blast_keepalive(port, reqs, args.concurrency)

        await run(health[:300])  # warm-up (connections, caches): not measured
        c0 = server_cpu_seconds(proc.pid)
        h_secs, h_lat, h_err, _ = await run(health)
        c1 = server_cpu_seconds(proc.pid)
        k1, m1 = time.process_time(), named_cpu_seconds("mariadbd", "mysqld", "redis-server")
        p_secs, p_lat, p_err, statuses = await run(punches)
        c2 = server_cpu_seconds(proc.pid)
        backing_cpu = named_cpu_seconds("mariadbd", "mysqld", "redis-server") - m1
        client_cpu = time.process_time() - k1
        coalesced = await coalescing(base) if args.workers == 1 else {}
    finally:
        stop_server(proc)
    stored = await stored_punches()
    h_rate, p_rate = len(health) / h_secs, len(punches) / p_secs
    print(f"\nserver processes: {args.workers}   clients: {args.concurrency} ({args.client})"
          f"   staff: {args.staff}   load average before: {load_before}")
    print(f"/healthz      : {h_rate:8.0f} req/s   p50 {pct(h_lat, 50):6.1f} ms   p95 {pct(h_lat, 95):6.1f} ms"
          f"   p99 {pct(h_lat, 99):6.1f} ms   errors {len(h_err)}")
    print(f"clock-ins     : {p_rate:8.0f} /s      p50 {pct(p_lat, 50):6.1f} ms   p95 {pct(p_lat, 95):6.1f} ms"
          f"   p99 {pct(p_lat, 99):6.1f} ms   errors {len(p_err)}   statuses {statuses}")
    print(f"ratio clock-in / healthz throughput: {p_rate / h_rate:.2f}")
    h_cpu, p_cpu = (c1 - c0) / len(health) * 1000, (c2 - c1) / len(punches) * 1000
    print(f"server CPU per request: healthz {h_cpu:.2f} ms, clock-in {p_cpu:.2f} ms "
          f"(ratio {h_cpu / p_cpu if p_cpu else 0:.2f}); server CPU busy "
          f"{(c2 - c1) / p_secs * 100:.0f}% of one core during the clock-ins; the benchmark "
          f"client used {client_cpu / p_secs * 100:.0f}% of one core")
    print(f"MariaDB + Redis CPU per clock-in: {backing_cpu / len(punches) * 1000:.2f} ms "
          f"(includes whatever else uses them on this shared machine)")
    if coalesced:
        print("round trips shared by the clock-ins (services/coalesce.py, whole run): " + ", ".join(
            f"{name} {items / batches:.1f} per trip" for name, (batches, items) in sorted(coalesced.items())))
    print(f"punches stored: {stored} (expected {args.staff}) -> {'OK' if stored == args.staff else 'MISMATCH'}")
    ok = not p_err and stored == args.staff
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="cProfile the server (1 worker)")
    parser.add_argument("--scheduler", action="store_true",
                        help="run the reminders scheduler in the server too (off: its due jobs "
                             "depend on the time of day)")
    parser.add_argument("--client", choices=("keepalive", "tornado"), default="keepalive",
                        help="keepalive: persistent connections (default); tornado: "
                             "AsyncHTTPClient(max_clients=N), a new connection per request")
    args = parser.parse_args()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
