"""Console attendance pages (考勤): over HTTP — permission (403) and scope (404), the place /
schedule / rule forms, the QR endpoint stepping with the test clock, board, report export, review;
in the browser — creating a place and a schedule, the entrance QR screen changing its code without a
reload, today's board after punches, the report with charts and a download. Screenshots go to
test-output/admin/att-*.png."""
import contextlib
import json
import os
import re
from pathlib import Path

import pytest

from models.attendance import AttendancePlace, AttendanceSchedule, Punch
from models.audit import AuditLog
from models.base import fetch_all
from tests.admin.console import CHROMIUM, Console, console_page
from tests.admin.test_pages_http import qr_sign_in
from tests.attendance.helpers import CENTRE, at, punch, setup_a

DAY = "2026-11-02"  # a Monday


def hr_console(server, api, org, staff=None):
    return qr_sign_in(server, api, staff or org.a_hr_officer)


def _rows(server, model, *where):
    return server.run(fetch_all(model.select().where(*where) if where else model.select()))


# ---- permission and scope ----------------------------------------------------------------------

ATT_PAGES = ["/admin/attendance/settings/places", "/admin/attendance/settings/schedules",
             "/admin/attendance/settings/rules", "/admin/attendance/board",
             "/admin/attendance/report", "/admin/attendance/review",
             "/admin/attendance/report/export?format=csv"]


def test_console_user_without_attendance_permissions_gets_403(server, api, org):
    _, place = setup_a(api, org)
    checker = hr_console(server, api, org, org.a_checker)   # data checker: console, no attendance.*
    home = checker.get("/admin/")
    assert home.status_code == 200 and "/admin/attendance" not in home.text
    for path in ATT_PAGES + [f"/admin/attendance/settings/places/{place['id']}",
                             f"/admin/attendance/settings/places/{place['id']}/qr",
                             f"/admin/attendance/settings/places/{place['id']}/qr.json"]:
        r = checker.get(path)
        assert r.status_code == 403, (path, r.status_code)
    r = checker.post("/admin/attendance/settings/places", {"name": "偷建", "lat": CENTRE[0],
                                                          "lng": CENTRE[1], "radius": 300})
    assert r.status_code == 403
    assert checker.post("/admin/attendance/settings/rules", {"outside_policy": "refuse"}).status_code == 403
    assert len(_rows(server, AttendancePlace)) == 1


def test_inspector_sees_board_and_report_but_not_settings_or_review(server, api, org, f):
    inspector = f.staff(org.a_office, "纪检监督员甲", employee_no="A-INS")
    f.grant(inspector, "discipline_inspector", "unit_tree", unit=org.a)
    c = hr_console(server, api, org, inspector)
    nav = re.search(r'<nav class="sidenav".*?</nav>', c.get("/admin/").text, re.S).group(0)
    assert "考勤看板" in nav and "考勤统计" in nav and "考勤设置" not in nav and "打卡复核" not in nav
    assert c.get("/admin/attendance/board").status_code == 200
    assert c.get("/admin/attendance/report").status_code == 200
    for path in ("/admin/attendance/settings/places", "/admin/attendance/settings/rules",
                 "/admin/attendance/review"):
        assert c.get(path).status_code == 403, path


def test_other_units_places_and_schedules_are_404(server, api, org):
    hr_a, place = setup_a(api, org)
    schedule = hr_a.get("/api/attendance/schedules").data[0]
    b = hr_console(server, api, org, org.b_hr_officer)
    listing = b.get("/admin/attendance/settings/places")
    assert listing.status_code == 200 and "甲局机关大楼" not in listing.text
    pid, sid = place["id"], schedule["id"]
    for path in (f"/admin/attendance/settings/places/{pid}", f"/admin/attendance/settings/places/{pid}/qr",
                 f"/admin/attendance/settings/places/{pid}/qr.json",
                 f"/admin/attendance/settings/schedules/{sid}"):
        assert b.get(path).status_code == 404, path
    assert b.post(f"/admin/attendance/settings/places/{pid}", {"name": "改名", "lat": CENTRE[0],
                                                              "lng": CENTRE[1], "radius": 300}).status_code == 404
    assert b.post(f"/admin/attendance/settings/places/{pid}/delete").status_code == 404
    assert b.post(f"/admin/attendance/settings/schedules/{sid}/delete").status_code == 404
    assert b.get(f"/admin/attendance/settings/rules?unit_id={org.a.id}").status_code == 404
    assert b.post(f"/admin/attendance/settings/rules?unit_id={org.a.id}",
                  {"proofs": "qr", "outside_policy": "refuse", "accuracy_limit_m": "100",
                   "max_speed_kmh": "120", "makeup_monthly_limit": "3",
                   "makeup_deadline_days": "5"}).status_code == 404
    row = _rows(server, AttendancePlace, AttendancePlace.id == pid)[0]
    assert row.name == "甲局机关大楼" and row.active


