"""In-app messages, each also queued for a WeChat subscribe message when a template is configured."""
import peewee as pw

from models.base import BaseModel, JSONField
from models.org import Staff


class Notification(BaseModel):
    recipient = pw.ForeignKeyField(Staff, backref="notifications", on_delete="CASCADE")
    kind = pw.CharField(max_length=40, index=True)  # e.g. approval.pending, binding.request
    title = pw.CharField(max_length=100)
    body = pw.CharField(max_length=500, default="")
    link = pw.CharField(max_length=255, default="")  # mini-program page path
    data = JSONField(null=True)
    read_at = pw.DateTimeField(null=True)
    # WeChat push state: none (no template) / pending / sent / refused / failed
    wechat_status = pw.CharField(max_length=10, default="none", index=True)
    wechat_error = pw.CharField(max_length=100, default="")

    class Meta:
        indexes = ((("recipient", "read_at"), False),)
