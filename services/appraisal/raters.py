"""Who rates whom (评分人) in a cycle, and recusal (回避).

Sheets are generated per cycle (idempotent: a participant's role that already has a live sheet
is left alone) at the start of the scoring phase (a scheduler source, `appraisal.sheets`) or when
HR asks. Per active participant:
- leader (领导评分): the first person up the participant's *leader chain* who may score them. The
  chain is the leader of their department, the leaders of the departments above it (nearest first),
  the department's supervisor (分管领导, the nearest one up the tree), then the unit head. So a
  department leader is scored by the department above, else the supervisor, else the unit head;
  a department without a leader goes to the supervisor (the deputy head in charge).
- peer (同事评分, `settings.peers` = N, default 0 = off): N colleagues of the same department, chosen
  at random (seeded by cycle and participant, so a re-run picks the same), never the leader rater,
  nor a relative.
- self (自评, `settings.self_rating`, default false).
Weights (`settings.weights`, default leader 70 / peer 20 / self 10) are renormalised over the roles
a participant actually has, and a role's share is split between its sheets.

Recusal: the participant themself or a relative (a non-revoked Relationship either way) never gets
the leader sheet: the chain moves on to the next person up, and the skipped person is recorded on a
`recused` sheet with its reason (`self`, `relative:<kind>`) and the sheet that took over. A rater
may declare a conflict for one sheet (`declared`, their reason), re-routed the same way; declaring
a relationship re-routes unsubmitted sheets between the two people at once.
"""
import datetime
import random

from models.appraisal.cycles import AppraisalCycle, CycleParticipant, CyclePhase
from models.appraisal.goals import GoalSet
from models.appraisal.scoring import ScoreSheet
from models.base import atomic, fetch_all, for_update, get_one, utcnow
from models.org import Department, Staff, Unit
from server.errors import Conflict, Invalid, NotFound
from services import audit, events, scheduler
from services.appraisal import relationships
from services.appraisal.common import SHANGHAI, get_cycle, local_today, phase_state
from services.appraisal.goal_history import cycle_in_reach

SUBSCRIBES = True
DEFAULT_WEIGHTS = {"leader": 70.0, "peer": 20.0, "self": 10.0}
ROLE_LABELS = {"leader": "领导评分", "peer": "同事评分", "self": "本人自评"}
CHUNK = 500


def sheet_not_found():
    return NotFound("评分表不存在", code="APPRAISAL_SHEET_NOT_FOUND")


def reason_label(reason, note=""):
    if reason == "self":
        return "本人不能为自己评分"
    if reason.startswith("relative:"):
        return f"与被考核人存在{relationships.kind_label(reason.split(':', 1)[1])}"
    if reason == "declared":
        return f"评分人申明回避：{note}" if note else "评分人申明回避"
    return reason


# -- settings ------------------------------------------------------------------------------------

def scoring_settings(cycle):
    """(weights, peer count, self on?) from the cycle's settings, defaults filled in."""
    s = cycle.settings or {}
    weights = dict(DEFAULT_WEIGHTS)
    raw = s.get("weights")
    if isinstance(raw, dict):
        for role in weights:
            try:
                if raw.get(role) is not None and float(raw[role]) >= 0:
                    weights[role] = float(raw[role])
            except (TypeError, ValueError):
                pass
    try:
        peers = max(0, min(20, int(s.get("peers") or 0)))
    except (TypeError, ValueError):
        peers = 0
    return weights, peers, bool(s.get("self_rating"))


def role_weights(weights, *, peers, self_on):
    """{role: share of 100 per sheet} for a participant with `peers` peer sheets."""
    roles = {"leader": weights["leader"]}
    if peers and weights["peer"] > 0:
        roles["peer"] = weights["peer"]
    if self_on and weights["self"] > 0:
        roles["self"] = weights["self"]
    total = sum(roles.values()) or 1.0
    out = {r: round(w * 100.0 / total, 4) for r, w in roles.items()}
    if "peer" in out:
        out["peer"] = round(out["peer"] / peers, 4)
    return out


# -- the org tree, loaded once per unit ------------------------------------------------------------

