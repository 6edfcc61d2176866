"""Roles (permission bundles) and grants (a role given to a person with a data scope).

Grant rules (see docs/decisions.md): the grantor's `role.grant` reach covers the grantee and the
requested scope; every permission of the role is held by the grantor over that scope, unless the
grantor is the 安全保密管理员 and the role has no admin tier; admin-tier roles are never granted
here; nobody grants to themselves; nobody holds two admin tiers.
"""
import peewee as pw

from models.access import SCOPE_TYPES, Grant, GrantDepartment, Role, RolePermission
from models.base import atomic, count, exists, fetch_all, utcnow
from models.org import Department, Staff, Unit
from server.errors import Conflict, Forbidden, Invalid, NotFound
from services import audit
from services.access import SCOPE_LABELS, get_staff_in_reach, resolve_scope, staff_dept_ids
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


async def list_roles(*, env, actor):
    actor.require("role.view")
    roles = await fetch_all(Role.select().order_by(Role.builtin.desc(), Role.id))
    return await _roles_out(roles)


async def get_role(*, env, actor, role_id):
    actor.require("role.view")
    role = await Role.aget_or_none(Role.id == role_id)
    if role is None:
        raise NotFound("角色不存在", code="ROLE_NOT_FOUND")
    return (await _roles_out([role]))[0]


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


async def create_role(*, env, actor, code, name, permissions, description=""):
    actor.require("role.manage")
    permissions = _check_permissions(permissions)
    async with atomic():
        if await exists(Role.select().where(Role.code == code)):
            raise Conflict("角色代码已被使用", code="ROLE_CODE_TAKEN")
        try:
            role = await Role.acreate(code=code, name=name, description=description or "",
                                      builtin=False, admin_tier="")
        except pw.IntegrityError:
            raise Conflict("角色代码已被使用", code="ROLE_CODE_TAKEN") from None
        for perm in permissions:
            await RolePermission.acreate(role=role.id, permission=perm)
        await audit.record(actor=actor, action="role.create", target_type="role", target_id=role.id,
                           after={"code": code, "name": name, "permissions": sorted(permissions)})
    return (await _roles_out([role]))[0]


async def update_role(*, env, actor, role_id, name=None, description=None, permissions=None):
    actor.require("role.manage")
    role = await Role.aget_or_none(Role.id == role_id)
    if role is None:
        raise NotFound("角色不存在", code="ROLE_NOT_FOUND")
    if role.builtin:
        raise Conflict("内置角色不可修改", code="ROLE_BUILTIN")
    if permissions is not None:
        permissions = _check_permissions(permissions)
    current = (await _roles_out([role]))[0]
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
                           before=before, after=after)
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
    role = await Role.aget_or_none(Role.id == role_id)
    if role is None:
        raise NotFound("角色不存在", code="ROLE_NOT_FOUND")
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

