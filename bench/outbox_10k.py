"""Benchmark (not a test): delivering 10,000 reminders to WeChat (issue 16: work that grows with the
unit is measured at 10,000 staff and never blocks the event loop).

Seeds a fresh MariaDB database (default h_outbox) with one unit of --staff people, each bound to
WeChat (openid) with a long-term subscription to the appraisal deadline template. Starts the fake
WeChat API in its own process (`python -m server.fakewechat`, every call delayed --latency-ms to
stand for the network) and one server as in production (`python -m server run`, real WeChat mode
pointed at the fake, scheduler and delivery loop on). Then:

1. steady: an appraisal deadline reminder to everyone, raised through services.notify (one
   transaction, as the scheduler's job does), and delivered by the running server. Measured: time
   until every message reached the fake exactly once (counted at the fake), sends/s, /healthz p99
   on the server meanwhile (a separate prober process, one request every 20 ms), the server's RSS.
2. rate limit: the fake answers 45009 to every send for --outage seconds while --outage-staff more
   reminders are raised; every one must be sent later, once (retry backoff: the configured 30 s).

    .venv/bin/python bench/outbox_10k.py [--staff 10000] [--latency-ms 20] [--label after]
"""
import argparse
import asyncio
import base64
import datetime
import http.client
import json
import multiprocessing
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, pct, recreate_database, start_server, stop_server  # noqa: E402

APPID, SECRET = "wxbench0utbox10k", "bench-outbox-secret-7c1d"
TEMPLATE = "tmpl-bench-deadline"
EVENT = "appraisal.deadline"
SEND = "/cgi-bin/message/subscribe/send"


def secrets_env():
    """Real mode refuses placeholders: throwaway values for a benchmark database."""
    key = base64.b64encode(b"b" * 32).decode()
    return {"MINGJING_SERVER_COOKIE_SECRET": "c" * 32,
            "MINGJING_SECURITY_PII_KEYS": f"b1:aes256gcm:{key}",
            "MINGJING_SECURITY_PII_INDEX_KEY": "i" * 32, "MINGJING_SECURITY_SIGNING_KEY": "s" * 32,
            "MINGJING_SECURITY_AUDIT_KEY": "a" * 32}


