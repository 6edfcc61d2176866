"""Leave over HTTP: quote, requests, report-back, balances, types, the report, attachments."""
import datetime

from handlers.base import ApiHandler
from server.errors import Invalid
from server.validate import Bool, Date, Dict, Float, Int, Str, validate
from services import attachments, leave, leave_rules


def _arg(handler, name, kind, required=True, default=None):
    value = handler.query(name)
    if value in (None, ""):
        if required:
            raise Invalid(f"缺少参数 {name}", code="VALIDATION_FAILED", fields={name: "必填"})
        return default
    try:
        if kind == "date":
            return datetime.date.fromisoformat(value)
        return int(value)
    except ValueError:
        raise Invalid(f"参数 {name} 格式不正确", code="VALIDATION_FAILED",
                      fields={name: "应为日期 YYYY-MM-DD" if kind == "date" else "应为整数"}) from None


HALF = Str(required=False, default=None, choices=("am", "pm"))


class LeaveQuoteHandler(ApiHandler):
    """请假试算：将扣除的天数、剩余余额与日历提示。"""

    async def get(self):
        body = validate({k: self.query(k) for k in ("start_half", "end_half") if self.query(k)},
                        {"start_half": HALF, "end_half": HALF})
        self.write_data(await leave.quote(
            actor=self.principal, type_code=self.query("type", ""),
            start=_arg(self, "start", "date"), start_half=body["start_half"] or "am",
            end=_arg(self, "end", "date"), end_half=body["end_half"] or "pm"))


class LeaveRequestListHandler(ApiHandler):
    """请假申请：我的（mine=1）或管理范围内的列表；提交请假。"""

    async def get(self):
        page, size = self.page_args()
        mine = self.query("mine", "1") not in ("0", "false")
        status = self.query("status") or None
        rows, total = await leave.list_requests(
            actor=self.principal, mine=mine, staff_id=_arg(self, "staff_id", "int", required=False),
            status=status, year=_arg(self, "year", "int", required=False), page=page, page_size=size)
        self.write_data(rows, page=page, total=total)

    async def post(self):
        body = validate(self.json_body(), {
            "type": Str(max_len=20), "start": Date(), "start_half": HALF, "end": Date(),
            "end_half": HALF, "reason": Str(required=False, default="", max_len=500)})
        self.write_data(await leave.submit_leave(
            env=self.env, actor=self.principal, type_code=body["type"], start=body["start"],
            start_half=body["start_half"] or "am", end=body["end"], end_half=body["end_half"] or "pm",
            reason=body["reason"]), status=201)


class LeaveRequestHandler(ApiHandler):
    """请假申请详情。"""

    async def get(self, request_id):
        self.write_data(await leave.get_request(actor=self.principal, request_id=int(request_id)))


class LeaveResubmitHandler(ApiHandler):
    """退回修改后重新提交：可改假期类型、日期、上下午与事由（未填的保持不变）。"""

    async def post(self, request_id):
        body = validate(self.json_body() or {}, {
            "type": Str(required=False, max_len=20), "start": Date(required=False),
            "start_half": HALF, "end": Date(required=False), "end_half": HALF,
            "reason": Str(required=False, default=None, min_len=0, max_len=500)})
        self.write_data(await leave.resubmit_leave(
            env=self.env, actor=self.principal, request_id=int(request_id), type_code=body["type"],
            start=body["start"], start_half=body["start_half"], end=body["end"],
            end_half=body["end_half"], reason=body["reason"]))


class LeaveReportBackHandler(ApiHandler):
    """销假：提前返岗，未休天数退回余额。"""

    async def post(self, request_id):
        body = validate(self.json_body(), {"date": Date(), "half": Str(choices=("am", "pm"))})
        self.write_data(await leave.report_back(env=self.env, actor=self.principal,
                                                request_id=int(request_id), **body))


class LeaveBalanceListHandler(ApiHandler):
    """假期余额（本人或管理范围内的某人）。"""

    async def get(self):
        year = _arg(self, "year", "int", required=False) or datetime.date.today().year
        if not 2000 <= year <= 2100:
            raise Invalid("年份不正确", code="VALIDATION_FAILED", fields={"year": "2000–2100"})
        self.write_data(await leave.balances(actor=self.principal, year=year,
                                             staff_id=_arg(self, "staff_id", "int", required=False)))


