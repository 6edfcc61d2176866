"""Approval flow pages (审批流程): one flow per kind and unit, a steps editor (approver rules, any/all,
conditions), and a preview of who would approve for a sample applicant. services/approval_admin.py
and services/approvals.py enforce approval.flow.manage and the unit scope. The unit head's own
requests (单位主要负责人本人的申请) end in a per-unit final step set on /admin/approval-flows/head-step
(services/approval_settings: reach over the whole unit, audited approval.settings.update)."""
import json
import math

from admin.base import AdminHandler
from handlers.base import dumps, write_error_envelope
from server.errors import ApiError, Invalid, Unauthorized
from services import approval_admin, approval_settings, approvals, leave_rules
from services import staff as staff_service
from services.approval_rules import HEAD_STEP_NAMES, MODES, OPS, RULE_LABELS

MAX_STEPS = 20      # services/approval_rules.clean_steps: 1 to 20 steps, 1 to 10 rules each
MAX_APPROVERS = 10
OP_LABELS = {">": "大于", ">=": "大于等于", "<": "小于", "<=": "小于等于", "==": "等于", "!=": "不等于",
             "in": "属于", "not_in": "不属于"}
# Condition fields the pickers offer per kind (what each feature puts in the approval context).
KIND_FIELDS = {
    "leave": [{"code": "days", "label": "请假天数", "type": "number"},
              {"code": "leave_type", "label": "假期类型", "type": "leave_type"},
              {"code": "backdated", "label": "补请假（1 是 / 0 否）", "type": "number"}],
    "overtime": [{"code": "hours", "label": "加班小时", "type": "number"}],
}

MODE_LABELS = {"any": "或签（一人同意即可）", "all": "会签（全部同意）"}
BLANK_ROWS = 2
CONTEXT_FIELDS = {"days": "天数", "leave_type": "假期类型代码", "hours": "加班小时"}


def when_text(when):
    """[{"field": "days", "op": ">", "value": 3}] → "days > 3" (conditions joined by "；")."""
    parts = []
    for c in when or []:
        value = c.get("value")
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        parts.append(f"{c.get('field')} {c.get('op')} {value}")
    return "；".join(parts)


def _value(raw):
    try:
        number = float(raw)
        return int(number) if number.is_integer() else number
    except ValueError:
        return raw


def parse_when(text, key):
    conds = []
    for part in [p.strip() for p in text.replace(";", "；").split("；") if p.strip()]:
        bits = part.split(None, 2)
        if len(bits) != 3 or bits[1] not in OPS:
            raise Invalid("条件格式不正确", code="APPROVAL_FLOW_INVALID",
                          fields={f"{key}.when": f"“{part}”应写成 字段 运算符 值，如 days > 3；运算符："
                                                 + " ".join(OPS)})
        field, op, raw = bits
        value = [_value(v.strip()) for v in raw.split(",") if v.strip()] if op in ("in", "not_in") \
            else _value(raw.strip())
        conds.append({"field": field, "op": op, "value": value})
    return conds


def parse_steps(handler):
    """Rows of the editor → steps; a row without a name and approvers is ignored."""
    steps = []
    count = handler.int_arg("rows", 0, body=True) or 0
    for i in range(min(count, 30)):
        name = handler.get_body_argument(f"name_{i}", "").strip()
        approvers = [a.strip() for a in handler.get_body_argument(f"approvers_{i}", "").replace("，", ",").split(",")
                     if a.strip()]
        if not name and not approvers:
            continue
        key = f"steps[{len(steps)}]"
        steps.append({"name": name, "approvers": approvers,
                      "mode": handler.get_body_argument(f"mode_{i}", "any"),
                      "when": parse_when(handler.get_body_argument(f"when_{i}", ""), key)})
    return steps


FIELD_LABELS = {"name": "环节名称", "approvers": "审批人规则", "mode": "多人时", "when": "条件"}


def error_lines(errors):
    """{"steps[1].approvers": "..."} → ["第 2 步审批人规则：..."] for the summary at the top."""
    import re
    out = []
    for key, message in errors.items():
        m = re.match(r"steps\[(\d+)\](?:\.(\w+))?$", key)
        if m:
            out.append(f"第 {int(m.group(1)) + 1} 步{FIELD_LABELS.get(m.group(2), '')}：{message}")
        else:
            out.append(str(message))
    return out


def editor_rows(steps):
    rows = [{"name": s.get("name", ""), "approvers": ", ".join(s.get("approvers") or []),
             "mode": s.get("mode", "any"), "when": when_text(s.get("when"))} for s in steps or []]
    return rows + [{"name": "", "approvers": "", "mode": "any", "when": ""} for _ in range(BLANK_ROWS)]


