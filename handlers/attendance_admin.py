"""Attendance administration: places (and their rotating QR), schedules, unit rules, review of
flagged punches, device changes, recomputation (attendance.manage / attendance.review in reach)."""
import asyncio

from handlers.attendance import AttendanceBase
from handlers.contract import CSV, XLSX, Ok, api
from handlers.schemas import attendance as sa
from handlers.schemas import attendance_admin as s
from services import attendance, attendance_report, attendance_rules, report_jobs, site_qr


class PlaceListHandler(AttendanceBase):
    """考勤地点列表与新增。"""

    @api(query=s.AttendanceUnitQuery, response=list[s.PlaceOut])
    async def get(self, *, query):
        """考勤地点列表（管理范围内）。"""
        self.write_data(await attendance_rules.list_places(actor=self.principal, unit_id=query.unit_id))

    @api(body=s.PlaceCreate, response=s.PlaceOut, status=201)
    async def post(self, *, body):
        """新增考勤地点。"""
        self.write_data(await attendance_rules.save_place(actor=self.principal, body=body.model_dump()),
                        status=201)


class PlaceHandler(AttendanceBase):
    """修改或停用考勤地点。"""

    @api(body=s.PlaceUpdate, response=s.PlaceOut)
    async def put(self, place_id, *, body):
        """修改考勤地点（只改传入的字段）。"""
        self.write_data(await attendance_rules.save_place(
            actor=self.principal, body=body.model_dump(exclude_unset=True), place_id=int(place_id)))

    @api(response=Ok)
    async def delete(self, place_id):
        """停用考勤地点（打卡记录保留）。"""
        await attendance_rules.delete_place(actor=self.principal, place_id=int(place_id))
        self.write_data({"ok": True})


class PlaceQrHandler(AttendanceBase):
    """现场考勤二维码令牌（每 30 秒更换）。"""

    async def place_token(self, place_id):
        place = await attendance_rules.get_place(actor=self.principal, place_id=int(place_id))
        epoch = attendance.epoch(self.now())
        token, step = site_qr.make_token(self.env.config.security.signing_key, place.id, epoch)
        return place, token, step, epoch

    @api(response=s.PlaceQrOut)
    async def get(self, place_id):
        place, token, step, epoch = await self.place_token(place_id)
        self.write_data({"place_id": place.id, "token": token, "step": step,
                         "expires_in": site_qr.STEP_SECONDS - int(epoch) % site_qr.STEP_SECONDS})


class PlaceQrPngHandler(PlaceQrHandler):
    """现场考勤二维码图片（PNG，每 30 秒更换）。"""

    @api(produces="image/png")
    async def get(self, place_id):
        _, token, _, _ = await self.place_token(place_id)
        image = await asyncio.get_running_loop().run_in_executor(None, site_qr.render_png, token)
        self.set_header("Content-Type", "image/png")
        self.finish(image)


class ScheduleListHandler(AttendanceBase):
    """作息时间列表与新增（单位或部门，部门优先；可设季节版本）。"""

    @api(query=s.AttendanceUnitQuery, response=list[s.ScheduleOut])
    async def get(self, *, query):
        """作息时间列表（管理范围内）。"""
        self.write_data(await attendance_rules.list_schedules(actor=self.principal,
                                                              unit_id=query.unit_id))

    @api(body=s.ScheduleCreate, response=s.ScheduleOut, status=201)
    async def post(self, *, body):
        """新增作息时间。"""
        self.write_data(await attendance_rules.save_schedule(actor=self.principal,
                                                             body=body.model_dump()), status=201)


class ScheduleHandler(AttendanceBase):
    """修改或删除作息时间。"""

    @api(body=s.ScheduleUpdate, response=s.ScheduleOut)
    async def put(self, schedule_id, *, body):
        """修改作息时间（只改传入的字段，与原值一并校验）。"""
        self.write_data(await attendance_rules.save_schedule(
            actor=self.principal, body=body.model_dump(exclude_unset=True),
            schedule_id=int(schedule_id)))

    @api(response=Ok)
    async def delete(self, schedule_id):
        """删除作息时间。"""
        await attendance_rules.delete_schedule(actor=self.principal, schedule_id=int(schedule_id))
        self.write_data({"ok": True})


