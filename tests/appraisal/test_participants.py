"""The participant list: computed at launch from the rule (departments with sub-departments, ranks)
with each exclusion and its reason, frozen (a later joiner is not a participant), then explicit
add/remove with a reason, audited; notifications and the launch event; a 10,000-person launch."""
import datetime
import time

from models.appraisal.cycles import CycleParticipant
from models.base import atomic, fetch_all
from models.notify import Notification
from models.org import Rank, Staff, StaffPost
from services import events
from tests.appraisal.cycles_support import (approved_leave, as_, audits, create_cycle, d,
                                            launched_cycle)


def _rows(server, model, *where):
    return server.run(fetch_all(model.select().where(*where) if where else model.select()))


def _by_name(rows):
    return {r["name"]: r for r in rows}


def test_launch_freezes_participants_with_each_exclusion_reason(server, api, org, f):
    late = f.staff(org.a_hr, "新同事", hire_date=datetime.date(2026, 10, 15))
    sick = f.staff(org.a_hr_files, "长病假")
    approved_leave(server, sick, d("2025-12-01"), d("2026-07-10"), code="sick")   # 191 days in 2026
    short = f.staff(org.a_hr_files, "短假")
    approved_leave(server, short, d("2026-03-02"), d("2026-03-06"))
    seconded = f.staff(org.a_hr, "挂职干部")
    f.post(seconded, org.b_office, kind="secondment")
    concurrent = f.staff(org.a_hr, "兼职干部")
    f.post(concurrent, org.a_fin, kind="concurrent")
    hr = as_(api, org.a_hr_officer)
    c = create_cycle(hr, participant_rule={
        "department_ids": [org.a_hr.id],
        "exclude": {"long_leave_days": 180, "hired_after": "2026-10-01", "seconded_out": True}})
    seen = []

    async def on_launched(**payload):
        seen.append(payload)
    events.subscribe("appraisal.cycle.launched", on_launched)
    try:
        r = hr.post(f"/api/appraisal/cycles/{c['id']}/launch")
    finally:
        events._subscribers["appraisal.cycle.launched"].remove(on_launched)
    assert r.status == 200, r
    assert r.data["status"] == "launched" and r.data["counts"] == {"active": 9, "excluded": 3, "removed": 0}
    listing = hr.get(f"/api/appraisal/cycles/{c['id']}/participants")
    assert listing.json["total"] == 12 and listing.json["counts"]["excluded"] == 3
    people = _by_name(listing.data)
    # 人事科 and its 档案组; nobody from 办公室/财务科 and no HR officer from elsewhere.
    assert set(people) == {"人事科负责人", "人事科职工一", "人事科职工二", "档案组负责人", "档案组职工一",
                           "档案组职工二", "甲人事专员", "新同事", "长病假", "短假", "挂职干部", "兼职干部"}
    assert people["新同事"]["status"] == "excluded" and people["新同事"]["exclusion"] == "hired_after"
    assert "2026-10-15 入职" in people["新同事"]["reason"]
    assert people["长病假"]["exclusion"] == "long_leave" and "191 天" in people["长病假"]["reason"]
    assert people["挂职干部"]["exclusion"] == "seconded_out" and people["挂职干部"]["exclusion_label"] == "挂职在外"
    for name in ("短假", "兼职干部", "档案组职工一", "甲人事专员"):
        assert people[name]["status"] == "active" and people[name]["exclusion"] is None, name
    assert people["档案组职工一"]["department"] == "档案组"
    # The launch is audited once with the counts, published, and notifies the active people.
    entry = audits(server, "appraisal.cycle.launch")[-1]
    assert entry.after["active"] == 9 and entry.after["excluded"] == {
        "hired_after": 1, "long_leave": 1, "seconded_out": 1}
    assert seen and sorted(seen[0]["participant_ids"]) == sorted(
        p["staff_id"] for p in listing.data if p["status"] == "active")
    msgs = _rows(server, Notification, Notification.kind == "appraisal.cycle.launched")
    assert sorted(m.recipient_id for m in msgs) == sorted(seen[0]["participant_ids"])
    assert msgs[0].link == f"/package-appraisal/goals/index?cycle_id={c['id']}"
    assert "2026-01-05 至 2026-01-30" in msgs[0].body
    # Filters: status, department subtree, name.
    only = hr.get(f"/api/appraisal/cycles/{c['id']}/participants?status=excluded").data
    assert {p["name"] for p in only} == {"新同事", "长病假", "挂职干部"}
    files = hr.get(f"/api/appraisal/cycles/{c['id']}/participants?department_id={org.a_hr_files.id}").data
    assert {p["department"] for p in files} == {"档案组"} and len(files) == 5
    q = hr.get(f"/api/appraisal/cycles/{c['id']}/participants?q=挂职").data
    assert [p["name"] for p in q] == ["挂职干部"]


