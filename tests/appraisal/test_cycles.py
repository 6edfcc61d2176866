"""Appraisal cycles over HTTP: create and validate phases (order, working-day deadlines with a
suggestion), draft vs launched edits, launch/close, moving a date and reopening a phase for one
person (audited, events, the phase gate), templates, data scope, bad input."""
import datetime

from models.appraisal.cycles import AppraisalCycle, PhaseReopening
from models.base import fetch_all
from models.notify import Notification
from server.errors import Conflict
from services import events
from services.appraisal import common
from services.calendar import day_info
from tests.appraisal.cycles_support import (NOW, PHASES_2026, as_, audits, create_cycle,
                                            cycle_body, d, launched_cycle)


def _rows(server, model, *where):
    return server.run(fetch_all(model.select().where(*where) if where else model.select()))


# ---- create and validate ------------------------------------------------------------------------

def test_create_draft_cycle_with_phases_audited(server, api, org):
    hr = as_(api, org.a_hr_officer)
    c = create_cycle(hr, settings={"min_items": 4},
                     participant_rule={"department_ids": [org.a_hr.id],
                                       "exclude": {"long_leave_days": 180, "seconded_out": True}})
    assert c["status"] == "draft" and c["unit_id"] == org.a.id and c["unit_name"] == "甲局"
    assert [p["phase"] for p in c["phases"]] == [p["phase"] for p in PHASES_2026]
    assert c["phases"][0]["label"] == "目标设定" and c["phases"][0]["closes_on"] == "2026-01-30"
    assert c["settings"] == {"min_items": 4, "max_items": 10, "progress_stale_days": 30}
    assert c["participant_rule"]["exclude"] == {"long_leave_days": 180, "seconded_out": True}
    assert c["counts"] == {"active": 0, "excluded": 0, "removed": 0}
    assert c["can"] == {"edit": True, "launch": True, "close": False, "manage": False}
    entry = audits(server, "appraisal.cycle.create")[-1]
    assert entry.target_id == str(c["id"]) and entry.after["name"] == "2026年度考核"
    assert hr.get(f"/api/appraisal/cycles/{c['id']}").data["name"] == "2026年度考核"


def test_phases_must_run_in_order_without_overlap(api, org):
    hr = as_(api, org.a_hr_officer)
    phases = [dict(p) for p in PHASES_2026]
    phases[1]["opens_on"] = "2026-01-20"      # progress opens before goal setting closes
    r = hr.post("/api/appraisal/cycles", cycle_body(phases=phases))
    assert r.status == 422 and r.code == "APPRAISAL_PHASES_OVERLAP"
    assert "目标设定" in r.error["fields"]["phases.1.opens_on"]
    # Listed out of order but with dates in order: accepted, stored in phase order.
    c = create_cycle(hr, phases=[PHASES_2026[1], PHASES_2026[0]])
    assert [p["phase"] for p in c["phases"]] == ["goal_setting", "progress"]
    # Repeated phase, a deadline before the opening, an unknown phase.
    r = hr.post("/api/appraisal/cycles", cycle_body(phases=[PHASES_2026[0], PHASES_2026[0]]))
    assert r.status == 422 and "phases.1.phase" in r.error["fields"]
    bad = {"phase": "goal_setting", "opens_on": "2026-01-30", "closes_on": "2026-01-05"}
    r = hr.post("/api/appraisal/cycles", cycle_body(phases=[bad]))
    assert r.status == 422 and r.error["fields"]["phases.0.closes_on"] == "截止日期不能早于开始日期"
    r = hr.post("/api/appraisal/cycles", cycle_body(phases=[{**bad, "phase": "lunch"}]))
    assert r.status == 422 and r.code == "VALIDATION_FAILED" and "phases.0.phase" in r.error["fields"]
    assert hr.post("/api/appraisal/cycles", cycle_body(phases=[])).status == 422


