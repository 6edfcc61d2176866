"""Reading the audit log: filtered pages and CSV export within the auditor's units, chain checks.

Only the 安全审计员 tier carries audit.* (custom roles may not, see services.roles), and the
auditor sees entries whose unit lies in their reach (AuditLog.unit_id).
"""
import datetime
import json
from zoneinfo import ZoneInfo


from models.audit import AuditLog
from models.base import count, fetch_all
from server.crypto import mask_id_no, mask_phone
from server.errors import Invalid
from services import exports
from services.audit import verify_chain
from services.audit_anchor import AnchorError, read_anchor

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXPORT_LIMIT = 100_000


def _utc(value, *, end=False):
    """A date (whole day, Asia/Shanghai) or an aware/naive local datetime -> naive UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = (datetime.date.fromisoformat(value) if len(value) == 10
                     else datetime.datetime.fromisoformat(value))
        except ValueError:
            raise Invalid("时间格式不正确", code="VALIDATION_FAILED",
                          fields={"until" if end else "since": "应为 YYYY-MM-DD 或 ISO 时间"}) from None
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value + datetime.timedelta(days=1) if end else value,
                                          datetime.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def _query(reach, *, actor_id=None, action=None, target_type=None, target_id=None, since=None,
           until=None, person_ids=None, person=None):
    query = AuditLog.select().where(reach.touched_unit_filter(AuditLog.unit_id))
    if actor_id is not None:
        query = query.where(AuditLog.actor == actor_id)
    if person:
        # 人员: entries the person made (by id, or by the name kept on the entry) or that concern them.
        ids = person_ids or []
        cond = AuditLog.actor_name.contains(person)
        if ids:
            cond = cond | AuditLog.actor.in_(ids) | (
                (AuditLog.target_type == "staff") & AuditLog.target_id.in_([str(i) for i in ids]))
        query = query.where(cond)
    if action:
        action = resolve_action(action)
        # "staff." or "staff.*" matches every staff action.
        if action.endswith("*") or action.endswith("."):
            query = query.where(AuditLog.action.startswith(action.rstrip("*")))
        else:
            query = query.where(AuditLog.action == action)
    if target_type:
        query = query.where(AuditLog.target_type == target_type)
    if target_id:
        query = query.where(AuditLog.target_id == str(target_id))
    if since is not None:
        query = query.where(AuditLog.created_at >= _utc(since))
    if until is not None:
        # A date means the whole day; a datetime is an exclusive bound.
        query = query.where(AuditLog.created_at < _utc(until, end=True))
    return query


def entry_out(e, names=None):
    return {"seq": e.seq, "created_at": e.created_at, "actor_id": e.actor, "actor_name": e.actor_name,
            "action": e.action, "target_type": e.target_type, "target_id": e.target_id,
            "unit_id": e.unit_id, "before": e.before, "after": e.after, "ip": e.ip,
            "request_id": e.request_id, "hash": e.hash,
            "action_label": action_label(e.action), "target_text": _target_text(e, names or {}),
            "changes": changes(e.before, e.after)}


async def list_audit(*, env, actor, actor_id=None, action=None, target_type=None, target_id=None,
                     since=None, until=None, person=None, page=1, page_size=50):
    """Entries of units within the caller's audit.view reach, newest first. Returns (rows, total)."""
    reach = await actor.require_reach("audit.view")
    query = _query(reach, actor_id=actor_id, action=action, target_type=target_type,
                   target_id=target_id, since=since, until=until, person=person,
                   person_ids=await _person_ids(person) if person else None)
    total = await count(query)
    rows = await fetch_all(query.order_by(AuditLog.seq.desc()).paginate(page, page_size))
    names = await _target_names(rows)
    return [entry_out(e, names) for e in rows], total


async def verify(*, env, actor):
    """Walk the whole hash chain (the chain is global, so this is not narrowed by unit), with the
    same verifier as `audit-verify`, against its anchor when this host has one (read only: the
    command line keeps the anchor)."""
    actor.require("audit.verify")
    try:
        anchor = read_anchor(env.config.security.audit_anchor)
    except AnchorError as exc:
        return {"ok": False, "checked": 0, "broken_at": None, "reason": str(exc)}
    result = await verify_chain(anchor=anchor)
    result["anchored"] = anchor is not None
    return result


def _local(value):
    return value.replace(tzinfo=datetime.timezone.utc).astimezone(SHANGHAI).isoformat(timespec="seconds")


def _json(value):
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


# The readable columns come last: the first thirteen keep their places for existing consumers.
EXPORT_HEADER = ["序号", "时间", "操作人ID", "操作人", "操作", "对象类型", "对象ID", "单位ID",
                 "修改前", "修改后", "IP", "请求ID", "哈希", "操作名称", "对象名称"]


