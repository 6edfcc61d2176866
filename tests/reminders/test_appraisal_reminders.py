"""Appraisal reminders through the scheduler (services/appraisal/reminders.py): phase deadlines 3
and 1 working days before closes_on at 09:00 Beijing time to the people who still have something
to do, per-cycle offsets, a Sunday or National Day deadline moved to the working day before, no
duplicate on a second tick; review/appeal windows closing; decisions due to the approvers."""
import datetime

from models.appraisal.goals import GoalSet
from models.appraisal.outcomes import ResultRequest
from models.appraisal.progress import GoalProgress, SelfAssessment
from models.appraisal.scoring import AppraisalResult
from models.base import fetch_all
from models.notify import Notification
from models.reminders import Outbox
from tests.appraisal.cycles_support import goal_set_row
from tests.approvals.helpers import submit
from tests.reminders.helpers import bind, set_template, tick

DEADLINES = ["appraisal.deadlines"]


def notices(server, kind="appraisal.deadline"):
    return server.run(fetch_all(Notification.select().where(Notification.kind == kind)
                                .order_by(Notification.id)))


def keys(*parts):
    return sorted(":".join(str(p) for p in k) for k in parts)


def test_goal_setting_deadline_3_and_1_working_days_before_to_those_not_submitted(api, f, org, server,
                                                                                   fake_wechat):
    # Closes Friday 13 March 2026: reminders Tuesday 10th and Thursday 12th at 09:00.
    c = f.cycle(org.a, phases={"goal_setting": ("2026-03-02", "2026-03-13")},
                participants=[org.office_1, org.office_2, org.fin_1, org.hr_1])
    cb = f.cycle(org.b, name="乙局2026年度考核", phases={"goal_setting": ("2026-03-02", "2026-03-13")},
                 participants=[org.b_office_1])
    goal_set_row(server, c.id, org.office_2, "submitted")
    goal_set_row(server, c.id, org.hr_1, "confirmed", confirmed=True)
    fin = goal_set_row(server, c.id, org.fin_1, "returned")        # returned: still to do
    set_template(server, "appraisal.deadline", "T-DEADLINE",
                 fields={"thing1": "title", "time2": "data.closes_on", "thing3": "body"})
    bind(server, org.office_1)
    assert api.as_(org.office_1).post("/api/reminders/subscriptions",
                                      {"results": {"T-DEADLINE": "accept"}}).status == 200

    assert tick(api, "2026-03-10T08:59:00", sources=DEADLINES)["ran"] == []
    ran = tick(api, "2026-03-10T09:00:00", sources=DEADLINES)["ran"]
    assert sorted(ran) == keys(("appraisal.deadline", c.id, "goal_setting", org.office_1.id, 3),
                               ("appraisal.deadline", c.id, "goal_setting", org.fin_1.id, 3),
                               ("appraisal.deadline", cb.id, "goal_setting", org.b_office_1.id, 3))
    rows = notices(server)
    assert sorted(r.recipient_id for r in rows) == sorted([org.office_1.id, org.fin_1.id, org.b_office_1.id])
    mine = [r for r in rows if r.recipient_id == org.office_1.id][0]
    assert mine.title == "目标设定将于3月13日截止" and "尚未提交目标" in mine.body
    assert mine.link == f"/package-appraisal/goals/index?cycle_id={c.id}"
    assert mine.data["cycle_id"] == c.id and mine.data["days_before"] == 3
    theirs = [r for r in rows if r.recipient_id == org.b_office_1.id][0]
    assert theirs.data["cycle_id"] == cb.id and "乙局" in theirs.body
    # WeChat: the one bound and subscribed person got the subscribe message.
    sent = [m for m in fake_wechat.sent_messages() if m["template_id"] == "T-DEADLINE"]
    assert [m["touser"] for m in sent] == [f"openid-{org.office_1.id}"]
    assert sent[0]["data"]["thing1"]["value"] == "目标设定将于3月13日截止"
    assert sent[0]["data"]["time2"]["value"].startswith("2026年03月13日")
    # A second tick the same morning (or a second process) sends nothing again.
    assert tick(api, "2026-03-10T09:30:00", sources=DEADLINES)["ran"] == []
    assert tick(api, "2026-03-11T09:00:00", sources=DEADLINES)["ran"] == []
    # 财务科职工一 submits in between: the 1-day reminder skips them.
    server.run(GoalSet.update(status="submitted").where(GoalSet.id == fin.id).aexecute())
    assert tick(api, "2026-03-12T08:59:00", sources=DEADLINES)["ran"] == []
    ran = tick(api, "2026-03-12T09:00:00", sources=DEADLINES)["ran"]
    assert sorted(ran) == keys(("appraisal.deadline", c.id, "goal_setting", org.office_1.id, 1),
                               ("appraisal.deadline", cb.id, "goal_setting", org.b_office_1.id, 1))
    assert tick(api, "2026-03-12T15:00:00", sources=DEADLINES)["ran"] == []
    assert tick(api, "2026-03-16T09:00:00", sources=DEADLINES)["ran"] == []     # after the deadline
    assert len(notices(server)) == 5
    # What the people see: office_1 twice in the inbox, the submitted ones nothing.
    inbox = api.as_(org.office_1).get("/api/messages").data
    assert [m["kind"] for m in inbox] == ["appraisal.deadline", "appraisal.deadline"]
    assert api.as_(org.office_2).get("/api/messages").data == []
    assert api.as_(org.hr_1).get("/api/messages").data == []


