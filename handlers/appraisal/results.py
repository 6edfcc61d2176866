"""Results (考核结果): totals and proposed grades, HR's confirmation under the 优秀 quota, quota
approvals, the grade distribution, publication (公示) and closing, objections, reviews (复核) and
appeals (申诉), result applications (结果运用) and a person's record."""
from handlers.base import ApiHandler
from handlers.contract import api, model_dump
from handlers.schemas.appraisal import results as s
from server.errors import Invalid
from services.appraisal import applications, grades, publication, record, requests
from services.appraisal.common import local_today


class ResultsBase(ApiHandler):
    def today(self):
        return local_today(self.now())


class ComputeHandler(ResultsBase):
    """计算考核结果：按已提交评分表加权汇总总分，并按等次标准给出建议等次（公示前可重复计算）。"""

    @api(response=s.ComputeOut)
    async def post(self, cycle_id):
        self.write_data(await grades.compute_results(actor=self.principal, cycle_id=cycle_id, today=self.today()))


class ResultListHandler(ResultsBase):
    """考核结果列表：总分、建议等次、确认等次、同年平时考核等次、优秀名额核算。"""

    @api(query=s.ResultListQuery, response=s.ResultsPageOut, paged=True)
    async def get(self, cycle_id, *, query):
        data, total = await grades.list_results(
            actor=self.principal, cycle_id=cycle_id, department_id=query.department_id, grade=query.grade,
            status=query.status, page=query.page, page_size=query.page_size)
        self.write_data(data, page=query.page, total=total)


class ConfirmHandler(ResultsBase):
    """确认等次（超出优秀名额时整体拒绝，并说明名额、已确认数与本次申请数）。"""

    @api(body=s.ConfirmIn, response=s.ConfirmOut)
    async def post(self, cycle_id, *, body):
        self.write_data(await grades.confirm(actor=self.principal, cycle_id=cycle_id,
                                             items=[model_dump(i) for i in body.items],
                                             accept_proposed=body.accept_proposed, today=self.today()))


class QuotaHandler(ResultsBase):
    """优秀名额：参与人数、比例、名额、已确认数与取整规则。"""

    @api(response=s.QuotaOut)
    async def get(self, cycle_id):
        self.write_data(await grades.get_quota(actor=self.principal, cycle_id=cycle_id))


class QuotaApprovalHandler(ResultsBase):
    """登记提高优秀比例的批准（不超过上限，须写明理由与批准文号）。"""

    @api(body=s.QuotaApprovalIn, response=s.QuotaOut, status=201)
    async def post(self, cycle_id, *, body):
        self.write_data(await grades.add_quota_approval(actor=self.principal, cycle_id=cycle_id, percent=body.percent,
                                                        reason=body.reason, document=body.document), status=201)


class DistributionHandler(ResultsBase):
    """各部门等次分布（图表数据）。"""

    @api(response=s.DistributionOut)
    async def get(self, cycle_id):
        self.write_data(await grades.distribution(actor=self.principal, cycle_id=cycle_id))


class PublishHandler(ResultsBase):
    """公示考核结果（公示期按工作日计算，默认 5 个工作日）。"""

    @api(response=s.PublishOut)
    async def post(self, cycle_id):
        self.write_data(await publication.publish(actor=self.principal, cycle_id=cycle_id, today=self.today()))


class CloseHandler(ResultsBase):
    """结束考核：公示期、复核与申诉期限届满且无未办结申请后，结果定档，全部锁定。"""

    @api(response=s.CloseOut)
    async def post(self, cycle_id):
        self.write_data(await publication.close(actor=self.principal, cycle_id=cycle_id, today=self.today()))


class MyResultHandler(ResultsBase):
    """我的考核结果：逐项得分、评分依据、评分人（同事匿名）、复核与申诉期限。"""

    @api(response=s.MyResultOut)
    async def get(self, cycle_id):
        self.write_data(await publication.my_result(actor=self.principal, cycle_id=cycle_id, today=self.today()))


class ObjectionListHandler(ResultsBase):
    """公示期异议：人事部门看管理范围内的全部，其他人看本人提出的。"""

    @api(query=s.ObjectionQuery, response=list[s.ObjectionOut])
    async def get(self, cycle_id, *, query):
        self.write_data(await publication.list_objections(actor=self.principal, cycle_id=cycle_id,
                                                          status=query.status))

    @api(body=s.ObjectionIn, response=s.ObjectionOut, status=201)
    async def post(self, cycle_id, *, body):
        """公示期内提出异议（本周期考核对象）。"""
        self.write_data(await publication.file_objection(actor=self.principal, cycle_id=cycle_id, text=body.text,
                                                         about_staff_id=body.about_staff_id, today=self.today()),
                        status=201)


class ObjectionAnswerHandler(ResultsBase):
    """书面答复异议。"""

    @api(body=s.AnswerIn, response=s.ObjectionOut)
    async def post(self, objection_id, *, body):
        self.write_data(await publication.answer_objection(actor=self.principal, objection_id=objection_id,
                                                           answer=body.answer))


class ReviewHandler(ResultsBase):
    """申请复核（公示之日起 30 日内）。"""

    @api(body=s.RequestIn, response=s.RequestOut, status=201)
    async def post(self, result_id, *, body):
        self.write_data(await requests.file_review(actor=self.principal, result_id=result_id, reason=body.reason,
                                                   today=self.today()), status=201)