async def export_audit(*, env, actor, format="csv", **filters):
    """CSV of the filtered entries within reach (oldest first). Returns (bytes, filename, type)."""
    if format != "csv":
        raise Invalid("格式应为 csv", code="VALIDATION_FAILED", fields={"format": "应为 csv"})
    reach = await actor.require_reach("audit.export")
    if filters.get("person"):
        filters["person_ids"] = await _person_ids(filters["person"])
    query = _query(reach, **filters).order_by(AuditLog.seq).limit(EXPORT_LIMIT)
    entries = await fetch_all(query)
    names = await _target_names(entries)
    rows = [[e.seq, _local(e.created_at), e.actor or "", e.actor_name, e.action, e.target_type,
             e.target_id, e.unit_id or "", _json(e.before), _json(e.after), e.ip, e.request_id,
             e.hash, action_label(e.action), _target_text(e, names)]
            for e in entries]
    stamp = datetime.date.today().strftime("%Y%m%d")
    return (exports.to_csv(rows, list(enumerate(EXPORT_HEADER))), f"audit-{stamp}.csv",
            exports.content_type("csv"))


# ---- readable entries (issue 15): Chinese labels, names, a before/after table --------------

# action → label. Unknown actions are shown as they are (a new code is never hidden).
ACTION_LABELS = {
    "admin.create": "开通管理员账号", "admin.login": "登录管理后台", "admin.logout": "退出管理后台",
    "admin.login_failed": "管理后台登录失败", "admin.lock": "账号锁定",
    "admin.totp_enrol": "绑定动态口令", "admin.totp_reset": "重置动态口令",
    "admin.password_change": "修改管理后台密码",
    "auth.login": "小程序登录", "auth.logout": "小程序退出",
    "auth.qr_login.confirm": "确认扫码登录", "auth.qr_login.cancel": "取消扫码登录",
    "security.rotate_keys": "轮换加密密钥",
    "unit.create": "新建单位", "unit.update": "修改单位",
    "department.create": "新建部门", "department.update": "修改部门", "department.move": "调整部门上级",
    "department.close": "撤销部门", "department.leadership": "设置部门领导",
    "position.create": "新建职务",
    "staff.create": "新增人员", "staff.update": "修改人员信息", "staff.transfer": "人员调动",
    "staff.transfer_out": "人员调出", "staff.retire": "人员离退", "staff.retire_scheduled": "登记离退（待生效）",
    "staff.post_add": "增加兼任职务", "staff.post_end": "结束兼任职务", "staff.import": "导入人员",
    "staff.export": "导出人员",
    "staff.transfer_scheduled": "登记调动（待生效）", "staff.transfer_cancel": "撤销待生效调动",
    "staff.transfer_lapsed": "待生效调动失效",
    "role.create": "新建角色", "role.update": "修改角色", "grant.create": "授予角色", "grant.revoke": "收回授权",
    "binding.request": "提交绑定申请", "binding.resolve": "处理绑定申请", "binding.bind": "绑定微信",
    "binding.unbind": "解除微信绑定", "binding.invite": "生成绑定邀请", "binding.proof": "上传绑定证明",
    "binding.other_record": "绑定到其他档案",
    "leave.submit": "提交请假", "leave.resubmit": "重新提交请假", "leave.report_back": "销假",
    "leave.attachment.upload": "上传请假证明", "leave.balance.adjust": "人工调整假期余额",
    "leave.balance.export": "导出假期余额表", "leave.balance.fill": "生成年度假期余额",
    "leave.type.create": "新建假期类型", "leave.type.update": "修改假期类型",
    "overtime.submit": "提交加班", "overtime.lieu_credit": "加班折算调休",
    "overtime.resubmit": "修改后重新提交加班",
    "approval.submit": "提交审批", "approval.resubmit": "重新提交审批", "approval.approve": "审批同意",
    "approval.reject": "审批驳回", "approval.return": "退回修改", "approval.withdraw": "撤回申请",
    "approval.transfer": "转交审批", "approval.comment": "审批评论", "approval.cc": "抄送",
    "approval.auto_approve": "自动通过", "approval.auto_skip": "自动跳过", "approval.approve_refused": "审批被拒绝执行",
    "approval.flow.create": "新建审批流程", "approval.flow.update": "修改审批流程",
    "approval.settings.update": "修改审批设置",
    "approval.delegation.create": "设置委托审批", "approval.delegation.revoke": "撤销委托审批",
    "approval.delegation.hand_over": "移交待办给受托人", "approval.delegation.hand_back": "收回委托待办",
    "attendance.rule.save": "保存考勤规则", "attendance.schedule.save": "保存排班",
    "attendance.schedule.delete": "删除排班", "attendance.place.save": "保存打卡地点",
    "attendance.place.delete": "删除打卡地点", "attendance.recompute": "重算考勤",
    "attendance.makeup.request": "申请补卡", "attendance.makeup.resubmit": "修改后重新提交补卡",
    "attendance.device_change.request": "申请更换打卡设备",
    "attendance.device_change.approved": "同意更换打卡设备", "attendance.device_change.rejected": "拒绝更换打卡设备",
    "attendance.punch.accepted": "打卡复核通过", "attendance.punch.rejected": "打卡复核不通过",
    "calendar.set_day": "设置节假日", "calendar.publish_year": "发布年度节假日", "calendar.import": "导入节假日",
    "reminder.template": "修改提醒模板", "reminder.settings": "修改提醒设置", "message.read": "阅读消息",
    "appraisal.cycle.create": "新建考核周期", "appraisal.cycle.update": "修改考核周期",
    "appraisal.cycle.launch": "启动考核", "appraisal.cycle.publish": "公示考核结果",
    "appraisal.cycle.close": "结束考核周期", "appraisal.phase.move": "推进考核阶段",
    "appraisal.phase.reopen": "重开考核阶段", "appraisal.participant.add": "增加考核对象",
    "appraisal.participant.remove": "移除考核对象", "appraisal.template.create": "新建考核模板",
    "appraisal.template.update": "修改考核模板", "appraisal.template.delete": "删除考核模板",
    "appraisal.indicator.create": "新建考核指标", "appraisal.indicator.update": "修改考核指标",
    "appraisal.sheet.generate": "生成评分表", "appraisal.sheet.save": "暂存评分", "appraisal.sheet.submit": "提交评分",
    "appraisal.sheet.recuse": "回避评分", "appraisal.self_assessment.save": "暂存自评",
    "appraisal.self_assessment.submit": "提交自评", "appraisal.self_assessment.attachment": "上传自评附件",
    "appraisal.result.compute": "计算考核结果", "appraisal.result.confirm": "确认考核结果",
    "appraisal.result.quota_approval": "审批优秀名额", "appraisal.objection.file": "提出异议",
    "appraisal.objection.answer": "答复异议", "appraisal.appeal.file": "提出复核申请",
    "appraisal.review.file": "提出复核", "appraisal.values.import": "导入考核实际值",
    "appraisal.progress.report": "报告目标进度", "appraisal.progress.attachment": "上传进度附件",
    "appraisal.feed.create": "新建数据接口令牌", "appraisal.feed.revoke": "吊销数据接口令牌",
    "appraisal.feed.push": "数据接口推送", "appraisal.relationship.declare": "申报亲属关系",
    "appraisal.relationship.revoke": "撤销亲属关系", "appraisal.alert.compute": "计算廉洁风险预警",
    "appraisal.alert.dismiss": "排除廉洁风险预警", "appraisal.application.create": "申请考核结果运用",
    "appraisal.request.attachment": "上传申请附件", "appraisal.remind_unsubmitted": "催办未提交",
}

