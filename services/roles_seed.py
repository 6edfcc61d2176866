"""Keep the built-in roles in the database equal to the catalogue in services.permissions."""
from models.access import Role, RolePermission
from models.base import atomic, fetch_all
from services.permissions import BUILTIN_ROLES


async def sync_builtin_roles():
    async with atomic():
        existing = {r.code: r for r in await fetch_all(Role.select().where(Role.builtin == True))}  # noqa: E712
        for code, spec in BUILTIN_ROLES.items():
            role = existing.get(code)
            if role is None:
                role = await Role.acreate(code=code, name=spec["name"], builtin=True,
                                          admin_tier=spec["tier"], description=spec["description"])
            else:
                await Role.update(name=spec["name"], admin_tier=spec["tier"],
                                  description=spec["description"]).where(Role.id == role.id).aexecute()
            have = {rp.permission for rp in await fetch_all(
                RolePermission.select().where(RolePermission.role == role.id))}
            want = set(spec["permissions"])
            if have - want:
                await RolePermission.delete().where(
                    RolePermission.role == role.id,
                    RolePermission.permission.in_(list(have - want))).aexecute()
            for perm in sorted(want - have):
                await RolePermission.acreate(role=role.id, permission=perm)
