"""Publication (公示), objections (异议), the participant's result view and closing the cycle.

- Publish: every active participant's grade confirmed → results visible to the participants for
  `settings.publication_days` working days (default 5) after the day of publication
  (services/calendar.add_working_days: holidays do not count). Participants are notified; event
  `appraisal.results.published`.
- Objections: anyone in the cycle, while the publication period lasts; HR answers in writing.
- The participant's view: per sheet and item the score, its justification, the override reason
  and who scored (peer raters anonymised as 同事 A/B…), plus reviews/appeals with deadlines.
- Close: after the publication period and every review/appeal window, nothing pending → results
  final, the cycle closed; every write on scores, grades and requests is refused after (409
  APPRAISAL_CYCLE_CLOSED).
"""
import datetime

from models.appraisal.cycles import AppraisalCycle, CycleParticipant
from models.appraisal.outcomes import Objection, ResultRequest
from models.appraisal.scoring import AppraisalResult, ScoreEntry, ScoreSheet
from models.base import atomic, count, fetch_all, get_one, utcnow
from models.org import Staff
from server.errors import Conflict, Invalid, NotFound
from services import audit, calendar, events
from services.access import staff_dept_ids
from services.appraisal import grades as gr
from services.appraisal.cycles import cycle_for_manage
from services.appraisal.goal_history import items_of
from services.notify import raise_notification

DEFAULT_DAYS = 5
REVIEW_DAYS, REVIEW_DUE, APPEAL_DAYS, APPEAL_DUE = 30, 30, 15, 60
ROLE_LABELS = {"leader": "领导评分", "peer": "同事评分", "self": "本人自评"}
RESULT_LINK = "/package-appraisal/result/index?cycle_id={}"


def publication_days(cycle):
    v = (cycle.settings or {}).get("publication_days", DEFAULT_DAYS)
    return v if isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 30 else DEFAULT_DAYS


async def publication_of(cycle_id):
    """{"published_on", "ends_on"} of the cycle's publication, or None."""
    r = await get_one(AppraisalResult.select(AppraisalResult.published_on, AppraisalResult.publication_ends_on)
                      .where(AppraisalResult.cycle == cycle_id, AppraisalResult.published_on.is_null(False)))
    return {"published_on": r.published_on, "ends_on": r.publication_ends_on} if r else None


def window(start, days, today):
    """A calendar-day window: open through start + days ("三十日内": day 30 still in time)."""
    ends = start + datetime.timedelta(days=days)
    return {"ends_on": ends, "remaining_days": (ends - today).days, "open": today <= ends}


def publication_out(pub, today):
    if pub is None:
        return {"state": "not_published", "published_on": None, "ends_on": None, "remaining_days": None}
    state = "publishing" if today <= pub["ends_on"] else "ended"
    return {"state": state, "published_on": pub["published_on"], "ends_on": pub["ends_on"],
            "remaining_days": (pub["ends_on"] - today).days}


# -- publish ----------------------------------------------------------------------------------------

async def publish(*, actor, cycle_id, today):
    cycle, _ = await cycle_for_manage(actor, cycle_id)
    gr.require_open(cycle)
    async with atomic():
        if await gr.published_any(cycle.id):
            raise Conflict("考核结果已公示", code="APPRAISAL_RESULTS_ALREADY_PUBLISHED")
        active = CycleParticipant.select(CycleParticipant.staff).where(
            CycleParticipant.cycle == cycle.id, CycleParticipant.status == "active")
        participants = await count(active)
        confirmed = await count(AppraisalResult.select(AppraisalResult.id).where(
            AppraisalResult.cycle == cycle.id, AppraisalResult.status == "confirmed",
            AppraisalResult.staff.in_(active)))
        if participants == 0 or confirmed < participants:
            raise Conflict(f"还有 {participants - confirmed} 人的等次尚未确认，不能公示",
                           code="APPRAISAL_RESULTS_UNCONFIRMED",
                           fields={"participants": participants, "confirmed": confirmed})
        days = publication_days(cycle)
        ends = await calendar.add_working_days(today, days, unit_id=cycle.unit_id)
        now = utcnow()
        await AppraisalResult.update(status="published", published_at=now, published_on=today,
                                     publication_ends_on=ends, version=AppraisalResult.version + 1,
                                     updated_at=now).where(AppraisalResult.cycle == cycle.id,
                                                           AppraisalResult.status == "confirmed").aexecute()
        ids = [p.staff_id for p in await fetch_all(active)]
        await audit.record(actor=actor, action="appraisal.cycle.publish", target_type="appraisal_cycle",
                           target_id=cycle.id, unit_id=cycle.unit_id,
                           after={"published_on": today, "ends_on": ends, "working_days": days,
                                  "participants": participants})
        await raise_notification(recipient_ids=ids, kind="appraisal.results_published",
                                 title=f"{cycle.name}结果公示", link=RESULT_LINK.format(cycle.id),
                                 body=f"考核结果已公示，公示期至 {ends.isoformat()}；如有异议可在公示期内提出。",
                                 data={"cycle_id": cycle.id, "ends_on": ends.isoformat()})
        await events.publish("appraisal.results.published", cycle_id=cycle.id, unit_id=cycle.unit_id,
                             published_on=today, ends_on=ends, participant_ids=ids, today=today)
    return {"published_on": today, "ends_on": ends, "working_days": days, "participants": participants,
            "publication": publication_out({"published_on": today, "ends_on": ends}, today)}


