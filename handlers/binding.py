"""WeChat binding: bind by phone or invite (with the login ticket), binding requests for conflicts
(applicant side with the ticket, data-checker side signed in), invite QR codes, unbinding."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas import binding as s
from services import binding, binding_requests, wechat_login


class BindPhoneHandler(ApiHandler):
    """手机号绑定：用微信手机号授权凭证匹配人员记录并绑定。"""
    allow_anonymous = True

    @api(body=s.BindPhone, response=s.SignedIn)
    async def post(self, *, body):
        self.write_data(await wechat_login.bind_by_phone(
            env=self.env, ticket=body.ticket, phone_code=body.phone_code,
            ip=self.client_ip, request_id=self.request_id))


class BindInviteHandler(ApiHandler):
    """邀请码绑定：扫描管理员打印的一次性邀请二维码完成绑定。"""
    allow_anonymous = True

    @api(body=s.BindInvite, response=s.SignedIn)
    async def post(self, *, body):
        self.write_data(await binding.bind_by_invite(
            env=self.env, ticket=body.ticket, invite=body.invite,
            ip=self.client_ip, request_id=self.request_id))


class BindingRequestListHandler(ApiHandler):
    """绑定申请：提交申请（POST）与查看本微信提交的申请进度（GET ?ticket=）。"""
    allow_anonymous = True

    @api(query=s.TicketQuery, response=list[s.ApplicantRequestOut])
    async def get(self, *, query):
        """本微信提交的绑定申请及进度。"""
        self.write_data(await binding_requests.my_requests(env=self.env, ticket=query.ticket))

    @api(body=s.BindingRequestCreate, response=s.ApplicantRequestOut, status=201)
    async def post(self, *, body):
        """提交绑定申请（由数据核验员处理）。"""
        created = await binding_requests.create_request(
            env=self.env, ticket=body.ticket, conflict=body.conflict, name=body.name,
            employee_no=body.employee_no, note=body.note, ip=self.client_ip,
            request_id=self.request_id, now=self.now())
        self.write_data(created, status=201)


class BindingQueueHandler(ApiHandler):
    """绑定申请待办（数据核验员）：?status=open|resolved|rejected|all，含超时标记。"""

    @api(query=s.BindingQueueQuery, response=list[s.CheckerRequestOut], paged=True)
    async def get(self, *, query):
        rows, total = await binding_requests.request_queue(
            env=self.env, actor=self.principal, status=query.status, page=query.page,
            page_size=query.page_size)
        self.write_data(rows, page=query.page, total=total)


class BindingRequestHandler(ApiHandler):
    """绑定申请详情（数据核验员）。"""

    @api(response=s.CheckerRequestDetailOut)
    async def get(self, request_id):
        self.write_data(await binding_requests.request_detail(
            env=self.env, actor=self.principal, request_id=int(request_id)))


class BindingResolveHandler(ApiHandler):
    """处理绑定申请：改绑、解绑原微信、更正手机号后绑定或驳回（未经手机号验证的须另附证明 proof）；同一步可清除或更正冲突涉及的其他记录的手机号（others）。"""

    @api(body=s.BindingResolve, response=s.CheckerRequestDetailOut)
    async def post(self, request_id, *, body):
        self.write_data(await binding_requests.resolve_request(
            env=self.env, actor=self.principal, request_id=int(request_id), **body.model_dump()))


class BindingConfirmHandler(ApiHandler):
    """人事核实绑定申请：记录申请人确为某人员（供未验证申请改绑时作为第二证明）。"""

    @api(body=s.BindingConfirm, response=s.CheckerRequestDetailOut, status=201)
    async def post(self, request_id, *, body):
        self.write_data(await binding_requests.confirm_request(
            env=self.env, actor=self.principal, request_id=int(request_id), **body.model_dump()),
            status=201)


class StaffInviteHandler(ApiHandler):
    """生成人员绑定邀请码（一次性，默认 7 天有效，可传 days；生成新码即作废旧码）。"""

    @api(body=s.InviteCreate, response=s.InviteOut, status=201)
    async def post(self, staff_id, *, body):
        self.write_data(await binding.issue_invite(env=self.env, actor=self.principal,
                                                   staff_id=int(staff_id), ttl_days=body.days),
                        status=201)


class StaffInvitePngHandler(ApiHandler):
    """绑定邀请二维码图片（PNG，供打印）。"""

    @api(query=s.InvitePngQuery, produces="image/png")
    async def get(self, staff_id, *, query):
        png = await binding.invite_png(env=self.env, actor=self.principal,
                                       staff_id=int(staff_id), text=query.invite)
        self.set_header("Content-Type", "image/png")
        self.finish(png)


class UnbindMeHandler(ApiHandler):
    """解除本人微信绑定：清除绑定并退出全部登录。"""

    @api(body=s.NoBody, response=s.UnbindOut)
    async def post(self, *, body):
        self.write_data(await wechat_login.unbind_me(env=self.env, actor=self.principal))


default_handlers = [
    (r"/api/binding/phone", BindPhoneHandler),
    (r"/api/binding/invite", BindInviteHandler),
    (r"/api/binding/requests", BindingRequestListHandler),
    (r"/api/binding/requests/queue", BindingQueueHandler),
    (r"/api/binding/requests/(\d{1,12})", BindingRequestHandler),
    (r"/api/binding/requests/(\d{1,12})/resolve", BindingResolveHandler),
    (r"/api/binding/requests/(\d{1,12})/confirm", BindingConfirmHandler),
    (r"/api/staff/(\d{1,12})/invite", StaffInviteHandler),
    (r"/api/staff/(\d{1,12})/invite\.png", StaffInvitePngHandler),
    (r"/api/me/unbind", UnbindMeHandler),
]
