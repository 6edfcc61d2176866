"""Roles (permission bundles) and grants (a role given to a person with a data scope).

Grant rules (see docs/decisions.md): the grantor's `role.grant` reach covers the grantee and the
requested scope; every permission of the role is held by the grantor over that scope, unless the
grantor is the 安全保密管理员 and the role has no admin tier; admin-tier roles are never granted
here; nobody grants to themselves; nobody holds two admin tiers.

Role rules: nobody changes a role they hold; nobody adds to a role a permission they lack, and an
addition reaches everyone already holding the role, so the editor's own reach of it (the
安全保密管理员's role.grant reach) must cover every holder's scope. A custom role made by a
manager without a whole-country reach belongs to their unit (Role.unit): other units neither see
nor grant it, and it is granted only to that unit's people within that unit.
"""
import peewee as pw

from models.access import SCOPE_TYPES, Grant, GrantDepartment, Role, RolePermission
from models.base import atomic, count, exists, fetch_all, utcnow
from models.org import Department, Staff, StaffPost, Unit
from server.errors import Conflict, Forbidden, Invalid, NotFound
from services import audit
from services.access import (SCOPE_LABELS, get_staff_in_reach, load_grants, resolve_scope,
                             staff_dept_ids)
from services.permissions import PERMISSIONS

# Separation of duties: only the auditor tier (安全审计员) may read or verify the audit log.
RESERVED_PERMISSIONS = ("audit.view", "audit.verify", "audit.export")


def list_permissions_catalogue():
    return [{"code": code, "name": name, "reserved": code in RESERVED_PERMISSIONS}
            for code, name in PERMISSIONS.items()]


async def list_permissions(*, env, actor):
    actor.require("role.view")
    return list_permissions_catalogue()


async def _roles_out(roles):
    ids = [r.id for r in roles]
    perms = {}
    if ids:
        for rp in await fetch_all(RolePermission.select().where(RolePermission.role.in_(ids))
                                  .order_by(RolePermission.permission)):
            perms.setdefault(rp.role_id, []).append(rp.permission)
    return [{"id": r.id, "code": r.code, "name": r.name, "description": r.description,
             "builtin": r.builtin, "admin_tier": r.admin_tier, "unit_id": r.unit_id,
             "grantable": not r.admin_tier, "permissions": perms.get(r.id, [])} for r in roles]


def _role_visibility(actor, reach):
    """Roles a caller may see and use: built-in and system-wide ones, their own unit's, and (for a
    wider reach) the units that reach covers. A unit's custom roles are invisible elsewhere."""
    if reach.everything:
        return pw.SQL("1 = 1")
    units = {actor.unit_id, *reach.unit_ids} - {None}
    expr = Role.unit.is_null()
    if units:
        expr = expr | Role.unit.in_(sorted(units))
    return expr


def _role_visible(role, actor, reach):
    return (reach.everything or role.unit_id is None or role.unit_id == actor.unit_id
            or role.unit_id in reach.unit_ids)


async def _visible_role(actor, perm, role_id):
    reach = await actor.reach(perm)
    role = await Role.aget_or_none(Role.id == role_id)
    if role is None or not _role_visible(role, actor, reach):
        raise NotFound("角色不存在", code="ROLE_NOT_FOUND")
    return role


async def list_roles(*, env, actor):
    reach = await actor.require_reach("role.view")
    roles = await fetch_all(Role.select().where(_role_visibility(actor, reach))
                            .order_by(Role.builtin.desc(), Role.id))
    return await _roles_out(roles)


async def get_role(*, env, actor, role_id):
    actor.require("role.view")
    return (await _roles_out([await _visible_role(actor, "role.view", role_id)]))[0]


def _check_permissions(permissions):
    permissions = list(dict.fromkeys(permissions))
    unknown = [p for p in permissions if p not in PERMISSIONS]
    if unknown:
        raise Invalid("未知的权限：" + "、".join(unknown), code="UNKNOWN_PERMISSION",
                      fields={"permissions": "未知的权限：" + "、".join(unknown)})
    reserved = [p for p in permissions if p in RESERVED_PERMISSIONS]
    if reserved:
        raise Invalid("审计权限只属于安全审计员，不能放入自定义角色：" + "、".join(reserved),
                      code="PERMISSION_RESERVED", fields={"permissions": "含审计权限"})
    return permissions