# -- the participant's view ---------------------------------------------------------------------

async def _sheets_view(cycle_id, staff_id):
    sheets = await fetch_all(ScoreSheet.select().where(
        ScoreSheet.cycle == cycle_id, ScoreSheet.participant == staff_id, ScoreSheet.status == "submitted")
        .order_by(ScoreSheet.role, ScoreSheet.id))
    entries = {}
    for e in await fetch_all(ScoreEntry.select().where(ScoreEntry.sheet.in_([s.id for s in sheets] or [0]))):
        entries.setdefault(e.sheet_id, {})[e.item_key] = e
    items = await items_of(list({s.goal_version_id for s in sheets if s.goal_version_id}))
    names = {s.id: s.name for s in await fetch_all(Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_([s.rater_id for s in sheets if s.role != "peer"] or [0])))}
    out, peer_no = [], 0
    for s in sheets:
        if s.role == "peer":
            rater = "同事 " + chr(ord("A") + peer_no % 26)
            peer_no += 1
        elif s.role == "self":
            rater = "本人"
        else:
            rater = names.get(s.rater_id, "")
        rows = []
        for it in items.get(s.goal_version_id, []):
            e = entries.get(s.id, {}).get(it["key"])
            score = (e.score if e.score is not None else e.auto_score) if e else None
            rows.append({"key": it["key"], "title": it["title"], "kind": it["kind"], "weight": it["weight"],
                         "score": score, "auto_score": e.auto_score if e else None,
                         "justification": e.justification if e else "",
                         "override_reason": e.override_reason if e else ""})
        out.append({"role": s.role, "role_label": ROLE_LABELS.get(s.role, s.role), "rater": rater,
                    "weight": s.weight, "total": s.total, "items": rows})
    return out


async def my_result(*, actor, cycle_id, today):
    """The participant's own published result; 404 to anyone not in the cycle, 409 before
    publication."""
    from services.appraisal import requests as rq
    cycle = await AppraisalCycle.aget_or_none(AppraisalCycle.id == cycle_id)
    part = cycle and await CycleParticipant.aget_or_none(
        CycleParticipant.cycle == cycle.id, CycleParticipant.staff == actor.id)
    if not part:
        raise NotFound("考核周期不存在", code="APPRAISAL_CYCLE_NOT_FOUND")
    r = await AppraisalResult.aget_or_none(AppraisalResult.cycle == cycle.id, AppraisalResult.staff == actor.id)
    if r is None or r.published_on is None:
        raise Conflict("考核结果尚未公示", code="APPRAISAL_RESULTS_NOT_PUBLISHED")
    pub = {"published_on": r.published_on, "ends_on": r.publication_ends_on}
    reqs = await rq.requests_of_result(r.id, today=today)
    review_w = window(r.published_on, REVIEW_DAYS, today)
    has_review = any(x["kind"] == "review" and x["status"] != "withdrawn" for x in reqs)
    decided = [x for x in reqs if x["kind"] == "review" and x["status"] in ("upheld", "rejected")]
    appeal_w = window(decided[0]["decided_on"], APPEAL_DAYS, today) if decided and decided[0]["decided_on"] else None
    has_appeal = any(x["kind"] == "appeal" and x["status"] != "withdrawn" for x in reqs)
    open_ = cycle.status == "launched"
    out = gr.result_out(r, name=actor.staff.name if actor.staff else "")
    out.update({
        "cycle": {"id": cycle.id, "name": cycle.name, "kind": cycle.kind, "year": cycle.year, "status": cycle.status},
        "publication": publication_out(pub, today),
        "sheets": await _sheets_view(cycle.id, actor.id),
        "requests": reqs,
        "review_window": review_w, "appeal_window": appeal_w,
        "can": {"object": open_ and today <= r.publication_ends_on,
                "review": open_ and review_w["open"] and not has_review,
                "appeal": bool(open_ and appeal_w and appeal_w["open"] and not has_appeal)},
    })
    return out


