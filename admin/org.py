"""Org pages (组织机构): the unit and department tree; create, rename, move, close, leadership."""
from pydantic import Field

from admin.base import AdminHandler
from admin.forms import Form, parse_form
from handlers.contract import Id
from handlers.schemas.org import Sort
from handlers.schemas.textrules import text
from server.errors import ApiError, Invalid
from services import org as org_service
from services import staff as staff_service


def flatten_units(units, depth=0):
    for u in units:
        yield u, depth
        yield from flatten_units(u.get("children", []), depth + 1)


def flatten_departments(nodes, depth=0):
    for d in nodes:
        yield d, depth
        yield from flatten_departments(d.get("children", []), depth + 1)


def build_rows(units, departments):
    """One row per unit followed by its departments depth-first, for an indented table."""
    by_unit = {}
    for d in departments:
        by_unit.setdefault(d["unit_id"], []).append(dict(d, children=[]))
    rows = []
    for unit, udepth in flatten_units(units):
        rows.append({"kind": "unit", "depth": udepth, "item": unit})
        depts = by_unit.get(unit["id"], [])
        by_id = {d["id"]: d for d in depts}
        roots = []
        for d in depts:
            parent = by_id.get(d["parent_id"])
            (parent["children"] if parent else roots).append(d)
        for d, depth in flatten_departments(roots):
            rows.append({"kind": "dept", "depth": udepth + depth + 1, "item": d})
    return rows


class OrgPage(AdminHandler):
    required = ("org.manage",)

    async def render_org(self, *, selected_id=None, error=None, errors=None, form=None, status=200):
        units = await org_service.list_units(env=self.env, actor=self.principal)
        departments = await org_service.list_departments(env=self.env, actor=self.principal,
                                                         flat=True)
        rows = build_rows(units, departments)
        selected = next((d for d in departments if d["id"] == selected_id), None)
        members = []
        if selected is not None:
            members, _ = await staff_service.list_staff(
                env=self.env, actor=self.principal, department_id=selected["id"],
                status="active", page=1, page_size=200)
        self.set_status(status)
        await self.page("org/index.html", rows=rows, departments=departments,
                        units=list(u for u, _ in flatten_units(units)), selected=selected,
                        members=members, error=error, errors=errors or {}, form=form or {})


class DepartmentForm(Form):
    unit_id: Id
    parent_id: Id | None = None
    name: text(100)
    sort: Sort = 0


class RenameForm(Form):
    name: text(100)
    sort: Sort | None = None


class MoveForm(Form):
    parent_id: Id


class LeadersForm(Form):
    leader_id: Id | None = None
    supervisor_id: Id | None = None
    deputy_ids: list[Id] = Field(default_factory=list, max_length=50)


class OrgHandler(OrgPage):
    """组织机构：单位与部门树。"""

    async def get(self):
        await self.render_org(selected_id=self.int_arg("dept"))


class DepartmentCreateHandler(OrgPage):
    """新建部门。"""

    async def post(self):
        form = self.form_args("unit_id", "parent_id", "name", "sort")
        try:
            body = parse_form(self, DepartmentForm, form)
            dept = await org_service.create_department(
                env=self.env, actor=self.principal, unit_id=body.unit_id,
                parent_id=body.parent_id, name=body.name, sort=body.sort)
        except ApiError as exc:
            await self.render_org(error=exc.message, errors=exc.fields, form=form,
                                  status=exc.status)
            return
        self.flash(f"已新建部门“{dept['name']}”")
        self.redirect(f"/admin/org?dept={dept['id']}")


class DepartmentActionHandler(OrgPage):
    """部门维护：改名、调整上级、撤销、设置负责人。"""

    async def post(self, dept_id, action):
        dept_id = int(dept_id)
        form = self.form_args("name", "sort", "parent_id", "leader_id", "supervisor_id")
        try:
            message = await getattr(self, "do_" + action)(dept_id, form)
        except ApiError as exc:
            await self.render_org(selected_id=dept_id, error=exc.message, errors=exc.fields,
                                  form=form, status=exc.status)
            return
        self.flash(message)
        self.redirect(f"/admin/org?dept={dept_id}")

    async def do_rename(self, dept_id, form):
        body = parse_form(self, RenameForm, form)
        dept = await org_service.update_department(env=self.env, actor=self.principal,
                                                   department_id=dept_id, name=body.name,
                                                   sort=body.sort)
        return f"已更名为“{dept['name']}”"

    async def do_move(self, dept_id, form):
        parent = form.get("parent_id", "")
        if parent.startswith("unit:"):
            try:
                unit_id = int(parent[5:])
            except ValueError:
                raise Invalid("请选择新的上级", code="VALIDATION_FAILED",
                              fields={"parent_id": "请选择新的上级"}) from None
            await org_service.move_department(env=self.env, actor=self.principal,
                                              department_id=dept_id, parent_id=None,
                                              unit_id=unit_id)
        else:
            body = parse_form(self, MoveForm, form)
            await org_service.move_department(env=self.env, actor=self.principal,
                                              department_id=dept_id, parent_id=body.parent_id)
        return "已调整上级部门"

    async def do_close(self, dept_id, form):
        await org_service.close_department(env=self.env, actor=self.principal,
                                           department_id=dept_id)
        return "部门已撤销"

    async def do_leaders(self, dept_id, form):
        deputies = [d.strip() for d in self.get_body_arguments("deputy_ids") if d.strip()]
        body = parse_form(self, LeadersForm, {**form, "deputy_ids": deputies})
        await org_service.set_leadership(env=self.env, actor=self.principal,
                                         department_id=dept_id, leader_id=body.leader_id,
                                         deputy_ids=list(body.deputy_ids),
                                         supervisor_id=body.supervisor_id)
        return "已更新部门负责人"


default_handlers = [
    (r"/admin/org", OrgHandler),
    (r"/admin/org/departments", DepartmentCreateHandler),
    (r"/admin/org/departments/(\d{1,12})/(rename|move|close|leaders)", DepartmentActionHandler),
]
