"""Leave over HTTP: quote, requests, report-back, balances, types, the report, attachments."""

from handlers.base import ApiHandler
from handlers.contract import CSV, XLSX, api
from handlers.schemas import leave as s
from server.errors import Invalid
from services import attachments, leave, leave_balances, leave_rules


class LeaveQuoteHandler(ApiHandler):
    """请假试算：将扣除的天数、剩余余额与日历提示。"""

    @api(query=s.LeaveQuoteQuery, response=s.QuoteOut)
    async def get(self, *, query):
        self.write_data(await leave.quote(
            actor=self.principal, type_code=query.type, start=query.start,
            start_half=query.start_half, end=query.end, end_half=query.end_half, now=self.now()))


class LeaveRequestListHandler(ApiHandler):
    """请假申请：我的（mine=1）或管理范围内的列表；提交请假。"""

    @api(query=s.LeaveListQuery, response=list[s.LeaveRequestOut], paged=True)
    async def get(self, *, query):
        """请假申请列表：我的（mine=1，缺省）或管理范围内的（mine=0）。"""
        rows, total = await leave.list_requests(
            actor=self.principal, mine=query.mine, staff_id=query.staff_id, status=query.status,
            year=query.year, page=query.page, page_size=query.page_size)
        self.write_data(rows, page=query.page, total=total)

    @api(body=s.LeaveCreate, response=s.LeaveRequestOut, status=201)
    async def post(self, *, body):
        """提交请假（进入审批，预占余额）。"""
        self.write_data(await leave.submit_leave(
            env=self.env, actor=self.principal, type_code=body.type, start=body.start,
            start_half=body.start_half, end=body.end, end_half=body.end_half,
            reason=body.reason, now=self.now()), status=201)


class LeaveRequestHandler(ApiHandler):
    """请假申请详情。"""

    @api(response=s.LeaveRequestOut)
    async def get(self, request_id):
        self.write_data(await leave.get_request(actor=self.principal, request_id=int(request_id)))


class LeaveResubmitHandler(ApiHandler):
    """退回修改后重新提交：可改假期类型、日期、上下午与事由（未填的保持不变）。"""

    @api(body=s.LeaveResubmit, response=s.LeaveRequestOut)
    async def post(self, request_id, *, body):
        self.write_data(await leave.resubmit_leave(
            env=self.env, actor=self.principal, request_id=int(request_id), type_code=body.type,
            start=body.start, start_half=body.start_half, end=body.end,
            end_half=body.end_half, reason=body.reason, now=self.now()))


class LeaveReportBackHandler(ApiHandler):
    """销假：提前返岗，未休天数退回余额。"""

    @api(body=s.LeaveReportBack, response=s.LeaveRequestOut)
    async def post(self, request_id, *, body):
        self.write_data(await leave.report_back(env=self.env, actor=self.principal,
                                                request_id=int(request_id), date=body.date,
                                                half=body.half))


class LeaveBalanceListHandler(ApiHandler):
    """假期余额（本人或管理范围内的某人）。"""

    @api(query=s.BalanceQuery, response=list[s.BalanceOut])
    async def get(self, *, query):
        today = leave.request_day(self.now())
        self.write_data(await leave.balances(actor=self.principal, year=query.year or today.year,
                                             staff_id=query.staff_id, now=self.now()))


class LeaveBalanceAdjustHandler(ApiHandler):
    """人事调整假期余额（须填写原因，留痕）。"""

    @api(body=s.BalanceAdjust, response=s.BalanceOut)
    async def post(self, balance_id, *, body):
        self.write_data(await leave.adjust_balance(actor=self.principal, balance_id=int(balance_id),
                                                   delta=body.delta, reason=body.reason))


class LeaveTypeListHandler(ApiHandler):
    """本单位可用的假期类型；新建（覆盖）本单位假期类型。"""

    @api(query=s.LeaveTypeListQuery, response=list[s.LeaveTypeOut])
    async def get(self, *, query):
        """本单位可用的假期类型（?all=1 含已停用）。"""
        types = await leave_rules.effective_types(self.principal.unit_id,
                                                  include_inactive=query.all)
        self.write_data([leave_rules.type_out(t) for t in types.values()])

    @api(body=s.LeaveTypeCreate, response=s.LeaveTypeOut, status=201)
    async def post(self, *, body):
        """新建（覆盖）本单位假期类型。"""
        self.write_data(await leave_rules.create_type(actor=self.principal, **body.model_dump()),
                        status=201)