def steps_from_json(raw):
    """The picker editor's steps (a JSON list in `steps_json`); the engine checks the rest."""
    try:
        steps = json.loads(raw)
    except ValueError:
        steps = None
    if not isinstance(steps, list) or not all(isinstance(s, dict) for s in steps):
        raise Invalid("审批环节数据格式不正确，请刷新页面后重试", code="APPROVAL_FLOW_INVALID",
                      fields={"steps": "格式不正确"})
    return steps[:MAX_STEPS + 1]


class FlowsPage(AdminHandler):
    required = ("approval.flow.manage",)

    async def editor_config(self, kind, steps):
        choices = await approval_admin.editor_choices(actor=self.principal, steps=steps)
        types = await leave_rules.effective_types(self.principal.unit_id)
        return {"kind": kind, "steps": steps, "roles": choices["roles"],
                "staff": {str(k): v for k, v in choices["staff"].items()},
                "leave_types": [{"code": t.code, "name": t.name} for t in types.values()],
                "rules": [{"code": c, "label": label} for c, label in RULE_LABELS.items()],
                "modes": [{"code": m, "label": MODE_LABELS[m]} for m in MODES],
                "ops": [{"code": o, "label": OP_LABELS[o]} for o in OPS],
                "fields": KIND_FIELDS.get(kind, []), "max_steps": MAX_STEPS,
                "max_approvers": MAX_APPROVERS}

    async def render_flows(self, *, kind, rows=None, name=None, error=None, errors=None, status=200,
                           preview=None, preview_error=None, sample=None, draft=None):
        kinds = sorted((k, info) for k, info in approvals.KINDS.items() if info.listed)
        if kind not in dict(kinds):
            kind = "leave" if "leave" in dict(kinds) else kinds[0][0]
        flows = await approval_admin.list_flows(actor=self.principal, kind=kind)
        unit_id = self.principal.unit_id
        mine = [f for f in flows if f["active"] and f["unit_id"] == unit_id]
        national = [f for f in flows if f["active"] and f["unit_id"] is None and not f["builtin"]]
        builtin = [f for f in flows if f["builtin"]]
        current = (mine or national or builtin or [None])[0]
        history = [f for f in flows if not f["active"] and f["unit_id"] == unit_id]
        steps = draft if draft is not None else (current["steps"] if current else [])
        config = await self.editor_config(kind, steps)
        try:
            head_step = await approval_settings.get_settings(actor=self.principal,
                                                             unit_id=self.principal.unit_id)
        except ApiError:  # no reach over the whole unit: the setting is not theirs to see
            head_step = None
        self.set_status(status)
        await self.page("approvals/flows.html", kinds=kinds, kind=kind, current=current,
                        editor_json=dumps(config), leave_types=config["leave_types"],
                        error_list=error_lines(errors or {}),
                        source="本单位" if mine else ("全国" if national else "系统默认"),
                        history=history,
                        rows=rows if rows is not None else editor_rows(current["steps"] if current else []),
                        flow_name=name if name is not None else (current["name"] if current else ""),
                        rule_labels=RULE_LABELS, mode_labels=MODE_LABELS, ops=OPS,
                        context_fields=CONTEXT_FIELDS, error=error, errors=errors or {},
                        preview=preview, preview_error=preview_error, sample=sample or {},
                        head_step=head_step)


class FlowsHandler(FlowsPage):
    """审批流程：查看、编辑、预览。"""

    async def get(self):
        kind = self.get_query_argument("kind", "leave")
        sample = {k: self.get_query_argument(k, "").strip() for k in ("employee_no", "days", "leave_type", "hours")}
        preview = preview_error = None
        if sample["employee_no"]:
            try:
                preview = await self.preview(kind, sample)
            except ApiError as exc:
                preview_error = exc.message
        await self.render_flows(kind=kind, preview=preview, preview_error=preview_error, sample=sample)

    async def preview(self, kind, sample):
        rows, _ = await staff_service.list_staff(env=self.env, actor=self.principal,
                                                 q=sample["employee_no"], status="active", page_size=50)
        match = [r for r in rows if r["employee_no"] == sample["employee_no"]]
        if not match:
            raise Invalid("未找到该工号的在职人员（或不在您的管理范围内）", code="STAFF_NOT_FOUND")
        context = {}
        for key in ("days", "hours"):
            if sample[key]:
                try:
                    context[key] = float(sample[key])
                except ValueError:
                    raise Invalid(f"{CONTEXT_FIELDS[key]}应为数字", code="VALIDATION_FAILED") from None
        if sample["leave_type"]:
            context["leave_type"] = sample["leave_type"]
        steps = await approvals.preview_flow(actor=self.principal, kind=kind,
                                             applicant_id=match[0]["id"], context=context)
        return {"applicant": match[0], "steps": steps}


