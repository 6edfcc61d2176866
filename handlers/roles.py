"""Roles and grants API: the permission catalogue, roles, who holds what, grant and revoke."""
from handlers.base import ApiHandler
from handlers.org import int_query
from server.validate import Int, List, Str, validate
from services import roles

CODE = Str(max_len=40)


class PermissionListHandler(ApiHandler):
    """权限目录。"""

    async def get(self):
        self.write_data(await roles.list_permissions(env=self.env, actor=self.principal))


class RoleListHandler(ApiHandler):
    """角色列表（含权限）；新建自定义角色。"""

    async def get(self):
        self.write_data(await roles.list_roles(env=self.env, actor=self.principal))

    async def post(self):
        body = validate(self.json_body(), {
            "code": CODE, "name": Str(max_len=50),
            "description": Str(required=False, default="", max_len=255),
            "permissions": List(Str(max_len=40), max_items=100),
        })
        self.write_data(await roles.create_role(env=self.env, actor=self.principal, **body),
                        status=201)


class RoleHandler(ApiHandler):
    """角色详情；修改自定义角色（内置角色只读）。"""

    async def get(self, role_id):
        self.write_data(await roles.get_role(env=self.env, actor=self.principal,
                                             role_id=int(role_id)))

    async def patch(self, role_id):
        body = validate(self.json_body(), {
            "name": Str(max_len=50, required=False),
            "description": Str(required=False, max_len=255),
            "permissions": List(Str(max_len=40), max_items=100, required=False),
        })
        self.write_data(await roles.update_role(env=self.env, actor=self.principal,
                                                role_id=int(role_id), **body))


class GrantListHandler(ApiHandler):
    """授权列表（?staff_id=&role_id=，谁持有什么角色）；授予角色。"""

    async def get(self):
        page, size = self.page_args()
        rows, total = await roles.list_grants(
            env=self.env, actor=self.principal, staff_id=int_query(self, "staff_id"),
            role_id=int_query(self, "role_id"),
            include_revoked=self.get_query_argument("include_revoked", "0") in ("1", "true"),
            page=page, page_size=size)
        self.write_data(rows, page=page, total=total)

    async def post(self):
        body = validate(self.json_body(), {
            "staff_id": Int(), "role_id": Int(),
            "scope_type": Str(choices=("all", "unit_tree", "dept_tree", "dept", "self", "custom")),
            "scope_unit_id": Int(required=False, nullable=True),
            "scope_department_id": Int(required=False, nullable=True),
            "department_ids": List(Int(), required=False, default=(), max_items=200),
        })
        self.write_data(await roles.create_grant(env=self.env, actor=self.principal, **body),
                        status=201)


class GrantHandler(ApiHandler):
    """收回授权。"""

    async def delete(self, grant_id):
        self.write_data(await roles.revoke_grant(env=self.env, actor=self.principal,
                                                 grant_id=int(grant_id)))


default_handlers = [
    (r"/api/permissions", PermissionListHandler),
    (r"/api/roles", RoleListHandler),
    (r"/api/roles/(\d+)", RoleHandler),
    (r"/api/grants", GrantListHandler),
    (r"/api/grants/(\d+)", GrantHandler),
]