class OrgTree:
    """A unit's departments, leaders, supervisors and head, and its active staff, in memory."""

    def __init__(self, depts, head_id, active):
        self.depts = depts                # {id: Department (id, parent, leader, supervisor)}
        self.head_id = head_id
        self.active = active              # {staff_id: department_id} of active staff of the unit
        self._chains = {}
        self._by_dept = None

    @classmethod
    async def load(cls, unit_id):
        depts = {d.id: d for d in await fetch_all(
            Department.select(Department.id, Department.parent, Department.leader, Department.supervisor)
            .where(Department.unit == unit_id))}
        unit = await Unit.aget(Unit.id == unit_id)
        active = {s.id: s.department_id for s in await fetch_all(
            Staff.select(Staff.id, Staff.department).where(
                Staff.unit == unit_id, Staff.status == "active", Staff.is_service_account == False))}  # noqa: E712
        return cls(depts, unit.head_id, active)

    def chain(self, dept_id):
        """Leader chain of a department: its leader, the leaders above (nearest first), the
        nearest supervisor, the unit head — active people only, each once."""
        if dept_id in self._chains:
            return self._chains[dept_id]
        leaders, supervisor, seen, d = [], None, set(), self.depts.get(dept_id)
        while d is not None and d.id not in seen:
            seen.add(d.id)
            if d.leader_id:
                leaders.append(d.leader_id)
            if supervisor is None and d.supervisor_id:
                supervisor = d.supervisor_id
            d = self.depts.get(d.parent_id)
        out = []
        for sid in leaders + [supervisor, self.head_id]:
            if sid and sid in self.active and sid not in out:
                out.append(sid)
        self._chains[dept_id] = out
        return out

    def colleagues(self, dept_id):
        if self._by_dept is None:
            self._by_dept = {}
            for s, d in sorted(self.active.items()):
                self._by_dept.setdefault(d, []).append(s)
        return self._by_dept.get(dept_id, [])


def pick_leader(chain, participant_id, related, skip=()):
    """(rater_id or None, [(skipped_id, reason)]) walking the chain."""
    skipped = []
    for sid in chain:
        if sid in skip:
            continue
        if sid == participant_id:
            skipped.append((sid, "self"))
        elif sid in related:
            skipped.append((sid, f"relative:{related[sid]}"))
        else:
            return sid, skipped
    return None, skipped


# -- generation ------------------------------------------------------------------------------------

async def _existing(cycle_id):
    """{(participant, role): [sheet rows (id, rater, status)]} of a cycle."""
    out = {}
    # namedtuples, not model instances: tens of thousands of rows at a 10,000-person cycle.
    for r in await fetch_all(ScoreSheet.select(ScoreSheet.id, ScoreSheet.participant.alias("participant_id"),
                                               ScoreSheet.rater.alias("rater_id"), ScoreSheet.role,
                                               ScoreSheet.status)
                             .where(ScoreSheet.cycle == cycle_id).namedtuples()):
        out.setdefault((r.participant_id, r.role), []).append(r)
    return out


async def _insert(rows):
    for i in range(0, len(rows), CHUNK):
        await ScoreSheet.insert_many(rows[i:i + CHUNK]).aexecute()


