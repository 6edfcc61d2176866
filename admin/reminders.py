"""消息提醒 pages (issue 13): WeChat templates per event (the system administrator), the send log
with failures and reasons and per person "how can we reach them" (also HR officers, reminder.view,
for the people in their reach), and 考核催办 — an appraisal cycle's reminder schedule and "remind
everyone who has not yet submitted" for an open phase (appraisal.manage). The services check."""
from admin.base import AdminHandler
from server import inputs
from server.errors import ApiError, NotFound
from services import official_account, reminder_admin
from services.appraisal import reminders as appraisal_reminders

TABS = [("/admin/reminders", "消息模板", ("system.config",)),
        ("/admin/reminders/official-accounts", "公众号", ("system.config",)),
        ("/admin/reminders/log", "发送记录", reminder_admin.VIEW_PERMISSIONS),
        ("/admin/reminders/reach", "触达情况", reminder_admin.VIEW_PERMISSIONS),
        ("/admin/reminders/appraisal", "考核催办", ("appraisal.manage",))]


def _id(text):
    value = int(text)
    if not inputs.in_int64(value):
        raise NotFound("考核周期不存在", code="APPRAISAL_CYCLE_NOT_FOUND")
    return value


class RemindersPage(AdminHandler):
    required = ("system.config",)

    @property
    def tabs(self):
        return [(href, label) for href, label, perms in TABS
                if any(self.principal.has(p) for p in perms)]

    async def show_cycle(self, cycle_id, *, error=None, status=200):
        data = await appraisal_reminders.bulk_overview(env=self.env, actor=self.principal,
                                                       cycle_id=_id(cycle_id), now=self.now())
        self.set_status(status)
        await self.page("reminders/appraisal_cycle.html", tabs=self.tabs,
                        current="/admin/reminders/appraisal", error=error, **data)

    async def show_templates(self, *, error=None, status=200):
        self.set_status(status)
        await self.page("reminders/templates.html", tabs=self.tabs, current="/admin/reminders",
                        templates=await reminder_admin.list_templates(actor=self.principal),
                        error=error)


class TemplatesHandler(RemindersPage):
    """消息模板配置。"""
    required = ("system.config", "reminder.view", "appraisal.manage")

    async def get(self):
        if not self.principal.has("system.config"):
            # HR officers: the template configuration stays with the system administrator.
            first = self.tabs[0][0] if self.tabs else "/admin/"
            return self.redirect(first)
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


class OfficialAccountsHandler(RemindersPage):
    """单位公众号配置（模板消息，密钥加密保存、不回显）。"""
    required = ("system.config",)

    async def show(self, *, error=None, status=200, failed_unit=None):
        self.set_status(status)
        await self.page("reminders/official_accounts.html", tabs=self.tabs,
                        current="/admin/reminders/official-accounts", error=error,
                        failed_unit=failed_unit,
                        accounts=await official_account.list_accounts(actor=self.principal,
                                                                      env=self.env))

    async def get(self):
        await self.show()

    async def post(self):
        form = self.form_args("appid", "secret", "name", "templates", "enabled")
        unit_id = self.int_arg("unit_id", body=True)
        if unit_id is None or not inputs.in_int64(unit_id):
            raise NotFound("单位不存在", code="UNIT_NOT_FOUND")
        try:
            await official_account.save_account(
                env=self.env, actor=self.principal, unit_id=unit_id,
                appid=form.get("appid", ""), secret=form.get("secret", ""),
                name=form.get("name", ""), templates=form.get("templates", ""),
                enabled=form.get("enabled") == "on")
        except ApiError as exc:
            if exc.status >= 500 or exc.status in (401, 403, 404):
                raise
            return await self.show(error=exc.message, status=exc.status, failed_unit=unit_id)
        self.flash("公众号配置已保存")
        self.redirect("/admin/reminders/official-accounts")


