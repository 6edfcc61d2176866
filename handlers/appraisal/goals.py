"""Goal sets (目标设定): my goals, the draft, submit / withdraw / change requests, review with
per-item comments, history and field-level diffs, the team list, the reviews box, the export."""
from handlers.base import ApiHandler
from handlers.contract import XLSX, api, model_dump
from handlers.schemas.appraisal import goals as s
from services.appraisal import goal_history, goals
from services.appraisal.common import local_today


class GoalsBase(ApiHandler):
    def today(self):
        return local_today(self.now())


class MyGoalsHandler(GoalsBase):
    """我的目标：本周期的目标（目标设定阶段首次打开时按岗位模板创建草稿）。"""

    @api(response=s.MyGoalsOut)
    async def get(self, cycle_id):
        self.write_data(await goals.my_goals(actor=self.principal, cycle_id=int(cycle_id),
                                             today=self.today()))


class GoalSetListHandler(GoalsBase):
    """团队目标列表：部门负责人看本部门（含下级），人事与纪检看管理范围内。"""

    @api(query=s.GoalSetListQuery, response=list[s.GoalSetRowOut], paged=True)
    async def get(self, *, query):
        rows, total = await goal_history.list_goal_sets(
            actor=self.principal, cycle_id=query.cycle_id, department_id=query.department_id,
            status=query.status, q=query.q or None, page=query.page, page_size=query.page_size)
        self.write_data(rows, page=query.page, total=total)


class GoalSetHandler(GoalsBase):
    """目标详情：正在填写或审核的版本、已确认版本、审核进度与可执行的操作。"""

    @api(response=s.GoalSetOut)
    async def get(self, goal_set_id):
        self.write_data(await goal_history.get_goal_set(
            actor=self.principal, goal_set_id=int(goal_set_id), today=self.today()))


class DraftHandler(GoalsBase):
    """保存目标草稿（整体替换各项，返回实时权重合计与待补充项）。"""

    @api(body=s.DraftBody, response=s.DraftOut)
    async def put(self, goal_set_id, *, body):
        self.write_data(await goals.save_draft(
            actor=self.principal, goal_set_id=int(goal_set_id),
            items=[model_dump(i) for i in body.items], version=body.version, today=self.today()))


class SubmitHandler(GoalsBase):
    """提交目标（或退回后重新提交），进入部门负责人审核、单位确认。"""

    @api(body=s.SubmitBody, response=s.GoalSetOut)
    async def post(self, goal_set_id, *, body):
        self.write_data(await goals.submit(env=self.env, actor=self.principal,
                                           goal_set_id=int(goal_set_id), version=body.version,
                                           today=self.today()))


class WithdrawHandler(GoalsBase):
    """撤回审核中的目标。"""

    @api(body=s.WithdrawBody, response=s.GoalSetOut)
    async def post(self, goal_set_id, *, body):
        self.write_data(await goals.withdraw(env=self.env, actor=self.principal,
                                             goal_set_id=int(goal_set_id), comment=body.comment,
                                             today=self.today()))


class ChangeRequestHandler(GoalsBase):
    """申请变更已确认的目标：生成新版本草稿，审核通过前原目标继续有效。"""

    @api(body=s.ChangeRequestBody, response=s.GoalSetOut, status=201)
    async def post(self, goal_set_id, *, body):
        self.write_data(await goals.request_change(actor=self.principal, goal_set_id=int(goal_set_id),
                                                   reason=body.reason, today=self.today()), status=201)


class HistoryHandler(GoalsBase):
    """目标历史：每个版本的内容、审批过程与逐项意见。"""

    @api(response=s.HistoryOut)
    async def get(self, goal_set_id):
        self.write_data(await goal_history.history(actor=self.principal, goal_set_id=int(goal_set_id)))


class DiffHandler(GoalsBase):
    """两个版本逐字段比较。"""

    @api(query=s.DiffQuery, response=s.DiffOut)
    async def get(self, goal_set_id, *, query):
        self.write_data(await goal_history.diff(actor=self.principal, goal_set_id=int(goal_set_id),
                                                from_no=query.from_, to_no=query.to))


class ReviewHandler(GoalsBase):
    """审核目标：同意、退回修改或驳回，可逐项填写意见（仅当前环节审核人）。"""

    @api(body=s.ReviewBody, response=s.GoalSetOut)
    async def post(self, goal_set_id, *, body):
        self.write_data(await goals.review(
            env=self.env, actor=self.principal, goal_set_id=int(goal_set_id), decision=body.decision,
            comment=body.comment, items=[model_dump(i) for i in body.items], version=body.version,
            today=self.today()))


class ReviewsHandler(GoalsBase):
    """目标审核待办（waiting）与已办（done）。"""

    @api(query=s.ReviewsQuery, response=list[s.ReviewRowOut], paged=True)
    async def get(self, *, query):
        rows, total = await goal_history.reviews(actor=self.principal, box=query.box,
                                                 cycle_id=query.cycle_id, page=query.page,
                                                 page_size=query.page_size)
        self.write_data(rows, page=query.page, total=total)


class ExportHandler(GoalsBase):
    """导出本周期的目标明细或版本历史（XLSX）。"""

    @api(query=s.ExportQuery, produces=XLSX)
    async def get(self, cycle_id, *, query):
        self.send_file(*await goal_history.export(actor=self.principal, cycle_id=int(cycle_id),
                                                  what=query.what))


default_handlers = [
    (r"/api/appraisal/cycles/(\d+)/my-goals", MyGoalsHandler),
    (r"/api/appraisal/cycles/(\d+)/export", ExportHandler),
    (r"/api/appraisal/goal-sets", GoalSetListHandler),
    (r"/api/appraisal/goal-sets/(\d+)", GoalSetHandler),
    (r"/api/appraisal/goal-sets/(\d+)/draft", DraftHandler),
    (r"/api/appraisal/goal-sets/(\d+)/submit", SubmitHandler),
    (r"/api/appraisal/goal-sets/(\d+)/withdraw", WithdrawHandler),
    (r"/api/appraisal/goal-sets/(\d+)/change-requests", ChangeRequestHandler),
    (r"/api/appraisal/goal-sets/(\d+)/history", HistoryHandler),
    (r"/api/appraisal/goal-sets/(\d+)/diff", DiffHandler),
    (r"/api/appraisal/goal-sets/(\d+)/review", ReviewHandler),
    (r"/api/appraisal/reviews", ReviewsHandler),
]
