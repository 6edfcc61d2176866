"""A unit's first month judged off the serving loop (issue 16): the background fill and the nightly
close judge in the server's worker process (services/worker_process) through its own connection,
store what the in-process path stores, fall back in-process when the worker dies; the server
starts the worker before serving and closes it on SIGTERM."""
import asyncio
import datetime
import os
import signal
import time

from models.attendance import DayStatus
from models.base import fetch_all
from services import attendance_days, worker_process
from tests.attendance.helpers import at, punch, setup_a
from tests.production.procs import ServerProcess
from tests.support import Client

NOV = "/api/attendance/report?month=2026-11"
FIELDS = ("staff_id", "day", "unit_id", "department_id", "status", "day_kind", "late_minutes",
          "early_minutes", "late_count", "early_count", "missing_count", "worked_days")


def row_of(report, staff):
    return next((p for p in report.data["people"] if p["staff_id"] == staff.id), None)


def stored_days(server):
    rows = server.run(fetch_all(DayStatus.select().order_by(DayStatus.staff, DayStatus.day)))
    return [tuple(getattr(r, k) for k in FIELDS) for r in rows]


def only_in_worker(monkeypatch):
    """Every fill goes to the worker, several batches of it; judging a batch on this process's
    loop fails the fill (the worker process has its own copy of the module, unpatched)."""
    monkeypatch.setattr(attendance_days, "INLINE_PERSON_DAYS", 0)   # the background fill
    monkeypatch.setattr(attendance_days, "WORKER_PERSON_DAYS", 0)
    monkeypatch.setattr(attendance_days, "BATCH", 4)

    async def not_here(*args):
        raise AssertionError("a batch was judged on the serving loop")
    monkeypatch.setattr(attendance_days, "_judge_batch", not_here)


def some_punches(api, org):
    me = api.as_(org.office_1)
    for when in ("2026-11-02 08:50", "2026-11-02 17:10", "2026-11-03 09:20", "2026-11-04 08:55"):
        assert punch(me, when).status == 201


def test_a_units_first_month_is_judged_in_the_worker_process(api, org, server, monkeypatch):
    hr, _ = setup_a(api, org)
    some_punches(api, org)
    real_judge = attendance_days._judge_batch
    only_in_worker(monkeypatch)
    first = hr.get(NOV, headers=at("2026-12-02 09:00"))
    assert first.status == 200 and first.data["complete"] is False, first.data
    server.run(attendance_days.wait_background())
    later = hr.get(NOV, headers=at("2026-12-02 09:01"))
    assert later.data["complete"] is True, later.data
    mine = row_of(later, org.office_1)
    assert (mine["late_count"], mine["missing_punches"]) == (3, 8), mine
    assert row_of(later, org.fin_1)["absences"] == 21
    assert row_of(later, org.b_office_1) is None                   # B stays outside A's report
    in_worker = stored_days(server)
    assert len({r[0] for r in in_worker}) >= 10 and all(r[2] == org.a.id for r in in_worker)
    # The same rows as judging on the loop stores.
    monkeypatch.setattr(attendance_days, "_judge_batch", real_judge)
    monkeypatch.setattr(attendance_days, "WORKER_PERSON_DAYS", 10 ** 9)
    server.run(DayStatus.delete().aexecute())
    assert hr.get(NOV, headers=at("2026-12-02 09:00")).data["complete"] is False
    server.run(attendance_days.wait_background())
    assert stored_days(server) == in_worker


def test_nightly_close_judges_in_the_worker_process(api, org, server, monkeypatch):
    setup_a(api, org)
    only_in_worker(monkeypatch)
    r = Client(server.base_url).post("/api/test/scheduler/tick", {"sources": ["attendance.close"]},
                                     headers=at("2026-11-18 01:05"))
    assert r.status == 200 and len(r.data["ran"]) == 2, r
    server.run(attendance_days.wait_background())
    days = server.run(fetch_all(DayStatus.select().where(DayStatus.staff == org.b_office_1.id)
                                .order_by(DayStatus.day)))
    assert [d.day.isoformat() for d in days][::16] == ["2026-11-01", "2026-11-17"] and len(days) == 17


