"""Benchmark (not a test): closing an appraisal cycle of 10,000 participants (issue 16: < 10 s).

Needs the unit of bench/generate_unit.py (default database h_gen: the 2026 annual cycle, 10,000
participants, leader and peer sheets submitted). Puts the cycle back to "launched, nothing
computed" (so it can be rerun), starts one server process (MariaDB, Redis, fake WeChat: the
`X-Mingjing-Now` clock is honoured) and, as the generated HR officer, times the close path over
HTTP, one step after the other:

    results/compute (totals, proposed grades) → quota → results/confirm (accept the proposed
    grades within the 优秀 quota) → alerts/compute (integrity alerts) → publish (公示, 10,000
    notifications) → results/close (after the publication and review windows)

    .venv/bin/python bench/appraisal_close.py [--db h_gen] [--redis redis://127.0.0.1:6379/3] [--label after]
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

from bench.common import free_port, server_env, start_server, stop_server, unit_hr_officer  # noqa: E402

DAY_SCORED = "2026-12-28T10:00:00+08:00"   # scoring closed on 12-25; publication phase opens
DAY_CLOSE = "2027-03-01T10:00:00+08:00"    # publication and the 30-day review window are over


async def prepare(db_url, redis_url):
    """Reset the generated cycle to launched with no results, alerts or notifications; a session
    for the HR officer. Returns (cycle id, token)."""
    from models.appraisal.cycles import AppraisalCycle
    from models.appraisal.outcomes import IntegrityAlert
    from models.appraisal.scoring import AppraisalResult, QuotaApproval
    from models.base import get_one
    from models.org import Unit
    from server.database import bind_database
    from server.redis import make_redis
    from services.sessions import create_session

    database = bind_database(db_url, pool_size=1)
    unit = await Unit.aget(Unit.code == "GEN")
    cycle = await get_one(AppraisalCycle.select().where(AppraisalCycle.unit == unit.id, AppraisalCycle.year == 2026,
                                                        AppraisalCycle.kind == "annual"))
    hr = await unit_hr_officer(unit.id)
    await AppraisalResult.delete().where(AppraisalResult.cycle == cycle.id).aexecute()
    await IntegrityAlert.delete().where(IntegrityAlert.cycle == cycle.id).aexecute()
    await QuotaApproval.delete().where(QuotaApproval.cycle == cycle.id).aexecute()
    await AppraisalCycle.update(status="launched", closed_at=None).where(AppraisalCycle.id == cycle.id).aexecute()
    await database.close_pool()
    redis = make_redis(redis_url)
    token, _ = await create_session(redis, staff_id=hr, kind="mp", ttl_seconds=3600)
    await redis.aclose()
    return cycle.id, token


def call(conn, token, method, path, now, body=None):
    headers = {"Authorization": f"Bearer {token}", "X-Mingjing-Now": now, "Content-Type": "application/json"}
    t0 = time.perf_counter()
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    resp = conn.getresponse()
    data = json.loads(resp.read() or b"{}")
    secs = time.perf_counter() - t0
    if resp.status != 200:
        raise SystemExit(f"{method} {path}: {resp.status} {json.dumps(data, ensure_ascii=False)[:400]}")
    return secs, data.get("data")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="h_gen")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    ap.add_argument("--label", default="after")
    ap.add_argument("--no-scheduler", action="store_true", help="server without the reminders scheduler")
    ap.add_argument("--profile", help="cProfile the server into this file (written at its clean exit)")
    args = ap.parse_args()
    db_url = f"mysql://root@127.0.0.1:3306/{args.db}"
    cycle_id, token = asyncio.run(prepare(db_url, args.redis))
    port = free_port()
    proc = start_server(port, server_env(db_url, args.redis, scheduler=not args.no_scheduler),
                        profile=args.profile, log="/tmp/mingjing_leave_list_server.log")
    base = f"/api/appraisal/cycles/{cycle_id}"
    steps = [("totals and proposed grades (results/compute)", "POST", f"{base}/results/compute", DAY_SCORED, None),
             ("quota (GET quota)", "GET", f"{base}/quota", DAY_SCORED, None),
             ("grades confirmed (results/confirm)", "POST", f"{base}/results/confirm", DAY_SCORED,
              {"accept_proposed": True}),
             ("integrity alerts (alerts/compute)", "POST", f"{base}/alerts/compute", DAY_SCORED, None),
             ("publication (publish)", "POST", f"{base}/publish", DAY_SCORED, None),
             ("close (results/close)", "POST", f"{base}/results/close", DAY_CLOSE, None)]
    results, summary = {}, {}
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        for label, method, path, now, body in steps:
            secs, data = call(conn, token, method, path, now, body)
            results[label] = round(secs, 2)
            summary[label] = data
            print(f"{label:48} {secs:7.2f} s", flush=True)
    finally:
        stop_server(proc)
    total = round(sum(results.values()), 2)
    results["total"] = total
    saved = Path(f"/tmp/mingjing_appraisal_close_{args.label}.json")
    saved.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    before_path = Path("/tmp/mingjing_appraisal_close_before.json")
    before = json.loads(before_path.read_text()) if args.label != "before" and before_path.exists() else {}
    print(f"{'total':48} {total:7.2f} s  (target < 10 s: {'met' if total < 10 else 'MISSED'})"
          + (f"; before {before['total']:.2f} s -> {before['total'] / total:.1f}x" if before else ""))
    compute = summary[steps[0][0]] or {}
    confirm = summary[steps[2][0]] or {}
    alerts = summary[steps[3][0]] or {}
    print(f"participants {compute.get('participants')}, proposed {compute.get('proposed')}; "
          f"confirm {json.dumps(confirm, ensure_ascii=False)[:200]}; alerts {alerts.get('found')} {alerts.get('by_kind')}; "
          f"final results {(summary[steps[5][0]] or {}).get('final_results')}")


if __name__ == "__main__":
    main()
