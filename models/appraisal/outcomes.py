"""After scoring (issue 12): objections during publication, reviews (复核) and appeals (申诉),
applying the results (结果运用), and the integrity alerts (廉洁风险识别)."""
import peewee as pw

from models.appraisal.cycles import AppraisalCycle
from models.appraisal.scoring import AppraisalResult
from models.base import BaseModel, JSONField, utcnow
from models.org import Staff

REQUEST_KINDS = ("review", "appeal")
APPLICATION_KINDS = ("award", "promotion", "training", "warning")
ALERT_KINDS = ("dept_excellent_rate", "flat_distribution", "completion_jump",
               "attendance_contradiction", "late_change", "rater_bias", "related_rater")


class Objection(BaseModel):
    """An objection filed during publication (公示期异议); HR answers in writing."""
    cycle = pw.ForeignKeyField(AppraisalCycle, on_delete="CASCADE", backref="+")
    filed_by = pw.ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    about = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    text = pw.CharField(max_length=2000)
    status = pw.CharField(max_length=10, default="open", index=True)   # open / answered
    answer = pw.CharField(max_length=2000, default="")
    answered_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    answered_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "appraisal_objection"


class ResultRequest(BaseModel):
    """A review (复核, within 30 days of publication) or an appeal (申诉, within 15 days of the
    review decision), run on the approval engine and decided by someone who rated nobody here."""
    cycle = pw.ForeignKeyField(AppraisalCycle, on_delete="CASCADE", backref="+")
    result = pw.ForeignKeyField(AppraisalResult, on_delete="CASCADE", backref="+")
    staff = pw.ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    kind = pw.CharField(max_length=6)
    parent_id = pw.IntegerField(null=True)                    # the review an appeal follows
    reason = pw.CharField(max_length=2000)
    # pending / upheld (score adjusted) / rejected / withdrawn
    status = pw.CharField(max_length=10, default="pending", index=True)
    filed_on = pw.DateField(null=True)                        # Beijing date filed (the window)
    due_on = pw.DateField()                                   # decision due (30 / 60 days)
    instance_id = pw.IntegerField(null=True, index=True)
    decision = pw.CharField(max_length=2000, default="")
    adjusted_total = pw.FloatField(null=True)
    adjusted_grade = pw.CharField(max_length=20, default="")
    decided_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    decided_at = pw.DateTimeField(null=True)
    decided_on = pw.DateField(null=True)                      # Beijing date: starts the appeal window
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "appraisal_result_request"
        indexes = ((("cycle", "staff", "kind"), False),)


class ResultApplication(BaseModel):
    """结果运用: an award, promotion eligibility, training or warning for a person, through its own
    flow (department recommends, HR reviews, the unit approves)."""
    cycle = pw.ForeignKeyField(AppraisalCycle, on_delete="CASCADE", backref="+")
    staff = pw.ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    kind = pw.CharField(max_length=10)
    reason = pw.CharField(max_length=1000)
    status = pw.CharField(max_length=10, default="pending", index=True)
    instance_id = pw.IntegerField(null=True, index=True)
    created_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    unit_id = pw.IntegerField(null=True, index=True)
    decided_at = pw.DateTimeField(null=True)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "appraisal_result_application"


class IntegrityAlert(BaseModel):
    """One alert of one kind about one subject (a department, a rater, a participant) in a cycle.
    Recomputed idempotently (unique key); dismissal needs a written reason and is audited."""
    cycle = pw.ForeignKeyField(AppraisalCycle, on_delete="CASCADE", backref="+")
    kind = pw.CharField(max_length=30)
    subject_key = pw.CharField(max_length=60)                 # e.g. "dept:12", "rater:5", "staff:9"
    # The department the alert is about (the data scope of HR and the inspector; the list filter).
    department_id = pw.IntegerField(null=True, index=True)
    severity = pw.CharField(max_length=8, default="warning")  # info / warning / high
    title = pw.CharField(max_length=200)
    detail = JSONField(null=True)                             # the numbers and the rows behind it
    # open / dismissed / resolved (no longer triggered at the last computation)
    status = pw.CharField(max_length=10, default="open", index=True)
    dismissed_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    dismiss_reason = pw.CharField(max_length=1000, default="")
    dismissed_at = pw.DateTimeField(null=True)
    computed_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "appraisal_integrity_alert"
        indexes = ((("cycle", "kind", "subject_key"), True),)