# Prefix groups offered in the action filter ("staff.*" matches every staff action).
ACTION_GROUPS = [("admin.*", "管理员账号与登录"), ("auth.*", "小程序登录"), ("unit.*", "单位"),
                 ("department.*", "部门"), ("staff.*", "人员"), ("role.*", "角色"), ("grant.*", "授权"),
                 ("binding.*", "微信绑定"), ("leave.*", "请假"), ("overtime.*", "加班"),
                 ("approval.*", "审批"), ("attendance.*", "考勤"), ("calendar.*", "节假日"),
                 ("reminder.*", "消息提醒"), ("appraisal.*", "考核")]

TARGET_LABELS = {
    "staff": "人员", "department": "部门", "unit": "单位", "position": "职务", "role": "角色",
    "grant": "授权", "admin_login": "登录", "binding_request": "绑定申请", "leave_request": "请假申请",
    "leave_type": "假期类型", "leave_balance": "假期余额", "overtime_request": "加班申请",
    "approval_instance": "审批", "approval_flow": "审批流程", "approval_delegation": "委托审批",
    "attendance_rule": "考勤规则", "attendance_schedule": "排班", "attendance_place": "打卡地点",
    "punch": "打卡记录", "makeup_request": "补卡申请", "device_change": "更换设备申请",
    "day_status": "考勤日结果", "calendar_day": "节假日", "calendar_year": "年度节假日",
    "notification": "消息", "template_setting": "提醒模板", "pii": "个人信息",
    "appraisal_cycle": "考核周期", "appraisal_template": "考核模板", "appraisal_indicator": "考核指标",
    "appraisal_participant": "考核对象", "appraisal_score_sheet": "评分表",
    "appraisal_self_assessment": "自评", "appraisal_objection": "异议",
    "appraisal_result_request": "结果复核", "appraisal_result_application": "结果运用",
    "appraisal_goal_set": "考核目标", "appraisal_goal_progress": "目标进度", "appraisal_feed": "数据接口令牌",
    "appraisal_integrity_alert": "廉洁风险预警", "staff_relationship": "亲属关系",
}