async def _refuse_lacking(actor, permissions):
    """Nobody puts into a role a permission they do not hold themselves, except the 安全保密管理员,
    whose office is to define roles (granting them is still bounded by their reach)."""
    if "security" in actor.admin_tiers:
        return
    missing = sorted(p for p in permissions if not actor.has(p))
    if missing:
        raise Forbidden("不能在角色中加入您自己没有的权限：" + "、".join(missing),
                        code="ROLE_EXCEEDS_OWN", fields={"permissions": missing})


async def create_role(*, env, actor, code, name, permissions, description=""):
    """A custom role. Made by a whole-country role manager it is system-wide; made by anyone else
    it belongs to their unit (Role.unit) and no other unit sees or grants it."""
    reach = await actor.require_reach("role.manage")
    permissions = _check_permissions(permissions)
    await _refuse_lacking(actor, permissions)
    unit_id = None if reach.everything else actor.unit_id
    async with atomic():
        if await exists(Role.select().where(Role.code == code)):
            raise Conflict("角色代码已被使用", code="ROLE_CODE_TAKEN")
        try:
            role = await Role.acreate(code=code, name=name, description=description or "",
                                      builtin=False, admin_tier="", unit=unit_id)
        except pw.IntegrityError:
            raise Conflict("角色代码已被使用", code="ROLE_CODE_TAKEN") from None
        for perm in permissions:
            await RolePermission.acreate(role=role.id, permission=perm)
        await audit.record(actor=actor, action="role.create", target_type="role", target_id=role.id,
                           after={"code": code, "name": name, "permissions": sorted(permissions),
                                  "unit_id": unit_id})
    return (await _roles_out([role]))[0]


async def _active_grants_of(role_id):
    grants = await fetch_all(Grant.select(Grant, Staff).join(Staff).where(
        Grant.role == role_id, Grant.revoked_at.is_null()))
    custom = {}
    ids = [g.id for g in grants if g.scope_type == "custom"]
    if ids:
        for gd in await fetch_all(GrantDepartment.select().where(GrantDepartment.grant.in_(ids))):
            custom.setdefault(gd.grant_id, []).append(gd.department_id)
    out = []
    for g in grants:
        held = await resolve_scope(g.scope_type, unit_id=g.scope_unit_id,
                                   department_id=g.scope_department_id,
                                   custom_dept_ids=custom.get(g.id, ()), staff_id=g.staff_id)
        out.append((g, held))
    return out


async def _check_role_change(actor, role, added):
    """Who may change a custom role (see the module docstring and docs/decisions.md)."""
    if await exists(Grant.select().where(Grant.role == role.id, Grant.staff == actor.id,
                                         Grant.revoked_at.is_null())):
        raise Forbidden("不能修改本人持有的角色", code="ROLE_SELF_CHANGE")
    manage = await actor.reach("role.manage")
    if not (manage.everything or role.unit_id is not None
            and (role.unit_id == actor.unit_id or role.unit_id in manage.unit_ids)):
        raise Forbidden("该角色不属于您管理的单位，不能修改", code="ROLE_SCOPE_EXCEEDED")
    if not added:
        return
    await _refuse_lacking(actor, added)
    # Adding to a role grants the addition to everyone holding it: allowed only where the editor
    # could have granted it — their own reach of each permission (the 安全保密管理员: of role.grant)
    # covers every holder's scope.
    security = "security" in actor.admin_tiers
    missing = set()
    for grant, held in await _active_grants_of(role.id):
        for perm in (["role.grant"] if security else added):
            if not actor.has(perm) or not await _covers(await actor.reach(perm), held, grant.staff):
                missing.add(perm)
    if missing:
        raise Forbidden("该角色的现有授权范围超出了您对这些权限的范围：" + "、".join(sorted(missing)),
                        code="ROLE_EXCEEDS_OWN", fields={"permissions": sorted(missing)})


async def update_role(*, env, actor, role_id, name=None, description=None, permissions=None):
    actor.require("role.manage")
    role = await _visible_role(actor, "role.manage", role_id)
    if role.builtin:
        raise Conflict("内置角色不可修改", code="ROLE_BUILTIN")
    if permissions is not None:
        permissions = _check_permissions(permissions)
    current = (await _roles_out([role]))[0]
    added = sorted(set(permissions or ()) - set(current["permissions"]))
    await _check_role_change(actor, role, added)
    before, after = {}, {}
    async with atomic():
        fields = {k: v for k, v in (("name", name), ("description", description)) if v is not None}
        for k, v in fields.items():
            if current[k] != v:
                before[k], after[k] = current[k], v
        if fields:
            await Role.update(**fields).where(Role.id == role.id).aexecute()
        if permissions is not None and set(permissions) != set(current["permissions"]):
            before["permissions"], after["permissions"] = current["permissions"], sorted(permissions)
            await RolePermission.delete().where(RolePermission.role == role.id).aexecute()
            for perm in permissions:
                await RolePermission.acreate(role=role.id, permission=perm)
        await audit.record(actor=actor, action="role.update", target_type="role", target_id=role.id,
                           before=before, after=after, unit_id=role.unit_id)
    return (await _roles_out([await Role.aget(Role.id == role.id)]))[0]


