"""Who the caller is and what they may reach: permissions and data scope, as peewee expressions.

A Principal is rebuilt from the database on every request, so a changed or revoked grant takes
effect on the caller's next request. Every list query narrows itself with `reach.staff_filter()`
or `reach.department_filter()`; every write checks `reach.covers_*` first.
"""
import dataclasses

import peewee as pw

from models.access import Grant, GrantDepartment, Role, RolePermission
from models.org import Department, DepartmentDeputy, Staff, StaffPost, Unit
from server.errors import Forbidden, NotFound
from services.permissions import SELF_SERVICE

# Leaders see their own team without a grant (issue 14): whoever leads a department in the org
# tree (its leader, a deputy leader, the supervising deputy head 分管领导; the unit head for every
# department of the unit) holds these over the led departments and every department below them.
# All are reads except attendance.review: the team's attendance evidence is the leader's to judge
# (services/separation.refuse_own still refuses their own punch). Other writes keep their grants.
# org.view (read of the led subtree only) fills the department pickers of the pages they may open.
LEADER_PERMISSIONS = frozenset({"leave.view", "leave.report", "attendance.view",
                                "attendance.report", "attendance.review", "org.view"})

SCOPE_LABELS = {
    "all": "全部", "unit_tree": "本单位及下级单位", "dept_tree": "本部门及下级部门",
    "dept": "本部门", "self": "本人", "custom": "指定部门",
}


@dataclasses.dataclass
class Reach:
    """The resolved extent of a permission: everything, or sets of units/departments, or self."""
    everything: bool = False
    unit_ids: frozenset = frozenset()   # whole units (unit_tree scopes)
    dept_ids: frozenset = frozenset()   # departments, including those of unit_ids
    self_id: int | None = None

    @property
    def empty(self):
        return not (self.everything or self.unit_ids or self.dept_ids or self.self_id)

    def staff_filter(self, model=Staff):
        """Expression selecting staff inside the reach (primary department or a concurrent post)."""
        if self.everything:
            return pw.SQL("1 = 1")
        expr = pw.SQL("1 = 0")
        if self.dept_ids:
            posts = (StaffPost.select(StaffPost.staff)
                     .where(StaffPost.department.in_(list(self.dept_ids)), StaffPost.active == True))  # noqa: E712
            expr = expr | model.department.in_(list(self.dept_ids)) | model.id.in_(posts)
        if self.unit_ids:
            expr = expr | model.unit.in_(list(self.unit_ids))
        if self.self_id:
            expr = expr | (model.id == self.self_id)
        return expr

    def department_filter(self, model=Department):
        if self.everything:
            return pw.SQL("1 = 1")
        expr = pw.SQL("1 = 0")
        if self.dept_ids:
            expr = expr | model.id.in_(list(self.dept_ids))
        if self.unit_ids:
            expr = expr | model.unit.in_(list(self.unit_ids))
        return expr

    def unit_filter(self, model=Unit):
        if self.everything:
            return pw.SQL("1 = 1")
        if not self.unit_ids:
            return pw.SQL("1 = 0")
        return model.id.in_(list(self.unit_ids))

    def touched_unit_filter(self, column):
        """Expression on a unit-id column: whole units in reach, plus units holding a department
        in reach (who sees a department sees its unit's name and its unit-level records)."""
        if self.everything:
            return pw.SQL("1 = 1")
        expr = pw.SQL("1 = 0")
        if self.unit_ids:
            expr = expr | column.in_(list(self.unit_ids))
        if self.dept_ids:
            expr = expr | column.in_(Department.select(Department.unit)
                                     .where(Department.id.in_(list(self.dept_ids))))
        return expr

    def covers_department(self, dept_id, unit_id=None):
        return self.everything or dept_id in self.dept_ids or (unit_id in self.unit_ids)

    def covers_staff(self, staff_id, dept_ids, unit_id):
        """dept_ids: the person's primary and concurrent departments."""
        if self.everything or staff_id == self.self_id or unit_id in self.unit_ids:
            return True
        return bool(self.dept_ids.intersection(d for d in dept_ids if d))

    def covers(self, other):
        """True when `other` lies entirely inside this reach (used to stop wider grants)."""
        if self.everything:
            return True
        if other.everything:
            return False
        if not other.unit_ids <= self.unit_ids or not other.dept_ids <= self.dept_ids:
            return False
        return other.self_id is None or other.self_id == self.self_id or bool(other.dept_ids)

    def union(self, other):
        return Reach(
            everything=self.everything or other.everything,
            unit_ids=self.unit_ids | other.unit_ids,
            dept_ids=self.dept_ids | other.dept_ids,
            self_id=self.self_id or other.self_id,
        )


