"""Concurrent clock-ins share round trips (services/punch_store.py, issue 16's morning burst):
one multi-row INSERT for the punches of the moment, one INSERT IGNORE for their first devices —
and every person still gets their own punch, id and binding, or their own refusal."""
import datetime
import threading

from models.attendance import DeviceBinding, Punch
from models.base import fetch_all
from services import punch_store
from tests.attendance.helpers import punch, setup_a

WHEN = "2026-11-02 08:20"


def _hold_first_insert(monkeypatch):
    """The first INSERT waits until the other requests are queued behind it, so they are
    stored together in the next batch; returns the row counts of the multi-row INSERTs."""
    real_insert, gate, sizes = punch_store.insert_one, threading.Event(), []
    real_many = punch_store._many_sql

    async def slow_insert(row):
        import asyncio
        for _ in range(100):
            if gate.is_set():
                break
            await asyncio.sleep(0.02)
        return await real_insert(row)

    def many_sql(database, name, build, params, n):
        sizes.append((name, n))
        return real_many(database, name, build, params, n)

    monkeypatch.setattr(punch_store, "insert_one", slow_insert)
    monkeypatch.setattr(punch_store, "_many_sql", many_sql)
    return gate, sizes


def _punch_together(clients, gate, *, device_of, when=WHEN):
    results = [None] * len(clients)
    ready = threading.Barrier(len(clients) + 1)

    def go(i):
        ready.wait()
        results[i] = punch(clients[i], when, device=device_of(i))

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    ready.wait()
    threading.Timer(0.5, gate.set).start()  # the first INSERT goes once the rest are queued
    for t in threads:
        t.join()
    return results


def test_concurrent_first_punches_are_stored_in_one_batch_each_their_own(api, org, server, f,
                                                                         monkeypatch):
    setup_a(api, org)
    people = [f.staff(org.a_office, f"并发职工{i}", employee_no=f"C{i:03d}") for i in range(12)]
    gate, sizes = _hold_first_insert(monkeypatch)
    results = _punch_together([api.as_(p) for p in people], gate, device_of=lambda i: f"phone-{i}")

    assert [r.status for r in results] == [201] * 12, results
    batch = max(n for name, n in sizes if name == "insert")
    assert batch >= 6 and ("bind", batch) in sizes, sizes  # stored together, bound together
    rows = {p.id: p for p in server.run(fetch_all(Punch.select()))}
    assert len(rows) == 12
    for i, (person, r) in enumerate(zip(people, results)):
        stored = rows[r.data["id"]]  # the id answered is that person's own row
        assert stored.staff_id == person.id == r.data["staff_id"]
        assert stored.device_id == f"phone-{i}"
        assert r.data["flags"] == [] and r.data["proofs"] == ["geofence"]
    bound = {b.staff_id: b.device_id for b in server.run(fetch_all(DeviceBinding.select()))}
    assert bound == {p.id: f"phone-{i}" for i, p in enumerate(people)}


def test_a_stored_minute_in_the_batch_fails_that_person_only(api, org, server, f, monkeypatch):
    setup_a(api, org)
    people = [f.staff(org.a_office, f"并发职工{i}", employee_no=f"C{i:03d}") for i in range(6)]
    # Person 3 already has a row for that minute (an approved 补卡, not a "last punch"): the
    # batch's INSERT fails on the unique (staff, minute) key and is retried row by row.
    at = datetime.datetime(2026, 11, 2, 0, 20, 10)
    clash = server.run(Punch.acreate(
        created_at=at, staff=people[3].id, unit=org.a.id, at=at,
        minute_bucket=punch_store_minute(at), kind="makeup", device_id="", proofs="", reason="补卡",
        flags="", review_status="", review_note=""))
    gate, sizes = _hold_first_insert(monkeypatch)
    results = _punch_together([api.as_(p) for p in people], gate, device_of=lambda i: f"phone-{i}")

    assert [r.status for r in results] == [201, 201, 201, 200, 201, 201], results
    assert max(n for name, n in sizes if name == "insert") >= 3, sizes
    by_person = {p.id: r for p, r in zip(people, results)}
    assert by_person[people[3].id].status == 200 and by_person[people[3].id].data["id"] == clash.id
    for p in people:
        mine = server.run(fetch_all(Punch.select().where(Punch.staff == p.id)))
        assert len(mine) == 1
        if p.id != people[3].id:
            assert by_person[p.id].status == 201 and by_person[p.id].data["id"] == mine[0].id


def punch_store_minute(at_utc):
    return int(at_utc.replace(tzinfo=datetime.timezone.utc).timestamp()) // 60


def test_bind_batch_reports_the_device_that_won(api, org, server, f):
    a, b = f.staff(org.a_office, "甲"), f.staff(org.a_office, "乙")
    now = datetime.datetime(2026, 11, 2, 0, 20)
    server.run(DeviceBinding.acreate(staff=a.id, device_id="phone-old", updated_at=now))
    got = server.run(punch_store._bind_batch([(a.id, "phone-new", now), (b.id, "phone-b", now)]))
    assert got == {a.id: "phone-old", b.id: "phone-b"}
    bound = {x.staff_id: x.device_id for x in server.run(fetch_all(DeviceBinding.select()))}
    assert bound == {a.id: "phone-old", b.id: "phone-b"}


def test_a_database_error_in_the_batch_answers_503_and_stores_nothing(api, org, server, f,
                                                                      monkeypatch):
    setup_a(api, org)
    people = [f.staff(org.a_office, f"并发职工{i}", employee_no=f"C{i:03d}") for i in range(4)]
    import peewee as pw

    async def down(*_args, **_kw):
        raise pw.OperationalError(2013, "Lost connection to MySQL server during query")

    gate, _ = _hold_first_insert(monkeypatch)
    monkeypatch.setattr(punch_store, "_bind_batch", down)  # after the punches: binding lost
    results = _punch_together([api.as_(p) for p in people], gate, device_of=lambda i: f"phone-{i}")
    # A punch stored alone binds through bind_one and answers 201; a batch loses its binding
    # write: 503 SERVICE_UNAVAILABLE for all in it, their punches stored, no binding without one.
    assert {r.status for r in results} <= {201, 503} and sum(r.status == 503 for r in results) >= 2
    assert all(r.code == "SERVICE_UNAVAILABLE" for r in results if r.status == 503)
    monkeypatch.undo()
    for p, r in zip(people, results):
        if r.status == 503:  # the client's retry returns the stored punch and binds its phone
            again = punch(api.as_(p), "2026-11-02 08:20:30", device=f"phone-{people.index(p)}")
            assert again.status == 200 and again.data["repeat"] is True
    bound = {x.staff_id: x.device_id for x in server.run(fetch_all(DeviceBinding.select()))}
    assert bound == {p.id: f"phone-{i}" for i, p in enumerate(people)}
    assert len(server.run(fetch_all(Punch.select()))) == 4