def test_progress_self_assessment_and_scoring_only_to_those_with_work_left(api, f, org, server):
    c = f.cycle(org.a, phases={"progress": ("2026-11-02", "2026-11-20"),
                               "self_assessment": ("2026-11-23", "2026-12-04"),
                               "scoring": ("2026-12-07", "2026-12-18")},
                participants=[org.office_1, org.office_2, org.fin_1])
    two = [("k1", 50, None), ("k2", 50, None)]
    g1 = goal_set_row(server, c.id, org.office_1, "confirmed", confirmed=True, items=two)
    g2 = goal_set_row(server, c.id, org.office_2, "confirmed", confirmed=True, items=two)
    goal_set_row(server, c.id, org.fin_1, "draft", items=two)     # no confirmed goals: nothing to report

    async def rows():
        d = datetime.date
        await GoalProgress.acreate(goal_set=g1.id, item_key="k1", reported_on=d(2026, 11, 5), percent=50)
        await GoalProgress.acreate(goal_set=g1.id, item_key="k2", reported_on=d(2026, 10, 5), percent=20)
        for key in ("k1", "k2"):
            await GoalProgress.acreate(goal_set=g2.id, item_key=key, reported_on=d(2026, 11, 3), percent=60)
        await SelfAssessment.acreate(goal_set=g1.id, item_key="k1", summary="完成", status="submitted")
        await SelfAssessment.acreate(goal_set=g2.id, item_key="k1", summary="草稿", status="draft")
    server.run(rows())
    f.sheet(c, org.office_1, org.office_leader, status="pending")
    f.sheet(c, org.office_2, org.office_leader, status="draft")
    f.sheet(c, org.office_1, org.hr_leader, role="peer", status="submitted")
    f.sheet(c, org.office_2, org.fin_leader, role="peer", status="recused")
    # 乙局 reminds 2 working days before (its cycle setting), nothing else.
    cb = f.cycle(org.b, name="乙局2026年度考核", phases={"scoring": ("2026-12-07", "2026-12-18")},
                 participants=[org.b_office_1], settings={"reminders": {"scoring": [2], "goal_setting": []}})
    f.sheet(cb, org.b_office_1, org.b_office_leader, status="pending")

    # progress closes Friday 20 November: Tuesday 17th and Thursday 19th.
    assert tick(api, "2026-11-17T09:00:00", sources=DEADLINES)["ran"] == [
        f"appraisal.deadline:{c.id}:progress:{org.office_1.id}:3"]
    p, = notices(server)
    assert p.title == "过程跟踪将于11月20日截止" and "1 项目标未填报进展" in p.body
    assert p.link == f"/package-appraisal/progress/index?goal_set_id={g1.id}"
    assert tick(api, "2026-11-19T09:00:00", sources=DEADLINES)["ran"] == [
        f"appraisal.deadline:{c.id}:progress:{org.office_1.id}:1"]
    # self-assessment closes Friday 4 December: office_1 submitted, office_2 has a draft.
    assert tick(api, "2026-12-01T09:00:00", sources=DEADLINES)["ran"] == [
        f"appraisal.deadline:{c.id}:self_assessment:{org.office_2.id}:3"]
    assert notices(server)[-1].link == f"/package-appraisal/self-assessment/index?goal_set_id={g2.id}"
    # scoring closes Friday 18 December: the rater with a pending and a draft sheet; 乙局 on Wednesday.
    assert tick(api, "2026-12-15T09:00:00", sources=DEADLINES)["ran"] == [
        f"appraisal.deadline:{c.id}:scoring:{org.office_leader.id}:3"]
    s = notices(server)[-1]
    assert s.recipient_id == org.office_leader.id and "2 份评分表未提交" in s.body
    assert s.link == f"/package-appraisal/score/index?cycle_id={c.id}"
    assert tick(api, "2026-12-16T09:00:00", sources=DEADLINES)["ran"] == [
        f"appraisal.deadline:{cb.id}:scoring:{org.b_office_leader.id}:2"]
    assert tick(api, "2026-12-17T09:00:00", sources=DEADLINES)["ran"] == [
        f"appraisal.deadline:{c.id}:scoring:{org.office_leader.id}:1"]
    assert tick(api, "2026-12-17T10:00:00", sources=DEADLINES)["ran"] == []
    got = {n.recipient_id for n in notices(server)}
    assert not got & {org.fin_1.id, org.hr_leader.id, org.fin_leader.id, org.b_office_1.id}