# ---------------------------------------------------------------- grants

async def _grants_out(grants):
    ids = [g.id for g in grants]
    custom = {}
    if ids:
        for gd in await fetch_all(GrantDepartment.select().where(GrantDepartment.grant.in_(ids))):
            custom.setdefault(gd.grant_id, []).append(gd.department_id)
    dept_ids = {g.scope_department_id for g in grants} | {d for v in custom.values() for d in v}
    dept_ids.discard(None)
    unit_ids = {g.scope_unit_id for g in grants} - {None}
    depts = {d.id: d.name for d in await fetch_all(
        Department.select(Department.id, Department.name).where(Department.id.in_(list(dept_ids))))} \
        if dept_ids else {}
    units = {u.id: u.name for u in await fetch_all(
        Unit.select(Unit.id, Unit.name).where(Unit.id.in_(list(unit_ids))))} if unit_ids else {}
    out = []
    for g in grants:
        out.append({
            "id": g.id,
            "staff": {"id": g.staff_id, "name": g.staff.name, "employee_no": g.staff.employee_no},
            "role": {"id": g.role_id, "code": g.role.code, "name": g.role.name,
                     "admin_tier": g.role.admin_tier},
            "scope": {"type": g.scope_type, "label": SCOPE_LABELS.get(g.scope_type),
                      "unit": {"id": g.scope_unit_id, "name": units.get(g.scope_unit_id)}
                      if g.scope_unit_id else None,
                      "department": {"id": g.scope_department_id,
                                     "name": depts.get(g.scope_department_id)}
                      if g.scope_department_id else None,
                      "departments": [{"id": d, "name": depts.get(d)} for d in custom.get(g.id, [])]},
            "granted_by": g.granted_by_id, "created_at": g.created_at,
            "revoked_at": g.revoked_at, "revoked_by": g.revoked_by_id,
        })
    return out


def _grant_query():
    return Grant.select(Grant, Role, Staff).join(Role).switch(Grant).join(Staff)


async def list_grants(*, env, actor, staff_id=None, role_id=None, include_revoked=False,
                      page=1, page_size=50):
    """Who holds what, for grantees within the caller's role.view reach. Returns (rows, total)."""
    reach = await actor.require_reach("role.view")
    if staff_id is not None:
        await get_staff_in_reach(actor, "role.view", staff_id)
    query = _grant_query().where(reach.staff_filter(Staff))
    if staff_id is not None:
        query = query.where(Grant.staff == staff_id)
    if role_id is not None:
        query = query.where(Grant.role == role_id)
    if not include_revoked:
        query = query.where(Grant.revoked_at.is_null())
    total = await count(query)
    grants = await fetch_all(query.order_by(Grant.id).paginate(page, page_size))
    return await _grants_out(grants), total


async def _requested_reach(*, scope_type, scope_unit_id, scope_department_id, department_ids,
                           grantee):
    """Validate the requested scope's anchors and resolve it to a Reach."""
    if scope_type not in SCOPE_TYPES:
        raise Invalid("数据范围类型不正确", code="VALIDATION_FAILED",
                      fields={"scope_type": "取值不在允许范围内：" + "、".join(SCOPE_TYPES)})
    anchors = {"unit_id": None, "department_id": None, "department_ids": ()}
    if scope_type == "unit_tree":
        if scope_unit_id is None:
            raise Invalid("请指定单位", code="VALIDATION_FAILED", fields={"scope_unit_id": "必填"})
        if not await exists(Unit.select().where(Unit.id == scope_unit_id)):
            raise NotFound("单位不存在或不在您的管理范围内", code="UNIT_NOT_FOUND")
        anchors["unit_id"] = scope_unit_id
    elif scope_type in ("dept", "dept_tree"):
        if scope_department_id is None:
            raise Invalid("请指定部门", code="VALIDATION_FAILED", fields={"scope_department_id": "必填"})
        if not await exists(Department.select().where(Department.id == scope_department_id)):
            raise NotFound("部门不存在或不在您的管理范围内", code="DEPARTMENT_NOT_FOUND")
        anchors["department_id"] = scope_department_id
    elif scope_type == "custom":
        ids = sorted(set(department_ids or ()))
        if not ids:
            raise Invalid("请至少指定一个部门", code="VALIDATION_FAILED",
                          fields={"department_ids": "至少一项"})
        found = {d.id for d in await fetch_all(Department.select(Department.id)
                                               .where(Department.id.in_(ids)))}
        if set(ids) - found:
            raise NotFound("部门不存在或不在您的管理范围内", code="DEPARTMENT_NOT_FOUND")
        anchors["department_ids"] = tuple(ids)
    reach = await resolve_scope(scope_type, unit_id=anchors["unit_id"],
                                department_id=anchors["department_id"],
                                custom_dept_ids=anchors["department_ids"], staff_id=grantee.id)
    return reach, anchors


