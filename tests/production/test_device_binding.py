"""A person's first device binding commits with their first punch, never without it (issue 16:
a shutdown or a failed INSERT used to leave the binding behind while the punch was lost)."""
from models.attendance import DeviceBinding, Punch
from models.base import fetch_all
from services import attendance
from tests.attendance.helpers import punch, setup_a


def test_binding_rolls_back_with_a_failed_first_punch(api, org, server, monkeypatch):
    setup_a(api, org)
    me = api.as_(org.office_1)

    async def broken_insert(row):
        raise RuntimeError("connection lost mid-punch")

    monkeypatch.setattr(attendance, "_insert_punch", broken_insert)
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
