"""Graceful shutdown (issue 16): SIGTERM stops accepting, lets every request in flight finish with
its answer (Connection: close), closes idle keep-alive connections without a 500, stops the
scheduler and closes the pools, and exits 0; SIGTERM to the parent of --workers stops them all."""
import json
import os
import socket
import threading
import time

import requests

from models.attendance import DeviceBinding, Punch
from models.base import fetch_all
from tests.attendance.helpers import near, setup_a
from tests.production.procs import ServerProcess, needs_real_services

pytestmark = needs_real_services


def _partial_punch(port, token, employee_no):
    """Open a connection and send a punch whose body lacks its last byte: in flight from the
    server's point of view until `finish` sends it."""
    lat, lng = near(0, 0)
    body = json.dumps({"lat": lat, "lng": lng, "accuracy": 20,
                       "device_id": f"phone-{employee_no}"}).encode()
    head = (f"POST /api/attendance/punch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"X-Mingjing-Now: 2026-11-02T08:20:00+08:00\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    sock.sendall(head + body[:-1])

    def finish():
        sock.sendall(body[-1:])
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        sock.close()
        return data
    return finish


def _idle_keepalive(port):
    """A keep-alive connection that has had one answer and now sits idle."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        data += sock.recv(65536)
    assert data.startswith(b"HTTP/1.1 200")
    return sock


def test_sigterm_lets_requests_in_flight_finish(api, org, f, server):
    setup_a(api, org)
    people = [f.staff(org.a_office, f"在途{i}") for i in range(8)]
    tokens = [api.as_(p).token for p in people]
    proc = ServerProcess(server)
    try:
        idle = _idle_keepalive(proc.port)
        pending = [_partial_punch(proc.port, t, p.employee_no) for t, p in zip(tokens, people)]
        time.sleep(0.5)  # the server has read every request's headers
        proc.terminate()
        time.sleep(0.7)
        # The idle keep-alive connection is closed cleanly: end of stream, no 500 on it.
        idle.settimeout(5)
        assert idle.recv(65536) == b""
        # New connections are refused while the requests in flight drain.
        try:
            socket.create_connection(("127.0.0.1", proc.port), timeout=2).close()
            refused = False
        except OSError:
            refused = True
        assert refused
        answers = [finish() for finish in pending]
        for answer in answers:
            status_line, _, rest = answer.partition(b"\r\n")
            assert status_line == b"HTTP/1.1 201 Created", answer[:300]
            assert b"\r\nConnection: close\r\n" in rest
        assert proc.wait(30) == 0, proc.output()
        assert "Mingjing stopped" in proc.output()
    finally:
        proc.kill()
    ids = [p.id for p in people]
    punches = server.run(fetch_all(Punch.select().where(Punch.staff.in_(ids))))
    bindings = server.run(fetch_all(DeviceBinding.select().where(DeviceBinding.staff.in_(ids))))
    assert sorted(p.staff_id for p in punches) == sorted(ids)  # no punch lost
    assert sorted(b.staff_id for b in bindings) == sorted(ids)


def test_sigterm_under_load_answers_no_5xx(api, org, server):
    """Clients hammering keep-alive connections during SIGTERM see answers or refused connections,
    never a 500 such as 'Database pool is shutting down'."""
    token = api.as_(org.office_1).token
    proc = ServerProcess(server)
    statuses, errors, stop = [], [], threading.Event()

    def client():
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        while not stop.is_set():
            try:
                statuses.append(session.get(proc.base_url + "/api/me", timeout=10).status_code)
            except requests.ConnectionError:
                errors.append(1)  # refused once the listener is closed: never sent, never cut
                time.sleep(0.05)
    threads = [threading.Thread(target=client) for _ in range(8)]
    try:
        for t in threads:
            t.start()
        time.sleep(1.5)
        proc.terminate()
        assert proc.wait(30) == 0, proc.output()
    finally:
        stop.set()
        for t in threads:
            t.join(15)
        proc.kill()
    assert statuses and set(statuses) == {200}, sorted(set(statuses))


def test_deadline_cuts_a_stuck_request_and_still_exits(api, org, server):
    token = api.as_(org.office_1).token
    proc = ServerProcess(server, MINGJING_SERVER_SHUTDOWN_SECONDS=1)
    try:
        _partial_punch(proc.port, token, org.office_1.employee_no)  # never completed
        time.sleep(0.3)
        started = time.time()
        proc.terminate()
        assert proc.wait(15) == 0
        assert time.time() - started < 8
        assert "1 request(s) cut" in proc.output()
    finally:
        proc.kill()


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except FileNotFoundError:
        return []


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone for our purposes
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_sigterm_to_the_parent_stops_every_worker(server):
    proc = ServerProcess(server, "--workers", "2")
    try:
        deadline = time.time() + 10
        while len(_children(proc.proc.pid)) < 2 and time.time() < deadline:
            time.sleep(0.1)
        workers = _children(proc.proc.pid)
        assert len(workers) == 2
        proc.terminate()
        assert proc.wait(30) == 0, proc.output()
        time.sleep(0.2)
        assert not [w for w in workers if _alive(w)]
    finally:
        proc.kill()
