"""The demo unit: a bureau with departments, a sub-department, 30+ staff, leaders and admins."""
import datetime
import random

from peewee import JOIN

from models.access import Grant, Role
from models.base import atomic, count
from models.org import Department, DepartmentDeputy, Position, Rank, Staff, Unit
from services.orgtree import create_department_row, create_unit_row
from services.roles_seed import seed_national_ranks

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
         "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华", "玉兰", "红", "志强"]
DEPARTMENTS = [("局领导", None), ("办公室", None), ("人事科", None), ("财务科", None),
               ("业务一科", None), ("档案室", "人事科")]


def _id_no(rng, birth):
    body = f"110101{birth:%Y%m%d}{rng.randint(100, 999)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


async def load_demo(*, env, force=False):
    """Create the demo data once; returns the accounts to print."""
    if await count(Unit.select()) and not force:
        return await demo_accounts()
    rng = random.Random(20261126)
    cipher = env.cipher
    async with atomic():
        await seed_national_ranks()
        ranks = {r.name: r for r in await Rank.select().aexecute()}
        top = await create_unit_row(name="示范市人力资源和社会保障局", code="DEMO")
        await create_unit_row(name="示范市就业服务中心", code="DEMO-JY", parent=top)
        depts = {}
        for name, parent in DEPARTMENTS:
            depts[name] = await create_department_row(unit=top, name=name, parent=depts.get(parent))
        positions = {}
        for pname, leading in (("局长", True), ("副局长", True), ("科长", True), ("副科长", True),
                               ("科员", False), ("主任", True)):
            positions[pname] = await Position.acreate(unit=top, name=pname, is_leading=leading)

        n = 0

        async def person(dept, position, rank, name=None):
            nonlocal n
            n += 1
            birth = datetime.date(1965 + rng.randint(0, 32), rng.randint(1, 12), rng.randint(1, 28))
            phone = f"139{n:08d}"
            id_no = _id_no(rng, birth)
            start = birth.replace(year=birth.year + 22 + rng.randint(0, 3), day=1)
            return await Staff.acreate(
                employee_no=f"D{n:03d}", name=name or rng.choice(SURNAMES) + rng.choice(GIVEN),
                unit=top, department=depts[dept].id, position=positions[position].id,
                rank=ranks[rank].id, gender=rng.choice("MF"), hire_date=start,
                first_employment_date=start, phone_enc=cipher.encrypt(phone),
                phone_hash=cipher.blind_index(phone), id_no_enc=cipher.encrypt(id_no),
                id_no_hash=cipher.blind_index(id_no))

        head = await person("局领导", "局长", "一级巡视员", "周建国")
        deputy1 = await person("局领导", "副局长", "二级巡视员", "吴晓梅")
        deputy2 = await person("局领导", "副局长", "一级调研员", "郑海峰")
        await Unit.update(head=head.id).where(Unit.id == top.id).aexecute()
        await Department.update(leader=head.id).where(Department.id == depts["局领导"].id).aexecute()
        for dep in (deputy1, deputy2):
            await DepartmentDeputy.acreate(department=depts["局领导"].id, staff=dep.id)
        supervisors = {"办公室": deputy1, "人事科": deputy1, "档案室": deputy1,
                       "财务科": deputy2, "业务一科": deputy2}
        leaders = {}
        for dname in ("办公室", "人事科", "财务科", "业务一科", "档案室"):
            title = "主任" if dname in ("办公室", "档案室") else "科长"
            leaders[dname] = await person(dname, title, "三级调研员")
            await Department.update(leader=leaders[dname].id, supervisor=supervisors[dname].id).where(
                Department.id == depts[dname].id).aexecute()
        staff_counts = {"办公室": 6, "人事科": 5, "财务科": 5, "业务一科": 7, "档案室": 2}
        members = {}
        for dname, k in staff_counts.items():
            for i in range(k):
                rank = rng.choice(["一级主任科员", "二级主任科员", "四级主任科员", "一级科员"])
                s = await person(dname, "副科长" if i == 0 else "科员", rank)
                members.setdefault(dname, []).append(s)
        roles = {r.code: r for r in await Role.select().aexecute()}
        hr = members["人事科"][1]
        checker = members["办公室"][1]
        inspector = members["办公室"][2]
        await Grant.acreate(staff=hr.id, role=roles["hr_officer"].id, scope_type="unit_tree",
                            scope_unit=top.id)
        await Grant.acreate(staff=checker.id, role=roles["data_checker"].id,
                            scope_type="unit_tree", scope_unit=top.id)
        await Grant.acreate(staff=inspector.id, role=roles["discipline_inspector"].id,
                            scope_type="unit_tree", scope_unit=top.id)
    from services.admin_accounts import create_admin

    for username, name, tier in (("sysadmin", "系统管理员", "system"),
                                 ("secadmin", "安全保密管理员", "security"),
                                 ("auditor", "安全审计员", "audit")):
        await create_admin(env=env, username=username, name=name, tier=tier, unit_code="DEMO",
                           password="Mingjing@2026")
    await _seed_leave(top)
    await _seed_attendance(top)
    await _seed_appraisal_goals(env, top)
    await _seed_appraisal_results(env, top)
    await _seed_appraisal_alerts(top)
    return await demo_accounts()


