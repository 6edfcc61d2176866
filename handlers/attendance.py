"""Attendance for staff (mini-program): punch, today, my month, device change, 补卡; board, report.

Tests control "now" with the `X-Mingjing-Now` header (ISO time), honoured ONLY in fake WeChat
mode (`ApiHandler.now()`, handlers/base.py); in real mode the server clock is the only clock.
"""
import datetime

from handlers.base import ApiHandler
from server.errors import BadRequest, Unauthorized
from server.validate import Date, Float, Str, validate
from services import attendance, attendance_makeup, attendance_stats

MONTH_HELP = "月份应为 YYYY-MM"


class AttendanceBase(ApiHandler):
    def month_arg(self):
        month = self.query("month") or attendance_stats.local_today(self.now()).strftime("%Y-%m")
        try:
            year, mon = (int(x) for x in month.split("-"))
            datetime.date(year, mon, 1)
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            raise BadRequest(MONTH_HELP, code="BAD_MONTH") from None
        return f"{year:04d}-{mon:02d}"

    def int_arg(self, name):
        value = self.query(name)
        if value in (None, ""):
            return None
        try:
            return int(value)
        except ValueError:
            raise BadRequest(f"{name} 应为整数", code="BAD_QUERY") from None

    def float_arg(self, name):
        value = self.query(name)
        if value in (None, ""):
            return None
        try:
            return float(value)
        except ValueError:
            raise BadRequest(f"{name} 应为数字", code="BAD_QUERY") from None


class PunchHandler(AttendanceBase):
    """打卡：服务器记录时间，校验位置、Wi-Fi、现场二维码与设备。"""

    async def load_principal(self, staff_id):
        # The 08:59 burst path: one query for the caller, no grants (punching is self-service).
        self.principal = await attendance.load_punch_principal(staff_id)
        await attendance.release_connection()  # not held across the Redis round trip
        if self.principal is None:
            raise Unauthorized("账号已停用", code="ACCOUNT_DISABLED")
        self.principal.ip = self.client_ip
        self.principal.request_id = self.request_id
        self.principal.env = self.env

    async def post(self):
        body = validate(self.json_body(), {
            "lat": Float(min_value=-90, max_value=90), "lng": Float(min_value=-180, max_value=180),
            "accuracy": Float(min_value=0, max_value=100000),
            "wifi_bssid": Str(required=False, max_len=40, default=""),
            "qr_token": Str(required=False, max_len=200, default=""),
            "device_id": Str(max_len=80), "reason": Str(required=False, max_len=200, default=""),
        })
        data, created = await attendance.punch(env=self.env, actor=self.principal, body=body,
                                               now=self.now())
        self.write_data(data, status=201 if created else 200)


class TodayHandler(AttendanceBase):
    """今日考勤：作息、打卡记录、地点、是否在范围内。"""

    async def get(self):
        self.write_data(await attendance.today(env=self.env, actor=self.principal, now=self.now(),
                                               lat=self.float_arg("lat"), lng=self.float_arg("lng")))


class MonthHandler(AttendanceBase):
    """我的月度考勤日历。"""

    async def get(self):
        self.write_data(await attendance_stats.my_month(actor=self.principal, month=self.month_arg(),
                                                        now=self.now()))


class DeviceChangeHandler(AttendanceBase):
    """申请更换考勤手机。"""

    async def post(self):
        body = validate(self.json_body(), {"device_id": Str(max_len=80), "reason": Str(max_len=200)})
        self.write_data(await attendance.request_device_change(
            actor=self.principal, device_id=body["device_id"], reason=body["reason"]), status=201)


class MakeupListHandler(AttendanceBase):
    """补卡申请：提交（进入审批）与我的记录。"""

    async def get(self):
        self.write_data(await attendance_makeup.my_makeups(actor=self.principal))

    async def post(self):
        body = validate(self.json_body(), {"day": Date(), "time": Str(max_len=5),
                                           "reason": Str(max_len=200)})
        self.write_data(await attendance_makeup.request_makeup(
            env=self.env, actor=self.principal, day=body["day"], time_hhmm=body["time"],
            reason=body["reason"], now=self.now()), status=201)


class BoardHandler(AttendanceBase):
    """今日考勤看板：已到、迟到、未到、请假。"""

    async def get(self):
        self.write_data(await attendance_stats.board(
            actor=self.principal, department_id=self.int_arg("department_id"), now=self.now()))


class ReportHandler(AttendanceBase):
    """月度考勤统计（按人、按部门），可导出 CSV / XLSX。"""

    async def get(self):
        fmt = self.query("format", "json")
        if fmt not in ("json", "csv", "xlsx"):
            raise BadRequest("format 应为 json、csv 或 xlsx", code="BAD_FORMAT")
        args = {"actor": self.principal, "month": self.month_arg(),
                "department_id": self.int_arg("department_id"), "now": self.now()}
        if fmt == "json":
            self.write_data(await attendance_stats.report(**args))
            return
        self.send_file(*await attendance_stats.export_report(**args, format=fmt))


default_handlers = [
    (r"/api/attendance/punch", PunchHandler),
    (r"/api/attendance/today", TodayHandler),
    (r"/api/attendance/month", MonthHandler),
    (r"/api/attendance/device-change", DeviceChangeHandler),
    (r"/api/attendance/makeups", MakeupListHandler),
    (r"/api/attendance/board", BoardHandler),
    (r"/api/attendance/report", ReportHandler),
]
