"""Org structure API: units, departments (tree, move, close, leadership), positions, ranks."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas import org as s
from server.errors import BadRequest
from services import org


def int_query(handler, name, default=None):
    """An optional integer query argument; a non-integer is a 400, not a 500. Used by
    handlers/staff.py, handlers/roles.py until their query strings are declared models."""
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

    @api(response=list[s.UnitNode])
    async def get(self):
        """单位树（在组织机构查看范围内）。"""
        self.write_data(await org.list_units(env=self.env, actor=self.principal))

    @api(body=s.UnitCreate, response=s.UnitOut, status=201)
    async def post(self, *, body):
        """新建单位。"""
        self.write_data(await org.create_unit(env=self.env, actor=self.principal,
                                              **body.model_dump()), status=201)


class UnitHandler(ApiHandler):
    """修改单位名称或代码。"""

    @api(body=s.UnitUpdate, response=s.UnitOut)
    async def patch(self, unit_id, *, body):
        self.write_data(await org.update_unit(env=self.env, actor=self.principal,
                                              unit_id=int(unit_id), **body.model_dump()))


class DepartmentListHandler(ApiHandler):
    """部门树或平铺列表（?unit_id=&flat=1）；新建部门。"""

    @api(query=s.DepartmentListQuery, response=list[s.DepartmentNode])
    async def get(self, *, query):
        """部门树或平铺列表（?unit_id=&flat=1）。"""
        self.write_data(await org.list_departments(env=self.env, actor=self.principal,
                                                   unit_id=query.unit_id, flat=query.flat))

    # Without org.view the caller gets the bare row back (no names or head count).
    @api(body=s.DepartmentCreate, response=s.DepartmentOut | s.DepartmentBrief, status=201)
    async def post(self, *, body):
        """新建部门。"""
        self.write_data(await org.create_department(env=self.env, actor=self.principal,
                                                    **body.model_dump()), status=201)


class DepartmentHandler(ApiHandler):
    """部门详情（负责人、分管领导、副职）；改名或调整排序。"""

    @api(response=s.DepartmentOut)
    async def get(self, dept_id):
        """部门详情（负责人、分管领导、副职）。"""
        self.write_data(await org.get_department(env=self.env, actor=self.principal,
                                                 department_id=int(dept_id)))

    @api(body=s.DepartmentUpdate, response=s.DepartmentBrief)
    async def patch(self, dept_id, *, body):
        """部门改名或调整排序。"""
        self.write_data(await org.update_department(env=self.env, actor=self.principal,
                                                    department_id=int(dept_id), **body.model_dump()))


class DepartmentMoveHandler(ApiHandler):
    """移动部门到新的上级部门（或单位顶层），整棵子树随之移动。"""

    @api(body=s.DepartmentMove, response=s.DepartmentBrief)
    async def post(self, dept_id, *, body):
        self.write_data(await org.move_department(env=self.env, actor=self.principal,
                                                  department_id=int(dept_id), **body.model_dump()))


class DepartmentCloseHandler(ApiHandler):
    """撤销部门（须无在职人员、无兼职、无下级部门）。"""

    @api(response=s.DepartmentBrief)
    async def post(self, dept_id):
        self.write_data(await org.close_department(env=self.env, actor=self.principal,
                                                   department_id=int(dept_id)))


class DepartmentLeadershipHandler(ApiHandler):
    """设置部门负责人、副职与分管领导。"""

    @api(body=s.LeadershipUpdate, response=s.DepartmentOut)
    async def put(self, dept_id, *, body):
        self.write_data(await org.set_leadership(env=self.env, actor=self.principal,
                                                 department_id=int(dept_id), **body.model_dump()))


class PositionListHandler(ApiHandler):
    """职务列表（?unit_id=）；新建职务。"""

    @api(query=s.PositionListQuery, response=list[s.PositionOut])
    async def get(self, *, query):
        """职务列表（?unit_id=）。"""
        self.write_data(await org.list_positions(env=self.env, actor=self.principal,
                                                 unit_id=query.unit_id))

    @api(body=s.PositionCreate, response=s.PositionOut, status=201)
    async def post(self, *, body):
        """新建职务。"""
        self.write_data(await org.create_position(env=self.env, actor=self.principal,
                                                  **body.model_dump()), status=201)


class RankListHandler(ApiHandler):
    """职级列表。"""

    @api(response=list[s.RankOut])
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
