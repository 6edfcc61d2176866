"""Reference data kept in step with the code: built-in roles, the national list of ranks (职级)."""
from models.access import Role, RolePermission
from models.base import atomic, count, fetch_all
from models.org import Rank
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


# 公务员职级 (Civil Servant Law 2019): leadership-neutral grades, highest first.
NATIONAL_RANKS = [
    ("一级巡视员", 12), ("二级巡视员", 11), ("一级调研员", 10), ("二级调研员", 9),
    ("三级调研员", 8), ("四级调研员", 7), ("一级主任科员", 6), ("二级主任科员", 5),
    ("三级主任科员", 4), ("四级主任科员", 3), ("一级科员", 2), ("二级科员", 1),
]


async def seed_national_ranks():
    """Fill the rank list on a fresh install; an existing list is the admin's and left alone."""
    if await count(Rank.select()):
        return
    async with atomic():
        for name, level in NATIONAL_RANKS:
            await Rank.acreate(name=name, level=level)
