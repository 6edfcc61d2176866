"""Approval flows: step definitions, conditions, and resolving each step's rule to real approvers.

Routing uses the applicant's primary department (Staff.department); concurrent posts (StaffPost)
never route an approval, their departments' leaders are copied (抄送) on submit instead. A step whose approver is the applicant, or that resolves to nobody,
climbs: parent departments' leaders → the supervisor (分管领导) → the unit head → HR officers holding
leave.manage over the applicant; a unit head's own step is skipped with an audited note, and
their request then ends with the unit's configured head step (`head_step`): 报备 to the unit's
leadership group by default, or a named person, or the superior organ's named contact — never
a silent self-approval.
"""
import contextvars
import dataclasses
import re

from models.access import Grant, Role, RolePermission
from models.approvals import ApprovalFlow
from models.base import fetch_all, get_one
from models.org import Department, DepartmentDeputy, Staff, Unit
from models.unit_settings import UnitApprovalSetting
from server.errors import Conflict, Invalid
from services.access import resolve_scope, staff_dept_ids

RULE_LABELS = {
    "dept_leader": "部门负责人", "parent_dept_leader": "上级部门负责人",
    "supervisor": "分管领导", "unit_head": "单位主要负责人",
}
RULE_RE = re.compile(r"^(dept_leader|parent_dept_leader|supervisor|unit_head|role:[a-z0-9_.]{1,40}|staff:\d{1,12})$")
OPS = (">", ">=", "<", "<=", "==", "!=", "in", "not_in")
MODES = ("any", "all")

LEAVE_FLOW = [
    {"name": "部门负责人审批", "approvers": ["dept_leader"], "mode": "any"},
    {"name": "分管领导审批", "approvers": ["supervisor"], "mode": "any",
     "when": [{"field": "days", "op": ">", "value": 3}]},
    {"name": "单位主要负责人审批", "approvers": ["unit_head"], "mode": "any",
     "when": [{"field": "days", "op": ">", "value": 15}]},
]
GENERIC_FLOW = [{"name": "部门负责人审批", "approvers": ["dept_leader"], "mode": "any"}]
# 目标三级审核: the employee submits, the department leader reviews, the unit confirms (HR by
# default; a unit may make the deputy head in charge (supervisor) the confirming step instead).
APPRAISAL_GOALS_FLOW = [
    {"name": "部门负责人审核", "approvers": ["dept_leader"], "mode": "any"},
    {"name": "单位确认", "approvers": ["role:hr_officer"], "mode": "any"},
]
# 复核 / 申诉: decided by HR by default (a unit may name an appeal panel with staff:<id> rules);
# the participant's raters are never approvers (EXCLUDED_APPROVERS below).
APPRAISAL_REVIEW_FLOW = [{"name": "人事部门复核", "approvers": ["role:hr_officer"], "mode": "any"}]
APPRAISAL_APPEAL_FLOW = [{"name": "申诉处理", "approvers": ["role:hr_officer"], "mode": "any"}]
# 结果运用: the department recommends (the submission), HR reviews, the unit approves.
APPRAISAL_APPLICATION_FLOW = [
    {"name": "人事部门审核", "approvers": ["role:hr_officer"], "mode": "any"},
    {"name": "单位审批", "approvers": ["unit_head"], "mode": "any"},
]
# Built-in flows used until a unit (or the nation-wide default row) defines its own.
DEFAULT_FLOWS = {"leave": LEAVE_FLOW, "appraisal_goals": APPRAISAL_GOALS_FLOW,
                 "appraisal_goal_change": APPRAISAL_GOALS_FLOW,
                 "appraisal_review": APPRAISAL_REVIEW_FLOW, "appraisal_appeal": APPRAISAL_APPEAL_FLOW,
                 "appraisal_application": APPRAISAL_APPLICATION_FLOW}
# Staff who may not approve the submission being planned, besides the applicant (e.g. every rater
# of an appraisal result under review). Set by the submitting service around approvals.submit;
# an excluded person is treated like the applicant: the step climbs past them. Kept out of the
# instance context, which the applicant can read.
EXCLUDED_APPROVERS = contextvars.ContextVar("approval_excluded_approvers", default=frozenset())


def default_steps(kind):
    return [dict(s) for s in DEFAULT_FLOWS.get(kind, GENERIC_FLOW)]


# -- validation -------------------------------------------------------------------------------

