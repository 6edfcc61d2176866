"""Scoring (issue 12): declared relationships for recusal, who rates whom in a cycle (one sheet per
rater per participant and role), the per-item scores with their justification and every change to
them, and the per-person result with its proposed and confirmed grade."""
import peewee as pw

from models.appraisal.cycles import AppraisalCycle
from models.base import BaseModel, JSONField, utcnow
from models.org import Staff, Unit

# 亲属关系: spouse, direct blood relatives, in-laws, other close kin (回避 rules).
RELATION_KINDS = ("spouse", "blood", "in_law", "close_kin")
RATER_ROLES = ("leader", "peer", "self")
SHEET_STATUSES = ("pending", "draft", "submitted", "recused")
ANNUAL_GRADES = ("excellent", "competent", "basically_competent", "incompetent")  # 优秀/称职/基本称职/不称职
PERIODIC_GRADES = ("good", "fairly_good", "average", "poor")                      # 好/较好/一般/较差


class Relationship(BaseModel):
    """A declared relationship between two staff members (stored once per direction asked; the
    recusal check looks both ways). Revoked rows stay, for the record."""
    staff = pw.ForeignKeyField(Staff, on_delete="CASCADE", backref="+")
    relative = pw.ForeignKeyField(Staff, on_delete="CASCADE", backref="+")
    kind = pw.CharField(max_length=10)
    note = pw.CharField(max_length=200, default="")
    source = pw.CharField(max_length=6, default="self")      # self / hr
    declared_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    revoked_at = pw.DateTimeField(null=True)
    revoked_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")

    class Meta:
        table_name = "staff_relationship"
        # `relative` has its own index as a foreign key (a second one of the same name breaks MySQL).
        indexes = ((("staff", "relative"), False),)


class ScoreSheet(BaseModel):
    """One rater's sheet for one participant in one role. A recused sheet names its reason and the
    sheet that took over (the next leader up)."""
    cycle = pw.ForeignKeyField(AppraisalCycle, on_delete="CASCADE", backref="+")
    participant = pw.ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    rater = pw.ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    role = pw.CharField(max_length=6)                         # leader / peer / self
    weight = pw.FloatField()                                  # share of the total, e.g. 70
    status = pw.CharField(max_length=10, default="pending", index=True)
    source = pw.CharField(max_length=6, default="auto")       # auto (org tree) / hr
    # Why the rater was skipped: self / relative:<kind> / declared (a conflict the rater declared,
    # their words in recusal_note).
    recusal_reason = pw.CharField(max_length=200, default="")
    recusal_note = pw.CharField(max_length=200, default="")
    recused_at = pw.DateTimeField(null=True)
    replaced_by_id = pw.IntegerField(null=True)
    goal_version_id = pw.IntegerField(null=True)              # the confirmed goals it scores
    total = pw.FloatField(null=True)                          # weighted item total of this sheet
    submitted_at = pw.DateTimeField(null=True)
    version = pw.IntegerField(default=1)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "appraisal_score_sheet"
        indexes = ((("cycle", "participant", "rater", "role"), True), (("cycle", "rater", "status"), False))


class ScoreEntry(BaseModel):
    """A rater's score for one goal item (item_key of the confirmed version). For a quantitative
    item `auto_score` is the formula's result; `score` differs from it only with an
    `override_reason` the participant can read."""
    sheet = pw.ForeignKeyField(ScoreSheet, backref="entries", on_delete="CASCADE")
    item_key = pw.CharField(max_length=16)
    score = pw.FloatField(null=True)
    auto_score = pw.FloatField(null=True)
    justification = pw.CharField(max_length=2000, default="")
    override_reason = pw.CharField(max_length=500, default="")
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "appraisal_score_entry"
        indexes = ((("sheet", "item_key"), True),)


class ScoreChange(BaseModel):
    """Every save of an entry (draft or submit, and any later adjustment), append-only: who, when,
    what. The 'changed after the deadline' alert reads it."""
    sheet = pw.ForeignKeyField(ScoreSheet, on_delete="CASCADE", backref="+")
    item_key = pw.CharField(max_length=16)
    score = pw.FloatField(null=True)
    justification = pw.CharField(max_length=2000, default="")
    override_reason = pw.CharField(max_length=500, default="")
    changed_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    stage = pw.CharField(max_length=10, default="draft")     # draft / submit / adjust

    class Meta:
        table_name = "appraisal_score_change"
        indexes = ((("sheet", "item_key"), False),)


class AppraisalResult(BaseModel):
    """A participant's result: weighted total, the grade proposed from thresholds, the grade HR
    confirmed, and what a review or appeal changed."""
    cycle = pw.ForeignKeyField(AppraisalCycle, on_delete="CASCADE", backref="+")
    staff = pw.ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    unit = pw.ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")
    department_id = pw.IntegerField(null=True, index=True)
    total = pw.FloatField(null=True)
    proposed_grade = pw.CharField(max_length=20, default="")
    grade = pw.CharField(max_length=20, default="")
    # computed / confirmed / published / final (after publication and the appeal windows)
    status = pw.CharField(max_length=10, default="computed", index=True)
    confirmed_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    confirmed_at = pw.DateTimeField(null=True)
    adjusted_total = pw.FloatField(null=True)
    adjusted_grade = pw.CharField(max_length=20, default="")
    detail = JSONField(null=True)                             # per-role subtotals at computation
    # 公示: when HR published the cycle's results and the last day of the publication period
    # (N working days after the day of publication).
    published_at = pw.DateTimeField(null=True)
    published_on = pw.DateField(null=True)
    publication_ends_on = pw.DateField(null=True)
    version = pw.IntegerField(default=1)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "appraisal_result"
        indexes = ((("cycle", "staff"), True), (("cycle", "department_id", "grade"), False))


class QuotaApproval(BaseModel):
    """优秀 above the default 20 % (up to 25 %) for a unit in a cycle, only with this record."""
    cycle = pw.ForeignKeyField(AppraisalCycle, on_delete="CASCADE", backref="+")
    unit = pw.ForeignKeyField(Unit, on_delete="CASCADE", backref="+")
    percent = pw.FloatField()
    reason = pw.CharField(max_length=500)
    document = pw.CharField(max_length=100, default="")      # the approving document's number
    approved_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    instance_id = pw.IntegerField(null=True)

    class Meta:
        table_name = "appraisal_quota_approval"
        indexes = ((("cycle", "unit"), False),)
