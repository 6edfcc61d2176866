"""Console pages for results (考核结果): totals with proposed and confirmed grades, the 优秀 quota
check (numbers and the rounding rule), the grade distribution per department as a server-rendered
SVG bar chart, computing, confirming, quota approvals, publishing and closing; and the queues of
objections, reviews and appeals with their deadlines. Scope, permissions and audit are
services/appraisal/{grades,publication,requests}.py's."""
from tornado.escape import xhtml_escape

from admin.base import AdminHandler
from server.errors import ApiError
from services.appraisal import goal_history, grades, publication, requests
from services.appraisal.common import local_today

COLORS = {"excellent": "#2e7d32", "competent": "#1976d2", "basically_competent": "#f9a825",
          "incompetent": "#c62828", "good": "#2e7d32", "fairly_good": "#1976d2", "average": "#f9a825",
          "poor": "#c62828", "": "#bdbdbd"}


def distribution_svg(dist):
    """A horizontal stacked bar per department (count per grade), legend below; plain SVG."""
    depts, grade_list = dist["departments"], dist["grades"]
    row_h, label_w, bar_w, top = 28, 150, 460, 10
    biggest = max([d["participants"] for d in depts] or [1]) or 1
    height = top + row_h * max(len(depts), 1) + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="各部门等次分布" '
           f'width="{label_w + bar_w + 80}" height="{height}" viewBox="0 0 {label_w + bar_w + 80} {height}" '
           f'class="grade-chart" font-size="12">']
    if not depts:
        out.append(f'<text x="10" y="{top + 18}" fill="#757575">还没有考核结果</text>')
    for i, d in enumerate(depts):
        y = top + i * row_h
        name = xhtml_escape(d["department_name"])
        out.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{name}</text>')
        x = label_w
        segments = [(g["code"], g["label"], d["counts"].get(g["code"], 0)) for g in grade_list]
        segments.append(("", "未定", d.get("ungraded", 0)))
        for code, label, n in segments:
            if not n:
                continue
            w = round(bar_w * n / biggest, 1)
            out.append(f'<rect x="{x}" y="{y + 4}" width="{w}" height="{row_h - 10}" fill="{COLORS[code]}" '
                       f'data-grade="{code}" data-dept="{name}"><title>{name} {label} {n} 人</title></rect>')
            if w >= 18:
                out.append(f'<text x="{x + w / 2}" y="{y + 17}" text-anchor="middle" fill="#fff">{n}</text>')
            x += w
        out.append(f'<text x="{x + 6}" y="{y + 17}" fill="#616161">优秀率 {d["top_rate"]:g}%</text>')
    ly = top + row_h * max(len(depts), 1) + 16
    lx = label_w
    for g in grade_list + [{"code": "", "label": "未定"}]:
        out.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{COLORS[g["code"]]}"></rect>'
                   f'<text x="{lx + 16}" y="{ly + 11}">{xhtml_escape(g["label"])}</text>')
        lx += 80
    out.append("</svg>")
    return "".join(out)


class ResultsBase(AdminHandler):
    required = ("appraisal.manage",)

    def today(self):
        return local_today(self.now())

    async def cycles(self):
        return [c for c in await goal_history.cycles_for(actor=self.principal) if c.status != "draft"]

    def back(self, cycle_id, anchor=""):
        self.redirect(f"/admin/appraisal/results?cycle_id={int(cycle_id)}{anchor}")

    async def act(self, cycle_id, fn, ok):
        try:
            out = await fn()
        except ApiError as exc:
            if exc.status == 404:
                raise
            msg = exc.message
            if exc.code == "VALIDATION_FAILED" and exc.fields:
                msg += "：" + "；".join(f"{v}" for v in exc.fields.values())
            self.flash(msg, "bad")
        else:
            self.flash(ok(out) if callable(ok) else ok, "ok")
        self.back(cycle_id)


class ResultsPage(ResultsBase):
    """考核结果：总分、建议与确认等次、优秀名额核算、各部门等次分布、公示与结束。"""

    async def get(self):
        cycles = await self.cycles()
        wanted = self.int_arg("cycle_id")
        cycle = next((c for c in cycles if c.id == wanted), cycles[0] if cycles else None)
        data = dist = pub = None
        total = 0
        department_id = self.int_arg("department_id")
        if cycle is not None:
            data, total = await grades.list_results(actor=self.principal, cycle_id=cycle.id,
                                                    department_id=department_id, page=1, page_size=200)
            dist = await grades.distribution(actor=self.principal, cycle_id=cycle.id)
            pub = publication.publication_out(await publication.publication_of(cycle.id), self.today())
        await self.page("appraisal/results/index.html", cycles=cycles, cycle=cycle, data=data, total=total,
                        dist=dist, pub=pub, department_id=department_id,
                        chart=distribution_svg(dist) if dist else "")


class ComputeHandler(ResultsBase):
    async def post(self, cycle_id):
        await self.act(cycle_id, lambda: grades.compute_results(actor=self.principal, cycle_id=int(cycle_id),
                                                                today=self.today()),
                       lambda o: f"已计算 {o['participants']} 人的结果，其中 {o['with_total']} 人有总分"
                                 + (f"，尚有 {o['pending_sheets']} 张评分表未提交" if o["pending_sheets"] else ""))


