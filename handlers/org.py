"""Org structure API: units, departments (tree, move, close, leadership), positions, ranks."""
from handlers.base import ApiHandler
from server.errors import BadRequest
from server.validate import Bool, Int, List, Str, validate
from services import org


def int_query(handler, name, default=None):
    """An optional integer query argument; a non-integer is a 400, not a 500."""
    value = handler.get_query_argument(name, None)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"参数 {name} 应为整数", code="BAD_QUERY",
                         fields={name: "应为整数"}) from None


class UnitListHandler(ApiHandler):
    """单位树（在组织机构查看范围内）；新建单位。"""

    async def get(self):
        self.write_data(await org.list_units(env=self.env, actor=self.principal))

    async def post(self):
        body = validate(self.json_body(), {
            "name": Str(max_len=100), "code": Str(max_len=50),
            "parent_id": Int(required=False, nullable=True),
        })
        self.write_data(await org.create_unit(env=self.env, actor=self.principal, **body), status=201)


class UnitHandler(ApiHandler):
    """修改单位名称或代码。"""

    async def patch(self, unit_id):
        body = validate(self.json_body(), {
            "name": Str(max_len=100, required=False), "code": Str(max_len=50, required=False),
        })
        self.write_data(await org.update_unit(env=self.env, actor=self.principal,
                                              unit_id=int(unit_id), **body))


class DepartmentListHandler(ApiHandler):
    """部门树或平铺列表（?unit_id=&flat=1）；新建部门。"""

    async def get(self):
        flat = self.get_query_argument("flat", "0") in ("1", "true")
        self.write_data(await org.list_departments(env=self.env, actor=self.principal,
                                                   unit_id=int_query(self, "unit_id"), flat=flat))

    async def post(self):
        body = validate(self.json_body(), {
            "unit_id": Int(), "parent_id": Int(required=False, nullable=True),
            "name": Str(max_len=100), "sort": Int(required=False, default=0),
        })
        self.write_data(await org.create_department(env=self.env, actor=self.principal, **body),
                        status=201)


class DepartmentHandler(ApiHandler):
    """部门详情（负责人、分管领导、副职）；改名或调整排序。"""

    async def get(self, dept_id):
        self.write_data(await org.get_department(env=self.env, actor=self.principal,
                                                 department_id=int(dept_id)))

    async def patch(self, dept_id):
        body = validate(self.json_body(), {
            "name": Str(max_len=100, required=False), "sort": Int(required=False),
        })
        self.write_data(await org.update_department(env=self.env, actor=self.principal,
                                                    department_id=int(dept_id), **body))


class DepartmentMoveHandler(ApiHandler):
    """移动部门到新的上级部门（或单位顶层），整棵子树随之移动。"""

    async def post(self, dept_id):
        body = validate(self.json_body(), {
            "parent_id": Int(nullable=True),
            "unit_id": Int(required=False, nullable=True),
        })
        self.write_data(await org.move_department(env=self.env, actor=self.principal,
                                                  department_id=int(dept_id), **body))


class DepartmentCloseHandler(ApiHandler):
    """撤销部门（须无在职人员、无兼职、无下级部门）。"""

    async def post(self, dept_id):
        self.write_data(await org.close_department(env=self.env, actor=self.principal,
                                                   department_id=int(dept_id)))


class DepartmentLeadershipHandler(ApiHandler):
    """设置部门负责人、副职与分管领导。"""

    async def put(self, dept_id):
        body = validate(self.json_body(), {
            "leader_id": Int(nullable=True),
            "deputy_ids": List(Int(), required=False, default=[], max_items=20),
            "supervisor_id": Int(required=False, nullable=True),
        })
        self.write_data(await org.set_leadership(env=self.env, actor=self.principal,
                                                 department_id=int(dept_id), **body))


class PositionListHandler(ApiHandler):
    """职务列表（?unit_id=）；新建职务。"""

    async def get(self):
        self.write_data(await org.list_positions(env=self.env, actor=self.principal,
                                                 unit_id=int_query(self, "unit_id")))

    async def post(self):
        body = validate(self.json_body(), {
            "unit_id": Int(), "name": Str(max_len=100),
            "is_leading": Bool(required=False, default=False),
        })
        self.write_data(await org.create_position(env=self.env, actor=self.principal, **body),
                        status=201)


class RankListHandler(ApiHandler):
    """职级列表。"""

    async def get(self):
        self.write_data(await org.list_ranks(env=self.env, actor=self.principal))


default_handlers = [
    (r"/api/units", UnitListHandler),
    (r"/api/units/(\d+)", UnitHandler),
    (r"/api/departments", DepartmentListHandler),
    (r"/api/departments/(\d+)", DepartmentHandler),
    (r"/api/departments/(\d+)/move", DepartmentMoveHandler),
    (r"/api/departments/(\d+)/close", DepartmentCloseHandler),
    (r"/api/departments/(\d+)/leadership", DepartmentLeadershipHandler),
    (r"/api/positions", PositionListHandler),
    (r"/api/ranks", RankListHandler),
]