class LeaveTypeHandler(ApiHandler):
    """修改假期类型。"""

    @api(body=s.LeaveTypeUpdate, response=s.LeaveTypeOut)
    async def patch(self, type_id, *, body):
        self.write_data(await leave_rules.update_type(actor=self.principal, type_id=int(type_id),
                                                      **body.model_dump()))


class LeaveReportHandler(ApiHandler):
    """请假统计（按部门、月份、假期类型），可导出 CSV / XLSX。"""

    @api(query=s.LeaveReportQuery, response=list[s.LeaveReportRow], downloads=(CSV, XLSX))
    async def get(self, *, query):
        args = {"actor": self.principal, "year": query.year, "month": query.month,
                "department_id": query.department_id}
        if query.format == "json":
            self.write_data(await leave.report(**args))
            return
        self.send_file(*await leave.export_report(**args, format=query.format))


class LeaveAttachmentListHandler(ApiHandler):
    """上传请假附件（JPG/PNG/PDF，multipart 字段 file）。"""

    # The multipart field is read here: a form body model would be parsed as JSON by the contract.
    @api(response=s.AttachmentOut, status=201, form=True)
    async def post(self, request_id):
        files = self.request.files.get("file") or []
        if not files:
            raise Invalid("请选择文件", code="ATTACHMENT_EMPTY", fields={"file": "必填"})
        f = files[0]
        self.write_data(await attachments.save_attachment(
            env=self.env, actor=self.principal, owner_type="leave_request", owner_id=int(request_id),
            filename=f.filename, body=f.body), status=201)


class AttachmentHandler(ApiHandler):
    """下载附件（仅限可查看该申请的人员）。"""

    @api(produces="application/pdf", downloads=("image/jpeg", "image/png"))
    async def get(self, attachment_id):
        row, data = await attachments.open_attachment(env=self.env, actor=self.principal,
                                                      attachment_id=int(attachment_id))
        self.set_header("Content-Security-Policy", "default-src 'none'; sandbox")
        self.send_file(data, row.filename, row.content_type)


class LeaveBalanceTableHandler(ApiHandler):
    """假期余额表：管理范围内人员的余额（按部门、姓名排序），可筛选、分页，导出 XLSX。"""

    @api(query=s.BalanceTableQuery, response=list[s.BalanceTableRow], paged=True,
         extra={"totals": s.BalanceTableTotals}, downloads=(XLSX,))
    async def get(self, *, query):
        args = {"actor": self.principal, "year": query.year or leave.local_today().year,
                "department_id": query.department_id, "type_code": query.type_code,
                "below": query.below}
        if query.format == "xlsx":
            self.send_file(*await leave_balances.export_table(**args))
            return
        rows, total, totals = await leave_balances.balance_table(**args, page=query.page,
                                                                  page_size=query.page_size)
        self.write_data(rows, page=query.page, total=total, totals=totals)


class LeaveBalanceFillHandler(ApiHandler):
    """生成某年度管理范围内全部在职人员的假期余额记录（已有的刷新应享天数）。"""

    @api(body=s.BalanceFill, response=s.BalanceFillOut)
    async def post(self, *, body):
        year = body.year or leave.local_today().year
        self.write_data({"year": year, "people": await leave_balances.fill_year(actor=self.principal,
                                                                               year=year)})


default_handlers = [
    (r"/api/leave/balances/table", LeaveBalanceTableHandler),
    (r"/api/leave/balances/fill", LeaveBalanceFillHandler),
    (r"/api/leave/quote", LeaveQuoteHandler),
    (r"/api/leave/requests", LeaveRequestListHandler),
    (r"/api/leave/requests/(\d{1,12})", LeaveRequestHandler),
    (r"/api/leave/requests/(\d{1,12})/resubmit", LeaveResubmitHandler),
    (r"/api/leave/requests/(\d{1,12})/report-back", LeaveReportBackHandler),
    (r"/api/leave/requests/(\d{1,12})/attachments", LeaveAttachmentListHandler),
    (r"/api/leave/balances", LeaveBalanceListHandler),
    (r"/api/leave/balances/(\d{1,12})/adjust", LeaveBalanceAdjustHandler),
    (r"/api/leave/types", LeaveTypeListHandler),
    (r"/api/leave/types/(\d{1,12})", LeaveTypeHandler),
    (r"/api/leave/report", LeaveReportHandler),
    (r"/api/attachments/(\d{1,12})", AttachmentHandler),
]
