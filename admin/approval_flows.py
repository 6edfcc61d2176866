"""Approval flow pages (审批流程): one flow per kind and unit, a steps editor (approver rules, any/all,
conditions), and a preview of who would approve for a sample applicant. services/approval_admin.py
and services/approvals.py enforce approval.flow.manage and the unit scope."""
from admin.base import AdminHandler
from server.errors import ApiError, Invalid
from services import approval_admin, approvals
from services import staff as staff_service
from services.approval_rules import OPS, RULE_LABELS

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


class FlowsPage(AdminHandler):
    required = ("approval.flow.manage",)

    async def render_flows(self, *, kind, rows=None, name=None, error=None, errors=None, status=200,
                           preview=None, preview_error=None, sample=None):
        kinds = sorted(approvals.KINDS.items())
        if kind not in approvals.KINDS:
            kind = "leave" if "leave" in approvals.KINDS else kinds[0][0]
        flows = await approval_admin.list_flows(actor=self.principal, kind=kind)
        unit_id = self.principal.unit_id
        mine = [f for f in flows if f["active"] and f["unit_id"] == unit_id]
        national = [f for f in flows if f["active"] and f["unit_id"] is None and not f["builtin"]]
        builtin = [f for f in flows if f["builtin"]]
        current = (mine or national or builtin or [None])[0]
        history = [f for f in flows if not f["active"] and f["unit_id"] == unit_id]
        self.set_status(status)
        await self.page("approvals/flows.html", kinds=kinds, kind=kind, current=current,
                        error_list=error_lines(errors or {}),
                        source="本单位" if mine else ("全国" if national else "系统默认"),
                        history=history,
                        rows=rows if rows is not None else editor_rows(current["steps"] if current else []),
                        flow_name=name if name is not None else (current["name"] if current else ""),
                        rule_labels=RULE_LABELS, mode_labels=MODE_LABELS, ops=OPS,
                        context_fields=CONTEXT_FIELDS, error=error, errors=errors or {},
                        preview=preview, preview_error=preview_error, sample=sample or {})


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
        try:
            steps = parse_steps(self)
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
                                    errors=exc.fields, status=exc.status)
            return
        self.flash("已保存审批流程，新提交的申请按新流程审批")
        self.redirect(f"/admin/approval-flows?kind={kind}")


default_handlers = [
    (r"/admin/approval-flows", FlowsHandler),
    (r"/admin/approval-flows/save", FlowSaveHandler),
]