def test_deadline_on_holiday_or_weekend_refused_with_a_working_day_suggested(server, api, org):
    hr = as_(api, org.a_hr_officer)
    phases = [dict(p) for p in PHASES_2026[:3]]
    phases[1]["closes_on"] = "2026-10-01"          # 国庆节
    phases[2]["closes_on"] = "2026-12-12"          # a Saturday
    r = hr.post("/api/appraisal/cycles", cycle_body(phases=phases))
    assert r.status == 422 and r.code == "APPRAISAL_DEADLINE_NOT_WORKING_DAY"
    holiday = r.error["fields"]["phases.1.closes_on"]
    assert "国庆节" in holiday and "建议改为" in holiday
    suggested = d(holiday.split("建议改为 ")[1])
    assert suggested > d("2026-10-01") and server.run(day_info(suggested, unit_id=org.a.id)).working
    assert "2026-12-14" in r.error["fields"]["phases.2.closes_on"]   # Saturday -> Monday
    assert not _rows(server, AppraisalCycle)
    # "N working days after opening": 5 working days from Monday 5 January is Friday 9 January.
    c = create_cycle(hr, phases=[{"phase": "goal_setting", "opens_on": "2026-01-05", "working_days": 5}])
    assert c["phases"][0]["closes_on"] == "2026-01-09"
    # Across the Spring Festival: 5 working days from 2026-02-12 skip the holiday (14th is a make-up day).
    c = create_cycle(hr, phases=[{"phase": "goal_setting", "opens_on": "2026-02-12", "working_days": 4}])
    closes = d(c["phases"][0]["closes_on"])
    assert server.run(day_info(closes, unit_id=org.a.id)).working and closes > d("2026-02-14")


def test_periodic_kind_needs_period_and_number(api, org):
    hr = as_(api, org.a_hr_officer)
    r = hr.post("/api/appraisal/cycles", cycle_body(kind="periodic", phases=PHASES_2026[:1]))
    assert r.status == 422 and "period" in r.error["fields"]
    r = hr.post("/api/appraisal/cycles", cycle_body(kind="periodic", period="quarter", period_no=5,
                                                    phases=PHASES_2026[:1]))
    assert r.status == 422 and "period_no" in r.error["fields"]
    c = create_cycle(hr, kind="periodic", period="quarter", period_no=1, name="2026年第一季度平时考核",
                     phases=PHASES_2026[:1])
    assert c["period"] == "quarter" and c["period_no"] == 1 and c["kind_label"] == "平时考核"
    c = create_cycle(hr, kind="special", period="month", period_no=3, phases=PHASES_2026[:1])
    assert c["period"] is None and c["period_no"] is None


def test_rule_refuses_other_units_departments_and_unknown_ranks(api, org):
    hr = as_(api, org.a_hr_officer)
    r = hr.post("/api/appraisal/cycles", cycle_body(participant_rule={"department_ids": [org.b_office.id]}))
    assert r.status == 422 and r.code == "APPRAISAL_RULE_INVALID"
    r = hr.post("/api/appraisal/cycles", cycle_body(participant_rule={"rank_ids": [999999]}))
    assert r.status == 422 and "participant_rule.rank_ids" in r.error["fields"]
    r = hr.post("/api/appraisal/cycles", cycle_body(participant_rule={"exclude": {"long_leave": 3}}))
    assert r.status == 422 and r.code == "VALIDATION_FAILED"   # a typo in the rule is refused
    r = hr.post("/api/appraisal/cycles", cycle_body(settings={"min_items": 8, "max_items": 5}))
    assert r.status == 422 and r.code == "APPRAISAL_SETTINGS_INVALID"


def test_only_hr_over_the_whole_unit_creates(api, org, f):
    assert as_(api, org.office_1).post("/api/appraisal/cycles", cycle_body()).status == 403
    r = as_(api, org.b_hr_officer).post("/api/appraisal/cycles", cycle_body(unit_id=org.a.id))
    assert r.status == 404 and r.code == "UNIT_NOT_FOUND"
    dept_hr = f.staff(org.a_fin, "财务科人事员", employee_no="A-DHR")
    f.grant(dept_hr, "hr_officer", "dept_tree", dept=org.a_fin)
    assert as_(api, dept_hr).post("/api/appraisal/cycles", cycle_body(unit_id=org.a.id)).status == 404
    c = create_cycle(as_(api, org.a_hr_officer))
    r = as_(api, dept_hr).post(f"/api/appraisal/cycles/{c['id']}/launch")
    assert r.status == 403 and r.code == "APPRAISAL_UNIT_SCOPE_REQUIRED"


