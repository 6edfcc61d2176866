"""Permission codes, the built-in roles that bundle them, and the self-service baseline."""

PERMISSIONS = {
    "org.view": "查看组织机构",
    "org.manage": "维护组织机构",
    "staff.view": "查看人员信息",
    "staff.manage": "维护人员信息",
    "staff.import": "批量导入人员",
    "staff.export": "导出人员信息",
    "staff.invite": "打印绑定邀请码",
    "role.view": "查看角色与授权",
    "role.manage": "维护角色",
    "role.grant": "授予与收回角色",
    "binding.view": "查看绑定申请",
    "binding.resolve": "处理绑定申请",
    "audit.view": "查看审计日志",
    "audit.verify": "校验审计日志",
    "audit.export": "导出审计日志",
    "system.config": "系统配置",
    "calendar.manage": "维护节假日日历",
    "approval.flow.manage": "维护审批流程",
    "leave.apply": "提交请假加班申请",
    "leave.view": "查看请假记录",
    "leave.manage": "维护假期类型与余额",
    "leave.report": "请假统计报表",
    "attendance.punch": "打卡",
    "attendance.view": "查看考勤记录",
    "attendance.manage": "维护考勤规则与地点",
    "attendance.review": "复核异常打卡",
    "attendance.report": "考勤统计报表",
    "appraisal.manage": "组织考核：考核周期、参与人员、部门指标、数据导入",
    "appraisal.view": "查看考核目标、进度与历史",
    "reminder.view": "查看管理范围内人员的消息发送记录与微信触达情况",
}

# Every active staff member holds these over their own data, without a grant row.
SELF_SERVICE = ("leave.apply", "attendance.punch")

# The three separated administrators (三员分立) come first: none holds another's permissions,
# and nobody may hold two of them.
BUILTIN_ROLES = {
    "sys_admin": {
        "name": "系统管理员", "tier": "system",
        "description": "维护组织机构、人员与系统配置，不能授权，不能查看审计日志",
        "permissions": ["org.view", "org.manage", "staff.view", "staff.manage", "staff.import",
                        "staff.export", "staff.invite", "system.config", "calendar.manage"],
    },
    "sec_admin": {
        "name": "安全保密管理员", "tier": "security",
        "description": "维护角色与授权，不能维护人员，不能查看审计日志",
        "permissions": ["org.view", "staff.view", "role.view", "role.manage", "role.grant"],
    },
    "sec_auditor": {
        "name": "安全审计员", "tier": "audit",
        "description": "查看、校验、导出审计日志，不能改动任何业务数据",
        "permissions": ["audit.view", "audit.verify", "audit.export"],
    },
    "hr_officer": {
        "name": "人事专员", "tier": "",
        "description": "人员信息、假期、考勤的日常管理",
        "permissions": ["org.view", "staff.view", "staff.manage", "staff.import", "staff.export",
                        "staff.invite", "binding.view", "leave.view", "leave.manage",
                        "leave.report", "attendance.view", "attendance.manage",
                        "attendance.review", "attendance.report", "approval.flow.manage",
                        "calendar.manage", "appraisal.manage", "appraisal.view", "reminder.view"],
    },
    "data_checker": {
        "name": "数据核验员", "tier": "",
        "description": "处理微信绑定冲突申请，核对并更正人员手机号",
        "permissions": ["org.view", "staff.view", "binding.view", "binding.resolve"],
    },
    "discipline_inspector": {
        "name": "纪检监督员", "tier": "",
        "description": "只读查看人员、请假、考勤与考核数据（含目标的全部历史版本）",
        "permissions": ["org.view", "staff.view", "leave.view", "leave.report",
                        "attendance.view", "attendance.report", "appraisal.view"],
    },
    "staff": {
        "name": "普通职工", "tier": "",
        "description": "本人请假、加班、打卡（所有在职人员默认具有）",
        "permissions": list(SELF_SERVICE),
    },
}

ADMIN_TIERS = ("system", "security", "audit")
