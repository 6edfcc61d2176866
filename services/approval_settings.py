"""Per-unit approval settings (approval.flow.manage over the unit): where the unit head's own
requests go — 报备 to the leadership group (default), a named person, or the superior organ's
named contact. The approval engine reads them in approval_rules.resolve_head_step."""
from models.base import atomic, utcnow
from models.org import Staff, Unit
from models.unit_settings import HEAD_STEP_MODES, UnitApprovalSetting
from server.errors import Invalid, NotFound
from services import audit
from services.approval_rules import HEAD_STEP_NAMES, head_step_setting, leadership_group


async def _unit_in_reach(actor, unit_id):
    reach = await actor.require_reach("approval.flow.manage")
    unit = await Unit.aget_or_none(Unit.id == unit_id)
    if unit is None or not (reach.everything or unit.id in reach.unit_ids):
        raise NotFound("单位不存在或不在您的管理范围内", code="UNIT_NOT_FOUND")
    return unit


async def _person(staff_id):
    if not staff_id:
        return None
    row = await Staff.aget_or_none(Staff.id == staff_id)
    return {"id": row.id, "name": row.name, "unit_id": row.unit_id} if row else None


async def _out(unit):
    mode, named = await head_step_setting(unit.id)
    row = await UnitApprovalSetting.aget_or_none(UnitApprovalSetting.unit == unit.id)
    group = await leadership_group(unit.id, unit.head_id) if unit.head_id else []
    names = {s.id: s.name for s in await Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_(group or [0])).aexecute()}
    return {"unit_id": unit.id, "head_step": mode, "head_step_label": HEAD_STEP_NAMES[mode],
            "head_step_staff": await _person(named),
            "leadership_group": [{"id": i, "name": names.get(i, "")} for i in group],
            "updated_at": row.updated_at if row else None}


async def get_settings(*, actor, unit_id):
    return await _out(await _unit_in_reach(actor, unit_id))


async def _ancestor_unit_ids(unit):
    return [int(x) for x in unit.path.strip("/").split("/") if x and int(x) != unit.id]


async def save_settings(*, actor, unit_id, head_step, head_step_staff_id=None):
    unit = await _unit_in_reach(actor, unit_id)
    if head_step not in HEAD_STEP_MODES:
        raise Invalid("设置有误", code="VALIDATION_FAILED", fields={"head_step": "group、person 或 superior"})
    staff_id = None
    if head_step in ("person", "superior"):
        staff = await Staff.aget_or_none(Staff.id == head_step_staff_id, Staff.status == "active",
                                         Staff.is_service_account == False)  # noqa: E712
        allowed = [unit.id] if head_step == "person" else await _ancestor_unit_ids(unit)
        if staff is None or staff.unit_id not in allowed or staff.id == unit.head_id:
            where = "本单位" if head_step == "person" else "上级单位"
            raise Invalid(f"请选择{where}的在职人员（不能是单位主要负责人本人）",
                          code="HEAD_STEP_STAFF_INVALID", fields={"head_step_staff_id": f"应为{where}人员"})
        staff_id = staff.id
    async with atomic():
        row = await UnitApprovalSetting.aget_or_none(UnitApprovalSetting.unit == unit.id)
        before = {"head_step": row.head_step, "head_step_staff_id": row.head_step_staff_id} if row else None
        if row is None:
            await UnitApprovalSetting.acreate(unit=unit.id, head_step=head_step,
                                              head_step_staff=staff_id, updated_by=actor.id)
        else:
            await UnitApprovalSetting.update(head_step=head_step, head_step_staff=staff_id,
                                             updated_by=actor.id, updated_at=utcnow()).where(
                UnitApprovalSetting.id == row.id).aexecute()
        await audit.record(actor=actor, action="approval.settings.update", target_type="unit",
                           target_id=unit.id, before=before,
                           after={"head_step": head_step, "head_step_staff_id": staff_id},
                           unit_id=unit.id)
    return await _out(unit)