class FlowSaveHandler(FlowsPage):
    """保存本单位某类申请的审批流程（替换原有流程，留痕）。"""

    async def post(self):
        kind = self.get_body_argument("kind", "")
        name = self.get_body_argument("name", "").strip()
        draft = None
        try:
            raw = self.get_body_argument("steps_json", "")
            steps = draft = steps_from_json(raw) if raw else parse_steps(self)
            if not name:
                raise Invalid("请填写流程名称", code="APPROVAL_FLOW_INVALID", fields={"name": "必填"})
            if not steps:
                raise Invalid("至少需要一个审批环节", code="APPROVAL_FLOW_INVALID",
                              fields={"steps": "至少一个环节"})
            await approval_admin.create_flow(actor=self.principal, kind=kind, name=name[:100],
                                             steps=steps, unit_id=self.principal.unit_id)
        except ApiError as exc:
            rows = [{"name": self.get_body_argument(f"name_{i}", ""),
                     "approvers": self.get_body_argument(f"approvers_{i}", ""),
                     "mode": self.get_body_argument(f"mode_{i}", "any"),
                     "when": self.get_body_argument(f"when_{i}", "")}
                    for i in range(min(self.int_arg("rows", 0, body=True) or 0, 30))]
            await self.render_flows(kind=kind, rows=rows, name=name, error=exc.message,
                                    errors=exc.fields, status=exc.status, draft=draft)
            return
        self.flash("已保存审批流程，新提交的申请按新流程审批")
        self.redirect(f"/admin/approval-flows?kind={kind}")


class JsonEndpoint(AdminHandler):
    """A console endpoint the editor's script calls with fetch(): every error is the API's JSON
    envelope ({"error": {"code", "message", "fields"}}, the real status), whatever the Accept
    header says, instead of an HTML error page or a redirect to the sign-in page."""
    # Signing in is still required: prepare() refuses a missing or expired session with 401 JSON
    # (AdminHandler would answer a redirect to /admin/login, which fetch() follows to a page).
    allow_anonymous = True

    async def prepare(self):
        await super().prepare()
        if self.principal is None:
            raise Unauthorized("登录已过期，请重新登录后再试", code="AUTH_REQUIRED")

    def write_error(self, status_code, **kwargs):
        write_error_envelope(self, status_code, kwargs.get("exc_info"))


class FlowStaffSearchHandler(JsonEndpoint):
    """流程编辑器：按姓名或工号查找本单位在职人员（JSON）。"""
    required = ("approval.flow.manage",)

    async def get(self):
        q = self.get_query_argument("q", "").strip()[:30]
        if not q:
            self.write_json({"data": []})
            return
        rows, _ = await staff_service.list_staff(env=self.env, actor=self.principal, q=q,
                                                 status="active", page_size=20)
        self.write_json({"data": [
            {"id": r["id"], "name": r["name"], "employee_no": r.get("employee_no") or "",
             "department": (r.get("department") or {}).get("name", "")}
            for r in rows if (r.get("unit") or {}).get("id") == self.principal.unit_id]})


class FlowDraftPreviewHandler(JsonEndpoint):
    """流程编辑器：按尚未保存的环节预览某人的审批人（JSON）。"""
    required = ("approval.flow.manage",)

    async def post(self):
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise Invalid("请求格式不正确", code="VALIDATION_FAILED")
        employee_no = str(body.get("employee_no") or "").strip()[:30]
        if not employee_no:
            raise Invalid("请填写申请人工号", code="VALIDATION_FAILED", fields={"employee_no": "必填"})
        sample = {"employee_no": employee_no, "days": str(body.get("days") or "").strip(),
                  "hours": str(body.get("hours") or "").strip(),
                  "leave_type": str(body.get("leave_type") or "").strip()[:20]}
        rows, _ = await staff_service.list_staff(env=self.env, actor=self.principal, q=employee_no,
                                                 status="active", page_size=50)
        match = [r for r in rows if r["employee_no"] == employee_no]
        if not match:
            raise Invalid("未找到该工号的在职人员（或不在您的管理范围内）", code="STAFF_NOT_FOUND",
                          fields={"employee_no": "未找到"})
        context = {}
        for key in ("days", "hours"):
            if sample[key]:
                try:
                    context[key] = float(sample[key])
                except ValueError:
                    context[key] = math.nan
                if not math.isfinite(context[key]):   # "nan", "inf", "1e999" parse as floats
                    raise Invalid(f"{CONTEXT_FIELDS[key]}应为数字", code="VALIDATION_FAILED",
                                  fields={key: "应为数字"})
        if sample["leave_type"]:
            context["leave_type"] = sample["leave_type"]
        steps = body.get("steps")
        if not isinstance(steps, list):
            raise Invalid("审批环节数据格式不正确", code="APPROVAL_FLOW_INVALID", fields={"steps": "格式不正确"})
        plan = await approval_admin.preview_draft(actor=self.principal, kind=str(body.get("kind") or ""),
                                                  applicant_id=match[0]["id"], steps=steps,
                                                  context=context)
        dept = match[0].get("department") or {}
        self.write_json({"data": {"applicant": {"name": match[0]["name"], "department": dept.get("name", "")},
                                  "steps": plan}})


