"""Attendance pages of the console beyond the settings (考勤): today's board, the monthly report
(inline-SVG charts, CSV export in the request, Excel as a background job with a progress page)
and the review queue of flagged punches and device changes.
Services (services/attendance*.py) enforce permission and scope; the `required` lists gate the pages.
"""
import re
import urllib.parse

from admin.attendance import AttendancePage
from server.errors import ApiError, Invalid
from services import attendance, attendance_report, attendance_stats, report_jobs

MONTH_RE = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")
FLAG_LABELS = {"accuracy": "定位精度不足", "speed": "移动速度异常", "device": "非绑定手机",
               "field": "外勤", "location": "扫码位置与地点不符"}
REVIEW_LABELS = {"pending": "待复核", "accepted": "已认可", "rejected": "未认可"}
BOARD_GROUPS = [("in", "已到", "ok"), ("late", "迟到", "warn"), ("missing", "未到", "bad"),
                ("leave", "请假/出差", "info"), ("pending", "未到打卡时间", ""), ("rest", "休息", "")]


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
    # The whole scope's departments (the people are one page of them).
    late = sorted(((d["department"], d.get("late_minutes", 0)) for d in depts if d.get("late_minutes")),
                  key=lambda x: -x[1])[:10]
    return [("各部门出勤率", bar_chart(rate, unit="%", colour="#1f7a3d"), "chart-rate"),
            ("各部门考勤异常次数（迟到、早退、缺卡、旷工）", bar_chart(issues, unit=" 次"), "chart-issues"),
            ("迟到分钟数前十的部门", bar_chart(late, unit=" 分", colour="#c25e00"), "chart-late")]


class ReportPage(AttendancePage):
    required = ("attendance.report",)

    def month(self):
        value = self.get_query_argument("month", "").strip()
        if MONTH_RE.match(value):
            return value
        return attendance_stats.local_today(self.now()).strftime("%Y-%m")


class ReportHandler(ReportPage):
    """月度考勤统计：按部门、按人，含图表与导出。"""

    PAGE_SIZE = 50

    async def get(self):
        month, department_id = self.month(), self.int_arg("department_id")
        page = max(1, min(self.int_arg("page", 1) or 1, 100000))
        q = self.get_query_argument("q", "").strip()[:50] or None
        data = await attendance_stats.report(actor=self.principal, month=month,
                                             department_id=department_id, now=self.now(),
                                             page=page, page_size=self.PAGE_SIZE, q=q)
        query = {"month": month, "department_id": department_id or "", "q": q or ""}
        await self.page("attendance/report.html", data=data, month=month, charts=_report_charts(data),
                        departments=await self.departments(), department_id=department_id, q=q or "",
                        page=page, pages=max(1, -(-data["total"] // self.PAGE_SIZE)),
                        qs=lambda **kw: urllib.parse.urlencode({**query, **kw}))


class ReportExportHandler(ReportPage):
    """导出月度考勤统计（CSV / XLSX）。"""

    async def get(self):
        fmt = self.get_query_argument("format", "xlsx")
        if fmt not in ("csv", "xlsx"):
            raise Invalid("导出格式应为 csv 或 xlsx", code="BAD_FORMAT")
        self.send_file(*await attendance_stats.export_report(
            actor=self.principal, month=self.month(), department_id=self.int_arg("department_id"),
            now=self.now(), format=fmt))


class ReportExportJobHandler(ReportPage):
    """后台导出 Excel：开始任务后转到进度页，完成后下载。"""

    async def post(self):
        month = self.get_body_argument("month", "").strip()
        month = month if MONTH_RE.match(month) else self.month()
        dept = self.get_body_argument("department_id", "").strip()
        job = await attendance_report.start_export(
            actor=self.principal, month=month, department_id=int(dept) if dept.isdigit() else None,
            now=self.now(), format="xlsx")
        self.redirect(f"/admin/attendance/report/exports/{job['id']}")


class ReportExportStatusHandler(ReportPage):
    """导出进度（仅发起人）。"""

    async def get(self, job_id):
        job = await report_jobs.get(actor=self.principal, job_id=job_id,
                                    kind=attendance_report.JOB_KIND, now=self.now())
        await self.page("attendance/report_export.html", job=job)


class ReportExportFileHandler(ReportPage):
    """下载导出文件（仅发起人，24 小时内）。"""

    async def get(self, job_id):
        self.send_file(*await report_jobs.fetch(actor=self.principal, job_id=job_id,
                                                kind=attendance_report.JOB_KIND, now=self.now()))


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
    (r"/admin/attendance/board", BoardHandler),
    (r"/admin/attendance/report", ReportHandler),
    (r"/admin/attendance/report/export", ReportExportHandler),
    (r"/admin/attendance/report/exports", ReportExportJobHandler),
    (r"/admin/attendance/report/exports/([0-9a-z]{1,64})", ReportExportStatusHandler),
    (r"/admin/attendance/report/exports/([0-9a-z]{1,64})/file", ReportExportFileHandler),
    (r"/admin/attendance/review", ReviewHandler),
    (r"/admin/attendance/review/(\d{1,12})", ReviewHandler),
    (r"/admin/attendance/devices/(\d{1,12})", DeviceChangeHandler),
]
