"""Approvals over HTTP: the four boxes, detail with timeline, actions, batch approve, flows, delegations."""
from handlers.base import ApiHandler
from server.errors import Invalid
from server.validate import Bool, Date, Dict, Int, List, Str, validate
from services import approval_admin, approvals


def _int_arg(handler, name, required=True):
    value = handler.query(name)
    if value in (None, ""):
        if required:
            raise Invalid(f"缺少参数 {name}", code="VALIDATION_FAILED", fields={name: "必填"})
        return None
    try:
        return int(value)
    except ValueError:
        raise Invalid(f"{name} 应为整数", code="VALIDATION_FAILED", fields={name: "应为整数"}) from None


class ApprovalListHandler(ApiHandler):
    """审批列表：待我审批 / 我已审批 / 抄送我的 / 我发起的。"""

    async def get(self):
        page, size = self.page_args()
        rows, total = await approvals.inbox(actor=self.principal, box=self.query("box", "waiting"),
                                            kind=self.query("kind") or None, page=page, page_size=size)
        self.write_data(rows, page=page, total=total)


class ApprovalHandler(ApiHandler):
    """审批详情（含完整审批时间线）。"""

    async def get(self, instance_id):
        self.write_data(await approvals.get_instance(actor=self.principal, instance_id=int(instance_id)))


class ApprovalActionHandler(ApiHandler):
    """审批操作：同意、驳回、退回修改、撤回、转交、评论、抄送。"""

    async def post(self, instance_id):
        body = validate(self.json_body(), {
            "action": Str(max_len=20, choices=approvals.ACTIONS),
            "comment": Str(required=False, default="", max_len=500),
            "to_staff_id": Int(required=False, nullable=True),
            "version": Int(required=False, nullable=True),
        })
        self.write_data(await approvals.act(
            env=self.env, actor=self.principal, instance_id=int(instance_id), action=body["action"],
            comment=body["comment"], to_staff_id=body["to_staff_id"], version=body["version"]))


class ApprovalResubmitHandler(ApiHandler):
    """被退回的申请重新提交。"""

    async def post(self, instance_id):
        self.write_data(await approvals.resubmit(env=self.env, actor=self.principal,
                                                 instance_id=int(instance_id)))


class ApprovalBatchHandler(ApiHandler):
    """批量同意：逐条返回处理结果。"""

    async def post(self):
        body = validate(self.json_body(), {
            "ids": List(Int(min_value=1), min_items=1, max_items=100),
            "action": Str(choices=("approve",)),
            "comment": Str(required=False, default="", max_len=500),
        })
        results = await approvals.batch_approve(env=self.env, actor=self.principal,
                                                ids=body["ids"], comment=body["comment"])
        self.write_data(results)


class ApprovalCountHandler(ApiHandler):
    """待我审批的数量（首页卡片）。"""

    async def get(self):
        self.write_data({"waiting": await approvals.waiting_count(actor=self.principal)})


FLOW_SCHEMA = {
    "kind": Str(max_len=40),
    "name": Str(max_len=100),
    "steps": List(Dict(), min_items=1, max_items=20),
    "unit_id": Int(required=False, nullable=True),
    "national": Bool(required=False, default=False),
}


class FlowListHandler(ApiHandler):
    """审批流程列表（按类型、单位）；新建流程。"""

    async def get(self):
        self.write_data(await approval_admin.list_flows(actor=self.principal,
                                                        kind=self.query("kind") or None))

    async def post(self):
        body = validate(self.json_body(), FLOW_SCHEMA)
        self.write_data(await approval_admin.create_flow(actor=self.principal, **body), status=201)


class FlowHandler(ApiHandler):
    """修改审批流程（名称、环节、启用状态）。"""

    async def put(self, flow_id):
        body = validate(self.json_body(), {
            "name": Str(required=False, max_len=100),
            "steps": List(Dict(), required=False, min_items=1, max_items=20),
            "active": Bool(required=False),
            "version": Int(required=False, nullable=True),
        })
        self.write_data(await approval_admin.update_flow(actor=self.principal, flow_id=int(flow_id),
                                                         **body))


class FlowPreviewHandler(ApiHandler):
    """预览某人某类申请将经过的审批环节与审批人。"""

    async def get(self):
        kind = self.query("kind") or "leave"
        applicant_id = _int_arg(self, "applicant_id", required=False) or self.principal.id
        context = {}
        days = self.query("days")
        if days not in (None, ""):
            try:
                context["days"] = float(days)
            except ValueError:
                raise Invalid("days 应为数字", code="VALIDATION_FAILED", fields={"days": "应为数字"}) from None
        for key in ("leave_type", "type"):
            if self.query(key):
                context["leave_type"] = self.query(key)
        self.write_data(await approvals.preview_flow(actor=self.principal, kind=kind,
                                                     applicant_id=applicant_id, context=context))


class DelegationListHandler(ApiHandler):
    """我的审批委托（委托他人与受托）；新建委托。"""

    async def get(self):
        self.write_data(await approval_admin.list_delegations(actor=self.principal))

    async def post(self):
        body = validate(self.json_body(), {"delegate_id": Int(), "start": Date(), "end": Date()})
        self.write_data(await approval_admin.create_delegation(actor=self.principal, **body), status=201)


class DelegationHandler(ApiHandler):
    """撤销审批委托。"""

    async def delete(self, delegation_id):
        self.write_data(await approval_admin.revoke_delegation(actor=self.principal,
                                                               delegation_id=int(delegation_id)))


default_handlers = [
    (r"/api/approvals", ApprovalListHandler),
    (r"/api/approvals/count", ApprovalCountHandler),
    (r"/api/approvals/batch", ApprovalBatchHandler),
    (r"/api/approvals/delegations", DelegationListHandler),
    (r"/api/approvals/delegations/(\d{1,12})", DelegationHandler),
    (r"/api/approvals/(\d{1,12})", ApprovalHandler),
    (r"/api/approvals/(\d{1,12})/actions", ApprovalActionHandler),
    (r"/api/approvals/(\d{1,12})/resubmit", ApprovalResubmitHandler),
    (r"/api/approval-flows", FlowListHandler),
    (r"/api/approval-flows/preview", FlowPreviewHandler),
    (r"/api/approval-flows/(\d{1,12})", FlowHandler),
]
