"""Overtime (加班) over HTTP: submit, list, detail. Approved hours become 调休 balance."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas import overtime as s
from services import overtime


class OvertimeListHandler(ApiHandler):
    """加班申请：我的（mine=1）或管理范围内的列表；提交加班。"""

    @api(query=s.OvertimeListQuery, response=list[s.OvertimeOut], paged=True)
    async def get(self, *, query):
        """我的加班申请（mine=true，缺省）或管理范围内的加班申请。"""
        rows, total = await overtime.list_overtime(actor=self.principal, mine=query.mine,
                                                   page=query.page, page_size=query.page_size)
        self.write_data(rows, page=query.page, total=total)

    @api(body=s.OvertimeCreate, response=s.OvertimeOut, status=201)
    async def post(self, *, body):
        """提交加班申请（进入审批，通过后计入调休）。"""
        self.write_data(await overtime.submit_overtime(env=self.env, actor=self.principal,
                                                       **body.model_dump()), status=201)


class OvertimeHandler(ApiHandler):
    """加班申请详情。"""

    @api(response=s.OvertimeOut)
    async def get(self, overtime_id):
        self.write_data(await overtime.get_overtime(actor=self.principal, overtime_id=int(overtime_id)))


class OvertimeResubmitHandler(ApiHandler):
    """退回修改后重新提交加班申请：可改日期、时长与事由（未填的保持不变），按提交时的规则校验。"""

    @api(body=s.OvertimeResubmit, response=s.OvertimeOut)
    async def post(self, overtime_id, *, body):
        self.write_data(await overtime.resubmit_overtime(
            env=self.env, actor=self.principal, overtime_id=int(overtime_id), date=body.date,
            hours=body.hours, reason=body.reason))


default_handlers = [
    (r"/api/overtime/requests", OvertimeListHandler),
    (r"/api/overtime/requests/(\d{1,12})", OvertimeHandler),
    (r"/api/overtime/requests/(\d{1,12})/resubmit", OvertimeResubmitHandler),
]