def clean_steps(steps):
    """Validate a flow's steps; one 422 APPROVAL_FLOW_INVALID naming every bad field."""
    errors = {}
    if not isinstance(steps, list) or not 1 <= len(steps) <= 20:
        raise Invalid("审批环节应为 1 至 20 个", code="APPROVAL_FLOW_INVALID",
                      fields={"steps": "应为 1 至 20 个环节"})
    out = []
    for i, step in enumerate(steps):
        key = f"steps[{i}]"
        if not isinstance(step, dict):
            errors[key] = "应为对象"
            continue
        name = step.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 50:
            errors[f"{key}.name"] = "应为 1 至 50 个字符"
        approvers = step.get("approvers")
        if isinstance(approvers, str):
            approvers = [approvers]
        if (not isinstance(approvers, list) or not 1 <= len(approvers) <= 10
                or not all(isinstance(a, str) and RULE_RE.match(a) for a in approvers)):
            errors[f"{key}.approvers"] = ("应为审批人规则列表：dept_leader、parent_dept_leader、supervisor、"
                                          "unit_head、role:<角色代码>、staff:<人员ID>")
        mode = step.get("mode", "any")
        if mode not in MODES:
            errors[f"{key}.mode"] = "应为 any（或签）或 all（会签）"
        when = step.get("when") or []
        if isinstance(when, dict):
            when = [when]
        if not isinstance(when, list) or not all(_valid_condition(c) for c in when):
            errors[f"{key}.when"] = "条件应为 {field, op, value}，op 为 " + "、".join(OPS)
        if f"{key}.name" in errors or key in errors:
            continue
        out.append({"name": name.strip() if isinstance(name, str) else "", "approvers": approvers,
                    "mode": mode, "when": when})
    if errors:
        raise Invalid("审批流程设置有误", code="APPROVAL_FLOW_INVALID", fields=errors)
    return out


def _valid_condition(c):
    if not isinstance(c, dict) or c.get("op") not in OPS:
        return False
    if not isinstance(c.get("field"), str) or not c["field"] or len(c["field"]) > 40:
        return False
    value = c.get("value")
    if c["op"] in ("in", "not_in"):
        return isinstance(value, list) and len(value) <= 50
    return isinstance(value, (int, float, str)) and not isinstance(value, bool)


def condition_holds(cond, context):
    """A missing field or an incomparable value makes the condition false (the step is skipped)."""
    if cond.get("field") not in (context or {}):
        return False
    have, op, want = context[cond["field"]], cond["op"], cond.get("value")
    try:
        if op == ">":
            return have > want
        if op == ">=":
            return have >= want
        if op == "<":
            return have < want
        if op == "<=":
            return have <= want
        if op == "==":
            return have == want
        if op == "!=":
            return have != want
        if op == "in":
            return have in want
        if op == "not_in":
            return have not in want
    except TypeError:
        return False
    return False


def step_applies(step, context):
    when = step.get("when") or []
    if isinstance(when, dict):
        when = [when]
    return all(condition_holds(c, context) for c in when)


async def flow_for(kind, unit_id):
    """The active flow for a unit, else the nation-wide row, else the built-in default."""
    row = await get_one(ApprovalFlow.select().where(
        ApprovalFlow.kind == kind, ApprovalFlow.unit == unit_id, ApprovalFlow.active == True)  # noqa: E712
        .order_by(ApprovalFlow.id.desc()))
    if row is None:
        row = await get_one(ApprovalFlow.select().where(
            ApprovalFlow.kind == kind, ApprovalFlow.unit.is_null(),
            ApprovalFlow.active == True).order_by(ApprovalFlow.id.desc()))  # noqa: E712
    if row is None:
        return None, default_steps(kind)
    return row, row.steps


# -- resolution -------------------------------------------------------------------------------

@dataclasses.dataclass
class OrgView:
    """What routing needs about one applicant, loaded once."""
    applicant: object
    unit: object
    dept: object
    ancestors: list  # nearest parent first

    @property
    def head_id(self):
        return self.unit.head_id if self.unit else None

    def parent_leaders(self):
        return [d.leader_id for d in self.ancestors]

    def supervisor_id(self):
        for d in ([self.dept] if self.dept else []) + self.ancestors:
            if d.supervisor_id:
                return d.supervisor_id
        return None


