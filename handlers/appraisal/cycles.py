"""Appraisal cycles over HTTP (/api/appraisal/...): cycles and their phases, launch/close, the
frozen participant list, reopenings, goal templates, department indicators with coverage, the
progress monitor, my cycles. Services check permission and scope (out of reach: 404)."""
from handlers.base import ApiHandler
from handlers.contract import Ok, api, explicit, model_dump
from handlers.schemas.appraisal import cycles as s
from services.appraisal import cycles, indicators, monitor, participants
from services.appraisal.common import local_today


class CycleBase(ApiHandler):
    def today(self):
        return local_today(self.now())


class CycleListHandler(CycleBase):
    """考核周期列表（人事：管理范围内；参与人员：本人参加的）；新建考核周期（草稿）。"""

    @api(query=s.CycleListQuery, response=list[s.CycleOut], paged=True)
    async def get(self, *, query):
        rows, total = await cycles.list_cycles(actor=self.principal, today=self.today(),
                                               status=query.status, year=query.year,
                                               page=query.page, page_size=query.page_size)
        self.write_data(rows, page=query.page, total=total)

    @api(body=s.CycleCreate, response=s.CycleOut, status=201)
    async def post(self, *, body):
        self.write_data(await cycles.create_cycle(actor=self.principal, body=model_dump(body),
                                                  today=self.today()), status=201)


class CycleHandler(CycleBase):
    """考核周期详情（阶段、人数）；修改（筹备中：全部；进行中：仅名称与设置）。"""

    @api(response=s.CycleOut)
    async def get(self, cycle_id):
        self.write_data(await cycles.get_cycle_detail(actor=self.principal, cycle_id=int(cycle_id),
                                                      today=self.today()))

    @api(body=s.CycleUpdate, response=s.CycleOut)
    async def patch(self, cycle_id, *, body):
        changes = explicit(body)
        version = changes.pop("version")
        # An explicit null clears only what may be empty (period, period_no); elsewhere it is "unchanged".
        changes = {k: v for k, v in changes.items() if v is not None or k in ("period", "period_no")}
        for key in ("phases", "settings", "participant_rule"):
            if changes.get(key) is not None:
                changes[key] = model_dump(getattr(body, key)) if key != "phases" else [
                    p.model_dump() for p in body.phases]
        self.write_data(await cycles.update_cycle(actor=self.principal, cycle_id=int(cycle_id),
                                                  changes=changes, version=version,
                                                  today=self.today()))


class CycleLaunchHandler(CycleBase):
    """启动考核周期：按范围与排除条件生成并冻结参与人员名单，通知参与人员。"""

    @api(response=s.CycleOut)
    async def post(self, cycle_id):
        self.write_data(await cycles.launch_cycle(actor=self.principal, cycle_id=int(cycle_id),
                                                  today=self.today()))


class CycleCloseHandler(CycleBase):
    """结束考核周期。"""

    @api(response=s.CycleOut)
    async def post(self, cycle_id):
        self.write_data(await cycles.close_cycle(actor=self.principal, cycle_id=int(cycle_id),
                                                 today=self.today()))


class PhaseHandler(CycleBase):
    """调整某一阶段的起止日期（须填写原因，记入审计）。"""

    @api(body=s.PhaseMove, response=s.CycleOut)
    async def put(self, cycle_id, phase, *, body):
        self.write_data(await cycles.move_phase(
            actor=self.principal, cycle_id=int(cycle_id), phase=phase, opens_on=body.opens_on,
            closes_on=body.closes_on, reason=body.reason, today=self.today()))


class ParticipantListHandler(CycleBase):
    """参与人员名单（启动时冻结，含不参加人员及原因）；追加参与人员（须填写原因）。"""

    @api(query=s.ParticipantQuery, response=list[s.ParticipantOut], paged=True, extra=("counts",))
    async def get(self, cycle_id, *, query):
        rows, total, counts = await participants.list_participants(
            actor=self.principal, cycle_id=int(cycle_id), status=query.status,
            department_id=query.department_id, q=query.q, page=query.page,
            page_size=query.page_size)
        self.write_data(rows, page=query.page, total=total, counts=counts)

    @api(body=s.ParticipantAdd, response=s.ParticipantOut, status=201)
    async def post(self, cycle_id, *, body):
        self.write_data(await participants.add_participant(
            actor=self.principal, cycle_id=int(cycle_id), staff_id=body.staff_id,
            reason=body.reason), status=201)


class ParticipantHandler(CycleBase):
    """移出参与人员（须填写原因，记入审计）。"""

    @api(body=s.ParticipantRemove, response=s.ParticipantOut)
    async def delete(self, cycle_id, staff_id, *, body):
        self.write_data(await participants.remove_participant(
            actor=self.principal, cycle_id=int(cycle_id), staff_id=int(staff_id),
            reason=body.reason))


class ReopeningListHandler(CycleBase):
    """为某人重新开放已结束的阶段（至某日，须填写原因）；已重新开放的记录。"""

    @api(response=list[s.ReopeningOut])
    async def get(self, cycle_id):
        self.write_data(await cycles.list_reopenings(actor=self.principal, cycle_id=int(cycle_id)))

    @api(body=s.ReopeningCreate, response=s.ReopeningOut, status=201)
    async def post(self, cycle_id, *, body):
        self.write_data(await cycles.reopen_phase(
            actor=self.principal, cycle_id=int(cycle_id), staff_id=body.staff_id, phase=body.phase,
            until=body.until, reason=body.reason, now=self.now()), status=201)


