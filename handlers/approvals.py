"""Approvals over HTTP: the four boxes, detail with timeline, actions, batch approve, flows, delegations."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas import approvals as s
from services import approval_admin, approvals


class ApprovalListHandler(ApiHandler):
    """审批列表：待我审批 / 我已审批 / 抄送我的 / 我发起的。"""

    @api(query=s.ApprovalListQuery, response=list[s.ApprovalOut], paged=True)
    async def get(self, *, query):
        rows, total = await approvals.inbox(actor=self.principal, box=query.box, kind=query.kind,
                                            page=query.page, page_size=query.page_size, q=query.q)
        self.write_data(rows, page=query.page, total=total)


class ApprovalHandler(ApiHandler):
    """审批详情（含完整审批时间线）。"""

    @api(response=s.ApprovalDetailOut)
    async def get(self, instance_id):
        self.write_data(await approvals.get_instance(actor=self.principal, instance_id=int(instance_id)))


class ApprovalActionHandler(ApiHandler):
    """审批操作：同意、驳回、退回修改、撤回、转交、评论、抄送。"""

    @api(body=s.ApprovalAction, response=s.ApprovalDetailOut)
    async def post(self, instance_id, *, body):
        self.write_data(await approvals.act(
            env=self.env, actor=self.principal, instance_id=int(instance_id), action=body.action,
            comment=body.comment, to_staff_id=body.to_staff_id, version=body.version))


class ApprovalResubmitHandler(ApiHandler):
    """被退回的申请重新提交。"""

    @api(response=s.ApprovalDetailOut)
    async def post(self, instance_id):
        self.write_data(await approvals.resubmit(env=self.env, actor=self.principal,
                                                 instance_id=int(instance_id)))


class ApprovalBatchHandler(ApiHandler):
    """批量同意：逐条返回处理结果。"""

    @api(body=s.ApprovalBatch, response=list[s.ApprovalBatchResultOut])
    async def post(self, *, body):
        self.write_data(await approvals.batch_approve(env=self.env, actor=self.principal,
                                                      ids=list(body.ids), comment=body.comment))


class ApprovalCountHandler(ApiHandler):
    """待我审批的数量（首页卡片）。"""

    @api(response=s.ApprovalCountOut)
    async def get(self):
        self.write_data({"waiting": await approvals.waiting_count(actor=self.principal)})


class FlowListHandler(ApiHandler):
    """审批流程列表（按类型、单位）；新建流程。"""

    @api(query=s.FlowListQuery, response=list[s.FlowOut])
    async def get(self, *, query):
        """审批流程列表（含未自定义类型的系统默认流程）。"""
        self.write_data(await approval_admin.list_flows(actor=self.principal, kind=query.kind))

    @api(body=s.FlowCreate, response=s.FlowOut, status=201)
    async def post(self, *, body):
        """新建审批流程（替换同类型、同单位的现行流程）。"""
        self.write_data(await approval_admin.create_flow(actor=self.principal, **body.model_dump()),
                        status=201)


class FlowHandler(ApiHandler):
    """修改审批流程（名称、环节、启用状态）。"""

    @api(body=s.FlowUpdate, response=s.FlowOut)
    async def put(self, flow_id, *, body):
        self.write_data(await approval_admin.update_flow(actor=self.principal, flow_id=int(flow_id),
                                                         **body.model_dump()))


class FlowPreviewHandler(ApiHandler):
    """预览某人某类申请将经过的审批环节与审批人。"""

    @api(query=s.FlowPreviewQuery, response=list[s.FlowPreviewStepOut])
    async def get(self, *, query):
        context = {}
        if query.days is not None:
            context["days"] = query.days
        if query.leave_type or query.type:
            context["leave_type"] = query.type or query.leave_type
        self.write_data(await approvals.preview_flow(
            actor=self.principal, kind=query.kind, applicant_id=query.applicant_id or self.principal.id,
            context=context))


class DelegationListHandler(ApiHandler):
    """我的审批委托（委托他人与受托）；新建委托。"""

    @api(response=list[s.DelegationOut])
    async def get(self):
        """我的审批委托（委托他人与受托）。"""
        self.write_data(await approval_admin.list_delegations(actor=self.principal))

    @api(body=s.DelegationCreate, response=s.DelegationCreatedOut, status=201)
    async def post(self, *, body):
        """新建审批委托（覆盖今天时，已在等待的审批一并转给受托人）。"""
        self.write_data(await approval_admin.create_delegation(actor=self.principal,
                                                               **body.model_dump()), status=201)


class DelegationHandler(ApiHandler):
    """撤销审批委托。"""

    @api(response=s.DelegationRevokedOut)
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