async def generate(cycle, *, actor=None):
    """Create the missing sheets of every active participant (set-based: a fixed number of
    queries whatever the size). Returns counts and the participants left without a leader rater.
    Call inside a transaction."""
    weights, peer_n, self_on = scoring_settings(cycle)
    tree = await OrgTree.load(cycle.unit_id)
    parts = await fetch_all(CycleParticipant.select(CycleParticipant.staff, CycleParticipant.department)
                            .where(CycleParticipant.cycle == cycle.id, CycleParticipant.status == "active"))
    staff_dept = {s.id: s.department_id for s in await fetch_all(
        Staff.select(Staff.id, Staff.department).where(Staff.id.in_(
            CycleParticipant.select(CycleParticipant.staff).where(CycleParticipant.cycle == cycle.id))))}
    related = await relationships.related_map(
        Staff.select(Staff.id).where(Staff.unit == cycle.unit_id))
    existing = await _existing(cycle.id)
    versions = {g.staff_id: g.confirmed_version_id for g in await fetch_all(
        GoalSet.select(GoalSet.staff, GoalSet.confirmed_version_id).where(GoalSet.cycle == cycle.id))}
    now = utcnow()
    live, recused, unassigned = [], [], []
    for p in parts:
        pid = p.staff_id
        dept_id = p.department_id or staff_dept.get(pid)
        rel = related.get(pid, {})
        have = {role: [s for s in existing.get((pid, role), ()) if s.status != "recused"]
                for role in ("leader", "peer", "self")}
        peers = []
        leader_id = have["leader"][0].rater_id if have["leader"] else None
        if not have["leader"]:
            already = {s.rater_id for s in existing.get((pid, "leader"), ())}
            leader_id, skipped = pick_leader(tree.chain(dept_id), pid, rel, skip=already)
            for sid, reason in skipped:
                recused.append((pid, sid, reason, leader_id))
            if leader_id is None:
                unassigned.append(pid)
        if peer_n:
            if have["peer"]:
                peers = [s.rater_id for s in have["peer"]]
            else:
                pool = [s for s in tree.colleagues(dept_id) if s != pid and s != leader_id and s not in rel]
                peers = random.Random(f"{cycle.id}:{pid}").sample(pool, min(peer_n, len(pool)))
        shares = role_weights(weights, peers=len(peers), self_on=self_on)
        base = {"cycle": cycle.id, "participant": pid, "status": "pending", "source": "auto",
                "goal_version_id": versions.get(pid), "updated_at": now}
        if leader_id and not have["leader"]:
            live.append({**base, "rater": leader_id, "role": "leader", "weight": shares["leader"]})
        if not have["peer"]:
            live.extend({**base, "rater": sid, "role": "peer", "weight": shares["peer"]} for sid in peers)
        if self_on and not have["self"]:
            live.append({**base, "rater": pid, "role": "self", "weight": shares["self"]})
    await _insert(live)
    ids = {}
    if recused:
        for r in await fetch_all(ScoreSheet.select(ScoreSheet.id, ScoreSheet.participant, ScoreSheet.rater)
                                 .where(ScoreSheet.cycle == cycle.id, ScoreSheet.role == "leader",
                                        ScoreSheet.status != "recused")):
            ids[(r.participant_id, r.rater_id)] = r.id
    await _insert([{"cycle": cycle.id, "participant": pid, "rater": sid, "role": "leader", "weight": 0,
                    "status": "recused", "source": "auto", "recusal_reason": reason, "recused_at": now,
                    "replaced_by_id": ids.get((pid, took)), "goal_version_id": versions.get(pid),
                    "updated_at": now}
                   for pid, sid, reason, took in recused])
    summary = {"created": len(live), "recused": len(recused), "participants": len(parts),
               "unassigned": len(unassigned)}
    await audit.record(actor=actor, action="appraisal.sheet.generate", target_type="appraisal_cycle",
                       target_id=cycle.id, unit_id=cycle.unit_id, after=summary)
    return {**summary, "unassigned_ids": unassigned}


async def _unassigned_out(ids):
    rows = await fetch_all(Staff.select(Staff.id, Staff.name, Staff.employee_no)
                           .where(Staff.id.in_(list(ids)[:200] or [0])))
    return [{"id": s.id, "name": s.name, "employee_no": s.employee_no} for s in rows]


async def generate_sheets(*, actor, cycle_id, today):
    """HR: generate (or complete) the sheets of a launched cycle whose scoring has not closed."""
    cycle, _ = await cycle_in_reach(actor, cycle_id)
    if cycle.status != "launched":
        raise Conflict("考核周期未启动或已结束，不能生成评分表", code="APPRAISAL_CYCLE_NOT_LAUNCHED")
    if await phase_state(cycle, "scoring", today=today) == "closed":
        raise Conflict("考核评分阶段已结束", code="APPRAISAL_PHASE_CLOSED", fields={"phase": "scoring"})
    async with atomic():
        await get_one(for_update(AppraisalCycle.select().where(AppraisalCycle.id == cycle.id)))
        out = await generate(cycle, actor=actor)
    out["unassigned"] = await _unassigned_out(out.pop("unassigned_ids"))
    return out


# -- re-routing one sheet (declared conflict, a relationship declared later) ------------------------