class LeaveBalanceAdjustHandler(ApiHandler):
    """人事调整假期余额（须填写原因，留痕）。"""

    async def post(self, balance_id):
        body = validate(self.json_body(), {"delta": Float(), "reason": Str(max_len=200)})
        self.write_data(await leave.adjust_balance(actor=self.principal, balance_id=int(balance_id),
                                                   **body))


TYPE_SCHEMA = {
    "name": Str(required=False, max_len=30),
    "count_mode": Str(required=False, choices=leave_rules.COUNT_MODES),
    "paid": Bool(required=False),
    "attachment_over_days": Float(required=False, nullable=True, min_value=0, max_value=365),
    "max_days_per_request": Float(required=False, nullable=True, min_value=0.5, max_value=366),
    "balance_tracked": Bool(required=False),
    "is_trip": Bool(required=False),
    "quota_rule": Str(required=False, choices=leave_rules.QUOTA_RULES),
    "quota_days": Float(required=False, nullable=True, min_value=0, max_value=366),
    "settings": Dict(required=False, nullable=True),
    "active": Bool(required=False),
    "sort": Int(required=False, min_value=0, max_value=1000),
}


class LeaveTypeListHandler(ApiHandler):
    """本单位可用的假期类型；新建（覆盖）本单位假期类型。"""

    async def get(self):
        types = await leave_rules.effective_types(self.principal.unit_id,
                                                  include_inactive=self.query("all") == "1")
        self.write_data([leave_rules.type_out(t) for t in types.values()])

    async def post(self):
        body = validate(self.json_body(), {"code": Str(max_len=20), "unit_id": Int(required=False),
                                           **TYPE_SCHEMA})
        self.write_data(await leave_rules.create_type(actor=self.principal, **body), status=201)


class LeaveTypeHandler(ApiHandler):
    """修改假期类型。"""

    async def patch(self, type_id):
        body = validate(self.json_body(), TYPE_SCHEMA)
        self.write_data(await leave_rules.update_type(actor=self.principal, type_id=int(type_id), **body))


class LeaveReportHandler(ApiHandler):
    """请假统计（按部门、月份、假期类型），可导出 CSV / XLSX。"""

    async def get(self):
        year = _arg(self, "year", "int")
        month = _arg(self, "month", "int", required=False)
        if not 2000 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
            raise Invalid("年份或月份不正确", code="VALIDATION_FAILED", fields={"month": "1–12"})
        fmt = self.query("format", "json")
        if fmt not in ("json", "csv", "xlsx"):
            raise Invalid("format 应为 json、csv 或 xlsx", code="VALIDATION_FAILED", fields={"format": "json/csv/xlsx"})
        department_id = _arg(self, "department_id", "int", required=False)
        if fmt == "json":
            self.write_data(await leave.report(actor=self.principal, year=year, month=month,
                                               department_id=department_id))
            return
        self.send_file(*await leave.export_report(actor=self.principal, year=year, month=month,
                                                  department_id=department_id, format=fmt))


class LeaveAttachmentListHandler(ApiHandler):
    """上传请假附件（JPG/PNG/PDF，multipart 字段 file）。"""

    async def post(self, request_id):
        files = self.request.files.get("file") or []
        if not files:
            raise Invalid("请选择文件", code="ATTACHMENT_EMPTY", fields={"file": "必填"})
        f = files[0]
        self.write_data(await attachments.save_leave_attachment(
            env=self.env, actor=self.principal, request_id=int(request_id), filename=f.filename,
            body=f.body), status=201)


class AttachmentHandler(ApiHandler):
    """下载附件（仅限可查看该申请的人员）。"""

    async def get(self, attachment_id):
        row, data = await attachments.open_attachment(env=self.env, actor=self.principal,
                                                      attachment_id=int(attachment_id))
        self.set_header("Content-Security-Policy", "default-src 'none'; sandbox")
        self.send_file(data, row.filename, row.content_type)


default_handlers = [
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
