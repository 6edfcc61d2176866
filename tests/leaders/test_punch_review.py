"""Leaders review their team's flagged and field punches (issue 14) through the existing review
endpoints: their implicit reach covers attendance.review for the departments they lead; their
own punch is refused by the separation-of-duties rule."""
from models.audit import AuditLog
from models.notify import Notification
from tests.attendance.helpers import at, punch, setup_a


def _notices(server, staff):
    return server.run(Notification.select().where(Notification.recipient == staff.id).aexecute())


def test_leader_accepts_a_field_punch_of_their_team(api, org, server):
    setup_a(api, org)
    field = punch(api.as_(org.files_1), "2026-11-02 08:20", north=2000, reason="在区档案馆查档")
    assert field.status == 201 and field.data["kind"] == "field", field
    flagged = punch(api.as_(org.hr_2), "2026-11-02 08:22", accuracy=500).data
    elsewhere = punch(api.as_(org.fin_1), "2026-11-02 08:20", north=2000, reason="在银行办事").data
    lead = api.as_(org.hr_leader)

    queue = lead.get("/api/attendance/review")
    assert queue.status == 200, queue
    ids = [p["id"] for p in queue.data]
    assert set(ids) == {field.data["id"], flagged["id"]} and queue.json["total"] == 2
    r = lead.post(f"/api/attendance/punches/{field.data['id']}/review",
                  {"decision": "accept", "note": "已电话核实"}, headers=at("2026-11-02 10:00"))
    assert r.status == 200 and r.data["review_status"] == "accepted", r
    entry = server.run(AuditLog.aget(AuditLog.action == "attendance.punch.accepted"))
    assert entry.actor == org.hr_leader.id and entry.after["note"] == "已电话核实"
    r = lead.post(f"/api/attendance/punches/{flagged['id']}/review",
                  {"decision": "reject", "note": "定位漂移"})
    assert r.status == 200 and r.data["review_status"] == "rejected"
    assert lead.get("/api/attendance/review").json["total"] == 0
    assert lead.get("/api/attendance/review?status=accepted").data[0]["id"] == field.data["id"]

    # Another department's punch: 404, and absent from the queue.
    r = lead.post(f"/api/attendance/punches/{elsewhere['id']}/review", {"decision": "accept"})
    assert (r.status, r.code) == (404, "PUNCH_NOT_FOUND")
    # Another unit's leader sees none of it.
    assert api.as_(org.b_office_leader).get("/api/attendance/review").json["total"] == 0
    # Plain staff still may not review.
    assert api.as_(org.hr_1).get("/api/attendance/review").status == 403


def test_leader_may_not_review_their_own_punch(api, org):
    setup_a(api, org)
    own = punch(api.as_(org.hr_leader), "2026-11-02 08:20", north=2000, reason="外出开会").data
    r = api.as_(org.hr_leader).post(f"/api/attendance/punches/{own['id']}/review", {"decision": "accept"})
    assert (r.status, r.code) == (403, "SELF_ENTITLEMENT_CHANGE")
    # The supervising deputy head (分管领导 of 人事科) may.
    r = api.as_(org.a_deputy).post(f"/api/attendance/punches/{own['id']}/review", {"decision": "accept"})
    assert r.status == 200, r


def test_field_punch_notice_links_to_the_review_page(api, org, server):
    setup_a(api, org)
    p = punch(api.as_(org.hr_1), "2026-11-02 08:20", north=2000, reason="在市局开会").data
    notes = [n for n in _notices(server, org.hr_leader) if n.kind == "attendance.field_punch"]
    assert len(notes) == 1
    assert notes[0].link == f"/package-team/review/index?punch={p['id']}"