async def load_org_view(applicant):
    unit = await Unit.aget_or_none(Unit.id == applicant.unit_id)
    dept = ancestors = None
    if applicant.department_id:
        dept = await Department.aget_or_none(Department.id == applicant.department_id)
    ancestors = []
    if dept is not None:
        ids = [int(x) for x in dept.path.strip("/").split("/") if x][:-1]
        if ids:
            rows = {d.id: d for d in await fetch_all(Department.select().where(Department.id.in_(ids)))}
            ancestors = [rows[i] for i in reversed(ids) if i in rows]
    return OrgView(applicant=applicant, unit=unit, dept=dept, ancestors=ancestors)


async def _active_ids(ids):
    ids = [i for i in ids if i]
    if not ids:
        return set()
    rows = await fetch_all(Staff.select(Staff.id).where(Staff.id.in_(ids), Staff.status == "active"))
    return {r.id for r in rows}


async def _grant_holders(org, *, role_code=None, permission=None):
    """Active staff of the applicant's unit whose grant (of the role / carrying the permission)
    reaches the applicant."""
    query = (Grant.select(Grant, Role).join(Role).switch(Grant).join(Staff)
             .where(Grant.revoked_at.is_null(), Staff.unit == org.applicant.unit_id,
                    Staff.status == "active"))
    if role_code:
        query = query.where(Role.code == role_code)
    if permission:
        query = query.where(Role.id.in_(RolePermission.select(RolePermission.role).where(
            RolePermission.permission == permission)))
    grants = await fetch_all(query.order_by(Grant.staff, Grant.id))
    if not grants:
        return []
    dept_ids = await staff_dept_ids(org.applicant)
    out = []
    for g in grants:
        if g.staff_id in out:
            continue
        custom = ()
        if g.scope_type == "custom":
            from models.access import GrantDepartment
            custom = tuple(gd.department_id for gd in await fetch_all(
                GrantDepartment.select().where(GrantDepartment.grant == g.id)))
        reach = await resolve_scope(g.scope_type, unit_id=g.scope_unit_id,
                                    department_id=g.scope_department_id, custom_dept_ids=custom,
                                    staff_id=g.staff_id)
        if reach.covers_staff(org.applicant.id, dept_ids, org.applicant.unit_id):
            out.append(g.staff_id)
    return out


def _chain_after(rule, org):
    """Who to try next when `rule` gives the applicant or nobody (nearest first)."""
    if rule == "dept_leader":
        return org.parent_leaders() + [org.supervisor_id(), org.head_id]
    if rule == "parent_dept_leader":
        return org.parent_leaders()[1:] + [org.supervisor_id(), org.head_id]
    if rule == "unit_head":
        return []
    return [org.head_id]


async def _resolve_rule(rule, org):
    if rule == "dept_leader":
        return [org.dept.leader_id] if org.dept and org.dept.leader_id else []
    if rule == "parent_dept_leader":
        leaders = org.parent_leaders()
        return [leaders[0]] if leaders and leaders[0] else []
    if rule == "supervisor":
        sup = org.supervisor_id()
        return [sup] if sup else []
    if rule == "unit_head":
        return [org.head_id] if org.head_id else []
    if rule.startswith("role:"):
        return await _grant_holders(org, role_code=rule[5:])
    if rule.startswith("staff:"):
        sid = int(rule[6:])
        row = await Staff.aget_or_none(Staff.id == sid)
        return [sid] if row and row.unit_id == org.applicant.unit_id else []
    return []


HEAD_SKIP_NOTE = "申请人为单位主要负责人，本环节自动跳过"
HEAD_STEP_NAMES = {"group": "报备单位领导班子", "person": "指定人员审批", "superior": "上级机关审批"}


async def leadership_group(unit_id, head_id):
    """The unit's leadership group below the head (领导班子): the deputy heads in charge of its
    departments (分管领导) and the deputy leaders of the department the head leads."""
    supervisors = Department.select(Department.supervisor).where(
        Department.unit == unit_id, Department.supervisor.is_null(False))
    led = Department.select(Department.id).where(Department.unit == unit_id,
                                                 Department.leader == head_id)
    deputies = DepartmentDeputy.select(DepartmentDeputy.staff).where(
        DepartmentDeputy.department.in_(led))
    rows = await fetch_all(Staff.select(Staff.id).where(
        Staff.id.in_(supervisors) | Staff.id.in_(deputies), Staff.unit == unit_id,
        Staff.status == "active", Staff.id != head_id).order_by(Staff.id))
    return [r.id for r in rows]