class AppealHandler(ResultsBase):
    """提出申诉（复核决定之日起 15 日内）。"""

    @api(body=s.RequestIn, response=s.RequestOut, status=201)
    async def post(self, review_id, *, body):
        self.write_data(await requests.file_appeal(actor=self.principal, review_id=review_id, reason=body.reason,
                                                   today=self.today()), status=201)


class ResultRequestsHandler(ResultsBase):
    """某一考核结果的复核与申诉。"""

    @api(response=list[s.RequestOut])
    async def get(self, result_id):
        self.write_data(await requests.list_for_result(actor=self.principal, result_id=result_id, today=self.today()))


class CycleRequestsHandler(ResultsBase):
    """本周期复核与申诉（人事部门，按办理期限排序）。"""

    @api(query=s.RequestQuery, response=list[s.RequestOut])
    async def get(self, cycle_id, *, query):
        self.write_data(await requests.list_for_cycle(actor=self.principal, cycle_id=cycle_id, kind=query.kind,
                                                      status=query.status, today=self.today()))


class RequestHandler(ResultsBase):
    """复核或申诉详情。"""

    @api(response=s.RequestOut)
    async def get(self, request_id):
        self.write_data(await requests.get_request(actor=self.principal, request_id=request_id, today=self.today()))


class DecideHandler(ResultsBase):
    """作出复核或申诉决定（支持并调整分数/等次，或维持原结果），评分人须回避。"""

    @api(body=s.DecideIn, response=s.RequestOut)
    async def post(self, request_id, *, body):
        self.write_data(await requests.decide(
            env=self.env, actor=self.principal, request_id=request_id, outcome=body.outcome, reason=body.reason,
            adjusted_total=body.adjusted_total, adjusted_grade=body.adjusted_grade, today=self.today()))


class RequestAttachmentHandler(ResultsBase):
    """上传复核/申诉材料（JPG/PNG/PDF，multipart 字段 file）。"""

    @api(response=s.AttachmentOut, status=201, form=True)
    async def post(self, request_id):
        files = self.request.files.get("file") or []
        if not files:
            raise Invalid("请选择文件", code="ATTACHMENT_EMPTY", fields={"file": "必填"})
        self.write_data(await requests.add_attachment(env=self.env, actor=self.principal, request_id=request_id,
                                                      filename=files[0].filename, body=files[0].body), status=201)


class ApplicationListHandler(ResultsBase):
    """结果运用（奖励、晋升资格、培训、诫勉提醒）。"""

    @api(response=list[s.ApplicationOut])
    async def get(self, cycle_id):
        self.write_data(await applications.list_for_cycle(actor=self.principal, cycle_id=cycle_id))

    @api(body=s.ApplicationIn, response=s.ApplicationOut, status=201)
    async def post(self, cycle_id, *, body):
        """部门推荐结果运用（随后人事部门审核、单位审批）。"""
        self.write_data(await applications.create(env=self.env, actor=self.principal, cycle_id=cycle_id,
                                                  staff_id=body.staff_id, kind=body.kind, reason=body.reason),
                        status=201)


class RecordHandler(ResultsBase):
    """个人考核档案：历年结果、连续优秀年数与提示。"""

    @api(response=s.RecordOut)
    async def get(self, staff_id):
        self.write_data(await record.staff_record(actor=self.principal, staff_id=staff_id))


_ID = r"(\d{1,12})"
default_handlers = [
    (rf"/api/appraisal/cycles/{_ID}/results/compute", ComputeHandler),
    (rf"/api/appraisal/cycles/{_ID}/results/confirm", ConfirmHandler),
    (rf"/api/appraisal/cycles/{_ID}/results/close", CloseHandler),
    (rf"/api/appraisal/cycles/{_ID}/results", ResultListHandler),
    (rf"/api/appraisal/cycles/{_ID}/quota", QuotaHandler),
    (rf"/api/appraisal/cycles/{_ID}/quota-approvals", QuotaApprovalHandler),
    (rf"/api/appraisal/cycles/{_ID}/distribution", DistributionHandler),
    (rf"/api/appraisal/cycles/{_ID}/publish", PublishHandler),
    (rf"/api/appraisal/cycles/{_ID}/my-result", MyResultHandler),
    (rf"/api/appraisal/cycles/{_ID}/objections", ObjectionListHandler),
    (rf"/api/appraisal/objections/{_ID}/answer", ObjectionAnswerHandler),
    (rf"/api/appraisal/results/{_ID}/reviews", ReviewHandler),
    (rf"/api/appraisal/results/{_ID}/requests", ResultRequestsHandler),
    (rf"/api/appraisal/reviews/{_ID}/appeal", AppealHandler),
    (rf"/api/appraisal/cycles/{_ID}/requests", CycleRequestsHandler),
    (rf"/api/appraisal/requests/{_ID}", RequestHandler),
    (rf"/api/appraisal/requests/{_ID}/decide", DecideHandler),
    (rf"/api/appraisal/requests/{_ID}/attachments", RequestAttachmentHandler),
    (rf"/api/appraisal/cycles/{_ID}/applications", ApplicationListHandler),
    (rf"/api/appraisal/staff/{_ID}/record", RecordHandler),
]
