"""Console pages for appraisal cycles (考核周期): the list, the create/edit form (kind, phases and
dates, participant rule with exclusions), a cycle's overview (launch, close, move a date), the
frozen participant list (add/remove with a reason, reopen a phase for one person), department
indicators with their coverage, goal templates, and the progress monitor (进度监控).

HR only (appraisal.manage). Every page calls services/appraisal/*, which enforce the permission
and the data scope (another unit's cycle is a 404 there); `required` only gates the pages.
"""
import datetime
import urllib.parse

from admin.base import AdminHandler
from server.errors import ApiError, Conflict, Forbidden, Invalid, NotFound
from services import org as org_service
from services.appraisal import cycles, indicators, monitor, participants
from services.appraisal.common import KIND_LABELS, PHASE_LABELS, local_today

PHASES = tuple(PHASE_LABELS)   # in phase order

PAGE_SIZE = 50
TABS = [("", "概况"), ("/participants", "参与人员"), ("/indicators", "部门指标"),
        ("/templates", "目标模板"), ("/monitor", "进度监控")]
FIELD_NAMES = {"name": "名称", "kind": "类型", "year": "年度", "period": "周期", "period_no": "期次",
               "participant_rule.department_ids": "参加部门", "participant_rule.rank_ids": "职级",
               "settings.min_items": "目标条数", "reason": "原因", "until": "开放至",
               "staff_id": "人员", "title": "指标名称", "code": "指标编码", "weight": "权重",
               "target": "目标值", "position_id": "职务", "items": "目标条目"}
for _i in range(len(PHASES)):
    FIELD_NAMES[f"phases.{_i}.opens_on"] = FIELD_NAMES[f"phases.{_i}.closes_on"] = "阶段日期"


def _date(text):
    try:
        return datetime.date.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        return "bad"


def _num(text, cast=float):
    text = (text or "").strip()
    if not text:
        return None
    try:
        return cast(text)
    except ValueError:
        return "bad"


class CyclePage(AdminHandler):
    required = ("appraisal.manage",)

    def today(self):
        return local_today(self.now())

    async def departments(self, unit_id=None):
        try:
            rows = await org_service.list_departments(env=self.env, actor=self.principal, flat=True,
                                                      include_closed=False)
        except Forbidden:
            return []
        return [d for d in rows if unit_id is None or d.get("unit_id") == unit_id]

    async def cycle(self, cycle_id):
        return await cycles.get_cycle_detail(actor=self.principal, cycle_id=int(cycle_id),
                                             today=self.today())

    async def page(self, template, **kwargs):
        kwargs.setdefault("tabs", TABS)
        kwargs.setdefault("field_names", FIELD_NAMES)
        kwargs.setdefault("phase_labels", PHASE_LABELS)
        kwargs.setdefault("kind_labels", KIND_LABELS)
        await super().page(template, **kwargs)

    def back(self, message, *, ok=True, to=None):
        self.flash(message, "ok" if ok else "bad")
        self.redirect(to or self.request.path)

    def failed(self, exc):
        """An action refused by the service: its message (and field messages) as a flash."""
        text = exc.message
        if exc.fields:
            text += "：" + "；".join(f"{FIELD_NAMES.get(k, k)} {v}" for k, v in exc.fields.items())
        return text


# ---- list and form -------------------------------------------------------------------------------

class CycleListPage(CyclePage):
    """考核周期：列表。"""

    async def get(self):
        status = self.get_query_argument("status", "")
        status = status if status in ("draft", "launched", "closed") else None
        rows, total = await cycles.list_cycles(actor=self.principal, today=self.today(),
                                               status=status, page=1, page_size=200)
        await self.page("appraisal/cycles/list.html", cycles=rows, status=status or "", total=total)


