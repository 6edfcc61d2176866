"""Scoring (考核评分): generating the raters' sheets, a rater's sheets, one sheet's entries, draft
saves, submission, declaring a conflict (回避); HR's sheet list and recusal list."""
from handlers.base import ApiHandler
from handlers.contract import api, model_dump
from handlers.schemas.appraisal import scoring as s
from services.appraisal import raters, scoring
from services.appraisal.common import local_today


class ScoringBase(ApiHandler):
    def today(self):
        return local_today(self.now())


class GenerateHandler(ScoringBase):
    """生成评分表（按组织架构确定评分人并自动回避；可重复执行，只补缺）。"""

    @api(response=s.SheetsGeneratedOut)
    async def post(self, cycle_id):
        self.write_data(await raters.generate_sheets(actor=self.principal, cycle_id=int(cycle_id),
                                                     today=self.today()))


class CycleSheetsHandler(ScoringBase):
    """本周期评分表（人事部门，管理范围内的被考核人）。"""

    @api(query=s.SheetListQuery, response=list[s.SheetRowOut], paged=True)
    async def get(self, cycle_id, *, query):
        rows, total = await scoring.list_sheets(
            actor=self.principal, cycle_id=int(cycle_id), rater_id=query.rater, status=query.status,
            department_id=query.department_id, page=query.page, page_size=query.page_size)
        self.write_data(rows, page=query.page, total=total)


class RecusalsHandler(ScoringBase):
    """本周期全部回避记录：被跳过的评分人、原因、改由谁评分。"""

    @api(response=list[s.RecusalOut])
    async def get(self, cycle_id):
        self.write_data(await raters.recusals(actor=self.principal, cycle_id=int(cycle_id)))


class MySheetsHandler(ScoringBase):
    """我的评分任务：需要我评分的人。"""

    @api(query=s.MySheetsQuery, response=list[s.SheetRowOut])
    async def get(self, *, query):
        self.write_data(await scoring.my_sheets(actor=self.principal, cycle_id=query.cycle_id,
                                                status=query.status))


class SheetHandler(ScoringBase):
    """评分表：各目标项（定量按公式计分）、评分依据规则、合计与可执行的操作。"""

    @api(response=s.SheetOut)
    async def get(self, sheet_id):
        self.write_data(await scoring.get_sheet(actor=self.principal, sheet_id=int(sheet_id),
                                                today=self.today()))

    @api(body=s.SheetSave, response=s.SheetOut)
    async def put(self, sheet_id, *, body):
        """保存评分草稿。"""
        self.write_data(await scoring.save_sheet(
            actor=self.principal, sheet_id=int(sheet_id), version=body.version,
            entries=[model_dump(e) for e in body.entries], today=self.today()))


class SheetSubmitHandler(ScoringBase):
    """提交评分表（逐项检查评分依据与调整理由，提交后锁定）。"""

    @api(body=s.SheetSubmit, response=s.SheetOut)
    async def post(self, sheet_id, *, body):
        self.write_data(await scoring.submit_sheet(
            actor=self.principal, sheet_id=int(sheet_id), version=body.version,
            entries=[model_dump(e) for e in body.entries], today=self.today()))


class SheetRecuseHandler(ScoringBase):
    """申明回避：本表改由上一级领导评分，并记录理由。"""

    @api(body=s.RecuseIn, response=s.RecuseOut)
    async def post(self, sheet_id, *, body):
        self.write_data(await raters.declare_conflict(actor=self.principal, sheet_id=int(sheet_id),
                                                      reason=body.reason, today=self.today()))


default_handlers = [
    (r"/api/appraisal/cycles/(\d+)/sheets/generate", GenerateHandler),
    (r"/api/appraisal/cycles/(\d+)/sheets", CycleSheetsHandler),
    (r"/api/appraisal/cycles/(\d+)/recusals", RecusalsHandler),
    (r"/api/appraisal/my/sheets", MySheetsHandler),
    (r"/api/appraisal/sheets/(\d+)", SheetHandler),
    (r"/api/appraisal/sheets/(\d+)/submit", SheetSubmitHandler),
    (r"/api/appraisal/sheets/(\d+)/recuse", SheetRecuseHandler),
]