# ---- edits ---------------------------------------------------------------------------------------

def test_draft_is_editable_launched_only_name_and_settings(server, api, org):
    hr = as_(api, org.a_hr_officer)
    c = create_cycle(hr)
    path = f"/api/appraisal/cycles/{c['id']}"
    phases = [dict(p) for p in PHASES_2026]
    phases[0]["closes_on"] = "2026-02-06"
    phases[1]["opens_on"] = "2026-02-09"
    r = hr.patch(path, {"version": c["version"], "phases": phases, "name": "2026年度考核（机关）",
                        "participant_rule": {"department_ids": [org.a_office.id]}})
    assert r.status == 200, r
    assert r.data["phases"][0]["closes_on"] == "2026-02-06" and r.data["version"] == c["version"] + 1
    assert r.data["participant_rule"]["department_ids"] == [org.a_office.id]
    stale = hr.patch(path, {"version": c["version"], "name": "旧版本"})
    assert stale.status == 409 and stale.code == "APPRAISAL_CYCLE_STALE"
    bad = hr.patch(path, {"version": r.data["version"], "phases": [{**phases[0], "closes_on": "2026-02-07"}]})
    assert bad.status == 422 and bad.code == "APPRAISAL_DEADLINE_NOT_WORKING_DAY"
    entry = audits(server, "appraisal.cycle.update")[-1]
    assert entry.before["phases"][0]["closes_on"] == "2026-01-30"
    assert entry.after["phases"][0]["closes_on"] == "2026-02-06"
    launched = hr.post(f"{path}/launch").data
    assert launched["status"] == "launched" and launched["can"]["launch"] is False
    r = hr.patch(path, {"version": launched["version"], "phases": PHASES_2026})
    assert r.status == 409 and r.code == "APPRAISAL_CYCLE_LAUNCHED"
    r = hr.patch(path, {"version": launched["version"], "participant_rule": {"department_ids": []}})
    assert r.status == 409
    r = hr.patch(path, {"version": launched["version"], "name": "2026年度考核（改）",
                        "settings": {"max_items": 8}})
    assert r.status == 200 and r.data["name"] == "2026年度考核（改）"
    assert r.data["settings"]["max_items"] == 8 and r.data["settings"]["min_items"] == 3
    assert hr.post(f"{path}/launch").code == "APPRAISAL_CYCLE_NOT_DRAFT"
    closed = hr.post(f"{path}/close")
    assert closed.status == 200 and closed.data["status"] == "closed"
    assert audits(server, "appraisal.cycle.close")[-1].after == {"status": "closed"}
    assert hr.patch(path, {"version": closed.data["version"], "name": "x"}).code == "APPRAISAL_CYCLE_CLOSED"
    assert hr.post(f"{path}/close").code == "APPRAISAL_CYCLE_NOT_LAUNCHED"


# ---- move a date, reopen for one person, the phase gate ---------------------------------------------