# -- objections -----------------------------------------------------------------------------------

def _objection_not_found():
    return NotFound("异议不存在或无权查看", code="APPRAISAL_OBJECTION_NOT_FOUND")


async def file_objection(*, actor, cycle_id, text, about_staff_id=None, today):
    cycle = await AppraisalCycle.aget_or_none(AppraisalCycle.id == cycle_id)
    if cycle is None or not await CycleParticipant.aget_or_none(
            CycleParticipant.cycle == cycle.id, CycleParticipant.staff == actor.id,
            CycleParticipant.status == "active"):
        raise NotFound("考核周期不存在", code="APPRAISAL_CYCLE_NOT_FOUND")
    gr.require_open(cycle)
    pub = await publication_of(cycle.id)
    if pub is None:
        raise Conflict("考核结果尚未公示", code="APPRAISAL_RESULTS_NOT_PUBLISHED")
    if today > pub["ends_on"]:
        raise Conflict(f"公示期已于 {pub['ends_on'].isoformat()} 结束，不能再提出异议；"
                       "对本人结果有异议可申请复核", code="APPRAISAL_PUBLICATION_ENDED")
    if about_staff_id is not None and not await CycleParticipant.aget_or_none(
            CycleParticipant.cycle == cycle.id, CycleParticipant.staff == about_staff_id,
            CycleParticipant.status == "active"):
        raise Invalid("所涉人员不是本周期的考核对象", code="VALIDATION_FAILED",
                      fields={"about_staff_id": "不是本周期的考核对象"})
    async with atomic():
        row = await Objection.acreate(cycle=cycle.id, filed_by=actor.id, about=about_staff_id, text=text)
        await audit.record(actor=actor, action="appraisal.objection.file", target_type="appraisal_objection",
                           target_id=row.id, unit_id=cycle.unit_id,
                           after={"cycle_id": cycle.id, "about": about_staff_id, "text": text[:200]})
    return (await _objections_out([row]))[0]


async def _objections_out(rows):
    ids = {i for r in rows for i in (r.filed_by_id, r.about_id, r.answered_by_id) if i}
    names = {s.id: s.name for s in await fetch_all(Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_(list(ids) or [0])))}
    person = lambda i: {"id": i, "name": names.get(i, "")} if i else None  # noqa: E731
    return [{"id": r.id, "cycle_id": r.cycle_id, "filed_by": person(r.filed_by_id), "about": person(r.about_id),
             "text": r.text, "status": r.status, "status_label": "已答复" if r.status == "answered" else "待答复",
             "answer": r.answer, "answered_by": person(r.answered_by_id), "answered_at": r.answered_at,
             "created_at": r.created_at} for r in rows]


async def list_objections(*, actor, cycle_id, status=None):
    """HR (manage/view in reach): the objections filed by people in reach; anyone else in the
    cycle: their own."""
    cycle = await AppraisalCycle.aget_or_none(AppraisalCycle.id == cycle_id)
    if cycle is None:
        raise NotFound("考核周期不存在", code="APPRAISAL_CYCLE_NOT_FOUND")
    q = Objection.select(Objection).join(Staff, on=(Objection.filed_by == Staff.id)).where(Objection.cycle == cycle.id)
    try:
        _, reach = await gr.read_scope(actor, cycle.id)
        q = q.where(reach.staff_filter(Staff))
    except NotFound:
        if not await CycleParticipant.aget_or_none(CycleParticipant.cycle == cycle.id,
                                                   CycleParticipant.staff == actor.id):
            raise
        q = q.where(Objection.filed_by == actor.id)
    if status:
        q = q.where(Objection.status == status)
    return await _objections_out(await fetch_all(q.order_by(Objection.id.desc())))


