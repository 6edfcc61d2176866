"""GET /metrics (issue 16): Prometheus text, requests and latency by route template and status,
pools, outbox and delivery lag; only for a direct request from a trusted address, or with the
configured token; a request that came through the proxy is refused without it."""
import re

import requests

from services import metrics


def _scrape(server, **headers):
    return requests.get(server.base_url + "/metrics", headers=headers, timeout=10)


def test_metrics_count_requests_by_route_template(api, org, server):
    metrics.reset()
    me = api.as_(org.office_1)
    for _ in range(3):
        assert me.get("/api/me").status == 200
    assert me.get("/api/leave/requests/999999").status == 404
    assert api.get("/api/me").status == 401
    r = _scrape(server)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = r.text
    assert 'mingjing_http_requests_total{route="/api/me",method="GET",status="200"} 3' in text
    assert 'mingjing_http_requests_total{route="/api/me",method="GET",status="401"} 1' in text
    # An id in the path is folded into the template: one series, not one per record.
    assert re.search(r'route="/api/leave/requests/\{id\}",method="GET",status="404"\} 1', text)
    assert "999999" not in text
    assert 'mingjing_http_request_duration_seconds_bucket{route="/api/me",method="GET",le="+Inf"} 4' in text
    assert 'mingjing_http_request_duration_seconds_count{route="/api/me",method="GET"} 4' in text
    for name in ("mingjing_db_pool_in_use", "mingjing_db_pool_size", "mingjing_redis_pool_in_use",
                 "mingjing_http_requests_in_flight", "mingjing_delivery_lag_seconds",
                 "mingjing_outbox_failed", "mingjing_scheduler_lease_held"):
        assert re.search(rf"^{name} \d+(\.\d+)?$", text, re.M), name
    assert 'mingjing_dependency_up{dependency="database"} 1' in text
    # Every sample line parses as `name{labels} value`.
    for line in text.splitlines():
        assert line.startswith("#") or re.fullmatch(
            r'[a-z_]+(\{(?:[a-z_]+="(?:[^"\\]|\\.)*",?)*\})? [-0-9.e+Inf]+', line), line


def test_metrics_refused_through_the_proxy_and_open_with_the_token(server, monkeypatch):
    assert _scrape(server, **{"X-Forwarded-For": "203.0.113.9"}).status_code == 403
    assert _scrape(server, **{"X-Real-IP": "203.0.113.9"}).status_code == 403
    monkeypatch.setattr(server.env, "config", server.config.replace(server={"metrics_token": "m-token-123"}))
    assert _scrape(server, **{"X-Forwarded-For": "203.0.113.9",
                              "Authorization": "Bearer wrong"}).status_code == 403
    r = _scrape(server, **{"X-Forwarded-For": "203.0.113.9", "Authorization": "Bearer m-token-123"})
    assert r.status_code == 200 and "mingjing_http_requests_total" in r.text


def test_route_templates():
    assert metrics.template(r"/api/leave/requests/(\d+)$") == "/api/leave/requests/{id}"
    assert metrics.template(r"/api/x/(?P<day>\d{4}-\d{2}-\d{2})") == "/api/x/{day}"
