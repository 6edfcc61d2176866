"""Process metrics in the Prometheus text format (GET /metrics, handlers/metrics.py).

Counted in this process, no dependency: requests and latency per route template, method and
status (observed from the access-log hook), requests in flight, the database and Redis pools in
use; read at scrape time: the WeChat outbox by status, the age of the oldest due unsent message
(the delivery lag) and whether a scheduler lease is held. With --workers, each worker answers for
itself (scrape each, or sum in Prometheus): a scrape lands on whichever worker accepts it.
"""
import bisect
import datetime
import os
import re
import time

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_requests = {}   # (route, method, status) -> count
_latency = {}    # (route, method) -> [bucket counts..., +Inf count, sum]
_routes = {}     # handler class -> route template
STARTED = time.time()


def index_routes(routes):
    """Route templates from the app's route table: `/api/leave/requests/{id}` instead of every id,
    so the label set stays small."""
    for spec in routes:
        pattern, handler = (spec.regex.pattern, spec.handler_class) if hasattr(spec, "regex") \
            else (spec[0], spec[1])
        _routes.setdefault(handler, template(pattern))


def template(pattern):
    out = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern.rstrip("$"))
    return re.sub(r"\([^)]*\)", "{id}", out).replace("\\", "")


def route_of(handler_class):
    """The route template of a handler class ("other" for unknown paths)."""
    return _routes.get(handler_class, "other")


def observe(handler):
    """Called once per finished request (server/app.py log_request)."""
    route = _routes.get(type(handler), "other")  # unknown paths share one label
    method = handler.request.method
    status = handler.get_status()
    seconds = handler.request.request_time()
    key = (route, method, status)
    _requests[key] = _requests.get(key, 0) + 1
    hist = _latency.get((route, method))
    if hist is None:
        hist = _latency[(route, method)] = [0] * (len(BUCKETS) + 2)
    hist[bisect.bisect_left(BUCKETS, seconds)] += 1
    hist[-1] += seconds


def _esc(value):
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(**kw):
    return "{" + ",".join(f'{k}="{_esc(v)}"' for k, v in kw.items()) + "}"


def _pool_in_use(database):
    pool = getattr(database, "_pool", None)
    if pool is None:
        return 0, getattr(database, "_pool_size", 0)
    if hasattr(pool, "freesize"):  # aiomysql
        return pool.size - pool.freesize, pool.maxsize
    queue = getattr(pool, "_queue", None)  # playhouse's sqlite pool
    size = getattr(pool, "_pool_size", 0)
    return (size - queue.qsize() if queue is not None else 0), size


def _redis_in_use(redis):
    pool = getattr(redis, "connection_pool", None)
    in_use = getattr(pool, "_in_use_connections", None)
    return len(in_use) if in_use is not None else 0


async def _outbox(now):
    from models.base import fetch_all, scalar
    from models.reminders import Outbox
    import peewee as pw

    rows = await fetch_all(Outbox.select(Outbox.status, pw.fn.COUNT(Outbox.id).alias("n"))
                           .group_by(Outbox.status).dicts())
    oldest = await scalar(Outbox.select(pw.fn.MIN(Outbox.next_attempt_at))
                          .where(Outbox.status == "pending", Outbox.next_attempt_at <= now))
    lag = (now - oldest).total_seconds() if isinstance(oldest, datetime.datetime) else 0.0
    return {r["status"]: r["n"] for r in rows}, max(0.0, lag)


async def render(*, env, in_flight=0):
    from models.base import real_db, utcnow

    lines = []

    def metric(name, kind, help_text, samples):
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            lines.append(f"{name}{labels} {value}")

    metric("mingjing_http_requests_total", "counter",
           "Requests answered, by route template, method and status.",
           [(_labels(route=r, method=m, status=s), n) for (r, m, s), n in sorted(_requests.items())])
    metric("mingjing_http_errors_total", "counter", "Requests answered with a 5xx status.",
           [(_labels(route=r, method=m, status=s), n)
            for (r, m, s), n in sorted(_requests.items()) if s >= 500])
    lines.append("# HELP mingjing_http_request_duration_seconds Request latency.")
    lines.append("# TYPE mingjing_http_request_duration_seconds histogram")
    name = "mingjing_http_request_duration_seconds"
    for (route, method), hist in sorted(_latency.items()):
        running = 0
        for bound, count in zip(BUCKETS + (None,), hist[:-1]):
            running += count
            le = "+Inf" if bound is None else repr(bound)
            lines.append(f"{name}_bucket{_labels(route=route, method=method, le=le)} {running}")
        lines.append(f"{name}_sum{_labels(route=route, method=method)} {round(hist[-1], 6)}")
        lines.append(f"{name}_count{_labels(route=route, method=method)} {running}")
    metric("mingjing_http_requests_in_flight", "gauge", "Requests being served now.",
           [("", in_flight)])
    used, size = _pool_in_use(real_db())
    metric("mingjing_db_pool_in_use", "gauge", "Database connections in use.", [("", used)])
    metric("mingjing_db_pool_size", "gauge", "Database pool size.", [("", size)])
    metric("mingjing_redis_pool_in_use", "gauge", "Redis connections in use.",
           [("", _redis_in_use(env.redis))])
    up = {"database": 1, "redis": 1}
    try:
        by_status, lag = await _outbox(utcnow())
    except Exception:
        up["database"], by_status, lag = 0, {}, 0.0
    metric("mingjing_outbox_messages", "gauge", "WeChat subscribe messages by delivery status.",
           [(_labels(status=s), n) for s, n in sorted(by_status.items())])
    metric("mingjing_outbox_failed", "gauge", "Messages whose delivery failed for good.",
           [("", by_status.get("failed", 0))])
    metric("mingjing_delivery_lag_seconds", "gauge",
           "Age of the oldest due, unsent message: how far the scheduler/delivery are behind.",
           [("", round(lag, 3))])
    try:
        from services.scheduler import LEASE_KEY

        held = 1 if await env.redis.exists(LEASE_KEY) else 0
    except Exception:
        up["redis"], held = 0, 0
    metric("mingjing_scheduler_lease_held", "gauge", "1 when some process holds the scheduler lease.",
           [("", held)])
    metric("mingjing_dependency_up", "gauge", "1 when the dependency answered this scrape.",
           [(_labels(dependency=k), v) for k, v in up.items()])
    from services.coalesce import TOTALS

    metric("mingjing_coalesced_batches_total", "counter",
           "Round trips made for coalesced reads/writes (services/coalesce.py), by name.",
           [(_labels(name=k), v[0]) for k, v in sorted(TOTALS.items())])
    metric("mingjing_coalesced_items_total", "counter",
           "Requests' items carried by those round trips, by name.",
           [(_labels(name=k), v[1]) for k, v in sorted(TOTALS.items())])
    metric("mingjing_process_start_time_seconds", "gauge", "Start of this process (Unix time).",
           [(_labels(pid=os.getpid()), round(STARTED, 3))])
    return "\n".join(lines) + "\n"


def reset():
    """Tests: start from zero."""
    _requests.clear()
    _latency.clear()
