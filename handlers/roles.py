"""Roles and grants API: the permission catalogue, roles, who holds what, grant and revoke."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas import roles as s
from services import roles


class PermissionListHandler(ApiHandler):
    """权限目录。"""

    @api(response=list[s.PermissionOut])
    async def get(self):
        self.write_data(await roles.list_permissions(env=self.env, actor=self.principal))


class RoleListHandler(ApiHandler):
    """角色列表（含权限）；新建自定义角色。"""

    @api(response=list[s.RoleOut])
    async def get(self):
        """角色列表（含权限）。"""
        self.write_data(await roles.list_roles(env=self.env, actor=self.principal))

    @api(body=s.RoleCreate, response=s.RoleOut, status=201)
    async def post(self, *, body):
        """新建自定义角色。"""
        self.write_data(await roles.create_role(env=self.env, actor=self.principal,
                                                **body.model_dump()), status=201)


class RoleHandler(ApiHandler):
    """角色详情；修改自定义角色（内置角色只读）。"""

    @api(response=s.RoleOut)
    async def get(self, role_id):
        """角色详情。"""
        self.write_data(await roles.get_role(env=self.env, actor=self.principal,
                                             role_id=int(role_id)))

    @api(body=s.RoleUpdate, response=s.RoleOut)
    async def patch(self, role_id, *, body):
        """修改自定义角色（内置角色只读）。"""
        self.write_data(await roles.update_role(env=self.env, actor=self.principal,
                                                role_id=int(role_id), **body.model_dump()))


class GrantListHandler(ApiHandler):
    """授权列表（?staff_id=&role_id=，谁持有什么角色）；授予角色。"""

    @api(query=s.GrantListQuery, response=list[s.GrantOut], paged=True)
    async def get(self, *, query):
        """授权列表（谁持有什么角色，限本人数据范围）。"""
        rows, total = await roles.list_grants(
            env=self.env, actor=self.principal, staff_id=query.staff_id, role_id=query.role_id,
            include_revoked=query.include_revoked, page=query.page, page_size=query.page_size)
        self.write_data(rows, page=query.page, total=total)

    @api(body=s.GrantCreate, response=s.GrantOut, status=201)
    async def post(self, *, body):
        """授予角色（范围不能超出本人的授权范围）。"""
        self.write_data(await roles.create_grant(env=self.env, actor=self.principal,
                                                 **body.model_dump()), status=201)


class GrantHandler(ApiHandler):
    """收回授权。"""

    @api(response=s.GrantOut)
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
