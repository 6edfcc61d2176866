"""Console pages for actual values (考核数据): the HR import of actual values (all rows or none,
every bad row named) and the business systems' feed tokens (create — the token shown once —,
list, revoke). Scope, permissions and audit are services/appraisal/value_sources.py's."""
from admin.base import AdminHandler
from server.errors import ApiError, Invalid
from services.appraisal import goal_history, indicators, value_sources
from services.appraisal.common import local_today


class ValuesPage(AdminHandler):
    required = ("appraisal.manage",)

    async def cycle_choice(self):
        cycles = [c for c in await goal_history.cycles_for(actor=self.principal) if c.status != "draft"]
        wanted = self.int_arg("cycle_id")
        if wanted is None and self.request.method == "POST":
            wanted = self.int_arg("cycle_id", body=True)
        cycle = next((c for c in cycles if c.id == wanted), cycles[0] if cycles else None)
        return cycles, cycle


class ValuesImportPage(ValuesPage):
    """导入实际值（XLSX）：任一行有误则全部不导入，并逐行列出原因。"""

    async def render_page(self, **kw):
        cycles, cycle = await self.cycle_choice()
        kw.setdefault("result", None)
        kw.setdefault("problems", [])
        await self.page("appraisal/progress/import.html", cycles=cycles, cycle=cycle, **kw)

    async def get(self):
        await self.render_page()

    async def post(self):
        _, cycle = await self.cycle_choice()
        files = self.request.files.get("file") or []
        try:
            if cycle is None:
                raise Invalid("请先选择考核周期", code="APPRAISAL_CYCLE_NOT_FOUND")
            if not files or not files[0]["body"]:
                raise Invalid("请选择要导入的 XLSX 文件", code="IMPORT_FILE_MISSING")
            result = await value_sources.import_values(
                actor=self.principal, cycle_id=cycle.id, filename=files[0]["filename"][:200],
                content=files[0]["body"], today=local_today(self.now()))
        except ApiError as exc:
            self.set_status(exc.status)
            await self.render_page(problems=exc.fields.get("rows") or [], error=exc.message)
            return
        await self.render_page(result=result)


class FeedsPage(ValuesPage):
    """数据接口令牌：业务系统按部门指标推送实际值（令牌仅创建时显示一次）。"""

    async def render_page(self, **kw):
        cycles, cycle = await self.cycle_choice()
        feeds, coded = [], []
        if cycle is not None:
            try:
                feeds = await value_sources.list_feeds(actor=self.principal, cycle_id=cycle.id)
                coded = [i for i in await indicators.list_indicators(actor=self.principal, cycle_id=cycle.id)
                         if i["code"] and i["active"]]
            except ApiError as exc:
                kw.setdefault("error", exc.message)
        kw.setdefault("created", None)
        await self.page("appraisal/progress/feeds.html", cycles=cycles, cycle=cycle, feeds=feeds,
                        indicators=coded, **kw)

    async def get(self):
        await self.render_page()

    async def post(self):
        _, cycle = await self.cycle_choice()
        name = self.get_body_argument("name", "").strip()
        ids = []
        for raw in self.get_body_arguments("indicator_id"):
            try:
                ids.append(int(raw))
            except ValueError:
                continue
        try:
            if cycle is None:
                raise Invalid("请先选择考核周期", code="APPRAISAL_CYCLE_NOT_FOUND")
            if not name or len(name) > 60:
                raise Invalid("请填写业务系统名称（60 字以内）", code="VALIDATION_FAILED", fields={"name": "必填"})
            if not ids:
                raise Invalid("请至少选择一项可推送的部门指标", code="VALIDATION_FAILED",
                              fields={"indicator_ids": "必选"})
            created = await value_sources.create_feed(actor=self.principal, cycle_id=cycle.id,
                                                      name=name, indicator_ids=ids)
        except ApiError as exc:
            self.set_status(exc.status)
            await self.render_page(error=exc.message, form={"name": name})
            return
        # Rendered, not redirected: the token exists only in this response.
        await self.render_page(created=created)


class FeedRevokeHandler(AdminHandler):
    """撤销数据接口令牌。"""
    required = ("appraisal.manage",)

    async def post(self, feed_id):
        feed = await value_sources.revoke_feed(actor=self.principal, feed_id=int(feed_id))
        self.flash(f"已撤销令牌“{feed['name']}”，该业务系统将无法再推送数据")
        self.redirect(f"/admin/appraisal/feeds?cycle_id={feed['cycle_id']}")


default_handlers = [
    (r"/admin/appraisal/values-import", ValuesImportPage),
    (r"/admin/appraisal/feeds", FeedsPage),
    (r"/admin/appraisal/feeds/(\d+)/revoke", FeedRevokeHandler),
]