async def _seed_leave(unit):
    """National leave types and the demo unit's leave flow (dept leader → supervisor > 3 days →
    head > 15 days), so the mini-program and the admin pages have something to show."""
    from models.approvals import ApprovalFlow
    from services.approval_rules import LEAVE_FLOW
    from services.leave_rules import ensure_national_types

    await ensure_national_types()
    async with atomic():
        if not await count(ApprovalFlow.select().where(ApprovalFlow.unit == unit.id,
                                                       ApprovalFlow.kind == "leave")):
            await ApprovalFlow.acreate(unit=unit.id, kind="leave", name="请假审批（示范局）",
                                       steps=[dict(s) for s in LEAVE_FLOW])


async def _seed_attendance(unit):
    """A two-session schedule with summer hours, the bureau building as a place (GCJ-02 fence,
    office Wi-Fi, rotating QR) and the default rule, so clocking in works out of the box."""
    from models.attendance import AttendancePlace, AttendanceRule, AttendanceSchedule

    async with atomic():
        if await count(AttendanceSchedule.select().where(AttendanceSchedule.unit == unit.id)):
            return
        await AttendanceSchedule.acreate(
            unit=unit.id, name="标准作息", grace_late=5, grace_early=5,
            sessions=[{"start": "08:30", "end": "12:00"}, {"start": "14:00", "end": "17:30"}])
        await AttendanceSchedule.acreate(
            unit=unit.id, name="夏季作息", grace_late=5, grace_early=5,
            season_start="06-01", season_end="09-30",
            sessions=[{"start": "08:30", "end": "12:00"}, {"start": "14:30", "end": "18:00"}])
        await AttendancePlace.acreate(
            unit=unit.id, name="局机关大楼", fences=[{"lat": 39.9087, "lng": 116.3975, "radius": 300}],
            wifi_bssids=["a4:39:b3:00:00:01"])
        await AttendanceRule.acreate(unit=unit.id, proofs=[["geofence"], ["qr"]])


async def _seed_appraisal_goals(env, unit):
    """The running annual cycle (services/appraisal/cycles.demo_cycle, idempotent) and goal sets
    in every state, made through the real services so each has its approval and audit trail."""
    from services.appraisal import cycles as appraisal_cycles

    cycle = await appraisal_cycles.demo_cycle(unit)
    await seed_goal_sets(env, cycle)
    await seed_progress(cycle)


async def _seed_appraisal_results(env, unit):
    """Last year's annual cycle, published, with an answered objection and an open appeal
    (services/appraisal/demo_results.py, idempotent)."""
    from services.appraisal.demo_results import seed_published_cycle

    await seed_published_cycle(env, unit)