async def _next_leader(sheet, extra_skip=()):
    cycle = await AppraisalCycle.aget(AppraisalCycle.id == sheet.cycle_id)
    part = await CycleParticipant.aget_or_none(CycleParticipant.cycle == sheet.cycle_id,
                                               CycleParticipant.staff == sheet.participant_id)
    staff = await Staff.aget(Staff.id == sheet.participant_id)
    tree = await OrgTree.load(cycle.unit_id)
    rel = (await relationships.related_map([sheet.participant_id])).get(sheet.participant_id, {})
    gone = {r.rater_id for r in await fetch_all(ScoreSheet.select(ScoreSheet.rater).where(
        ScoreSheet.cycle == sheet.cycle_id, ScoreSheet.participant == sheet.participant_id,
        ScoreSheet.role == "leader"))}
    dept_id = (part.department_id if part else None) or staff.department_id
    return pick_leader(tree.chain(dept_id), sheet.participant_id, rel, skip=gone | set(extra_skip))


async def reroute(sheet, *, reason, note="", actor):
    """Mark `sheet` recused and, for a leader sheet, hand the participant to the next leader up
    (recording anyone skipped on the way). Inside a transaction. Returns the new sheet or None."""
    now = utcnow()
    took, skipped = (None, [])
    if sheet.role == "leader":
        took, skipped = await _next_leader(sheet)
    new = None
    if took:
        new = await ScoreSheet.acreate(cycle=sheet.cycle_id, participant=sheet.participant_id, rater=took,
                                       role="leader", weight=sheet.weight, status="pending", source="auto",
                                       goal_version_id=sheet.goal_version_id, updated_at=now)
    for sid, why in skipped:
        await ScoreSheet.acreate(cycle=sheet.cycle_id, participant=sheet.participant_id, rater=sid,
                                 role="leader", weight=0, status="recused", source="auto",
                                 recusal_reason=why, recused_at=now, replaced_by_id=new.id if new else None,
                                 goal_version_id=sheet.goal_version_id, updated_at=now)
    await ScoreSheet.update(status="recused", recusal_reason=reason, recusal_note=note[:200], recused_at=now,
                            replaced_by_id=new.id if new else None, version=ScoreSheet.version + 1,
                            updated_at=now).where(ScoreSheet.id == sheet.id).aexecute()
    cycle = await AppraisalCycle.aget(AppraisalCycle.id == sheet.cycle_id)
    await audit.record(actor=actor, action="appraisal.sheet.recuse", target_type="appraisal_score_sheet",
                       target_id=sheet.id, unit_id=cycle.unit_id,
                       before={"rater_id": sheet.rater_id, "status": sheet.status},
                       after={"status": "recused", "reason": reason, "note": note,
                              "replaced_by": new.id if new else None,
                              "new_rater_id": new.rater_id if new else None})
    return new