def test_a_sunday_deadline_reminds_on_the_working_days_before(api, f, org, server):
    # Closes Sunday 16 March 2025: 1 working day before is Friday 14th, 3 is Wednesday 12th.
    c = f.cycle(org.a, year=2025, phases={"goal_setting": ("2025-03-03", "2025-03-16")},
                participants=[org.office_1])
    assert tick(api, "2025-03-11T09:00:00", sources=DEADLINES)["ran"] == []
    assert tick(api, "2025-03-12T09:00:00", sources=DEADLINES)["ran"] == [
        f"appraisal.deadline:{c.id}:goal_setting:{org.office_1.id}:3"]
    assert tick(api, "2025-03-13T09:00:00", sources=DEADLINES)["ran"] == []
    assert tick(api, "2025-03-14T09:00:00", sources=DEADLINES)["ran"] == [
        f"appraisal.deadline:{c.id}:goal_setting:{org.office_1.id}:1"]
    for day in ("2025-03-15", "2025-03-16"):
        assert tick(api, f"{day}T09:00:00", sources=DEADLINES)["ran"] == []
    assert [n.title for n in notices(server)] == ["目标设定将于3月16日截止"] * 2


def test_a_deadline_in_the_national_day_holiday_reminds_before_it(api, f, org, server):
    # Closes Sunday 5 October 2025, inside the 1–8 October holiday. Working days before it:
    # Tuesday 30 September, Monday 29th, Sunday 28th (调休上班). Nothing during the holiday.
    c = f.cycle(org.a, year=2025, phases={"goal_setting": ("2025-09-15", "2025-10-05")},
                participants=[org.fin_2])
    assert tick(api, "2025-09-26T09:00:00", sources=DEADLINES)["ran"] == []
    assert tick(api, "2025-09-28T09:00:00", sources=DEADLINES)["ran"] == [
        f"appraisal.deadline:{c.id}:goal_setting:{org.fin_2.id}:3"]
    assert tick(api, "2025-09-29T09:00:00", sources=DEADLINES)["ran"] == []
    assert tick(api, "2025-09-30T09:00:00", sources=DEADLINES)["ran"] == [
        f"appraisal.deadline:{c.id}:goal_setting:{org.fin_2.id}:1"]
    for day in ("2025-10-01", "2025-10-03", "2025-10-05"):
        assert tick(api, f"{day}T09:00:00", sources=DEADLINES)["ran"] == []
    assert len(notices(server)) == 2


