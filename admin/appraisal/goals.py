"""Console pages for goal sets (考核目标): the goal-set list of a cycle, one person's goal history
(every version, the diff between two, the approval path) and the XLSX exports. Read-only: the
console has no path that writes a goal. Scope and permissions are enforced by
services/appraisal/goal_history.py."""
from admin.base import AdminHandler
from services.appraisal import goal_history
from services.appraisal.common import local_today

PAGE_SIZE = 50
STATUS_CHOICES = [("", "全部"), ("draft", "未提交"), ("submitted", "审核中"), ("returned", "退回修改"),
                  ("confirmed", "已确认"), ("change_pending", "变更审核中")]


class GoalSetListPage(AdminHandler):
    """考核目标：按周期查看人员目标状态，进入个人目标历史，导出。"""
    required = ("appraisal.view", "appraisal.manage")

    async def get(self):
        cycles = await goal_history.cycles_for(actor=self.principal)
        cycle_id = self.int_arg("cycle_id") or (cycles[0].id if cycles else None)
        status = self.get_query_argument("status", "")
        status = status if status in dict(STATUS_CHOICES) else ""
        q = self.get_query_argument("q", "").strip()[:50]
        page = max(1, min(self.int_arg("page", 1) or 1, 10000))
        rows, total = [], 0
        cycle = next((c for c in cycles if c.id == cycle_id), None)
        if cycle is not None:
            rows, total = await goal_history.list_goal_sets(
                actor=self.principal, cycle_id=cycle.id, status=status or None, q=q or None,
                page=page, page_size=PAGE_SIZE)
        await self.page("appraisal/goals/list.html", cycles=cycles, cycle=cycle, rows=rows,
                        total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)),
                        status=status, q=q, statuses=STATUS_CHOICES,
                        can_export=self.principal.has("appraisal.manage"))


class GoalSetHistoryPage(AdminHandler):
    """个人目标历史：各版本内容、审批过程、逐项意见与版本比较。"""
    required = ("appraisal.view", "appraisal.manage")

    async def get(self, goal_set_id):
        goal_set_id = int(goal_set_id)
        data = await goal_history.history(actor=self.principal, goal_set_id=goal_set_id)
        detail = await goal_history.get_goal_set(actor=self.principal, goal_set_id=goal_set_id,
                                                 today=local_today(self.now()))
        numbers = [v["number"] for v in data["versions"]]
        to_no = self.int_arg("to")
        from_no = self.int_arg("from")
        diff = None
        if len(numbers) >= 2:
            to_no = to_no if to_no in numbers else numbers[-1]
            from_no = from_no if from_no in numbers and from_no != to_no else (
                numbers[-2] if to_no == numbers[-1] else numbers[0] if to_no != numbers[0] else numbers[1])
            diff = await goal_history.diff(actor=self.principal, goal_set_id=goal_set_id,
                                           from_no=from_no, to_no=to_no)
        await self.page("appraisal/goals/history.html", h=data, detail=detail, diff=diff,
                        numbers=numbers, from_no=from_no, to_no=to_no)


class GoalExportHandler(AdminHandler):
    """导出本周期目标明细或版本历史（XLSX）。"""
    required = ("appraisal.manage",)

    async def get(self, cycle_id):
        what = self.get_query_argument("what", "goals")
        self.send_file(*await goal_history.export(actor=self.principal, cycle_id=int(cycle_id),
                                                  what=what))


default_handlers = [
    (r"/admin/appraisal/goals", GoalSetListPage),
    (r"/admin/appraisal/goal-sets/(\d+)", GoalSetHistoryPage),
    (r"/admin/appraisal/cycles/(\d+)/goals-export", GoalExportHandler),
]
