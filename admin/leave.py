"""Leave pages (假期管理): leave types and rules per unit, balances with audited manual adjustment,
the report by department and month with CSV/XLSX export. Permission and data scope are enforced by
services/leave*.py; the pages only gate the menu and turn service errors into re-rendered forms."""
import json
import urllib.parse

from admin.base import AdminHandler
from admin.forms import Form, parse_form
from handlers.schemas.leave import LeaveTypeUpdate
from handlers.schemas.textrules import text
from server.errors import ApiError, Invalid, NotFound
from services import leave as leave_service
from services import leave_balances
from services import leave_rules
from services import org as org_service
from services import staff as staff_service

COUNT_MODE_LABELS = {"working_days": "按工作日", "calendar_days": "按自然日"}
QUOTA_RULE_LABELS = {"annual": "年休假（按工龄）", "fixed": "固定天数", "lieu": "调休（加班折算）",
                     "none": "不限额"}
NUMBER_FIELDS = ("attachment_over_days", "max_days_per_request", "quota_days")


async def unit_in_reach(actor, perm, unit_id):
    """The unit the page works on: the caller's own, or another unit their grant covers (else 404)."""
    if unit_id is None or unit_id == actor.unit_id:
        return actor.unit_id
    reach = await actor.require_reach(perm)
    if not (reach.everything or unit_id in reach.unit_ids):
        raise NotFound("单位不存在或不在您的管理范围内", code="UNIT_NOT_FOUND")
    return unit_id


async def units_for(handler, perm):
    """Units to choose from (the caller's own first); only with org.view."""
    if not handler.principal.has("org.view"):
        return []
    reach = await handler.principal.require_reach(perm)
    out = []

    def walk(items):
        for u in items:
            if u["id"] == handler.principal.unit_id or reach.everything or u["id"] in reach.unit_ids:
                out.append(u)
            walk(u.get("children", []))
    walk(await org_service.list_units(env=handler.env, actor=handler.principal))
    return out


def parse_type_form(handler):
    """The type form as service fields; numbers parsed, settings as JSON (province-specific days)."""
    form = handler.form_args("name", "count_mode", "quota_rule", "sort", "settings", *NUMBER_FIELDS)
    body, errors = {}, {}
    for name in ("name", "count_mode", "quota_rule"):
        if name in form:
            body[name] = form[name]
    for name in NUMBER_FIELDS:
        raw = handler.get_body_argument(name, "").strip()
        if raw == "":
            body[name] = None
            continue
        try:
            body[name] = float(raw)
        except ValueError:
            errors[name] = "应为数字"
    if "sort" in form:
        try:
            body["sort"] = int(form["sort"])
        except ValueError:
            errors["sort"] = "应为整数"
    for name in ("paid", "balance_tracked", "is_trip", "active"):
        body[name] = handler.get_body_argument(name, "") == "1"
    if "settings" in form:
        try:
            settings = json.loads(form["settings"])
            if not isinstance(settings, dict):
                raise ValueError
            body["settings"] = settings
        except ValueError:
            errors["settings"] = "应为 JSON 对象，例如 {\"tiers\": [[1, 5], [10, 10], [20, 15]]}"
    if errors:
        raise Invalid("假期类型设置有误", code="VALIDATION_FAILED", fields=errors)
    # The same declaration as PATCH /api/leave/types/{id}: bounds, choices, strict yes/no.
    return parse_form(handler, LeaveTypeUpdate, body).model_dump(), form


class AdjustForm(Form):
    reason: text(200)
    delta: text(10)


class LeaveTypesPage(AdminHandler):
    required = ("leave.manage",)

    async def render_types(self, *, unit_id, edit=None, error=None, errors=None, form=None, status=200):
        types = await leave_rules.effective_types(unit_id, include_inactive=True)
        rows = [leave_rules.type_out(t) for t in types.values()]
        self.set_status(status)
        await self.page("leave/types.html", rows=rows, unit_id=unit_id,
                        units=await units_for(self, "leave.manage"), edit=edit,
                        count_modes=COUNT_MODE_LABELS, quota_rules=QUOTA_RULE_LABELS,
                        error=error, errors=errors or {}, form=form or {}, dumps_settings=_settings_text)


def _settings_text(value):
    return json.dumps(value, ensure_ascii=False, indent=1) if value else ""