def test_a_missed_tick_sends_the_later_reminder_only(api, f, org, server):
    c = f.cycle(org.a, phases={"goal_setting": ("2026-03-02", "2026-03-13")}, participants=[org.office_1])
    # The servers were down from Monday to Thursday: only the 1-day reminder goes out.
    assert tick(api, "2026-03-12T11:00:00", sources=DEADLINES)["ran"] == [
        f"appraisal.deadline:{c.id}:goal_setting:{org.office_1.id}:1"]
    assert len(notices(server)) == 1


def test_review_and_appeal_windows_and_decisions_due(api, f, org, server):
    c = f.cycle(org.a, phases={}, participants=[org.office_1, org.office_2, org.fin_1])
    results = {s.id: f.result(c, s, 80, grade="competent", status="published")
               for s in (org.office_1, org.office_2, org.fin_1)}
    # Published Monday 1 June 2026: the review window ends Wednesday 1 July.
    server.run(AppraisalResult.update(published_on=datetime.date(2026, 6, 1),
                                      publication_ends_on=datetime.date(2026, 6, 8)).where(
        AppraisalResult.cycle == c.id).aexecute())
    # office_2 asked for a review (pending with 办公室负责人, due Friday 10 July); fin_1's review
    # was decided on Tuesday 9 June: the appeal window ends Wednesday 24 June.
    inst = submit(server, org.office_2, summary="复核")
    review = server.run(ResultRequest.acreate(
        cycle=c.id, result=results[org.office_2.id].id, staff=org.office_2.id, kind="review", reason="理由",
        filed_on=datetime.date(2026, 6, 10), due_on=datetime.date(2026, 7, 10), instance_id=inst["id"]))
    server.run(ResultRequest.acreate(
        cycle=c.id, result=results[org.fin_1.id].id, staff=org.fin_1.id, kind="review", reason="理由",
        status="rejected", filed_on=datetime.date(2026, 6, 2), due_on=datetime.date(2026, 7, 2),
        decided_on=datetime.date(2026, 6, 9)))
    only = ["appraisal.windows", "appraisal.decisions"]
    # Appeal window (ends Wednesday 24 June): 3 working days before — 23rd, 22nd, and (over the
    # Dragon Boat Festival, Friday 19th to Sunday 21st) Thursday 18 June.
    assert tick(api, "2026-06-17T09:00:00", sources=only)["ran"] == []
    assert tick(api, "2026-06-18T09:00:00", sources=only)["ran"] == [
        f"appraisal.appeal_window:{c.id}:{org.fin_1.id}:3"]
    a = notices(server, "appraisal.window")[-1]
    assert a.recipient_id == org.fin_1.id and a.title == "申诉期限6月24日届满"
    # Review window (ends 1 July): Friday 26 June, to office_1 (no request) — fin_1 asked already.
    assert tick(api, "2026-06-26T09:00:00", sources=only)["ran"] == [
        f"appraisal.review_window:{c.id}:{org.office_1.id}:3"]
    r = notices(server, "appraisal.window")[-1]
    assert r.recipient_id == org.office_1.id and r.link == f"/package-appraisal/result/index?cycle_id={c.id}"
    # The review decision (due Friday 10 July): Tuesday 7th and Thursday 9th to 办公室负责人.
    assert tick(api, "2026-07-07T09:00:00", sources=only)["ran"] == [
        f"appraisal.decision_due:{c.id}:{review.id}:{org.office_leader.id}:3"]
    d = notices(server, "appraisal.decision_due")[-1]
    assert d.recipient_id == org.office_leader.id and d.title == "复核申请应于7月10日前作出决定"
    assert d.link == f"/pages/approvals/detail/index?id={inst['id']}"
    assert tick(api, "2026-07-08T09:00:00", sources=only)["ran"] == []
    # Decided on the 8th: no 1-day reminder.
    server.run(ResultRequest.update(status="upheld", decided_on=datetime.date(2026, 7, 8)).where(
        ResultRequest.id == review.id).aexecute())
    assert tick(api, "2026-07-09T09:00:00", sources=only)["ran"] == []
    assert server.run(fetch_all(Outbox.select())) == []      # no template configured: inbox only


