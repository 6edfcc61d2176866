"""Progress during the cycle (dated, with evidence and a source), the self-assessment, and the
business-system feeds that push actual values for indicators."""
import peewee as pw

from models.appraisal.cycles import AppraisalCycle
from models.appraisal.goals import GoalSet
from models.base import BaseModel, JSONField, utcnow
from models.org import Staff, Unit

SOURCES = ("owner", "import", "system")


class GoalProgress(BaseModel):
    """One progress report on one item (item_key of the confirmed version). Rows are appended,
    never edited: the latest by reported_on, id is the current value. A value from an import or a
    system cannot be overridden by the owner or the rater."""
    goal_set = pw.ForeignKeyField(GoalSet, backref="progress", on_delete="CASCADE")
    item_key = pw.CharField(max_length=16)
    reported_on = pw.DateField()
    percent = pw.FloatField(null=True)
    actual_value = pw.FloatField(null=True)
    note = pw.CharField(max_length=1000, default="")
    source = pw.CharField(max_length=8, default="owner")
    recorded_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    feed_id = pw.IntegerField(null=True)                # the IndicatorFeed that pushed it
    batch = pw.CharField(max_length=40, default="")     # the import batch it came in

    class Meta:
        table_name = "appraisal_goal_progress"
        indexes = ((("goal_set", "item_key", "reported_on"), False),)


class SelfAssessment(BaseModel):
    """The owner's end-of-cycle summary per item (item_key) with evidence (attachments)."""
    goal_set = pw.ForeignKeyField(GoalSet, backref="self_assessments", on_delete="CASCADE")
    item_key = pw.CharField(max_length=16)
    summary = pw.CharField(max_length=2000)
    status = pw.CharField(max_length=10, default="draft")  # draft / submitted
    submitted_at = pw.DateTimeField(null=True)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "appraisal_self_assessment"
        indexes = ((("goal_set", "item_key"), True),)


class IndicatorFeed(BaseModel):
    """A business system's service token (e.g. 政务服务办件量), scoped to one unit and the
    indicators it may feed. Only the token's hash is stored."""
    unit = pw.ForeignKeyField(Unit, on_delete="CASCADE", backref="+")
    cycle = pw.ForeignKeyField(AppraisalCycle, null=True, on_delete="CASCADE", backref="+")
    name = pw.CharField(max_length=60)
    token_hash = pw.CharField(max_length=64, unique=True)
    indicator_ids = JSONField()                          # ids of DeptIndicator it may feed
    created_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    revoked_at = pw.DateTimeField(null=True)
    last_used_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "appraisal_indicator_feed"
