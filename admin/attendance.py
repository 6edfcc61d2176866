"""Attendance pages of the console (考勤): places with the entrance QR display, schedules, the unit
rule, today's board, the monthly report (inline-SVG charts, CSV/XLSX export) and the review queue
of flagged punches. Every page calls services/attendance*.py, which enforce permission and scope
(another unit's place is a 404 there); the `required` lists below only gate the pages.

In fake WeChat mode only, an `X-Mingjing-Now` header sets "now" (as on the API), so browser tests
can show a given day's board and step the entrance QR without waiting 30 s.
"""
import asyncio
import datetime
import re
import urllib.parse

from admin.base import AdminHandler
from models.base import utcnow
from server.errors import ApiError, Forbidden, Invalid, NotFound
from services import admin_auth, attendance, attendance_rules, attendance_stats, site_qr
from services import org as org_service

MONTH_RE = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")
PROOF_PRESETS = [("geofence|qr", "定位或扫码（任一即可）"), ("geofence", "仅定位"),
                 ("geofence|wifi|qr", "定位、Wi-Fi 或扫码（任一即可）"),
                 ("geofence&wifi", "定位且连接单位 Wi-Fi（同时满足）"), ("wifi|qr", "Wi-Fi 或扫码"),
                 ("qr", "仅扫码")]
FLAG_LABELS = {"accuracy": "定位精度不足", "speed": "移动速度异常", "device": "非绑定手机",
               "field": "外勤"}
REVIEW_LABELS = {"pending": "待复核", "accepted": "已认可", "rejected": "未认可"}
BOARD_GROUPS = [("in", "已到", "ok"), ("late", "迟到", "warn"), ("missing", "未到/缺卡", "bad"),
                ("leave", "请假/出差", "info"), ("pending", "未到打卡时间", ""), ("rest", "休息", "")]
SETTINGS_TABS = [("/admin/attendance/settings/places", "考勤地点"),
                 ("/admin/attendance/settings/schedules", "作息时间"),
                 ("/admin/attendance/settings/rules", "考勤规则")]