async def declare_conflict(*, actor, sheet_id, reason, today):
    """The rater declares a conflict of interest for one sheet: it goes to the next leader up."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise Invalid("请写明回避理由（至少 4 个字）", code="VALIDATION_FAILED", fields={"reason": "至少 4 个字"})
    async with atomic():
        sheet = await get_one(for_update(ScoreSheet.select().where(ScoreSheet.id == sheet_id)))
        if sheet is None or sheet.rater_id != actor.id:
            raise sheet_not_found()
        if sheet.status == "recused":
            raise Conflict("该评分表已回避", code="APPRAISAL_SHEET_RECUSED")
        if sheet.status == "submitted":
            raise Conflict("评分表已提交，不能再申明回避", code="APPRAISAL_SHEET_SUBMITTED")
        if sheet.role == "self":
            raise Conflict("本人自评不适用回避", code="APPRAISAL_RECUSAL_NOT_APPLICABLE")
        cycle = await get_cycle(sheet.cycle_id)
        if await phase_state(cycle, "scoring", today=today, staff_id=actor.id) == "closed":
            raise Conflict("考核评分阶段已结束", code="APPRAISAL_PHASE_CLOSED", fields={"phase": "scoring"})
        new = await reroute(sheet, reason="declared", note=reason, actor=actor)
    return {"id": sheet.id, "status": "recused", "reason": "declared",
            "reason_label": reason_label("declared", reason), "replaced_by": new.id if new else None}


async def _on_relationship(*, actor, staff_id, relative_id, kind):
    """A relationship declared now: unsubmitted sheets between the two in running cycles move."""
    rows = await fetch_all(ScoreSheet.select(ScoreSheet).join(
        AppraisalCycle, on=(ScoreSheet.cycle == AppraisalCycle.id)).where(
        AppraisalCycle.status == "launched", ScoreSheet.status.in_(("pending", "draft")),
        ScoreSheet.role != "self",
        ((ScoreSheet.participant == staff_id) & (ScoreSheet.rater == relative_id))
        | ((ScoreSheet.participant == relative_id) & (ScoreSheet.rater == staff_id))))
    for sheet in rows:
        await reroute(sheet, reason=f"relative:{kind}", actor=actor)


# -- HR's views --------------------------------------------------------------------------------------

async def recusals(*, actor, cycle_id):
    """Every recusal of a cycle within the caller's reach: who was skipped, why, who took over."""
    cycle, reach = await cycle_in_reach(actor, cycle_id)
    P = Staff.alias("p")
    rows = await fetch_all(ScoreSheet.select(ScoreSheet, P.id, P.name, P.employee_no, P.department)
                           .join(P, on=(ScoreSheet.participant == P.id), attr="p")
                           .where(ScoreSheet.cycle == cycle.id, ScoreSheet.status == "recused",
                                  reach.staff_filter(P))
                           .order_by(ScoreSheet.participant, ScoreSheet.id))
    repl_ids = {r.replaced_by_id for r in rows if r.replaced_by_id}
    repl = {s.id: s.rater_id for s in await fetch_all(
        ScoreSheet.select(ScoreSheet.id, ScoreSheet.rater).where(ScoreSheet.id.in_(list(repl_ids) or [0])))}
    ids = {r.rater_id for r in rows} | set(repl.values())
    names = {s.id: s.name for s in await fetch_all(Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_(list(ids) or [0])))}
    dept_names = {d.id: d.name for d in await fetch_all(Department.select(Department.id, Department.name)
                                                           .where(Department.unit == cycle.unit_id))}
    out = []
    for r in rows:
        p = r.p
        new_rater = repl.get(r.replaced_by_id)
        out.append({
            "sheet_id": r.id, "role": r.role, "role_label": ROLE_LABELS.get(r.role, r.role),
            "participant": {"id": p.id, "name": p.name, "employee_no": p.employee_no,
                            "department_name": dept_names.get(p.department_id)},
            "skipped": {"id": r.rater_id, "name": names.get(r.rater_id, "")},
            "reason": r.recusal_reason, "note": r.recusal_note,
            "reason_label": reason_label(r.recusal_reason, r.recusal_note),
            "replaced_by": ({"sheet_id": r.replaced_by_id, "id": new_rater, "name": names.get(new_rater, "")}
                            if new_rater else None),
            "recused_at": r.recused_at,
        })
    return out


# -- the scheduler: sheets at the start of the scoring phase ---------------------------------------

async def _scoring_starts(ctx):
    today = local_today(ctx.now)
    rows = await fetch_all(CyclePhase.select(CyclePhase.cycle, CyclePhase.opens_on).join(
        AppraisalCycle, on=(CyclePhase.cycle == AppraisalCycle.id)).where(
        CyclePhase.phase == "scoring", AppraisalCycle.status == "launched",
        CyclePhase.opens_on <= today, CyclePhase.closes_on >= today))
    out = []
    for r in rows:
        start = datetime.datetime.combine(r.opens_on, datetime.time(0, 0), SHANGHAI)
        due = start.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        out.append(scheduler.Occurrence(key=f"appraisal.sheets:{r.cycle_id}", due_at=due,
                                        run=_generate_job(r.cycle_id)))
    return out


def _generate_job(cycle_id):
    async def run(ctx):
        cycle = await AppraisalCycle.aget(AppraisalCycle.id == cycle_id)
        await generate(cycle, actor=None)
    return run


def register_subscribers():
    events.subscribe("appraisal.relationship.declared", _on_relationship)
    scheduler.register_source("appraisal.sheets", _scoring_starts)
