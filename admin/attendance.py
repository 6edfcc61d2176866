"""Attendance settings pages of the console (考勤设置): places with the entrance QR display,
schedules, the unit rule; `AttendancePage`, the base of these and of the board, report and review
pages (admin/attendance_reports.py). Every page calls services/attendance*.py, which enforce
permission and scope (another unit's place is a 404 there); the `required` lists only gate the pages.

In fake WeChat mode only, an `X-Mingjing-Now` header sets "now" (`self.now()`, as on the API), so
browser tests can show a given day's board and step the entrance QR without waiting 30 s.
"""
import asyncio
import datetime
import re

from admin.base import AdminHandler
from server.errors import Forbidden, Invalid, NotFound
from services import admin_auth, attendance, attendance_rules, site_qr
from services import org as org_service

PROOF_PRESETS = [("geofence|qr", "定位或扫码（任一即可）"), ("geofence", "仅定位"),
                 ("geofence|wifi|qr", "定位、Wi-Fi 或扫码（任一即可）"),
                 ("geofence&wifi", "定位且连接单位 Wi-Fi（同时满足）"), ("wifi|qr", "Wi-Fi 或扫码"),
                 ("qr", "仅扫码")]
SETTINGS_TABS = [("/admin/attendance/settings/places", "考勤地点"),
                 ("/admin/attendance/settings/schedules", "作息时间"),
                 ("/admin/attendance/settings/rules", "考勤规则")]


class AttendancePage(AdminHandler):
    required = ("attendance.manage",)

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
        if self.get_body_argument("qr_gps_max_m", "").strip():
            body["qr_gps_max_m"] = num("qr_gps_max_m", 100, 50000)
        # Optional: empty clears (no going-live date; 补请假 not limited).
        raw_start = self.get_body_argument("start_date", "").strip()
        try:
            body["start_date"] = datetime.date.fromisoformat(raw_start) if raw_start else None
        except ValueError:
            errors["start_date"] = "日期格式应为 YYYY-MM-DD"
        raw_back = self.get_body_argument("leave_backdate_days", "").strip()
        body["leave_backdate_days"] = num("leave_backdate_days", 0, 366) if raw_back else None
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
]