def test_rank_rule_and_whole_unit(server, api, org, f):
    rank = server.run(Rank.aget(Rank.name == "一级主任科员"))
    server.run(Staff.update(rank=rank.id).where(Staff.id.in_([org.office_1.id, org.fin_2.id])).aexecute())
    hr = as_(api, org.a_hr_officer)
    c = launched_cycle(hr, participant_rule={"rank_ids": [rank.id]})
    names = {p["name"] for p in hr.get(f"/api/appraisal/cycles/{c['id']}/participants").data}
    assert names == {"办公室职工一", "财务科职工二"}
    whole = launched_cycle(hr, name="全局")
    rows = hr.get(f"/api/appraisal/cycles/{whole['id']}/participants?page_size=200").data
    assert "乙局长" not in {p["name"] for p in rows} and "甲局长" in {p["name"] for p in rows}
    assert len(rows) == whole["counts"]["active"] == 16   # every active person of 甲局


def test_no_participants_refuses_launch(server, api, org):
    hr = as_(api, org.a_hr_officer)
    c = create_cycle(hr, participant_rule={"department_ids": [org.a_fin.id],
                                           "exclude": {"hired_after": "2000-01-01"}})
    r = hr.post(f"/api/appraisal/cycles/{c['id']}/launch")
    assert r.status == 422 and r.code == "APPRAISAL_NO_PARTICIPANTS"
    assert hr.get(f"/api/appraisal/cycles/{c['id']}").data["status"] == "draft"
    assert not _rows(server, CycleParticipant)


def test_later_joiner_is_not_a_participant_add_and_remove_audited(server, api, org, f):
    hr = as_(api, org.a_hr_officer)
    c = launched_cycle(hr, participant_rule={"department_ids": [org.a_office.id]})
    base = f"/api/appraisal/cycles/{c['id']}/participants"
    joiner = f.staff(org.a_office, "后来者")
    assert "后来者" not in {p["name"] for p in hr.get(base).data}
    assert as_(api, joiner).get("/api/appraisal/my/cycles").data == []
    assert as_(api, joiner).get(f"/api/appraisal/cycles/{c['id']}").status == 404
    # Add with a reason.
    r = hr.post(base, {"staff_id": joiner.id, "reason": "1月调入，参加年度考核"})
    assert r.status == 201 and r.data["status"] == "active" and r.data["source"] == "added"
    assert r.data["changed_by"] == org.a_hr_officer.name
    assert hr.post(base, {"staff_id": joiner.id, "reason": "再加"}).code == "APPRAISAL_ALREADY_PARTICIPANT"
    entry = audits(server, "appraisal.participant.add")[-1]
    assert entry.target_id == f"{c['id']}:{joiner.id}" and entry.after["reason"] == "1月调入，参加年度考核"
    assert [x["id"] for x in as_(api, joiner).get("/api/appraisal/my/cycles").data] == [c["id"]]
    # Remove with a reason.
    r = hr.delete(f"{base}/{org.office_2.id}", {"reason": "借调至市委办"})
    assert r.status == 200 and r.data["status"] == "removed" and r.data["reason"] == "借调至市委办"
    entry = audits(server, "appraisal.participant.remove")[-1]
    assert entry.before["status"] == "active" and entry.after == {"status": "removed", "reason": "借调至市委办"}
    assert as_(api, org.office_2).get("/api/appraisal/my/cycles").data == []
    assert hr.delete(f"{base}/{org.office_2.id}", {"reason": "再移"}).status == 404
    assert hr.delete(f"{base}/{org.office_1.id}", {}).status == 422                 # reason required
    assert hr.delete(f"{base}/{org.fin_1.id}", {"reason": "不在名单"}).status == 404
    # A removed person can be added back (the row becomes active again).
    assert hr.post(base, {"staff_id": org.office_2.id, "reason": "借调取消"}).data["status"] == "active"
    # Another unit's person, a missing reason, the other unit's HR.
    assert hr.post(base, {"staff_id": org.b_office_1.id, "reason": "x"}).code == "STAFF_NOT_FOUND"
    assert hr.post(base, {"staff_id": org.fin_1.id}).status == 422
    b = as_(api, org.b_hr_officer)
    assert b.post(base, {"staff_id": org.b_office_1.id, "reason": "x"}).status == 404
    assert len(audits(server, "appraisal.participant.add")) == 2
    # Draft cycles have no participants to change.
    draft = create_cycle(hr, name="草稿")
    r = hr.post(f"/api/appraisal/cycles/{draft['id']}/participants", {"staff_id": joiner.id, "reason": "x"})
    assert r.status == 409 and r.code == "APPRAISAL_CYCLE_NOT_LAUNCHED"


