"""消息提醒 pages (issue 13): WeChat templates per event, the send log with failures and reasons,
and per person "how can we reach them". services/reminder_admin.py checks system.config."""
from admin.base import AdminHandler
from server.errors import ApiError
from services import reminder_admin

TABS = [("/admin/reminders", "消息模板"), ("/admin/reminders/log", "发送记录"),
        ("/admin/reminders/reach", "触达情况")]


class RemindersPage(AdminHandler):
    required = ("system.config",)

    async def show_templates(self, *, error=None, status=200):
        self.set_status(status)
        await self.page("reminders/templates.html", tabs=TABS, current="/admin/reminders",
                        templates=await reminder_admin.list_templates(actor=self.principal),
                        error=error)


class TemplatesHandler(RemindersPage):
    """消息模板配置。"""

    async def get(self):
        await self.show_templates()

    async def post(self):
        form = self.form_args("event", "template_id", "page", "fields", "long_term", "enabled")
        try:
            await reminder_admin.save_template(
                actor=self.principal, event=form.get("event", ""),
                template_id=(form.get("template_id") or "").strip(),
                page=(form.get("page") or "").strip(), fields=form.get("fields") or "",
                long_term=form.get("long_term") == "on", enabled=form.get("enabled") == "on")
        except ApiError as exc:
            if exc.status >= 500 or exc.status in (401, 403):
                raise
            return await self.show_templates(error=exc.message, status=exc.status)
        self.flash("已保存")
        self.redirect("/admin/reminders")


class SendLogHandler(RemindersPage):
    """发送记录（失败及原因）。"""

    async def get(self):
        status = self.get_query_argument("status", "")
        if status not in ("", "problems", *reminder_admin.STATUS_LABELS):
            status = ""
        rows = await reminder_admin.send_log(actor=self.principal, status=status or None)
        await self.page("reminders/log.html", tabs=TABS, current="/admin/reminders/log",
                        rows=rows, status=status, statuses=reminder_admin.STATUS_LABELS)


class ReachHandler(RemindersPage):
    """每个人能否通过微信联系到。"""

    async def get(self):
        people = await reminder_admin.reach_view(actor=self.principal)
        await self.page("reminders/reach.html", tabs=TABS, current="/admin/reminders/reach",
                        people=people, unreachable=sum(1 for p in people if not p["reachable"]))


default_handlers = [
    (r"/admin/reminders", TemplatesHandler),
    (r"/admin/reminders/log", SendLogHandler),
    (r"/admin/reminders/reach", ReachHandler),
]
