"""Issue 16: request ids and structured logs. Each request has an id (a trusted proxy's valid
X-Request-Id, else ours), echoed in X-Request-Id and in 5xx envelopes, carried by every log line
written while it is handled; `logging.format: json` gives one JSON object per line with no phone or
ID number in it."""
import io
import json
import logging
import time

import pytest
import requests
from redis.exceptions import ConnectionError as RedisConnectionError

import handlers.base
from server import logs
from server.config import ConfigError, load_config
from server.proxies import parse_trusted
from server.redact import RedactingFilter
from tests.production.procs import ServerProcess, needs_real_services

PHONE, ID_NO = "13800138000", "110101199003071234"


@pytest.fixture
def captured():
    """Every record reaching the root logger, formatted as the production JSON lines (and as
    the plain lines), through the same filters `logs.install` gives the real handlers."""
    json_out, plain_out = io.StringIO(), io.StringIO()
    handlers_ = []
    for out, kind in ((json_out, "json"), (plain_out, "plain")):
        h = logging.StreamHandler(out)
        h.addFilter(logs.RequestFilter())
        h.addFilter(RedactingFilter())
        h.setFormatter(logs.formatter(kind))
        handlers_.append(h)
    root, access = logging.getLogger(), logging.getLogger("tornado.access")
    saved = root.level, access.level
    root.setLevel(logging.INFO)
    access.setLevel(logging.INFO)
    for h in handlers_:
        root.addHandler(h)

    class Lines:
        def json(self):
            return [json.loads(line) for line in json_out.getvalue().splitlines() if line.strip()]

        def plain(self):
            return plain_out.getvalue()

        def wait_for(self, request_id, logger="tornado.access", timeout=5):
            # The access line is written just after the answer is flushed: wait for it.
            deadline = time.time() + timeout
            while time.time() < deadline:
                mine = [x for x in self.json() if x.get("request_id") == request_id]
                if any(x["logger"] == logger for x in mine):
                    return mine
                time.sleep(0.02)
            raise AssertionError(f"no {logger} line for {request_id}: {self.json()[-5:]}")

    yield Lines()
    for h in handlers_:
        root.removeHandler(h)
    root.setLevel(saved[0])
    access.setLevel(saved[1])


@pytest.fixture
def behind_proxy(server):
    settings = server.app.settings
    saved = settings["trusted_proxy_nets"]
    settings["trusted_proxy_nets"] = parse_trusted(["127.0.0.1/32"])
    yield
    settings["trusted_proxy_nets"] = saved