def test_move_phase_date_audited_with_event(server, api, org):
    hr = as_(api, org.a_hr_officer)
    c = launched_cycle(hr)
    seen = []

    async def on_moved(**payload):
        seen.append(payload)
    events.subscribe("appraisal.phase.moved", on_moved)
    try:
        r = hr.put(f"/api/appraisal/cycles/{c['id']}/phases/goal_setting",
                   {"opens_on": "2026-01-05", "closes_on": "2026-01-23", "reason": "提前完成目标设定"})
    finally:
        events._subscribers["appraisal.phase.moved"].remove(on_moved)
    assert r.status == 200, r
    assert r.data["phases"][0]["closes_on"] == "2026-01-23"
    entry = audits(server, "appraisal.phase.move")[-1]
    assert entry.target_id == f"{c['id']}:goal_setting"
    assert entry.before == {"opens_on": "2026-01-05", "closes_on": "2026-01-30"}
    assert entry.after["closes_on"] == "2026-01-23" and entry.after["reason"] == "提前完成目标设定"
    assert seen and seen[0]["phase"] == "goal_setting" and seen[0]["closes_on"] == d("2026-01-23")
    path = f"/api/appraisal/cycles/{c['id']}/phases/goal_setting"
    r = hr.put(path, {"opens_on": "2026-01-05", "closes_on": "2026-02-05", "reason": "延长"})
    assert r.status == 422 and r.code == "APPRAISAL_PHASES_OVERLAP"        # runs into progress
    r = hr.put(path, {"opens_on": "2026-01-05", "closes_on": "2026-01-25", "reason": "延长"})
    assert r.status == 422 and r.code == "APPRAISAL_DEADLINE_NOT_WORKING_DAY"   # a Sunday
    r = hr.put(path, {"opens_on": "2026-01-05", "closes_on": "2026-01-29"})
    assert r.status == 422 and "reason" in r.error["fields"]
    r = hr.put(path, {"opens_on": "2026-01-05", "closes_on": "2026-01-29", "reason": "   "})
    assert r.status == 422
    assert hr.put(f"/api/appraisal/cycles/{c['id']}/phases/lunch",
                  {"opens_on": "2026-01-05", "closes_on": "2026-01-29", "reason": "x"}).status == 404
    assert len(audits(server, "appraisal.phase.move")) == 1
    short = launched_cycle(hr, phases=PHASES_2026[:2], name="只有两个阶段")
    r = hr.put(f"/api/appraisal/cycles/{short['id']}/phases/scoring",
               {"opens_on": "2026-12-16", "closes_on": "2026-12-31", "reason": "补设"})
    assert r.status == 404 and r.code == "APPRAISAL_PHASE_NOT_FOUND"


def test_reopen_phase_for_one_person_opens_the_gate_for_them_only(server, api, org):
    hr = as_(api, org.a_hr_officer)
    c = launched_cycle(hr)
    cycle = server.run(AppraisalCycle.aget(AppraisalCycle.id == c["id"]))
    feb = d("2026-02-10")          # goal setting closed on 30 January
    gate = common.require_phase
    for who in (org.hr_1, org.hr_2):
        try:
            server.run(gate(cycle, "goal_setting", staff_id=who.id, today=feb))
            raise AssertionError("the phase should be closed")
        except Conflict as exc:
            assert exc.code == "APPRAISAL_PHASE_CLOSED"
    seen = []

    async def on_reopened(**payload):
        seen.append(payload)
    events.subscribe("appraisal.phase.reopened", on_reopened)
    try:
        r = hr.at("2026-02-10T09:00:00").post(f"/api/appraisal/cycles/{c['id']}/reopenings", {
            "staff_id": org.hr_1.id, "phase": "goal_setting", "until": "2026-02-13",
            "reason": "病假返岗，补填目标"})
    finally:
        events._subscribers["appraisal.phase.reopened"].remove(on_reopened)
    assert r.status == 201, r
    assert r.data["name"] == org.hr_1.name and r.data["until"] == "2026-02-13"
    assert r.data["granted_by"] == org.a_hr_officer.name
    server.run(gate(cycle, "goal_setting", staff_id=org.hr_1.id, today=feb))      # open for them
    try:
        server.run(gate(cycle, "goal_setting", staff_id=org.hr_2.id, today=feb))
        raise AssertionError("still closed for everyone else")
    except Conflict:
        pass
    try:   # and closed again after `until`
        server.run(gate(cycle, "goal_setting", staff_id=org.hr_1.id, today=d("2026-02-14")))
        raise AssertionError("closed after until")
    except Conflict:
        pass
    entry = audits(server, "appraisal.phase.reopen")[-1]
    assert entry.after["staff_id"] == org.hr_1.id and entry.after["reason"] == "病假返岗，补填目标"
    assert seen and seen[0]["staff_id"] == org.hr_1.id and seen[0]["until"] == d("2026-02-13")
    msgs = _rows(server, Notification, Notification.kind == "appraisal.phase.reopened")
    assert [m.recipient_id for m in msgs] == [org.hr_1.id]
    # My cycles shows the phase open for them, closed for a colleague.
    mine = as_(api, org.hr_1, "2026-02-10T09:00:00").get("/api/appraisal/my/cycles").data[0]
    assert {p["phase"]: p["state"] for p in mine["phases"]}["goal_setting"] == "open"
    theirs = as_(api, org.hr_2, "2026-02-10T09:00:00").get("/api/appraisal/my/cycles").data[0]
    assert {p["phase"]: p["state"] for p in theirs["phases"]}["goal_setting"] == "closed"
    assert theirs["current_phase"] == "progress"
    listing = hr.get(f"/api/appraisal/cycles/{c['id']}/reopenings").data
    assert [x["staff_id"] for x in listing] == [org.hr_1.id]
    # Refusals: a date in the past, someone not taking part, another unit's person, no reason.
    base = f"/api/appraisal/cycles/{c['id']}/reopenings"
    late = hr.at("2026-02-10T09:00:00")
    assert late.post(base, {"staff_id": org.hr_1.id, "phase": "goal_setting", "until": "2026-02-01",
                            "reason": "x"}).status == 422
    assert late.post(base, {"staff_id": org.b_office_1.id, "phase": "goal_setting",
                            "until": "2026-02-13", "reason": "x"}).code == "APPRAISAL_PARTICIPANT_NOT_FOUND"
    assert late.post(base, {"staff_id": org.hr_1.id, "phase": "goal_setting",
                            "until": "2026-02-13"}).status == 422
    assert len(_rows(server, PhaseReopening)) == 1


