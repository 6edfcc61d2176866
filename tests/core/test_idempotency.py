"""Idempotency-Key on writes (handlers/base.py ApiHandler.run_idempotent): a submit repeated on a
poor network (the answer lost, the client retries with the same key) runs once and the repeat gets
the first answer; a repeat while the first still runs waits, then 409; keys are per caller."""
import json

from handlers import base
from models.base import fetch_all
from models.leave import LeaveRequest
from tests.appraisal.progress_support import at, confirm, keys, progress_rows, report, setup
from tests.leave.test_leave import apply

LEAVE = {"type": "annual", "start": "2026-03-02", "start_half": "am", "end": "2026-03-03",
         "end_half": "pm", "reason": "探亲"}


def leave_rows(server, staff):
    async def go():
        return await fetch_all(LeaveRequest.select().where(LeaveRequest.staff == staff.id))
    return server.run(go())


def submit(client, key, body=LEAVE):
    return client.post("/api/leave/requests", body, headers={"Idempotency-Key": key})


def test_a_repeated_leave_submission_creates_one_request(api, org, server):
    me = api.as_(org.office_1)
    first = submit(me, "leave-submit-0001")
    assert first.status == 201, first
    again = submit(me, "leave-submit-0001")
    assert again.status == 201, again
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.data == first.data
    assert len(leave_rows(server, org.office_1)) == 1
    # a new key is a new submit (here refused: the days overlap the first request)
    other = submit(me, "leave-submit-0002")
    assert other.status in (409, 422), other
    assert len(leave_rows(server, org.office_1)) == 1
    # without the header nothing is remembered: the same body runs again (and is refused)
    assert apply(me, "annual", "2026-03-02", "2026-03-03").status in (409, 422)


def test_keys_are_per_caller_and_per_operation(api, org, server):
    a, b = api.as_(org.office_1), api.as_(org.fin_1)
    assert submit(a, "shared-key-123").status == 201
    # another person's identical key is their own submit
    r = submit(b, "shared-key-123")
    assert r.status == 201 and r.headers.get("Idempotent-Replayed") is None, r
    assert len(leave_rows(server, org.fin_1)) == 1
    # the same key on another operation is refused, not replayed
    r = a.post("/api/overtime/requests", {},
               headers={"Idempotency-Key": "shared-key-123"})
    assert r.status == 422 and r.code == "IDEMPOTENCY_KEY_REUSED", r
    # malformed keys
    r = submit(a, "short")
    assert r.status == 400 and r.code == "BAD_IDEMPOTENCY_KEY", r
    assert len(leave_rows(server, org.office_1)) == 1


def test_a_refused_submit_is_not_kept_and_can_be_retried(api, org, server):
    me = api.as_(org.office_1)
    bad = dict(LEAVE, end="2026-03-01")
    r = submit(me, "retry-after-error", bad)
    assert r.status == 422, r
    r = submit(me, "retry-after-error")
    assert r.status == 201 and r.headers.get("Idempotent-Replayed") is None, r
    assert len(leave_rows(server, org.office_1)) == 1


def test_a_concurrent_repeat_gets_409_in_progress(api, org, server, monkeypatch):
    monkeypatch.setattr(base, "IDEMPOTENCY_WAIT", 0.2)
    me = api.as_(org.office_1)
    rkey = base.idempotency_redis_key(org.office_1.id, "in-flight-key")
    pending = json.dumps({"state": "pending", "target": "POST /api/leave/requests"})

    async def hold():
        await server.env.redis.set(rkey, pending, ex=60)
    server.run(hold())
    r = submit(me, "in-flight-key")
    assert r.status == 409 and r.code == "IDEMPOTENCY_IN_PROGRESS", r
    assert leave_rows(server, org.office_1) == []


def test_a_repeated_progress_report_creates_one_row(api, org, f, server):
    s = setup(f, org)
    gs = confirm(api, org, s.cycle, org.office_1, org.office_leader, s.ind.id)
    k = keys(gs)
    me = api.as_(org.office_1)
    h = {**at("2026-05-06T10:00:00+08:00"), "Idempotency-Key": "progress-report-1"}
    body = {"item_key": k[0], "actual_value": 900, "reported_on": "2026-05-06"}
    path = f"/api/appraisal/goal-sets/{gs['id']}/progress"
    first = me.post(path, body, headers=h)
    assert first.status == 201, first
    again = me.post(path, body, headers=h)
    assert again.status == 201 and again.data == first.data, again
    assert len(progress_rows(server, gs["id"])) == 1
    # without a key a second report is a second row
    assert report(me, gs, k[0], actual_value=900).status == 201
    assert len(progress_rows(server, gs["id"])) == 2
