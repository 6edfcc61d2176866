"""docs/nginx/mingjing.conf is the tested configuration (issue 16): Debian's nginx on loopback with
TLS in front of two server processes; a user's day (sign in, punch, apply for leave, the leader
approves) alternates between them; the client's address reaches the app through X-Real-IP (the
audit log shows it); /metrics is not published; an upload over the limit is refused by nginx."""
import os
import re
import shutil
import subprocess
import time

import pytest
import requests

from models.audit import AuditLog
from models.base import fetch_all
from server.config import ROOT
from tests.attendance.helpers import near, setup_a
from tests.production.procs import ServerProcess, free_port, needs_real_services

pytestmark = [needs_real_services,
              pytest.mark.skipif(not shutil.which("nginx") or not shutil.which("openssl"),
                                 reason="needs Debian's nginx and openssl (apt-get install nginx-light)")]


def _config(tmp_path, port, upstreams):
    text = (ROOT / "docs" / "nginx" / "mingjing.conf").read_text(encoding="utf-8")
    subs = [
        (r"    server 127\.0\.0\.1:8000 [^\n]*\n    server 10\.0\.0\.12:8000 [^\n]*\n",
         "".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;\n" for p in upstreams)),
        (r"server \{\n    listen 80;.*?\n\}\n\n", ""),                 # no port 80 in the test
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl http2;"),
        (r"/etc/ssl/mingjing/fullchain\.pem", f"{tmp_path}/cert.pem"),
        (r"/etc/ssl/mingjing/privkey\.pem", f"{tmp_path}/key.pem"),
        (r"/var/log/nginx/mingjing\.access\.log", f"{tmp_path}/access.log"),
    ]
    for pattern, repl in subs:
        text, n = re.subn(pattern, repl, text, flags=re.S)
        assert n == 1, f"docs/nginx/mingjing.conf changed: {pattern!r} not found"
    (tmp_path / "mingjing.conf").write_text(text, encoding="utf-8")
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / d).mkdir()
    os.chmod(tmp_path, 0o777)
    (tmp_path / "nginx.conf").write_text(f"""
daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi; uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/mingjing.conf;
}}
""", encoding="utf-8")


def test_a_day_through_nginx_alternating_two_servers(api, org, server, tmp_path):
    setup_a(api, org)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    procs = [ServerProcess(server, MINGJING_SERVER_TRUSTED_PROXIES="127.0.0.1") for _ in range(2)]
    port = free_port()
    _config(tmp_path, port, [p.port for p in procs])
    check = subprocess.run(["nginx", "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen(["nginx", "-c", str(tmp_path / "nginx.conf")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"https://127.0.0.1:{port}"
    try:
        deadline = time.time() + 10
        while True:
            try:
                requests.get(base + "/healthz", verify=str(tmp_path / "cert.pem"), timeout=2)
                break
            except requests.ConnectionError:
                assert time.time() < deadline
                time.sleep(0.1)
        session = requests.Session()
        session.verify = str(tmp_path / "cert.pem")  # TLS is really on
        session.trust_env = False  # REQUESTS_CA_BUNDLE would override the verify above
        client_ip = "198.51.100.7"  # what nginx's X-Real-IP says cannot be tested over loopback,
        # so a spoofed one from the client must be overwritten by nginx: the audit shows 127.0.0.1

        def call(method, path, token=None, **kw):
            headers = {"X-Real-IP": client_ip, "X-Forwarded-For": client_ip,
                       "X-Mingjing-Now": kw.pop("now", "2026-11-02T08:20:00+08:00")}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            return session.request(method, base + path, headers=headers, timeout=20, **kw)

        me = call("POST", "/api/auth/dev", json={"employee_no": org.office_1.employee_no})
        assert me.status_code == 200, me.text
        token = me.json()["data"]["token"]
        lat, lng = near(0, 0)
        r = call("POST", "/api/attendance/punch", token,
                 json={"lat": lat, "lng": lng, "accuracy": 20, "device_id": "p1"})
        assert r.status_code == 201, r.text
        r = call("POST", "/api/leave/requests", token, json={
            "type": "personal", "start": "2026-11-05", "start_half": "am", "end": "2026-11-05",
            "end_half": "pm", "reason": "家中有事"})
        assert r.status_code == 201, r.text
        leave_id, inst = r.json()["data"]["id"], r.json()["data"]["instance_id"]
        leader = call("POST", "/api/auth/dev", json={"employee_no": org.office_leader.employee_no})
        ltoken = leader.json()["data"]["token"]
        inbox = call("GET", "/api/approvals", ltoken)
        assert inbox.status_code == 200, inbox.text
        r = call("POST", f"/api/approvals/{inst}/actions", ltoken, json={"action": "approve"})
        assert r.status_code == 200, r.text
        for _ in range(4):  # read back on both servers
            r = call("GET", f"/api/leave/requests/{leave_id}", token)
            assert r.status_code == 200 and r.json()["data"]["status"] == "approved"
        # Not published through the proxy.
        assert call("GET", "/metrics").status_code == 404
        # Over the upload limit: nginx answers 413 before the app reads it.
        big = session.post(base + f"/api/leave/requests/{leave_id}/attachments", data=b"x" * (12 * 1024 * 1024), timeout=20,
                           headers={"Authorization": f"Bearer {token}"})
        assert big.status_code == 413
        # The requests alternated between the two servers.
        log = (tmp_path / "access.log").read_text()
        used = {p.port for p in procs if f"127.0.0.1:{p.port}" in log}
        assert len(used) == 2, log
        assert "?" not in "".join(line.split('"')[1] for line in log.splitlines() if '"' in line)
    finally:
        nginx.terminate()
        nginx.wait(10)
        for p in procs:
            p.kill()
    entries = server.run(fetch_all(AuditLog.select().where(AuditLog.action == "leave.submit")))
    assert entries and {e.ip for e in entries} == {"127.0.0.1"}  # nginx's $remote_addr, not the spoof