class LeaveTypesHandler(LeaveTypesPage):
    """假期类型与规则。"""

    async def get(self):
        unit_id = await unit_in_reach(self.principal, "leave.manage", self.int_arg("unit_id"))
        edit = None
        code = self.get_query_argument("edit", "")
        if code:
            types = await leave_rules.effective_types(unit_id, include_inactive=True)
            if code not in types:
                raise NotFound("假期类型不存在", code="LEAVE_TYPE_NOT_FOUND")
            edit = leave_rules.type_out(types[code])
        elif self.get_query_argument("new", "") == "1":
            edit = {"code": "", "name": "", "count_mode": "working_days", "paid": True, "active": True,
                    "balance_tracked": False, "is_trip": False, "quota_rule": "none", "sort": 100,
                    "new": True}
        await self.render_types(unit_id=unit_id, edit=edit)


class LeaveTypeSaveHandler(LeaveTypesPage):
    """保存假期类型：本单位已有的直接修改；全国默认的在本单位建同代码类型覆盖。"""

    async def post(self):
        unit_id = await unit_in_reach(self.principal, "leave.manage", self.int_arg("unit_id", body=True))
        code = self.get_body_argument("code", "").strip()
        edit = {"code": code, "new": self.get_body_argument("new", "") == "1"}
        try:
            fields, form = parse_type_form(self)
            types = await leave_rules.effective_types(unit_id, include_inactive=True)
            current = types.get(code)
            if edit["new"] and current is not None:
                raise Invalid("该代码已存在", code="LEAVE_TYPE_EXISTS", fields={"code": "代码已存在"})
            if current is not None and current.unit_id == unit_id:
                saved = await leave_rules.update_type(actor=self.principal, type_id=current.id, **fields)
            else:
                saved = await leave_rules.create_type(actor=self.principal, code=code, unit_id=unit_id,
                                                      **fields)
        except ApiError as exc:
            form = {k: self.get_body_argument(k, "") for k in ("name", "count_mode", "quota_rule",
                                                               "sort", "settings", *NUMBER_FIELDS)}
            edit.update({k: v for k, v in form.items() if k != "settings"},
                        settings_text=form["settings"],
                        **{k: self.get_body_argument(k, "") == "1"
                           for k in ("paid", "balance_tracked", "is_trip", "active")})
            await self.render_types(unit_id=unit_id, edit=edit, error=exc.message, errors=exc.fields,
                                    status=exc.status)
            return
        self.flash(f"已保存假期类型“{saved['name']}”")
        self.redirect(f"/admin/leave/types?unit_id={unit_id}")


class BalancesHandler(AdminHandler):
    """假期余额：查看某人余额，人工调整（须写原因，留痕）。"""
    required = ("leave.manage",)

    async def get(self):
        await self.render_balances(staff_id=self.int_arg("staff_id"), year=self.int_arg("year"))

    async def render_balances(self, *, staff_id, year, error=None, errors=None, form=None, status=200):
        year = year or leave_service.local_today().year
        if not 2000 <= year <= 2100:
            raise Invalid("年份不正确", code="VALIDATION_FAILED", fields={"year": "2000–2100"})
        q = self.get_query_argument("q", "").strip()
        people, _ = await staff_service.list_staff(env=self.env, actor=self.principal, q=q or None,
                                                   status="active", page_size=200)
        person, balances = None, []
        if staff_id:
            balances = await leave_service.balances(actor=self.principal, year=year, staff_id=staff_id)
            person = next((p for p in people if p["id"] == staff_id), None) or \
                await staff_service.get_staff(env=self.env, actor=self.principal, staff_id=staff_id)
        self.set_status(status)
        await self.page("leave/balances.html", people=people, person=person, balances=balances,
                        staff_id=staff_id, year=year, q=q, error=error, errors=errors or {},
                        form=form or {}, tabs=BALANCE_TABS, current="/admin/leave/balances")


class BalanceAdjustHandler(BalancesHandler):
    """人工调整余额。"""

    async def post(self):
        balance_id = self.int_arg("balance_id", body=True) or 0
        staff_id = self.int_arg("staff_id", body=True)
        year = self.int_arg("year", body=True)
        form = self.form_args("delta", "reason")
        try:
            body = parse_form(self, AdjustForm, form).model_dump()
            try:
                delta = float(body["delta"])
            except ValueError:
                raise Invalid("调整天数应为数字", code="VALIDATION_FAILED", fields={"delta": "如 1、-0.5"}) from None
            b = await leave_service.adjust_balance(actor=self.principal, balance_id=int(balance_id),
                                                   delta=delta, reason=body["reason"])
        except ApiError as exc:
            if exc.status == 404:
                raise
            fields = dict(exc.fields or {})
            if "reason" in fields:
                fields["reason"] = "请填写调整原因"
            await self.render_balances(staff_id=staff_id, year=year, error=exc.message, errors=fields,
                                       form={**form, "balance_id": int(balance_id)}, status=exc.status)
            return
        self.flash(f"已调整余额 {delta:+g} 天，调整后剩余 {b['remaining']:g} 天")
        self.redirect(f"/admin/leave/balances?staff_id={b['staff_id']}&year={b['year']}")


