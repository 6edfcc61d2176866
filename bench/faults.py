"""Benchmark (not a test): the issue-16 fault table — clock-ins at 50 concurrent while something
fails — and what the clients saw.

    .venv/bin/python bench/faults.py sigterm   # SIGTERM to the --workers 2 parent mid-burst
    .venv/bin/python bench/faults.py redis     # a private redis-server killed for ~5 s, restarted
    .venv/bin/python bench/faults.py mariadb   # MariaDB cut off ~1.3 s (TCP forwarder), restored

Seeds its own database (p16db_bench) and, for every scenario, uses a private redis-server (never
the shared one). Prints the answers by status, how many requests were cut (a connection that was
accepted, then dropped without an answer) versus refused (never accepted), 500s, and checks the
database: every 201 punch stored, no device binding without its punch.
"""
import argparse
import asyncio
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import morning_burst as mb  # noqa: E402  (seed, start_server, the request builder)
from common import free_port  # noqa: E402
from tests.production.procs import RedisProcess, TcpProxy  # noqa: E402

mb.DB_NAME = "p16db_bench"
mb.DB_URL = f"mysql://root@127.0.0.1:3306/{mb.DB_NAME}"


CUTS = []
T0 = [0.0]


async def blast(port, tokens, concurrency):
    """One punch per person, `concurrency` at a time, each on a new connection (as many phones do).
    Returns {outcome: count} with outcome an HTTP status, 'refused' or 'cut'."""
    import json

    body_for = lambda i: json.dumps({"lat": mb.CENTRE[0], "lng": mb.CENTRE[1], "accuracy": 20,  # noqa: E731
                                     "device_id": f"dev-{i}"}).encode()
    queue = list(reversed(range(len(tokens))))
    outcomes = {}

    async def one(i):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return "refused"
        body = body_for(i)
        head = (f"POST /api/attendance/punch HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                f"Authorization: Bearer {tokens[i]}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        try:
            writer.write(head + body)
            line = await asyncio.wait_for(reader.readline(), 60)
            await reader.read()
            if not line:
                CUTS.append((time.perf_counter(), "eof"))
            return int(line.split()[1]) if line else "cut"
        except (OSError, asyncio.TimeoutError, IndexError, ValueError) as exc:
            CUTS.append((time.perf_counter(), type(exc).__name__))
            return "cut"
        finally:
            writer.close()

    async def worker():
        while queue:
            outcome = await one(queue.pop())
            outcomes[outcome] = outcomes.get(outcome, 0) + 1

    t0 = T0[0] = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return outcomes, time.perf_counter() - t0


async def check_database():
    from models.attendance import DeviceBinding, Punch
    from models.base import count
    from server.database import bind_database

    database = bind_database(mb.DB_URL, pool_size=1)
    try:
        punches = await count(Punch.select())
        orphans = await count(DeviceBinding.select().where(
            DeviceBinding.staff.not_in(Punch.select(Punch.staff))))
        return punches, orphans
    finally:
        await database.close_pool()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("fault", choices=["sigterm", "redis", "mariadb"])
    parser.add_argument("--staff", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--at", type=float, default=1.0, help="seconds into the burst")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="mj-faults-")
    redis = RedisProcess(workdir)
    mb.REDIS_URL = redis.url
    tokens = asyncio.run(mb.seed(args.staff))
    proxy = None
    if args.fault == "mariadb":
        proxy = TcpProxy("127.0.0.1", 3306)
        mb.DB_URL_SERVER = f"mysql://root@127.0.0.1:{proxy.port}/{mb.DB_NAME}"
    port = free_port()
    saved = mb.DB_URL
    if proxy:
        mb.DB_URL = mb.DB_URL_SERVER   # the server goes through the forwarder, the checks do not
    proc = mb.start_server(port, args.workers)
    mb.DB_URL = saved

    def inject():
        time.sleep(args.at)
        if args.fault == "sigterm":
            os.kill(proc.pid, signal.SIGTERM)   # the parent only, as a service manager does
        elif args.fault == "redis":
            redis.stop()
            time.sleep(5)
            redis.start()
        else:
            proxy.down()
            time.sleep(1.3)
            proxy.up()

    threading.Thread(target=inject, daemon=True).start()
    outcomes, seconds = asyncio.run(blast(port, tokens, args.concurrency))
    if args.fault == "sigterm":
        code = proc.wait(60)
        time.sleep(0.5)
        left = os.popen(f"pgrep -g {proc.pid} | wc -l").read().strip()
        print(f"server exit code {code}; processes left in its group: {left}")
    else:
        mb.stop_server(proc)
    punches, orphans = asyncio.run(check_database())
    created = outcomes.get(201, 0)
    print(f"{args.fault}: {args.staff} clock-ins at {args.concurrency} concurrent in {seconds:.1f} s")
    print("  outcomes:", dict(sorted(outcomes.items(), key=lambda kv: str(kv[0]))))
    if CUTS:
        kinds = sorted({k for _, k in CUTS})
        print(f"  cut between {min(t for t, _ in CUTS) - T0[0]:.2f} and "
              f"{max(t for t, _ in CUTS) - T0[0]:.2f} s: {kinds}")
    print(f"  500s: {outcomes.get(500, 0)}, cut: {outcomes.get('cut', 0)}, "
          f"refused (never accepted): {outcomes.get('refused', 0)}")
    print(f"  punches stored {punches} for {created} answered 201 (lost: {max(0, created - punches)}); "
          f"device bindings without a punch: {orphans}")
    redis.stop()
    if proxy:
        proxy.down()


if __name__ == "__main__":
    main()
