"""How approval instances are shown: steps with their tasks, the timeline, what the caller may do."""
import inspect

from models.approvals import ApprovalCc, ApprovalEvent, ApprovalInstance, ApprovalTask
from models.base import fetch_all
from models.org import Staff

STATUS_LABELS = {"pending": "审批中", "approved": "已通过", "rejected": "已驳回",
                 "withdrawn": "已撤回", "returned": "已退回修改"}
ACTION_LABELS = {"submit": "提交申请", "approve": "同意", "reject": "驳回", "return": "退回修改",
                 "withdraw": "撤回", "transfer": "转交", "comment": "评论", "cc": "抄送",
                 "resubmit": "重新提交", "auto_skip": "自动跳过", "auto_approve": "自动通过",
                 "delegate": "委托代审", "undelegate": "收回委托"}


async def names_of(ids):
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {s.id: s.name for s in await fetch_all(
        Staff.select(Staff.id, Staff.name).where(Staff.id.in_(list(ids))))}


def search_condition(q, kinds):
    """Free-text search in a box (issue 15): the applicant's name, the request's summary (its
    title line) or the kind's Chinese title. Names only: phone and ID numbers are stored
    encrypted and never searched. The caller's box already limits the rows to their own."""
    q = q.strip()
    cond = (ApprovalInstance.summary.contains(q)
            | ApprovalInstance.applicant.in_(Staff.select(Staff.id).where(Staff.name.contains(q))))
    titled = [k for k, v in kinds.items() if q in getattr(v, "title", "")]
    if titled:
        cond = cond | ApprovalInstance.kind.in_(titled)
    return cond


def base(inst):
    """The instance fields hooks receive (and every JSON starts with)."""
    return {"id": inst.id, "kind": inst.kind, "subject_id": inst.subject_id, "unit_id": inst.unit_id,
            "applicant_id": inst.applicant_id, "department_id": inst.department_id,
            "summary": inst.summary, "context": inst.context, "status": inst.status,
            "round": inst.round, "version": inst.version}


def who(sid, names):
    return {"id": sid, "name": names.get(sid, "")} if sid else None


def step_state(inst, step):
    """done / current / stopped (the instance ended at it) / waiting / skipped, for one plan step."""
    if step["skipped"]:
        return "skipped"
    if inst.status == "approved" or step["index"] < inst.current_step:
        return "done"
    if step["index"] == inst.current_step:
        return "current" if inst.status == "pending" else "stopped"
    return "waiting"


async def instances_out(insts, actor, kinds, *, detail=False):
    if not insts:
        return []
    ids = [i.id for i in insts]
    tasks = await fetch_all(ApprovalTask.select().where(ApprovalTask.instance.in_(ids))
                            .order_by(ApprovalTask.id))
    ccs = await fetch_all(ApprovalCc.select().where(ApprovalCc.instance.in_(ids)))
    events = []
    if detail:
        events = await fetch_all(ApprovalEvent.select().where(ApprovalEvent.instance.in_(ids))
                                 .order_by(ApprovalEvent.id))
    people = {i.applicant_id for i in insts}
    for i in insts:
        for s in i.plan or []:
            people.update(s["approvers"])
    people.update(t.assignee_id for t in tasks)
    people.update(t.on_behalf_of_id for t in tasks)
    people.update(c.staff_id for c in ccs)
    people.update(e.actor_id for e in events)
    people.update(e.on_behalf_of_id for e in events)
    names = await names_of(people)
    out = []
    for inst in insts:
        mine = [t for t in tasks if t.instance_id == inst.id]
        cur = [t for t in mine if t.round == inst.round]

        def task_out(t):
            return {"id": t.id, "step_index": t.step_index, "round": t.round,
                    "assignee": who(t.assignee_id, names),
                    "on_behalf_of": who(t.on_behalf_of_id, names),
                    "label": f"代 {names.get(t.on_behalf_of_id, '')} 审批" if t.on_behalf_of_id else "",
                    "status": t.status, "comment": t.comment, "acted_at": t.acted_at}
        steps = []
        for s in inst.plan or []:
            steps.append({"index": s["index"], "name": s["name"], "mode": s["mode"],
                          "approvers": [who(a, names) for a in s["approvers"]],
                          "skipped": s["skipped"], "note": s["note"], "state": step_state(inst, s),
                          "tasks": [task_out(t) for t in cur if t.step_index == s["index"]]})
        pending = [t for t in cur if t.status == "pending"]
        my_task = next((t for t in pending if t.assignee_id == actor.id), None)
        is_applicant = inst.applicant_id == actor.id
        # Same rule as approvals._is_participant: only the applicant and approvers may cc.
        participant = is_applicant or any(actor.id in (t.assignee_id, t.on_behalf_of_id)
                                          for t in mine)
        data = {
            **base(inst),
            "kind_title": kinds[inst.kind].title if inst.kind in kinds else inst.kind,
            "applicant": who(inst.applicant_id, names),
            "status_label": STATUS_LABELS.get(inst.status, inst.status),
            "current_step": inst.current_step,
            "created_at": inst.created_at, "updated_at": inst.updated_at,
            "finished_at": inst.finished_at,
            "steps": steps,
            "current_assignees": [{**who(t.assignee_id, names),
                                   "on_behalf_of": who(t.on_behalf_of_id, names)} for t in pending],
            "my_task": task_out(my_task) if my_task else None,
            "ccs": [who(c.staff_id, names) for c in ccs if c.instance_id == inst.id],
            "can": {
                "approve": bool(my_task), "reject": bool(my_task), "return": bool(my_task),
                "transfer": bool(my_task),
                "withdraw": is_applicant and inst.status in ("pending", "returned"),
                "resubmit": is_applicant and inst.status == "returned",
                "comment": True, "cc": participant,
            },
        }
        if detail:
            data["timeline"] = [{
                "id": e.id, "action": e.action, "action_label": ACTION_LABELS.get(e.action, e.action),
                "actor": who(e.actor_id, names), "on_behalf_of": who(e.on_behalf_of_id, names),
                "label": f"代 {names.get(e.on_behalf_of_id, '')} 审批" if e.on_behalf_of_id else "",
                "step_index": e.step_index, "comment": e.comment, "data": e.data,
                "created_at": e.created_at} for e in events if e.instance_id == inst.id]
            describe = getattr(kinds.get(inst.kind), "describe", None)
            subject = None
            if describe is not None:
                subject = describe(instance=base(inst))
                if inspect.isawaitable(subject):
                    subject = await subject
            data["subject"] = subject
        out.append(data)
    return out
