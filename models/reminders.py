"""Reminders (issue 13): the scheduler's job occurrences, the WeChat outbox and its attempts,
subscription allowances, per-event template settings and per-person reminder settings."""
import peewee as pw

from models.base import BaseModel, JSONField, utcnow
from models.notify import Notification
from models.org import Staff


class JobRun(BaseModel):
    """One occurrence of a scheduled job, done. The unique key makes a double run a no-op."""
    key = pw.CharField(max_length=191, unique=True)   # e.g. approval.overdue:42:1
    source = pw.CharField(max_length=40, index=True)
    due_at = pw.DateTimeField(null=True)
    ran_at = pw.DateTimeField(default=utcnow)
    holder = pw.CharField(max_length=64, default="")  # which process ran it


class Outbox(BaseModel):
    """A WeChat subscribe message owed for one notification; committed with the notification."""
    notification = pw.ForeignKeyField(Notification, unique=True, on_delete="CASCADE")
    staff = pw.ForeignKeyField(Staff, on_delete="CASCADE", backref="+")
    event = pw.CharField(max_length=40, index=True)
    template_id = pw.CharField(max_length=128)
    page = pw.CharField(max_length=255, default="")
    data = JSONField(null=True)           # the WeChat "data" object, values already cut
    # pending / retry / sending / sent / refused / failed / skipped
    status = pw.CharField(max_length=10, default="pending", index=True)
    attempts = pw.IntegerField(default=0)
    next_attempt_at = pw.DateTimeField(default=utcnow, index=True)
    published_at = pw.DateTimeField(null=True, index=True)   # last XADD
    claimed_at = pw.DateTimeField(null=True)
    claimed_by = pw.CharField(max_length=64, default="")
    reserved = pw.CharField(max_length=10, default="")     # allowance taken: one_time / long_term
    sent_at = pw.DateTimeField(null=True)
    msgid = pw.CharField(max_length=64, default="")
    last_errcode = pw.IntegerField(null=True)
    last_error = pw.CharField(max_length=200, default="")
    updated_at = pw.DateTimeField(default=utcnow)
    # how it went out: "" (not yet), subscribe (mini-program), oa (official account template)
    channel = pw.CharField(max_length=10, default="")


class DeliveryAttempt(BaseModel):
    """Every call to WeChat for an outbox row, with its outcome."""
    outbox = pw.ForeignKeyField(Outbox, backref="attempt_rows", on_delete="CASCADE")
    number = pw.IntegerField()
    outcome = pw.CharField(max_length=10)   # sent / retry / refused / failed / skipped
    errcode = pw.IntegerField(null=True)
    message = pw.CharField(max_length=200, default="")
    worker = pw.CharField(max_length=64, default="")

    class Meta:
        indexes = ((("outbox", "number"), True),)


class Subscription(BaseModel):
    """A person's allowance for one template: one-time acceptances add one send each; a
    long-term acceptance allows repeated sends until withdrawn (or refused by WeChat)."""
    staff = pw.ForeignKeyField(Staff, on_delete="CASCADE", backref="+")
    template_id = pw.CharField(max_length=128)
    one_time = pw.IntegerField(default=0)          # sends left from one-time acceptances
    long_term = pw.BooleanField(default=False)
    rejected_at = pw.DateTimeField(null=True)      # last "reject" in the mini-program or a 43101
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("staff", "template_id"), True),)


class TemplateSetting(BaseModel):
    """The console's template for an event; overrides config.yaml's reminders.templates."""
    event = pw.CharField(max_length=40, unique=True)
    template_id = pw.CharField(max_length=128, default="")
    page = pw.CharField(max_length=255, default="")
    fields = JSONField(null=True)        # {"thing1": "title", "time2": "created_at", ...}
    enabled = pw.BooleanField(default=True)
    long_term = pw.BooleanField(default=False)   # a 长期订阅 template (government-service apps)
    updated_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    updated_at = pw.DateTimeField(default=utcnow)


class ReminderSetting(BaseModel):
    """A person's reminder switches (opt-outs); no row means everything on."""
    staff = pw.ForeignKeyField(Staff, unique=True, on_delete="CASCADE", backref="+")
    clock_in = pw.BooleanField(default=True)
    wechat = pw.BooleanField(default=True)    # subscribe messages at all
    updated_at = pw.DateTimeField(default=utcnow)


# -- official accounts (公众号) template messages: a unit's own account, its followers ----------

from models.org import Unit  # noqa: E402  (additive section)


class OfficialAccount(BaseModel):
    """A unit's official account (公众号): its credentials (secret encrypted, never shown back)
    and its template messages per event."""
    unit = pw.ForeignKeyField(Unit, unique=True, on_delete="CASCADE", backref="+")
    name = pw.CharField(max_length=60, default="")
    appid = pw.CharField(max_length=64, unique=True)
    secret_enc = pw.TextField(null=True)
    enabled = pw.BooleanField(default=True)
    # {event: {"template_id": "...", "fields": {"thing1": "title", ...}}}
    templates = JSONField(null=True)
    followers = pw.IntegerField(default=0)        # following, at the last sync
    last_sync_at = pw.DateTimeField(null=True)
    last_sync_error = pw.CharField(max_length=200, default="")
    updated_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    updated_at = pw.DateTimeField(default=utcnow)


class StaffUnion(BaseModel):
    """A person's WeChat unionid, learned at mini-program sign-in, kept as a keyed hash only: it
    is compared with the official account's followers, never shown or sent anywhere."""
    staff = pw.ForeignKeyField(Staff, unique=True, on_delete="CASCADE", backref="+")
    unionid_hash = pw.CharField(max_length=64, index=True)
    updated_at = pw.DateTimeField(default=utcnow)


class OaFollower(BaseModel):
    """One follower of a unit's official account as the last sync (or callback) saw it."""
    account = pw.ForeignKeyField(OfficialAccount, on_delete="CASCADE", backref="+")
    openid = pw.CharField(max_length=64)              # the official account's openid
    unionid_hash = pw.CharField(max_length=64, null=True, index=True)
    subscribed = pw.BooleanField(default=True)
    synced_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("account", "openid"), True),)