def test_request_id_in_header_and_in_every_line_of_the_request(server, api, org, captured,
                                                              monkeypatch):
    async def redis_down(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(handlers.base, "lookup_session", redis_down)
    me = api.as_(org.office_1)
    r = me.get("/api/me")
    assert r.status == 503 and r.code == "SERVICE_UNAVAILABLE"
    rid = r.headers["X-Request-Id"]
    assert logs.valid_request_id(rid)
    assert r.json["error"]["request_id"] == rid  # the id to quote to support
    mine = captured.wait_for(rid)
    by_logger = {x["logger"]: x for x in mine}
    # The fault mapping's warning, written mid-request, carries the id like the access line.
    assert "redis unavailable" in by_logger["mingjing.faults"]["message"]
    assert by_logger["mingjing.faults"]["method"] == "GET"
    assert by_logger["mingjing.faults"]["route"] == "/api/me"
    access = by_logger["tornado.access"]
    assert access["status"] == 503 and access["level"] == "ERROR" and access["ms"] >= 0
    assert f"[{rid}]" in captured.plain()
    # Another request gets another id.
    assert api.get("/healthz").headers["X-Request-Id"] != rid


def test_access_line_names_route_template_and_staff(server, api, org, captured):
    me = api.as_(org.office_1)
    r = me.get(f"/api/staff/{org.office_1.id}")
    rid = r.headers["X-Request-Id"]
    access = [x for x in captured.wait_for(rid) if x["logger"] == "tornado.access"][0]
    assert access["route"] == "/api/staff/{id}" and access["method"] == "GET"
    assert access["staff_id"] == org.office_1.id and access["status"] == r.status
    assert set(access) >= {"time", "level", "logger", "message", "request_id", "status", "ms"}


def test_internal_error_envelope_and_exception_line_carry_the_id(server, api, org, captured,
                                                                monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError(f"bug while reading {PHONE}")

    monkeypatch.setattr(handlers.base, "lookup_session", broken)
    r = api.as_(org.office_1).get("/api/me")
    assert r.status == 500 and r.code == "INTERNAL"
    rid = r.headers["X-Request-Id"]
    assert r.json["error"]["request_id"] == rid
    assert "bug while reading" not in json.dumps(r.json)
    mine = captured.wait_for(rid)
    crash = [x for x in mine if x["level"] == "ERROR" and x["logger"] != "tornado.access"]
    assert crash and "RuntimeError" in crash[0]["exc"]
    assert PHONE not in json.dumps(mine) and "138****8000" in crash[0]["exc"]


def test_client_errors_keep_their_envelope(server, api):
    r = api.get("/api/me")
    assert r.status == 401 and "request_id" not in r.json["error"]  # 4xx: unchanged
    assert logs.valid_request_id(r.headers["X-Request-Id"])


def test_forged_request_id_from_untrusted_peer_is_replaced(server, api, captured):
    forged = "forged-by-the-client-0001"
    r = api.get("/healthz", headers={"X-Request-Id": forged})
    rid = r.headers["X-Request-Id"]
    assert r.status == 200 and rid != forged
    captured.wait_for(rid)
    assert forged not in json.dumps(captured.json())
    # The console too.
    assert api.get("/admin/login", headers={"X-Request-Id": forged}).headers["X-Request-Id"] != forged


def test_trusted_proxy_request_id_is_kept_when_valid(server, api, captured, behind_proxy):
    given = "nginx-5f2b9c0e4d7a4b1e9c3d"
    r = api.get("/healthz", headers={"X-Request-Id": given, "X-Real-IP": "203.0.113.9"})
    assert r.headers["X-Request-Id"] == given
    assert any(x["logger"] == "tornado.access" for x in captured.wait_for(given))
    for bad in ("short", "x" * 65, "has space in it", "semi;colon-id-1234"):
        r = api.get("/healthz", headers={"X-Request-Id": bad})
        assert r.headers["X-Request-Id"] != bad and logs.valid_request_id(r.headers["X-Request-Id"])


def test_json_lines_parse_and_hold_no_phone_or_id_number(server, api, org, captured):
    me = api.as_(org.office_1)
    rids = [me.get(f"/api/staff?q={PHONE}").headers["X-Request-Id"],
            api.get(f"/api/nothing/{ID_NO}?phone={PHONE}").headers["X-Request-Id"]]
    logging.getLogger("mingjing").warning("looked up %s and %s", PHONE, ID_NO)  # outside a request
    for rid in rids:
        captured.wait_for(rid)
    lines = captured.json()
    assert lines and all(isinstance(x, dict) and x["time"] and x["level"] for x in lines)
    text = json.dumps(lines, ensure_ascii=False) + captured.plain()
    assert PHONE not in text and ID_NO not in text
    assert "138****8000" in text and "110101********1234" in text
    outside = [x for x in lines if x["message"].startswith("looked up")]
    assert outside and "request_id" not in outside[0]


def test_logging_format_setting(tmp_path):
    assert load_config(environ={}).logging.format == "plain"  # the dev default
    assert load_config(environ={"MINGJING_LOGGING_FORMAT": "json"}).logging.format == "json"
    with pytest.raises(ConfigError):
        load_config(environ={"MINGJING_LOGGING_FORMAT": "xml"})


def test_request_ids_are_unique_and_valid():
    ids = {logs.new_request_id() for _ in range(10000)}
    assert len(ids) == 10000 and all(logs.valid_request_id(i) for i in ids)


@needs_real_services
def test_server_process_writes_json_lines(server, org):
    proc = ServerProcess(server, MINGJING_LOGGING_FORMAT="json", MINGJING_SERVER_ACCESS_LOG="true")
    try:
        r = requests.get(proc.base_url + f"/api/staff?q={PHONE}",
                         headers={"X-Request-Id": "forged-by-the-client-0002"}, timeout=10)
        rid = r.headers["X-Request-Id"]
        assert r.status_code == 401 and rid != "forged-by-the-client-0002"
        deadline = time.time() + 10
        while rid not in proc.output() and time.time() < deadline:
            time.sleep(0.1)
        lines = [json.loads(line) for line in proc.output().splitlines() if line.startswith("{")]
        access = [x for x in lines if x.get("request_id") == rid]
        assert access and access[0]["logger"] == "tornado.access" and access[0]["status"] == 401
        assert access[0]["route"] == "/api/staff"
        assert PHONE not in proc.output()
    finally:
        proc.terminate()
        proc.wait()
        proc.kill()