def test_publication_is_announced_once(api, f, org, server):
    """Publication (appraisal.results.published) notifies the participants in the publishing
    transaction (services/appraisal/publication.py); the reminder sources add nothing."""
    from tests.appraisal import results_support as rs

    c = rs.published_cycle(f, org, server, api, [(org.office_1, 80), (org.office_2, 75)])
    rows = notices(server, "appraisal.results_published")
    assert sorted(r.recipient_id for r in rows) == sorted([org.office_1.id, org.office_2.id])
    tick(api, rs.PUBLISHED, sources=["appraisal.deadlines", "appraisal.windows", "appraisal.decisions"])
    assert len(notices(server, "appraisal.results_published")) == 2
    assert c.id


def test_a_reopened_phase_reminds_its_person_before_their_own_deadline(api, f, org, server):
    """Goal setting closed on Friday 13 March; HR reopens it for office_1 until Friday 27 March:
    the reopening's notice at once, then office_1's own reminders Tuesday 24th and Thursday 26th
    (3 and 1 working days before), nobody else's, none once done, none for a revoked one."""
    from models.appraisal.cycles import PhaseReopening
    from tests.reminders.helpers import bj

    c = f.cycle(org.a, phases={"goal_setting": ("2026-03-02", "2026-03-13"),
                               "progress": ("2026-03-16", "2026-11-30")},
                participants=[org.office_1, org.office_2, org.fin_1])
    hr = api.as_(org.a_hr_officer)
    r = hr.post(f"/api/appraisal/cycles/{c.id}/reopenings",
                {"staff_id": org.office_1.id, "phase": "goal_setting", "until": "2026-03-27",
                 "reason": "出差未能按时提交"}, headers={"X-Mingjing-Now": "2026-03-20T10:00:00+08:00"})
    assert r.status == 201, r
    # fin_1 too, but revoked; office_2 within the phase's own deadline (nothing extra).
    revoked = f.reopen(c, org.fin_1, until="2026-03-27")
    inside = f.reopen(c, org.office_2, until="2026-03-12")

    async def fix():
        # created_at as if granted on Friday 20 March (the service stamps the machine's clock)
        await PhaseReopening.update(created_at=bj("2026-03-20T10:00:00")).aexecute()
        await PhaseReopening.update(revoked_at=bj("2026-03-21T10:00:00")).where(
            PhaseReopening.id == revoked.id).aexecute()
    server.run(fix())
    told, = notices(server, "appraisal.phase.reopened")
    assert told.recipient_id == org.office_1.id and "重新开放" in told.title
    reopening = r.data["id"]
    sources = ["appraisal.reopenings", "appraisal.deadlines"]
    assert tick(api, "2026-03-23T09:00:00", sources=sources)["ran"] == []
    assert tick(api, "2026-03-24T09:00:00", sources=sources)["ran"] == [f"appraisal.reopened:{reopening}:3"]
    assert tick(api, "2026-03-24T11:00:00", sources=sources)["ran"] == []
    mine, = notices(server)
    assert mine.recipient_id == org.office_1.id
    assert mine.title == "目标设定（已为您重新开放）将于3月27日截止" and "2026-03-27" in mine.body
    assert mine.data["reopened"] is True and mine.data["reopening_id"] == reopening
    assert mine.data["days_before"] == 3
    assert inside.id != reopening
    # Done since: the 1-day reminder is not sent.
    goal_set_row(server, c.id, org.office_1, "submitted")
    assert tick(api, "2026-03-26T09:00:00", sources=sources)["ran"] == []
    assert len(notices(server)) == 1
    # The other unit's HR cannot reopen a phase in this cycle.
    other = api.as_(org.b_hr_officer).post(
        f"/api/appraisal/cycles/{c.id}/reopenings",
        {"staff_id": org.office_2.id, "phase": "goal_setting", "until": "2026-03-27", "reason": "x"},
        headers={"X-Mingjing-Now": "2026-03-20T10:00:00+08:00"})
    assert other.status in (403, 404)
