"""Attendance administration: places (and their rotating QR), schedules, unit rules, review of
flagged punches, device changes, recomputation (attendance.manage / attendance.review in reach)."""
import asyncio

from handlers.attendance import AttendanceBase
from server.validate import Bool, Date, Dict, Int, List, Str, validate
from services import attendance, attendance_rules, site_qr

PLACE = {
    "name": Str(max_len=100), "fences": List(Dict(), max_items=20, required=False),
    "wifi_bssids": List(Str(max_len=40), max_items=50, required=False),
    "qr_enabled": Bool(required=False), "active": Bool(required=False),
}
SCHEDULE = {
    "name": Str(max_len=50), "kind": Str(choices=("fixed", "flexible"), required=False, default="fixed"),
    "sessions": List(Dict(), max_items=6, required=False, default=[]),
    "grace_late": Int(min_value=0, max_value=120, required=False, default=0),
    "grace_early": Int(min_value=0, max_value=120, required=False, default=0),
    "core_start": Str(required=False, max_len=5, default=""),
    "core_end": Str(required=False, max_len=5, default=""),
    "required_minutes": Int(min_value=0, max_value=1440, required=False, default=0),
    "season_start": Str(required=False, max_len=5, default=""),
    "season_end": Str(required=False, max_len=5, default=""),
    "active": Bool(required=False, default=True),
}
OWNER = {"unit_id": Int(min_value=1), "department_id": Int(min_value=1, required=False)}


def _partial(schema):
    out = {}
    for name, field in schema.items():
        field = type(field).__new__(type(field))
        field.__dict__.update(schema[name].__dict__)
        field.required, field.default = False, None
        if hasattr(field, "min_len"):
            field.min_len = 0
        out[name] = field
    return out


class PlaceListHandler(AttendanceBase):
    """考勤地点列表与新增。"""

    async def get(self):
        self.write_data(await attendance_rules.list_places(actor=self.principal,
                                                           unit_id=self.int_arg("unit_id")))

    async def post(self):
        body = validate(self.json_body(), {**OWNER, **PLACE})
        self.write_data(await attendance_rules.save_place(actor=self.principal, body=body), status=201)


class PlaceHandler(AttendanceBase):
    """修改或停用考勤地点。"""

    async def put(self, place_id):
        body = validate(self.json_body(), _partial(PLACE))
        self.write_data(await attendance_rules.save_place(actor=self.principal, body=body,
                                                          place_id=int(place_id)))

    async def delete(self, place_id):
        await attendance_rules.delete_place(actor=self.principal, place_id=int(place_id))
        self.write_data({"ok": True})


class PlaceQrHandler(AttendanceBase):
    """现场考勤二维码（每 30 秒更换）；.png 为图片。"""

    png = False

    async def get(self, place_id):
        place = await attendance_rules.get_place(actor=self.principal, place_id=int(place_id))
        now = self.now()
        epoch = attendance.epoch(now)
        token, step = site_qr.make_token(self.env.config.security.signing_key, place.id, epoch)
        if not self.png:
            self.write_data({"place_id": place.id, "token": token, "step": step,
                             "expires_in": site_qr.STEP_SECONDS - int(epoch) % site_qr.STEP_SECONDS})
            return
        image = await asyncio.get_running_loop().run_in_executor(None, site_qr.render_png, token)
        self.set_header("Content-Type", "image/png")
        self.finish(image)


class PlaceQrPngHandler(PlaceQrHandler):
    """现场考勤二维码图片（PNG，每 30 秒更换）。"""
    png = True


class ScheduleListHandler(AttendanceBase):
    """作息时间列表与新增（单位或部门，部门优先；可设季节版本）。"""

    async def get(self):
        self.write_data(await attendance_rules.list_schedules(actor=self.principal,
                                                              unit_id=self.int_arg("unit_id")))

    async def post(self):
        body = validate(self.json_body(), {**OWNER, **SCHEDULE})
        self.write_data(await attendance_rules.save_schedule(actor=self.principal, body=body), status=201)


class ScheduleHandler(AttendanceBase):
    """修改或删除作息时间。"""

    async def put(self, schedule_id):
        raw = self.json_body()
        body = validate(raw, _partial(SCHEDULE))
        self.write_data(await attendance_rules.save_schedule(
            actor=self.principal, body={k: v for k, v in body.items() if k in raw},
            schedule_id=int(schedule_id)))

    async def delete(self, schedule_id):
        await attendance_rules.delete_schedule(actor=self.principal, schedule_id=int(schedule_id))
        self.write_data({"ok": True})


class RuleHandler(AttendanceBase):
    """单位考勤规则：验证方式、范围外处理、阈值、补卡限制。"""

    async def get(self, unit_id):
        self.write_data(await attendance_rules.get_rule(actor=self.principal, unit_id=int(unit_id)))

    async def put(self, unit_id):
        raw = self.json_body()
        body = validate(raw, {
            "outside_policy": Str(choices=("field", "refuse"), required=False),
            "accuracy_limit_m": Int(min_value=10, max_value=5000, required=False),
            "max_speed_kmh": Int(min_value=10, max_value=2000, required=False),
            "bind_device": Bool(required=False),
            "makeup_monthly_limit": Int(min_value=0, max_value=31, required=False),
            "makeup_deadline_days": Int(min_value=0, max_value=90, required=False),
        })
        if "proofs" in raw:
            body["proofs"] = raw["proofs"]
        self.write_data(await attendance_rules.save_rule(actor=self.principal, unit_id=int(unit_id),
                                                         body=body))


class ReviewListHandler(AttendanceBase):
    """待复核的异常打卡。"""

    async def get(self):
        page, size = self.page_args()
        status = self.query("status", "pending")
        if status not in ("pending", "accepted", "rejected"):
            status = "pending"
        rows, total = await attendance.review_queue(actor=self.principal, page=page, page_size=size,
                                                    status=status)
        self.write_data(rows, page=page, total=total)


class PunchReviewHandler(AttendanceBase):
    """复核一条异常打卡（认可或不认可）。"""

    async def post(self, punch_id):
        body = validate(self.json_body(), {"decision": Str(choices=("accept", "reject")),
                                           "note": Str(required=False, max_len=200, default="")})
        self.write_data(await attendance.review_punch(actor=self.principal, punch_id=int(punch_id),
                                                      decision=body["decision"], note=body["note"],
                                                      now=self.now()))


class DeviceChangeListHandler(AttendanceBase):
    """待处理的换机申请。"""

    async def get(self):
        self.write_data(await attendance.list_device_changes(actor=self.principal))


class DeviceChangeDecideHandler(AttendanceBase):
    """处理换机申请。"""

    async def post(self, request_id):
        body = validate(self.json_body(), {"decision": Str(choices=("approve", "reject")),
                                           "note": Str(required=False, max_len=200, default="")})
        self.write_data(await attendance.decide_device_change(
            actor=self.principal, request_id=int(request_id), decision=body["decision"], note=body["note"]))


class RecomputeHandler(AttendanceBase):
    """重新计算考勤日状态。"""

    async def post(self):
        body = validate(self.json_body(), {"start": Date(), "end": Date(),
                                           "department_id": Int(required=False, min_value=1),
                                           "staff_id": Int(required=False, min_value=1)})
        self.write_data(await attendance.hr_recompute(actor=self.principal, now=self.now(), **body))


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
]
