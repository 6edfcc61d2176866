"""Benchmark (not a test): the monthly attendance report at 10,000 staff (issue 16).

Seeds one bureau of 10,002 staff in 200 departments with November 2026's punches (two a
working day, some late, some missing: ~420k rows, multi-row INSERTs), starts the server as in
production (`python -m server run`, MariaDB, Redis, fake WeChat, one process) and measures, as
the unit's HR officer through HTTP:
  - the report (GET /api/attendance/report?month=2026-11&page_size=50&page=N): the first call,
    the time until every day is stored (background judging), then pages 1, the middle and the last;
  - the whole unit's XLSX: a background job (POST …/report/exports, poll, download) or, on a
    server without jobs (--root of an older checkout), the synchronous ?format=xlsx;
  - the server's RSS growth (peak minus after start-up) and /healthz latency on the same process
    while each of the above runs, and while random pages are asked back to back during a second
    export job.
Prints the figures and their ratios to the targets (page < 1 s, XLSX < 10 s, RSS < 200 MB,
/healthz p99 < 50 ms).

    .venv/bin/python bench/report_10k.py [--staff 10002] [--root DIR] [--skip-seed] [--refill]

`--refill` drops the month's stored days first, so the first call is a unit's first month again:
the report answers at once and the line "healthz during background fill" is /healthz while the
month is judged in the background (until the report says complete).

`--root` runs the server from another checkout (e.g. `git archive <commit> | tar -x -C DIR`) to
measure "before"; the seed is the same.
"""
import argparse
import asyncio
import datetime
import json
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, pct, recreate_database, server_env, start_server, stop_server  # noqa: E402

DB_NAME = "h_rep_bench"
DB_URL = f"mysql://root@127.0.0.1:3306/{DB_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/2"
MONTH = "2026-11"
NOW = "2026-12-02T09:00:00+08:00"   # the report is asked for after the month closed
TARGETS = {"page": 1.0, "xlsx": 10.0, "rss": 200.0, "healthz_p99": 50.0}


def workdays():
    day, out = datetime.date(2026, 11, 1), []
    while day.month == 11:
        if day.weekday() < 5:
            out.append(day)
        day += datetime.timedelta(days=1)
    return out