# ---- the forms -------------------------------------------------------------------------------

def test_place_form_validates_creates_edits_and_deactivates(server, api, org):
    c = hr_console(server, api, org)
    form = {"name": "机关大楼", "lat": str(CENTRE[0]), "lng": str(CENTRE[1]), "radius": "99",
            "wifi_bssids": "AA-BB-CC-DD-EE-FF\n11:22:33:44:55:66", "qr_enabled": "1"}
    r = c.post("/admin/attendance/settings/places", form)
    assert r.status_code == 422 and "围栏半径应在 100–3000 米之间" in r.text
    assert 'value="机关大楼"' in r.text                       # the form keeps what was typed
    r = c.post("/admin/attendance/settings/places", {**form, "radius": "3001"})
    assert r.status_code == 422
    r = c.post("/admin/attendance/settings/places", {**form, "radius": "500", "wifi_bssids": "not-mac"})
    assert r.status_code == 422 and "BSSID" in r.text
    r = c.post("/admin/attendance/settings/places", {**form, "lat": "north"})
    assert r.status_code == 422 and "应为数字" in r.text
    r = c.post("/admin/attendance/settings/places", {**form, "radius": "500"})
    assert r.status_code == 302, r.text[:500]
    place = _rows(server, AttendancePlace)[0]
    assert place.unit_id == org.a.id and place.fences == [{"lat": CENTRE[0], "lng": CENTRE[1], "radius": 500}]
    assert place.wifi_bssids == ["aa:bb:cc:dd:ee:ff", "11:22:33:44:55:66"] and place.qr_enabled
    page = c.get(r.headers["Location"])
    assert page.status_code == 200 and "已新增考勤地点：机关大楼" in page.text
    # Edit: a second fence, QR off.
    r = c.post(f"/admin/attendance/settings/places/{place.id}", {
        "name": "机关大楼（新）", "lat": [str(CENTRE[0]), "39.95"], "lng": [str(CENTRE[1]), "116.40"],
        "radius": ["500", "200"], "wifi_bssids": "", "active": "1"})
    assert r.status_code == 302
    place = _rows(server, AttendancePlace)[0]
    assert place.name == "机关大楼（新）" and len(place.fences) == 2 and not place.qr_enabled
    assert place.wifi_bssids == []
    assert c.post(f"/admin/attendance/settings/places/{place.id}/delete").status_code == 302
    assert not _rows(server, AttendancePlace)[0].active
    audit = _rows(server, AuditLog, AuditLog.action == "attendance.place.save")
    assert len(audit) == 2 and all(a.actor == org.a_hr_officer.id for a in audit)