# ---- scope and reads -----------------------------------------------------------------------------

def test_other_units_cycle_is_404_everywhere(server, api, org):
    hr = as_(api, org.a_hr_officer)
    draft = create_cycle(hr, name="草稿周期")
    c = launched_cycle(hr)
    b = as_(api, org.b_hr_officer)
    for cid in (draft["id"], c["id"]):
        base = f"/api/appraisal/cycles/{cid}"
        for r in (b.get(base), b.patch(base, {"version": 1, "name": "x"}), b.post(f"{base}/launch"),
                  b.post(f"{base}/close"), b.get(f"{base}/participants"),
                  b.post(f"{base}/participants", {"staff_id": org.b_office_1.id, "reason": "x"}),
                  b.delete(f"{base}/participants/{org.hr_1.id}", {"reason": "x"}),
                  b.put(f"{base}/phases/progress", {"opens_on": "2026-02-02", "closes_on": "2026-11-30",
                                                     "reason": "x"}),
                  b.post(f"{base}/reopenings", {"staff_id": org.hr_1.id, "phase": "goal_setting",
                                                "until": "2026-02-13", "reason": "x"}),
                  b.get(f"{base}/templates"), b.get(f"{base}/indicators"),
                  b.get(f"{base}/indicators/coverage"), b.get(f"{base}/monitor")):
            assert r.status == 404, r
    assert b.get("/api/appraisal/cycles").data == []
    assert b.get("/api/appraisal/my/cycles").data == []
    # An ordinary participant sees the launched cycle (not the draft) and nothing HR-only.
    me = as_(api, org.fin_1)
    assert [x["id"] for x in me.get("/api/appraisal/cycles").data] == [c["id"]]
    assert me.get(f"/api/appraisal/cycles/{draft['id']}").status == 404
    assert me.get(f"/api/appraisal/cycles/{c['id']}").data["can"]["manage"] is False
    assert me.get(f"/api/appraisal/cycles/{c['id']}/participants").status == 403
    assert me.get(f"/api/appraisal/cycles/{c['id']}/monitor").status == 404
    assert me.post(f"/api/appraisal/cycles/{c['id']}/close").status == 403
    assert hr.get("/api/appraisal/cycles?status=draft").data[0]["id"] == draft["id"]
    assert hr.get("/api/appraisal/cycles?year=2025").data == []
    assert hr.get("/api/appraisal/cycles").json["total"] == 2


