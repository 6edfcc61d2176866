"""What the appraisal modules share: Beijing-time today, the phase gate (with per-person
reopenings), participant and cycle look-ups in reach."""
import datetime
from zoneinfo import ZoneInfo

from models.appraisal.cycles import (PHASES, AppraisalCycle, CycleParticipant, CyclePhase,
                                     PhaseReopening)
from models.base import fetch_all
from models.org import Department
from server.errors import Conflict, NotFound
from services.orgtree import subtree_department_ids

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHASE_LABELS = {
    "goal_setting": "目标设定", "progress": "过程跟踪", "self_assessment": "个人自评",
    "scoring": "考核评分", "publication": "结果公示", "appeals": "复核申诉",
}
KIND_LABELS = {"annual": "年度考核", "periodic": "平时考核", "special": "专项考核"}
STATUS_LABELS = {"draft": "筹备中", "launched": "进行中", "closed": "已结束"}


def beijing_today():
    """Today in Beijing by the server clock (for code without a request clock: the demo, jobs).
    Never `datetime.date.today()`: the server's zone is UTC, a day behind from 16:00 to 24:00."""
    return datetime.datetime.now(SHANGHAI).date()


def local_today(now_utc):
    """Beijing-time date of a naive-UTC instant (the request clock: handler.now())."""
    return now_utc.replace(tzinfo=datetime.timezone.utc).astimezone(SHANGHAI).date()


async def get_cycle(cycle_id):
    cycle = await AppraisalCycle.aget_or_none(AppraisalCycle.id == cycle_id)
    if cycle is None:
        raise NotFound("考核周期不存在", code="APPRAISAL_CYCLE_NOT_FOUND")
    return cycle


async def phases_of(cycle_id):
    """{phase: CyclePhase} of a cycle."""
    rows = await fetch_all(CyclePhase.select().where(CyclePhase.cycle == cycle_id))
    return {p.phase: p for p in rows}


async def _reopened_until(cycle_id, staff_id, phase, today):
    rows = await fetch_all(PhaseReopening.select(PhaseReopening.until).where(
        PhaseReopening.cycle == cycle_id, PhaseReopening.staff == staff_id,
        PhaseReopening.phase == phase, PhaseReopening.revoked_at.is_null(),
        PhaseReopening.until >= today))
    return max((r.until for r in rows), default=None)


async def phase_state(cycle, phase, *, today, staff_id=None, phases=None):
    """"not_started" | "open" | "closed" for `phase` of `cycle` on `today` (Beijing date), for
    one person when `staff_id` is given (an HR reopening keeps a closed phase open for them)."""
    if cycle.status != "launched":
        return "closed" if cycle.status == "closed" else "not_started"
    phases = phases if phases is not None else await phases_of(cycle.id)
    row = phases.get(phase)
    if row is None:
        return "closed"
    if today < row.opens_on:
        state = "not_started"
    elif today <= row.closes_on:
        state = "open"
    else:
        state = "closed"
    if state != "open" and staff_id is not None and await _reopened_until(cycle.id, staff_id, phase, today):
        return "open"
    return state


async def current_phase(cycle, *, today, phases=None):
    """The phase open today (the latest one, if dates touch), or None."""
    phases = phases if phases is not None else await phases_of(cycle.id)
    found = None
    for code in PHASES:
        row = phases.get(code)
        if row and row.opens_on <= today <= row.closes_on:
            found = code
    return found


async def require_phase(cycle, phase, *, staff_id, today, allowed=None):
    """Refuse (409) unless `phase` — or any of `allowed` phases — is open for this person."""
    for code in allowed or (phase,):
        if await phase_state(cycle, code, today=today, staff_id=staff_id) == "open":
            return
    state = await phase_state(cycle, phase, today=today, staff_id=staff_id)
    label = PHASE_LABELS.get(phase, phase)
    if state == "not_started":
        raise Conflict(f"{label}阶段尚未开始", code="APPRAISAL_PHASE_NOT_STARTED",
                       fields={"phase": phase})
    raise Conflict(f"{label}阶段已结束；如确需补办，请联系人事部门为您重新开放",
                   code="APPRAISAL_PHASE_CLOSED", fields={"phase": phase})


async def active_participant(cycle_id, staff_id):
    return await CycleParticipant.aget_or_none(
        CycleParticipant.cycle == cycle_id, CycleParticipant.staff == staff_id,
        CycleParticipant.status == "active")


async def led_department_ids(staff_id):
    """Departments whose leader is `staff_id`, with all their sub-departments (a leader sees
    their department tree without a grant)."""
    led = await fetch_all(Department.select(Department.id, Department.path)
                          .where(Department.leader == staff_id))
    out = set()
    for d in led:
        out |= set(await subtree_department_ids(d))
    return out
