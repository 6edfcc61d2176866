"""Reopening a phase for one person is stamped with the request's clock (X-Mingjing-Now in fake
mode), not the machine's: the row, the API answer and the person's message, from the API and from
the console."""
import datetime

from models.appraisal.cycles import PhaseReopening
from models.base import fetch_all
from models.notify import Notification
from tests.admin.test_leave_pages import console_as
from tests.appraisal.cycles_support import as_, launched_cycle

AT = "2026-02-10T09:00:00"                          # Beijing time (no offset)
AT_UTC = datetime.datetime(2026, 2, 10, 1, 0, 0)    # as stored: naive UTC


def _rows(server, model, *where):
    query = model.select().where(*where) if where else model.select()
    return server.run(fetch_all(query.order_by(model.id)))


def test_reopen_phase_is_stamped_with_the_request_clock(server, api, org):
    hr = as_(api, org.a_hr_officer)
    c = launched_cycle(hr)
    r = hr.at(AT).post(f"/api/appraisal/cycles/{c['id']}/reopenings", {
        "staff_id": org.hr_1.id, "phase": "goal_setting", "until": "2026-02-13", "reason": "病假返岗"})
    assert r.status == 201, r
    assert r.data["created_at"] == "2026-02-10T09:00:00+08:00"
    row, = _rows(server, PhaseReopening, PhaseReopening.staff == org.hr_1.id)
    assert row.created_at == AT_UTC
    msg, = _rows(server, Notification, Notification.kind == "appraisal.phase.reopened")
    assert msg.recipient_id == org.hr_1.id and msg.created_at == AT_UTC
    listing = hr.get(f"/api/appraisal/cycles/{c['id']}/reopenings").data
    assert [x["created_at"] for x in listing] == ["2026-02-10T09:00:00+08:00"]
    # "Today" is the request's Beijing date: an `until` before it is refused.
    late = hr.at("2026-02-12T09:00:00").post(f"/api/appraisal/cycles/{c['id']}/reopenings", {
        "staff_id": org.hr_2.id, "phase": "goal_setting", "until": "2026-02-11", "reason": "x"})
    assert late.status == 422 and late.error["fields"] == {"until": "应不早于今天"}
    # Another unit's HR cannot reopen this cycle's phase for anyone.
    other = as_(api, org.b_hr_officer).at(AT).post(f"/api/appraisal/cycles/{c['id']}/reopenings", {
        "staff_id": org.hr_2.id, "phase": "goal_setting", "until": "2026-02-13", "reason": "x"})
    assert other.status == 404
    assert len(_rows(server, PhaseReopening)) == 1


def test_console_reopen_is_stamped_with_the_request_clock(server, api, org):
    c = launched_cycle(as_(api, org.a_hr_officer))
    hr = console_as(server, org.a_hr_officer)
    assert hr.get(f"/admin/appraisal/cycles/{c['id']}/participants").status_code == 200   # sets _xsrf
    r = hr.post(f"/admin/appraisal/cycles/{c['id']}/participants/reopen",
                {"employee_no": org.office_1.employee_no, "phase": "goal_setting", "until": "2026-02-13",
                 "reason": "补填"}, headers={"X-Mingjing-Now": AT})
    assert r.status_code == 302, r.text[-800:]
    row, = _rows(server, PhaseReopening, PhaseReopening.staff == org.office_1.id)
    assert row.created_at == AT_UTC and row.until == datetime.date(2026, 2, 13)
    msg, = _rows(server, Notification, Notification.kind == "appraisal.phase.reopened")
    assert msg.created_at == AT_UTC