FIELD_LABELS = {
    "name": "名称/姓名", "username": "用户名", "employee_no": "工号", "status": "状态", "unit_id": "单位",
    "department_id": "部门", "parent_id": "上级部门", "position_id": "职务", "rank_id": "职级",
    "gender": "性别", "hire_date": "入职日期", "first_employment_date": "参加工作日期", "phone": "手机号",
    "id_no": "身份证号", "openid": "微信", "role": "角色", "role_id": "角色", "scope": "数据范围",
    "scope_type": "数据范围", "reason": "原因", "failures": "失败次数", "method": "方式",
    "minutes": "分钟", "locked_until": "锁定至", "forced": "首次登录强制修改", "totp_enabled": "动态口令已绑定",
    "effective_date": "生效日期", "start_date": "开始日期", "end_date": "结束日期", "days": "天数",
    "delta": "调整天数", "year": "年度", "type_code": "假期类型", "leave_type": "假期类型",
    "comment": "意见", "note": "备注", "count": "条数", "format": "格式", "active": "启用",
    "kind": "类别", "permissions": "权限", "paid": "带薪", "balance_tracked": "记录余额",
    "is_trip": "计为出差", "quota_days": "额度天数", "quota_rule": "额度规则", "count_mode": "计算方式", "description": "说明", "sort": "排序", "code": "代码",
}

# Values masked even if an older entry kept them whole (entries written today are masked already).
_PII_MASKS = {"phone": mask_phone, "id_no": mask_id_no}


def resolve_action(text):
    """A code as typed, or a Chinese label / group name from the filter's list → its code."""
    text = text.strip()
    for code, label in ACTION_GROUPS:
        if text in (label, label + "（全部）"):
            return code
    for code, label in ACTION_LABELS.items():
        if text == label:
            return code
    return text


def action_label(action):
    return ACTION_LABELS.get(action, action)


def _value_text(key, value):
    if value is None or value == "":
        return "—"
    if key in _PII_MASKS and isinstance(value, str) and "*" not in value:
        return _PII_MASKS[key](value)
    if key == "openid":
        return "已绑定"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def changes(before, after):
    """[(field label, before text, after text)] of the fields that differ (all of them when only
    one side exists)."""
    before = before if isinstance(before, dict) else ({} if before is None else {"值": before})
    after = after if isinstance(after, dict) else ({} if after is None else {"值": after})
    keys = list(before) + [k for k in after if k not in before]
    rows = []
    for key in keys:
        if key in before and key in after and before[key] == after[key]:
            continue
        rows.append((FIELD_LABELS.get(key, key),
                     _value_text(key, before[key]) if key in before else "—",
                     _value_text(key, after[key]) if key in after else "—"))
    return rows


async def _target_names(entries):
    """{(type, id): name} for the people, departments, units and roles the entries name."""
    from models.access import Role
    from models.org import Department, Staff, Unit

    wanted = {}
    for e in entries:
        if e.target_type in ("staff", "department", "unit", "role") and str(e.target_id).isdigit():
            wanted.setdefault(e.target_type, set()).add(int(e.target_id))
    names = {}
    for kind, model in (("staff", Staff), ("department", Department), ("unit", Unit), ("role", Role)):
        ids = wanted.get(kind)
        if ids:
            for row in await fetch_all(model.select(model.id, model.name).where(model.id.in_(list(ids)))):
                names[(kind, str(row.id))] = row.name
    return names


def _target_text(e, names):
    label = TARGET_LABELS.get(e.target_type, e.target_type)
    name = names.get((e.target_type, str(e.target_id)))
    if name:
        return f"{label}：{name}"
    return f"{label} #{e.target_id}" if e.target_id else label


async def _person_ids(person):
    """Staff ids whose name contains `person` (at most 200: a name search, not a dump)."""
    from models.org import Staff

    rows = await fetch_all(Staff.select(Staff.id).where(Staff.name.contains(person)).limit(200))
    return [r.id for r in rows]
