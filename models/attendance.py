"""Attendance (考勤): schedules, places, per-unit rules, punches, device bindings, day statuses."""
import peewee as pw

from models.base import BaseModel, JSONField, utcnow
from models.org import Department, Staff, Unit


class AttendanceRule(BaseModel):
    """One per unit: which proofs count as "on site", what happens outside them, thresholds."""
    unit = pw.ForeignKeyField(Unit, unique=True, on_delete="CASCADE")
    # Alternatives of required proofs: [["geofence"], ["qr"]] = geofence or qr;
    # [["geofence", "wifi"]] = geofence and wifi.
    proofs = JSONField(default=lambda: [["geofence"], ["qr"]])
    outside_policy = pw.CharField(max_length=10, default="field")  # field (外勤) / refuse
    accuracy_limit_m = pw.IntegerField(default=100)
    max_speed_kmh = pw.IntegerField(default=120)
    bind_device = pw.BooleanField(default=True)
    makeup_monthly_limit = pw.IntegerField(default=3)
    makeup_deadline_days = pw.IntegerField(default=5)
    # m0016: the unit's going-live date (days before it are not judged), how many days back a
    # leave request may start (补请假; null = no limit), and how far (m) a QR punch's GPS may be
    # from the place before the punch is flagged for review.
    start_date = pw.DateField(null=True)
    leave_backdate_days = pw.IntegerField(null=True)
    qr_gps_max_m = pw.IntegerField(default=1000)
    updated_at = pw.DateTimeField(default=utcnow)


class AttendanceSchedule(BaseModel):
    """A work schedule of a unit, or of one department (overrides the unit's).

    Seasonal versions: season_start/season_end "MM-DD" (inclusive, may wrap the year end); a
    version whose range covers the day wins over one without a range.
    """
    unit = pw.ForeignKeyField(Unit, on_delete="CASCADE")
    department = pw.ForeignKeyField(Department, null=True, on_delete="CASCADE")
    name = pw.CharField(max_length=50)
    kind = pw.CharField(max_length=10, default="fixed")  # fixed / flexible
    sessions = JSONField(default=list)  # [{"start": "08:30", "end": "12:00"}, ...] local time
    grace_late = pw.IntegerField(default=0)   # minutes
    grace_early = pw.IntegerField(default=0)
    core_start = pw.CharField(max_length=5, default="")   # flexible: core hours
    core_end = pw.CharField(max_length=5, default="")
    required_minutes = pw.IntegerField(default=0)
    season_start = pw.CharField(max_length=5, default="")  # "MM-DD" or ""
    season_end = pw.CharField(max_length=5, default="")
    active = pw.BooleanField(default=True)
    updated_at = pw.DateTimeField(default=utcnow)


class AttendancePlace(BaseModel):
    """Where a unit clocks in: geofences (GCJ-02), office Wi-Fi BSSIDs, an on-site rotating QR."""
    unit = pw.ForeignKeyField(Unit, on_delete="CASCADE")
    department = pw.ForeignKeyField(Department, null=True, on_delete="CASCADE")
    name = pw.CharField(max_length=100)
    fences = JSONField(default=list)   # [{"lat": .., "lng": .., "radius": 300}]
    wifi_bssids = JSONField(default=list)
    qr_enabled = pw.BooleanField(default=True)
    active = pw.BooleanField(default=True)
    updated_at = pw.DateTimeField(default=utcnow)


class Punch(BaseModel):
    """An append-only clock-in record: the evidence itself (server time, position, device)."""
    staff = pw.ForeignKeyField(Staff, on_delete="CASCADE")
    unit = pw.ForeignKeyField(Unit, on_delete="CASCADE")
    at = pw.DateTimeField()               # server time, naive UTC
    minute_bucket = pw.BigIntegerField()  # epoch minutes; unique per person: no double taps
    kind = pw.CharField(max_length=10, default="normal")  # normal / field (外勤) / makeup (补卡)
    lat = pw.DoubleField(null=True)
    lng = pw.DoubleField(null=True)
    accuracy = pw.DoubleField(null=True)
    wifi_bssid = pw.CharField(max_length=40, default="")
    device_id = pw.CharField(max_length=80, default="")
    place = pw.ForeignKeyField(AttendancePlace, null=True, on_delete="SET NULL")
    proofs = pw.CharField(max_length=60, default="")   # "geofence,wifi,qr" that held
    reason = pw.CharField(max_length=200, default="")
    flags = pw.CharField(max_length=60, default="")    # accuracy,speed,device,field
    review_status = pw.CharField(max_length=10, default="")  # "" / pending / accepted / rejected
    review_note = pw.CharField(max_length=200, default="")
    reviewed_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    reviewed_at = pw.DateTimeField(null=True)
    makeup = pw.IntegerField(null=True)  # MakeupRequest id for 补卡

    class Meta:
        indexes = ((("staff", "minute_bucket"), True), (("staff", "at"), False),
                   (("unit", "review_status"), False))