async def head_step_setting(unit_id):
    """(mode, named staff id) for a unit; no row = 报备 to the leadership group."""
    row = await UnitApprovalSetting.aget_or_none(UnitApprovalSetting.unit == unit_id)
    return (row.head_step, row.head_step_staff_id) if row else ("group", None)


async def resolve_head_step(org):
    """The final step of the unit head's own request: (name, rules, approver ids, note)."""
    me = org.applicant.id
    banned = {me} | set(EXCLUDED_APPROVERS.get())
    mode, named = await head_step_setting(org.applicant.unit_id)
    if mode in ("person", "superior") and named:
        ids = [s for s in await _active_ids([named]) if s not in banned]
        why = "指定人员不可用"
    else:
        mode = "group"
        ids = [s for s in await leadership_group(org.applicant.unit_id, me) if s not in banned]
        why = "本单位领导班子无其他成员"
    name, rules = HEAD_STEP_NAMES[mode], [f"head_step:{mode}"]
    if ids:
        return name, rules, ids, "申请人为单位主要负责人，按本单位设置" + (
            "报备领导班子（任一成员审阅即完成，记录在案）" if mode == "group" else "由指定人员审批")
    hr = [s for s in await _grant_holders(org, permission="leave.manage") if s not in banned]
    if hr:
        return name, rules, hr, f"申请人为单位主要负责人，{why}，转由人事专员审批"
    raise Conflict("单位主要负责人的申请无人可审批：请人事部门在审批设置中指定报备或审批人员",
                   code="HEAD_STEP_UNRESOLVED")


def _needs_head_step(plan, org):
    if not org.head_id or org.applicant.id != org.head_id:
        return False
    return all(s["skipped"] for s in plan) or any(s["note"] == HEAD_SKIP_NOTE for s in plan)


async def resolve_step(step, org):
    """(approver ids, note, skipped) for one step."""
    me = org.applicant.id
    banned = {me} | set(EXCLUDED_APPROVERS.get())
    found, self_hit, recused = [], False, False
    for rule in step["approvers"]:
        for sid in await _resolve_rule(rule, org):
            if sid in banned:
                self_hit = True
                recused = recused or sid != me
            elif sid not in found:
                found.append(sid)
    active = await _active_ids(found)
    found = [s for s in found if s in active]
    if found:
        return found, "", False
    # Nobody left: climb from the first rule of the step.
    first = step["approvers"][0]
    if self_hit and first == "unit_head" or (self_hit and me == org.head_id):
        return [], HEAD_SKIP_NOTE, True
    candidates = [c for c in _chain_after(first, org) if c]
    active = await _active_ids(candidates)
    for c in candidates:
        if c not in banned and c in active:
            why = ("该环节审批人须回避" if recused else "申请人本人为该环节审批人" if self_hit
                   else "该环节未设置审批人")
            return [c], f"{why}，已转由上一级审批", False
    if me == org.head_id:
        return [], HEAD_SKIP_NOTE, True
    hr = [s for s in await _grant_holders(org, permission="leave.manage") if s not in banned]
    if hr:
        return hr, "该环节无可用审批人，转由人事专员审批", False
    return [], "该环节无可用审批人，自动跳过", True


async def build_plan(steps, org, context):
    """The resolved steps for one submission: conditions applied, approvers named."""
    plan, previous = [], None
    for step in steps:
        if not step_applies(step, context):
            continue
        ids, note, skipped = await resolve_step(step, org)
        if not skipped and previous is not None and set(ids) == set(previous):
            skipped, note = True, "审批人与上一环节相同，自动跳过"
        plan.append({"index": len(plan), "name": step["name"], "mode": step.get("mode", "any"),
                     "rules": list(step["approvers"]), "approvers": ids, "skipped": skipped,
                     "note": note})
        if not skipped:
            previous = ids
    if _needs_head_step(plan, org):
        # Nobody inside the unit outranks its head: the request ends with the unit's head step.
        name, rules, ids, note = await resolve_head_step(org)
        skipped = previous is not None and set(ids) == set(previous)
        plan.append({"index": len(plan), "name": name, "mode": "any", "rules": rules,
                     "approvers": ids, "skipped": skipped,
                     "note": "审批人与上一环节相同，自动跳过" if skipped else note})
    return plan
