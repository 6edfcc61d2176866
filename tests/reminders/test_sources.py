"""The built-in reminder sources: approvals waiting N working hours (approver, then delegate),
binding requests past their deadline (checker and leader) and resolved (applicant), clock-in on
working days to people who have not punched, are not away and have not opted out."""
import datetime

from models.approvals import ApprovalDelegation, ApprovalTask
from models.attendance import Punch
from models.base import fetch_all
from models.binding import BindingRequest
from models.leave import LeaveRequest, LeaveType
from models.notify import Notification
from services import reminders
from tests.approvals.helpers import submit
from tests.binding.flows import bind_phone, file_request, ticket_for
from tests.reminders.helpers import bj, tick


def messages(server, kind):
    return server.run(fetch_all(Notification.select().where(Notification.kind == kind)
                                .order_by(Notification.id)))


def test_working_hours_skip_nights_weekends_and_holidays(server):
    def add(start, hours):
        return server.run(reminders.add_working_hours(bj(start), hours))
    assert add("2025-03-12T10:00:00", 8) == bj("2025-03-13T10:00:00")
    assert add("2025-03-14T16:00:00", 8) == bj("2025-03-17T16:00:00")    # over the weekend
    assert add("2025-03-14T20:00:00", 2) == bj("2025-03-17T11:00:00")    # after hours
    assert add("2025-09-30T15:00:00", 4) == bj("2025-10-09T11:00:00")    # over National Day


def test_a_waiting_task_reminds_its_approver_then_the_delegate(api, org, server):
    inst = submit(server, org.office_1, summary="年休假 2 天")
    server.run(ApprovalTask.update(created_at=bj("2025-03-12T10:00:00")).where(
        ApprovalTask.instance == inst["id"]).aexecute())
    server.run(ApprovalDelegation.acreate(delegator=org.office_leader.id, delegate=org.office_2.id,
                                          unit=org.a.id, start=datetime.date(2025, 3, 14),
                                          end=datetime.date(2025, 3, 14)))
    only = ["approval.overdue"]
    assert tick(api, "2025-03-13T09:59:00", sources=only)["ran"] == []
    assert len(tick(api, "2025-03-13T10:00:00", sources=only)["ran"]) == 1
    first, = messages(server, "approval.overdue")
    assert first.recipient_id == org.office_leader.id and first.data["instance_id"] == inst["id"]
    assert tick(api, "2025-03-13T15:00:00", sources=only)["ran"] == []
    assert len(tick(api, "2025-03-14T10:00:00", sources=only)["ran"]) == 1
    second = messages(server, "approval.overdue")[-1]
    assert second.recipient_id == org.office_2.id and "16" in second.title
    assert tick(api, "2025-03-20T10:00:00", sources=only)["ran"] == []
    # The approver sees it in the inbox, linked to the request.
    inbox = api.as_(org.office_leader).get("/api/messages").data
    assert inbox[0]["kind"] == "approval.overdue" and str(inst["id"]) in inbox[0]["link"]


def test_an_acted_task_sends_no_reminder(api, org, server):
    inst = submit(server, org.office_1)
    server.run(ApprovalTask.update(created_at=bj("2025-03-12T10:00:00")).where(
        ApprovalTask.instance == inst["id"]).aexecute())
    assert api.as_(org.office_leader).post(f"/api/approvals/{inst['id']}/actions",
                                           {"action": "approve"}).status == 200
    assert tick(api, "2025-03-13T10:00:00", sources=["approval.overdue"])["ran"] == []


def test_binding_requests_escalate_after_a_working_day_and_tell_the_applicant(api, f, org, server,
                                                                             fake_wechat):
    one = f.staff(org.a_fin, "同号甲", employee_no="A-DUP1", phone="13633330000")
    two = f.staff(org.a_office, "同号乙", employee_no="A-DUP2", phone="13633330000")
    ticket = ticket_for(api, fake_wechat, "o-dup")
    assert bind_phone(api, fake_wechat, ticket, "13633330000").code == "BINDING_PHONE_AMBIGUOUS"
    req = file_request(api, ticket, "ambiguous", name="同号乙").data
    server.run(BindingRequest.update(deadline_at=bj("2025-03-13T10:00:00")).where(
        BindingRequest.id == req["id"]).aexecute())
    only = ["binding.overdue"]
    assert tick(api, "2025-03-13T09:00:00", sources=only)["ran"] == []
    assert tick(api, "2025-03-13T10:00:00", sources=only)["ran"] == [f"binding.overdue:{req['id']}"]
    rows = messages(server, "binding.overdue")
    # The data checker (in 办公室) and the checker's leader.
    assert sorted(r.recipient_id for r in rows) == sorted([org.a_checker.id, org.office_leader.id])
    assert tick(api, "2025-03-14T10:00:00", sources=only)["ran"] == []
    r = api.as_(org.a_checker).post(f"/api/binding/requests/{req['id']}/resolve",
                                    {"action": "rebind", "staff_id": two.id, "note": "核对工号"})
    assert r.status == 200, r
    done, = messages(server, "binding.resolved")
    assert done.recipient_id == two.id and done.title == "微信绑定申请已处理"
    assert one.id != two.id


def test_clock_in_reminder_on_working_days_to_those_not_yet_punched(api, org, server):
    day = datetime.date(2025, 3, 12)     # a Wednesday
    everyone = [org.office_1, org.office_2, org.fin_1, org.fin_2]
    server.run(Punch.acreate(staff=org.office_1.id, unit=org.a.id, at=bj("2025-03-12T08:30:00"),
                             minute_bucket=1))
    lt = server.run(LeaveType.acreate(code="annual", scope_key="t-annual", name="年休假"))
    server.run(LeaveRequest.acreate(staff=org.fin_1.id, unit=org.a.id, leave_type=lt.id,
                                    type_code="annual", year=2025, start_date=day, end_date=day,
                                    days=1, status="approved"))
    assert api.as_(org.fin_2).put("/api/reminders/settings", {"clock_in": False}).data["clock_in"] is False
    only = ["attendance.clock_in"]
    assert tick(api, "2025-03-12T08:49:00", sources=only)["ran"] == []
    ran = tick(api, "2025-03-12T08:50:00", sources=only)["ran"]
    assert f"clock_in:{org.a.id}:2025-03-12" in ran
    got = {r.recipient_id for r in messages(server, "attendance.clock_in")}
    assert org.office_2.id in got
    assert not got & {org.office_1.id, org.fin_1.id, org.fin_2.id}
    assert {s.id for s in everyone} - got == {org.office_1.id, org.fin_1.id, org.fin_2.id}
    before = len(messages(server, "attendance.clock_in"))
    assert tick(api, "2025-03-12T08:55:00", sources=only)["ran"] == []            # once a day
    assert tick(api, "2025-03-16T08:50:00", sources=only)["ran"] == []            # a Sunday
    assert tick(api, "2025-03-13T10:00:00", sources=only)["ran"] == []            # too late to help
    assert len(messages(server, "attendance.clock_in")) == before