class CycleForm:
    """The create/edit form: fixed phase rows (include + dates), the rule and settings."""

    def __init__(self, handler, *, launched=False):
        h = handler
        arg = h.get_body_argument
        self.errors = {}
        self.values = {"name": arg("name", "").strip()[:100], "kind": arg("kind", "annual"),
                       "year": arg("year", "").strip(), "period": arg("period", ""),
                       "period_no": arg("period_no", "").strip(),
                       "min_items": arg("min_items", "").strip(), "max_items": arg("max_items", "").strip(),
                       "department_ids": [int(x) for x in h.get_body_arguments("department_ids") if x.isdigit()],
                       "long_leave_days": arg("long_leave_days", "").strip(),
                       "hired_after": arg("hired_after", "").strip(),
                       "seconded_out": arg("seconded_out", "") == "1",
                       "version": arg("version", "").strip()}
        self.values["phases"] = {code: {"on": arg(f"{code}_on", "") == "1",
                                        "opens_on": arg(f"{code}_opens", "").strip(),
                                        "closes_on": arg(f"{code}_closes", "").strip()}
                                 for code in PHASES}
        self.launched = launched

    def body(self):
        v, errors = self.values, self.errors
        if not v["name"]:
            errors["name"] = "请填写名称"
        body = {"name": v["name"]}
        settings = {}
        for key in ("min_items", "max_items"):
            n = _num(v[key], int)
            if n == "bad" or (n is not None and not 1 <= n <= 30):
                errors[f"settings.{key}"] = "应为 1–30 的整数"
            elif n is not None:
                settings[key] = n
        body["settings"] = settings
        if not self.launched:
            year = _num(v["year"], int)
            if year in (None, "bad") or not 2000 <= year <= 2100:
                errors["year"] = "应为 2000–2100 的年份"
            body.update(kind=v["kind"], year=year, period=v["period"] or None,
                        period_no=_num(v["period_no"], int) if v["period_no"] else None)
            if body["period_no"] == "bad":
                errors["period_no"] = "应为整数"
            phases = []
            for code, p in v["phases"].items():
                if not p["on"]:
                    continue
                opens, closes = _date(p["opens_on"]), _date(p["closes_on"])
                if opens in (None, "bad") or closes in (None, "bad"):
                    errors[f"phase_{code}"] = f"{PHASE_LABELS[code]}：请填写开始和截止日期"
                    continue
                phases.append({"phase": code, "opens_on": opens, "closes_on": closes})
            if not phases and not errors:
                errors["phases"] = "请至少设置一个阶段"
            days = _num(v["long_leave_days"], int)
            hired = _date(v["hired_after"])
            if days == "bad" or (days is not None and not 1 <= days <= 366):
                errors["long_leave_days"] = "应为 1–366 的整数"
            if hired == "bad":
                errors["hired_after"] = "应为日期"
            body["phases"] = phases
            body["participant_rule"] = {"department_ids": v["department_ids"], "rank_ids": [],
                                        "exclude": {"long_leave_days": days if days != "bad" else None,
                                                    "hired_after": hired if hired != "bad" else None,
                                                    "seconded_out": v["seconded_out"]}}
        if errors:
            raise Invalid("考核周期设置有误", code="VALIDATION_FAILED", fields=dict(errors))
        self.phase_codes = [p["phase"] for p in body.get("phases") or []]
        return body

    def field_names(self):
        """phases.N.field of the service's errors named by the phase they are about."""
        names = dict(FIELD_NAMES)
        for i, code in enumerate(getattr(self, "phase_codes", [])):
            names[f"phases.{i}.opens_on"] = f"{PHASE_LABELS[code]}开始日期"
            names[f"phases.{i}.closes_on"] = f"{PHASE_LABELS[code]}截止日期"
            names[f"phases.{i}.phase"] = PHASE_LABELS[code]
        return names


