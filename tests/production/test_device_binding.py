"""A person's first device binding commits with their first punch, never without it (issue 16:
a shutdown or a failed INSERT used to leave the binding behind while the punch was lost)."""
from models.attendance import DeviceBinding, Punch
from models.base import fetch_all
from services import punch_store
from tests.attendance.helpers import punch, setup_a


def test_binding_rolls_back_with_a_failed_first_punch(api, org, server, monkeypatch):
    setup_a(api, org)
    me = api.as_(org.office_1)

    async def broken_insert(row):
        raise RuntimeError("connection lost mid-punch")

    monkeypatch.setattr(punch_store, "insert_one", broken_insert)
    r = punch(me, "2026-11-02 08:20", device="phone-A")
    assert r.status == 500
    rows = server.run(fetch_all(DeviceBinding.select().where(DeviceBinding.staff == org.office_1.id)))
    assert rows == []  # the binding went with the punch
    monkeypatch.undo()
    r = punch(me, "2026-11-02 08:21", device="phone-B")
    assert r.status == 201 and r.data["flags"] == []
    rows = server.run(fetch_all(DeviceBinding.select().where(DeviceBinding.staff == org.office_1.id)))
    assert [b.device_id for b in rows] == ["phone-B"]
    assert len(server.run(fetch_all(Punch.select().where(Punch.staff == org.office_1.id)))) == 1


def _bindings(server, staff_id):
    return [b.device_id for b in server.run(fetch_all(
        DeviceBinding.select().where(DeviceBinding.staff == staff_id)))]


def test_binding_lost_after_the_punch_binds_on_the_retry(api, org, server, monkeypatch):
    # The binding is written after the punch (no transaction on the burst path): a cut between
    # the two leaves a punch without a binding, and the client's retry binds the punching phone.
    setup_a(api, org)
    me = api.as_(org.office_1)
    real_bind = punch_store.bind_one

    async def lost(staff_id, device_id, now):
        raise RuntimeError("connection lost after the punch")

    monkeypatch.setattr(punch_store, "bind_one", lost)
    assert punch(me, "2026-11-02 08:20", device="phone-A").status == 500
    assert _bindings(server, org.office_1.id) == []
    monkeypatch.setattr(punch_store, "bind_one", real_bind)
    r = punch(me, "2026-11-02 08:20:30", device="phone-B")  # the retry (another phone, even)
    assert r.status == 200 and r.data["repeat"] is True
    assert _bindings(server, org.office_1.id) == ["phone-A"]  # the phone that punched
    r = punch(me, "2026-11-02 17:40", device="phone-B")
    assert r.status == 201 and r.data["flags"] == ["device"]


def test_first_punch_that_lost_the_binding_race_is_marked(api, org, server, monkeypatch):
    setup_a(api, org)
    me = api.as_(org.office_1)

    async def other_phone_won(staff_id, device_id, now):
        return "phone-X"

    monkeypatch.setattr(punch_store, "bind_one", other_phone_won)
    r = punch(me, "2026-11-02 08:20", device="phone-A")
    assert r.status == 201 and r.data["flags"] == ["device"] and r.data["review_status"] == "pending"
    row = server.run(Punch.aget(Punch.id == r.data["id"]))
    assert (row.flags, row.review_status) == ("device", "pending")