async def _covers(reach_of_grantor, requested, grantee):
    if requested.self_id is not None and not (requested.unit_ids or requested.dept_ids):
        # A "self" scope lies inside the grantor's reach when the grantee does.
        return reach_of_grantor.covers_staff(grantee.id, await staff_dept_ids(grantee),
                                             grantee.unit_id)
    return reach_of_grantor.covers(requested)


async def create_grant(*, env, actor, staff_id, role_id, scope_type, scope_unit_id=None,
                       scope_department_id=None, department_ids=()):
    """Give a role to a person with a data scope, under the grant rules above."""
    grant_reach = await actor.require_reach("role.grant")
    if staff_id == actor.id:
        raise Forbidden("不能给自己授权", code="SELF_GRANT")
    grantee = await get_staff_in_reach(actor, "role.grant", staff_id)
    role = await _visible_role(actor, "role.grant", role_id)
    if role.admin_tier:
        raise Forbidden("三员角色只能通过 create-admin 命令创建，不能在线授予",
                        code="ADMIN_ROLE_NOT_GRANTABLE")
    if grantee.is_service_account:
        # 三员 service accounts hold exactly their one tier; nothing is added to them.
        raise Forbidden("不能向三员账号授予其他角色", code="ADMIN_ROLE_NOT_GRANTABLE")
    if grantee.status != "active":
        raise Conflict("该人员不在职", code="STAFF_NOT_ACTIVE")
    requested, anchors = await _requested_reach(
        scope_type=scope_type, scope_unit_id=scope_unit_id,
        scope_department_id=scope_department_id, department_ids=department_ids, grantee=grantee)
    if not await _covers(grant_reach, requested, grantee):
        raise Forbidden("授权的数据范围超出了您的授权范围", code="GRANT_SCOPE_EXCEEDED")
    if role.unit_id is not None:
        # A unit's own role is used inside that unit only: its holders and their scope.
        home = await resolve_scope("unit_tree", unit_id=role.unit_id)
        if grantee.unit_id != role.unit_id or not await _covers(home, requested, grantee):
            raise Forbidden("该角色属于其他单位，只能在本单位内授予", code="ROLE_UNIT_MISMATCH")
    perms = [rp.permission for rp in await fetch_all(
        RolePermission.select().where(RolePermission.role == role.id))]
    if "security" not in actor.admin_tiers:
        missing = []
        for perm in perms:
            if not actor.has(perm) or not await _covers(await actor.reach(perm), requested,
                                                        grantee):
                missing.append(perm)
        if missing:
            raise Forbidden("不能授予您自己在该范围内没有的权限：" + "、".join(sorted(missing)),
                            code="GRANT_EXCEEDS_OWN", fields={"permissions": sorted(missing)})
    async with atomic():
        dup = Grant.select().where(Grant.staff == grantee.id, Grant.role == role.id,
                                   Grant.scope_type == scope_type, Grant.revoked_at.is_null(),
                                   Grant.scope_unit == anchors["unit_id"],
                                   Grant.scope_department == anchors["department_id"])
        if scope_type != "custom" and await exists(dup):
            raise Conflict("该人员已有相同角色与范围的授权", code="GRANT_EXISTS")
        grant = await Grant.acreate(staff=grantee.id, role=role.id, scope_type=scope_type,
                                    scope_unit=anchors["unit_id"],
                                    scope_department=anchors["department_id"],
                                    granted_by=actor.id)
        for dept_id in anchors["department_ids"]:
            await GrantDepartment.acreate(grant=grant.id, department=dept_id)
        await audit.record(actor=actor, action="grant.create", target_type="grant",
                           target_id=grant.id, unit_id=grantee.unit_id,
                           after={"staff_id": grantee.id, "role": role.code,
                                  "scope_type": scope_type, "scope_unit_id": anchors["unit_id"],
                                  "scope_department_id": anchors["department_id"],
                                  "department_ids": list(anchors["department_ids"])})
    return (await _grants_out(await fetch_all(_grant_query().where(Grant.id == grant.id))))[0]


