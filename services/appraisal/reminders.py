"""Appraisal reminders (issue 13): deadlines of the goal-setting, progress, self-assessment and
scoring phases to the people who still have something to do, the review and appeal windows
closing, review and appeal decisions due — as scheduler sources (services/scheduler.py) — and
HR's "remind everyone who has not yet submitted" for an open phase (console, rate-limited).

Timing: N working days before the day (the phase's closes_on, the window's last day, the
decision's due_on) at `reminders.send_time` Beijing time, never on a rest day or a holiday
(services/reminders.remind_at). N per cycle in `settings.reminders` (defaults below). Each
occurrence has its own key (cycle, phase, person, offset), so a second tick sends nothing.
Publication itself is announced by services/appraisal/publication.py in the publishing
transaction (kind `appraisal.results_published`): nothing is added here, so nobody gets it twice.
"""
import asyncio
import datetime
import functools
import hashlib

from peewee import IntegrityError, fn

from models.appraisal.cycles import AppraisalCycle, CycleParticipant, CyclePhase, PhaseReopening
from models.appraisal.goals import GoalItem, GoalSet
from models.appraisal.outcomes import ResultRequest
from models.appraisal.progress import GoalProgress, SelfAssessment
from models.appraisal.scoring import AppraisalResult, ScoreSheet
from models.approvals import ApprovalInstance, ApprovalTask
from models.base import atomic, fetch_all, get_one
from models.org import Staff
from models.reminders import JobRun
from server.errors import Conflict, Invalid, RateLimited
from services import audit, scheduler
from services.appraisal.common import PHASE_LABELS, local_today, phase_state, phases_of
from services.notify import raise_notification
from services.reminders import local, parse_hhmm, remind_at, to_utc

SUBSCRIBES = True   # loaded at start-up by services/events.load_subscribers (registers the sources)

DEADLINE_PHASES = ("goal_setting", "progress", "self_assessment", "scoring")
# settings.reminders as declared by the cycles API (handlers/schemas/appraisal/cycles.py):
# {what: [working days before]}; a missing key takes the default, an empty list turns it off.
DEFAULTS = {"goal_setting": [3, 1], "progress": [3, 1], "self_assessment": [3, 1], "scoring": [3, 1],
            "review_window": [3], "appeal_window": [3], "decision_due": [3, 1]}
REVIEW_DAYS, APPEAL_DAYS = 30, 15   # calendar-day windows (services/appraisal/publication.py)
BULK_EVERY = datetime.timedelta(hours=1)
YIELD_EVERY = 500   # derive in slices: back to the event loop every 500 people
# A phase with this many people to remind goes in batches: one job (one transaction) per
# BATCH_SIZE people, recording each person's own key, instead of one job per person.
BATCH_FROM, BATCH_SIZE = 200, 500
KIND_DEADLINE, KIND_WINDOW, KIND_DECISION = "appraisal.deadline", "appraisal.window", "appraisal.decision_due"
PENDING_LABELS = {"goal_setting": "尚未提交目标", "progress": "本阶段有目标项未填报进展",
                  "self_assessment": "尚未提交个人自评", "scoring": "尚有评分表未提交"}
# Pages of the mini-program's package-appraisal the reminders open (score/ is the rater's list).
LINKS = {"goal_setting": "/package-appraisal/goals/index?cycle_id={cycle}",
         "progress": "/package-appraisal/progress/index?goal_set_id={goal_set}",
         "self_assessment": "/package-appraisal/self-assessment/index?goal_set_id={goal_set}",
         "scoring": "/package-appraisal/score/index?cycle_id={cycle}"}
RESULT_LINK = "/package-appraisal/result/index?cycle_id={}"


# -- configuration ---------------------------------------------------------------------------------

def _clean_offsets(value, default):
    if not isinstance(value, (list, tuple)):
        return list(default)
    out = sorted({v for v in value if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 30},
                 reverse=True)
    return out[:5]


def offsets(cycle, what):
    """Working days before the day at which a reminder goes out, largest first (cycle
    settings.reminders[what], else the default). An empty list turns that reminder off."""
    conf = (cycle.settings or {}).get("reminders") or {}
    return _clean_offsets(conf.get(what, DEFAULTS[what]), DEFAULTS[what])


def send_time(env):
    return parse_hhmm(env.config.reminders.send_time, datetime.time(9, 0))


