"""Console pages for scoring (考核评分): progress per department (sheets pending / draft /
submitted / recused), the people of one department with their raters, every recusal with its
reason, generating the sheets; and a person's declared relationships (亲属关系) for HR. Scope,
permissions and audit are services/appraisal/{raters,scoring,relationships}.py's."""
from admin.base import AdminHandler
from server.errors import ApiError, Invalid
from services.appraisal import goal_history, raters, relationships, scoring
from services.appraisal.common import local_today


class ScoringProgressPage(AdminHandler):
    """评分进度：各部门评分表完成情况、回避记录。"""
    required = ("appraisal.manage",)

    async def get(self):
        cycles = [c for c in await goal_history.cycles_for(actor=self.principal) if c.status != "draft"]
        wanted = self.int_arg("cycle_id")
        cycle = next((c for c in cycles if c.id == wanted), cycles[0] if cycles else None)
        depts, recusals, people, department_id = [], [], [], self.int_arg("department_id")
        if cycle is not None:
            _, depts = await scoring.progress_by_department(actor=self.principal, cycle_id=cycle.id)
            recusals = await raters.recusals(actor=self.principal, cycle_id=cycle.id)
            if department_id is not None:
                people, _ = await scoring.list_sheets(actor=self.principal, cycle_id=cycle.id,
                                                      department_id=department_id, page=1, page_size=200)
        totals = {k: sum(d[k] for d in depts) for k in ("pending", "draft", "submitted", "recused", "total")}
        await self.page("appraisal/scoring/progress.html", cycles=cycles, cycle=cycle, depts=depts,
                        totals=totals, recusals=recusals, people=people, department_id=department_id,
                        status_labels=scoring.STATUS_LABELS)


class GenerateSheetsHandler(AdminHandler):
    """生成评分表（可重复执行，只补缺）。"""
    required = ("appraisal.manage",)

    async def post(self, cycle_id):
        try:
            out = await raters.generate_sheets(actor=self.principal, cycle_id=int(cycle_id),
                                               today=local_today(self.now()))
        except ApiError as exc:
            if exc.status == 404:
                raise
            self.flash(exc.message, "bad")
        else:
            msg = f"已生成 {out['created']} 张评分表，回避 {out['recused']} 人次"
            if out["unassigned"]:
                msg += "；以下人员找不到可评分的领导，请另行安排：" + "、".join(p["name"] for p in out["unassigned"])
            self.flash(msg, "warn" if out["unassigned"] else "ok")
        self.redirect(f"/admin/appraisal/scoring?cycle_id={int(cycle_id)}")


class RelationshipsSearchPage(AdminHandler):
    """亲属关系登记：按姓名或工号查找人员。"""
    required = ("appraisal.manage",)

    async def get(self):
        q = self.get_query_argument("q", "").strip()
        found = await relationships.find_staff(actor=self.principal, q=q) if q else []
        await self.page("appraisal/scoring/relationships_search.html", q=q, found=found)


class StaffRelationshipsPage(AdminHandler):
    """某人的亲属关系：本人申报与人事登记的，含已撤销的记录。"""
    required = ("appraisal.manage",)

    async def render_page(self, staff_id, **kw):
        person = await relationships.staff_brief(actor=self.principal, staff_id=staff_id)
        rows = await relationships.staff_relationships(actor=self.principal, staff_id=staff_id)
        kw.setdefault("form", {})
        await self.page("appraisal/scoring/relationships.html", person=person, rows=rows,
                        kinds=relationships.KIND_LABELS, **kw)

    async def get(self, staff_id):
        await self.render_page(int(staff_id))

    async def post(self, staff_id):
        form = {k: self.get_body_argument(k, "").strip() for k in ("employee_no", "name", "kind", "note")}
        try:
            if not form["employee_no"] or not form["name"]:
                raise Invalid("请填写亲属的工号和姓名", code="VALIDATION_FAILED")
            if len(form["note"]) > 200 or len(form["name"]) > 50 or len(form["employee_no"]) > 32:
                raise Invalid("输入过长", code="VALIDATION_FAILED")
            row = await relationships.add_for_staff(actor=self.principal, staff_id=int(staff_id),
                                                    employee_no=form["employee_no"], name=form["name"],
                                                    kind=form["kind"], note=form["note"])
        except ApiError as exc:
            if exc.code in ("STAFF_NOT_FOUND",):
                raise
            self.set_status(exc.status)
            await self.render_page(int(staff_id), error=exc.message, form=form)
            return
        self.flash(f"已登记与{row['relative']['name']}的{row['kind_label']}")
        self.redirect(f"/admin/appraisal/relationships/{int(staff_id)}")


class RelationshipRevokeHandler(AdminHandler):
    """撤销亲属关系（记录保留）。"""
    required = ("appraisal.manage",)

    async def post(self, staff_id, relationship_id):
        try:
            row = await relationships.revoke_for_staff(actor=self.principal, staff_id=int(staff_id),
                                                       relationship_id=int(relationship_id))
        except ApiError as exc:
            if exc.status == 404:
                raise
            self.flash(exc.message, "bad")
        else:
            self.flash(f"已撤销与{row['relative']['name']}的{row['kind_label']}登记，记录保留")
        self.redirect(f"/admin/appraisal/relationships/{int(staff_id)}")


default_handlers = [
    (r"/admin/appraisal/scoring", ScoringProgressPage),
    (r"/admin/appraisal/scoring/(\d+)/generate", GenerateSheetsHandler),
    (r"/admin/appraisal/relationships", RelationshipsSearchPage),
    (r"/admin/appraisal/relationships/(\d+)", StaffRelationshipsPage),
    (r"/admin/appraisal/relationships/(\d+)/(\d+)/revoke", RelationshipRevokeHandler),
]