class ConfirmHandler(ResultsBase):
    async def post(self, cycle_id):
        items = []
        for name, values in self.request.body_arguments.items():
            if name.startswith("grade_") and name[6:].isdigit() and values and values[-1]:
                items.append({"staff_id": int(name[6:]), "grade": values[-1].decode()})
        accept = self.get_body_argument("accept_proposed", "") == "1"
        await self.act(cycle_id, lambda: grades.confirm(actor=self.principal, cycle_id=int(cycle_id), items=items,
                                                        accept_proposed=accept, today=self.today()),
                       lambda o: f"已确认 {o['confirmed']} 人的等次；优秀名额 {o['quota']['limit']} 名，"
                                 f"已确认 {o['quota']['confirmed']} 名")


class QuotaApprovalHandler(ResultsBase):
    async def post(self, cycle_id):
        try:
            percent = float(self.get_body_argument("percent", ""))
        except ValueError:
            percent = -1
        reason = self.get_body_argument("reason", "").strip()
        document = self.get_body_argument("document", "").strip()

        async def go():
            if not reason or not document:
                from server.errors import Invalid
                raise Invalid("请填写理由和批准文号", code="VALIDATION_FAILED")
            return await grades.add_quota_approval(actor=self.principal, cycle_id=int(cycle_id), percent=percent,
                                                   reason=reason[:500], document=document[:100])
        await self.act(cycle_id, go, lambda o: f"已登记批准：优秀比例 {o['percent']:g}%，名额 {o['limit']} 名")


class PublishHandler(ResultsBase):
    async def post(self, cycle_id):
        await self.act(cycle_id, lambda: publication.publish(actor=self.principal, cycle_id=int(cycle_id),
                                                             today=self.today()),
                       lambda o: f"已公示，公示期 {o['working_days']} 个工作日，至 {o['ends_on'].isoformat()}")


class CloseHandler(ResultsBase):
    async def post(self, cycle_id):
        await self.act(cycle_id, lambda: publication.close(actor=self.principal, cycle_id=int(cycle_id),
                                                           today=self.today()),
                       lambda o: f"考核已结束，{o['final_results']} 人的结果已定档")


class QueuesPage(ResultsBase):
    """异议、复核与申诉：待办与期限。"""

    async def get(self, cycle_id):
        cycle, _ = await grades.read_scope(self.principal, int(cycle_id))
        objections = await publication.list_objections(actor=self.principal, cycle_id=cycle.id)
        reqs = await requests.list_for_cycle(actor=self.principal, cycle_id=cycle.id, today=self.today())
        await self.page("appraisal/results/queues.html", cycle=cycle, objections=objections, reqs=reqs,
                        grades_list=[(g, grades.GRADE_LABELS[g]) for g in grades.scale(cycle)])


class AnswerHandler(ResultsBase):
    async def post(self, cycle_id, objection_id):
        answer = self.get_body_argument("answer", "").strip()
        try:
            if len(answer) < 5:
                from server.errors import Invalid
                raise Invalid("书面答复至少 5 个字", code="VALIDATION_FAILED")
            await publication.answer_objection(actor=self.principal, objection_id=int(objection_id),
                                               answer=answer[:2000])
        except ApiError as exc:
            if exc.status == 404:
                raise
            self.flash(exc.message, "bad")
        else:
            self.flash("已答复", "ok")
        self.redirect(f"/admin/appraisal/results/{int(cycle_id)}/queues")


class DecideHandler(ResultsBase):
    async def post(self, cycle_id, request_id):
        outcome = self.get_body_argument("outcome", "")
        reason = self.get_body_argument("reason", "").strip()
        total_raw = self.get_body_argument("adjusted_total", "").strip()
        grade = self.get_body_argument("adjusted_grade", "").strip() or None
        try:
            from server.errors import Invalid
            if outcome not in ("upheld", "rejected") or len(reason) < 10:
                raise Invalid("请选择决定并写明理由（至少 10 个字）", code="VALIDATION_FAILED")
            try:
                total = float(total_raw) if total_raw else None
            except ValueError:
                raise Invalid("调整后的总分应为数字", code="VALIDATION_FAILED") from None
            if total is not None and not 0 <= total <= 150:
                raise Invalid("调整后的总分应在 0–150 之间", code="VALIDATION_FAILED")
            await requests.decide(env=self.env, actor=self.principal, request_id=int(request_id), outcome=outcome,
                                  reason=reason[:2000], adjusted_total=total, adjusted_grade=grade, today=self.today())
        except ApiError as exc:
            if exc.status == 404:
                raise
            msg = exc.message + ("：" + "；".join(str(v) for v in exc.fields.values()) if exc.fields else "")
            self.flash(msg, "bad")
        else:
            self.flash("已作出决定，并已通知申请人", "ok")
        self.redirect(f"/admin/appraisal/results/{int(cycle_id)}/queues")


default_handlers = [
    (r"/admin/appraisal/results", ResultsPage),
    (r"/admin/appraisal/results/(\d{1,12})/compute", ComputeHandler),
    (r"/admin/appraisal/results/(\d{1,12})/confirm", ConfirmHandler),
    (r"/admin/appraisal/results/(\d{1,12})/quota-approval", QuotaApprovalHandler),
    (r"/admin/appraisal/results/(\d{1,12})/publish", PublishHandler),
    (r"/admin/appraisal/results/(\d{1,12})/close", CloseHandler),
    (r"/admin/appraisal/results/(\d{1,12})/queues", QueuesPage),
    (r"/admin/appraisal/results/(\d{1,12})/objections/(\d{1,12})/answer", AnswerHandler),
    (r"/admin/appraisal/results/(\d{1,12})/requests/(\d{1,12})/decide", DecideHandler),
]
