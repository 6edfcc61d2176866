"""The approval engine's tables: flows per kind and unit, instances, tasks, the timeline, cc, delegations."""
import peewee as pw

from models.base import BaseModel, JSONField, utcnow
from models.org import Staff, Unit

INSTANCE_STATUSES = ("pending", "approved", "rejected", "withdrawn", "returned")
TASK_STATUSES = ("pending", "approved", "rejected", "returned", "transferred", "cancelled")


class ApprovalFlow(BaseModel):
    """Ordered steps for one request kind in one unit (unit null = the default for every unit)."""
    unit = pw.ForeignKeyField(Unit, null=True, on_delete="CASCADE")
    kind = pw.CharField(max_length=40, index=True)
    name = pw.CharField(max_length=100)
    # [{"name": "部门负责人审批", "approvers": ["dept_leader"], "mode": "any",
    #   "when": [{"field": "days", "op": ">", "value": 3}]}, ...]
    steps = JSONField()
    active = pw.BooleanField(default=True)
    version = pw.IntegerField(default=1)
    updated_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    updated_at = pw.DateTimeField(default=utcnow)


class ApprovalInstance(BaseModel):
    kind = pw.CharField(max_length=40, index=True)
    subject_id = pw.IntegerField(null=True)
    unit = pw.ForeignKeyField(Unit, on_delete="RESTRICT")
    applicant = pw.ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    # Routing uses the primary department at submission (concurrent posts do not route).
    department_id = pw.IntegerField(null=True)
    summary = pw.CharField(max_length=200, default="")
    context = JSONField(null=True)
    flow_id = pw.IntegerField(null=True)
    # The resolved plan: [{"index", "name", "mode", "rules", "approvers": [{"id", "name"}],
    #                      "skipped": bool, "note": str}]
    plan = JSONField(null=True)
    current_step = pw.IntegerField(default=0)
    status = pw.CharField(max_length=12, default="pending", index=True)
    # Optimistic lock: every state-changing action does UPDATE ... WHERE id=? AND version=?.
    version = pw.IntegerField(default=1)
    round = pw.IntegerField(default=1)  # increases on each resubmission after a return
    updated_at = pw.DateTimeField(default=utcnow)
    finished_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("applicant", "status"), False), (("kind", "subject_id"), False))


class ApprovalTask(BaseModel):
    """One approver's piece of one step; `on_behalf_of` is set when a delegate holds it (代 X 审批)."""
    instance = pw.ForeignKeyField(ApprovalInstance, backref="tasks", on_delete="CASCADE")
    round = pw.IntegerField(default=1)
    step_index = pw.IntegerField()
    step_name = pw.CharField(max_length=100, default="")
    mode = pw.CharField(max_length=4, default="any")
    assignee = pw.ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    on_behalf_of = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    status = pw.CharField(max_length=12, default="pending", index=True)
    comment = pw.CharField(max_length=500, default="")
    acted_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("assignee", "status"), False),)


class ApprovalEvent(BaseModel):
    """The timeline the applicant sees: every action, automatic notes included."""
    instance = pw.ForeignKeyField(ApprovalInstance, backref="events", on_delete="CASCADE")
    step_index = pw.IntegerField(null=True)
    actor = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    on_behalf_of = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    action = pw.CharField(max_length=20)
    comment = pw.CharField(max_length=500, default="")
    data = JSONField(null=True)


class ApprovalCc(BaseModel):
    instance = pw.ForeignKeyField(ApprovalInstance, backref="ccs", on_delete="CASCADE")
    staff = pw.ForeignKeyField(Staff, on_delete="CASCADE", backref="+")
    by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")

    class Meta:
        indexes = ((("instance", "staff"), True),)


class ApprovalDelegation(BaseModel):
    """A leader away from `start` to `end` hands new approval tasks to a deputy."""
    delegator = pw.ForeignKeyField(Staff, on_delete="CASCADE", backref="+")
    delegate = pw.ForeignKeyField(Staff, on_delete="CASCADE", backref="+")
    unit = pw.ForeignKeyField(Unit, on_delete="CASCADE")
    start = pw.DateField()
    end = pw.DateField()
    revoked_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("delegator", "start"), False),)
