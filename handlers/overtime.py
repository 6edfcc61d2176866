"""Overtime (加班) over HTTP: submit, list, detail. Approved hours become 调休 balance."""
from handlers.base import ApiHandler
from server.validate import Date, Float, Str, validate
from services import overtime


class OvertimeListHandler(ApiHandler):
    """加班申请：我的（mine=1）或管理范围内的列表；提交加班。"""

    async def get(self):
        page, size = self.page_args()
        rows, total = await overtime.list_overtime(
            actor=self.principal, mine=self.query("mine", "1") not in ("0", "false"),
            page=page, page_size=size)
        self.write_data(rows, page=page, total=total)

    async def post(self):
        body = validate(self.json_body(), {"date": Date(), "hours": Float(),
                                           "reason": Str(max_len=500)})
        self.write_data(await overtime.submit_overtime(env=self.env, actor=self.principal, **body),
                        status=201)


class OvertimeHandler(ApiHandler):
    """加班申请详情。"""

    async def get(self, overtime_id):
        self.write_data(await overtime.get_overtime(actor=self.principal, overtime_id=int(overtime_id)))


default_handlers = [
    (r"/api/overtime/requests", OvertimeListHandler),
    (r"/api/overtime/requests/(\d{1,12})", OvertimeHandler),
]