def _form_from_cycle(c):
    exclude = (c["participant_rule"] or {}).get("exclude") or {}
    phases = {p["phase"]: {"on": True, "opens_on": str(p["opens_on"]), "closes_on": str(p["closes_on"])}
              for p in c["phases"]}
    return {"name": c["name"], "kind": c["kind"], "year": str(c["year"]), "period": c["period"] or "",
            "period_no": str(c["period_no"] or ""), "min_items": str(c["settings"].get("min_items", "")),
            "max_items": str(c["settings"].get("max_items", "")),
            "department_ids": list(c["participant_rule"].get("department_ids") or []),
            "long_leave_days": str(exclude.get("long_leave_days") or ""),
            "hired_after": str(exclude.get("hired_after") or ""),
            "seconded_out": bool(exclude.get("seconded_out")), "version": str(c["version"]),
            "phases": {code: phases.get(code, {"on": False, "opens_on": "", "closes_on": ""})
                       for code in PHASES}}


def _blank_form(today):
    y = today.year
    return {"name": f"{y}年度考核", "kind": "annual", "year": str(y), "period": "", "period_no": "",
            "min_items": "3", "max_items": "10", "department_ids": [], "long_leave_days": "180",
            "hired_after": "", "seconded_out": True, "version": "",
            "phases": {code: {"on": True, "opens_on": "", "closes_on": ""} for code in PHASES}}


class CycleNewPage(CyclePage):
    """新建考核周期。"""

    async def show(self, form, *, error=None, errors=None, status=200, names=None):
        self.set_status(status)
        await self.page("appraisal/cycles/form.html", cycle=None, form=form, error=error,
                        errors=errors or {}, departments=await self.departments(self.principal.unit_id),
                        field_names=names or FIELD_NAMES)

    async def get(self):
        await self.show(_blank_form(self.today()))

    async def post(self):
        form = CycleForm(self)
        try:
            c = await cycles.create_cycle(actor=self.principal, body=form.body(), today=self.today())
        except (Invalid, Conflict) as exc:
            await self.show(form.values, error=exc.message, errors=exc.fields, status=422,
                            names=form.field_names())
            return
        self.back(f"已新建考核周期“{c['name']}”（筹备中），核对后即可启动",
                  to=f"/admin/appraisal/cycles/{c['id']}")


class CycleEditPage(CyclePage):
    """修改考核周期（筹备中：全部；进行中：名称与设置）。"""

    async def show(self, c, form, *, error=None, errors=None, status=200, names=None):
        self.set_status(status)
        await self.page("appraisal/cycles/form.html", cycle=c, form=form, error=error,
                        errors=errors or {}, departments=await self.departments(c["unit_id"]),
                        field_names=names or FIELD_NAMES)

    async def get(self, cycle_id):
        c = await self.cycle(cycle_id)
        await self.show(c, _form_from_cycle(c))

    async def post(self, cycle_id):
        c = await self.cycle(cycle_id)
        form = CycleForm(self, launched=c["status"] != "draft")
        try:
            body = form.body()
            if c["status"] != "draft":
                body = {"name": body["name"], "settings": body["settings"]}
            version = _num(form.values["version"], int)
            await cycles.update_cycle(actor=self.principal, cycle_id=c["id"], changes=body,
                                      version=version if isinstance(version, int) else 0,
                                      today=self.today())
        except (Invalid, Conflict) as exc:
            await self.show(c, {**_form_from_cycle(c), **form.values}, error=exc.message,
                            errors=exc.fields, status=422 if isinstance(exc, Invalid) else 409,
                            names=form.field_names())
            return
        self.back("已保存考核周期", to=f"/admin/appraisal/cycles/{c['id']}")


# ---- overview: launch, close, move a date ---------------------------------------------------------

class CyclePageDetail(CyclePage):
    """考核周期概况：阶段与日期、人数；启动、结束、调整日期。"""

    async def get(self, cycle_id):
        c = await self.cycle(cycle_id)
        await self.page("appraisal/cycles/detail.html", cycle=c, tab="",
                        departments={d["id"]: d["name"] for d in await self.departments(c["unit_id"])})


