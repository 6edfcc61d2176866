"""The scheduler: one lease holder at a time, one run per job occurrence, sources derived from the
database; future-dated delegations take over through it; the holiday rule for deadlines."""
import asyncio
import datetime

from models.approvals import ApprovalTask
from models.base import fetch_all
from models.notify import Notification
from services import reminders, scheduler
from tests.approvals.helpers import submit
from tests.reminders.helpers import bj, job_keys, tick


def test_one_lease_holder_at_a_time_taken_over_when_it_expires(server):
    async def go():
        a = scheduler.Lease(server.env.redis, "proc-a", 0.3)
        b = scheduler.Lease(server.env.redis, "proc-b", 0.3)
        first = [await a.acquire(), await b.acquire(), await a.acquire()]   # a holds, renews
        await asyncio.sleep(0.45)                                          # a died: expired
        second = [await b.acquire(), await a.acquire()]
        released_by_other = await a.release()                              # not a's to release
        return first, second, released_by_other, await b.release(), await a.acquire()
    first, second, foreign, own, again = server.run(go())
    assert first == [True, False, True]
    assert second == [True, False]
    assert foreign is False and own is True and again is True


def test_a_double_run_does_each_occurrence_once(server):
    effects = []

    async def source(ctx):
        async def run(ctx):
            effects.append(ctx.holder)
        return [scheduler.Occurrence(key="test.once:1", due_at=ctx.now, run=run),
                scheduler.Occurrence(key="test.once:later", due_at=ctx.now + datetime.timedelta(hours=1),
                                     run=run)]
    scheduler.register_source("test.once", source)
    try:
        async def go():
            # Two processes' ticks at the same moment (no lease here: the job key is the backstop).
            return await asyncio.gather(
                scheduler.run_due(server.env, holder="p1", only={"test.once"}),
                scheduler.run_due(server.env, holder="p2", only={"test.once"}))
        results = server.run(go())
        assert sorted(k for r in results for k in r) == ["test.once:1"]
        assert len(effects) == 1
        assert server.run(scheduler.run_due(server.env, holder="p3", only={"test.once"})) == []
        assert job_keys(server, "test.once") == ["test.once:1"]
    finally:
        scheduler.unregister_source("test.once")


def test_a_failing_job_is_not_recorded_and_runs_again(server):
    calls = []

    async def source(ctx):
        async def run(ctx):
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("database hiccup")
        return [scheduler.Occurrence(key="test.flaky:1", due_at=ctx.now, run=run)]
    scheduler.register_source("test.flaky", source)
    try:
        assert server.run(scheduler.run_due(server.env, holder="p", only={"test.flaky"})) == []
        assert server.run(scheduler.run_due(server.env, holder="p", only={"test.flaky"})) == ["test.flaky:1"]
        assert len(calls) == 2
    finally:
        scheduler.unregister_source("test.flaky")


def test_the_tick_hook_is_refused_while_another_process_holds_the_lease(api, server):
    server.run(server.env.redis.set(scheduler.LEASE_KEY, "someone-else", px=60000))
    assert tick(api)["ran"] is None
    server.run(server.env.redis.delete(scheduler.LEASE_KEY))
    assert tick(api)["ran"] == []


def test_a_future_delegation_takes_over_waiting_tasks_when_it_starts(api, org, server):
    inst = submit(server, org.office_1)
    leader = api.as_(org.office_leader)
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()  # Beijing
    start = today + datetime.timedelta(days=2)
    r = leader.post("/api/approvals/delegations", {"delegate_id": org.office_2.id, "start": str(start),
                                                    "end": str(start + datetime.timedelta(days=3))})
    assert r.status == 201 and r.data["handed_over"] == []
    # The day before: nothing moves.
    tick(api, f"{start - datetime.timedelta(days=1)}T10:00:00", sources=["delegation.start"])
    tasks = server.run(fetch_all(ApprovalTask.select().where(ApprovalTask.instance == inst["id"])))
    assert [t.assignee_id for t in tasks if t.status == "pending"] == [org.office_leader.id]
    # On the start day the scheduler hands it over, without anyone opening a list.
    data = tick(api, f"{start}T00:05:00", sources=["delegation.start"])
    assert len(data["ran"]) == 1 and data["ran"][0].startswith("delegation.start:")
    tasks = server.run(fetch_all(ApprovalTask.select().where(ApprovalTask.instance == inst["id"],
                                                             ApprovalTask.status == "pending")))
    assert [(t.assignee_id, t.on_behalf_of_id) for t in tasks] == [(org.office_2.id, org.office_leader.id)]
    msgs = server.run(fetch_all(Notification.select().where(Notification.recipient == org.office_2.id,
                                                            Notification.kind == "approval.pending")))
    assert len(msgs) == 1
    assert tick(api, f"{start}T09:00:00", sources=["delegation.start"])["ran"] == []   # once


def test_deadline_reminders_never_fall_on_rest_days_or_holidays(server):
    def at(day, before=0):
        return server.run(reminders.remind_at(datetime.date.fromisoformat(day), days_before=before))
    assert at("2025-03-12") == bj("2025-03-12T09:00:00")          # a Wednesday: that day
    assert at("2025-03-16") == bj("2025-03-14T09:00:00")          # a Sunday: the Friday before
    # ... and the Friday is also "1 working day before" it (the last chance), Wednesday "3".
    assert at("2025-03-16", before=1) == bj("2025-03-14T09:00:00")
    assert at("2025-03-16", before=3) == bj("2025-03-12T09:00:00")
    assert at("2025-03-14", before=1) == bj("2025-03-13T09:00:00")   # a Friday: Thursday
    # Spring Festival 2025: 28 Jan – 4 Feb off, Sunday 26 Jan a make-up working day.
    assert at("2025-02-02") == bj("2025-01-27T09:00:00")
    assert at("2025-02-05", before=1) == bj("2025-01-27T09:00:00")
    assert at("2025-02-05", before=3) == bj("2025-01-24T09:00:00")   # 27, 26 (调休上班), 24
    assert at("2025-01-27", before=1) == bj("2025-01-26T09:00:00")   # the 调休 Sunday works


def test_a_deadline_source_sends_on_the_working_day_before(api, org, server):
    async def source(ctx):
        due = await reminders.remind_at(datetime.date(2025, 2, 2))   # a deadline in the holiday

        async def run(ctx):
            from services.notify import raise_notification
            await raise_notification(recipient_ids=[org.office_1.id], kind="test.deadline",
                                     title="目标填报截止", now=ctx.now)
        return [scheduler.Occurrence(key="test.deadline:2025-02-02", due_at=due, run=run)]
    scheduler.register_source("test.deadline", source)
    try:
        assert tick(api, "2025-01-27T08:59:00", sources=["test.deadline"])["ran"] == []
        assert tick(api, "2025-01-27T09:00:00", sources=["test.deadline"])["ran"] == ["test.deadline:2025-02-02"]
        assert tick(api, "2025-02-02T09:00:00", sources=["test.deadline"])["ran"] == []
        msgs = api.as_(org.office_1).get("/api/messages").data
        assert [m["title"] for m in msgs] == ["目标填报截止"]
    finally:
        scheduler.unregister_source("test.deadline")