@dataclasses.dataclass
class GrantView:
    id: int
    role_id: int
    role_code: str
    role_name: str
    admin_tier: str
    scope_type: str
    scope_unit_id: int | None
    scope_department_id: int | None
    custom_dept_ids: tuple
    permissions: frozenset


class Principal:
    """The signed-in person with their grants; reaches are resolved lazily and cached per request."""

    def __init__(self, staff, grants, posts, led_dept_ids=()):
        self.staff = staff
        self.id = staff.id
        self.unit_id = staff.unit_id
        self.department_id = staff.department_id
        self.post_dept_ids = tuple(posts)
        self.grants = grants
        self.led_dept_ids = frozenset(led_dept_ids)  # the departments this person leads (roots)
        self._reach_cache = {}

    @property
    def dept_ids(self):
        return tuple(d for d in (self.department_id, *self.post_dept_ids) if d)

    @property
    def permissions(self):
        perms = set(SELF_SERVICE) if self.staff.status == "active" else set()
        for g in self.grants:
            perms |= g.permissions
        if self.led_dept_ids and self.staff.status == "active":
            perms |= LEADER_PERMISSIONS
        return perms

    def has(self, perm):
        return perm in self.permissions

    def require(self, perm):
        if not self.has(perm):
            raise Forbidden(f"无权执行此操作（需要权限：{perm}）", code="PERMISSION_DENIED")

    @property
    def admin_tiers(self):
        return {g.admin_tier for g in self.grants if g.admin_tier}

    async def reach(self, perm):
        """Union of the scopes of every grant carrying `perm` (self-service perms reach self)."""
        if perm in self._reach_cache:
            return self._reach_cache[perm]
        reach = Reach()
        if perm in SELF_SERVICE and self.staff.status == "active":
            reach = Reach(self_id=self.id)
        for g in self.grants:
            if perm in g.permissions:
                reach = reach.union(await resolve_scope(
                    g.scope_type, unit_id=g.scope_unit_id, department_id=g.scope_department_id,
                    custom_dept_ids=g.custom_dept_ids, staff_id=self.id))
        if perm in LEADER_PERMISSIONS and self.led_dept_ids and self.staff.status == "active":
            reach = reach.union(await resolve_dept_trees(self.led_dept_ids))
        self._reach_cache[perm] = reach
        return reach

    async def require_reach(self, perm):
        self.require(perm)
        return await self.reach(perm)


async def resolve_scope(scope_type, *, unit_id=None, department_id=None, custom_dept_ids=(),
                        staff_id=None):
    if scope_type == "all":
        return Reach(everything=True)
    if scope_type == "self":
        return Reach(self_id=staff_id)
    if scope_type == "unit_tree":
        unit = await Unit.aget_or_none(Unit.id == unit_id)
        if unit is None:
            return Reach()
        units = await Unit.select(Unit.id).where(Unit.path.startswith(unit.path)).aexecute()
        unit_ids = frozenset(u.id for u in units)
        depts = await Department.select(Department.id).where(
            Department.unit.in_(list(unit_ids))).aexecute()
        return Reach(unit_ids=unit_ids, dept_ids=frozenset(d.id for d in depts))
    if scope_type == "dept_tree":
        dept = await Department.aget_or_none(Department.id == department_id)
        if dept is None:
            return Reach()
        depts = await Department.select(Department.id).where(
            Department.path.startswith(dept.path)).aexecute()
        return Reach(dept_ids=frozenset(d.id for d in depts))
    if scope_type == "dept":
        return Reach(dept_ids=frozenset([department_id]) if department_id else frozenset())
    if scope_type == "custom":
        return Reach(dept_ids=frozenset(custom_dept_ids))
    return Reach()