class OfficialAccountSyncHandler(RemindersPage):
    """立即同步公众号关注者。"""
    required = ("system.config",)

    async def post(self):
        unit_id = self.int_arg("unit_id", body=True)
        if unit_id is None or not inputs.in_int64(unit_id):
            raise NotFound("单位不存在", code="UNIT_NOT_FOUND")
        out = await official_account.sync_now(env=self.env, actor=self.principal, unit_id=unit_id)
        if out.get("error"):
            self.flash(out["error"], "bad")
        else:
            self.flash(f"已同步：关注者 {out['followers']} 人，其中 {out['matched']} 人可对应到本系统人员")
        self.redirect("/admin/reminders/official-accounts")


class SendLogHandler(RemindersPage):
    """发送记录（失败及原因）。"""
    required = reminder_admin.VIEW_PERMISSIONS

    async def get(self):
        status = self.get_query_argument("status", "")
        if status not in ("", "problems", *reminder_admin.STATUS_LABELS):
            status = ""
        rows = await reminder_admin.send_log(actor=self.principal, status=status or None)
        await self.page("reminders/log.html", tabs=self.tabs, current="/admin/reminders/log",
                        rows=rows, status=status, statuses=reminder_admin.STATUS_LABELS)


class ReachHandler(RemindersPage):
    """每个人能否通过微信联系到。"""
    required = reminder_admin.VIEW_PERMISSIONS

    async def get(self):
        people = await reminder_admin.reach_view(actor=self.principal)
        await self.page("reminders/reach.html", tabs=self.tabs, current="/admin/reminders/reach",
                        people=people, unreachable=sum(1 for p in people if not p["reachable"]))


class AppraisalCyclesHandler(RemindersPage):
    """考核催办：进行中的考核周期。"""
    required = ("appraisal.manage",)

    async def get(self):
        cycles = await appraisal_reminders.cycles_for_remind(actor=self.principal)
        await self.page("reminders/appraisal.html", tabs=self.tabs, current="/admin/reminders/appraisal",
                        cycles=cycles)


class AppraisalCycleHandler(RemindersPage):
    """考核周期的截止提醒安排与一键催办。"""
    required = ("appraisal.manage",)

    async def get(self, cycle_id):
        await self.show_cycle(cycle_id)


class AppraisalRemindHandler(RemindersPage):
    """催办未提交的人：先预览人数，确认后发送（每阶段每小时一次）。"""
    required = ("appraisal.manage",)

    async def get(self, cycle_id):
        phase = self.get_query_argument("phase", "")
        try:
            preview = await appraisal_reminders.bulk_preview(
                actor=self.principal, cycle_id=_id(cycle_id), phase=phase, now=self.now())
        except ApiError as exc:
            if exc.status >= 500 or exc.status in (401, 403, 404):
                raise
            return await self.show_cycle(cycle_id, error=exc.message, status=exc.status)
        await self.page("reminders/appraisal_remind.html", tabs=self.tabs,
                        current="/admin/reminders/appraisal", **preview)

    async def post(self, cycle_id):
        form = self.form_args("phase", "expected")
        expected = self.int_arg("expected", body=True)
        try:
            out = await appraisal_reminders.remind_unsubmitted(
                actor=self.principal, cycle_id=_id(cycle_id), phase=form.get("phase", ""),
                now=self.now(), expected=expected)
        except ApiError as exc:
            if exc.status >= 500 or exc.status in (401, 403, 404):
                raise
            if exc.status == 429:
                for name, value in exc.headers.items():
                    self.set_header(name, value)
            return await self.show_cycle(cycle_id, error=exc.message, status=exc.status)
        self.flash(f"已向 {out['sent']} 人发送{out['label']}催办提醒（站内信；已订阅或关注单位公众号的同时发微信）")
        self.redirect(f"/admin/reminders/appraisal/{_id(cycle_id)}")


default_handlers = [
    (r"/admin/reminders", TemplatesHandler),
    (r"/admin/reminders/official-accounts", OfficialAccountsHandler),
    (r"/admin/reminders/official-accounts/sync", OfficialAccountSyncHandler),
    (r"/admin/reminders/log", SendLogHandler),
    (r"/admin/reminders/reach", ReachHandler),
    (r"/admin/reminders/appraisal", AppraisalCyclesHandler),
    (r"/admin/reminders/appraisal/(\d+)", AppraisalCycleHandler),
    (r"/admin/reminders/appraisal/(\d+)/remind", AppraisalRemindHandler),
]
