"""WeChat binding: bind by phone or invite (with the login ticket), binding requests for conflicts
(applicant side with the ticket, data-checker side signed in), invite QR codes, unbinding."""
from handlers.base import ApiHandler
from server.validate import Int, Str, validate
from services import binding, wechat_login

TICKET = Str(max_len=200)
CONFLICTS = ("bound_elsewhere", "ambiguous", "no_record", "record_bound_elsewhere")


class BindPhoneHandler(ApiHandler):
    """手机号绑定：用微信手机号授权凭证匹配人员记录并绑定。"""
    allow_anonymous = True

    async def post(self):
        body = validate(self.json_body(), {"ticket": TICKET, "phone_code": Str(max_len=128)})
        self.write_data(await wechat_login.bind_by_phone(
            env=self.env, ticket=body["ticket"], phone_code=body["phone_code"],
            ip=self.client_ip, request_id=self.request_id))


class BindInviteHandler(ApiHandler):
    """邀请码绑定：扫描管理员打印的一次性邀请二维码完成绑定。"""
    allow_anonymous = True

    async def post(self):
        body = validate(self.json_body(), {"ticket": TICKET, "invite": Str(max_len=300)})
        self.write_data(await binding.bind_by_invite(
            env=self.env, ticket=body["ticket"], invite=body["invite"],
            ip=self.client_ip, request_id=self.request_id))


class BindingRequestListHandler(ApiHandler):
    """绑定申请：提交申请（POST）与查看本微信提交的申请进度（GET ?ticket=）。"""
    allow_anonymous = True

    async def get(self):
        args = validate({"ticket": self.query("ticket")}, {"ticket": TICKET})
        self.write_data(await binding.my_requests(env=self.env, ticket=args["ticket"]))

    async def post(self):
        body = validate(self.json_body(), {
            "ticket": TICKET,
            "conflict": Str(max_len=30, choices=CONFLICTS),
            "name": Str(max_len=50),
            "employee_no": Str(required=False, default="", max_len=32),
            "note": Str(required=False, default="", max_len=500),
        })
        created = await binding.create_request(
            env=self.env, ticket=body["ticket"], conflict=body["conflict"], name=body["name"],
            employee_no=body["employee_no"], note=body["note"], ip=self.client_ip,
            request_id=self.request_id)
        self.write_data(created, status=201)


class BindingQueueHandler(ApiHandler):
    """绑定申请待办（数据核验员）：?status=open|resolved|rejected|all，含超时标记。"""

    async def get(self):
        args = validate({"status": self.query("status", "open")}, {
            "status": Str(max_len=10, choices=("open", "resolved", "rejected", "all"))})
        page, size = self.page_args()
        rows, total = await binding.request_queue(env=self.env, actor=self.principal,
                                                  status=args["status"], page=page, page_size=size)
        self.write_data(rows, page=page, total=total)


class BindingRequestHandler(ApiHandler):
    """绑定申请详情（数据核验员）。"""

    async def get(self, request_id):
        self.write_data(await binding.request_detail(env=self.env, actor=self.principal,
                                                     request_id=int(request_id)))


class BindingResolveHandler(ApiHandler):
    """处理绑定申请：改绑、解绑原微信、更正手机号后绑定或驳回（未经手机号验证的须另附证明 proof）。"""

    async def post(self, request_id):
        body = validate(self.json_body(), {
            "action": Str(max_len=20, choices=binding.ACTIONS),
            "staff_id": Int(required=False, min_value=1, max_value=10**12),
            "phone": Str(required=False, max_len=20),
            "note": Str(required=False, default="", max_len=300),
            "proof": Str(required=False, max_len=20, choices=binding.PROOFS),
        })
        self.write_data(await binding.resolve_request(
            env=self.env, actor=self.principal, request_id=int(request_id), **body))


class BindingConfirmHandler(ApiHandler):
    """人事核实绑定申请：记录申请人确为某人员（供未验证申请改绑时作为第二证明）。"""

    async def post(self, request_id):
        body = validate(self.json_body(), {
            "staff_id": Int(min_value=1, max_value=10**12),
            "note": Str(max_len=300),
        })
        self.write_data(await binding.confirm_request(
            env=self.env, actor=self.principal, request_id=int(request_id), **body), status=201)


class StaffInviteHandler(ApiHandler):
    """生成人员绑定邀请码（一次性，默认 7 天有效，可传 days；生成新码即作废旧码）。"""

    async def post(self, staff_id):
        body = validate(self.json_body(), {
            "days": Int(required=False, default=binding.INVITE_TTL_DAYS, min_value=1, max_value=30)})
        self.write_data(await binding.issue_invite(env=self.env, actor=self.principal,
                                                   staff_id=int(staff_id), ttl_days=body["days"]),
                        status=201)


class StaffInvitePngHandler(ApiHandler):
    """绑定邀请二维码图片（PNG，供打印）。"""

    async def get(self, staff_id):
        args = validate({"invite": self.query("invite")}, {"invite": Str(max_len=300)})
        png = await binding.invite_png(env=self.env, actor=self.principal,
                                       staff_id=int(staff_id), text=args["invite"])
        self.set_header("Content-Type", "image/png")
        self.finish(png)


class UnbindMeHandler(ApiHandler):
    """解除本人微信绑定：清除绑定并退出全部登录。"""

    async def post(self):
        self.json_body()
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