HEAD_STEP_HELP = {
    "group": "报备本单位领导班子（分管领导及主要负责人所在部门副职）：任一成员审阅即完成，全程留痕",
    "person": "由本单位指定的一名在职人员审批（不能是主要负责人本人）",
    "superior": "由上级机关的指定联系人审批（须为上级单位的在职人员）",
}


class HeadStepHandler(AdminHandler):
    """单位主要负责人本人申请的最终审批环节：报备领导班子、指定人员或上级机关联系人。"""
    required = ("approval.flow.manage",)

    def unit_id(self):
        return self.int_arg("unit_id", body=self.request.method == "POST") or self.principal.unit_id

    async def render_form(self, settings, *, error=None, errors=None, form=None, status=200):
        self.set_status(status)
        await self.page("approvals/head_step.html", settings=settings, modes=HEAD_STEP_NAMES,
                        help=HEAD_STEP_HELP, error=error, errors=errors or {}, form=form or {})

    async def get(self):
        settings = await approval_settings.get_settings(actor=self.principal, unit_id=self.unit_id())
        await self.render_form(settings, form={"head_step": settings["head_step"]})

    async def resolve_person(self, ref, unit_id, mode):
        """工号 of someone within the caller's staff reach, or #人员编号 (a superior organ's
        contact is usually outside it); the service decides whether the person may take the step."""
        if not ref:
            raise Invalid("请填写审批人的工号", code="HEAD_STEP_STAFF_INVALID",
                          fields={"staff_ref": "必填"})
        if ref.startswith("#") and ref[1:].isdigit() and len(ref) <= 13:
            return int(ref[1:])
        try:
            rows, _ = await staff_service.list_staff(env=self.env, actor=self.principal, q=ref[:30],
                                                     status="active", page_size=50)
        except ApiError:
            rows = []
        match = [r for r in rows if r.get("employee_no") == ref
                 and (mode != "person" or (r.get("unit") or {}).get("id") == unit_id)]
        if len(match) != 1:
            where = "本单位" if mode == "person" else "上级单位"
            raise Invalid(f"未找到工号为“{ref}”的{where}在职人员", code="HEAD_STEP_STAFF_INVALID",
                          fields={"staff_ref": "未找到" + ("，上级单位人员可填写 #人员编号" if mode == "superior" else "")})
        return match[0]["id"]

    async def post(self):
        unit_id = self.unit_id()
        settings = await approval_settings.get_settings(actor=self.principal, unit_id=unit_id)
        form = {"head_step": self.get_body_argument("head_step", ""),
                "staff_ref": self.get_body_argument("staff_ref", "").strip()[:40]}
        try:
            if form["head_step"] not in HEAD_STEP_NAMES:
                raise Invalid("请选择最终环节的方式", code="VALIDATION_FAILED",
                              fields={"head_step": "请选择"})
            staff_id = None
            if form["head_step"] in ("person", "superior"):
                staff_id = await self.resolve_person(form["staff_ref"], unit_id, form["head_step"])
            await approval_settings.save_settings(actor=self.principal, unit_id=unit_id,
                                                  head_step=form["head_step"],
                                                  head_step_staff_id=staff_id)
        except Invalid as exc:
            errors = dict(exc.fields or {})
            if "head_step_staff_id" in errors:
                errors["staff_ref"] = errors.pop("head_step_staff_id")
            await self.render_form(settings, error=exc.message, errors=errors, form=form,
                                   status=exc.status)
            return
        self.flash("已保存：单位主要负责人本人的申请按新设置走最终环节（已在审批中的申请不受影响）")
        self.redirect(f"/admin/approval-flows/head-step?unit_id={unit_id}")


default_handlers = [
    (r"/admin/approval-flows", FlowsHandler),
    (r"/admin/approval-flows/save", FlowSaveHandler),
    (r"/admin/approval-flows/staff", FlowStaffSearchHandler),
    (r"/admin/approval-flows/preview", FlowDraftPreviewHandler),
    (r"/admin/approval-flows/head-step", HeadStepHandler),
]