def test_schedule_form_fixed_seasonal_and_flexible(server, api, org):
    c = hr_console(server, api, org)
    r = c.post("/admin/attendance/settings/schedules", {
        "name": "标准作息", "kind": "fixed", "s_start": ["08:30", "14:30", ""],
        "s_end": ["12:00", "17:30", ""], "grace_late": "5", "grace_early": "5"})
    assert r.status_code == 302, r.text[:800]
    r = c.post("/admin/attendance/settings/schedules", {
        "name": "夏季作息", "kind": "fixed", "s_start": ["08:00", "15:00"], "s_end": ["12:00", "18:00"],
        "season_start": "05-01", "season_end": "09-30"})
    assert r.status_code == 302
    # Overlapping sessions and a flexible one without its core: re-rendered with the reasons.
    r = c.post("/admin/attendance/settings/schedules", {
        "name": "错", "kind": "fixed", "s_start": ["08:00", "11:00"], "s_end": ["12:00", "17:00"]})
    assert r.status_code == 422 and "不重叠" in r.text
    r = c.post("/admin/attendance/settings/schedules", {
        "name": "弹性", "kind": "flexible", "department_id": str(org.a_hr.id), "required_hours": "8"})
    assert r.status_code == 422 and "核心时段" in r.text
    r = c.post("/admin/attendance/settings/schedules", {
        "name": "人事科弹性", "kind": "flexible", "department_id": str(org.a_hr.id),
        "core_start": "10:00", "core_end": "16:00", "required_hours": "7.5", "grace_late": "abc"})
    assert r.status_code == 422 and "应为数字" in r.text
    r = c.post("/admin/attendance/settings/schedules", {
        "name": "人事科弹性", "kind": "flexible", "department_id": str(org.a_hr.id),
        "core_start": "10:00", "core_end": "16:00", "required_hours": "7.5"})
    assert r.status_code == 302
    rows = {s.name: s for s in _rows(server, AttendanceSchedule)}
    assert set(rows) == {"标准作息", "夏季作息", "人事科弹性"}
    assert rows["标准作息"].sessions == [{"start": "08:30", "end": "12:00"}, {"start": "14:30", "end": "17:30"}]
    assert rows["夏季作息"].season_start == "05-01"
    assert rows["人事科弹性"].department_id == org.a_hr.id and rows["人事科弹性"].required_minutes == 450
    listing = c.get("/admin/attendance/settings/schedules").text
    assert "05-01 至 09-30" in listing and "弹性：核心 10:00–16:00，7.5 小时" in listing and "人事科" in listing
    # Edit keeps what is not on the form; delete.
    sid = rows["标准作息"].id
    r = c.post(f"/admin/attendance/settings/schedules/{sid}", {
        "name": "标准作息", "kind": "fixed", "s_start": ["08:30", "14:00"], "s_end": ["12:00", "17:30"],
        "grace_late": "10", "grace_early": "5", "active": "1"})
    assert r.status_code == 302
    s = _rows(server, AttendanceSchedule, AttendanceSchedule.id == sid)[0]
    assert s.grace_late == 10 and s.sessions[1]["start"] == "14:00" and s.active
    assert c.post(f"/admin/attendance/settings/schedules/{sid}/delete").status_code == 302
    assert not _rows(server, AttendanceSchedule, AttendanceSchedule.id == sid)


def test_rule_form_saves_and_refuses_bad_values(server, api, org):
    c = hr_console(server, api, org)
    page = c.get("/admin/attendance/settings/rules")
    assert page.status_code == 200 and "geofence|qr" in page.text
    good = {"proofs": "geofence&wifi", "outside_policy": "refuse", "accuracy_limit_m": "80",
            "max_speed_kmh": "150", "bind_device": "1", "makeup_monthly_limit": "2",
            "makeup_deadline_days": "3"}
    assert c.post("/admin/attendance/settings/rules", good).status_code == 302
    rule = api.as_(org.a_hr_officer).get(f"/api/attendance/rules/{org.a.id}").data
    assert rule["proofs_expr"] == "geofence&wifi" and rule["outside_policy"] == "refuse"
    assert rule["makeup_monthly_limit"] == 2 and rule["accuracy_limit_m"] == 80
    for bad in ({"accuracy_limit_m": "5"}, {"makeup_deadline_days": "x"}, {"proofs": "magic"},
                {"outside_policy": "shrug"}):
        r = c.post("/admin/attendance/settings/rules", {**good, **bad})
        assert r.status_code == 422, bad
    assert api.as_(org.a_hr_officer).get(f"/api/attendance/rules/{org.a.id}").data["makeup_deadline_days"] == 3
    # issue 14: going live, 补请假 limit, the QR position check; empty clears the optional two
    extra = {"start_date": "2026-11-16", "leave_backdate_days": "7", "qr_gps_max_m": "800"}
    assert c.post("/admin/attendance/settings/rules", {**good, **extra}).status_code == 302
    rule = api.as_(org.a_hr_officer).get(f"/api/attendance/rules/{org.a.id}").data
    assert (rule["start_date"], rule["leave_backdate_days"], rule["qr_gps_max_m"]) == ("2026-11-16", 7, 800)
    assert 'value="2026-11-16"' in c.get("/admin/attendance/settings/rules").text
    assert c.post("/admin/attendance/settings/rules", {**good, "start_date": "2026-13-01"}).status_code == 422
    assert c.post("/admin/attendance/settings/rules", {**good, "start_date": "", "leave_backdate_days": ""}).status_code == 302
    rule = api.as_(org.a_hr_officer).get(f"/api/attendance/rules/{org.a.id}").data
    assert (rule["start_date"], rule["leave_backdate_days"], rule["qr_gps_max_m"]) == (None, None, 800)