def test_department_scoped_hr_sees_and_changes_only_their_departments(server, api, org, f):
    c = launched_cycle(as_(api, org.a_hr_officer))
    dept_hr = f.staff(org.a_fin, "财务科人事员", employee_no="A-DHR")
    f.grant(dept_hr, "hr_officer", "dept_tree", dept=org.a_fin)
    me = as_(api, dept_hr)
    base = f"/api/appraisal/cycles/{c['id']}/participants"
    rows = me.get(base).data
    assert {p["department"] for p in rows} == {"财务科"}
    assert me.delete(f"{base}/{org.office_1.id}", {"reason": "x"}).status == 404
    assert me.delete(f"{base}/{org.fin_1.id}", {"reason": "长期外派"}).status == 200


def test_launch_of_ten_thousand_staff_is_set_based(server, api, org, f):
    unit = org.a
    big = f.dept(unit, "大部门")

    async def populate():
        rows = [{"employee_no": f"BIG{i:05d}", "name": f"人员{i}", "unit": unit.id, "department": big.id,
                 "status": "active", "hire_date": datetime.date(2015, 1, 1),
                 "first_employment_date": datetime.date(2010, 1, 1), "gender": "M"}
                for i in range(10000)]
        async with atomic():
            for i in range(0, len(rows), 500):
                await Staff.insert_many(rows[i:i + 500]).aexecute()
        ids = [s.id for s in await fetch_all(Staff.select(Staff.id).where(Staff.department == big.id)
                                             .limit(50))]
        async with atomic():
            await StaffPost.insert_many([{"staff": sid, "department": org.b_office.id,
                                          "kind": "secondment"} for sid in ids]).aexecute()
    server.run(populate(), timeout=300)
    hr = as_(api, org.a_hr_officer)
    c = create_cycle(hr, participant_rule={"department_ids": [big.id],
                                           "exclude": {"seconded_out": True, "long_leave_days": 30}})
    started = time.monotonic()
    r = hr.post(f"/api/appraisal/cycles/{c['id']}/launch")
    elapsed = time.monotonic() - started
    assert r.status == 200, r
    assert r.data["counts"] == {"active": 9950, "excluded": 50, "removed": 0}
    assert elapsed < 30, f"launch of 10,000 took {elapsed:.1f}s"
    assert len(_rows(server, Notification, Notification.kind == "appraisal.cycle.launched")) == 9950
    print(f"launch of 10,000 staff: {elapsed:.2f}s")
