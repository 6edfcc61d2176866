"""Benchmark (not a test): HR's leave list at 100,000 requests (issue 16), page 1 and page 50.

Needs the unit of bench/generate_unit.py (default database h_gen). Starts one server process on
it (MariaDB, Redis, fake WeChat), signs in the generated HR officer (hr_officer over the whole
unit) and a 处 leader (leader's reach: the 处 and its 9 科), and times sequential requests over
one keep-alive connection:

    GET /api/leave/requests?mine=false&status=approved&year=2026&page=1   (and page=50)

Then the same service call in this process without HTTP (load_principal + list_requests), which
separates the query from the shared machine's scheduling. Prints p50/p99 per case and the match
count; `--label before|after` saves the figures to
/tmp/mingjing_leave_list_<label>.json, and the "after" run prints the ratios against "before".

    .venv/bin/python bench/leave_list.py [--db h_gen] [--redis redis://127.0.0.1:6379/3]
        [--requests 200] [--label after]
"""
import argparse
import asyncio
import http.client
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, pct, server_env, start_server, stop_server, unit_hr_officer  # noqa: E402

CASES = [
    ("hr_officer", "approved 2026, page 1", "/api/leave/requests?mine=false&status=approved&year=2026&page=1"),
    ("hr_officer", "approved 2026, page 50", "/api/leave/requests?mine=false&status=approved&year=2026&page=50"),
    ("hr_officer", "all, page 1", "/api/leave/requests?mine=false&page=1"),
    ("leader", "a 处 leader: approved 2026, page 1",
     "/api/leave/requests?mine=false&status=approved&year=2026&page=1"),
]


async def sessions(db_url, redis_url):
    """Fresh sessions for the generated HR officer and the first 处's leader."""
    from models.base import get_one
    from models.org import Department, Unit
    from server.database import bind_database
    from server.redis import make_redis
    from services.sessions import create_session

    database = bind_database(db_url, pool_size=1)
    unit = await Unit.aget(Unit.code == "GEN")
    hr = await unit_hr_officer(unit.id)
    top = await get_one(Department.select().where(Department.unit == unit.id, Department.parent.is_null())
                        .order_by(Department.id))
    await database.close_pool()
    redis = make_redis(redis_url)
    out = {}
    for key, staff_id in (("hr_officer", hr), ("leader", top.leader_id)):
        out[key], _ = await create_session(redis, staff_id=staff_id, kind="mp", ttl_seconds=3600)
    await redis.aclose()
    return out


def run_case(port, token, path, n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"}
    latencies, total, rows = [], None, None
    for i in range(n + 5):
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        ms = (time.perf_counter() - t0) * 1000
        if resp.status != 200:
            raise SystemExit(f"{path}: {resp.status} {body[:300]!r}")
        if i >= 5:  # the first five warm the caches and the connection
            latencies.append(ms)
        if total is None:
            doc = json.loads(body)
            total, rows = doc.get("total"), len(doc["data"])
    conn.close()
    return {"p50": round(pct(latencies, 50), 1), "p99": round(pct(latencies, 99), 1), "total": total, "rows": rows}


async def in_process(db_url, n):
    """The service call alone (no HTTP, no event-loop neighbours): p50/p99 of list_requests for
    the HR officer's first case, pages 1 and 50, and the share of it spent in the stamp."""
    from models.org import Unit
    from server.database import bind_database
    from services import leave
    from services.access import load_principal

    database = bind_database(db_url, pool_size=1)
    unit = await Unit.aget(Unit.code == "GEN")
    hr = await unit_hr_officer(unit.id)
    out = {}
    for page in (1, 50):
        times = []
        for i in range(n + 5):
            t0 = time.perf_counter()
            actor = await load_principal(hr)
            await leave.list_requests(actor=actor, mine=False, status="approved", year=2026, page=page)
            if i >= 5:
                times.append((time.perf_counter() - t0) * 1000)
        out[f"service only: approved 2026, page {page}"] = {"p50": round(pct(times, 50), 1),
                                                            "p99": round(pct(times, 99), 1), "total": None}
    await database.close_pool()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="h_gen")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--label", default="after", help="before / after: where the figures are saved")
    ap.add_argument("--no-scheduler", action="store_true", help="server without the reminders scheduler")
    args = ap.parse_args()
    db_url = f"mysql://root@127.0.0.1:3306/{args.db}"
    tokens = asyncio.run(sessions(db_url, args.redis))
    port = free_port()
    # Without --no-scheduler the reminders scheduler and delivery loops share the server's
    # event loop with the requests.
    proc = start_server(port, server_env(db_url, args.redis, scheduler=not args.no_scheduler),
                        log="/tmp/mingjing_leave_list_server.log")
    results = {}
    try:
        for who, label, path in CASES:
            results[label] = run_case(port, tokens[who], path, args.requests)
    finally:
        stop_server(proc)
    results.update(asyncio.run(in_process(db_url, args.requests)))
    saved = Path(f"/tmp/mingjing_leave_list_{args.label}.json")
    saved.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    before_path = Path("/tmp/mingjing_leave_list_before.json")
    before = json.loads(before_path.read_text()) if args.label != "before" and before_path.exists() else {}
    print(f"{'case':40} {'matches':>8} {'p50 ms':>8} {'p99 ms':>8}" + ("   before p50/p99 -> ratio" if before else ""))
    for label, r in results.items():
        line = f"{label:40} {r['total'] if r['total'] is not None else '':>8} {r['p50']:8.1f} {r['p99']:8.1f}"
        b = before.get(label)
        if b:
            line += f"   {b['p50']:.1f}/{b['p99']:.1f} -> {b['p50'] / r['p50']:.1f}x / {b['p99'] / r['p99']:.1f}x faster"
        print(line)
    print(f"({args.requests} sequential requests per case, one keep-alive connection; saved to {saved})")


if __name__ == "__main__":
    main()