class TemplateListHandler(CycleBase):
    """岗位目标模板：列表与新增。"""

    @api(response=list[s.TemplateOut])
    async def get(self, cycle_id):
        self.write_data(await indicators.list_templates(actor=self.principal, cycle_id=int(cycle_id)))

    @api(body=s.TemplateCreate, response=s.TemplateOut, status=201)
    async def post(self, cycle_id, *, body):
        self.write_data(await indicators.create_template(
            actor=self.principal, cycle_id=int(cycle_id), body=model_dump(body)), status=201)


class TemplateHandler(CycleBase):
    """修改或删除目标模板。"""

    @api(body=s.TemplateUpdate, response=s.TemplateOut)
    async def put(self, template_id, *, body):
        changes = explicit(body)
        if "items" in changes and changes["items"] is not None:
            changes["items"] = [i.model_dump() for i in body.items]
        changes = {k: v for k, v in changes.items() if v is not None or k == "position_id"}
        self.write_data(await indicators.update_template(
            actor=self.principal, template_id=int(template_id), changes=changes))

    @api(response=Ok)
    async def delete(self, template_id):
        await indicators.delete_template(actor=self.principal, template_id=int(template_id))
        self.write_data({"ok": True})


class IndicatorListHandler(CycleBase):
    """部门指标：列表（部门负责人可看本部门）与新增。"""

    @api(query=s.IndicatorQuery, response=list[s.IndicatorOut])
    async def get(self, cycle_id, *, query):
        self.write_data(await indicators.list_indicators(
            actor=self.principal, cycle_id=int(cycle_id), department_id=query.department_id))

    @api(body=s.IndicatorCreate, response=s.IndicatorOut, status=201)
    async def post(self, cycle_id, *, body):
        self.write_data(await indicators.create_indicator(
            actor=self.principal, cycle_id=int(cycle_id), body=model_dump(body)), status=201)


class IndicatorHandler(CycleBase):
    """修改部门指标。"""

    @api(body=s.IndicatorUpdate, response=s.IndicatorOut)
    async def patch(self, indicator_id, *, body):
        changes = {k: v for k, v in explicit(body).items()
                   if v is not None or k in ("target", "code", "description", "unit_of_measure")}
        for key in ("title", "weight", "active", "department_id"):
            if key in changes and changes[key] is None:
                del changes[key]
        self.write_data(await indicators.update_indicator(
            actor=self.principal, indicator_id=int(indicator_id), changes=changes))


class CoverageHandler(CycleBase):
    """部门指标的覆盖情况：关联的个人目标人数、权重合计、是否已确认。"""

    @api(response=list[s.CoverageOut])
    async def get(self, cycle_id):
        self.write_data(await indicators.coverage(actor=self.principal, cycle_id=int(cycle_id)))


class MonitorHandler(CycleBase):
    """进度监控：按部门统计未填报、草稿、待审核、退回、已确认、变更中、进度逾期、未自评，并列出人员。"""

    @api(query=s.MonitorQuery, response=s.MonitorOut)
    async def get(self, cycle_id, *, query):
        self.write_data(await monitor.monitor(actor=self.principal, cycle_id=int(cycle_id),
                                              today=self.today(), department_id=query.department_id))


class MyCyclesHandler(CycleBase):
    """我参加的考核：当前阶段、各阶段状态、我的目标状态。"""

    @api(response=list[s.MyCycleOut])
    async def get(self):
        self.write_data(await cycles.my_cycles(actor=self.principal, today=self.today()))


_ID = r"(\d{1,12})"
_CYCLE = r"(?P<cycle_id>\d{1,12})"
_PHASE = r"(?P<phase>\w{1,20})"   # an unknown phase is a 404 from the service
default_handlers = [
    (r"/api/appraisal/cycles", CycleListHandler),
    (rf"/api/appraisal/cycles/{_ID}", CycleHandler),
    (rf"/api/appraisal/cycles/{_ID}/launch", CycleLaunchHandler),
    (rf"/api/appraisal/cycles/{_ID}/close", CycleCloseHandler),
    (rf"/api/appraisal/cycles/{_CYCLE}/phases/{_PHASE}", PhaseHandler),
    (rf"/api/appraisal/cycles/{_ID}/participants", ParticipantListHandler),
    (rf"/api/appraisal/cycles/{_CYCLE}/participants/(?P<staff_id>\d{{1,12}})", ParticipantHandler),
    (rf"/api/appraisal/cycles/{_ID}/reopenings", ReopeningListHandler),
    (rf"/api/appraisal/cycles/{_ID}/templates", TemplateListHandler),
    (rf"/api/appraisal/templates/{_ID}", TemplateHandler),
    (rf"/api/appraisal/cycles/{_ID}/indicators", IndicatorListHandler),
    (rf"/api/appraisal/cycles/{_ID}/indicators/coverage", CoverageHandler),
    (rf"/api/appraisal/indicators/{_ID}", IndicatorHandler),
    (rf"/api/appraisal/cycles/{_ID}/monitor", MonitorHandler),
    (r"/api/appraisal/my/cycles", MyCyclesHandler),
]