class DeviceBinding(BaseModel):
    """One phone per account: the first device that punches binds."""
    staff = pw.ForeignKeyField(Staff, unique=True, on_delete="CASCADE")
    device_id = pw.CharField(max_length=80)
    updated_at = pw.DateTimeField(default=utcnow)


class DeviceChangeRequest(BaseModel):
    staff = pw.ForeignKeyField(Staff, on_delete="CASCADE")
    unit = pw.ForeignKeyField(Unit, on_delete="CASCADE")
    device_id = pw.CharField(max_length=80)
    reason = pw.CharField(max_length=200)
    status = pw.CharField(max_length=10, default="pending")  # pending / approved / rejected
    decided_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    decided_at = pw.DateTimeField(null=True)
    note = pw.CharField(max_length=200, default="")


class MakeupRequest(BaseModel):
    """补卡 make-up punch request; decided through the approval engine (kind "makeup_punch")."""
    staff = pw.ForeignKeyField(Staff, on_delete="CASCADE")
    unit = pw.ForeignKeyField(Unit, on_delete="CASCADE")
    day = pw.DateField()
    at = pw.DateTimeField()  # the claimed time, naive UTC
    reason = pw.CharField(max_length=200)
    status = pw.CharField(max_length=10, default="pending")  # pending/approved/rejected/withdrawn
    approval_id = pw.IntegerField(null=True)
    punch = pw.IntegerField(null=True)

    class Meta:
        indexes = ((("staff", "day"), False),)


class DayStatus(BaseModel):
    """A person's judged day: recomputed from punches, schedule, calendar and approved leave."""
    staff = pw.ForeignKeyField(Staff, on_delete="CASCADE")
    unit = pw.ForeignKeyField(Unit, on_delete="CASCADE")
    department = pw.ForeignKeyField(Department, null=True, on_delete="SET NULL")
    day = pw.DateField()
    day_kind = pw.CharField(max_length=16)  # workday / rest / holiday / makeup_workday
    # normal / late / early / late_early / missing / absent / leave / trip / rest / holiday
    status = pw.CharField(max_length=12)
    late_minutes = pw.IntegerField(default=0)
    early_minutes = pw.IntegerField(default=0)
    late_count = pw.IntegerField(default=0)
    early_count = pw.IntegerField(default=0)
    missing_count = pw.IntegerField(default=0)
    field_count = pw.IntegerField(default=0)
    leave_type = pw.CharField(max_length=30, default="")
    leave_name = pw.CharField(max_length=30, default="")
    leave_half = pw.CharField(max_length=4, default="")  # am / pm / full
    worked_days = pw.FloatField(default=0)
    first_in = pw.DateTimeField(null=True)
    last_out = pw.DateTimeField(null=True)
    detail = JSONField(null=True)
    computed_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("staff", "day"), True), (("unit", "day"), False))


# The monthly report's covering index (issue 16): its grouped sums over a month of 10,000 people
# read only this index (per person a range of days), never the rows. m0018 adds it to databases
# created before it.
REPORT_INDEX = "day_status_report"
REPORT_INDEX_COLUMNS = (DayStatus.staff, DayStatus.day, DayStatus.unit, DayStatus.department,
                        DayStatus.status, DayStatus.day_kind, DayStatus.worked_days,
                        DayStatus.late_count, DayStatus.late_minutes, DayStatus.early_count,
                        DayStatus.early_minutes, DayStatus.missing_count, DayStatus.field_count,
                        DayStatus.leave_half)
DayStatus.add_index(DayStatus.index(*REPORT_INDEX_COLUMNS, name=REPORT_INDEX))