class RuleHandler(AttendanceBase):
    """单位考勤规则：验证方式、范围外处理、阈值、补卡限制。"""

    @api(response=s.AttendanceRuleOut)
    async def get(self, unit_id):
        """单位考勤规则（未设置时为默认值）。"""
        self.write_data(await attendance_rules.get_rule(actor=self.principal, unit_id=int(unit_id)))

    @api(body=s.AttendanceRuleUpdate, response=s.AttendanceRuleOut)
    async def put(self, unit_id, *, body):
        """修改单位考勤规则（只改传入的字段）。"""
        self.write_data(await attendance_rules.save_rule(
            actor=self.principal, unit_id=int(unit_id), body=body.model_dump(exclude_unset=True)))


class ReviewListHandler(AttendanceBase):
    """待复核的异常打卡。"""

    @api(query=s.PunchReviewQuery, response=list[s.PunchReviewOut], paged=True)
    async def get(self, *, query):
        rows, total = await attendance.review_queue(actor=self.principal, page=query.page,
                                                    page_size=query.page_size, status=query.status)
        self.write_data(rows, page=query.page, total=total)


class PunchReviewHandler(AttendanceBase):
    """复核一条异常打卡（认可或不认可）。"""

    @api(body=s.PunchReviewBody, response=sa.PunchOut)
    async def post(self, punch_id, *, body):
        self.write_data(await attendance.review_punch(actor=self.principal, punch_id=int(punch_id),
                                                      decision=body.decision, note=body.note,
                                                      now=self.now()))


class DeviceChangeListHandler(AttendanceBase):
    """待处理的换机申请。"""

    @api(response=list[sa.DeviceChangeOut])
    async def get(self):
        self.write_data(await attendance.list_device_changes(actor=self.principal))


class DeviceChangeDecideHandler(AttendanceBase):
    """处理换机申请。"""

    @api(body=s.DeviceChangeDecision, response=sa.DeviceChangeOut)
    async def post(self, request_id, *, body):
        self.write_data(await attendance.decide_device_change(
            actor=self.principal, request_id=int(request_id), decision=body.decision, note=body.note))


class RecomputeHandler(AttendanceBase):
    """重新计算考勤日状态。"""

    @api(body=s.RecomputeCreate, response=s.RecomputeOut)
    async def post(self, *, body):
        self.write_data(await attendance.hr_recompute(actor=self.principal, now=self.now(),
                                                      **body.model_dump()))


class ReportExportListHandler(AttendanceBase):
    """后台导出月度考勤统计（整个单位也可，完成后下载）。"""

    @api(body=s.ReportExportCreate, response=s.ReportExportOut, status=202)
    async def post(self, *, body):
        """开始导出：返回任务编号，进度见 GET /api/attendance/report/exports/{id}。"""
        self.write_data(await attendance_report.start_export(
            actor=self.principal, month=self.month_arg(body.month), department_id=body.department_id,
            now=self.now(), format=body.format), status=202)


class ReportExportHandler(AttendanceBase):
    """导出任务的进度（仅发起人可见）。"""

    @api(response=s.ReportExportOut)
    async def get(self, job_id):
        self.write_data(await report_jobs.get(actor=self.principal, job_id=job_id,
                                              kind=attendance_report.JOB_KIND, now=self.now()))


class ReportExportFileHandler(AttendanceBase):
    """下载已完成的导出文件（仅发起人，过期前）。"""

    @api(produces=XLSX, downloads=(CSV,))
    async def get(self, job_id):
        self.send_file(*await report_jobs.fetch(actor=self.principal, job_id=job_id,
                                                kind=attendance_report.JOB_KIND, now=self.now()))


default_handlers = [
    (r"/api/attendance/places", PlaceListHandler),
    (r"/api/attendance/places/(\d{1,12})", PlaceHandler),
    (r"/api/attendance/places/(\d{1,12})/qr", PlaceQrHandler),
    (r"/api/attendance/places/(\d{1,12})/qr\.png", PlaceQrPngHandler),
    (r"/api/attendance/schedules", ScheduleListHandler),
    (r"/api/attendance/schedules/(\d{1,12})", ScheduleHandler),
    (r"/api/attendance/rules/(\d{1,12})", RuleHandler),
    (r"/api/attendance/review", ReviewListHandler),
    (r"/api/attendance/punches/(\d{1,12})/review", PunchReviewHandler),
    (r"/api/attendance/device-changes", DeviceChangeListHandler),
    (r"/api/attendance/device-changes/(\d{1,12})/decide", DeviceChangeDecideHandler),
    (r"/api/attendance/recompute", RecomputeHandler),
    (r"/api/attendance/report/exports", ReportExportListHandler),
    (r"/api/attendance/report/exports/([0-9a-z]{1,64})", ReportExportHandler),
    (r"/api/attendance/report/exports/([0-9a-z]{1,64})/file", ReportExportFileHandler),
]
