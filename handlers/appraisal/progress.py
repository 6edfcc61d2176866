"""Progress (过程跟踪), actual values from HR imports and business-system feeds, and the
self-assessment (个人自评)."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas.appraisal import progress as s
from server.errors import Invalid
from services.appraisal import progress, self_assessment, value_sources
from services.appraisal.common import local_today


class ProgressBase(ApiHandler):
    def today(self):
        return local_today(self.now())

    def upload(self, message="请选择文件", code="ATTACHMENT_EMPTY"):
        files = self.request.files.get("file") or []
        if not files:
            raise Invalid(message, code=code, fields={"file": "必填"})
        return files[0]


class GoalProgressHandler(ProgressBase):
    """目标进展：各项当前值（定量目标附预估得分）、是否逾期未更新、全部进展记录。"""

    @api(response=s.ProgressOut)
    async def get(self, goal_set_id):
        self.write_data(await progress.progress_view(actor=self.principal, goal_set_id=int(goal_set_id),
                                                     today=self.today()))

    @api(body=s.ProgressIn, response=s.ProgressRowOut, status=201)
    async def post(self, goal_set_id, *, body):
        """本人填报进展（定性填完成百分比，定量填实际值）。"""
        self.write_data(await progress.report(
            actor=self.principal, goal_set_id=int(goal_set_id), item_key=body.item_key,
            reported_on=body.reported_on, percent=body.percent, actual_value=body.actual_value,
            note=body.note, today=self.today()), status=201)


class ProgressAttachmentHandler(ProgressBase):
    """上传进展佐证材料（JPG/PNG/PDF，multipart 字段 file）。"""

    @api(response=s.AttachmentOut, status=201, form=True)
    async def post(self, progress_id):
        f = self.upload()
        self.write_data(await progress.add_evidence(
            env=self.env, actor=self.principal, progress_id=int(progress_id), filename=f.filename,
            body=f.body, today=self.today()), status=201)


class ValuesImportHandler(ProgressBase):
    """导入实际值（XLSX：工号、目标项编号或指标编码、日期、数值），任一行有误则全部不导入。"""

    @api(response=s.ImportResultOut, status=201, form=True)
    async def post(self, cycle_id):
        f = self.upload("请选择要导入的 XLSX 文件", "IMPORT_FILE_MISSING")
        self.write_data(await value_sources.import_values(
            actor=self.principal, cycle_id=int(cycle_id), filename=f.filename[:200],
            content=f.body, today=self.today()), status=201)


class FeedListHandler(ProgressBase):
    """数据接口令牌：业务系统按部门指标推送实际值。"""

    @api(response=list[s.FeedOut])
    async def get(self, cycle_id):
        self.write_data(await value_sources.list_feeds(actor=self.principal, cycle_id=int(cycle_id)))

    @api(body=s.FeedCreate, response=s.FeedCreatedOut, status=201)
    async def post(self, cycle_id, *, body):
        """创建令牌（令牌仅此一次显示，系统只保存其摘要）。"""
        self.write_data(await value_sources.create_feed(
            actor=self.principal, cycle_id=int(cycle_id), name=body.name,
            indicator_ids=body.indicator_ids), status=201)


class FeedHandler(ProgressBase):
    """撤销数据接口令牌。"""

    @api(response=s.FeedOut)
    async def delete(self, feed_id):
        self.write_data(await value_sources.revoke_feed(actor=self.principal, feed_id=int(feed_id)))


class FeedValuesHandler(ProgressBase):
    """业务系统推送实际值（Authorization: Bearer 数据接口令牌；不是人员登录）。"""

    # Not a staff session: the feed token is the credential, checked by the service.
    allow_anonymous = True

    @api(body=s.FeedValues, response=s.FeedPushOut, status=201)
    async def post(self, *, body):
        auth = self.request.headers.get("Authorization", "")
        token = auth[7:].strip() if auth.startswith("Bearer ") else ""
        entries = [e.model_dump() for e in body.entries()]
        if not entries or len(entries) > value_sources.MAX_PUSH:
            raise Invalid(f"一次推送 1 至 {value_sources.MAX_PUSH} 条", code="VALIDATION_FAILED",
                          fields={"body": f"1 至 {value_sources.MAX_PUSH} 条"})
        self.write_data(await value_sources.push_values(token=token, values=entries,
                                                        today=self.today()), status=201)


class SelfAssessmentHandler(ProgressBase):
    """个人自评：各目标项的自评与佐证材料（本人可见草稿，提交后他人可见）。"""

    @api(response=s.SelfAssessmentOut)
    async def get(self, goal_set_id):
        self.write_data(await self_assessment.view(actor=self.principal, goal_set_id=int(goal_set_id),
                                                   today=self.today()))

    @api(body=s.SelfAssessmentIn, response=s.SelfAssessmentOut)
    async def put(self, goal_set_id, *, body):
        """保存自评草稿。"""
        self.write_data(await self_assessment.save(
            actor=self.principal, goal_set_id=int(goal_set_id),
            items=[i.model_dump() for i in body.items], today=self.today()))


class SelfAssessmentSubmitHandler(ProgressBase):
    """提交自评（截止前一次提交，提交后锁定）。"""

    @api(response=s.SelfAssessmentOut)
    async def post(self, goal_set_id):
        self.write_data(await self_assessment.submit(actor=self.principal, goal_set_id=int(goal_set_id),
                                                     today=self.today()))


class SelfAssessmentAttachmentHandler(ProgressBase):
    """上传自评佐证材料（JPG/PNG/PDF，multipart 字段 file）。"""

    @api(response=s.AttachmentOut, status=201, form=True)
    async def post(self, goal_set_id, item_key):
        f = self.upload()
        self.write_data(await self_assessment.add_evidence(
            env=self.env, actor=self.principal, goal_set_id=int(goal_set_id), item_key=item_key,
            filename=f.filename, body=f.body, today=self.today()), status=201)


default_handlers = [
    (r"/api/appraisal/goal-sets/(\d{1,12})/progress", GoalProgressHandler),
    (r"/api/appraisal/progress/(\d{1,12})/attachments", ProgressAttachmentHandler),
    (r"/api/appraisal/cycles/(\d{1,12})/values/import", ValuesImportHandler),
    (r"/api/appraisal/cycles/(\d{1,12})/feeds", FeedListHandler),
    (r"/api/appraisal/feeds/(\d{1,12})", FeedHandler),
    (r"/api/appraisal/feeds/values", FeedValuesHandler),
    (r"/api/appraisal/goal-sets/(\d{1,12})/self-assessment", SelfAssessmentHandler),
    (r"/api/appraisal/goal-sets/(\d{1,12})/self-assessment/submit", SelfAssessmentSubmitHandler),
    (r"/api/appraisal/goal-sets/(\d{1,12})/self-assessment/items/([A-Za-z0-9_-]{1,16})/attachments",
     SelfAssessmentAttachmentHandler),
]
