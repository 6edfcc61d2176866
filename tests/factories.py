"""Factories that build people and org trees in one line (run on the server's loop)."""
import datetime
import itertools
import types

from models.access import Grant, GrantDepartment, Role
from models.base import atomic
from models.org import Department, DepartmentDeputy, Position, Staff, StaffPost, Unit
from services.orgtree import create_department_row, create_unit_row

_seq = itertools.count(1)


class Factory:
    def __init__(self, server):
        self.server = server
        self.env = server.env

    def _run(self, coro):
        return self.server.run(coro)

    def unit(self, name="测试局", code=None, parent=None):
        async def go():
            async with atomic():
                return await create_unit_row(name=name, code=code or f"U{next(_seq)}", parent=parent)
        return self._run(go())

    def dept(self, unit, name="测试科", parent=None, leader=None, supervisor=None):
        async def go():
            async with atomic():
                dept = await create_department_row(unit=unit, name=name, parent=parent)
                if leader or supervisor:
                    await Department.update(leader=getattr(leader, "id", None),
                                            supervisor=getattr(supervisor, "id", None)).where(
                        Department.id == dept.id).aexecute()
                return await Department.aget(Department.id == dept.id)
        return self._run(go())

    def staff(self, dept=None, name=None, *, unit=None, employee_no=None, phone=None, id_no=None,
              status="active", first_employment_date=None, hire_date=None, openid=None,
              position=None, gender="M"):
        cipher = self.env.cipher

        async def go():
            n = next(_seq)
            async with atomic():
                pos = None
                u = unit.id if unit else dept.unit_id
                if position:
                    pos, _ = await Position.aget_or_create(unit=u, name=position)
                return await Staff.acreate(
                    employee_no=employee_no or f"T{n:05d}", name=name or f"职工{n}",
                    unit=u, department=dept.id if dept else None, status=status,
                    phone_enc=cipher.encrypt(phone), phone_hash=cipher.blind_index(phone),
                    id_no_enc=cipher.encrypt(id_no), id_no_hash=cipher.blind_index(id_no),
                    first_employment_date=first_employment_date or datetime.date(2010, 7, 1),
                    hire_date=hire_date or datetime.date(2015, 7, 1), openid=openid,
                    position=pos.id if pos else None, gender=gender)
        return self._run(go())

    def set_leader(self, dept, staff, deputies=()):
        async def go():
            async with atomic():
                await Department.update(leader=staff.id).where(Department.id == dept.id).aexecute()
                for dep in deputies:
                    await DepartmentDeputy.acreate(department=dept.id, staff=dep.id)
        self._run(go())

    def set_unit_head(self, unit, staff):
        async def go():
            await Unit.update(head=staff.id).where(Unit.id == unit.id).aexecute()
        self._run(go())

    def post(self, staff, dept, kind="concurrent"):
        async def go():
            return await StaffPost.acreate(staff=staff.id, department=dept.id, kind=kind)
        return self._run(go())

    def grant(self, staff, role_code, scope_type="all", *, dept=None, unit=None, depts=()):
        async def go():
            role = await Role.aget(Role.code == role_code)
            async with atomic():
                g = await Grant.acreate(staff=staff.id, role=role.id, scope_type=scope_type,
                                        scope_department=dept.id if dept else None,
                                        scope_unit=unit.id if unit else None)
                for dd in depts:
                    await GrantDepartment.acreate(grant=g.id, department=dd.id)
                return g
        return self._run(go())

    def org(self):
        """Two bureaus. A: 办公室, 人事科 (with 档案组 below it), 财务科; B: 办公室.

        Each department has a leader and two staff; A has a head, a deputy head in charge of
        人事科, an HR officer (unit scope) and a data checker; B has its own HR officer.
        """
        o = types.SimpleNamespace()
        o.a = self.unit("甲局", "A")
        o.b = self.unit("乙局", "B")
        o.a_lead = self.dept(o.a, "局领导")
        o.a_office = self.dept(o.a, "办公室")
        o.a_hr = self.dept(o.a, "人事科")
        o.a_hr_files = self.dept(o.a, "档案组", parent=o.a_hr)
        o.a_fin = self.dept(o.a, "财务科")
        o.b_office = self.dept(o.b, "办公室")
        o.a_head = self.staff(o.a_lead, "甲局长", employee_no="A0001", phone="13800000001")
        o.a_deputy = self.staff(o.a_lead, "甲副局长", employee_no="A0002", phone="13800000002")
        self.set_unit_head(o.a, o.a_head)
        self.set_leader(o.a_lead, o.a_head, deputies=[o.a_deputy])
        for key, dept in (("office", o.a_office), ("hr", o.a_hr), ("files", o.a_hr_files),
                          ("fin", o.a_fin), ("b_office", o.b_office)):
            prefix = "B" if key.startswith("b_") else "A"
            leader = self.staff(dept, f"{dept.name}负责人", employee_no=f"{prefix}-{key}-L")
            s1 = self.staff(dept, f"{dept.name}职工一", employee_no=f"{prefix}-{key}-1")
            s2 = self.staff(dept, f"{dept.name}职工二", employee_no=f"{prefix}-{key}-2")
            self.set_leader(dept, leader)
            setattr(o, f"{key}_leader", leader)
            setattr(o, f"{key}_1", s1)
            setattr(o, f"{key}_2", s2)
        self._run(Department.update(supervisor=o.a_deputy.id).where(
            Department.unit == o.a.id, Department.id != o.a_lead.id).aexecute())
        o.b_head = self.staff(o.b_office, "乙局长", employee_no="B0001")
        self.set_unit_head(o.b, o.b_head)
        o.a_hr_officer = self.staff(o.a_hr, "甲人事专员", employee_no="A-HRO", phone="13900000001")
        self.grant(o.a_hr_officer, "hr_officer", "unit_tree", unit=o.a)
        o.a_checker = self.staff(o.a_office, "甲核验员", employee_no="A-CHK")
        self.grant(o.a_checker, "data_checker", "unit_tree", unit=o.a)
        o.b_hr_officer = self.staff(o.b_office, "乙人事专员", employee_no="B-HRO")
        self.grant(o.b_hr_officer, "hr_officer", "unit_tree", unit=o.b)
        return o

    def admin(self, tier="system", username=None, *, unit=None, password="Mingjing@2026!", name=None,
              enrolled=True, must_change=False):
        """One of the three separated administrators, with a console password and (if `enrolled`)
        a TOTP secret already bound: returns a namespace with username, password, secret, staff."""
        from models.admin import AdminCredential
        from services.admin_accounts import create_admin

        username = username or f"{tier}{next(_seq)}"
        names = {"system": "系统管理员", "security": "安全保密管理员", "audit": "安全审计员"}

        async def go():
            made = await create_admin(env=self.env, username=username, name=name or names[tier],
                                      tier=tier, unit_code=unit.code if unit else None,
                                      password=password)
            # create-admin forces a first-sign-in password change; tests opt in with must_change.
            await AdminCredential.update(must_change_password=must_change).where(
                AdminCredential.staff == made["staff_id"]).aexecute()
            secret = None
            if enrolled:
                import base64
                import os
                secret = base64.b32encode(os.urandom(20)).decode()
                await AdminCredential.update(totp_secret_enc=self.env.cipher.encrypt(secret),
                                             totp_enabled=True).where(
                    AdminCredential.staff == made["staff_id"]).aexecute()
            return types.SimpleNamespace(username=username, password=password, secret=secret,
                                         staff=await Staff.aget(Staff.id == made["staff_id"]))
        return self._run(go())

    # -- appraisal (issue 11) ------------------------------------------------------------------

    def cycle(self, unit, *, year=2026, name=None, kind="annual", status="launched",
              phases=None, participants=(), settings=None):
        """An appraisal cycle written straight to the tables (no cycles API needed): `phases`
        {phase: (opens_on, closes_on)} as ISO strings (default: goal setting in January-February,
        progress March-November); `participants`: staff rows made active participants."""
        from models.appraisal.cycles import AppraisalCycle, CycleParticipant, CyclePhase

        phases = phases if phases is not None else {
            "goal_setting": (f"{year}-01-05", f"{year}-02-27"),
            "progress": (f"{year}-03-02", f"{year}-11-30"),
            "self_assessment": (f"{year}-12-01", f"{year}-12-15")}

        async def go():
            async with atomic():
                c = await AppraisalCycle.acreate(
                    unit=unit.id, kind=kind, year=year, name=name or f"{year}年度考核",
                    status=status, settings=settings or {})
                for i, (phase, (opens, closes)) in enumerate(phases.items()):
                    await CyclePhase.acreate(cycle=c.id, phase=phase, sort=i,
                                             opens_on=datetime.date.fromisoformat(opens),
                                             closes_on=datetime.date.fromisoformat(closes))
                for s in participants:
                    await CycleParticipant.acreate(cycle=c.id, staff=s.id,
                                                   department=s.department_id,
                                                   position_id=s.position_id, status="active")
                return c
        return self._run(go())

    def reopen(self, cycle, staff, phase="goal_setting", until="2026-03-31", reason="补办"):
        """A per-person phase reopening row (as HR would grant it)."""
        from models.appraisal.cycles import PhaseReopening

        async def go():
            return await PhaseReopening.acreate(cycle=cycle.id, staff=staff.id, phase=phase,
                                                until=datetime.date.fromisoformat(until),
                                                reason=reason)
        return self._run(go())

    def indicator(self, cycle, dept, title="部门指标", code="", target=100):
        from models.appraisal.cycles import DeptIndicator

        async def go():
            return await DeptIndicator.acreate(cycle=cycle.id, department=dept.id, title=title,
                                               code=code, target=target)
        return self._run(go())

    # -- appraisal scoring rows straight to the tables (integrity-alert tests, issue 12) -----------

    def sheet(self, cycle, participant, rater, *, role="leader", weight=100, total=None,
              status="submitted", submitted_at=None):
        """A score sheet as the scoring flow would leave it (no entries)."""
        from models.appraisal.scoring import ScoreSheet

        async def go():
            return await ScoreSheet.acreate(
                cycle=cycle.id, participant=participant.id, rater=rater.id, role=role, weight=weight,
                status=status, total=total,
                submitted_at=submitted_at or (datetime.datetime(2026, 12, 20, 2) if status == "submitted" else None))
        return self._run(go())

    def score_change(self, sheet, *, at, item_key="k1", score=80, by=None, stage="draft"):
        """A ScoreChange row at `at` (naive UTC datetime)."""
        from models.appraisal.scoring import ScoreChange

        async def go():
            return await ScoreChange.acreate(sheet=sheet.id, item_key=item_key, score=score,
                                             justification="2026年3月完成《办法》修订", stage=stage,
                                             changed_by=by.id if by else sheet.rater_id, created_at=at)
        return self._run(go())

    def result(self, cycle, staff, total, *, grade="", proposed_grade="", adjusted_grade="",
               status="confirmed"):
        """An AppraisalResult row (department from the person)."""
        from models.appraisal.scoring import AppraisalResult

        async def go():
            return await AppraisalResult.acreate(
                cycle=cycle.id, staff=staff.id, unit=staff.unit_id, department_id=staff.department_id,
                total=total, grade=grade, proposed_grade=proposed_grade or grade,
                adjusted_grade=adjusted_grade, status=status)
        return self._run(go())

    def relationship(self, staff, relative, *, kind="spouse", revoked_at=None):
        from models.appraisal.scoring import Relationship

        async def go():
            return await Relationship.acreate(staff=staff.id, relative=relative.id, kind=kind,
                                              declared_by=staff.id, revoked_at=revoked_at)
        return self._run(go())

    def day_statuses(self, staff, days, status="late", *, late_minutes=12):
        """Stored attendance day results (DayStatus) for `staff` on the ISO `days`."""
        from models.attendance import DayStatus

        async def go():
            rows = [{"staff": staff.id, "unit": staff.unit_id, "department": staff.department_id,
                     "day": datetime.date.fromisoformat(d), "day_kind": "workday", "status": status,
                     "late_minutes": late_minutes if status in ("late", "late_early") else 0,
                     "late_count": 1 if status in ("late", "late_early") else 0} for d in days]
            if rows:
                await DayStatus.insert_many(rows).aexecute()
        return self._run(go())
