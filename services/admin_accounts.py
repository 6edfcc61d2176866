"""The three separated administrators' accounts (三员): created from the CLI, one tier each."""
import asyncio

from models.access import Grant, Role
from models.admin import AdminCredential
from models.base import atomic, get_one
from models.org import Staff, Unit
from server.errors import Conflict, Invalid, NotFound
from server.passwords import hash_password, password_problems
from services import audit
from services.permissions import BUILTIN_ROLES

TIER_ROLES = {spec["tier"]: code for code, spec in BUILTIN_ROLES.items() if spec["tier"]}


async def create_admin(*, env, username, name, tier, unit_code, password):
    problems = password_problems(password)
    if problems:
        raise Invalid("密码强度不足：" + "；".join(problems), code="WEAK_PASSWORD")
    if unit_code:
        unit = await Unit.aget_or_none(Unit.code == unit_code)
    else:
        unit = await get_one(Unit.select().where(Unit.parent.is_null()).order_by(Unit.id))
    if unit is None:
        raise NotFound("未找到单位，请先导入组织机构或加载演示数据", code="UNIT_NOT_FOUND")
    if await AdminCredential.aget_or_none(AdminCredential.username == username):
        raise Conflict("用户名已存在", code="USERNAME_TAKEN")
    role = await Role.aget(Role.code == TIER_ROLES[tier])
    # scrypt is deliberately slow: keep it off the event loop.
    pw_hash = await asyncio.get_running_loop().run_in_executor(None, hash_password, password)
    async with atomic():
        staff = await Staff.acreate(employee_no=username, name=name, unit=unit.id,
                                    is_service_account=True)
        # The initial password was chosen by whoever ran create-admin: the first sign-in replaces it.
        await AdminCredential.acreate(staff=staff.id, username=username, password_hash=pw_hash,
                                      must_change_password=True)
        scope_unit = unit.id
        await Grant.acreate(staff=staff.id, role=role.id, scope_type="unit_tree",
                            scope_unit=scope_unit)
        await audit.record(actor=None, action="admin.create", target_type="staff",
                           target_id=staff.id, unit_id=unit.id,
                           after={"username": username, "name": name, "role": role.code})
    return {"username": username, "employee_no": staff.employee_no, "role_name": role.name,
            "staff_id": staff.id}
