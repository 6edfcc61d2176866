"""Binding requests page (绑定申请): the data checkers' queue with deadline colours, and resolve."""
import math
from typing import Literal

from admin.base import AdminHandler
from admin.forms import Form, parse_form
from handlers.contract import Id
from handlers.schemas.textrules import text
from server.errors import ApiError
from services import admin_auth
from services import binding as binding_service

PAGE_SIZE = 20
STATUS_LABELS = {"open": "待处理", "resolved": "已处理", "rejected": "已驳回", "all": "全部"}
CONFLICT_LABELS = {
    "bound_elsewhere": "微信已绑定其他人员", "ambiguous": "手机号对应多条记录",
    "no_record": "未找到人员记录", "record_bound_elsewhere": "人员记录已绑定其他微信",
}
ACTION_LABELS = {"rebind": "改绑到本微信", "unbind": "解除原绑定", "correct_record": "更正手机号并绑定",
                 "reject": "驳回"}
PROOF_LABELS = {"invite": "申请人已当面扫描该人员的绑定邀请码", "hr_confirmed": "人事专员已核实确认"}


class ResolveForm(Form):
    action: Literal[tuple(ACTION_LABELS)]
    staff_id: Id | None = None
    phone: text(11) | None = None
    note: text(200, min_length=0) = ""
    proof: Literal[tuple(PROOF_LABELS)] | None = None


class ConfirmForm(Form):
    staff_id: Id
    note: text(200)


def deadline_class(item, now_utc, today_end_utc):
    """overdue (red) / due-today (orange) / "" for an open request."""
    if item["status"] != "open":
        return ""
    deadline = item["deadline_at"]
    if deadline < now_utc:
        return "overdue"
    if deadline < today_end_utc:
        return "due-today"
    return ""


class BindingPage(AdminHandler):
    required = ("binding.view",)

    def colour(self, rows):
        from models.base import utcnow

        now = utcnow()
        end = admin_auth.local_day_end_utc(now)
        for r in rows:
            r["deadline_class"] = deadline_class(r, now, end)
        return rows


class BindingQueueHandler(BindingPage):
    """绑定申请队列。"""

    async def get(self):
        status = self.get_query_argument("status", "open")
        status = status if status in STATUS_LABELS else "open"
        page = max(1, self.int_arg("page", 1) or 1)
        rows, total = await binding_service.request_queue(env=self.env, actor=self.principal,
                                                          status=status, page=page,
                                                          page_size=PAGE_SIZE)
        await self.page("binding/index.html", rows=self.colour(rows), total=total, page=page,
                        pages=max(1, math.ceil(total / PAGE_SIZE)), status=status,
                        status_labels=STATUS_LABELS, conflicts=CONFLICT_LABELS)


class BindingDetailHandler(BindingPage):
    """绑定申请详情与处理。"""

    async def render_detail(self, request_id, *, error=None, errors=None, status=200):
        item = await binding_service.request_detail(env=self.env, actor=self.principal,
                                                    request_id=request_id)
        self.set_status(status)
        await self.page("binding/detail.html", item=self.colour([item])[0], error=error,
                        errors=errors or {}, conflicts=CONFLICT_LABELS, actions=ACTION_LABELS,
                        proofs=PROOF_LABELS)

    async def get(self, request_id):
        await self.render_detail(int(request_id))

    async def submit_form(self, request_id, model, fields, action):
        """Validate the form, run the service; a refusal re-renders the detail with its message.
        Returns False when it was refused."""
        try:
            body = parse_form(self, model, self.form_args(*fields)).model_dump()
            await action(env=self.env, actor=self.principal, request_id=request_id, **body)
        except ApiError as exc:
            if exc.status == 404:
                raise
            await self.render_detail(request_id, error=exc.message, errors=exc.fields,
                                     status=exc.status)
            return False
        return True

    async def post(self, request_id):
        request_id = int(request_id)
        self.principal.require("binding.resolve")
        if await self.submit_form(request_id, ResolveForm, ("action", "staff_id", "phone", "note", "proof"),
                                  binding_service.resolve_request):
            self.flash("已处理该绑定申请")
            self.redirect("/admin/binding")


class BindingConfirmHandler(BindingDetailHandler):
    """人事核实绑定申请人身份（未验证申请改绑前的第二证明）。"""

    async def get(self, request_id):
        self.redirect(f"/admin/binding/{int(request_id)}")

    async def post(self, request_id):
        request_id = int(request_id)
        self.principal.require("staff.manage")
        if await self.submit_form(request_id, ConfirmForm, ("staff_id", "note"),
                                  binding_service.confirm_request):
            self.flash("已记录人事核实")
            self.redirect(f"/admin/binding/{request_id}")


default_handlers = [
    (r"/admin/binding", BindingQueueHandler),
    (r"/admin/binding/(\d{1,12})", BindingDetailHandler),
    (r"/admin/binding/(\d{1,12})/confirm", BindingConfirmHandler),
]
