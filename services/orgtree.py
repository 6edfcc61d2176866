"""Tree bookkeeping for units and departments: materialised paths, subtree look-ups, cycle checks."""
from models.base import fetch_all
from models.org import Department, Unit


async def create_unit_row(*, name, code, parent=None):
    unit = await Unit.acreate(name=name, code=code, parent=parent, path="/")
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    await Unit.update(path=unit.path).where(Unit.id == unit.id).aexecute()
    return unit


async def create_department_row(*, unit, name, parent=None, sort=0):
    dept = await Department.acreate(unit=unit, name=name, parent=parent, path="/", sort=sort)
    dept.path = (parent.path if parent else "/") + f"{dept.id}/"
    await Department.update(path=dept.path).where(Department.id == dept.id).aexecute()
    return dept


async def move_department_row(dept, new_parent, new_unit_id):
    """Re-parent a department and rewrite the paths of its whole subtree."""
    old_path = dept.path
    new_path = (new_parent.path if new_parent else "/") + f"{dept.id}/"
    subtree = await fetch_all(Department.select().where(Department.path.startswith(old_path)))
    for row in subtree:
        fields = {"path": new_path + row.path[len(old_path):]}
        if new_unit_id != row.unit_id:
            fields["unit"] = new_unit_id
        if row.id == dept.id:
            fields["parent"] = new_parent.id if new_parent else None
        await Department.update(**fields).where(Department.id == row.id).aexecute()
    dept.path = new_path
    dept.parent = new_parent.id if new_parent else None
    return dept


def is_in_subtree(path, ancestor_path):
    return path.startswith(ancestor_path)


async def department_ancestors(dept):
    """Ancestors from the root down to the parent, from the materialised path."""
    ids = [int(x) for x in dept.path.strip("/").split("/") if x][:-1]
    if not ids:
        return []
    rows = {d.id: d for d in await fetch_all(Department.select().where(Department.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


async def subtree_department_ids(dept):
    rows = await fetch_all(Department.select(Department.id).where(Department.path.startswith(dept.path)))
    return [r.id for r in rows]
