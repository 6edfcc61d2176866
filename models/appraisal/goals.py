"""Goal sets and their versions. A version's items never change once the version leaves draft:
a change after confirmation is a new version (a change request) through the approval engine, so
every version ever agreed stays readable and any two can be compared field by field."""
import peewee as pw

from models.appraisal.cycles import AppraisalCycle, DeptIndicator
from models.base import BaseModel, JSONField, utcnow
from models.org import Department, Staff, Unit

# The working state of a person's goals in a cycle.
SET_STATUSES = ("draft", "submitted", "returned", "confirmed")
# A version: draft (being edited) -> submitted -> returned (back to the owner, editable again) /
# confirmed (in force, locked) / rejected (a change request refused) / withdrawn; a confirmed
# version becomes superseded when a later change is confirmed.
VERSION_STATUSES = ("draft", "submitted", "returned", "confirmed", "rejected", "withdrawn",
                    "superseded")
ITEM_KINDS = ("quantitative", "qualitative")
FORMULAS = ("linear", "capped", "threshold")


class GoalSet(BaseModel):
    cycle = pw.ForeignKeyField(AppraisalCycle, backref="goal_sets", on_delete="RESTRICT")
    staff = pw.ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    unit = pw.ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")
    department = pw.ForeignKeyField(Department, null=True, on_delete="RESTRICT", backref="+")
    status = pw.CharField(max_length=10, default="draft", index=True)
    current_version_id = pw.IntegerField(null=True)     # the version being edited or reviewed
    confirmed_version_id = pw.IntegerField(null=True)   # the version in force (locked)
    change_pending = pw.BooleanField(default=False)      # a change request is under review
    version = pw.IntegerField(default=1)                 # optimistic concurrency
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "appraisal_goal_set"
        indexes = ((("cycle", "staff"), True), (("cycle", "department", "status"), False))


class GoalVersion(BaseModel):
    goal_set = pw.ForeignKeyField(GoalSet, backref="versions", on_delete="CASCADE")
    number = pw.IntegerField()                           # 1, 2, 3 ... per goal set
    kind = pw.CharField(max_length=10, default="initial")   # initial / change
    status = pw.CharField(max_length=10, default="draft", index=True)
    reason = pw.CharField(max_length=500, default="")    # why a change was requested
    based_on_id = pw.IntegerField(null=True)             # the confirmed version a change starts from
    instance_id = pw.IntegerField(null=True, index=True)  # its approval instance
    created_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    submitted_at = pw.DateTimeField(null=True)
    decided_at = pw.DateTimeField(null=True)
    decided_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "appraisal_goal_version"
        indexes = ((("goal_set", "number"), True),)


class GoalItem(BaseModel):
    """One goal item of one version. `key` is stable across versions (diffs pair items by it)."""
    version = pw.ForeignKeyField(GoalVersion, backref="items", on_delete="CASCADE")
    key = pw.CharField(max_length=16)
    sort = pw.IntegerField(default=0)
    title = pw.CharField(max_length=100)
    description = pw.CharField(max_length=1000, default="")
    kind = pw.CharField(max_length=12)
    # quantitative
    target = pw.FloatField(null=True)
    unit_of_measure = pw.CharField(max_length=20, default="")
    data_source = pw.CharField(max_length=100, default="")
    # {"type": "linear", "floor": 0} | {"type": "capped", "floor": 0, "cap": 1.2}
    # | {"type": "threshold", "steps": [{"at": 80, "score": 60}, {"at": 100, "score": 100}]}
    formula = JSONField(null=True)
    # qualitative
    criteria = pw.CharField(max_length=1000, default="")
    weight = pw.FloatField()
    due_date = pw.DateField(null=True)
    indicator = pw.ForeignKeyField(DeptIndicator, null=True, on_delete="SET NULL", backref="+")

    class Meta:
        table_name = "appraisal_goal_item"
        indexes = ((("version", "key"), True),)


class GoalReviewComment(BaseModel):
    """A reviewer's decision and comment on a version, per item (item_key) or on the whole set."""
    version = pw.ForeignKeyField(GoalVersion, backref="comments", on_delete="CASCADE")
    item_key = pw.CharField(max_length=16, null=True)
    step_index = pw.IntegerField(null=True)
    author = pw.ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    decision = pw.CharField(max_length=10, default="comment")  # approve / return / comment
    comment = pw.CharField(max_length=500, default="")

    class Meta:
        table_name = "appraisal_goal_comment"
