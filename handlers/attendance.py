"""Attendance for staff (mini-program): punch, today, my month, device change, 补卡; board, report.

Tests control "now" with the `X-Mingjing-Now` header (ISO time), honoured ONLY in fake WeChat
mode (`ApiHandler.now()`, handlers/base.py); in real mode the server clock is the only clock.
"""
from handlers.base import ApiHandler
from handlers.contract import CSV, XLSX, api
from handlers.schemas import attendance as s
from server.errors import BadRequest, Unauthorized
from services import attendance, attendance_makeup, attendance_stats

MONTH_HELP = "月份应为 YYYY-MM"


class AttendanceBase(ApiHandler):
    def month_arg(self, month=None):
        """YYYY-MM (shape already checked by the query model), defaulting to this month."""
        month = month or attendance_stats.local_today(self.now()).strftime("%Y-%m")
        if not 2000 <= int(month[:4]) <= 2100:
            raise BadRequest(MONTH_HELP, code="BAD_MONTH")
        return month


class PunchHandler(AttendanceBase):
    """打卡：服务器记录时间，校验位置、Wi-Fi、现场二维码与设备。"""

    async def load_principal(self, staff_id):
        # The 08:59 burst path: one query for the caller, no grants (punching is self-service).
        self.principal = await attendance.load_punch_principal(staff_id)
        if self.principal is None:
            raise Unauthorized("账号已停用", code="ACCOUNT_DISABLED")
        self.principal.ip = self.client_ip
        self.principal.request_id = self.request_id
        self.principal.env = self.env

    @api(body=s.PunchCreate, response=s.PunchOut, status=(201, 200))
    async def post(self, *, body):
        data, created = await attendance.punch(env=self.env, actor=self.principal,
                                               body=body.model_dump(), now=self.now())
        self.write_data(data, status=201 if created else 200)


class TodayHandler(AttendanceBase):
    """今日考勤：作息、打卡记录、地点、是否在范围内。"""

    @api(query=s.TodayQuery, response=s.TodayOut)
    async def get(self, *, query):
        self.write_data(await attendance.today(env=self.env, actor=self.principal, now=self.now(),
                                               lat=query.lat, lng=query.lng))


class MonthHandler(AttendanceBase):
    """我的月度考勤日历。"""

    @api(query=s.MonthQuery, response=s.MonthOut)
    async def get(self, *, query):
        self.write_data(await attendance_stats.my_month(
            actor=self.principal, month=self.month_arg(query.month), now=self.now()))


class DeviceChangeHandler(AttendanceBase):
    """申请更换考勤手机。"""

    @api(body=s.DeviceChangeCreate, response=s.DeviceChangeOut, status=201)
    async def post(self, *, body):
        self.write_data(await attendance.request_device_change(
            actor=self.principal, device_id=body.device_id, reason=body.reason), status=201)


class MakeupListHandler(AttendanceBase):
    """补卡申请：提交（进入审批）与我的记录。"""

    @api(response=list[s.MakeupOut])
    async def get(self):
        self.write_data(await attendance_makeup.my_makeups(actor=self.principal))

    @api(body=s.MakeupCreate, response=s.MakeupOut, status=201)
    async def post(self, *, body):
        self.write_data(await attendance_makeup.request_makeup(
            env=self.env, actor=self.principal, day=body.day, time_hhmm=body.time,
            reason=body.reason, now=self.now()), status=201)


class MakeupResubmitHandler(AttendanceBase):
    """退回修改后重新提交补卡：可改日期、时间与事由（未填的保持不变），按提交时的规则校验。"""

    @api(body=s.MakeupResubmit, response=s.MakeupOut)
    async def post(self, request_id, *, body):
        self.write_data(await attendance_makeup.resubmit_makeup(
            env=self.env, actor=self.principal, request_id=int(request_id), day=body.day,
            time_hhmm=body.time, reason=body.reason, now=self.now()))


class BoardHandler(AttendanceBase):
    """今日考勤看板：已到、迟到、未到、请假。"""

    @api(query=s.BoardQuery, response=s.BoardOut)
    async def get(self, *, query):
        self.write_data(await attendance_stats.board(
            actor=self.principal, department_id=query.department_id, now=self.now()))


class ReportHandler(AttendanceBase):
    """月度考勤统计（按人、按部门），可导出 CSV / XLSX。"""

    @api(query=s.ReportQuery, response=s.ReportOut, downloads=(CSV, XLSX))
    async def get(self, *, query):
        fmt = query.format
        args = {"actor": self.principal, "month": self.month_arg(query.month),
                "department_id": query.department_id, "now": self.now()}
        if fmt == "json":
            self.write_data(await attendance_stats.report(**args, page=query.page,
                                                          page_size=query.page_size, q=query.q))
            return
        self.send_file(*await attendance_stats.export_report(**args, format=fmt))


default_handlers = [
    (r"/api/attendance/punch", PunchHandler),
    (r"/api/attendance/today", TodayHandler),
    (r"/api/attendance/month", MonthHandler),
    (r"/api/attendance/device-change", DeviceChangeHandler),
    (r"/api/attendance/makeups", MakeupListHandler),
    (r"/api/attendance/makeups/(\d{1,12})/resubmit", MakeupResubmitHandler),
    (r"/api/attendance/board", BoardHandler),
    (r"/api/attendance/report", ReportHandler),
]