async def _seed_appraisal_alerts(unit):
    """Integrity alerts on last year's published cycle (after _seed_appraisal_results): an 优秀
    whose attendance that year shows late days and a 旷工 day, and a score changed after the
    scoring deadline; then the alerts computed (services/appraisal/alerts.py). Idempotent."""
    from models.appraisal.cycles import AppraisalCycle
    from models.appraisal.outcomes import IntegrityAlert
    from models.appraisal.scoring import AppraisalResult, ScoreChange, ScoreSheet
    from models.attendance import DayStatus
    from models.base import get_one
    from services.appraisal import alerts
    from services.appraisal.alert_rules import scoring_deadline_utc

    cycle = await get_one(AppraisalCycle.select().where(
        AppraisalCycle.unit == unit.id, AppraisalCycle.kind == "annual",
        AppraisalCycle.status != "draft").order_by(AppraisalCycle.year))
    if cycle is None or not await count(AppraisalResult.select().where(AppraisalResult.cycle == cycle.id,
                                                                       AppraisalResult.published_at.is_null(False))):
        return
    if await count(IntegrityAlert.select().where(IntegrityAlert.cycle == cycle.id, IntegrityAlert.kind.in_(
            ("attendance_contradiction", "late_change")))):
        return
    top = await get_one(AppraisalResult.select().where(AppraisalResult.cycle == cycle.id,
                                                       AppraisalResult.grade == "excellent").order_by(AppraisalResult.id))
    closes_on, deadline = await scoring_deadline_utc(cycle)
    async with atomic():
        if top is not None:
            days = [datetime.date(cycle.year, 3, d) for d in (2, 3, 5, 9, 12, 16, 19)]
            await DayStatus.insert_many([
                {"staff": top.staff_id, "unit": unit.id, "department": top.department_id, "day": d,
                 "day_kind": "workday", "status": "absent" if n == 3 else "late",
                 "late_minutes": 0 if n == 3 else 10 + 3 * n, "late_count": 0 if n == 3 else 1}
                for n, d in enumerate(days)]).on_conflict_ignore().aexecute()
        sheet = await get_one(ScoreSheet.select().where(
            ScoreSheet.cycle == cycle.id, ScoreSheet.status == "submitted",
            ScoreSheet.participant != (top.staff_id if top else 0)).order_by(ScoreSheet.id.desc()))
        if sheet is not None and deadline is not None:
            await ScoreChange.acreate(sheet=sheet.id, item_key="k1", score=(sheet.total or 80) + 6,
                                      justification="截止后补改：补记全年办结件数", changed_by=sheet.rater_id,
                                      stage="draft", created_at=deadline + datetime.timedelta(days=2, hours=1))
    await alerts.compute_cycle(cycle.id)


def _demo_items(dept_name, year, n=0):
    return [
        {"title": f"{dept_name}年度重点任务办结率", "kind": "quantitative", "target": 100,
         "unit_of_measure": "%", "data_source": "督查督办系统",
         "formula": {"type": "capped", "floor": 60, "cap": 1.1}, "weight": 40,
         "due_date": f"{year}-12-15"},
        {"title": "政务信息报送", "kind": "quantitative", "target": 24 + n, "unit_of_measure": "篇",
         "formula": {"type": "threshold", "steps": [{"at": 12, "score": 60}, {"at": 18, "score": 80},
                                                    {"at": 24 + n, "score": 100}]},
         "weight": 30, "due_date": f"{year}-12-31"},
        {"title": "制度建设与廉政风险防控", "kind": "qualitative",
         "criteria": "修订本部门工作制度不少于 2 项，完成廉政风险点排查并报纪检监督员备案", "weight": 30,
         "due_date": f"{year}-11-30"},
    ]