def test_my_cycles_lists_my_phase_and_goal_set(server, api, org):
    from tests.appraisal.cycles_support import goal_set_row
    hr = as_(api, org.a_hr_officer)
    c = launched_cycle(hr)
    goal_set_row(server, c["id"], org.office_1, "submitted")
    mine = as_(api, org.office_1).get("/api/appraisal/my/cycles").data
    assert len(mine) == 1 and mine[0]["current_phase"] == "goal_setting"
    assert mine[0]["current_phase_label"] == "目标设定"
    assert mine[0]["goal_set"]["status"] == "submitted"
    assert mine[0]["link"] == f"/package-appraisal/goals/index?cycle_id={c['id']}"
    other = as_(api, org.office_2).get("/api/appraisal/my/cycles").data
    assert other[0]["goal_set"] is None


# ---- templates -----------------------------------------------------------------------------------

ITEMS = [{"title": "完成年度重点工作", "kind": "qualitative", "criteria": "按期完成", "weight": 60},
         {"title": "办件量", "kind": "quantitative", "target": 1200, "unit_of_measure": "件",
          "formula": {"type": "linear", "floor": 0}, "weight": 40}]


def test_goal_templates_by_position_audited(server, api, org, f):
    clerk = f.staff(org.a_office, "科员甲", position="科员")
    hr = as_(api, org.a_hr_officer)
    c = create_cycle(hr)
    base = f"/api/appraisal/cycles/{c['id']}/templates"
    r = hr.post(base, {"name": "科员通用目标", "position_id": clerk.position_id, "items": ITEMS})
    assert r.status == 201 and r.data["position"] == "科员" and r.data["weight_total"] == 100
    tid = r.data["id"]
    assert hr.post(base, {"name": "重复", "position_id": clerk.position_id, "items": ITEMS}).code == \
        "APPRAISAL_TEMPLATE_EXISTS"
    general = hr.post(base, {"name": "通用", "items": ITEMS[:1]})
    assert general.status == 201 and general.data["position_id"] is None
    r = hr.put(f"/api/appraisal/templates/{tid}", {"items": ITEMS[:1], "name": "科员目标"})
    assert r.status == 200 and r.data["weight_total"] == 60 and r.data["position"] == "科员"
    from services.appraisal.cycles import template_for
    assert server.run(template_for(c["id"], clerk.position_id))["name"] == "科员目标"
    assert server.run(template_for(c["id"], None))["name"] == "通用"
    assert [a.action for a in audits(server, "appraisal.template.update")] == ["appraisal.template.update"]
    assert hr.delete(f"/api/appraisal/templates/{general.data['id']}").status == 200
    assert audits(server, "appraisal.template.delete")[-1].target_id == str(general.data["id"])
    assert [t["id"] for t in hr.get(base).data] == [tid]
    # Bad items, another unit's position, another unit's HR.
    bad = hr.post(base, {"name": "坏", "items": [{"title": "x", "kind": "other", "weight": 10}]})
    assert bad.status == 422 and "items.0.kind" in bad.error["fields"]
    assert hr.post(base, {"name": "坏", "items": [{**ITEMS[0], "weight": 120}]}).status == 422
    b_pos = f.staff(org.b_office, "乙科员", position="科员")
    assert hr.post(base, {"name": "乙", "position_id": b_pos.position_id, "items": ITEMS}).status == 404
    b = as_(api, org.b_hr_officer)
    assert b.put(f"/api/appraisal/templates/{tid}", {"name": "改"}).status == 404
    assert b.delete(f"/api/appraisal/templates/{tid}").status == 404


def test_bad_input_is_4xx(api, org):
    hr = as_(api, org.a_hr_officer)
    assert hr.post("/api/appraisal/cycles", {"name": "x"}).status == 422
    assert hr.post("/api/appraisal/cycles", cycle_body(kind="yearly")).status == 422
    assert hr.post("/api/appraisal/cycles", cycle_body(year=1999)).status == 422
    r = hr.post("/api/appraisal/cycles", cycle_body(phases=[{"phase": "goal_setting",
                                                            "opens_on": 20260105, "closes_on": "2026-01-30"}]))
    assert r.status == 422 and "phases.0.opens_on" in r.error["fields"]
    assert hr.post("/api/appraisal/cycles", cycle_body(name="a\u0000b")).status == 422
    assert hr.get("/api/appraisal/cycles/99999999").status == 404
    assert hr.get("/api/appraisal/cycles?status=open").status == 422
    assert hr.patch("/api/appraisal/cycles/1", {"name": "x"}).status == 422     # version required
    assert api.get("/api/appraisal/my/cycles").status == 401
    assert hr.get(f"/api/appraisal/cycles/{create_cycle(hr)['id']}/reopenings").data == []
    assert NOW.startswith("2026-01-12")
    assert datetime.date(2026, 1, 12).weekday() == 0