class AttendancePage(AdminHandler):
    required = ("attendance.manage",)

    def now(self):
        """Naive UTC; the test clock header only in fake mode (as handlers/attendance.py)."""
        override = self.request.headers.get("X-Mingjing-Now")
        if override and self.env.config.fake_wechat:
            try:
                value = datetime.datetime.fromisoformat(override)
            except ValueError:
                raise Invalid("X-Mingjing-Now 格式不正确", code="BAD_CLOCK") from None
            if value.tzinfo is None:
                value = value.replace(tzinfo=attendance_stats.SHANGHAI)
            return value.astimezone(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
        return utcnow()

    def unit_id(self):
        return self.int_arg("unit_id") or self.principal.unit_id

    async def departments(self):
        """Departments for the selects (org.view reach); none without it."""
        try:
            return await org_service.list_departments(env=self.env, actor=self.principal, flat=True,
                                                      include_closed=False)
        except Forbidden:
            return []

    async def units(self):
        """Units the caller can see (org.view), flattened, for the settings pages' unit switch."""
        try:
            roots = await org_service.list_units(env=self.env, actor=self.principal)
        except Forbidden:
            return []
        out, stack = [], list(reversed(roots))
        while stack:
            u = stack.pop()
            out.append({"id": u["id"], "name": u["name"]})
            stack.extend(reversed(u.get("children") or []))
        return out

    async def page(self, template, **kwargs):
        kwargs.setdefault("settings_tabs", SETTINGS_TABS)
        if template.split("/")[-1] in ("places.html", "schedules.html", "rules.html"):
            kwargs.setdefault("units", await self.units())
        await super().page(template, **kwargs)


# ---- places ----------------------------------------------------------------------------------

def _float(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


class PlaceForm:
    """The place form: fence rows (lat/lng/radius repeated), BSSIDs one per line."""

    def __init__(self, handler):
        h = handler
        self.values = {"name": h.get_body_argument("name", "").strip(),
                       "department_id": h.get_body_argument("department_id", "").strip(),
                       "wifi_bssids": h.get_body_argument("wifi_bssids", ""),
                       "qr_enabled": h.get_body_argument("qr_enabled", "") == "1",
                       "active": h.get_body_argument("active", "") == "1"}
        lats, lngs = h.get_body_arguments("lat"), h.get_body_arguments("lng")
        radii = h.get_body_arguments("radius")
        self.fences, self.errors = [], {}
        for i, (lat, lng) in enumerate(zip(lats, lngs)):
            radius = radii[i] if i < len(radii) else ""
            if not lat.strip() and not lng.strip():
                continue
            la, ln, ra = _float(lat), _float(lng), _float(radius or "300")
            if la is None or ln is None or ra is None:
                self.errors["fences"] = f"第 {i + 1} 个围栏的纬度、经度、半径应为数字"
                break
            self.fences.append({"lat": la, "lng": ln, "radius": int(ra)})
        self.values["fences"] = self.fences

    def body(self, *, creating, unit_id):
        v = self.values
        if not v["name"]:
            self.errors["name"] = "请填写地点名称"
        if self.errors:
            raise Invalid("考勤地点设置有误", code="VALIDATION_FAILED", fields=self.errors)
        body = {"name": v["name"][:100], "fences": self.fences, "qr_enabled": v["qr_enabled"],
                "wifi_bssids": [b for b in re.split(r"[\s,，;；]+", v["wifi_bssids"]) if b]}
        if creating:
            body["unit_id"] = unit_id
            body["department_id"] = int(v["department_id"]) if v["department_id"].isdigit() else None
        else:
            body["active"] = v["active"]
        return body


def _place_view(place):
    return {**place, "bssid_text": "\n".join(place.get("wifi_bssids") or [])}


class PlaceListHandler(AttendancePage):
    """考勤地点：列表与新增。"""

    async def show(self, *, form=None, error=None, errors=None, status=200):
        places = await attendance_rules.list_places(actor=self.principal, unit_id=self.unit_id())
        self.set_status(status)
        await self.page("attendance/places.html", places=[_place_view(p) for p in places],
                        departments=await self.departments(), form=form or {}, error=error,
                        errors=errors or {}, unit_id=self.unit_id())

    async def get(self):
        await self.show()

    async def post(self):
        form = PlaceForm(self)
        try:
            place = await attendance_rules.save_place(
                actor=self.principal, body=form.body(creating=True, unit_id=self.unit_id()))
        except Invalid as exc:
            await self.show(form=form.values, error=exc.message, errors=exc.fields, status=422)
            return
        self.flash(f"已新增考勤地点：{place['name']}")
        self.redirect("/admin/attendance/settings/places")


class PlaceHandler(AttendancePage):
    """修改考勤地点。"""

    async def show(self, place_id, *, form=None, error=None, errors=None, status=200):
        place = attendance_rules.place_out(
            await attendance_rules.get_place(actor=self.principal, place_id=int(place_id)))
        self.set_status(status)
        await self.page("attendance/place.html", place=_place_view(place), form=form or {},
                        error=error, errors=errors or {})

    async def get(self, place_id):
        await self.show(place_id)

    async def post(self, place_id):
        form = PlaceForm(self)
        try:
            await attendance_rules.save_place(actor=self.principal, place_id=int(place_id),
                                              body=form.body(creating=False, unit_id=None))
        except Invalid as exc:
            await self.show(place_id, form=form.values, error=exc.message, errors=exc.fields,
                            status=422)
            return
        self.flash("已保存考勤地点")
        self.redirect(f"/admin/attendance/settings/places/{int(place_id)}")


class PlaceDeleteHandler(AttendancePage):
    """停用考勤地点（打卡记录保留）。"""

    async def post(self, place_id):
        await attendance_rules.delete_place(actor=self.principal, place_id=int(place_id))
        self.flash("已停用该考勤地点")
        self.redirect("/admin/attendance/settings/places")


class QrDisplayHandler(AttendancePage):
    """现场考勤二维码大屏：每 30 秒自动更换，无需刷新页面。"""

    async def get(self, place_id):
        place = await attendance_rules.get_place(actor=self.principal, place_id=int(place_id))
        # ?period=N polls every N s instead of at each step's end (demos, tests); clamped.
        period = min(max(self.int_arg("period", 0) or 0, 0), site_qr.STEP_SECONDS)
        self.render("attendance/qr.html", place=place, period=period,
                    unit_name=await admin_auth.unit_name(place.unit_id))


class QrDataHandler(AttendancePage):
    """当前现场二维码（JSON：token、SVG、剩余秒数、服务器时间）。"""

    async def get(self, place_id):
        place = await attendance_rules.get_place(actor=self.principal, place_id=int(place_id))
        now = self.now()
        epoch = attendance.epoch(now)
        token, step = site_qr.make_token(self.env.config.security.signing_key, place.id, epoch)
        svg = await asyncio.get_running_loop().run_in_executor(None, admin_auth.qr_svg, token, 12)
        self.write_json({"data": {
            "place_id": place.id, "token": token, "step": step, "svg": svg,
            "expires_in": site_qr.STEP_SECONDS - int(epoch) % site_qr.STEP_SECONDS,
            "now": now, "active": place.active and place.qr_enabled}})


# ---- schedules -------------------------------------------------------------------------------

def _schedule_body(handler, *, creating, unit_id):
    h = handler
    errors = {}

    def num(name, default=0, lo=0, hi=1440, scale=1):
        raw = h.get_body_argument(name, "").strip()
        if raw == "":
            return default
        try:
            value = round(float(raw) * scale)
        except ValueError:
            errors[name] = "应为数字"
            return default
        if not lo <= value <= hi:
            errors[name] = f"应在 {lo}–{hi} 之间" if scale == 1 else "超出范围"
        return value

    starts, ends = h.get_body_arguments("s_start"), h.get_body_arguments("s_end")
    sessions = [{"start": a.strip(), "end": b.strip()} for a, b in zip(starts, ends)
                if a.strip() or b.strip()]
    body = {"name": h.get_body_argument("name", "").strip()[:50],
            "kind": h.get_body_argument("kind", "fixed"),
            "sessions": sessions,
            "grace_late": num("grace_late", 0, 0, 120), "grace_early": num("grace_early", 0, 0, 120),
            "core_start": h.get_body_argument("core_start", "").strip(),
            "core_end": h.get_body_argument("core_end", "").strip(),
            "required_minutes": num("required_hours", 0, 0, 1440, scale=60),
            "season_start": h.get_body_argument("season_start", "").strip(),
            "season_end": h.get_body_argument("season_end", "").strip(),
            "active": h.get_body_argument("active", "") == "1" or creating}
    if body["kind"] not in ("fixed", "flexible"):
        errors["kind"] = "应为固定或弹性"
    if not body["name"]:
        errors["name"] = "请填写作息名称"
    if body["kind"] == "flexible":
        body["sessions"] = []
    if errors:
        raise Invalid("作息时间设置有误", code="VALIDATION_FAILED", fields=errors)
    if creating:
        dept = h.get_body_argument("department_id", "").strip()
        body.update(unit_id=unit_id, department_id=int(dept) if dept.isdigit() else None)
    return body


def _posted_schedule(h):
    """The posted schedule form, to re-render it after an error."""
    out = {k: h.get_body_argument(k, "") for k in (
        "name", "kind", "grace_late", "grace_early", "core_start", "core_end", "season_start",
        "season_end", "department_id")}
    out["sessions"] = [{"start": a, "end": b} for a, b in zip(h.get_body_arguments("s_start"),
                                                               h.get_body_arguments("s_end"))]
    hours = _float(h.get_body_argument("required_hours", ""))
    out["required_minutes"] = round(hours * 60) if hours else 0
    return out


def _schedule_form(s):
    """A schedule (or the posted values) as form values, with 3 session rows."""
    s = dict(s or {})
    rows = list(s.get("sessions") or [])
    while len(rows) < 3:
        rows.append({"start": "", "end": ""})
    s["session_rows"] = rows[:6]
    minutes = s.get("required_minutes") or 0
    s["required_hours"] = f"{minutes / 60:g}" if minutes else ""
    return s


class ScheduleListHandler(AttendancePage):
    """作息时间：列表与新增（含季节作息、弹性工时）。"""

    async def show(self, *, form=None, error=None, errors=None, status=200):
        schedules = await attendance_rules.list_schedules(actor=self.principal, unit_id=self.unit_id())
        depts = await self.departments()
        names = {d["id"]: d["name"] for d in depts}
        self.set_status(status)
        await self.page("attendance/schedules.html", schedules=schedules, departments=depts,
                        dept_names=names, form=_schedule_form(form or {"kind": "fixed"}),
                        error=error, errors=errors or {}, unit_id=self.unit_id())

    async def get(self):
        await self.show()

    async def post(self):
        try:
            body = _schedule_body(self, creating=True, unit_id=self.unit_id())
            s = await attendance_rules.save_schedule(actor=self.principal, body=body)
        except Invalid as exc:
            await self.show(form=_posted_schedule(self), error=exc.message, errors=exc.fields,
                            status=422)
            return
        self.flash(f"已新增作息：{s['name']}")
        self.redirect("/admin/attendance/settings/schedules")



class ScheduleHandler(AttendancePage):
    """修改作息时间。"""

    async def find(self, schedule_id):
        for s in await attendance_rules.list_schedules(actor=self.principal):
            if s["id"] == int(schedule_id):
                return s
        raise NotFound("作息时间不存在或不在您的管理范围内", code="SCHEDULE_NOT_FOUND")

    async def get(self, schedule_id):
        s = await self.find(schedule_id)
        await self.page("attendance/schedule.html", schedule=s, form=_schedule_form(s),
                        error=None, errors={})

    async def post(self, schedule_id):
        s = await self.find(schedule_id)
        try:
            body = _schedule_body(self, creating=False, unit_id=None)
            await attendance_rules.save_schedule(actor=self.principal, body=body,
                                                 schedule_id=s["id"])
        except Invalid as exc:
            self.set_status(422)
            posted = _posted_schedule(self)
            await self.page("attendance/schedule.html", schedule=s, form=_schedule_form(posted),
                            error=exc.message, errors=exc.fields)
            return
        self.flash("已保存作息时间")
        self.redirect("/admin/attendance/settings/schedules")


class ScheduleDeleteHandler(AttendancePage):
    """删除作息时间。"""

    async def post(self, schedule_id):
        await attendance_rules.delete_schedule(actor=self.principal, schedule_id=int(schedule_id))
        self.flash("已删除作息时间")
        self.redirect("/admin/attendance/settings/schedules")


# ---- the unit rule ---------------------------------------------------------------------------

class RuleHandler(AttendancePage):
    """考勤规则：验证方式、范围外处理、精度阈值、补卡次数与期限。"""

    async def show(self, rule, *, error=None, errors=None, status=200):
        presets = list(PROOF_PRESETS)
        if rule["proofs_expr"] not in dict(presets):
            presets.append((rule["proofs_expr"], f"自定义：{rule['proofs_expr']}"))
        self.set_status(status)
        await self.page("attendance/rules.html", rule=rule, presets=presets, error=error,
                        errors=errors or {}, unit_id=self.unit_id())

    async def get(self):
        await self.show(await attendance_rules.get_rule(actor=self.principal, unit_id=self.unit_id()))

    async def post(self):
        errors = {}

        def num(name, lo, hi):
            raw = self.get_body_argument(name, "").strip()
            if not raw.isdigit() or not lo <= int(raw) <= hi:
                errors[name] = f"应为 {lo}–{hi} 的整数"
                return None
            return int(raw)

        body = {"proofs": self.get_body_argument("proofs", "geofence|qr"),
                "outside_policy": self.get_body_argument("outside_policy", "field"),
                "accuracy_limit_m": num("accuracy_limit_m", 10, 5000),
                "max_speed_kmh": num("max_speed_kmh", 10, 2000),
                "bind_device": self.get_body_argument("bind_device", "") == "1",
                "makeup_monthly_limit": num("makeup_monthly_limit", 0, 31),
                "makeup_deadline_days": num("makeup_deadline_days", 0, 90)}
        if body["outside_policy"] not in ("field", "refuse"):
            errors["outside_policy"] = "应为外勤或拒绝"
        try:
            if errors:
                raise Invalid("考勤规则设置有误", code="VALIDATION_FAILED", fields=errors)
            await attendance_rules.save_rule(actor=self.principal, unit_id=self.unit_id(), body=body)
        except Invalid as exc:
            current = await attendance_rules.get_rule(actor=self.principal, unit_id=self.unit_id())
            await self.show({**current, **{k: v for k, v in body.items() if v is not None},
                             "proofs_expr": current["proofs_expr"]},
                            error=exc.message, errors=exc.fields, status=422)
            return
        self.flash("已保存考勤规则")
        self.redirect("/admin/attendance/settings/rules"
                      + (f"?unit_id={self.unit_id()}" if self.int_arg("unit_id") else ""))


class SettingsRootHandler(AttendancePage):
    def get(self):
        self.redirect("/admin/attendance/settings/places")


# ---- today's board ---------------------------------------------------------------------------

def _by_department(data):
    """Per-department counts of the board's groups, in first-seen order."""
    rows = {}
    for key, _, _ in BOARD_GROUPS:
        for person in data[key]:
            row = rows.setdefault(person["department"], {"department": person["department"],
                                                         "total": 0, **{k: 0 for k, _, _ in BOARD_GROUPS}})
            row[key] += 1
            row["total"] += 1
    return list(rows.values())


class BoardHandler(AttendancePage):
    """今日考勤看板：已到、迟到、未到、请假，按部门。"""
    required = ("attendance.view",)

    async def get(self):
        department_id = self.int_arg("department_id")
        data = await attendance_stats.board(actor=self.principal, department_id=department_id,
                                            now=self.now())
        await self.page("attendance/board.html", data=data, groups=BOARD_GROUPS,
                        by_dept=_by_department(data), departments=await self.departments(),
                        department_id=department_id,
                        clock=attendance_stats.local(self.now()).strftime("%H:%M"))


# ---- monthly report --------------------------------------------------------------------------

def bar_chart(items, *, unit="", width=560, bar=22, gap=10, label_w=120, colour="#a61b1b"):
    """Geometry of a horizontal bar chart (rendered as inline SVG by attendance/bars.html)."""
    top = max([v for _, v in items] + [0]) or 1
    span = width - label_w - 70
    bars = []
    for i, (label, value) in enumerate(items):
        y = 8 + i * (bar + gap)
        bars.append({"label": label, "value": value, "y": y, "w": round(span * value / top, 1),
                     "text": f"{value:g}{unit}", "ty": y + bar * 0.72})
    return {"bars": bars, "width": width, "height": 16 + len(items) * (bar + gap), "bar": bar,
            "x": label_w, "colour": colour}


def _report_charts(data):
    depts = data["departments"]
    rate = []
    for d in depts:
        pct = round(100 * d.get("days_worked", 0) / d["workdays"], 1) if d.get("workdays") else 0
        rate.append((d["department"], pct))
    issues = [(d["department"], d.get("late_count", 0) + d.get("early_count", 0)
               + d.get("missing_punches", 0) + d.get("absences", 0)) for d in depts]
    late = sorted(((p["name"], p["late_minutes"]) for p in data["people"] if p["late_minutes"]),
                  key=lambda x: -x[1])[:10]
    return [("各部门出勤率", bar_chart(rate, unit="%", colour="#1f7a3d"), "chart-rate"),
            ("各部门考勤异常次数（迟到、早退、缺卡、旷工）", bar_chart(issues, unit=" 次"), "chart-issues"),
            ("迟到分钟数前十", bar_chart(late, unit=" 分", colour="#c25e00"), "chart-late")]


class ReportPage(AttendancePage):
    required = ("attendance.report",)

    def month(self):
        value = self.get_query_argument("month", "").strip()
        if MONTH_RE.match(value):
            return value
        return attendance_stats.local_today(self.now()).strftime("%Y-%m")


class ReportHandler(ReportPage):
    """月度考勤统计：按部门、按人，含图表与导出。"""

    async def get(self):
        month, department_id = self.month(), self.int_arg("department_id")
        data = await attendance_stats.report(actor=self.principal, month=month,
                                             department_id=department_id, now=self.now())
        query = {"month": month, "department_id": department_id or ""}
        await self.page("attendance/report.html", data=data, month=month, charts=_report_charts(data),
                        departments=await self.departments(), department_id=department_id,
                        qs=lambda **kw: urllib.parse.urlencode({**query, **kw}))


class ReportExportHandler(ReportPage):
    """导出月度考勤统计（CSV / XLSX）。"""

    async def get(self):
        fmt = self.get_query_argument("format", "xlsx")
        if fmt not in ("csv", "xlsx"):
            raise Invalid("导出格式应为 csv 或 xlsx", code="BAD_FORMAT")
        month = self.month()
        data = await attendance_stats.report(actor=self.principal, month=month,
                                             department_id=self.int_arg("department_id"), now=self.now())
        if fmt == "csv":
            content, ctype = attendance_stats.to_csv(data["people"]), "text/csv; charset=utf-8"
        else:
            content = await asyncio.get_running_loop().run_in_executor(
                None, attendance_stats.to_xlsx, data["people"], f"考勤 {month}")
            ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        self.set_header("Content-Type", ctype)
        self.set_header("Content-Disposition", f'attachment; filename="attendance-{month}.{fmt}"')
        self.finish(content)


# ---- review queue ----------------------------------------------------------------------------

class ReviewHandler(AttendancePage):
    """异常打卡复核：精度不足、速度异常、非绑定手机、外勤。"""
    required = ("attendance.review",)
    PAGE_SIZE = 20

    async def get(self):
        status = self.get_query_argument("status", "pending")
        status = status if status in REVIEW_LABELS else "pending"
        page = max(1, self.int_arg("page", 1) or 1)
        rows, total = await attendance.review_queue(actor=self.principal, page=page,
                                                    page_size=self.PAGE_SIZE, status=status)
        devices = []
        if self.principal.has("attendance.manage"):
            devices = await attendance.list_device_changes(actor=self.principal)
        await self.page("attendance/review.html", rows=rows, total=total, page=page, status=status,
                        pages=max(1, -(-total // self.PAGE_SIZE)), labels=REVIEW_LABELS,
                        flag_labels=FLAG_LABELS, devices=devices)

    async def post(self, punch_id=None):
        decision = self.get_body_argument("decision", "")
        note = self.get_body_argument("note", "").strip()[:200]
        if decision not in ("accept", "reject") or punch_id is None:
            raise Invalid("请选择认可或不认可", code="VALIDATION_FAILED")
        try:
            await attendance.review_punch(actor=self.principal, punch_id=int(punch_id),
                                          decision=decision, note=note, now=self.now())
        except ApiError as exc:
            if exc.status == 404:
                raise
            self.flash(exc.message, "bad")
            self.redirect("/admin/attendance/review")
            return
        self.flash("已认可该打卡" if decision == "accept" else "已标记为不认可，该打卡不再计入考勤")
        self.redirect("/admin/attendance/review")


class DeviceChangeHandler(AttendancePage):
    """处理换机申请（同意后新手机为考勤手机）。"""

    async def post(self, request_id):
        decision = self.get_body_argument("decision", "")
        if decision not in ("approve", "reject"):
            raise Invalid("请选择同意或不同意", code="VALIDATION_FAILED")
        try:
            await attendance.decide_device_change(
                actor=self.principal, request_id=int(request_id), decision=decision,
                note=self.get_body_argument("note", "").strip()[:200])
        except ApiError as exc:
            if exc.status == 404:
                raise
            self.flash(exc.message, "bad")
        else:
            self.flash("已同意换机申请" if decision == "approve" else "已驳回换机申请")
        self.redirect("/admin/attendance/review")


default_handlers = [
    (r"/admin/attendance/settings", SettingsRootHandler),
    (r"/admin/attendance/settings/places", PlaceListHandler),
    (r"/admin/attendance/settings/places/(\d{1,12})", PlaceHandler),
    (r"/admin/attendance/settings/places/(\d{1,12})/delete", PlaceDeleteHandler),
    (r"/admin/attendance/settings/places/(\d{1,12})/qr", QrDisplayHandler),
    (r"/admin/attendance/settings/places/(\d{1,12})/qr\.json", QrDataHandler),
    (r"/admin/attendance/settings/schedules", ScheduleListHandler),
    (r"/admin/attendance/settings/schedules/(\d{1,12})", ScheduleHandler),
    (r"/admin/attendance/settings/schedules/(\d{1,12})/delete", ScheduleDeleteHandler),
    (r"/admin/attendance/settings/rules", RuleHandler),
    (r"/admin/attendance/board", BoardHandler),
    (r"/admin/attendance/report", ReportHandler),
    (r"/admin/attendance/report/export", ReportExportHandler),
    (r"/admin/attendance/review", ReviewHandler),
    (r"/admin/attendance/review/(\d{1,12})", ReviewHandler),
    (r"/admin/attendance/devices/(\d{1,12})", DeviceChangeHandler),
]