async def answer_objection(*, actor, objection_id, answer):
    row = await Objection.aget_or_none(Objection.id == objection_id)
    if row is None or not actor.has("appraisal.manage"):
        raise _objection_not_found()
    filer = await Staff.aget(Staff.id == row.filed_by_id)
    reach = await actor.reach("appraisal.manage")
    if not reach.covers_staff(filer.id, await staff_dept_ids(filer), filer.unit_id):
        raise _objection_not_found()
    cycle = await AppraisalCycle.aget(AppraisalCycle.id == row.cycle_id)
    gr.require_open(cycle)
    async with atomic():
        now = utcnow()
        n = await Objection.update(status="answered", answer=answer, answered_by=actor.id, answered_at=now).where(
            Objection.id == row.id, Objection.status == "open").aexecute()
        if n != 1:
            raise Conflict("该异议已答复", code="APPRAISAL_OBJECTION_ANSWERED")
        await audit.record(actor=actor, action="appraisal.objection.answer", target_type="appraisal_objection",
                           target_id=row.id, unit_id=cycle.unit_id, before={"status": "open"},
                           after={"status": "answered", "answer": answer[:200]})
        await raise_notification(recipient_ids=[row.filed_by_id], kind="appraisal.objection_answered",
                                 title=f"{cycle.name}：您的异议已答复", body=answer,
                                 link=RESULT_LINK.format(cycle.id), data={"objection_id": row.id})
    return (await _objections_out([await Objection.aget(Objection.id == row.id)]))[0]


# -- close ----------------------------------------------------------------------------------------

async def close(*, actor, cycle_id, today):
    """Close after publication: the publication period over, every review window (30 days) and
    appeal window (15 days after a review decision) past, nothing pending. Results become final."""
    cycle, _ = await cycle_for_manage(actor, cycle_id)
    gr.require_open(cycle)
    async with atomic():
        pub = await publication_of(cycle.id)
        if pub is None:
            raise Conflict("考核结果尚未公示，不能结束", code="APPRAISAL_RESULTS_NOT_PUBLISHED")
        if today <= pub["ends_on"]:
            raise Conflict(f"公示期至 {pub['ends_on'].isoformat()}，公示期内不能结束考核",
                           code="APPRAISAL_PUBLICATION_NOT_ENDED", fields={"ends_on": pub["ends_on"].isoformat()})
        review_ends = pub["published_on"] + datetime.timedelta(days=REVIEW_DAYS)
        pending = await count(ResultRequest.select(ResultRequest.id).where(
            ResultRequest.cycle == cycle.id, ResultRequest.status == "pending"))
        last_appeal = await get_one(ResultRequest.select(ResultRequest.decided_on).where(
            ResultRequest.cycle == cycle.id, ResultRequest.kind == "review",
            ResultRequest.decided_on.is_null(False)).order_by(ResultRequest.decided_on.desc()))
        appeal_ends = last_appeal.decided_on + datetime.timedelta(days=APPEAL_DAYS) if last_appeal else None
        if pending:
            raise Conflict(f"还有 {pending} 件复核或申诉未办结，不能结束考核", code="APPRAISAL_REQUESTS_PENDING",
                           fields={"pending": pending})
        if today <= review_ends or (appeal_ends and today <= appeal_ends):
            until = max(d for d in (review_ends, appeal_ends) if d)
            raise Conflict(f"复核、申诉期限至 {until.isoformat()}，期限届满前不能结束考核",
                           code="APPRAISAL_WINDOWS_OPEN", fields={"until": until.isoformat()})
        now = utcnow()
        n = await AppraisalCycle.update(status="closed", closed_at=now, version=AppraisalCycle.version + 1,
                                        updated_at=now).where(AppraisalCycle.id == cycle.id,
                                                              AppraisalCycle.status == "launched").aexecute()
        if n != 1:
            raise gr.closed_error()
        finals = await AppraisalResult.update(status="final", updated_at=now).where(
            AppraisalResult.cycle == cycle.id, AppraisalResult.status == "published").aexecute()
        await audit.record(actor=actor, action="appraisal.cycle.close", target_type="appraisal_cycle",
                           target_id=cycle.id, unit_id=cycle.unit_id, before={"status": "launched"},
                           after={"status": "closed", "final_results": finals})
    return {"cycle_id": cycle.id, "status": "closed", "final_results": finals, "closed_at": now}