class CycleActionPage(CyclePage):
    """启动 / 结束考核周期。"""

    async def post(self, cycle_id, action):
        to = f"/admin/appraisal/cycles/{int(cycle_id)}"
        try:
            if action == "launch":
                c = await cycles.launch_cycle(actor=self.principal, cycle_id=int(cycle_id),
                                              today=self.today())
                message = f"已启动：{c['counts']['active']} 人参加，{c['counts']['excluded']} 人不参加（名单已冻结）"
            else:
                await cycles.close_cycle(actor=self.principal, cycle_id=int(cycle_id), today=self.today())
                message = "考核周期已结束"
        except (Invalid, Conflict) as exc:
            self.back(self.failed(exc), ok=False, to=to)
            return
        self.back(message, to=to)


class PhaseMovePage(CyclePage):
    """调整阶段日期（须填写原因）。"""

    async def post(self, cycle_id):
        to = f"/admin/appraisal/cycles/{int(cycle_id)}"
        phase = self.get_body_argument("phase", "")
        opens, closes = _date(self.get_body_argument("opens_on", "")), _date(self.get_body_argument("closes_on", ""))
        reason = self.get_body_argument("reason", "").strip()[:200]
        if opens in (None, "bad") or closes in (None, "bad") or not reason:
            self.back("请填写开始日期、截止日期和调整原因", ok=False, to=to)
            return
        try:
            await cycles.move_phase(actor=self.principal, cycle_id=int(cycle_id), phase=phase,
                                    opens_on=opens, closes_on=closes, reason=reason, today=self.today())
        except (Invalid, Conflict) as exc:
            self.back(self.failed(exc), ok=False, to=to)
            return
        self.back(f"已调整“{PHASE_LABELS.get(phase, phase)}”的日期：{opens} 至 {closes}", to=to)


# ---- participants --------------------------------------------------------------------------------