def test_demo_cycle_is_running_with_deadlines_on_working_days(server, api):
    from models.appraisal.cycles import CycleParticipant, CyclePhase
    from models.org import Unit
    from services.appraisal.cycles import demo_cycle
    from services.demo import load_demo

    server.run(load_demo(env=server.env), timeout=120)
    unit = server.run(Unit.aget(Unit.code == "DEMO"))
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()  # Beijing
    cycle = server.run(demo_cycle(unit))
    assert cycle.status == "launched" and cycle.kind == "annual" and cycle.year == today.year
    assert server.run(demo_cycle(unit)).id == cycle.id                       # idempotent
    phases = _rows(server, CyclePhase, CyclePhase.cycle == cycle.id)
    assert len(phases) == 6
    gs = next(p for p in phases if p.phase == "goal_setting")
    assert gs.opens_on <= today <= gs.closes_on
    for p in phases:
        assert server.run(day_info(p.closes_on, unit_id=unit.id)).working, p.phase
    active = _rows(server, CycleParticipant, CycleParticipant.cycle == cycle.id,
                   CycleParticipant.status == "active")
    assert len(active) >= 25
    assert audits(server, "appraisal.cycle.launch")[-1].target_id == str(cycle.id)


def test_patch_with_nulls_changes_nothing_it_should_not(api, org):
    hr = as_(api, org.a_hr_officer)
    c = create_cycle(hr)
    r = hr.patch(f"/api/appraisal/cycles/{c['id']}", {"version": c["version"], "name": None, "kind": None,
                                                      "year": None, "phases": None, "settings": None})
    assert r.status == 200 and r.data["name"] == c["name"] and len(r.data["phases"]) == 6
    r = hr.patch(f"/api/appraisal/cycles/{c['id']}", {"version": r.data["version"], "kind": "periodic",
                                                      "period": "month", "period_no": 3})
    assert r.status == 200 and (r.data["period"], r.data["period_no"]) == ("month", 3)
    r = hr.patch(f"/api/appraisal/cycles/{c['id']}", {"version": r.data["version"], "kind": "annual"})
    assert r.status == 200 and (r.data["period"], r.data["period_no"]) == (None, None)


def test_scoring_and_alert_settings_are_declared_and_stored_without_nulls(server, api, org):
    hr = as_(api, org.a_hr_officer)
    c = create_cycle(hr, settings={"weights": {"leader": 80, "self": 20}, "peers": 0,
                                   "justification": {"min_chars": 20},
                                   "quota": {"percent": 15}, "publication_days": 7,
                                   "alerts": {"rater_bias": {"min_gap": 12, "enabled": True}},
                                   "reminders": {"goal_setting": [2], "scoring": []}})
    stored = server.run(AppraisalCycle.aget(AppraisalCycle.id == c["id"])).settings
    assert stored["weights"] == {"leader": 80, "self": 20} and stored["peers"] == 0
    assert stored["justification"] == {"min_chars": 20}          # unset keys fall back to defaults
    assert stored["quota"] == {"percent": 15} and stored["reminders"]["scoring"] == []
    r = hr.patch(f"/api/appraisal/cycles/{c['id']}", {"version": c["version"],
                                                      "settings": {"weights": {"boss": 100}}})
    assert r.status == 422 and "settings.weights.boss" in str(r.error["fields"]), r
    r = hr.patch(f"/api/appraisal/cycles/{c['id']}", {"version": c["version"],
                                                      "settings": {"publication_days": 0}})
    assert r.status == 422 and r.error["fields"] == {"settings.publication_days": "不能小于 1"}, r