def server_env(db_url, redis_url, fake_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINGJING_")}
    env.update(secrets_env())
    env.update({"MINGJING_DATABASE_URL": db_url, "MINGJING_REDIS_URL": redis_url,
                "MINGJING_WECHAT_MODE": "real", "MINGJING_WECHAT_APPID": APPID,
                "MINGJING_WECHAT_SECRET": SECRET, "MINGJING_WECHAT_API_BASE": fake_url,
                "MINGJING_SERVER_ACCESS_LOG": "false", "MINGJING_REMINDERS_SCHEDULER": "true"})
    return env


def bench_config(env):
    from server.config import load_config

    return load_config(environ=env)


async def seed(db_url, redis_url, staff, env):
    """Schema, one unit of `staff` bound people with a long-term subscription, the template."""
    from models.base import atomic, fetch_all
    from models.org import Staff
    from models.reminders import Subscription, TemplateSetting
    from server.database import bind_database
    from server.migrate import migrate
    from server.redis import make_redis
    from services import audit
    from services.orgtree import create_department_row, create_unit_row

    await recreate_database(db_url.rsplit("/", 1)[1])
    redis = make_redis(redis_url)
    await redis.flushdb()
    await redis.aclose()
    audit.use_key(bench_config(env).security.audit_key)
    database = bind_database(db_url, pool_size=2)
    await migrate(log=lambda *a: None)
    async with atomic():
        unit = await create_unit_row(name="提醒压测局", code="OBX")
        depts = [await create_department_row(unit=unit, name=f"科室{i}") for i in range(20)]
    async with atomic():
        for i in range(0, staff, 1000):
            await Staff.insert_many([
                {"employee_no": f"OBX{k:05d}", "name": f"人员{k}", "unit": unit.id,
                 "department": depts[k % 20].id, "status": "active", "gender": "M",
                 "hire_date": datetime.date(2015, 1, 1), "openid": f"obx-openid-{k:05d}",
                 "first_employment_date": datetime.date(2010, 1, 1)}
                for k in range(i, min(staff, i + 1000))]).aexecute()
    ids = [s.id for s in await fetch_all(Staff.select(Staff.id).where(Staff.unit == unit.id))]
    async with atomic():
        for i in range(0, len(ids), 1000):
            await Subscription.insert_many([{"staff": sid, "template_id": TEMPLATE,
                                             "long_term": True} for sid in ids[i:i + 1000]]).aexecute()
        await TemplateSetting.acreate(event=EVENT, template_id=TEMPLATE, long_term=True,
                                      fields={"thing1": "title", "time2": "created_at"},
                                      page="package-appraisal/pages/goals/index")
    await database.close_pool()
    return ids


async def raise_reminders(db_url, ids, title):
    """The reminder to everyone in `ids`: services.notify in one transaction (the scheduler's job
    does the same inside its job_run transaction). Returns the seconds it took."""
    from models.base import atomic
    from server.database import bind_database
    from services import delivery
    from services.notify import raise_notification

    delivery.CONFIG_TEMPLATES.clear()
    database = bind_database(db_url, pool_size=2)
    t0 = time.perf_counter()
    async with atomic():
        await raise_notification(recipient_ids=ids, kind=EVENT, title=title,
                                 body="请在截止前完成目标设定", link="/package-appraisal/pages/goals/index")
    secs = time.perf_counter() - t0
    await database.close_pool()
    return secs


async def outbox_summary(db_url, since_id=0):
    """{status: rows}, attempts, attempts that got 45009, for outbox rows after `since_id`."""
    from models.base import fetch_all, scalar
    from models.reminders import DeliveryAttempt, Outbox
    from server.database import bind_database
    import peewee as pw

    database = bind_database(db_url, pool_size=1)
    rows = await fetch_all(Outbox.select(Outbox.status, pw.fn.COUNT(Outbox.id).alias("n"))
                           .where(Outbox.id > since_id).group_by(Outbox.status).dicts())
    attempts = await scalar(DeliveryAttempt.select(pw.fn.COUNT(DeliveryAttempt.id))
                            .where(DeliveryAttempt.outbox > since_id))
    limited = await scalar(DeliveryAttempt.select(pw.fn.COUNT(DeliveryAttempt.id))
                           .where(DeliveryAttempt.outbox > since_id, DeliveryAttempt.errcode == 45009))
    top = await scalar(Outbox.select(pw.fn.MAX(Outbox.id)))
    await database.close_pool()
    return {"status": {r["status"]: r["n"] for r in rows}, "attempts": attempts,
            "attempts_45009": limited, "max_id": top or 0}


def fake_call(fake_url, action, **args):
    req = urllib.request.Request(fake_url + "__fake__/" + action, data=json.dumps(args).encode(),
                                 method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["result"]


def probe(port, stop, out, every=0.02):
    """/healthz every 20 ms on one keep-alive connection; (time, seconds) per request."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    samples = []
    while not stop.is_set():
        t0 = time.perf_counter()
        try:
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            r.read()
            ok = r.status == 200
        except OSError:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            ok = False
        secs = time.perf_counter() - t0
        samples.append((time.time(), secs, ok))
        time.sleep(max(0.0, every - secs))
    out.put(samples)


def rss_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def wait_for_sends(fake_url, target, since, pid, timeout):
    """Poll the fake until `target` messages arrived after index `since`; RSS samples meanwhile.
    Returns (seconds until done or None, counts, max RSS kB)."""
    t0, top = time.perf_counter(), 0
    while time.perf_counter() - t0 < timeout:
        counts = fake_call(fake_url, "message_counts", since=since)
        top = max(top, rss_kb(pid))
        if counts["sent"] >= target:
            return time.perf_counter() - t0, counts, top
        time.sleep(0.2)
    return None, fake_call(fake_url, "message_counts", since=since), top


def healthz_stats(samples, start, end):
    inside = [s for t, s, ok in samples if start <= t <= end]
    failed = sum(1 for t, s, ok in samples if start <= t <= end and not ok)
    if not inside:
        return {"n": 0}
    return {"n": len(inside), "p50_ms": round(pct(inside, 50) * 1000, 1),
            "p99_ms": round(pct(inside, 99) * 1000, 1), "max_ms": round(max(inside) * 1000, 1),
            "failed": failed}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--staff", type=int, default=10000)
    ap.add_argument("--db", default="h_outbox")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    ap.add_argument("--latency-ms", type=float, default=20.0)
    ap.add_argument("--outage", type=float, default=20.0, help="seconds of 45009 in phase 2")
    ap.add_argument("--outage-staff", type=int, default=2000)
    ap.add_argument("--timeout", type=float, default=1200.0)
    ap.add_argument("--label", default="after")
    ap.add_argument("--profile", help="cProfile the server into this file")
    ap.add_argument("--root", default=str(ROOT),
                    help="run the server from this checkout (a `git archive` of an earlier commit "
                         "for the before figures); seeding and the fake come from this one")
    args = ap.parse_args()
    db_url = f"mysql://root@127.0.0.1:3306/{args.db}"
    fake_port, port = free_port(), free_port()
    fake_url = f"http://127.0.0.1:{fake_port}/"
    env = server_env(db_url, args.redis, fake_url)
    ids = asyncio.run(seed(db_url, args.redis, args.staff, env))
    print(f"seeded {len(ids)} staff (openid, long-term subscription)", flush=True)

    fake = subprocess.Popen([sys.executable, "-m", "server.fakewechat", "--port", str(fake_port),
                             "--appid", APPID, "--secret", SECRET, "--auto-subscribe",
                             "--latency-ms", str(args.latency_ms)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=open("/tmp/h_outbox_fake.log", "w"),
                            start_new_session=True)
    for _ in range(100):
        try:
            fake_call(fake_url, "stats")
            break
        except OSError:
            time.sleep(0.1)
    proc = start_server(port, env, root=Path(args.root), profile=args.profile,
                        log=Path("/tmp/h_outbox_server.log"))
    stop, out = multiprocessing.Event(), multiprocessing.Queue()
    prober = multiprocessing.Process(target=probe, args=(port, stop, out), daemon=True)
    results = {"staff": len(ids), "latency_ms": args.latency_ms}
    try:
        time.sleep(2)   # the delivery loop's first rounds, on an empty outbox
        rss0 = rss_kb(proc.pid)
        prober.start()
        t_idle = time.time()
        time.sleep(5)
        results["healthz_idle"] = (t_idle + 0.5, time.time())
        t_raise = time.time()
        results["raise_s"] = round(asyncio.run(raise_reminders(
            db_url, ids, "目标设定将于12月5日截止")), 2)
        t_sent0 = time.time()
        secs, counts, top = wait_for_sends(fake_url, len(ids), 0, proc.pid, args.timeout)
        t_done = time.time()
        time.sleep(3)   # anything sent twice would arrive now
        counts = fake_call(fake_url, "message_counts", since=0)
        summary = asyncio.run(outbox_summary(db_url))
        results["steady"] = {
            "deliver_s": round(secs, 1) if secs else None,
            "sends_per_s": round(len(ids) / secs, 1) if secs else None,
            "fake": counts, "outbox": summary["status"], "attempts": summary["attempts"],
            "rss_mb": {"before": round(rss0 / 1024), "max": round(top / 1024),
                       "after": round(rss_kb(proc.pid) / 1024)}}
        results["healthz_raise"] = (t_raise, t_sent0)
        results["healthz_deliver"] = (t_sent0, t_done)
        print(f"steady: raised in {results['raise_s']} s, delivered in {secs} s "
              f"({results['steady']['sends_per_s']}/s); fake {counts}; outbox {summary['status']}",
              flush=True)

        # 2. rate limit: 45009 to every send for a while, then all sent once.
        first_new = summary["max_id"]
        sent_before = counts["sent"]
        # Every send answers 45009 from before the rows exist until --outage seconds after they
        # were committed (the delivery loop picks them up within a second).
        fake_call(fake_url, "fail_for", errcode=45009, seconds=3600, path=SEND)
        some = ids[:args.outage_staff]
        t_outage = time.time()
        asyncio.run(raise_reminders(db_url, some, "考核评分将于12月8日截止"))
        t_committed = time.perf_counter()
        time.sleep(args.outage)
        fake_call(fake_url, "fail_for", errcode=45009, seconds=0, path=SEND)
        secs2, counts2, top2 = wait_for_sends(fake_url, len(some), sent_before, proc.pid,
                                              args.timeout)
        secs2 = secs2 and time.perf_counter() - t_committed
        t_done2 = time.time()
        time.sleep(3)
        counts2 = fake_call(fake_url, "message_counts", since=sent_before)
        summary2 = asyncio.run(outbox_summary(db_url, since_id=first_new))
        results["rate_limited"] = {
            "outage_s": args.outage, "rows": len(some),
            "all_sent_after_s": round(secs2, 1) if secs2 else None, "fake": counts2,
            "calls_answered_45009": fake_call(fake_url, "stats")["calls"].get(SEND, 0)
            - sent_before - len(some),
            "outbox": summary2["status"], "attempts": summary2["attempts"],
            "attempts_45009": summary2["attempts_45009"], "rss_max_mb": round(top2 / 1024)}
        results["healthz_outage"] = (t_outage, t_done2)
        print(f"45009 for {args.outage} s: all {len(some)} sent {secs2} s after the commit; "
              f"fake {counts2}; "
              f"outbox {summary2['status']}; attempts {summary2['attempts']} "
              f"({summary2['attempts_45009']} answered 45009)", flush=True)
    finally:
        stop.set()
        samples = out.get(timeout=30) if prober.is_alive() or not out.empty() else []
        stop_server(proc)
        fake.terminate()
        fake.wait(10)
    for key in ("healthz_idle", "healthz_raise", "healthz_deliver", "healthz_outage"):
        if key in results:
            results[key] = healthz_stats(samples, *results[key])
    target = results.get("healthz_deliver", {}).get("p99_ms")
    print(f"/healthz idle {results.get('healthz_idle')}")
    print(f"/healthz while raising {results.get('healthz_raise')}")
    print(f"/healthz while delivering {results.get('healthz_deliver')} "
          f"(target p99 < 50 ms: {'met' if target is not None and target < 50 else 'MISSED'})")
    print(f"/healthz during the 45009 phase {results.get('healthz_outage')}")
    print(f"server RSS {results.get('steady', {}).get('rss_mb')}")
    saved = Path(f"/tmp/h_outbox_{args.label}.json")
    saved.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(f"saved {saved}")


if __name__ == "__main__":
    main()