async def seed(n_staff):
    import aiomysql

    await recreate_database(DB_NAME)

    from models.access import Grant, Role
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
        depts = [await create_department_row(unit=unit, name=f"第{i + 1}科") for i in range(200)]
        await AttendancePlace.acreate(unit=unit.id, name="机关大楼",
                                      fences=[{"lat": 39.9087, "lng": 116.3975, "radius": 300}])
        await AttendanceSchedule.acreate(unit=unit.id, name="标准作息",
                                         sessions=[{"start": "09:00", "end": "17:00"}], grace_late=5)
    rows = [{"employee_no": f"R{i:05d}", "name": f"职工{i}", "unit": unit.id,
             "department": depts[i % 200].id, "status": "active"} for i in range(n_staff)]
    for i in range(0, len(rows), 2000):
        await Staff.insert_many(rows[i:i + 2000]).aexecute()
    ids = [s.id for s in await Staff.select(Staff.id).where(Staff.unit == unit.id)
           .order_by(Staff.id).aexecute()]
    hr = ids[0]
    role = await Role.aget(Role.code == "hr_officer")
    async with atomic():
        await Grant.acreate(staff=hr, role=role.id, scope_type="unit_tree", scope_unit=unit.id)
    token, _ = await create_session(redis, staff_id=hr, kind="mp", ttl_seconds=6 * 3600)
    await redis.aclose()
    await database.close_pool()

    # Punches: multi-row INSERTs straight through the driver (the ORM would take minutes).
    rnd = random.Random(16)
    conn = await aiomysql.connect(host="127.0.0.1", user="root", db=DB_NAME, autocommit=False)
    cols = ("staff_id, unit_id, at, minute_bucket, kind, lat, lng, accuracy, wifi_bssid, device_id, "
            "place_id, proofs, reason, flags, review_status, review_note, created_at")
    values, total = [], 0
    utc8 = datetime.timedelta(hours=8)

    async def flush():
        nonlocal values
        if values:
            async with conn.cursor() as cur:
                await cur.execute(f"INSERT INTO punch ({cols}) VALUES " + ",".join(values))
            await conn.commit()
            values = []

    for sid in ids[2:]:
        for day in workdays():
            r = rnd.random()
            if r < 0.01:
                continue                                    # absent
            times = [datetime.time(8, rnd.randint(30, 59)) if r > 0.08 else
                     datetime.time(9, rnd.randint(6, 40))]  # ~7 % late
            if r > 0.03:
                times.append(datetime.time(17, rnd.randint(0, 30)))   # ~2 % missing the way out
            for t in times:
                at = datetime.datetime.combine(day, t) - utc8
                bucket = int((at - datetime.datetime(1970, 1, 1)).total_seconds() // 60)
                stamp = at.strftime("%Y-%m-%d %H:%M:%S")
                values.append(f"({sid},{unit.id},'{stamp}',{bucket},'normal',39.9087,116.3975,20,'',"
                              f"'dev-{sid}',NULL,'geofence','','','','','{stamp}')")
                total += 1
            if len(values) >= 5000:
                await flush()
    await flush()
    conn.close()
    return token, len(ids), total


async def session():
    """A fresh session for the seeded HR officer (the Redis db may have been flushed since)."""
    from models.org import Staff
    from server.database import bind_database
    from server.redis import make_redis
    from services.sessions import create_session

    database = bind_database(DB_URL, pool_size=1)
    redis = make_redis(REDIS_URL)
    hr = (await Staff.select(Staff.id).order_by(Staff.id).limit(1).aexecute())[0].id
    token, _ = await create_session(redis, staff_id=hr, kind="mp", ttl_seconds=6 * 3600)
    await redis.aclose()
    await database.close_pool()
    return token


class RssSampler(threading.Thread):
    """Peak resident memory of the server process, sampled every 50 ms."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, False

    def current(self):
        with open(f"/proc/{self.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0

    def run(self):
        while not self.stop:
            try:
                self.peak = max(self.peak, self.current())
            except OSError:
                return
            time.sleep(0.05)


async def http(method, url, token, body=None, timeout=600):
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest

    headers = {"Authorization": f"Bearer {token}", "X-Mingjing-Now": NOW}
    if body is not None:
        headers["Content-Type"] = "application/json"
    req = HTTPRequest(url, method=method, headers=headers, request_timeout=timeout,
                      body=json.dumps(body) if body is not None else None)
    return await AsyncHTTPClient().fetch(req, raise_error=False)


async def timed_with_healthz(base, coro_fn):
    """Run coro_fn() while a client asks /healthz back to back; (result, seconds, healthz ms)."""
    from tornado.httpclient import AsyncHTTPClient

    client = AsyncHTTPClient(force_instance=True)
    lat, done = [], False

    async def poll():
        while not done:
            t0 = time.perf_counter()
            await client.fetch(base + "/healthz", raise_error=False, request_timeout=60)
            lat.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(0.01)

    poller = asyncio.create_task(poll())
    t0 = time.perf_counter()
    try:
        result = await coro_fn()
    finally:
        seconds = time.perf_counter() - t0
        done = True
        await poller
        client.close()
    return result, seconds, lat


def start(root, port):
    env = server_env(DB_URL, REDIS_URL, scheduler=False, MINGJING_DATABASE_POOL_SIZE="20",
                     MINGJING_SERVER_EVENT_LOOP="uvloop", MINGJING_SERVER_UPLOAD_DIR="/tmp/h_rep_bench_uploads")
    return start_server(port, env, root=root, log=Path("/tmp/h_rep_bench_server.log"))


async def forget_month():
    """--refill: drop the month's stored days, so the first call is a unit's first month again
    (the report answers at once and the days are judged in the background)."""
    from models.attendance import DayStatus
    from server.database import bind_database

    database = bind_database(DB_URL, pool_size=1)
    n = await DayStatus.delete().where(DayStatus.day.between(datetime.date(2026, 11, 1),
                                                             datetime.date(2026, 11, 30))).aexecute()
    await database.close_pool()
    return n


async def stored_days():
    """The month's stored day rows, read by the bench itself (--poll-db)."""
    import aiomysql

    conn = await aiomysql.connect(host="127.0.0.1", user="root", db=DB_NAME, autocommit=True)
    try:
        async with conn.cursor() as cur:
            await cur.execute("SELECT COUNT(*) FROM day_status WHERE day BETWEEN '2026-11-01' AND '2026-11-30'")
            return (await cur.fetchone())[0]
    finally:
        conn.close()


def line(name, seconds, lat, target=None):
    ratio = f"  ({seconds / target:.2f} × target {target:g} s)" if target else ""
    h = f"/healthz p50 {pct(lat, 50):.1f} ms p99 {pct(lat, 99):.1f} ms max {max(lat):.0f} ms" if lat else ""
    print(f"{name:<34} {seconds:8.2f} s{ratio}   {h}", flush=True)


async def main_async(args):
    if not args.skip_seed:
        t0 = time.perf_counter()
        token, n, punches = await seed(args.staff)
        print(f"seeded {n} staff, {punches} punches in {time.perf_counter() - t0:.0f} s", flush=True)
    else:
        token = await session()
    if args.refill:
        print(f"dropped {await forget_month()} stored days of {MONTH}", flush=True)
    port = free_port()
    proc = start(args.root, port)
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/api/attendance/report?month={MONTH}"   # the exports' URL (whole unit)
    page_url = url + "&page_size=50"                       # the JSON report: a page of 50
    all_health = []
    try:
        await http("GET", base + "/healthz", token)
        sampler = RssSampler(proc.pid)
        rss0 = sampler.current()
        sampler.start()

        async def page(n=1):
            r = await http("GET", f"{page_url}&page={n}", token)
            assert r.code == 200, (r.code, r.body[:300])
            return json.loads(r.body)["data"]

        data, s, lat = await timed_with_healthz(base, page)
        all_health += lat
        line("report, first call", s, lat, TARGETS["page"])
        print(f"    people on the page {len(data['people'])} of {data.get('total')}, "
              f"complete {data.get('complete', True)}, pending {data.get('pending_staff', 0)}", flush=True)

        async def until_complete():
            d = data
            while not d.get("complete", True):
                await asyncio.sleep(1)
                if args.poll_db and await stored_days() < expected:
                    continue   # --poll-db: no report request while judging (the fill alone)
                d = await page()
            return d

        expected = int(data.get("total") or 0) * 30
        if not data.get("complete", True):
            data, s, lat = await timed_with_healthz(base, until_complete)
            all_health += lat
            line("healthz during background fill", s, lat)
        later = []
        last = max(1, -(-int(data.get("total") or 1) // 50))
        for i, n in enumerate((1, last // 2, last, 1, last // 2, last)):
            d, s, lat = await timed_with_healthz(base, lambda n=n: page(n))
            all_health += lat
            later.append(s)
            line(f"report, later call {i + 1} (page {n})", s, lat, TARGETS["page"])
        totals = data["totals"]
        print(f"    totals (whole unit): staff {totals['staff']}, absences {totals['absences']}, "
              f"late {totals['late_count']}, workdays {totals['workdays']}, departments "
              f"{len(data['departments'])}", flush=True)

        async def xlsx():
            r = await http("POST", base + "/api/attendance/report/exports", token, {"month": MONTH})
            if r.code == 404:   # a server without background jobs: the synchronous export
                r = await http("GET", url + "&format=xlsx", token)
                assert r.code == 200, r.code
                return len(r.body), "synchronous"
            assert r.code == 202, (r.code, r.body[:300])
            job = json.loads(r.body)["data"]["id"]
            while True:
                await asyncio.sleep(0.2)
                st = json.loads((await http("GET", f"{base}/api/attendance/report/exports/{job}",
                                            token)).body)["data"]
                if st["status"] != "running":
                    break
            assert st["status"] == "done", st
            f = await http("GET", f"{base}/api/attendance/report/exports/{job}/file", token)
            assert f.code == 200 and f.body[:2] == b"PK"
            return len(f.body), "background job"

        (size, how), s, lat = await timed_with_healthz(base, xlsx)
        all_health += lat
        line(f"XLSX ({how}, {size // 1024} KB)", s, lat, TARGETS["xlsx"])

        async def pages_during_export():
            """Report pages asked back to back while another export job runs."""
            job = asyncio.ensure_future(xlsx())
            times = []
            while not job.done():
                t0 = time.perf_counter()
                await page(random.randint(1, last))
                times.append(time.perf_counter() - t0)
            await job
            return times

        times, s, lat = await timed_with_healthz(base, pages_during_export)
        all_health += lat
        line(f"XLSX job + {len(times)} report pages back to back (page p50 "
             f"{pct([t * 1000 for t in times], 50):.0f} ms, max {max(times) * 1000:.0f} ms)", s, lat)
        sampler.stop = True
        growth = sampler.peak - rss0
        print(f"server RSS: {rss0:.0f} MB after start, peak {sampler.peak:.0f} MB, growth "
              f"{growth:.0f} MB ({growth / TARGETS['rss']:.2f} × target {TARGETS['rss']:g} MB)")
        p99 = pct(all_health, 99)
        print(f"/healthz during all of the above: n={len(all_health)} p50 {pct(all_health, 50):.1f} ms "
              f"p99 {p99:.1f} ms ({p99 / TARGETS['healthz_p99']:.2f} × target 50 ms), "
              f"max {max(all_health):.0f} ms")
    finally:
        stop_server(proc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--staff", type=int, default=10002)
    ap.add_argument("--root", default=str(ROOT), help="checkout to run the server from")
    ap.add_argument("--skip-seed", action="store_true", help="reuse the seeded database (re-judges "
                    "nothing: stored days stay; use for repeated 'later call' figures)")
    ap.add_argument("--refill", action="store_true", help="drop the month's stored days first: the "
                    "first call starts the background fill, measured as 'healthz during background fill'")
    ap.add_argument("--poll-db", action="store_true", help="with --refill: wait for the fill by "
                    "counting its rows in the database, not by asking for report pages (the "
                    "healthz line is then the fill alone)")
    asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    main()