# ---- QR, board, report, review ----------------------------------------------------------------

def test_qr_endpoint_steps_with_the_clock(server, api, org):
    _, place = setup_a(api, org)
    c = hr_console(server, api, org)
    url = f"/admin/attendance/settings/places/{place['id']}/qr.json"
    a = c.get(url, headers=at(f"{DAY} 08:00:01")).json()["data"]
    b = c.get(url, headers=at(f"{DAY} 08:00:29")).json()["data"]
    n = c.get(url, headers=at(f"{DAY} 08:00:31")).json()["data"]
    assert a["token"] == b["token"] and a["expires_in"] == 29 and b["expires_in"] == 1
    assert n["token"] != a["token"] and n["step"] == a["step"] + 1
    assert n["svg"].startswith("<svg") or "<svg" in n["svg"][:200]
    # The token scanned from the screen is accepted by the punch path.
    r = punch(api.as_(org.office_1), f"{DAY} 08:00:40", north=5000, qr_token=n["token"])
    assert r.status == 201 and "qr" in r.data["proofs"] and r.data["kind"] == "normal"
    page = c.get(f"/admin/attendance/settings/places/{place['id']}/qr?period=1")
    assert page.status_code == 200 and 'data-period="1"' in page.text and "甲局" in page.text


def test_board_report_export_and_review(server, api, org):
    setup_a(api, org, rule={"accuracy_limit_m": 100})
    punch(api.as_(org.office_1), f"{DAY} 08:20")
    punch(api.as_(org.office_2), f"{DAY} 08:41")
    flagged = punch(api.as_(org.fin_1), f"{DAY} 08:25", accuracy=600)
    assert flagged.data["review_status"] == "pending"
    c = hr_console(server, api, org)
    board = c.get("/admin/attendance/board", headers=at(f"{DAY} 10:00"))
    assert board.status_code == 200
    late = re.search(r'id="group-late".*?</div>\s*</div>', board.text, re.S).group(0)
    assert "办公室职工二" in late and "迟到 11 分钟" in late
    assert re.search(r'data-count="late">1<', board.text)
    assert re.search(r'data-count="in">2<', board.text)
    office = c.get(f"/admin/attendance/board?department_id={org.a_office.id}", headers=at(f"{DAY} 10:00"))
    assert "财务科职工一" not in office.text and "办公室职工一" in office.text
    report = c.get("/admin/attendance/report?month=2026-11", headers=at(f"{DAY} 20:00"))
    assert report.status_code == 200 and "<svg" in report.text and 'id="chart-late"' in report.text
    assert "办公室职工二" in report.text
    csv = c.get("/admin/attendance/report/export?month=2026-11&format=csv", headers=at(f"{DAY} 20:00"))
    assert csv.status_code == 200 and "attachment" in csv.headers["Content-Disposition"]
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("工号,姓名,部门") and "办公室职工二" in text
    xlsx = c.get("/admin/attendance/report/export?month=2026-11&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert c.get("/admin/attendance/report/export?format=pdf").status_code == 422
    # Review: the flagged punch is listed; accepting it is audited; B's HR cannot touch it.
    queue = c.get("/admin/attendance/review")
    assert "财务科职工一" in queue.text and "定位精度不足" in queue.text
    b = hr_console(server, api, org, org.b_hr_officer)
    assert "财务科职工一" not in b.get("/admin/attendance/review").text
    assert b.post(f"/admin/attendance/review/{flagged.data['id']}", {"decision": "reject"}).status_code == 404
    r = c.post(f"/admin/attendance/review/{flagged.data['id']}", {"decision": "accept", "note": "电梯间信号差"})
    assert r.status_code == 302
    row = _rows(server, Punch, Punch.id == flagged.data["id"])[0]
    assert row.review_status == "accepted" and row.review_note == "电梯间信号差"
    assert _rows(server, AuditLog, AuditLog.action == "attendance.punch.accepted")
    assert "财务科职工一" not in c.get("/admin/attendance/review").text
    assert "电梯间信号差" in c.get("/admin/attendance/review?status=accepted").text


# ---- in the browser ----------------------------------------------------------------------------

browser_only = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")
from tests.admin.test_console_browser import browser  # noqa: E402,F401  (the shared fixture)


@pytest.fixture
def hr_page(browser, server, api, org):
    """A browser signed in as 甲人事专员 (scan-to-sign-in over HTTP, cookie handed over)."""
    with contextlib.ExitStack() as pages:
        def make(width=1366, height=860, staff=None, now=None):
            c = hr_console(server, api, org, staff)
            return pages.enter_context(console_page(c, server.base_url, browser=browser, width=width,
                                                    height=height, headers=at(now) if now else None))
        yield make


def shot(page, name):
    from tests.admin.test_console_browser import shot as base_shot
    base_shot(page, f"att-{name}")


@browser_only
def test_browser_create_place_and_schedule(hr_page, server, org):
    page = hr_page()
    page.goto("/admin/")
    page.click("nav.sidenav a:has-text('考勤设置')")
    page.wait_for_url("**/admin/attendance/settings/places")
    page.fill("#p-name", "甲局机关大楼")
    page.fill("#lat-0", str(CENTRE[0]))
    page.fill("#lng-0", str(CENTRE[1]))
    page.fill("#radius-0", "300")
    page.fill("#p-bssids", "aa:bb:cc:dd:ee:ff")
    page.click("#place-form button[type=submit]")
    assert "已新增考勤地点：甲局机关大楼" in page.inner_text(".notice.ok")
    shot(page, "01-place-saved")
    page.click(".att-tabs a:has-text('作息时间')")
    page.fill("#s-name", "标准作息")
    page.fill("#s-start-0", "08:30")
    page.fill("#s-end-0", "12:00")
    page.fill("#s-start-1", "14:30")
    page.fill("#s-end-1", "17:30")
    page.fill("#s-grace-late", "5")
    page.click("#schedule-form button[type=submit]")
    assert "已新增作息：标准作息" in page.inner_text(".notice.ok")
    assert "08:30–12:00" in page.inner_text("#schedules-table")
    # A flexible one shows only its own fields.
    page.select_option("#s-kind", "flexible")
    assert page.is_hidden("#s-start-0") and page.is_visible("#s-core-start")
    shot(page, "02-schedules")
    page.click(".att-tabs a:has-text('考勤规则')")
    page.select_option("#r-proofs", "geofence|wifi|qr")
    page.fill("#r-limit", "2")
    page.click("#rule-form button[type=submit]")
    assert "已保存考勤规则" in page.inner_text(".notice.ok")
    shot(page, "03-rules")
    places = _rows(server, AttendancePlace)
    assert [p.name for p in places] == ["甲局机关大楼"] and places[0].fences[0]["radius"] == 300


@browser_only
def test_browser_entrance_qr_changes_without_reload(hr_page, server, api, org):
    _, place = setup_a(api, org)
    page = hr_page(width=1280, height=800)
    # A stepped clock: each poll of the QR endpoint is 30 s later than the one before.
    calls = {"n": 0}

    def step_clock(route):
        calls["n"] += 1
        second = 5 + 30 * calls["n"]
        headers = {**route.request.headers,
                   **at(f"{DAY} 08:{second // 60:02d}:{second % 60:02d}")}
        route.continue_(headers=headers)
    page.route("**/qr.json", step_clock)
    page.goto(f"/admin/attendance/settings/places/{place['id']}/qr?period=2")
    page.wait_for_selector("#qr-code svg")
    first = page.get_attribute("#qr-code", "data-token")
    assert first.startswith(f"{place['id']}.")
    assert "甲局" in page.inner_text("#qr-unit")
    assert re.fullmatch(r"\d\d:\d\d:\d\d", page.inner_text("#qr-clock").strip())
    assert page.inner_text("#qr-seconds").strip().isdigit()
    shot(page, "04-entrance-qr")
    page.evaluate("window.__marker = 'same page'")
    # A selector wait, not wait_for_function: the console's CSP has no 'unsafe-eval' (issue 9).
    page.wait_for_selector(f"#qr-code:not([data-token={json.dumps(first)}])", state="attached",
                           timeout=10000)
    assert page.evaluate("window.__marker") == "same page"       # no reload happened
    second = page.get_attribute("#qr-code", "data-token")
    assert int(second.split(".")[1]) == int(first.split(".")[1]) + 1
    # The code on the screen is one the punch path accepts.
    r = punch(api.as_(org.office_1), f"{DAY} 08:01:10", north=5000, qr_token=second)
    assert r.status == 201 and "qr" in r.data["proofs"], r


@browser_only
def test_browser_board_after_punches(hr_page, server, api, org):
    setup_a(api, org)
    punch(api.as_(org.office_1), f"{DAY} 08:20")
    punch(api.as_(org.office_2), f"{DAY} 08:47")
    punch(api.as_(org.fin_1), f"{DAY} 08:29", north=2000, reason="到市财政局对账")
    page = hr_page(now=f"{DAY} 10:00")
    page.goto("/admin/")
    page.click("nav.sidenav a:has-text('考勤看板')")
    page.wait_for_url("**/admin/attendance/board")
    assert page.inner_text("[data-count=in]").strip() == "2"
    assert page.inner_text("[data-count=late]").strip() == "1"
    assert "办公室职工二" in page.inner_text("#group-late") and "迟到 17 分钟" in page.inner_text("#group-late")
    assert "财务科职工一" in page.inner_text("#group-in")
    assert "办公室职工一" not in page.inner_text("#group-missing")
    assert "财务科" in page.inner_text("#board-depts")
    shot(page, "05-board")
    page.select_option("#b-dept", str(org.a_office.id))
    page.wait_for_url(f"**department_id={org.a_office.id}")
    assert "财务科职工一" not in page.inner_text("main")
    shot(page, "06-board-office")
    tablet = hr_page(width=768, height=1024, now=f"{DAY} 10:00")
    tablet.goto("/admin/attendance/board")
    shot(tablet, "07-board-tablet")


@browser_only
def test_browser_report_with_charts_and_export(hr_page, server, api, org, tmp_path):
    setup_a(api, org)
    for who, when in ((org.office_1, "08:20"), (org.office_2, "08:52"), (org.fin_1, "09:10"),
                      (org.hr_1, "08:31")):
        punch(api.as_(who), f"{DAY} {when}")
    punch(api.as_(org.office_1), f"{DAY} 17:40")
    page = hr_page(now=f"{DAY} 20:00")
    page.goto("/admin/attendance/report?month=2026-11")
    assert page.locator("#chart-rate svg rect").count() >= 3
    assert page.locator("#chart-late svg rect").count() == 2
    assert "财务科" in page.inner_text("#chart-late")          # the whole scope's departments
    assert "办公室职工二" in page.inner_text("#report-table")
    assert page.inner_text("[data-count=late]") == "2"            # office_2 and fin_1
    shot(page, "08-report")
    with page.expect_download() as dl:
        page.click("#export-csv")
    content = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
    assert dl.value.suggested_filename == "attendance-2026-11.csv"
    assert "办公室职工二" in content and "迟到分钟" in content
    # Excel is a background job: a progress page, then the download (issue 16).
    page.click("#export-xlsx")
    page.wait_for_url("**/admin/attendance/report/exports/*")
    page.wait_for_selector("#export-download", timeout=15000)
    assert page.get_attribute("#export-job", "data-status") == "done"
    shot(page, "08-report-export-ready")
    with page.expect_download() as dl:
        page.click("#export-download")
    assert dl.value.suggested_filename == "attendance-2026-11.xlsx"
    assert Path(dl.value.path()).read_bytes()[:2] == b"PK"
    # The month picker is two Chinese selects (年, 月), whatever the browser's language.
    page.goto("/admin/attendance/report?month=2026-11")
    assert page.locator("input[type=month]").count() == 0
    picked = page.locator(".month-pick select option:checked").all_inner_texts()
    assert picked == ["2026 年", "11 月"], picked
    page.select_option("#r-month-m", "10")
    page.click("form.toolbar button[type=submit]")
    page.wait_for_url("**/admin/attendance/report?month=2026-10*")
    assert page.locator(".month-pick select option:checked").all_inner_texts() == ["2026 年", "10 月"]
    shot(page, "08-report-month-picker")


@browser_only
def test_browser_report_pages_and_name_search(hr_page, server, api, org, monkeypatch):
    from admin import attendance_reports

    monkeypatch.setattr(attendance_reports.ReportHandler, "PAGE_SIZE", 5)
    setup_a(api, org)
    punch(api.as_(org.fin_1), f"{DAY} 09:10")
    page = hr_page(now=f"{DAY} 20:00")
    page.goto("/admin/attendance/report?month=2026-11")
    total = int(page.inner_text("[data-count=people]"))
    pages = -(-total // 5)
    assert total >= 14 and f"第 1 / {pages} 页" in page.inner_text("#report-pager")
    first = page.locator("#report-table tbody tr").all_inner_texts()
    assert len(first) == 5 and page.locator("#report-prev").count() == 0
    assert page.inner_text("[data-count=late]") == "1"
    page.click("#report-next")
    page.wait_for_url("**page=2**")
    second = page.locator("#report-table tbody tr").all_inner_texts()
    assert len(second) == 5 and not set(first) & set(second)
    assert f"第 2 / {pages} 页" in page.inner_text("#report-pager")
    assert page.inner_text("[data-count=late]") == "1"                # totals: the whole scope
    shot(page, "08-report-page-2")
    page.fill("#r-q", "财务科")
    page.click("form.toolbar button.primary")
    page.wait_for_url("**q=**")
    rows = page.locator("#report-table tbody tr").all_inner_texts()
    assert len(rows) == 3 and all("财务科" in r for r in rows), rows
    assert "共 3 人 · 第 1 / 1 页" in page.inner_text("#report-pager")
    assert page.locator("#report-next").count() == 0
    page.fill("#r-q", "没有这个人")
    page.click("form.toolbar button.primary")
    page.wait_for_url("**q=%E6%B2%A1**")
    assert "没有姓名包含" in page.inner_text("#report-table")


@browser_only
def test_browser_review_queue(hr_page, server, api, org):
    setup_a(api, org)
    bad = punch(api.as_(org.fin_2), f"{DAY} 08:25", accuracy=900)
    punch(api.as_(org.office_2), f"{DAY} 08:26", north=3000, reason="外出调研")
    page = hr_page(now=f"{DAY} 10:00")
    page.goto("/admin/attendance/review")
    assert "定位精度不足" in page.inner_text("#review-table") and "外出调研" in page.inner_text("#review-table")
    shot(page, "09-review")
    page.fill(f"#punch-{bad.data['id']} input[name=note]", "核实为本人，地下室信号差")
    page.click(f"#punch-{bad.data['id']} button:has-text('认可')")
    assert "已认可该打卡" in page.inner_text(".notice.ok")
    assert f"punch-{bad.data['id']}" not in page.content()


def test_device_change_decided_from_the_review_page(server, api, org):
    setup_a(api, org)
    phone = api.as_(org.office_1)
    punch(phone, f"{DAY} 08:20", device="old-phone")
    r = phone.post("/api/attendance/device-change", {"device_id": "new-phone", "reason": "换了新手机"})
    assert r.status == 201
    c = hr_console(server, api, org)
    page = c.get("/admin/attendance/review")
    assert "换了新手机" in page.text and "new-phone" in page.text
    b = hr_console(server, api, org, org.b_hr_officer)
    assert "换了新手机" not in b.get("/admin/attendance/review").text
    assert b.post(f"/admin/attendance/devices/{r.data['id']}", {"decision": "approve"}).status_code == 404
    assert c.post(f"/admin/attendance/devices/{r.data['id']}", {"decision": "maybe"}).status_code == 422
    assert c.post(f"/admin/attendance/devices/{r.data['id']}", {"decision": "approve"}).status_code == 302
    assert "暂无待处理的换机申请" in c.get("/admin/attendance/review").text
    # The new phone is now the bound one: its punch is not flagged.
    assert punch(phone, f"{DAY} 17:40", device="new-phone").data["flags"] == []
    # Deciding twice is refused with a message, not an error page.
    r2 = c.post(f"/admin/attendance/devices/{r.data['id']}", {"decision": "reject"})
    assert r2.status_code == 302
    assert "该申请已处理" in c.get("/admin/attendance/review").text


def test_unit_switch_shows_only_for_several_units(server, api, org, f):
    c = hr_console(server, api, org)
    assert 'id="unit-switch"' not in c.get("/admin/attendance/settings/places").text
    boss = f.staff(org.a_office, "全局人事", employee_no="A-ALL")
    f.grant(boss, "hr_officer", "all")
    c2 = hr_console(server, api, org, boss)
    page = c2.get(f"/admin/attendance/settings/rules?unit_id={org.b.id}")
    assert 'id="unit-switch"' in page.text and "乙局" in page.text
    assert re.search(rf'<option value="{org.b.id}" selected', page.text)