class ReportHandler(AdminHandler):
    """请假统计（按部门、月份），导出 CSV / XLSX。"""
    required = ("leave.report",)

    async def get(self):
        today = leave_service.local_today()
        year = self.int_arg("year") or today.year
        month = self.int_arg("month")
        dept_id = self.int_arg("department_id")
        if not 2000 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
            raise Invalid("年份或月份不正确", code="VALIDATION_FAILED", fields={"month": "1–12"})
        fmt = self.get_query_argument("format", "html")
        if fmt in ("csv", "xlsx"):
            self.send_file(*await leave_service.export_report(
                actor=self.principal, year=year, month=month, department_id=dept_id, format=fmt))
            return
        rows = await leave_service.report(actor=self.principal, year=year, month=month,
                                          department_id=dept_id)
        departments = []
        if self.principal.has("org.view"):
            departments = await org_service.list_departments(env=self.env, actor=self.principal,
                                                             flat=True, include_closed=False)
        months = sorted({r["month"] for r in rows})
        await self.page("leave/report.html", rows=rows, year=year, month=month, dept_id=dept_id,
                        departments=departments, months=months,
                        total_days=sum(r["days"] for r in rows),
                        total_requests=sum(r["requests"] for r in rows))


BALANCE_TABS = [("/admin/leave/balances", "按人员查看与调整"), ("/admin/leave/balances/table", "余额表")]


class BalanceTableHandler(AdminHandler):
    """假期余额表：本单位/部门人员的余额，筛选、分页，导出 XLSX。"""
    required = ("leave.manage",)
    PAGE_SIZE = 50

    def filters(self):
        below_raw = self.get_query_argument("below", "").strip()
        below = None
        if below_raw:
            try:
                below = float(below_raw)
            except ValueError:
                raise Invalid("“剩余低于”应为数字", code="VALIDATION_FAILED", fields={"below": "应为数字"}) from None
            if below != below or abs(below) > 1000:
                raise Invalid("“剩余低于”应在 -1000 至 1000 之间", code="VALIDATION_FAILED",
                              fields={"below": "-1000–1000"})
        year = self.int_arg("year") or leave_service.local_today().year
        type_code = self.get_query_argument("type_code", "").strip()[:20] or None
        return {"year": year, "department_id": self.int_arg("department_id"), "type_code": type_code,
                "below": below}, below_raw

    async def get(self):
        args, below_raw = self.filters()
        if self.get_query_argument("format", "") == "xlsx":
            self.send_file(*await leave_balances.export_table(actor=self.principal, **args))
            return
        page = max(self.int_arg("page") or 1, 1)
        rows, total, totals = await leave_balances.balance_table(actor=self.principal, **args, page=page,
                                                                  page_size=self.PAGE_SIZE)
        departments = []
        if self.principal.has("org.view"):
            departments = await org_service.list_departments(env=self.env, actor=self.principal,
                                                             flat=True, include_closed=False)
        types = [t for t in (await leave_rules.effective_types(self.principal.unit_id)).values()
                 if t.balance_tracked and t.quota_rule != "lieu"]
        query = {k: v for k, v in (("year", args["year"]), ("department_id", args["department_id"]),
                                   ("type_code", args["type_code"]), ("below", below_raw)) if v}
        await self.page("leave/balance_table.html", rows=rows, total=total, totals=totals, page=page,
                        pages=max((total + self.PAGE_SIZE - 1) // self.PAGE_SIZE, 1), args=args,
                        below_raw=below_raw, departments=departments, types=types, query=query,
                        qs=urllib.parse.urlencode(query), tabs=BALANCE_TABS,
                        current="/admin/leave/balances/table")


class BalanceFillHandler(AdminHandler):
    """生成本年度余额：为管理范围内全部在职人员建立（或刷新）余额记录。"""
    required = ("leave.manage",)

    async def post(self):
        year = self.int_arg("year", body=True) or leave_service.local_today().year
        people = await leave_balances.fill_year(actor=self.principal, year=year)
        self.flash(f"已生成 {year} 年度 {people} 人的假期余额")
        self.redirect(f"/admin/leave/balances/table?year={year}")


default_handlers = [
    (r"/admin/leave/balances/table", BalanceTableHandler),
    (r"/admin/leave/balances/fill", BalanceFillHandler),
    (r"/admin/leave/types", LeaveTypesHandler),
    (r"/admin/leave/types/save", LeaveTypeSaveHandler),
    (r"/admin/leave/balances", BalancesHandler),
    (r"/admin/leave/balances/adjust", BalanceAdjustHandler),
    (r"/admin/leave/report", ReportHandler),
]