class ParticipantsPage(CyclePage):
    """参与人员：冻结名单（含不参加人员及原因），追加/移出，为某人重新开放阶段。"""

    async def get(self, cycle_id):
        c = await self.cycle(cycle_id)
        status = self.get_query_argument("status", "")
        status = status if status in ("active", "excluded", "removed") else None
        dept = self.int_arg("department_id")
        q = self.get_query_argument("q", "").strip()[:50] or None
        page = max(1, min(self.int_arg("page", 1) or 1, 10000))
        rows, total, counts = await participants.list_participants(
            actor=self.principal, cycle_id=c["id"], status=status, department_id=dept, q=q,
            page=page, page_size=PAGE_SIZE)
        reopenings = await cycles.list_reopenings(actor=self.principal, cycle_id=c["id"])
        query = urllib.parse.urlencode({k: v for k, v in (("status", status), ("department_id", dept),
                                                          ("q", q)) if v})
        await self.page("appraisal/cycles/participants.html", cycle=c, tab="/participants", rows=rows,
                        total=total, counts=counts, status=status or "", department_id=dept, q=q or "",
                        page=page, pages=max(1, -(-total // PAGE_SIZE)), query=query,
                        reopenings=reopenings, departments=await self.departments(c["unit_id"]),
                        today=self.today())


class ParticipantActionPage(CyclePage):
    """追加 / 移出参与人员，重新开放阶段。"""

    async def post(self, cycle_id, action):
        cid = int(cycle_id)
        to = f"/admin/appraisal/cycles/{cid}/participants"
        reason = self.get_body_argument("reason", "").strip()[:200]
        try:
            if not reason:
                raise Invalid("请填写原因", code="VALIDATION_FAILED", fields={"reason": "必填"})
            if action == "remove":
                staff_id = self.int_arg("staff_id", body=True) or 0
                row = await participants.remove_participant(actor=self.principal, cycle_id=cid,
                                                            staff_id=staff_id, reason=reason)
                message = f"已将{row['name']}移出本次考核"
            else:
                staff_id = await participants.staff_id_by_employee_no(
                    actor=self.principal, cycle_id=cid, employee_no=self.get_body_argument("employee_no", ""))
                if action == "add":
                    row = await participants.add_participant(actor=self.principal, cycle_id=cid,
                                                             staff_id=staff_id, reason=reason)
                    message = f"已将{row['name']}加入本次考核"
                else:
                    until = _date(self.get_body_argument("until", ""))
                    if until in (None, "bad"):
                        raise Invalid("请填写开放截止日期", code="VALIDATION_FAILED", fields={"until": "必填"})
                    phase = self.get_body_argument("phase", "")
                    row = await cycles.reopen_phase(actor=self.principal, cycle_id=cid, staff_id=staff_id,
                                                    phase=phase, until=until, reason=reason,
                                                    now=self.now())
                    message = f"已为{row['name']}重新开放“{row['phase_label']}”至 {row['until']}"
        except ApiError as exc:
            if isinstance(exc, NotFound) and exc.code == "APPRAISAL_CYCLE_NOT_FOUND":
                raise
            self.back(self.failed(exc), ok=False, to=to)
            return
        self.back(message, to=to)


# ---- indicators and templates --------------------------------------------------------------------

class IndicatorsPage(CyclePage):
    """部门指标及其被个人目标覆盖的情况；新增、修改。"""

    async def get(self, cycle_id):
        c = await self.cycle(cycle_id)
        rows = await indicators.coverage(actor=self.principal, cycle_id=c["id"])
        edit = self.int_arg("edit")
        await self.page("appraisal/cycles/indicators.html", cycle=c, tab="/indicators", rows=rows,
                        editing=next((r for r in rows if r["id"] == edit), None),
                        departments=await self.departments(c["unit_id"]))

    async def post(self, cycle_id):
        cid = int(cycle_id)
        to = f"/admin/appraisal/cycles/{cid}/indicators"
        arg = self.get_body_argument
        target, weight = _num(arg("target", "")), _num(arg("weight", "")) or 0
        body = {"department_id": self.int_arg("department_id", body=True), "title": arg("title", "").strip()[:100],
                "code": arg("code", "").strip()[:40], "unit_of_measure": arg("unit_of_measure", "").strip()[:20],
                "description": arg("description", "").strip()[:500], "target": target, "weight": weight,
                "active": arg("active", "1") == "1"}
        indicator_id = self.int_arg("indicator_id", body=True)
        try:
            errors = {}
            if not body["title"]:
                errors["title"] = "必填"
            if target == "bad":
                errors["target"] = "应为数字"
            if weight == "bad" or not 0 <= (weight if weight != "bad" else -1) <= 100:
                errors["weight"] = "应为 0–100"
            if not body["department_id"]:
                errors["department_id"] = "请选择部门"
            if body["code"] and not all(ch.isalnum() and ch.isascii() or ch in "_.-" for ch in body["code"]):
                errors["code"] = "只能包含字母、数字和 _ . -"
            if errors:
                raise Invalid("部门指标填写有误", code="VALIDATION_FAILED", fields=errors)
            if indicator_id:
                await indicators.update_indicator(actor=self.principal, indicator_id=indicator_id, changes=body)
                message = f"已保存部门指标“{body['title']}”"
            else:
                await indicators.create_indicator(actor=self.principal, cycle_id=cid, body=body)
                message = f"已新增部门指标“{body['title']}”"
        except ApiError as exc:
            if isinstance(exc, NotFound) and exc.code in ("APPRAISAL_CYCLE_NOT_FOUND", "APPRAISAL_INDICATOR_NOT_FOUND"):
                raise
            self.back(self.failed(exc), ok=False, to=to)
            return
        self.back(message, to=to)


TEMPLATE_ROWS = 6


class TemplatesPage(CyclePage):
    """岗位目标模板：列表、新增、删除。"""

    async def get(self, cycle_id):
        c = await self.cycle(cycle_id)
        rows = await indicators.list_templates(actor=self.principal, cycle_id=c["id"])
        try:
            positions = await org_service.list_positions(env=self.env, actor=self.principal, unit_id=c["unit_id"])
        except (Forbidden, NotFound):
            positions = []
        await self.page("appraisal/cycles/templates.html", cycle=c, tab="/templates", rows=rows,
                        positions=positions, item_rows=TEMPLATE_ROWS)

    async def post(self, cycle_id):
        cid = int(cycle_id)
        to = f"/admin/appraisal/cycles/{cid}/templates"
        try:
            delete = self.int_arg("delete_id", body=True)
            if delete:
                await indicators.delete_template(actor=self.principal, template_id=delete)
                self.back("已删除目标模板", to=to)
                return
            arg = self.get_body_arguments
            items, errors = [], {}
            for i, (title, kind, target, uom, weight, criteria) in enumerate(zip(
                    arg("item_title"), arg("item_kind"), arg("item_target"), arg("item_unit"),
                    arg("item_weight"), arg("item_criteria"))):
                if not title.strip():
                    continue
                w, t = _num(weight), _num(target)
                if w in (None, "bad") or not 0 <= w <= 100:
                    errors[f"items.{i}"] = f"第 {i + 1} 条权重应为 0–100"
                    continue
                item = {"title": title.strip()[:100], "kind": kind if kind in ("quantitative", "qualitative")
                        else "qualitative", "weight": w, "criteria": criteria.strip()[:1000],
                        "unit_of_measure": uom.strip()[:20]}
                if item["kind"] == "quantitative":
                    if t in (None, "bad"):
                        errors[f"items.{i}"] = f"第 {i + 1} 条为定量目标，请填写目标值"
                        continue
                    item.update(target=t, formula={"type": "linear", "floor": 0})
                items.append(item)
            name = self.get_body_argument("name", "").strip()[:100]
            if not name:
                errors["name"] = "必填"
            if not items and not errors:
                errors["items"] = "至少填写一条目标"
            if errors:
                raise Invalid("目标模板填写有误", code="VALIDATION_FAILED", fields=errors)
            await indicators.create_template(actor=self.principal, cycle_id=cid, body={
                "name": name, "position_id": self.int_arg("position_id", body=True), "items": items})
        except ApiError as exc:
            if isinstance(exc, NotFound) and exc.code in ("APPRAISAL_CYCLE_NOT_FOUND", "APPRAISAL_TEMPLATE_NOT_FOUND"):
                raise
            self.back(self.failed(exc), ok=False, to=to)
            return
        self.back(f"已新增目标模板“{name}”", to=to)


# ---- monitor -------------------------------------------------------------------------------------

class MonitorPage(CyclePage):
    """进度监控：按部门统计谁还没有提交、谁还没有审核，并列出人员。"""

    async def get(self, cycle_id):
        c = await self.cycle(cycle_id)
        dept = self.int_arg("department_id")
        data = await monitor.monitor(actor=self.principal, cycle_id=c["id"], today=self.today(),
                                     department_id=dept)
        await self.page("appraisal/cycles/monitor.html", cycle=c, tab="/monitor", data=data,
                        department_id=dept, departments=await self.departments(c["unit_id"]),
                        states=monitor.STATES, flags=monitor.FLAGS)


_ID = r"(\d{1,12})"
default_handlers = [
    (r"/admin/appraisal/cycles", CycleListPage),
    (r"/admin/appraisal/cycles/new", CycleNewPage),
    (rf"/admin/appraisal/cycles/{_ID}", CyclePageDetail),
    (rf"/admin/appraisal/cycles/{_ID}/edit", CycleEditPage),
    (rf"/admin/appraisal/cycles/{_ID}/(launch|close)", CycleActionPage),
    (rf"/admin/appraisal/cycles/{_ID}/phases", PhaseMovePage),
    (rf"/admin/appraisal/cycles/{_ID}/participants", ParticipantsPage),
    (rf"/admin/appraisal/cycles/{_ID}/participants/(add|remove|reopen)", ParticipantActionPage),
    (rf"/admin/appraisal/cycles/{_ID}/indicators", IndicatorsPage),
    (rf"/admin/appraisal/cycles/{_ID}/templates", TemplatesPage),
    (rf"/admin/appraisal/cycles/{_ID}/monitor", MonitorPage),
]