async def seed_goal_sets(env, cycle):
    """Goal sets of `cycle` in every state: a draft; submitted and waiting for the 办公室 leader;
    returned with comments per item; confirmed; confirmed with a pending change request.
    Skipped when the cycle already has goal sets."""
    from models.appraisal.goals import GoalSet
    from services.access import load_principal
    from services.appraisal import goals
    from services.appraisal.common import local_today

    if await count(GoalSet.select().where(GoalSet.cycle == cycle.id)):
        return
    today = local_today(datetime.datetime.utcnow())
    depts = {d.name: d for d in await Department.select().where(Department.unit == cycle.unit_id).aexecute()}
    grants = await Grant.select(Grant, Role).join(Role).where(Role.code == "hr_officer").aexecute()
    hr_ids = [g.staff_id for g in grants]
    hr = await Staff.aget_or_none(Staff.id.in_(hr_ids or [0]), Staff.unit == cycle.unit_id)

    async def who(staff_id):
        p = await load_principal(staff_id)
        p.ip, p.request_id, p.env = "127.0.0.1", "demo", env
        return p

    async def members(name):
        dept = depts.get(name)
        if dept is None:
            return dept, []
        rows = await Staff.select().where(Staff.department == dept.id, Staff.id != (dept.leader_id or 0),
                                          Staff.status == "active").order_by(Staff.employee_no).aexecute()
        return dept, list(rows)

    async def start(staff, dept_name, n=0):
        me = await who(staff.id)
        gs = (await goals.my_goals(actor=me, cycle_id=cycle.id, today=today))["goal_set"]
        if gs is None:
            return me, None
        gs = await goals.save_draft(actor=me, goal_set_id=gs["id"], items=_demo_items(dept_name, cycle.year, n),
                                    version=gs["version"], today=today)
        return me, gs

    async def submitted(staff, dept_name, n=0):
        me, gs = await start(staff, dept_name, n)
        if gs is not None:
            gs = await goals.submit(env=env, actor=me, goal_set_id=gs["id"], today=today)
        return me, gs

    async def confirm(gs, leader_id):
        for reviewer in (leader_id, hr.id if hr else None):
            if reviewer:
                await goals.review(env=env, actor=await who(reviewer), goal_set_id=gs["id"],
                                   decision="approve", comment="同意", today=today)

    office, office_staff = await members("办公室")
    finance, finance_staff = await members("财务科")
    business, business_staff = await members("业务一科")
    if len(office_staff) >= 5:
        await start(office_staff[3], "办公室")                                   # draft
        await submitted(office_staff[4], "办公室")                               # waiting for the leader
    if len(finance_staff) >= 2 and finance.leader_id:
        _, gs = await submitted(finance_staff[1], "财务科", 6)                   # returned
        if gs:
            keys = [i["key"] for i in gs["current"]["items"]]
            await goals.review(env=env, actor=await who(finance.leader_id), goal_set_id=gs["id"],
                               decision="return", comment="请结合部门指标细化",
                               items=[{"key": keys[1], "comment": "信息报送目标偏低，建议不少于 30 篇"},
                                      {"key": keys[2], "comment": "完成标准请写明时间节点"}],
                               today=today)
    if len(business_staff) >= 3 and business.leader_id:
        for i, staff in enumerate(business_staff[1:3]):
            me, gs = await submitted(staff, "业务一科", i)
            if gs:
                await confirm(gs, business.leader_id)                           # confirmed
        me, gs = await submitted(business_staff[3] if len(business_staff) > 3 else business_staff[0],
                                 "业务一科", 3)
        if gs:
            await confirm(gs, business.leader_id)
            gs = await goals.request_change(actor=me, goal_set_id=gs["id"],
                                            reason="承接市政务服务“一网通办”专项任务，调整目标", today=today)
            items = [{k: i[k] for k in ("key", "title", "kind", "target", "unit_of_measure",
                                        "data_source", "formula", "criteria", "weight", "due_date")}
                     for i in gs["current"]["items"]]
            items[1]["weight"] = 20
            items.append({"title": "“一网通办”事项梳理", "kind": "qualitative",
                          "criteria": "完成本科室全部事项的梳理并上线", "weight": 10,
                          "due_date": f"{cycle.year}-09-30"})
            gs = await goals.save_draft(actor=me, goal_set_id=gs["id"], items=items,
                                        version=gs["version"], today=today)
            await goals.submit(env=env, actor=me, goal_set_id=gs["id"], today=today)  # change pending



