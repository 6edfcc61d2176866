"""Appraisal cycles: kind, phases with dates, the participant list frozen at launch, per-person
phase reopenings, goal templates by position and department indicators (部门指标)."""
import peewee as pw

from models.base import BaseModel, JSONField, utcnow
from models.org import Department, Position, Staff, Unit

KINDS = ("annual", "periodic", "special")          # 年度考核 / 平时考核 / 专项考核
PERIODS = ("", "month", "quarter")                 # periodic cycles only
STATUSES = ("draft", "launched", "closed")
# In order. A phase opens at 00:00 of opens_on and closes at 24:00 of closes_on (Beijing time).
PHASES = ("goal_setting", "progress", "self_assessment", "scoring", "publication", "appeals")


class AppraisalCycle(BaseModel):
    unit = pw.ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")
    kind = pw.CharField(max_length=10)
    period = pw.CharField(max_length=8, default="")
    year = pw.IntegerField()
    period_no = pw.IntegerField(null=True)          # month 1-12 or quarter 1-4 for periodic
    name = pw.CharField(max_length=100)
    status = pw.CharField(max_length=10, default="draft", index=True)
    # min_items / max_items (goals per person, default 3-10), weights {leader, peer, self},
    # grade thresholds, reminder offsets (working days before a deadline) ...
    settings = JSONField(null=True)
    # Who takes part: {"department_ids": [..] (with sub-departments), "rank_ids": [..],
    # "exclude": {"long_leave_days": 180, "hired_after": "2026-10-01", "seconded_out": true}}
    participant_rule = JSONField(null=True)
    created_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    launched_at = pw.DateTimeField(null=True)
    launched_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    closed_at = pw.DateTimeField(null=True)
    version = pw.IntegerField(default=1)            # optimistic concurrency for edits
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "appraisal_cycle"
        indexes = ((("unit", "year"), False),)


class CyclePhase(BaseModel):
    cycle = pw.ForeignKeyField(AppraisalCycle, backref="phases", on_delete="CASCADE")
    phase = pw.CharField(max_length=20)
    opens_on = pw.DateField()
    closes_on = pw.DateField()                      # the deadline (a working day)
    sort = pw.IntegerField(default=0)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "appraisal_cycle_phase"
        indexes = ((("cycle", "phase"), True),)


class CycleParticipant(BaseModel):
    """One row per person considered at launch (active or excluded, with the reason), plus later
    explicit additions/removals. Department, position and rank are snapshots at launch."""
    cycle = pw.ForeignKeyField(AppraisalCycle, backref="participants", on_delete="CASCADE")
    staff = pw.ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    department = pw.ForeignKeyField(Department, null=True, on_delete="RESTRICT", backref="+")
    position_id = pw.IntegerField(null=True)
    rank_id = pw.IntegerField(null=True)
    status = pw.CharField(max_length=10, default="active", index=True)  # active / excluded / removed
    source = pw.CharField(max_length=10, default="launch")              # launch / added
    reason = pw.CharField(max_length=200, default="")                   # exclusion / change reason
    # Why the launch left them out: long_leave / hired_after / seconded_out ("" when active).
    exclusion = pw.CharField(max_length=20, default="")
    changed_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    changed_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "appraisal_participant"
        indexes = ((("cycle", "staff"), True), (("cycle", "department"), False))


class PhaseReopening(BaseModel):
    """HR reopens a closed phase for one person until a date, with a reason (audited)."""
    cycle = pw.ForeignKeyField(AppraisalCycle, on_delete="CASCADE", backref="+")
    staff = pw.ForeignKeyField(Staff, on_delete="CASCADE", backref="+")
    phase = pw.CharField(max_length=20)
    until = pw.DateField()
    reason = pw.CharField(max_length=200)
    granted_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    revoked_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "appraisal_phase_reopening"
        indexes = ((("cycle", "staff", "phase"), False),)


class GoalTemplate(BaseModel):
    """Suggested goal items for a position (岗位) in a cycle; a person starts from it."""
    cycle = pw.ForeignKeyField(AppraisalCycle, backref="templates", on_delete="CASCADE")
    position = pw.ForeignKeyField(Position, null=True, on_delete="CASCADE", backref="+")
    name = pw.CharField(max_length=100)
    items = JSONField()                              # list of goal-item dicts (see goals.GoalItem)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "appraisal_goal_template"


class DeptIndicator(BaseModel):
    """部门指标: a department's own target for the cycle; personal goals may link to it."""
    cycle = pw.ForeignKeyField(AppraisalCycle, backref="indicators", on_delete="CASCADE")
    department = pw.ForeignKeyField(Department, on_delete="RESTRICT", backref="+")
    code = pw.CharField(max_length=40, default="")  # what a business system's feed names it by
    title = pw.CharField(max_length=100)
    description = pw.CharField(max_length=500, default="")
    target = pw.FloatField(null=True)
    unit_of_measure = pw.CharField(max_length=20, default="")
    weight = pw.FloatField(default=0)
    active = pw.BooleanField(default=True)
    created_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "appraisal_dept_indicator"
        indexes = ((("cycle", "department"), False),)