async def resolve_dept_trees(dept_ids):
    """The departments below (and including) each of `dept_ids`, as one dept_tree reach."""
    roots = await Department.select(Department.path).where(
        Department.id.in_(list(dept_ids))).aexecute()
    expr = pw.SQL("1 = 0")
    for root in roots:
        expr = expr | Department.path.startswith(root.path)
    depts = await Department.select(Department.id).where(expr).aexecute()
    return Reach(dept_ids=frozenset(d.id for d in depts))


async def led_department_ids(staff_id):
    """Departments the person leads in the org tree: as leader, deputy leader or supervising
    deputy head (分管领导), and every department of a unit they head. One query."""
    deputy = DepartmentDeputy.select(DepartmentDeputy.department).where(
        DepartmentDeputy.staff == staff_id)
    headed = Unit.select(Unit.id).where(Unit.head == staff_id)
    rows = await Department.select(Department.id).where(
        (Department.leader == staff_id) | (Department.supervisor == staff_id)
        | Department.id.in_(deputy) | Department.unit.in_(headed)).aexecute()
    return [d.id for d in rows]


async def load_grants(staff_id):
    grants = await (Grant.select(Grant, Role)
                    .join(Role)
                    .where(Grant.staff == staff_id, Grant.revoked_at.is_null())
                    .order_by(Grant.id).aexecute())
    grants = list(grants)
    if not grants:
        return []
    role_ids = {g.role_id for g in grants}
    perms = {}
    for rp in await RolePermission.select().where(RolePermission.role.in_(list(role_ids))).aexecute():
        perms.setdefault(rp.role_id, set()).add(rp.permission)
    custom = {}
    custom_ids = [g.id for g in grants if g.scope_type == "custom"]
    if custom_ids:
        for gd in await GrantDepartment.select().where(GrantDepartment.grant.in_(custom_ids)).aexecute():
            custom.setdefault(gd.grant_id, []).append(gd.department_id)
    return [GrantView(
        id=g.id, role_id=g.role_id, role_code=g.role.code, role_name=g.role.name,
        admin_tier=g.role.admin_tier, scope_type=g.scope_type, scope_unit_id=g.scope_unit_id,
        scope_department_id=g.scope_department_id, custom_dept_ids=tuple(custom.get(g.id, ())),
        permissions=frozenset(perms.get(g.role_id, ())),
    ) for g in grants]


async def load_principal(staff_id):
    staff = await Staff.aget_or_none(Staff.id == staff_id)
    if staff is None or staff.status == "retired" and not staff.is_service_account:
        return None
    posts = await (StaffPost.select(StaffPost.department)
                   .where(StaffPost.staff == staff_id, StaffPost.active == True)  # noqa: E712
                   .aexecute())
    return Principal(staff, await load_grants(staff_id), [p.department_id for p in posts],
                     await led_department_ids(staff_id))


async def staff_dept_ids(staff):
    posts = await (StaffPost.select(StaffPost.department)
                   .where(StaffPost.staff == staff.id, StaffPost.active == True)  # noqa: E712
                   .aexecute())
    return [staff.department_id, *[p.department_id for p in posts]]


# The three administrators' service accounts (三员) are managed only by services/admin_accounts:
# acting on a person (staff API, invites, binding, leave, attendance) never reaches them. Role
# administration still finds them, to list their grants and refuse new ones with a clear answer.
SERVICE_ACCOUNT_PERMS = frozenset({"role.view", "role.grant", "role.manage"})


async def get_staff_in_reach(principal, perm, staff_id):
    """The staff row if the caller holds `perm` over that person; 404 otherwise (no existence leak).

    Service accounts are out of every reach except role administration's (SERVICE_ACCOUNT_PERMS).
    """
    reach = await principal.require_reach(perm)
    staff = await Staff.aget_or_none(Staff.id == staff_id)
    if staff is not None and staff.is_service_account and perm not in SERVICE_ACCOUNT_PERMS:
        staff = None
    if staff is None or not reach.covers_staff(staff.id, await staff_dept_ids(staff), staff.unit_id):
        raise NotFound("人员不存在或不在您的管理范围内", code="STAFF_NOT_FOUND")
    return staff


async def get_department_in_reach(principal, perm, department_id):
    reach = await principal.require_reach(perm)
    dept = await Department.aget_or_none(Department.id == department_id)
    if dept is None or not reach.covers_department(dept.id, dept.unit_id):
        raise NotFound("部门不存在或不在您的管理范围内", code="DEPARTMENT_NOT_FOUND")
    return dept