def _end_of(day):
    """24:00 Beijing time of `day`, naive UTC."""
    return to_utc(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def _md(day):
    return f"{day.month}月{day.day}日"


# -- who still has something to do ---------------------------------------------------------------

def _active(cycle_id):
    return CycleParticipant.select(CycleParticipant.staff).where(
        CycleParticipant.cycle == cycle_id, CycleParticipant.status == "active")


async def _confirmed_sets(cycle_id):
    return await fetch_all(GoalSet.select(GoalSet.id, GoalSet.staff, GoalSet.confirmed_version_id).where(
        GoalSet.cycle == cycle_id, GoalSet.confirmed_version_id.is_null(False),
        GoalSet.staff.in_(_active(cycle_id))))


async def todo(cycle, phase_row):
    """{staff_id: {"goal_set": id|None, "count": n}} of the people with something left to do in
    this phase: goal setting — no goal set submitted or confirmed; progress — an item of the
    confirmed goals without an update since the phase opened; self-assessment — confirmed goals
    and no submitted self-assessment; scoring — raters with sheets not yet submitted."""
    phase, cid = phase_row.phase, cycle.id
    out = {}
    if phase == "goal_setting":
        done = {g.staff_id for g in await fetch_all(GoalSet.select(GoalSet.staff).where(
            GoalSet.cycle == cid, GoalSet.status.in_(["submitted", "confirmed"])))}
        sets = {g.staff_id: g.id for g in await fetch_all(GoalSet.select(GoalSet.id, GoalSet.staff)
                                                          .where(GoalSet.cycle == cid))}
        for i, (staff_id,) in enumerate(await fetch_all(_active(cid).tuples())):
            if i % YIELD_EVERY == YIELD_EVERY - 1:
                await asyncio.sleep(0)
            if staff_id not in done:
                out[staff_id] = {"goal_set": sets.get(staff_id), "count": 1}
    elif phase == "progress":
        sets = await _confirmed_sets(cid)
        by_version = {g.confirmed_version_id: g for g in sets}
        keys = {}
        for it in await fetch_all(GoalItem.select(GoalItem.version, GoalItem.key).where(
                GoalItem.version.in_(list(by_version) or [0]))):
            keys.setdefault(by_version[it.version_id].id, set()).add(it.key)
        updated = {}
        for r in await fetch_all(GoalProgress.select(GoalProgress.goal_set, GoalProgress.item_key).where(
                GoalProgress.goal_set.in_([g.id for g in sets] or [0]),
                GoalProgress.reported_on >= phase_row.opens_on).distinct()):
            updated.setdefault(r.goal_set_id, set()).add(r.item_key)
        for g in sets:
            missing = keys.get(g.id, set()) - updated.get(g.id, set())
            if missing:
                out[g.staff_id] = {"goal_set": g.id, "count": len(missing)}
    elif phase == "self_assessment":
        sets = await _confirmed_sets(cid)
        done = {r.goal_set_id for r in await fetch_all(SelfAssessment.select(SelfAssessment.goal_set).where(
            SelfAssessment.goal_set.in_([g.id for g in sets] or [0]), SelfAssessment.status == "submitted"))}
        for g in sets:
            if g.id not in done:
                out[g.staff_id] = {"goal_set": g.id, "count": 1}
    elif phase == "scoring":
        rows = await fetch_all(ScoreSheet.select(ScoreSheet.rater, fn.COUNT(ScoreSheet.id).alias("n")).where(
            ScoreSheet.cycle == cid, ScoreSheet.status.in_(["pending", "draft"]),
            ScoreSheet.participant.in_(_active(cid))).group_by(ScoreSheet.rater))
        for r in rows:
            out[r.rater_id] = {"goal_set": None, "count": r.n}
    return out


def _message(cycle, phase, closes_on, info, *, days_before=None):
    label = PHASE_LABELS[phase]
    title = f"{label}将于{_md(closes_on)}截止"
    if phase == "scoring":
        body = f"{cycle.name}：您还有 {info['count']} 份评分表未提交，请在 {closes_on.isoformat()} 前完成评分。"
    elif phase == "progress":
        body = f"{cycle.name}：本阶段还有 {info['count']} 项目标未填报进展，请在 {closes_on.isoformat()} 前填报。"
    else:
        body = f"{cycle.name}：您{PENDING_LABELS[phase]}，请在 {closes_on.isoformat()} 前完成。"
    link = LINKS[phase].format(cycle=cycle.id, goal_set=info.get("goal_set") or "")
    if "goal_set=" in link and not info.get("goal_set"):
        link = LINKS["goal_setting"].format(cycle=cycle.id)
    data = {"cycle_id": cycle.id, "phase": phase, "phase_label": label,
            "closes_on": closes_on.isoformat(), "cycle_name": cycle.name}
    if days_before is not None:
        data["days_before"] = days_before
    return {"kind": KIND_DEADLINE, "title": title, "body": body, "link": link, "data": data}


async def _notify_one(staff_id, message, ctx):
    await raise_notification(recipient_ids=[staff_id], now=ctx.now, **message)


async def _recorded(keys):
    done = set()
    for i in range(0, len(keys), 500):
        done.update(r.key for r in await fetch_all(JobRun.select(JobRun.key).where(
            JobRun.key.in_(keys[i:i + 500]))))
    return done


async def _notify_batch(items, make_message, source, due, ctx):
    """One batch of people (inside the scheduler's transaction for the batch's own key): each
    person's key is recorded too, so whichever way a person was reached, never twice — a key
    another process recorded meanwhile fails the whole batch (rolled back, derived again next
    tick without them). People with the same message share one raise_notification."""
    await JobRun.insert_many([{"key": key[:191], "source": source[:40], "due_at": due,
                               "ran_at": ctx.now, "holder": ctx.holder[:64]}
                              for key, _, _ in items]).aexecute()
    groups = {}
    for _, sid, info in items:
        message = make_message(info)
        group = (message["title"], message["body"], message["link"])
        groups.setdefault(group, (message, []))[1].append(sid)
    for message, ids in groups.values():
        await raise_notification(recipient_ids=ids, now=ctx.now, **message)


async def _occurrences(keyed, *, batch_key, due, expires, make_message, source):
    """Occurrences for [(person key, staff_id, info)]: one per person, or batches when many
    are still to be reminded (those already recorded are left out first)."""
    if len(keyed) >= BATCH_FROM:
        done = await _recorded([k for k, _, _ in keyed])
        keyed = [item for item in keyed if item[0] not in done]
    if len(keyed) < BATCH_FROM:
        return [scheduler.Occurrence(key=key, due_at=due, expires_at=expires,
                                     run=functools.partial(_notify_one, sid, make_message(info)))
                for key, sid, info in keyed]
    rest, out = keyed, []
    for i in range(0, len(rest), BATCH_SIZE):
        chunk = rest[i:i + BATCH_SIZE]
        digest = hashlib.sha1(",".join(str(sid) for _, sid, _ in chunk).encode()).hexdigest()[:16]
        out.append(scheduler.Occurrence(
            key=f"{batch_key}:{digest}", due_at=due, expires_at=expires,
            run=functools.partial(_notify_batch, chunk, make_message, source, due)))
        await asyncio.sleep(0)
    return out


# -- scheduler sources -----------------------------------------------------------------------------

async def _launched_cycles():
    return {c.id: c for c in await fetch_all(AppraisalCycle.select().where(AppraisalCycle.status == "launched"))}


async def _schedule(day, days_list, *, unit_id, at, not_before=None):
    """[(n, due, expires)] for the offsets whose moment has come: the 3-day reminder expires when
    the 1-day one is due (a missed tick never sends both), the last at the end of the day."""
    dues = [(n, await remind_at(day, unit_id=unit_id, send_time=at, days_before=n)) for n in days_list]
    out = []
    for i, (n, due) in enumerate(dues):
        if not_before and local(due).date() < not_before:
            continue   # a phase shorter than the offset: no reminder before it opens
        expires = dues[i + 1][1] if i + 1 < len(dues) else _end_of(day)
        out.append((n, due, max(due, expires)))
    return out


def _due_now(ctx, due, expires):
    return due <= ctx.now <= expires


async def phase_deadlines(ctx):
    today = local(ctx.now).date()
    cycles = await _launched_cycles()
    if not cycles:
        return []
    at = send_time(ctx.env)
    phases = await fetch_all(CyclePhase.select().where(
        CyclePhase.cycle.in_(list(cycles)), CyclePhase.phase.in_(DEADLINE_PHASES),
        CyclePhase.closes_on >= today, CyclePhase.opens_on <= today + datetime.timedelta(days=30)))
    out = []
    for p in phases:
        cycle = cycles[p.cycle_id]
        people = None
        for n, due, expires in await _schedule(p.closes_on, offsets(cycle, p.phase), unit_id=cycle.unit_id,
                                               at=at, not_before=p.opens_on):
            if not _due_now(ctx, due, expires):
                continue
            if people is None:
                people = await todo(cycle, p)
            keyed = []
            for i, (sid, info) in enumerate(people.items()):
                if i % YIELD_EVERY == YIELD_EVERY - 1:
                    await asyncio.sleep(0)   # 10,000 participants: let requests in between
                keyed.append((f"appraisal.deadline:{cycle.id}:{p.phase}:{sid}:{n}", sid, info))
            out.extend(await _occurrences(
                keyed, batch_key=f"appraisal.deadline:{cycle.id}:{p.phase}:batch{n}", due=due,
                expires=expires, source="appraisal.deadlines",
                make_message=functools.partial(_message, cycle, p.phase, p.closes_on,
                                               days_before=n)))
    return out


async def windows_closing(ctx):
    """Review windows (30 days from publication) to participants with a published result and no
    review; appeal windows (15 days from the review decision) to those with no appeal."""
    today = local(ctx.now).date()
    cycles = await _launched_cycles()
    if not cycles:
        return []
    at = send_time(ctx.env)
    out = []
    results = await fetch_all(AppraisalResult.select(AppraisalResult.id, AppraisalResult.cycle,
                                                     AppraisalResult.staff, AppraisalResult.published_on).where(
        AppraisalResult.cycle.in_(list(cycles)), AppraisalResult.published_on.is_null(False),
        AppraisalResult.published_on >= today - datetime.timedelta(days=REVIEW_DAYS)))
    requests = await fetch_all(ResultRequest.select().where(
        ResultRequest.cycle.in_(list(cycles)), ResultRequest.status != "withdrawn"))
    reviewed = {r.result_id for r in requests if r.kind == "review"}
    appealed = {r.parent_id for r in requests if r.kind == "appeal"}
    schedules = {}

    async def plan(cycle, ends, what):
        key = (cycle.id, ends, what)
        if key not in schedules:
            schedules[key] = [s for s in await _schedule(ends, offsets(cycle, what),
                                                         unit_id=cycle.unit_id, at=at)
                              if _due_now(ctx, s[1], s[2])]
        return schedules[key]

    for r in results:
        if r.id in reviewed:
            continue
        cycle = cycles[r.cycle_id]
        ends = r.published_on + datetime.timedelta(days=REVIEW_DAYS)
        for n, due, expires in await plan(cycle, ends, "review_window"):
            out.append(scheduler.Occurrence(
                key=f"appraisal.review_window:{cycle.id}:{r.staff_id}:{n}", due_at=due, expires_at=expires,
                run=functools.partial(_notify_one, r.staff_id, _window_message(cycle, "review", ends, n))))
    for q in requests:
        if q.kind != "review" or q.status not in ("upheld", "rejected") or not q.decided_on or q.id in appealed:
            continue
        ends = q.decided_on + datetime.timedelta(days=APPEAL_DAYS)
        if ends < today:
            continue
        cycle = cycles[q.cycle_id]
        for n, due, expires in await plan(cycle, ends, "appeal_window"):
            out.append(scheduler.Occurrence(
                key=f"appraisal.appeal_window:{cycle.id}:{q.staff_id}:{n}", due_at=due, expires_at=expires,
                run=functools.partial(_notify_one, q.staff_id, _window_message(cycle, "appeal", ends, n))))
    return out


def _window_message(cycle, kind, ends, n):
    if kind == "review":
        title = f"复核申请期限{_md(ends)}届满"
        body = f"{cycle.name}：如对本人考核结果有异议，可在 {ends.isoformat()} 前申请复核。"
    else:
        title = f"申诉期限{_md(ends)}届满"
        body = f"{cycle.name}：如对复核决定不服，可在 {ends.isoformat()} 前提出申诉。"
    return {"kind": KIND_WINDOW, "title": title, "body": body, "link": RESULT_LINK.format(cycle.id),
            "data": {"cycle_id": cycle.id, "window": kind, "ends_on": ends.isoformat(), "days_before": n,
                     "cycle_name": cycle.name}}


async def decisions_due(ctx):
    """Pending reviews and appeals: the approvers holding them, N working days before due_on."""
    today = local(ctx.now).date()
    cycles = await _launched_cycles()
    if not cycles:
        return []
    at = send_time(ctx.env)
    pending = await fetch_all(ResultRequest.select().where(
        ResultRequest.cycle.in_(list(cycles)), ResultRequest.status == "pending",
        ResultRequest.instance_id.is_null(False), ResultRequest.due_on >= today))
    out = []
    for q in pending:
        cycle = cycles[q.cycle_id]
        plan = [s for s in await _schedule(q.due_on, offsets(cycle, "decision_due"),
                                           unit_id=cycle.unit_id, at=at) if _due_now(ctx, s[1], s[2])]
        if not plan:
            continue
        tasks = await fetch_all(ApprovalTask.select(ApprovalTask.assignee).join(ApprovalInstance).where(
            ApprovalTask.instance == q.instance_id, ApprovalTask.status == "pending",
            ApprovalInstance.status == "pending", ApprovalTask.round == ApprovalInstance.round,
            ApprovalTask.step_index == ApprovalInstance.current_step))
        label = "复核" if q.kind == "review" else "申诉"
        for n, due, expires in plan:
            for t in {t.assignee_id for t in tasks}:
                message = {"kind": KIND_DECISION, "title": f"{label}申请应于{_md(q.due_on)}前作出决定",
                           "body": f"{cycle.name}：一件{label}申请待您办理，办理期限至 {q.due_on.isoformat()}。",
                           "link": f"/pages/approvals/detail/index?id={q.instance_id}",
                           "data": {"cycle_id": cycle.id, "request_id": q.id, "kind": q.kind,
                                    "due_on": q.due_on.isoformat(), "days_before": n}}
                out.append(scheduler.Occurrence(
                    key=f"appraisal.decision_due:{cycle.id}:{q.id}:{t}:{n}", due_at=due, expires_at=expires,
                    run=functools.partial(_notify_one, t, message)))
    return out


async def reopened_deadlines(ctx):
    """A phase HR reopened for one person (PhaseReopening, until a date past the phase's own
    deadline): that person's deadline reminders count back from their `until` (same offsets as
    the phase), only after the reopening and only while they still have the work left. The notice
    that it was reopened goes out with the reopening itself (services/appraisal/cycles.py).
    Keys `appraisal.reopened:<reopening>:<N>`."""
    today = local(ctx.now).date()
    cycles = await _launched_cycles()
    if not cycles:
        return []
    rows = await fetch_all(PhaseReopening.select().where(
        PhaseReopening.cycle.in_(list(cycles)), PhaseReopening.phase.in_(DEADLINE_PHASES),
        PhaseReopening.revoked_at.is_null(), PhaseReopening.until >= today))
    if not rows:
        return []
    phases = {(p.cycle_id, p.phase): p for p in await fetch_all(CyclePhase.select().where(
        CyclePhase.cycle.in_(list({r.cycle_id for r in rows}))))}
    # A later reopening of the same person and phase replaces an earlier one.
    latest = {}
    for r in sorted(rows, key=lambda r: r.id):
        latest[(r.cycle_id, r.phase, r.staff_id)] = r
    at = send_time(ctx.env)
    todos, out = {}, []
    for (cycle_id, phase, staff_id), r in latest.items():
        cycle, row = cycles[cycle_id], phases.get((cycle_id, phase))
        if row is None or r.until <= row.closes_on:
            continue   # within the phase itself: its own reminders cover it
        plan = [s for s in await _schedule(r.until, offsets(cycle, phase), unit_id=cycle.unit_id, at=at,
                                           not_before=local(r.created_at).date())
                if _due_now(ctx, s[1], s[2])]
        if not plan:
            continue
        if (cycle_id, phase) not in todos:
            todos[(cycle_id, phase)] = await todo(cycle, row)
        info = todos[(cycle_id, phase)].get(staff_id)
        if info is None:
            continue   # done since the reopening
        for n, due, expires in plan:
            message = _message(cycle, phase, r.until, info, days_before=n)
            message["title"] = f"{PHASE_LABELS[phase]}（已为您重新开放）将于{_md(r.until)}截止"
            message["data"].update(reopened=True, reopening_id=r.id)
            out.append(scheduler.Occurrence(
                key=f"appraisal.reopened:{r.id}:{n}", due_at=due, expires_at=expires,
                run=functools.partial(_notify_one, staff_id, message)))
    return out


def register_sources():
    scheduler.register_source("appraisal.deadlines", phase_deadlines)
    scheduler.register_source("appraisal.reopenings", reopened_deadlines)
    scheduler.register_source("appraisal.windows", windows_closing)
    scheduler.register_source("appraisal.decisions", decisions_due)


def register_subscribers():
    register_sources()


register_sources()


# -- "remind everyone who has not yet submitted" (console) -----------------------------------------

async def _cycle_for_remind(actor, cycle_id):
    from services.appraisal.goal_history import cycle_in_reach

    return await cycle_in_reach(actor, cycle_id, "appraisal.manage")


async def _in_reach(reach, ids):
    if reach.everything or not ids:
        return set(ids)
    rows = await fetch_all(Staff.select(Staff.id).where(Staff.id.in_(list(ids)), reach.staff_filter(Staff)))
    return {r.id for r in rows}


def _bulk_prefix(cycle_id, phase):
    return f"appraisal.bulk:{cycle_id}:{phase}:"


async def _last_bulk(cycle_id, phase):
    row = await get_one(JobRun.select(JobRun.ran_at).where(
        JobRun.source == "appraisal.bulk", JobRun.key.startswith(_bulk_prefix(cycle_id, phase)))
        .order_by(JobRun.ran_at.desc()))
    return row.ran_at if row else None


async def bulk_overview(*, env, actor, cycle_id, now):
    """Per deadline phase of the cycle: its dates and state, how many people in the caller's reach
    still have something to do (the preview), when it was last reminded and when it may be again,
    and the automatic reminder schedule."""
    cycle, reach = await _cycle_for_remind(actor, cycle_id)
    today = local_today(now)
    phases = await phases_of(cycle.id)
    at = send_time(env)
    out = []
    for code in DEADLINE_PHASES:
        row = phases.get(code)
        if row is None:
            continue
        state = await phase_state(cycle, code, today=today, phases=phases)
        count = len(await _in_reach(reach, set(await todo(cycle, row)))) if state == "open" else None
        last = await _last_bulk(cycle.id, code)
        next_at = last + BULK_EVERY if last and last + BULK_EVERY > now else None
        schedule = [{"days_before": n, "at": local(due).strftime("%Y-%m-%d %H:%M")}
                    for n, due, _ in await _schedule(row.closes_on, offsets(cycle, code), unit_id=cycle.unit_id,
                                                     at=at, not_before=row.opens_on)]
        out.append({"phase": code, "label": PHASE_LABELS[code], "todo_label": PENDING_LABELS[code],
                    "opens_on": row.opens_on, "closes_on": row.closes_on, "state": state, "count": count,
                    "last_sent_at": last, "next_allowed_at": next_at, "schedule": schedule})
    return {"cycle": {"id": cycle.id, "name": cycle.name, "status": cycle.status, "unit_id": cycle.unit_id},
            "phases": out, "offsets": {k: offsets(cycle, k) for k in DEFAULTS},
            "whole_unit": reach.everything or cycle.unit_id in reach.unit_ids}


async def remind_unsubmitted(*, actor, cycle_id, phase, now, expected=None):
    """Remind everyone in the caller's reach who has not yet done this open phase's work: one
    notice each (inbox and WeChat through services/notify), audited, at most once per phase per
    hour per cycle (429 with Retry-After). `expected`: the count the preview showed (informative)."""
    if phase not in DEADLINE_PHASES:
        raise Invalid("阶段不正确", code="VALIDATION_FAILED", fields={"phase": "应为目标设定、过程跟踪、个人自评或考核评分"})
    cycle, reach = await _cycle_for_remind(actor, cycle_id)
    today = local_today(now)
    phases = await phases_of(cycle.id)
    row = phases.get(phase)
    if row is None or await phase_state(cycle, phase, today=today, phases=phases) != "open":
        raise Conflict(f"{PHASE_LABELS[phase]}阶段未在进行中，不能催办", code="APPRAISAL_PHASE_NOT_OPEN",
                       fields={"phase": phase})
    last = await _last_bulk(cycle.id, phase)
    if last and now < last + BULK_EVERY:
        wait = (last + BULK_EVERY - now).total_seconds()
        raise RateLimited(f"该阶段一小时内已催办过，请于 {local(last + BULK_EVERY).strftime('%H:%M')} 后再试",
                          code="APPRAISAL_REMIND_TOO_SOON", retry_after=max(1, int(wait)))
    people = await todo(cycle, row)
    ids = sorted(await _in_reach(reach, set(people)))
    try:
        async with atomic():
            # The hour's key: two clicks at once both pass the check above, one inserts this.
            await JobRun.acreate(key=f"{_bulk_prefix(cycle.id, phase)}{now:%Y%m%d%H}",
                                 source="appraisal.bulk", due_at=now, ran_at=now, holder=f"staff:{actor.id}")
            for sid in ids:
                message = _message(cycle, phase, row.closes_on, people[sid])
                message["data"]["manual"] = True
                await raise_notification(recipient_ids=[sid], now=now, **message)
            await audit.record(actor=actor, action="appraisal.remind_unsubmitted",
                               target_type="appraisal_cycle", target_id=cycle.id, unit_id=cycle.unit_id,
                               after={"phase": phase, "count": len(ids), "preview": expected,
                                      "closes_on": row.closes_on})
    except IntegrityError:
        raise RateLimited("该阶段刚刚催办过，请稍后再试", code="APPRAISAL_REMIND_TOO_SOON",
                          retry_after=int(BULK_EVERY.total_seconds())) from None
    return {"phase": phase, "label": PHASE_LABELS[phase], "sent": len(ids)}


async def cycles_for_remind(*, actor):
    """Launched cycles of the units the caller's appraisal.manage reach touches."""
    from models.org import Department

    reach = await actor.require_reach("appraisal.manage")
    query = AppraisalCycle.select().where(AppraisalCycle.status == "launched")
    if not reach.everything:
        units = set(reach.unit_ids) | {d.unit_id for d in await fetch_all(
            Department.select(Department.unit).where(Department.id.in_(list(reach.dept_ids) or [0])))}
        query = query.where(AppraisalCycle.unit.in_(list(units) or [0]))
    return [{"id": c.id, "name": c.name, "year": c.year}
            for c in await fetch_all(query.order_by(AppraisalCycle.year.desc(), AppraisalCycle.id.desc()))]


async def bulk_preview(*, actor, cycle_id, phase, now, limit=50):
    """Who "remind everyone who has not yet submitted" would reach now: the count and the first
    names (in the caller's reach), before anything is sent."""
    if phase not in DEADLINE_PHASES:
        raise Invalid("阶段不正确", code="VALIDATION_FAILED", fields={"phase": "应为目标设定、过程跟踪、个人自评或考核评分"})
    cycle, reach = await _cycle_for_remind(actor, cycle_id)
    phases = await phases_of(cycle.id)
    row = phases.get(phase)
    if row is None or await phase_state(cycle, phase, today=local_today(now), phases=phases) != "open":
        raise Conflict(f"{PHASE_LABELS[phase]}阶段未在进行中，不能催办", code="APPRAISAL_PHASE_NOT_OPEN",
                       fields={"phase": phase})
    people = await todo(cycle, row)
    ids = sorted(await _in_reach(reach, set(people)))
    from models.org import Department

    rows = await fetch_all(Staff.select(Staff.id, Staff.name, Staff.employee_no, Department.name.alias("dept"))
                           .join(Department, on=(Staff.department == Department.id))
                           .where(Staff.id.in_(ids or [0])).order_by(Staff.employee_no).limit(limit).dicts())
    last = await _last_bulk(cycle.id, phase)
    return {"cycle": {"id": cycle.id, "name": cycle.name}, "phase": phase, "label": PHASE_LABELS[phase],
            "todo_label": PENDING_LABELS[phase], "closes_on": row.closes_on, "count": len(ids),
            "people": [{"name": r["name"], "employee_no": r["employee_no"], "department": r["dept"],
                        "count": people[r["id"]]["count"]} for r in rows],
            "next_allowed_at": last + BULK_EVERY if last and last + BULK_EVERY > now else None}