def test_a_dead_worker_is_replaced_and_its_batch_judged_here(api, org, server, monkeypatch):
    hr, _ = setup_a(api, org)
    monkeypatch.setattr(attendance_days, "INLINE_PERSON_DAYS", 0)
    monkeypatch.setattr(attendance_days, "WORKER_PERSON_DAYS", 0)
    pid = server.run(worker_process.start())
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.3)
    assert hr.get(NOV, headers=at("2026-12-02 09:00")).data["complete"] is False
    server.run(attendance_days.wait_background())
    assert hr.get(NOV, headers=at("2026-12-02 09:01")).data["complete"] is True
    assert server.run(worker_process.start()) != pid               # a new process for the next


def descendants(pid):
    """Live processes below `pid` (the forkserver and, below it, the worker)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        found.update(kids)
        todo += kids
    return found


def test_server_starts_the_worker_before_serving_and_sigterm_closes_it(server):
    proc = ServerProcess(server)
    try:
        below = descendants(proc.proc.pid)
        assert len(below) >= 2, below       # forkserver and worker, before any export
        proc.terminate()
        assert proc.wait(30) == 0, proc.output()
        deadline = time.time() + 10
        while time.time() < deadline and any(_alive(p) for p in below):
            time.sleep(0.1)
        assert not [p for p in below if _alive(p)], proc.output()
        assert "Traceback" not in proc.output(), proc.output()
    finally:
        proc.kill()


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_report_polled_during_the_fill_queues_no_second_fill(api, org, server, monkeypatch):
    setup_a(api, org)
    monkeypatch.setattr(attendance_days, "INLINE_PERSON_DAYS", 0)   # every gap: a background fill
    now = datetime.datetime(2026, 12, 2, 1, 0)                       # 09:00 Beijing
    two, three = [org.office_1.id, org.fin_1.id], [org.office_1.id, org.fin_1.id, org.fin_2.id]

    async def polls():
        queued = []
        for todo in (two, two[:1], two, three):
            assert await attendance_days.ensure_stored(server.env, todo, "2026-11", now_utc=now) == len(todo)
            queued.append(len(attendance_days._tasks))
        await attendance_days.wait_background()
        return queued

    # The same people (or some of them) again: still the one fill; someone new: a second.
    assert server.run(polls()) == [1, 1, 1, 2]
    assert attendance_days._filling == {}
    for person in (org.office_1, org.fin_2):
        days = server.run(fetch_all(DayStatus.select().where(DayStatus.staff == person.id)))
        assert len(days) == 30


def test_a_server_killed_outright_leaves_no_worker_behind(server):
    proc = ServerProcess(server)
    try:
        below = descendants(proc.proc.pid)
        assert len(below) >= 2, below
        proc.proc.kill()                    # SIGKILL: no graceful shutdown closes the worker
        proc.proc.wait(10)
        deadline = time.time() + 10
        while time.time() < deadline and any(_alive(p) for p in below):
            time.sleep(0.1)
        assert not [p for p in below if _alive(p)]
    finally:
        proc.kill()


def test_the_month_lock_is_renewed_while_a_batch_is_in_the_worker(server, monkeypatch):
    monkeypatch.setattr(attendance_days, "LOCK_MS", 200)           # renewed every 50 ms

    class Lock:
        renewed = 0

        async def renew(self):
            Lock.renewed += 1

    async def slow_batch():
        await asyncio.sleep(0.3)
        return "judged"

    assert server.run(attendance_days._renewing(Lock(), slow_batch())) == "judged"
    assert Lock.renewed >= 3
    assert server.run(attendance_days._renewing(None, slow_batch())) == "judged"