async def revoke_grant(*, env, actor, grant_id):
    """Revoke (sets revoked_at); the grantee's next request no longer carries it."""
    grant_reach = await actor.require_reach("role.grant")
    grant = await Grant.aget_or_none(Grant.id == grant_id, Grant.revoked_at.is_null())
    if grant is None:
        raise NotFound("授权不存在", code="GRANT_NOT_FOUND")
    try:
        grantee = await get_staff_in_reach(actor, "role.grant", grant.staff_id)
    except NotFound:
        raise NotFound("授权不存在", code="GRANT_NOT_FOUND") from None
    role = await Role.aget(Role.id == grant.role_id)
    if role.admin_tier:
        raise Forbidden("三员角色不能在线收回", code="ADMIN_ROLE_NOT_GRANTABLE")
    custom = [gd.department_id for gd in await fetch_all(
        GrantDepartment.select().where(GrantDepartment.grant == grant.id))]
    held = await resolve_scope(grant.scope_type, unit_id=grant.scope_unit_id,
                               department_id=grant.scope_department_id, custom_dept_ids=custom,
                               staff_id=grantee.id)
    if not await _covers(grant_reach, held, grantee):
        raise Forbidden("该授权的数据范围超出了您的授权范围", code="GRANT_SCOPE_EXCEEDED")
    async with atomic():
        now = utcnow()
        await Grant.update(revoked_at=now, revoked_by=actor.id).where(Grant.id == grant.id).aexecute()
        await audit.record(actor=actor, action="grant.revoke", target_type="grant",
                           target_id=grant.id, unit_id=grantee.unit_id,
                           before={"staff_id": grantee.id, "role": role.code,
                                   "scope_type": grant.scope_type, "revoked_at": None},
                           after={"revoked_at": now})
    return (await _grants_out(await fetch_all(_grant_query().where(Grant.id == grant.id))))[0]


# ---------------------------------------------------------------- grants follow the post

async def end_grants_left_behind(actor, staff, *, left, cause):
    """A grant comes with a post: when a person leaves a department (transfer, end of a concurrent
    post) every grant whose scope reaches that department and none of the departments they still
    work in ends, revoked by whoever moved them and audited (grant.revoke, reason given). Scopes
    that follow the person ("all", "self") and the 三员 tiers are untouched.
    Call inside the caller's transaction, after the move. Returns the ended grant ids."""
    posts = await fetch_all(StaffPost.select(StaffPost.department, Department.unit)
                            .join(Department, on=(StaffPost.department == Department.id))
                            .where(StaffPost.staff == staff.id, StaffPost.active == True)  # noqa: E712
                            .dicts())
    still = [(staff.department_id, staff.unit_id)] + [(p["department"], p["unit"]) for p in posts]
    still = [(d, u) for d, u in still if d and d != left]
    left_dept = await Department.aget_or_none(Department.id == left) if left else None
    if left_dept is None:
        return []
    ended = []
    for g in await load_grants(staff.id):
        if g.admin_tier or g.scope_type in ("all", "self"):
            continue
        held = await resolve_scope(g.scope_type, unit_id=g.scope_unit_id,
                                   department_id=g.scope_department_id,
                                   custom_dept_ids=g.custom_dept_ids, staff_id=staff.id)
        if not held.covers_department(left_dept.id, left_dept.unit_id):
            continue
        if any(held.covers_department(d, u) for d, u in still):
            continue
        now = utcnow()
        await Grant.update(revoked_at=now, revoked_by=actor.id).where(
            Grant.id == g.id, Grant.revoked_at.is_null()).aexecute()
        await audit.record(actor=actor, action="grant.revoke", target_type="grant", target_id=g.id,
                           unit_id=left_dept.unit_id,
                           before={"staff_id": staff.id, "role": g.role_code,
                                   "scope_type": g.scope_type, "revoked_at": None},
                           after={"revoked_at": now, "reason": "left_department",
                                  "department_id": left_dept.id, **cause})
        ended.append(g.id)
    return ended
