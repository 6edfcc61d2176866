"""Roles pages (角色授权): roles and their permissions, who holds what, grant with a data scope,
revoke; custom roles for the security administrator."""
from typing import Literal

from pydantic import Field

from admin.base import AdminHandler
from admin.forms import Form, parse_form
from handlers.contract import Id
from handlers.schemas.textrules import text
from server.errors import ApiError, Invalid
from services import org as org_service
from services import roles as roles_service
from services import staff as staff_service
from services.access import SCOPE_LABELS


class RolesPage(AdminHandler):
    required = ("role.view",)

    async def render_roles(self, *, role_id=None, error=None, errors=None, form=None, status=200):
        roles = await roles_service.list_roles(env=self.env, actor=self.principal)
        grants, total = await roles_service.list_grants(env=self.env, actor=self.principal,
                                                        role_id=role_id, page=1, page_size=200)
        catalogue = await roles_service.list_permissions(env=self.env, actor=self.principal)
        units, departments = [], []
        if self.principal.has("org.view"):
            units = flatten(await org_service.list_units(env=self.env, actor=self.principal))
            departments = await org_service.list_departments(env=self.env, actor=self.principal,
                                                             flat=True, include_closed=False)
        self.set_status(status)
        await self.page("roles/index.html", roles=roles, grants=grants, total=total,
                        role_id=role_id, catalogue={p["code"]: p["name"] for p in catalogue},
                        catalogue_list=catalogue, units=units, departments=departments,
                        scope_labels=SCOPE_LABELS, error=error, errors=errors or {},
                        form=form or {})


def flatten(units):
    out = []
    for u in units:
        out.append(u)
        out.extend(flatten(u.get("children", [])))
    return out


class GrantForm(Form):
    employee_no: text(32)
    role_id: Id
    scope_type: Literal[tuple(SCOPE_LABELS)]
    scope_unit_id: Id | None = None
    scope_department_id: Id | None = None
    department_ids: list[Id] = Field(default_factory=list, max_length=200)


class RoleCreateForm(Form):
    code: text(40)
    name: text(50)
    description: text(255, min_length=0, multiline=True) = ""


class RoleUpdateForm(Form):
    name: text(50) | None = None
    description: text(255, min_length=0, multiline=True) | None = None


class RolesHandler(RolesPage):
    """角色与授权。"""

    async def get(self):
        await self.render_roles(role_id=self.int_arg("role_id"))


class GrantCreateHandler(RolesPage):
    """授予角色（含数据范围）。"""
    required = ("role.grant",)

    async def post(self):
        form = self.form_args("employee_no", "role_id", "scope_type", "scope_unit_id",
                              "scope_department_id")
        try:
            dept_ids = [d.strip() for d in self.get_body_arguments("department_ids") if d.strip()]
            body = parse_form(self, GrantForm, {**form, "department_ids": dept_ids}).model_dump()
            staff_id = await self.staff_id_for(body.pop("employee_no"))
            grant = await roles_service.create_grant(env=self.env, actor=self.principal,
                                                     staff_id=staff_id, **body)
        except ApiError as exc:
            await self.render_roles(error=exc.message, errors=exc.fields, form=form,
                                    status=exc.status)
            return
        self.flash(f"已将“{grant['role']['name']}”授予 {grant['staff']['name']}"
                   f"（{grant['scope']['label']}）")
        self.redirect("/admin/roles")

    async def staff_id_for(self, employee_no):
        rows, _ = await staff_service.list_staff(env=self.env, actor=self.principal,
                                                 q=employee_no, status="active", page_size=50)
        match = [r for r in rows if r["employee_no"] == employee_no]
        if not match:
            raise Invalid("未找到该工号的在职人员（或不在您的管理范围内）",
                          code="VALIDATION_FAILED", fields={"employee_no": "未找到该工号"})
        return match[0]["id"]


class GrantRevokeHandler(RolesPage):
    """收回授权。"""
    required = ("role.grant",)

    async def post(self, grant_id):
        try:
            await roles_service.revoke_grant(env=self.env, actor=self.principal,
                                             grant_id=int(grant_id))
        except ApiError as exc:
            await self.render_roles(error=exc.message, errors=exc.fields, status=exc.status)
            return
        self.flash("已收回授权")
        self.redirect("/admin/roles")


class RoleSaveHandler(RolesPage):
    """新建或修改自定义角色的权限。"""
    required = ("role.manage",)

    async def post(self, role_id=None):
        form = self.form_args("code", "name", "description")
        perms = [p for p in self.get_body_arguments("permissions") if p.strip()]
        try:
            if role_id is None:
                body = parse_form(self, RoleCreateForm, form).model_dump()
                role = await roles_service.create_role(env=self.env, actor=self.principal,
                                                       permissions=perms, **body)
            else:
                body = parse_form(self, RoleUpdateForm, form).model_dump()
                role = await roles_service.update_role(env=self.env, actor=self.principal,
                                                       role_id=int(role_id), permissions=perms,
                                                       **body)
        except ApiError as exc:
            await self.render_roles(error=exc.message, errors=exc.fields, form=form,
                                    status=exc.status)
            return
        self.flash(f"已保存角色“{role['name']}”")
        self.redirect(f"/admin/roles?role_id={role['id']}")


default_handlers = [
    (r"/admin/roles", RolesHandler),
    (r"/admin/roles/new", RoleSaveHandler),
    (r"/admin/roles/(\d{1,12})", RoleSaveHandler),
    (r"/admin/roles/grants", GrantCreateHandler),
    (r"/admin/roles/grants/(\d{1,12})/revoke", GrantRevokeHandler),
]