async def seed_progress(cycle):
    """Progress rows on the confirmed goal sets of `cycle` (after seed_goal_sets): the owner's
    reports on each item (two months apart, so the history shows a trend) and, for the first
    person, an HR-imported figure that locks that item against the owner. Written straight to
    the table — the demo cycle is still in goal setting, where the progress API refuses reports.
    Skipped when the cycle already has progress."""
    from models.appraisal.goals import GoalItem, GoalSet
    from models.appraisal.progress import GoalProgress
    from services.appraisal.common import local_today

    sets = await GoalSet.select().where(GoalSet.cycle == cycle.id,
                                        GoalSet.confirmed_version_id.is_null(False)).order_by(GoalSet.id).aexecute()
    sets = list(sets)
    if not sets or await count(GoalProgress.select().where(GoalProgress.goal_set.in_([g.id for g in sets]))):
        return
    today = local_today(datetime.datetime.utcnow())
    earlier = max(datetime.date(cycle.year, 1, 1), today - datetime.timedelta(days=60))
    async with atomic():
        for n, gs in enumerate(sets):
            items = list(await GoalItem.select().where(GoalItem.version == gs.confirmed_version_id)
                         .order_by(GoalItem.sort, GoalItem.id).aexecute())
            for i, it in enumerate(items):
                for when, share, note in ((earlier, 0.35, "阶段进展"), (today, 0.6, "截至目前累计")):
                    if when == earlier and today - earlier < datetime.timedelta(days=7):
                        continue
                    if it.kind == "quantitative" and it.target is not None:
                        value = round(it.target * (share + 0.05 * n), 1)
                        await GoalProgress.acreate(goal_set=gs.id, item_key=it.key, reported_on=when,
                                                   actual_value=value, note=f"{note}：{value}{it.unit_of_measure}",
                                                   source="owner", recorded_by=gs.staff_id)
                    elif it.kind == "qualitative":
                        await GoalProgress.acreate(goal_set=gs.id, item_key=it.key, reported_on=when,
                                                   percent=round(share * 100), note=f"{note}：已完成制度修订初稿",
                                                   source="owner", recorded_by=gs.staff_id)
                if n == 0 and i == 1 and it.kind == "quantitative" and it.target is not None:
                    await GoalProgress.acreate(goal_set=gs.id, item_key=it.key, reported_on=today,
                                               actual_value=round(it.target * 0.5), source="import",
                                               note="办公室信息科统计", batch="imp-demo")

async def demo_accounts():
    rows = await (Staff.select(Staff, Department)
                  .join(Department, on=(Staff.department == Department.id), join_type=JOIN.LEFT_OUTER)
                  .order_by(Staff.employee_no).aexecute())
    grants = {}
    for g in await Grant.select(Grant, Role).join(Role).where(Grant.revoked_at.is_null()).aexecute():
        grants.setdefault(g.staff_id, []).append(g.role.name)
    leaders = {d.leader_id: d.name for d in await Department.select().aexecute() if d.leader_id}
    out = []
    for s in rows:
        roles = list(grants.get(s.id, []))
        if s.id in leaders:
            roles.append(f"{leaders[s.id]}负责人")
        out.append({"employee_no": s.employee_no, "name": s.name,
                    "department": s.department.name if s.department_id else "—",
                    "roles": roles, "service_account": s.is_service_account})
    return out


def print_accounts(accounts):
    print("\n明镜演示数据已就绪。小程序开发登录（POST /api/auth/dev）可用下列工号：")
    print(f"{'工号':<10}{'姓名':<10}{'部门':<10}角色")
    for a in accounts:
        if a["service_account"]:
            continue
        if a["roles"] or a["employee_no"] in ("D004", "D010", "D020"):
            print(f"{a['employee_no']:<10}{a['name']:<10}{a['department']:<10}{'、'.join(a['roles']) or '职工'}")
    people = [a["employee_no"] for a in accounts if not a["service_account"]]
    if people:
        print(f"（共 {len(people)} 名职工，工号 {people[0]}–{people[-1]}；未列出的均为普通职工）")
    print("管理后台 /admin 三员账号（初始密码 Mingjing@2026；首次登录先绑定动态口令，再改为 12 位以上的新密码）：")
    for a in accounts:
        if a["service_account"]:
            print(f"  {a['employee_no']:<12}{a['name']}")
    print("人事专员等其他人员用手机扫码登录管理后台；开发模式下登录页有“模拟扫码登录”。")
