// 明镜 Mingjing API 的类型声明 —— 由 `python -m server.typings` 从 /api/openapi.json 生成，请勿手改。
// Generated from the OpenAPI document by `python -m server.typings`; do not edit by hand.
// Use in JSDoc: /** @type {MingjingApi.Schemas.LeaveRequestOut} */

declare namespace MingjingApi {
  namespace Schemas {
    type AlertComputeOut = {
      cycle_id: number;
      found: number;
      created: number;
      updated: number;
      reopened: number;
      resolved: number;
      by_kind: Record<string, number>;
      computed_at: string;
      [key: string]: unknown;
    };
    type AlertCycleOut = {
      id: number;
      name: string;
      year: number;
      kind: string;
      [key: string]: unknown;
    };
    type AlertDetailOut = {
      id: number;
      cycle_id: number;
      kind: "dept_excellent_rate" | "flat_distribution" | "completion_jump" | "attendance_contradiction" | "late_change" | "rater_bias" | "related_rater";
      kind_label: string;
      subject_key: string;
      severity: "high" | "warning" | "info";
      severity_label: string;
      title: string;
      department_id: number | null;
      department_name: string | null;
      status: "open" | "dismissed" | "resolved";
      status_label: string;
      /** 触发预警的数字（人数、比例、分差、天数……） */
      numbers: Record<string, number>;
      /** 计算时使用的阈值 */
      thresholds: Record<string, unknown>;
      /** 预警依据的记录编号（results / sheets / changes / days / relationships / staff） */
      ids: Record<string, Array<number>>;
      dismissed_by: Schemas.AlertPersonRef | null;
      dismiss_reason: string;
      dismissed_at: string | null;
      /** 排除后因数字变差而重新打开的次数 */
      reopened_times: number;
      created_at: string;
      computed_at: string;
      cycle: Schemas.AlertCycleOut;
      /** 预警依据的记录（人员、结果、评分表、修改记录、考勤日、亲属关系） */
      rows: Schemas.DrillRowsOut;
      earlier_dismissals: Array<Schemas.EarlierDismissalOut>;
      number_labels: Record<string, string>;
      /** 当前用户能否排除（人事部门，待处理的预警） */
      can_dismiss: boolean;
      [key: string]: unknown;
    };
    type AlertOut = {
      id: number;
      cycle_id: number;
      kind: "dept_excellent_rate" | "flat_distribution" | "completion_jump" | "attendance_contradiction" | "late_change" | "rater_bias" | "related_rater";
      kind_label: string;
      subject_key: string;
      severity: "high" | "warning" | "info";
      severity_label: string;
      title: string;
      department_id: number | null;
      department_name: string | null;
      status: "open" | "dismissed" | "resolved";
      status_label: string;
      /** 触发预警的数字（人数、比例、分差、天数……） */
      numbers: Record<string, number>;
      /** 计算时使用的阈值 */
      thresholds: Record<string, unknown>;
      /** 预警依据的记录编号（results / sheets / changes / days / relationships / staff） */
      ids: Record<string, Array<number>>;
      dismissed_by: Schemas.AlertPersonRef | null;
      dismiss_reason: string;
      dismissed_at: string | null;
      /** 排除后因数字变差而重新打开的次数 */
      reopened_times: number;
      created_at: string;
      computed_at: string;
      [key: string]: unknown;
    };
    type AlertPersonRef = {
      id: number;
      name: string;
      [key: string]: unknown;
    };
    type AlertSummaryOut = {
      open: number;
      dismissed: number;
      resolved: number;
      by_kind: Array<Schemas.KindCountOut>;
      by_severity: Array<Schemas.SeverityCountOut>;
      /** 最近一次计算时间 */
      computed_at: string | null;
      /** 本周期各类预警的阈值（默认值见文档） */
      thresholds: Record<string, Record<string, unknown>>;
      [key: string]: unknown;
    };
    type AnswerIn = {
      /** 书面答复（至少 5 个字） */
      answer: string;
    };
    type ApplicantRequestOut = {
      id: number;
      status: "open" | "resolved" | "rejected";
      conflict: string;
      name: string;
      verified: "wechat_phone" | "none";
      employee_no: string;
      note: string;
      phone_masked: string | null;
      created_at: string;
      deadline_at: string;
      overdue: boolean;
      resolved_at: string | null;
      resolution: string;
      steps: Array<Schemas.Step>;
      [key: string]: unknown;
    };
    type ApplicationIn = {
      staff_id: number;
      /** award 奖励 / promotion 晋升资格 / training 培训 / warning 诫勉提醒 */
      kind: "award" | "promotion" | "training" | "warning";
      /** 推荐理由 */
      reason: string;
    };
    type ApplicationOut = {
      id: number;
      cycle_id: number;
      staff: Schemas.PersonOut;
      kind: "award" | "promotion" | "training" | "warning";
      kind_label: string;
      reason: string;
      status: "pending" | "approved" | "rejected" | "withdrawn";
      status_label: string;
      instance_id: number | null;
      created_by: Schemas.PersonOut | null;
      [key: string]: unknown;
    };
    type ApprovalAction = {
      action: "approve" | "reject" | "return" | "withdraw" | "transfer" | "comment" | "cc";
      comment?: string;
      /** 转交或抄送给谁（transfer、cc 必填） */
      to_staff_id?: number | null;
      /** 详情中的 version：他人已处理时返回 409 */
      version?: number | null;
    };
    type ApprovalAssigneeOut = {
      id: number;
      name: string;
      on_behalf_of: Schemas.ApprovalStaffRef | null;
      [key: string]: unknown;
    };
    type ApprovalBatch = {
      ids: Array<number>;
      action: "approve";
      comment?: string;
    };
    type ApprovalBatchResultOut = {
      id: number;
      ok: boolean;
      /** 成功时：处理后的状态 */
      status?: "pending" | "approved" | "rejected" | "withdrawn" | "returned" | null;
      /** 失败时：HTTP 状态 */
      status_code?: number | null;
      code?: string | null;
      message?: string | null;
      [key: string]: unknown;
    };
    type ApprovalCanOut = {
      approve: boolean;
      reject: boolean;
      return: boolean;
      transfer: boolean;
      withdraw: boolean;
      resubmit: boolean;
      comment: boolean;
      cc: boolean;
      [key: string]: unknown;
    };
    type ApprovalCountOut = {
      waiting: number;
      [key: string]: unknown;
    };
    type ApprovalDetailOut = {
      id: number;
      kind: string;
      kind_title: string;
      subject_id: number | null;
      unit_id: number;
      applicant_id: number;
      applicant: Schemas.ApprovalStaffRef | null;
      department_id: number | null;
      summary: string;
      /** 提交时的条件数据（天数、类型等） */
      context: Record<string, unknown> | null;
      status: "pending" | "approved" | "rejected" | "withdrawn" | "returned";
      status_label: string;
      round: number;
      version: number;
      current_step: number;
      created_at: string;
      updated_at: string;
      finished_at: string | null;
      steps: Array<Schemas.ApprovalStepOut>;
      current_assignees: Array<Schemas.ApprovalAssigneeOut>;
      my_task: Schemas.ApprovalTaskOut | null;
      ccs: Array<Schemas.ApprovalStaffRef | null>;
      can: Schemas.ApprovalCanOut;
      timeline: Array<Schemas.ApprovalEventOut>;
      /** 申请本身（由申请类型提供，如请假单） */
      subject: Record<string, unknown> | null;
      [key: string]: unknown;
    };
    type ApprovalEventOut = {
      id: number;
      action: string;
      action_label: string;
      actor: Schemas.ApprovalStaffRef | null;
      on_behalf_of: Schemas.ApprovalStaffRef | null;
      label: string;
      step_index: number | null;
      comment: string;
      data: Record<string, unknown> | null;
      created_at: string;
      [key: string]: unknown;
    };
    type ApprovalOut = {
      id: number;
      kind: string;
      kind_title: string;
      subject_id: number | null;
      unit_id: number;
      applicant_id: number;
      applicant: Schemas.ApprovalStaffRef | null;
      department_id: number | null;
      summary: string;
      /** 提交时的条件数据（天数、类型等） */
      context: Record<string, unknown> | null;
      status: "pending" | "approved" | "rejected" | "withdrawn" | "returned";
      status_label: string;
      round: number;
      version: number;
      current_step: number;
      created_at: string;
      updated_at: string;
      finished_at: string | null;
      steps: Array<Schemas.ApprovalStepOut>;
      current_assignees: Array<Schemas.ApprovalAssigneeOut>;
      my_task: Schemas.ApprovalTaskOut | null;
      ccs: Array<Schemas.ApprovalStaffRef | null>;
      can: Schemas.ApprovalCanOut;
      [key: string]: unknown;
    };
    type ApprovalPathOut = {
      instance_id: number;
      kind: string;
      status: string;
      status_label: string;
      round: number;
      version: number;
      current_step: number | null;
      steps: Array<Schemas.StepOut>;
      current_assignees: Array<Schemas.PersonRefOut>;
      [key: string]: unknown;
    };
    type ApprovalSettingsOut = {
      unit_id: number;
      /** group 报备单位领导班子；person 指定人员审批；superior 上级机关联系人审批 */
      head_step: "group" | "person" | "superior";
      head_step_label: string;
      head_step_staff: Schemas.HeadStepPerson | null;
      /** 领导班子（报备对象）：分管领导与主要负责人所在部门的副职 */
      leadership_group: Array<Schemas.PersonName>;
      updated_at: string | null;
      [key: string]: unknown;
    };
    type ApprovalSettingsUpdate = {
      head_step: "group" | "person" | "superior";
      /** person：本单位人员；superior：上级单位人员 */
      head_step_staff_id?: number | null;
    };
    type ApprovalStaffRef = {
      id: number;
      name: string;
      [key: string]: unknown;
    };
    type ApprovalStepOut = {
      index: number;
      name: string;
      mode: "any" | "all";
      approvers: Array<Schemas.ApprovalStaffRef | null>;
      skipped: boolean;
      note: string | null;
      state: "done" | "current" | "waiting" | "skipped" | "stopped";
      tasks: Array<Schemas.ApprovalTaskOut>;
      [key: string]: unknown;
    };
    type ApprovalTaskOut = {
      id: number;
      step_index: number;
      round: number;
      assignee: Schemas.ApprovalStaffRef | null;
      on_behalf_of: Schemas.ApprovalStaffRef | null;
      /** 代 X 审批 */
      label: string;
      status: "pending" | "approved" | "rejected" | "returned" | "transferred" | "cancelled";
      comment: string;
      acted_at: string | null;
      [key: string]: unknown;
    };
    type AttachmentOut = {
      id: number;
      filename: string;
      content_type: string;
      size: number;
      /** 下载地址 /api/attachments/{id} */
      url: string;
      created_at: string;
      [key: string]: unknown;
    };
    type AttendanceRuleOut = {
      unit_id: number;
      proofs: Array<Array<string>>;
      proofs_expr: string;
      outside_policy: "field" | "refuse";
      accuracy_limit_m: number;
      max_speed_kmh: number;
      bind_device: boolean;
      makeup_monthly_limit: number;
      makeup_deadline_days: number;
      /** 考勤启用日期，此前不判定 */
      start_date: string | null;
      /** 补请假最多可追溯的天数；null 不限 */
      leave_backdate_days: number | null;
      qr_gps_max_m: number;
      [key: string]: unknown;
    };
    type AttendanceRuleUpdate = {
      proofs?: string | Array<Array<"geofence" | "wifi" | "qr">> | null;
      /** 范围外：field 记外勤；refuse 拒绝 */
      outside_policy?: "field" | "refuse" | null;
      accuracy_limit_m?: number | null;
      max_speed_kmh?: number | null;
      bind_device?: boolean | null;
      makeup_monthly_limit?: number | null;
      makeup_deadline_days?: number | null;
      /** 考勤启用日期：此前的日子不判定（null 清除） */
      start_date?: string | null;
      /** 补请假最多可追溯的天数（null 不限） */
      leave_backdate_days?: number | null;
      /** 扫码打卡的定位与地点相距超过此值（米）即标记待复核 */
      qr_gps_max_m?: number | null;
    };
    type AuditEntryOut = {
      seq: number;
      created_at: string;
      actor_id: number | null;
      actor_name: string;
      action: string;
      target_type: string;
      target_id: string;
      unit_id: number | null;
      before: unknown;
      after: unknown;
      ip: string;
      request_id: string;
      hash: string;
      [key: string]: unknown;
    };
    type AuditVerifyOut = {
      ok: boolean;
      checked: number;
      /** 第一处断裂的序号 */
      broken_at: number | null;
      reason: string;
      head?: Schemas.ChainHead | null;
      /** 未带密钥的旧记录条数 */
      legacy?: number | null;
      /** 是否与本机保存的锚点比对 */
      anchored?: boolean | null;
      [key: string]: unknown;
    };
    type BalanceAdjust = {
      /** 调整天数，半天的整数倍，可为负 */
      delta: number;
      reason: string;
    };
    type BalanceFill = {
      /** 缺省为今年（北京时间） */
      year?: number | null;
    };
    type BalanceFillOut = {
      year: number;
      people: number;
      [key: string]: unknown;
    };
    type BalanceOut = {
      /** 调休余额（lieu）为 null：由加班折算，不可调整 */
      id: number | null;
      staff_id: number;
      year: number;
      type_code: string;
      type_name: string;
      entitled: number;
      adjusted: number;
      used: number;
      pending: number;
      remaining: number;
      note: string | null;
      /** 调休：各笔加班折算的额度 */
      credits?: Array<Schemas.LieuCreditOut> | null;
      [key: string]: unknown;
    };
    type BalanceTableRow = {
      id: number;
      staff_id: number;
      name: string;
      employee_no: string;
      department_id: number | null;
      department_name: string;
      year: number;
      type_code: string;
      type_name: string;
      entitled: number;
      adjusted: number;
      used: number;
      pending: number;
      remaining: number;
      /** 调休剩余天数（本年度有效的加班折算，每人一个数） */
      lieu: number;
      note: string;
      [key: string]: unknown;
    };
    type BalanceTableTotals = {
      people: number;
      /** 应享 + 调整 */
      entitled: number;
      used: number;
      pending: number;
      remaining: number;
      /** 所列人员的调休剩余天数合计（每人计一次） */
      lieu: number;
      [key: string]: unknown;
    };
    type BindInvite = {
      ticket: string;
      /** 邀请二维码的内容 */
      invite: string;
    };
    type BindPhone = {
      /** 微信登录返回的绑定凭证 */
      ticket: string;
      /** getPhoneNumber 返回的 code */
      phone_code: string;
    };
    type BindingConfirm = {
      staff_id: number;
      /** 核实方式，如：当面核对身份证 */
      note: string;
    };
    type BindingRequestCreate = {
      ticket: string;
      conflict: "bound_elsewhere" | "ambiguous" | "no_record" | "record_bound_elsewhere";
      name: string;
      employee_no?: string;
      note?: string;
    };
    type BindingResolve = {
      /** rebind 改绑；unbind 解绑原微信；correct_record 更正手机号后绑定；reject 驳回 */
      action: "rebind" | "unbind" | "correct_record" | "reject";
      /** 要处理的人员记录（缺省为申请匹配到的记录） */
      staff_id?: number | null;
      /** 更正后的手机号（correct_record） */
      phone?: string | null;
      note?: string;
      /** 手机号未经微信验证时的第二证明 */
      proof?: "invite" | "hr_confirmed" | null;
      /** 同一步处理冲突涉及的其他记录（如仍留着该手机号的旧记录） */
      others?: Array<Schemas.OtherRecordFix>;
    };
    type BoardOut = {
      date: string;
      total: number;
      counts: Record<string, number>;
      in: Array<Schemas.BoardPerson>;
      late: Array<Schemas.BoardPerson>;
      missing: Array<Schemas.BoardPerson>;
      leave: Array<Schemas.BoardPerson>;
      pending: Array<Schemas.BoardPerson>;
      rest: Array<Schemas.BoardPerson>;
      [key: string]: unknown;
    };
    type BoardPerson = {
      staff_id: number;
      name: string;
      employee_no: string;
      department: string;
      status: string;
      late_minutes: number | null;
      punches: number;
      leave_name: string | null;
      leave_half: string | null;
      /** 已到但尚未打的卡（如下班卡）次数 */
      missing_count?: number;
      [key: string]: unknown;
    };
    type CalendarDay = {
      date: string;
      /** workday / rest / holiday / makeup_workday */
      kind: string;
      name: string;
      source: string;
      working: boolean;
      counted: boolean;
      [key: string]: unknown;
    };
    type CalendarDayOut = {
      date: string;
      kind: "workday" | "rest" | "holiday" | "makeup_workday";
      name: string;
      source: "admin" | "package" | "weekday_fallback";
      working: boolean;
      [key: string]: unknown;
    };
    type CalendarDaySet = {
      /** workday 工作日；rest 休息日；holiday 法定节假日；makeup_workday 调休上班 */
      kind: "workday" | "rest" | "holiday" | "makeup_workday";
      /** 节日名称，如 春节 */
      name?: string;
      /** 只改本单位（缺省为全国，仅系统管理员） */
      unit_id?: number | null;
    };
    type CalendarImport = {
      /** 国务院办公厅节假日安排通知的正文（或每行一个日期范围 / 上班日） */
      text: string;
      /** 只改本单位（缺省为全国，仅系统管理员） */
      unit_id?: number | null;
    };
    type CalendarImportDay = {
      date: string;
      kind: "holiday" | "makeup_workday";
      name: string;
      /** 保存前的类型 */
      current_kind: "workday" | "rest" | "holiday" | "makeup_workday";
      current_name: string;
      changed: boolean;
      [key: string]: unknown;
    };
    type CalendarImportOut = {
      year: number;
      unit_id: number | null;
      days: Array<Schemas.CalendarImportDay>;
      /** 无法识别的内容；有问题时不能保存 */
      problems: Array<string>;
      holidays: number;
      makeup_workdays: number;
      changed: number;
      [key: string]: unknown;
    };
    type CalendarPublish = {
      /** 缺省为全国（仅系统管理员） */
      unit_id?: number | null;
    };
    type CalendarYearOut = {
      year: number;
      source: "package" | "admin" | "missing";
      warning: string;
      [key: string]: unknown;
    };
    type CanOut = {
      edit: boolean;
      submit: boolean;
      withdraw: boolean;
      change_request: boolean;
      review: boolean;
      [key: string]: unknown;
    };
    type ChainHead = {
      seq: number;
      hash: string;
      [key: string]: unknown;
    };
    type ChangeRequestBody = {
      /** 变更原因 */
      reason: string;
    };
    type CheckOut = {
      weight_total: number;
      item_count: number;
      ready: boolean;
      problems: Record<string, string>;
      [key: string]: unknown;
    };
    type CheckerRequestDetailOut = {
      id: number;
      status: "open" | "resolved" | "rejected";
      conflict: string;
      name: string;
      verified: "wechat_phone" | "none";
      employee_no: string;
      note: string;
      phone_masked: string | null;
      created_at: string;
      deadline_at: string;
      overdue: boolean;
      resolved_at: string | null;
      resolution: string;
      steps: Array<Schemas.Step>;
      unit_id: number | null;
      department_id: number | null;
      action: string;
      resolved_by: number | null;
      updated_at: string;
      applicant_wechat: string;
      verified_label: string;
      staff: Schemas.CheckerStaffOut | null;
      candidates: Array<Schemas.CheckerStaffOut>;
      proofs: Array<Schemas.ProofOut>;
      [key: string]: unknown;
    };
    type CheckerRequestOut = {
      id: number;
      status: "open" | "resolved" | "rejected";
      conflict: string;
      name: string;
      verified: "wechat_phone" | "none";
      employee_no: string;
      note: string;
      phone_masked: string | null;
      created_at: string;
      deadline_at: string;
      overdue: boolean;
      resolved_at: string | null;
      resolution: string;
      steps: Array<Schemas.Step>;
      unit_id: number | null;
      department_id: number | null;
      action: string;
      resolved_by: number | null;
      updated_at: string;
      applicant_wechat: string;
      verified_label: string;
      staff: Schemas.CheckerStaffOut | null;
      [key: string]: unknown;
    };
    type CheckerStaffOut = {
      id: number;
      employee_no: string;
      name: string;
      gender: "M" | "F" | null;
      unit: Schemas.MeOrgRef;
      department: Schemas.MeOrgRef | null;
      position: string | null;
      position_id: number | null;
      rank: string | null;
      rank_id: number | null;
      hire_date: string | null;
      first_employment_date: string | null;
      status: string;
      phone_masked: string | null;
      id_no_masked: string | null;
      wechat_bound: boolean;
      updated_at: string | null;
      phone_matches_applicant: boolean;
      [key: string]: unknown;
    };
    type CloseOut = {
      cycle_id: number;
      status: "closed";
      final_results: number;
      [key: string]: unknown;
    };
    type ColleagueOut = {
      id: number;
      name: string;
      department: Schemas.MeOrgRef | null;
      [key: string]: unknown;
    };
    type CommentOut = {
      id: number;
      item_key: string | null;
      step_index: number | null;
      step_name: string;
      author: Schemas.PersonRefOut | null;
      decision: string;
      decision_label: string;
      comment: string;
      created_at: string;
      [key: string]: unknown;
    };
    type ComputeOut = {
      participants: number;
      with_total: number;
      pending_sheets: number;
      proposed: Record<string, number>;
      blocked_by_periodic: number;
      [key: string]: unknown;
    };
    type ConfirmIn = {
      /** 逐人确认的等次 */
      items?: Array<Schemas.ConfirmItem>;
      /** 其余尚未确认的人员按建议等次确认 */
      accept_proposed?: boolean;
    };
    type ConfirmItem = {
      staff_id: number;
      /** 确认的等次代码 */
      grade: "excellent" | "competent" | "basically_competent" | "incompetent" | "good" | "fairly_good" | "average" | "poor";
    };
    type ConfirmOut = {
      confirmed: number;
      quota: Schemas.QuotaOut;
      [key: string]: unknown;
    };
    type CoverageGoal = {
      staff_id: number;
      name: string;
      department: string | null;
      goal_set_id: number;
      item_title: string;
      weight: number;
      confirmed: boolean;
      status: string;
      [key: string]: unknown;
    };
    type CoverageOut = {
      id: number;
      cycle_id: number;
      department_id: number;
      department: string | null;
      code: string | null;
      title: string;
      description: string;
      target: number | null;
      unit_of_measure: string;
      weight: number;
      active: boolean;
      updated_at: string;
      /** 关联了该指标的人数 */
      people: number;
      /** 关联目标的权重合计 */
      weight_sum: number;
      confirmed_people: number;
      confirmed_weight_sum: number;
      goals: Array<Schemas.CoverageGoal>;
      [key: string]: unknown;
    };
    type CurrentVersionBrief = {
      id: number;
      number: number;
      kind: string;
      status: string;
      status_label: string;
      submitted_at: string | null;
      [key: string]: unknown;
    };
    type CycleBrief = {
      id: number;
      name: string;
      year: number;
      kind?: string | null;
      status?: string | null;
      [key: string]: unknown;
    };
    type CycleCan = {
      edit: boolean;
      launch: boolean;
      close: boolean;
      manage: boolean;
      [key: string]: unknown;
    };
    type CycleCreate = {
      name: string;
      kind: "annual" | "periodic" | "special";
      year: number;
      period?: "month" | "quarter" | null;
      period_no?: number | null;
      /** 缺省为本人所在单位 */
      unit_id?: number | null;
      phases: Array<Schemas.PhaseIn>;
      settings?: Schemas.SettingsIn;
      participant_rule?: Schemas.ParticipantRuleIn;
    };
    type CycleOut = {
      id: number;
      unit_id: number;
      unit_name: string;
      kind: "annual" | "periodic" | "special";
      kind_label: string;
      period: "month" | "quarter" | null;
      period_no: number | null;
      year: number;
      name: string;
      status: "draft" | "launched" | "closed";
      status_label: string;
      settings: Record<string, unknown>;
      participant_rule: Record<string, unknown>;
      phases: Array<Schemas.CyclePhaseOut>;
      current_phase: "goal_setting" | "progress" | "self_assessment" | "scoring" | "publication" | "appeals" | null;
      current_phase_label: string | null;
      counts: Schemas.ParticipantCounts;
      version: number;
      launched_at: string | null;
      closed_at: string | null;
      created_at: string;
      can: Schemas.CycleCan;
      [key: string]: unknown;
    };
    type CyclePhaseOut = {
      phase: "goal_setting" | "progress" | "self_assessment" | "scoring" | "publication" | "appeals";
      label: string;
      opens_on: string;
      closes_on: string;
      state: "not_started" | "open" | "closed" | null;
      [key: string]: unknown;
    };
    type CycleRef = {
      id: number;
      name: string;
      year: number;
      [key: string]: unknown;
    };
    type CycleRefOut = {
      id: number;
      name: string;
      kind: string;
      year: number;
      status: string;
      [key: string]: unknown;
    };
    type CycleUpdate = {
      /** 读取时的版本号（并发保护） */
      version: number;
      name?: string | null;
      kind?: "annual" | "periodic" | "special" | null;
      year?: number | null;
      period?: "month" | "quarter" | null;
      period_no?: number | null;
      phases?: Array<Schemas.PhaseIn> | null;
      settings?: Schemas.SettingsIn | null;
      participant_rule?: Schemas.ParticipantRuleIn | null;
    };
    type Data_AlertComputeOut = {
      data: Schemas.AlertComputeOut;
    };
    type Data_AlertDetailOut = {
      data: Schemas.AlertDetailOut;
    };
    type Data_ApplicantRequestOut = {
      data: Schemas.ApplicantRequestOut;
    };
    type Data_ApplicantRequestOutList = {
      data: Array<Schemas.ApplicantRequestOut>;
    };
    type Data_ApplicationOut = {
      data: Schemas.ApplicationOut;
    };
    type Data_ApplicationOutList = {
      data: Array<Schemas.ApplicationOut>;
    };
    type Data_ApprovalBatchResultOutList = {
      data: Array<Schemas.ApprovalBatchResultOut>;
    };
    type Data_ApprovalCountOut = {
      data: Schemas.ApprovalCountOut;
    };
    type Data_ApprovalDetailOut = {
      data: Schemas.ApprovalDetailOut;
    };
    type Data_ApprovalSettingsOut = {
      data: Schemas.ApprovalSettingsOut;
    };
    type Data_AttachmentOut = {
      data: Schemas.AttachmentOut;
    };
    type Data_AttendanceRuleOut = {
      data: Schemas.AttendanceRuleOut;
    };
    type Data_AuditVerifyOut = {
      data: Schemas.AuditVerifyOut;
    };
    type Data_BalanceFillOut = {
      data: Schemas.BalanceFillOut;
    };
    type Data_BalanceOut = {
      data: Schemas.BalanceOut;
    };
    type Data_BalanceOutList = {
      data: Array<Schemas.BalanceOut>;
    };
    type Data_BoardOut = {
      data: Schemas.BoardOut;
    };
    type Data_CalendarDayOut = {
      data: Schemas.CalendarDayOut;
    };
    type Data_CalendarDayOutList = {
      data: Array<Schemas.CalendarDayOut>;
      warnings?: unknown;
    };
    type Data_CalendarImportOut = {
      data: Schemas.CalendarImportOut;
    };
    type Data_CalendarYearOut = {
      data: Schemas.CalendarYearOut;
    };
    type Data_CheckerRequestDetailOut = {
      data: Schemas.CheckerRequestDetailOut;
    };
    type Data_CloseOut = {
      data: Schemas.CloseOut;
    };
    type Data_ColleagueOutList = {
      data: Array<Schemas.ColleagueOut>;
    };
    type Data_ComputeOut = {
      data: Schemas.ComputeOut;
    };
    type Data_ConfirmOut = {
      data: Schemas.ConfirmOut;
    };
    type Data_CoverageOutList = {
      data: Array<Schemas.CoverageOut>;
    };
    type Data_CycleOut = {
      data: Schemas.CycleOut;
    };
    type Data_DelegationCreatedOut = {
      data: Schemas.DelegationCreatedOut;
    };
    type Data_DelegationOutList = {
      data: Array<Schemas.DelegationOut>;
    };
    type Data_DelegationRevokedOut = {
      data: Schemas.DelegationRevokedOut;
    };
    type Data_DepartmentBrief = {
      data: Schemas.DepartmentBrief;
    };
    type Data_DepartmentNodeList = {
      data: Array<Schemas.DepartmentNode>;
    };
    type Data_DepartmentOut = {
      data: Schemas.DepartmentOut;
    };
    type Data_DepartmentOutOrDepartmentBrief = {
      data: Schemas.DepartmentOut | Schemas.DepartmentBrief;
    };
    type Data_DeviceChangeOut = {
      data: Schemas.DeviceChangeOut;
    };
    type Data_DeviceChangeOutList = {
      data: Array<Schemas.DeviceChangeOut>;
    };
    type Data_DiffOut = {
      data: Schemas.DiffOut;
    };
    type Data_DistributionOut = {
      data: Schemas.DistributionOut;
    };
    type Data_DraftOut = {
      data: Schemas.DraftOut;
    };
    type Data_FeedCreatedOut = {
      data: Schemas.FeedCreatedOut;
    };
    type Data_FeedOut = {
      data: Schemas.FeedOut;
    };
    type Data_FeedOutList = {
      data: Array<Schemas.FeedOut>;
    };
    type Data_FeedPushOut = {
      data: Schemas.FeedPushOut;
    };
    type Data_FlowOut = {
      data: Schemas.FlowOut;
    };
    type Data_FlowOutList = {
      data: Array<Schemas.FlowOut>;
    };
    type Data_FlowPreviewStepOutList = {
      data: Array<Schemas.FlowPreviewStepOut>;
    };
    type Data_GoalSetOut = {
      data: Schemas.GoalSetOut;
    };
    type Data_GrantOut = {
      data: Schemas.GrantOut;
    };
    type Data_HistoryOut = {
      data: Schemas.HistoryOut;
    };
    type Data_HomeOut = {
      data: Schemas.HomeOut;
    };
    type Data_ImportResultOut = {
      data: Schemas.ImportResultOut;
    };
    type Data_IndicatorOut = {
      data: Schemas.IndicatorOut;
    };
    type Data_IndicatorOutList = {
      data: Array<Schemas.IndicatorOut>;
    };
    type Data_InviteOut = {
      data: Schemas.InviteOut;
    };
    type Data_LeaveReportRowList = {
      data: Array<Schemas.LeaveReportRow>;
    };
    type Data_LeaveRequestOut = {
      data: Schemas.LeaveRequestOut;
    };
    type Data_LeaveTypeOut = {
      data: Schemas.LeaveTypeOut;
    };
    type Data_LeaveTypeOutList = {
      data: Array<Schemas.LeaveTypeOut>;
    };
    type Data_MakeupOut = {
      data: Schemas.MakeupOut;
    };
    type Data_MakeupOutList = {
      data: Array<Schemas.MakeupOut>;
    };
    type Data_MeOut = {
      data: Schemas.MeOut;
    };
    type Data_MonitorOut = {
      data: Schemas.MonitorOut;
    };
    type Data_MonthOut = {
      data: Schemas.MonthOut;
    };
    type Data_MyCycleOutList = {
      data: Array<Schemas.MyCycleOut>;
    };
    type Data_MyGoalsOut = {
      data: Schemas.MyGoalsOut;
    };
    type Data_MyResultOut = {
      data: Schemas.MyResultOut;
    };
    type Data_ObjectionOut = {
      data: Schemas.ObjectionOut;
    };
    type Data_ObjectionOutList = {
      data: Array<Schemas.ObjectionOut>;
    };
    type Data_Ok = {
      data: Schemas.Ok;
    };
    type Data_OvertimeOut = {
      data: Schemas.OvertimeOut;
    };
    type Data_ParticipantOut = {
      data: Schemas.ParticipantOut;
    };
    type Data_PermissionOutList = {
      data: Array<Schemas.PermissionOut>;
    };
    type Data_PlaceOut = {
      data: Schemas.PlaceOut;
    };
    type Data_PlaceOutList = {
      data: Array<Schemas.PlaceOut>;
    };
    type Data_PlaceQrOut = {
      data: Schemas.PlaceQrOut;
    };
    type Data_PositionOut = {
      data: Schemas.PositionOut;
    };
    type Data_PositionOutList = {
      data: Array<Schemas.PositionOut>;
    };
    type Data_ProgressOut = {
      data: Schemas.ProgressOut;
    };
    type Data_ProgressRowOut = {
      data: Schemas.ProgressRowOut;
    };
    type Data_PublishOut = {
      data: Schemas.PublishOut;
    };
    type Data_PunchOut = {
      data: Schemas.PunchOut;
    };
    type Data_QrScanOut = {
      data: Schemas.QrScanOut;
    };
    type Data_QrStateOut = {
      data: Schemas.QrStateOut;
    };
    type Data_QuotaOut = {
      data: Schemas.QuotaOut;
    };
    type Data_QuoteOut = {
      data: Schemas.QuoteOut;
    };
    type Data_RankOutList = {
      data: Array<Schemas.RankOut>;
    };
    type Data_RecomputeOut = {
      data: Schemas.RecomputeOut;
    };
    type Data_RecordOut = {
      data: Schemas.RecordOut;
    };
    type Data_RecusalOutList = {
      data: Array<Schemas.RecusalOut>;
    };
    type Data_RecuseOut = {
      data: Schemas.RecuseOut;
    };
    type Data_RelationshipOut = {
      data: Schemas.RelationshipOut;
    };
    type Data_RelationshipOutList = {
      data: Array<Schemas.RelationshipOut>;
    };
    type Data_ReopeningOut = {
      data: Schemas.ReopeningOut;
    };
    type Data_ReopeningOutList = {
      data: Array<Schemas.ReopeningOut>;
    };
    type Data_ReportExportOut = {
      data: Schemas.ReportExportOut;
    };
    type Data_ReportOut = {
      data: Schemas.ReportOut;
    };
    type Data_RequestOut = {
      data: Schemas.RequestOut;
    };
    type Data_RequestOutList = {
      data: Array<Schemas.RequestOut>;
    };
    type Data_RoleOut = {
      data: Schemas.RoleOut;
    };
    type Data_RoleOutList = {
      data: Array<Schemas.RoleOut>;
    };
    type Data_ScheduleOut = {
      data: Schemas.ScheduleOut;
    };
    type Data_ScheduleOutList = {
      data: Array<Schemas.ScheduleOut>;
    };
    type Data_SelfAssessmentOut = {
      data: Schemas.SelfAssessmentOut;
    };
    type Data_SessionOut = {
      data: Schemas.SessionOut;
    };
    type Data_SettingsOut = {
      data: Schemas.SettingsOut;
    };
    type Data_SheetOut = {
      data: Schemas.SheetOut;
    };
    type Data_SheetRowOutList = {
      data: Array<Schemas.SheetRowOut>;
    };
    type Data_SheetsGeneratedOut = {
      data: Schemas.SheetsGeneratedOut;
    };
    type Data_SignedIn = {
      data: Schemas.SignedIn;
    };
    type Data_SignedInOrUnbound = {
      data: Schemas.SignedIn | Schemas.Unbound;
    };
    type Data_StaffHistoryOutList = {
      data: Array<Schemas.StaffHistoryOut>;
    };
    type Data_StaffImportOut = {
      data: Schemas.StaffImportOut;
    };
    type Data_StaffOut = {
      data: Schemas.StaffOut;
    };
    type Data_StaffPostEndOut = {
      data: Schemas.StaffPostEndOut;
    };
    type Data_StaffPostOut = {
      data: Schemas.StaffPostOut;
    };
    type Data_StaffTransferOut = {
      data: Schemas.StaffTransferOut;
    };
    type Data_SubscriptionOutList = {
      data: Array<Schemas.SubscriptionOut>;
    };
    type Data_TemplateBriefList = {
      data: Array<Schemas.TemplateBrief>;
    };
    type Data_TemplateOut = {
      data: Schemas.TemplateOut;
    };
    type Data_TemplateOutList = {
      data: Array<Schemas.TemplateOut>;
    };
    type Data_TickOut = {
      data: Schemas.TickOut;
    };
    type Data_TodayOut = {
      data: Schemas.TodayOut;
    };
    type Data_UnbindOut = {
      data: Schemas.UnbindOut;
    };
    type Data_UnitNodeList = {
      data: Array<Schemas.UnitNode>;
    };
    type Data_UnitOut = {
      data: Schemas.UnitOut;
    };
    type DecideIn = {
      /** upheld 支持（调整分数/等次）或 rejected 维持原结果 */
      outcome: "upheld" | "rejected";
      /** 决定理由（至少 10 个字，告知申请人） */
      reason: string;
      /** 调整后的总分 */
      adjusted_total?: number | null;
      /** 调整后的等次 */
      adjusted_grade?: "excellent" | "competent" | "basically_competent" | "incompetent" | "good" | "fairly_good" | "average" | "poor" | null;
    };
    type DelegationCreate = {
      delegate_id: number;
      start: string;
      end: string;
    };
    type DelegationCreatedOut = {
      id: number;
      delegator: Schemas.ApprovalStaffRef;
      delegate: Schemas.ApprovalStaffRef;
      start: string;
      end: string;
      revoked: boolean;
      active_today: boolean;
      created_at: string;
      /** 已转给受托人的审批（实例 id） */
      handed_over: Array<number>;
      [key: string]: unknown;
    };
    type DelegationOut = {
      id: number;
      delegator: Schemas.ApprovalStaffRef;
      delegate: Schemas.ApprovalStaffRef;
      start: string;
      end: string;
      revoked: boolean;
      active_today: boolean;
      created_at: string;
      [key: string]: unknown;
    };
    type DelegationRevokedOut = {
      id: number;
      delegator: Schemas.ApprovalStaffRef;
      delegate: Schemas.ApprovalStaffRef;
      start: string;
      end: string;
      revoked: boolean;
      active_today: boolean;
      created_at: string;
      /** 已交还委托人的审批（实例 id） */
      handed_back: Array<number>;
      [key: string]: unknown;
    };
    type DepartmentBrief = {
      id: number;
      unit_id: number;
      parent_id: number | null;
      name: string;
      path: string;
      sort: number;
      status: "open" | "closed";
      leader_id: number | null;
      supervisor_id: number | null;
      [key: string]: unknown;
    };
    type DepartmentCreate = {
      unit_id: number;
      /** 上级部门；缺省为单位顶层 */
      parent_id?: number | null;
      name: string;
      /** 同级排序，越小越靠前 */
      sort?: number;
    };
    type DepartmentMove = {
      /** 新的上级部门；null 表示移到单位顶层 */
      parent_id: number | null;
      /** 目标单位（移到顶层时；缺省为原单位） */
      unit_id?: number | null;
    };
    type DepartmentNode = {
      id: number;
      unit_id: number;
      parent_id: number | null;
      name: string;
      path: string;
      sort: number;
      status: "open" | "closed";
      leader_id: number | null;
      supervisor_id: number | null;
      leader: Schemas.PersonRef | null;
      supervisor: Schemas.PersonRef | null;
      deputies: Array<Schemas.PersonRef>;
      staff_count: number;
      /** 下级部门（仅树形；平铺列表无此字段） */
      children?: Array<Schemas.DepartmentNode>;
      [key: string]: unknown;
    };
    type DepartmentOut = {
      id: number;
      unit_id: number;
      parent_id: number | null;
      name: string;
      path: string;
      sort: number;
      status: "open" | "closed";
      leader_id: number | null;
      supervisor_id: number | null;
      leader: Schemas.PersonRef | null;
      supervisor: Schemas.PersonRef | null;
      deputies: Array<Schemas.PersonRef>;
      staff_count: number;
      [key: string]: unknown;
    };
    type DepartmentUpdate = {
      name?: string | null;
      sort?: number | null;
    };
    type DeptBrief = {
      id: number;
      name: string;
      [key: string]: unknown;
    };
    type DeptDistOut = {
      department_id: number | null;
      department_name: string;
      participants: number;
      counts: Record<string, number>;
      ungraded: number;
      top_rate: number;
      [key: string]: unknown;
    };
    type DevLogin = {
      employee_no: string;
    };
    type DeviceChangeCreate = {
      device_id: string;
      reason: string;
    };
    type DeviceChangeDecision = {
      decision: "approve" | "reject";
      note?: string;
    };
    type DeviceChangeOut = {
      id: number;
      staff_id: number;
      staff_name: string | null;
      device_id: string;
      reason: string;
      status: string;
      note: string | null;
      created_at: string;
      decided_at: string | null;
      [key: string]: unknown;
    };
    type DiffFieldOut = {
      field: string;
      label: string;
      before: unknown;
      after: unknown;
      [key: string]: unknown;
    };
    type DiffItemOut = {
      key: string;
      change: "added" | "removed" | "changed" | "unchanged";
      title: string;
      fields: Array<Schemas.DiffFieldOut>;
      [key: string]: unknown;
    };
    type DiffOut = {
      goal_set_id: number;
      from: Schemas.VersionBrief;
      to: Schemas.VersionBrief;
      summary: Schemas.DiffSummary;
      items: Array<Schemas.DiffItemOut>;
      [key: string]: unknown;
    };
    type DiffSummary = {
      added: number;
      removed: number;
      changed: number;
      unchanged: number;
      [key: string]: unknown;
    };
    type DismissIn = {
      /** 排除理由（至少 10 个字，记入审计日志） */
      reason: string;
    };
    type DistributionOut = {
      grades: Array<Schemas.GradeOut>;
      departments: Array<Schemas.DeptDistOut>;
      quota: Schemas.QuotaOut;
      [key: string]: unknown;
    };
    type DraftBody = {
      items: Array<Schemas.GoalItemIn>;
      /** 目标的 version（乐观锁） */
      version: number;
    };
    type DraftOut = {
      id: number;
      cycle: Schemas.CycleBrief;
      owner: Schemas.StaffBrief;
      department: Schemas.DeptBrief | null;
      status: "draft" | "submitted" | "returned" | "confirmed";
      status_label: string;
      change_pending: boolean;
      version: number;
      current_version_id: number | null;
      confirmed_version_id: number | null;
      /** 正在填写或审核的版本（无变更时即已确认版本） */
      current: Schemas.VersionOut | null;
      /** 已确认、正在执行的版本 */
      confirmed: Schemas.VersionOut | null;
      approval: Schemas.ApprovalPathOut | null;
      rules: Schemas.RulesOut;
      can: Schemas.CanOut;
      updated_at: string;
      check: Schemas.CheckOut;
      [key: string]: unknown;
    };
    type DrillChangeOut = {
      id: number;
      sheet_id: number;
      participant: Schemas.DrillPersonOut;
      item_key: string;
      score: number | null;
      stage: string;
      justification: string;
      changed_by: Schemas.DrillPersonOut;
      changed_at: string;
      [key: string]: unknown;
    };
    type DrillDayOut = {
      id: number;
      staff: Schemas.DrillPersonOut;
      day: string;
      status: string;
      late_minutes: number;
      early_minutes: number;
      missing_count: number;
      [key: string]: unknown;
    };
    type DrillPersonOut = {
      id: number;
      name: string;
      employee_no: string;
      department_id: number | null;
      department_name: string | null;
      [key: string]: unknown;
    };
    type DrillRelationshipOut = {
      id: number;
      staff: Schemas.DrillPersonOut;
      relative: Schemas.DrillPersonOut;
      kind: string;
      kind_label: string;
      declared_at: string;
      revoked_at: string | null;
      [key: string]: unknown;
    };
    type DrillResultOut = {
      id: number;
      cycle_id: number;
      cycle_name: string;
      staff: Schemas.DrillPersonOut;
      total: number | null;
      grade: string;
      grade_label: string;
      confirmed: boolean;
      status: string;
      [key: string]: unknown;
    };
    type DrillRowsOut = {
      people: Array<Schemas.DrillPersonOut>;
      results: Array<Schemas.DrillResultOut>;
      sheets: Array<Schemas.DrillSheetOut>;
      changes: Array<Schemas.DrillChangeOut>;
      days: Array<Schemas.DrillDayOut>;
      relationships: Array<Schemas.DrillRelationshipOut>;
      [key: string]: unknown;
    };
    type DrillSheetOut = {
      id: number;
      rater: Schemas.DrillPersonOut;
      participant: Schemas.DrillPersonOut;
      role: string;
      weight: number;
      status: string;
      total: number | null;
      submitted_at: string | null;
      favoured: boolean;
      [key: string]: unknown;
    };
    type EarlierDismissalOut = {
      by: string;
      at: string | null;
      reason: string;
      numbers: Record<string, number>;
      [key: string]: unknown;
    };
    type Error = {
      error: {
        /** 稳定的大写错误码，如 STAFF_NOT_FOUND */
        code: string;
        /** 中文提示 */
        message: string;
        /** 字段级错误（键为字段的 JSON 路径）或附加数据 */
        fields?: Record<string, unknown>;
        /** 请求编号（服务端错误时给出，便于对照日志；同响应头 X-Request-Id） */
        request_id?: string;
      };
    };
    type ExcludeIn = {
      /** 考核期内休假累计达 N 天不参加 */
      long_leave_days?: number | null;
      /** 此日期之后入职的不参加 */
      hired_after?: string | null;
      /** 考核期内挂职（借调）在外的不参加 */
      seconded_out?: boolean;
    };
    type FeedAcceptedOut = {
      employee_no: string;
      indicator_code: string;
      reported_on: string;
      goal_set_id: number;
      item_keys: Array<string>;
      [key: string]: unknown;
    };
    type FeedCreate = {
      /** 业务系统名称，如 政务服务系统 */
      name: string;
      /** 允许推送的部门指标（须有编码） */
      indicator_ids: Array<number>;
    };
    type FeedCreatedOut = {
      id: number;
      name: string;
      cycle_id: number | null;
      unit_id: number;
      indicators: Array<Schemas.IndicatorRef>;
      created_by: string | null;
      created_at: string;
      last_used_at: string | null;
      revoked_at: string | null;
      status: "active" | "revoked";
      /** 令牌，仅此一次显示 */
      token: string;
      [key: string]: unknown;
    };
    type FeedOut = {
      id: number;
      name: string;
      cycle_id: number | null;
      unit_id: number;
      indicators: Array<Schemas.IndicatorRef>;
      created_by: string | null;
      created_at: string;
      last_used_at: string | null;
      revoked_at: string | null;
      status: "active" | "revoked";
      [key: string]: unknown;
    };
    type FeedPushOut = {
      accepted: number;
      written: number;
      values: Array<Schemas.FeedAcceptedOut>;
      [key: string]: unknown;
    };
    type FeedValueIn = {
      /** 部门指标编码 */
      indicator_code: string;
      /** 工号 */
      employee_no: string;
      /** 数据日期，不晚于今天 */
      reported_on: string;
      /** 实际值 */
      value: number;
      note?: string;
    };
    type FeedValues = Schemas.FeedValueIn | Array<Schemas.FeedValueIn>;
    type FlagOut = {
      code: "excellent_streak" | "low_twice";
      label: string;
      [key: string]: unknown;
    };
    type FlowCreate = {
      kind: string;
      name: string;
      /** 环节：{name, approvers: [dept_leader | parent_dept_leader | supervisor | unit_head | role:<角色代码> | staff:<人员ID>], mode: any | all, when: [{field, op, value}]} */
      steps: Array<Record<string, unknown>>;
      /** 缺省为本单位 */
      unit_id?: number | null;
      /** 全国默认流程（unit_id 为空） */
      national?: boolean;
    };
    type FlowOut = {
      /** 系统默认流程为 null */
      id: number | null;
      unit_id: number | null;
      kind: string;
      name: string;
      steps: Array<Record<string, unknown>>;
      active: boolean;
      version: number;
      builtin: boolean;
      updated_at: string | null;
      [key: string]: unknown;
    };
    type FlowPreviewApproverOut = {
      id: number;
      name: string;
      /** 委托期间实际审批的人 */
      delegate: Schemas.ApprovalStaffRef | null;
      [key: string]: unknown;
    };
    type FlowPreviewStepOut = {
      index: number;
      name: string;
      mode: "any" | "all";
      rules: Array<string>;
      approvers: Array<Schemas.FlowPreviewApproverOut>;
      skipped: boolean;
      note: string | null;
      [key: string]: unknown;
    };
    type FlowUpdate = {
      name?: string | null;
      steps?: Array<Record<string, unknown>> | null;
      active?: boolean | null;
      /** 乐观锁：与当前版本不符时返回 409 */
      version?: number | null;
    };
    type Formula = {
      type: "linear" | "capped" | "threshold";
      floor?: number | null;
      cap?: number | null;
      steps?: Array<Record<string, number>> | null;
    };
    type FormulaIn = {
      /** linear 线性（floor 得 0 分、目标值得 100 分）/ capped 线性封顶（最高 cap×100）/ threshold 阶梯 */
      type: "linear" | "capped" | "threshold";
      /** 下限（linear、capped），缺省 0 */
      floor?: number | null;
      /** 封顶系数（capped），如 1.2 */
      cap?: number | null;
      /** 阶梯（threshold），达到值从小到大 */
      steps?: Array<Schemas.StepIn> | null;
    };
    type GoalItemIn = {
      /** 目标项编号（跨版本不变）；新增项不填 */
      key?: string | null;
      title?: string;
      description?: string;
      /** 定量 / 定性 */
      kind?: "quantitative" | "qualitative";
      /** 目标值（定量） */
      target?: number | null;
      unit_of_measure?: string;
      data_source?: string;
      formula?: Schemas.FormulaIn | null;
      /** 完成标准（定性） */
      criteria?: string;
      /** 权重；各项合计 100 */
      weight?: number;
      /** 完成时限，须在考核年度内 */
      due_date?: string | null;
      /** 关联的本部门部门指标 */
      indicator_id?: number | null;
    };
    type GoalSetBrief = {
      id: number;
      status: string;
      change_pending: boolean;
      [key: string]: unknown;
    };
    type GoalSetOut = {
      id: number;
      cycle: Schemas.CycleBrief;
      owner: Schemas.StaffBrief;
      department: Schemas.DeptBrief | null;
      status: "draft" | "submitted" | "returned" | "confirmed";
      status_label: string;
      change_pending: boolean;
      version: number;
      current_version_id: number | null;
      confirmed_version_id: number | null;
      /** 正在填写或审核的版本（无变更时即已确认版本） */
      current: Schemas.VersionOut | null;
      /** 已确认、正在执行的版本 */
      confirmed: Schemas.VersionOut | null;
      approval: Schemas.ApprovalPathOut | null;
      rules: Schemas.RulesOut;
      can: Schemas.CanOut;
      updated_at: string;
      [key: string]: unknown;
    };
    type GoalSetRowOut = {
      id: number;
      cycle: Schemas.CycleBrief;
      owner: Schemas.StaffBrief;
      department: Schemas.DeptBrief | null;
      status: string;
      status_label: string;
      change_pending: boolean;
      version: number;
      current_version: Schemas.CurrentVersionBrief | null;
      confirmed_version_number: number | null;
      item_count: number;
      weight_total: number;
      updated_at: string;
      [key: string]: unknown;
    };
    type GradeOut = {
      code: string;
      label: string;
      [key: string]: unknown;
    };
    type GrantCreate = {
      staff_id: number;
      role_id: number;
      /** all 全部；unit_tree 单位及下级；dept_tree 部门及下级；dept 本部门；self 本人；custom 指定部门 */
      scope_type: "all" | "unit_tree" | "dept_tree" | "dept" | "self" | "custom";
      scope_unit_id?: number | null;
      scope_department_id?: number | null;
      /** custom 范围的部门 */
      department_ids?: Array<number>;
    };
    type GrantOut = {
      id: number;
      staff: Schemas.GrantStaffRef;
      role: Schemas.GrantRoleRef;
      scope: Schemas.GrantScopeOut;
      granted_by: number | null;
      created_at: string;
      revoked_at: string | null;
      revoked_by: number | null;
      [key: string]: unknown;
    };
    type GrantRoleRef = {
      id: number;
      code: string;
      name: string;
      admin_tier: string | null;
      [key: string]: unknown;
    };
    type GrantScopeOut = {
      type: "all" | "unit_tree" | "dept_tree" | "dept" | "self" | "custom";
      label: string | null;
      unit: Schemas.MeOrgRef | null;
      department: Schemas.MeOrgRef | null;
      departments: Array<Schemas.MeOrgRef>;
      [key: string]: unknown;
    };
    type GrantStaffRef = {
      id: number;
      name: string;
      employee_no: string;
      [key: string]: unknown;
    };
    type HeadStepPerson = {
      id: number;
      name: string;
      unit_id: number;
      [key: string]: unknown;
    };
    type HistoryOut = {
      goal_set_id: number;
      cycle: Schemas.CycleBrief;
      owner: Schemas.StaffBrief;
      confirmed_version_id: number | null;
      versions: Array<Schemas.HistoryVersionOut>;
      [key: string]: unknown;
    };
    type HistoryVersionOut = {
      id: number;
      number: number;
      kind: "initial" | "change";
      kind_label: string;
      status: "draft" | "submitted" | "returned" | "confirmed" | "rejected" | "withdrawn" | "superseded";
      status_label: string;
      reason: string;
      based_on_id: number | null;
      based_on_number: number | null;
      instance_id: number | null;
      created_by: Schemas.PersonRefOut | null;
      created_at: string;
      submitted_at: string | null;
      decided_at: string | null;
      decided_by: Schemas.PersonRefOut | null;
      items: Array<Schemas.ItemOut>;
      weight_total: number;
      item_count: number;
      /** 整体意见（逐项意见在各项的 comments 中） */
      comments: Array<Schemas.CommentOut>;
      approval: Schemas.ApprovalPathOut | null;
      timeline: Array<Schemas.TimelineOut>;
      decided_step: string;
      [key: string]: unknown;
    };
    type HomeApprovalsCard = {
      /** 待我审批的数量 */
      waiting: number;
      [key: string]: unknown;
    };
    type HomeAttendanceCard = {
      /** 今日考勤状态，如 normal、late、pending、rest；none 为无需考勤 */
      status: string;
      text: string;
      /** workday、rest、holiday 等 */
      day_kind?: string | null;
      /** 今日打卡次数 */
      punches?: number | null;
      last_at?: string | null;
      [key: string]: unknown;
    };
    type HomeCards = {
      attendance: Schemas.HomeAttendanceCard;
      approvals: Schemas.HomeApprovalsCard;
      /** 目标卡片（考核上线前为占位） */
      goals: Record<string, unknown>;
      messages: Schemas.HomeMessagesCard;
      [key: string]: unknown;
    };
    type HomeMessagesCard = {
      unread: number;
      [key: string]: unknown;
    };
    type HomeOut = {
      me: Schemas.MeOut;
      cards: Schemas.HomeCards;
      [key: string]: unknown;
    };
    type ImportResultOut = {
      batch: string;
      /** 文件中的数据行 */
      rows: number;
      /** 写入的进展记录（一行按指标编码可写入多项目标） */
      imported: number;
      goal_sets: number;
      [key: string]: unknown;
    };
    type IndicatorCreate = {
      department_id: number;
      title: string;
      /** 业务系统推送数据时使用的编码 */
      code?: string;
      description?: string;
      target?: number | null;
      unit_of_measure?: string;
      weight?: number;
      active?: boolean;
    };
    type IndicatorOut = {
      id: number;
      cycle_id: number;
      department_id: number;
      department: string | null;
      code: string | null;
      title: string;
      description: string;
      target: number | null;
      unit_of_measure: string;
      weight: number;
      active: boolean;
      updated_at: string;
      [key: string]: unknown;
    };
    type IndicatorRef = {
      id: number;
      code: string;
      title: string;
      [key: string]: unknown;
    };
    type IndicatorUpdate = {
      department_id?: number | null;
      title?: string | null;
      code?: string | null;
      description?: string | null;
      target?: number | null;
      unit_of_measure?: string | null;
      weight?: number | null;
      active?: boolean | null;
    };
    type InviteCreate = {
      /** 有效天数 */
      days?: number;
    };
    type InviteOut = {
      invite: string;
      expires_at: string;
      png_url: string;
      [key: string]: unknown;
    };
    type ItemOut = {
      key: string;
      sort: number;
      title: string;
      description: string;
      kind: string;
      kind_label: string;
      target: number | null;
      unit_of_measure: string;
      data_source: string;
      formula: Record<string, unknown> | null;
      formula_text: string;
      criteria: string;
      weight: number;
      due_date: string | null;
      indicator_id: number | null;
      indicator: Record<string, unknown> | null;
      comments: Array<Schemas.CommentOut>;
      [key: string]: unknown;
    };
    type ItemScoreOut = {
      key: string;
      title: string;
      kind: string;
      weight: number;
      score: number | null;
      auto_score: number | null;
      justification: string;
      override_reason: string;
      [key: string]: unknown;
    };
    type JustificationIn = {
      /** 去掉套话后的最少字数（默认 15） */
      min_chars?: number | null;
      /** 视为套话的词语（替换默认列表） */
      generic_phrases?: Array<string> | null;
      /** 须写明具体事实：日期、数字、文件或事件（默认是） */
      require_fact?: boolean | null;
    };
    type JustificationRuleOut = {
      /** 评分依据规则（在拒绝之前就显示给评分人） */
      text: string;
      min_chars: number;
      require_fact: boolean;
      override_min_chars: number;
      [key: string]: unknown;
    };
    type KindCountOut = {
      kind: "dept_excellent_rate" | "flat_distribution" | "completion_jump" | "attendance_contradiction" | "late_change" | "rater_bias" | "related_rater";
      label: string;
      open: number;
      dismissed: number;
      resolved: number;
      [key: string]: unknown;
    };
    type LeadershipUpdate = {
      /** 部门负责人；null 表示空缺 */
      leader_id: number | null;
      /** 副职 */
      deputy_ids?: Array<number>;
      /** 分管领导 */
      supervisor_id?: number | null;
    };
    type LeaveCreate = {
      /** 假期类型代码 */
      type: string;
      start: string;
      start_half?: "am" | "pm";
      end: string;
      end_half?: "am" | "pm";
      reason?: string;
    };
    type LeaveReportBack = {
      /** 返岗日期 */
      date: string;
      /** 返岗的半天：am 上午、pm 下午 */
      half: "am" | "pm";
    };
    type LeaveReportRow = {
      department_id: number | null;
      department_name: string;
      year: number;
      month: number;
      type: string;
      type_name: string;
      requests: number;
      people: number;
      days: number;
      [key: string]: unknown;
    };
    type LeaveRequestOut = {
      id: number;
      staff: Schemas.StaffRef;
      unit_id: number;
      department_id: number | null;
      type: string;
      type_name: string;
      year: number;
      start: string;
      start_half: "am" | "pm";
      end: string;
      end_half: "am" | "pm";
      days: number;
      reason: string;
      status: "pending" | "approved" | "rejected" | "withdrawn" | "returned" | "cancelled";
      status_label: string;
      instance_id: number | null;
      warnings: Array<string>;
      original_end: string | null;
      original_end_half: "am" | "pm" | null;
      original_days: number | null;
      reported_back_at: string | null;
      attachment_required: boolean;
      /** 列表中为空：见详情 */
      attachments: Array<Schemas.AttachmentOut>;
      /** 补请假：提交时开始日期已过（审批人可见） */
      backdated: boolean;
      created_at: string;
      updated_at: string | null;
      [key: string]: unknown;
    };
    type LeaveResubmit = {
      type?: string | null;
      start?: string | null;
      start_half?: "am" | "pm" | null;
      end?: string | null;
      end_half?: "am" | "pm" | null;
      reason?: string | null;
    };
    type LeaveTypeCreate = {
      name?: string | null;
      count_mode?: "working_days" | "calendar_days" | null;
      paid?: boolean | null;
      /** 超过该天数须上传证明材料 */
      attachment_over_days?: number | null;
      max_days_per_request?: number | null;
      balance_tracked?: boolean | null;
      /** 出差/外出类：考勤按在岗计 */
      is_trip?: boolean | null;
      quota_rule?: "annual" | "fixed" | "lieu" | "none" | null;
      quota_days?: number | null;
      settings?: Record<string, unknown> | null;
      active?: boolean | null;
      sort?: number | null;
      /** 小写字母、数字、下划线；与全国默认类型同代码即覆盖 */
      code: string;
      /** 缺省为本人单位 */
      unit_id?: number | null;
    };
    type LeaveTypeOut = {
      id: number;
      unit_id: number | null;
      code: string;
      name: string;
      count_mode: "working_days" | "calendar_days";
      paid: boolean;
      attachment_over_days: number | null;
      max_days_per_request: number | null;
      balance_tracked: boolean;
      quota_rule: "annual" | "fixed" | "lieu" | "none";
      quota_days: number | null;
      settings: Record<string, unknown> | null;
      is_trip: boolean;
      active: boolean;
      sort: number;
      national: boolean;
      [key: string]: unknown;
    };
    type LeaveTypeUpdate = {
      name?: string | null;
      count_mode?: "working_days" | "calendar_days" | null;
      paid?: boolean | null;
      /** 超过该天数须上传证明材料 */
      attachment_over_days?: number | null;
      max_days_per_request?: number | null;
      balance_tracked?: boolean | null;
      /** 出差/外出类：考勤按在岗计 */
      is_trip?: boolean | null;
      quota_rule?: "annual" | "fixed" | "lieu" | "none" | null;
      quota_days?: number | null;
      settings?: Record<string, unknown> | null;
      active?: boolean | null;
      sort?: number | null;
    };
    type LieuCreditOut = {
      id: number;
      overtime_id: number | null;
      days: number;
      used: number;
      reserved: number;
      expires_on: string;
      [key: string]: unknown;
    };
    type MakeupCreate = {
      day: string;
      /** 补卡时间 HH:MM */
      time: string;
      reason: string;
    };
    type MakeupOut = {
      id: number;
      staff_id: number;
      day: string;
      at: string;
      reason: string;
      status: string;
      approval_id: number | null;
      punch_id: number | null;
      created_at: string;
      [key: string]: unknown;
    };
    type MakeupResubmit = {
      day?: string | null;
      /** 补卡时间 HH:MM */
      time?: string | null;
      reason?: string | null;
    };
    type MeOrgRef = {
      id: number;
      name: string | null;
      [key: string]: unknown;
    };
    type MeOut = {
      id: number;
      employee_no: string;
      name: string;
      gender: "M" | "F" | null;
      unit: Schemas.MeOrgRef;
      department: Schemas.MeOrgRef | null;
      position: string | null;
      position_id: number | null;
      rank: string | null;
      rank_id: number | null;
      hire_date: string | null;
      first_employment_date: string | null;
      status: string;
      phone_masked: string | null;
      id_no_masked: string | null;
      wechat_bound: boolean;
      updated_at: string | null;
      posts: Array<Schemas.MePostOut>;
      roles: Array<Schemas.MeRoleOut>;
      permissions: Array<string>;
      /** 我任负责人的部门 */
      leads: Array<Schemas.MeOrgRef>;
      /** 我是否带队（部门负责人、副职、分管领导或单位主要负责人）：可查看团队考勤与请假、复核团队打卡 */
      team: boolean;
      /** 我能否扫码登录管理后台（持有自助以外的权限或带队，且不是三员账号） */
      console: boolean;
      [key: string]: unknown;
    };
    type MePostOut = {
      department: Schemas.MeOrgRef;
      /** concurrent 兼职；secondment 挂职 */
      kind: "concurrent" | "secondment";
      start_date: string | null;
      end_date: string | null;
      [key: string]: unknown;
    };
    type MeRoleOut = {
      code: string;
      name: string;
      grant_id: number;
      scope: Schemas.MeScopeOut;
      [key: string]: unknown;
    };
    type MeScopeOut = {
      type: "all" | "unit_tree" | "dept_tree" | "dept" | "self" | "custom";
      label: string | null;
      unit_id: number | null;
      department_id: number | null;
      department_ids: Array<number>;
      [key: string]: unknown;
    };
    type MeStaffOut = {
      id: number;
      employee_no: string;
      name: string;
      gender: "M" | "F" | null;
      unit: Schemas.MeOrgRef;
      department: Schemas.MeOrgRef | null;
      position: string | null;
      position_id: number | null;
      rank: string | null;
      rank_id: number | null;
      hire_date: string | null;
      first_employment_date: string | null;
      status: string;
      phone_masked: string | null;
      id_no_masked: string | null;
      wechat_bound: boolean;
      updated_at: string | null;
      [key: string]: unknown;
    };
    type MessageOut = {
      id: number;
      /** 消息类别，如 approval.pending、binding.request */
      kind: string;
      title: string;
      body: string;
      link: string;
      data: Record<string, unknown> | null;
      read: boolean;
      created_at: string;
      [key: string]: unknown;
    };
    type MonitorDept = {
      department_id: number | null;
      department: string;
      total: number;
      counts: Record<string, number>;
      [key: string]: unknown;
    };
    type MonitorOut = {
      cycle_id: number;
      cycle_name: string;
      today: string;
      current_phase: "goal_setting" | "progress" | "self_assessment" | "scoring" | "publication" | "appeals" | null;
      current_phase_label: string | null;
      total: number;
      totals: Record<string, number>;
      labels: Record<string, string>;
      departments: Array<Schemas.MonitorDept>;
      buckets: Record<string, Array<Schemas.MonitorPerson>>;
      [key: string]: unknown;
    };
    type MonitorPerson = {
      staff_id: number;
      name: string;
      employee_no: string;
      department_id: number | null;
      department: string | null;
      goal_set_id: number | null;
      status: string;
      /** 待审核时：当前审核人 */
      waiting_for?: string | null;
      [key: string]: unknown;
    };
    type MonthDayOut = {
      date: string;
      status: string | null;
      status_label: string;
      result: Record<string, unknown> | null;
      [key: string]: unknown;
    };
    type MonthOut = {
      month: string;
      days: Array<Schemas.MonthDayOut>;
      totals: Record<string, unknown>;
      warnings: Array<unknown>;
      [key: string]: unknown;
    };
    type MyCanOut = {
      object: boolean;
      review: boolean;
      appeal: boolean;
      [key: string]: unknown;
    };
    type MyCycleOut = {
      id: number;
      name: string;
      kind: "annual" | "periodic" | "special";
      kind_label: string;
      year: number;
      status: "draft" | "launched" | "closed";
      status_label: string;
      current_phase: "goal_setting" | "progress" | "self_assessment" | "scoring" | "publication" | "appeals" | null;
      current_phase_label: string | null;
      phases: Array<Schemas.CyclePhaseOut>;
      goal_set: Schemas.GoalSetBrief | null;
      link: string;
      [key: string]: unknown;
    };
    type MyGoalsOut = {
      cycle: Schemas.CycleBrief;
      goal_setting: Schemas.PhaseWindow;
      goal_set: Schemas.GoalSetOut | null;
      [key: string]: unknown;
    };
    type MyResultOut = {
      id: number;
      cycle_id: number;
      staff: Schemas.StaffRefOut;
      department_id: number | null;
      department_name: string | null;
      total: number | null;
      proposed_grade: string;
      proposed_grade_label: string;
      grade: string;
      grade_label: string;
      adjusted_total: number | null;
      adjusted_grade: string;
      effective_grade: string;
      effective_grade_label: string;
      status: "computed" | "confirmed" | "published" | "final";
      status_label: string;
      note: string;
      pending_sheets: number;
      sheets: Array<Schemas.SheetViewOut>;
      /** 同年平时考核等次（年度考核） */
      periodic: Array<Schemas.PeriodicOut>;
      /** excellent_streak / low_twice */
      flags: Array<string>;
      published_on: string | null;
      publication_ends_on: string | null;
      cycle: Schemas.CycleRefOut;
      publication: Schemas.PublicationOut;
      requests: Array<Schemas.RequestOut>;
      review_window: Schemas.WindowOut;
      appeal_window: Schemas.WindowOut | null;
      can: Schemas.MyCanOut;
      [key: string]: unknown;
    };
    type NoBody = Record<string, unknown>;
    type ObjectionIn = {
      /** 异议内容（至少 5 个字） */
      text: string;
      /** 所涉人员（可不填） */
      about_staff_id?: number | null;
    };
    type ObjectionOut = {
      id: number;
      cycle_id: number;
      filed_by: Schemas.PersonOut;
      about: Schemas.PersonOut | null;
      text: string;
      status: "open" | "answered";
      status_label: string;
      answer: string;
      answered_by: Schemas.PersonOut | null;
      answered_at: string | null;
      [key: string]: unknown;
    };
    type Ok = {
      ok?: boolean;
      [key: string]: unknown;
    };
    type OtherRecordFix = {
      /** 本申请冲突涉及的另一条人员记录 */
      staff_id: number;
      /** clear_phone 清除手机号；set_phone 更正为 phone */
      action: "clear_phone" | "set_phone";
      /** 更正后的手机号（set_phone） */
      phone?: string | null;
    };
    type OvertimeCreate = {
      /** 加班日期 */
      date: string;
      /** 加班时长（小时），0.5 至 24，以半小时计 */
      hours: number;
      reason: string;
    };
    type OvertimeOut = {
      id: number;
      staff: Schemas.ApprovalStaffRef;
      unit_id: number;
      department_id: number | null;
      date: string;
      hours: number;
      reason: string;
      status: "pending" | "approved" | "rejected" | "withdrawn" | "returned";
      instance_id: number | null;
      created_at: string;
      updated_at: string;
      [key: string]: unknown;
    };
    type OvertimeResubmit = {
      /** 加班日期 */
      date?: string | null;
      /** 加班时长（小时），0.5 至 24，以半小时计 */
      hours?: number | null;
      reason?: string | null;
    };
    type OwnerOut = {
      id: number;
      name: string;
      employee_no: string;
      [key: string]: unknown;
    };
    type Page_AlertOutList = {
      data: Array<Schemas.AlertOut>;
      page: number;
      total: number;
      summary: Schemas.AlertSummaryOut;
    };
    type Page_ApprovalOutList = {
      data: Array<Schemas.ApprovalOut>;
      page: number;
      total: number;
    };
    type Page_AuditEntryOutList = {
      data: Array<Schemas.AuditEntryOut>;
      page: number;
      total: number;
    };
    type Page_BalanceTableRowList = {
      data: Array<Schemas.BalanceTableRow>;
      page: number;
      total: number;
      totals: Schemas.BalanceTableTotals;
    };
    type Page_CheckerRequestOutList = {
      data: Array<Schemas.CheckerRequestOut>;
      page: number;
      total: number;
    };
    type Page_CycleOutList = {
      data: Array<Schemas.CycleOut>;
      page: number;
      total: number;
    };
    type Page_GoalSetRowOutList = {
      data: Array<Schemas.GoalSetRowOut>;
      page: number;
      total: number;
    };
    type Page_GrantOutList = {
      data: Array<Schemas.GrantOut>;
      page: number;
      total: number;
    };
    type Page_LeaveRequestOutList = {
      data: Array<Schemas.LeaveRequestOut>;
      page: number;
      total: number;
    };
    type Page_MeStaffOutList = {
      data: Array<Schemas.MeStaffOut>;
      page: number;
      total: number;
    };
    type Page_MessageOutList = {
      data: Array<Schemas.MessageOut>;
      page: number;
      total: number;
      unread?: unknown;
    };
    type Page_OvertimeOutList = {
      data: Array<Schemas.OvertimeOut>;
      page: number;
      total: number;
    };
    type Page_ParticipantOutList = {
      data: Array<Schemas.ParticipantOut>;
      page: number;
      total: number;
      counts?: unknown;
    };
    type Page_PunchReviewOutList = {
      data: Array<Schemas.PunchReviewOut>;
      page: number;
      total: number;
    };
    type Page_ResultsPageOut = {
      data: Schemas.ResultsPageOut;
      page: number;
      total: number;
    };
    type Page_ReviewRowOutList = {
      data: Array<Schemas.ReviewRowOut>;
      page: number;
      total: number;
    };
    type Page_SheetRowOutList = {
      data: Array<Schemas.SheetRowOut>;
      page: number;
      total: number;
    };
    type ParticipantAdd = {
      staff_id: number;
      reason: string;
    };
    type ParticipantCounts = {
      active: number;
      excluded: number;
      removed: number;
      [key: string]: unknown;
    };
    type ParticipantOut = {
      staff_id: number;
      name: string;
      employee_no: string;
      department_id: number | null;
      department: string | null;
      position?: string | null;
      rank?: string | null;
      status: "active" | "excluded" | "removed";
      status_label: string;
      source: "launch" | "added";
      exclusion: "long_leave" | "hired_after" | "seconded_out" | null;
      exclusion_label: string | null;
      reason: string;
      changed_by: string | null;
      changed_at: string | null;
      [key: string]: unknown;
    };
    type ParticipantRemove = {
      reason: string;
    };
    type ParticipantRuleIn = {
      /** 参加部门（含下级部门）；空为全单位 */
      department_ids?: Array<number>;
      /** 职级；空为不限 */
      rank_ids?: Array<number>;
      exclude?: Schemas.ExcludeIn;
    };
    type PendingTransferOut = {
      id: number;
      effective_date: string;
      reason: string;
      to_unit: Schemas.MeOrgRef;
      to_department: Schemas.MeOrgRef;
      actor_id: number | null;
      created_at: string;
      [key: string]: unknown;
    };
    type PeriodicOut = {
      cycle_id: number;
      name: string;
      period_no: number | null;
      grade: string;
      grade_label: string;
      [key: string]: unknown;
    };
    type PermissionOut = {
      code: string;
      name: string;
      /** 仅安全审计员可持有 */
      reserved: boolean;
      [key: string]: unknown;
    };
    type PersonName = {
      id: number;
      name: string;
      [key: string]: unknown;
    };
    type PersonOut = {
      id: number;
      name: string;
      [key: string]: unknown;
    };
    type PersonRef = {
      id: number;
      name: string | null;
      [key: string]: unknown;
    };
    type PersonRefOut = {
      id: number;
      name: string;
      [key: string]: unknown;
    };
    type PhaseIn = {
      phase: "goal_setting" | "progress" | "self_assessment" | "scoring" | "publication" | "appeals";
      /** 开始日期（北京时间当天 00:00 开放） */
      opens_on: string;
      /** 截止日期（须为工作日，当天 24:00 截止） */
      closes_on?: string | null;
      /** 不填截止日期时：自开始日起第 N 个工作日截止 */
      working_days?: number | null;
    };
    type PhaseMove = {
      opens_on: string;
      closes_on: string;
      reason: string;
    };
    type PhaseWindow = {
      state: "not_started" | "open" | "closed";
      opens_on: string | null;
      closes_on: string | null;
      [key: string]: unknown;
    };
    type PlaceBrief = {
      id: number;
      name: string;
      fences: Array<Record<string, unknown>>;
      qr_enabled: boolean;
      wifi: boolean;
      [key: string]: unknown;
    };
    type PlaceCreate = {
      unit_id: number;
      /** 仅该部门使用；缺省为全单位 */
      department_id?: number | null;
      name: string;
      fences?: Array<Schemas.PlaceFenceIn>;
      /** aa:bb:cc:dd:ee:ff */
      wifi_bssids?: Array<string>;
      qr_enabled?: boolean;
      active?: boolean;
    };
    type PlaceFenceIn = {
      /** 纬度（GCJ-02，须在国内） */
      lat: number;
      /** 经度（GCJ-02） */
      lng: number;
      /** 半径（米） */
      radius?: number;
    };
    type PlaceFenceOut = {
      lat: number;
      lng: number;
      radius: number;
      [key: string]: unknown;
    };
    type PlaceOut = {
      id: number;
      unit_id: number;
      department_id: number | null;
      name: string;
      fences: Array<Schemas.PlaceFenceOut>;
      wifi_bssids: Array<string>;
      qr_enabled: boolean;
      active: boolean;
      [key: string]: unknown;
    };
    type PlaceQrOut = {
      place_id: number;
      /** 写入二维码的签名令牌 */
      token: string;
      step: number;
      /** 距更换的秒数 */
      expires_in: number;
      [key: string]: unknown;
    };
    type PlaceUpdate = {
      name?: string | null;
      fences?: Array<Schemas.PlaceFenceIn> | null;
      /** aa:bb:cc:dd:ee:ff */
      wifi_bssids?: Array<string> | null;
      qr_enabled?: boolean | null;
      active?: boolean | null;
    };
    type PositionCreate = {
      unit_id: number;
      name: string;
      /** 是否领导职务 */
      is_leading?: boolean;
    };
    type PositionOut = {
      id: number;
      unit_id: number;
      name: string;
      is_leading: boolean;
      [key: string]: unknown;
    };
    type ProgressIn = {
      /** 已确认目标中的目标项编号 */
      item_key: string;
      /** 进展日期，不晚于今天 */
      reported_on: string;
      /** 完成百分比（定性目标） */
      percent?: number | null;
      /** 实际值（定量目标） */
      actual_value?: number | null;
      /** 进展说明 */
      note?: string;
    };
    type ProgressItemOut = {
      key: string;
      title: string;
      kind: "quantitative" | "qualitative";
      kind_label: string;
      weight: number;
      target: number | null;
      unit_of_measure: string;
      formula: Record<string, unknown> | null;
      formula_text: string;
      criteria: string;
      due_date: string | null;
      indicator: Record<string, unknown> | null;
      /** 当前值：最新一条进展 */
      current: Schemas.ProgressRowOut | null;
      last_reported_on: string | null;
      /** 当前值来自人事导入或业务系统，本人与评分人不能修改 */
      locked_by_source: boolean;
      /** 过程跟踪阶段内超过规定天数未更新 */
      overdue: boolean;
      can_report: boolean;
      [key: string]: unknown;
    };
    type ProgressOut = {
      goal_set_id: number;
      cycle: Schemas.CycleRef;
      owner: Schemas.OwnerOut;
      confirmed_version_id: number | null;
      phase: Schemas.ProgressPhaseOut;
      stale_days: number;
      today: string;
      items: Array<Schemas.ProgressItemOut>;
      /** 全部进展，最新在前 */
      rows: Array<Schemas.ProgressRowOut>;
      can: Record<string, boolean>;
      [key: string]: unknown;
    };
    type ProgressPhaseOut = {
      state: "not_started" | "open" | "closed";
      opens_on: string | null;
      closes_on: string | null;
      [key: string]: unknown;
    };
    type ProgressRowOut = {
      id: number;
      item_key: string;
      item_title: string;
      reported_on: string;
      percent: number | null;
      actual_value: number | null;
      /** 定量目标按计分公式的预估得分 */
      score_preview: number | null;
      note: string;
      source: "owner" | "import" | "system";
      source_label: string;
      recorded_by: Schemas.PersonRefOut | null;
      /** 推送数据的业务系统 */
      feed: string | null;
      /** 导入批次 */
      batch: string | null;
      created_at: string;
      attachments: Array<Schemas.AttachmentOut>;
      [key: string]: unknown;
    };
    type ProofOut = {
      id: number;
      kind: "invite" | "hr_confirmed";
      label: string;
      staff_id: number;
      invite_id: number | null;
      confirmed_by: Schemas.MeOrgRef | null;
      note: string;
      created_at: string;
      used: boolean;
      [key: string]: unknown;
    };
    type PublicationOut = {
      state: "not_published" | "publishing" | "ended";
      published_on: string | null;
      ends_on: string | null;
      remaining_days: number | null;
      [key: string]: unknown;
    };
    type PublishOut = {
      published_on: string;
      ends_on: string;
      working_days: number;
      participants: number;
      publication: Schemas.PublicationOut;
      [key: string]: unknown;
    };
    type PunchCreate = {
      /** 纬度（GCJ-02） */
      lat: number;
      /** 经度（GCJ-02） */
      lng: number;
      /** 定位精度（米） */
      accuracy: number;
      wifi_bssid?: string;
      qr_token?: string;
      /** 设备标识（一人一机） */
      device_id: string;
      /** 外勤或异常说明 */
      reason?: string;
    };
    type PunchOut = {
      id: number;
      staff_id: number;
      /** 服务器记录的打卡时间（北京时间 ISO） */
      at: string;
      kind: string;
      lat: number | null;
      lng: number | null;
      accuracy: number | null;
      place_id: number | null;
      proofs: Array<string>;
      reason: string | null;
      flags: Array<string>;
      review_status: string | null;
      review_note: string | null;
      /** 60 秒内重复打卡时为 true，返回第一次的记录 */
      repeat?: boolean | null;
      [key: string]: unknown;
    };
    type PunchReviewBody = {
      decision: "accept" | "reject";
      note?: string;
    };
    type PunchReviewOut = {
      id: number;
      staff_id: number;
      /** 服务器记录的打卡时间（北京时间 ISO） */
      at: string;
      kind: string;
      lat: number | null;
      lng: number | null;
      accuracy: number | null;
      place_id: number | null;
      proofs: Array<string>;
      reason: string | null;
      flags: Array<string>;
      review_status: string | null;
      review_note: string | null;
      /** 60 秒内重复打卡时为 true，返回第一次的记录 */
      repeat?: boolean | null;
      staff_name: string;
      employee_no: string;
      [key: string]: unknown;
    };
    type QrScanOut = {
      sid: string;
      expires_at: string;
      ip: string;
      user_agent: string;
      [key: string]: unknown;
    };
    type QrSid = {
      sid: string;
    };
    type QrStateOut = {
      sid: string;
      state: "confirmed" | "cancelled";
      [key: string]: unknown;
    };
    type QuotaApprovalIn = {
      /** 批准的优秀比例（大于默认比例，不超过上限，通常 25） */
      percent: number;
      /** 理由 */
      reason: string;
      /** 批准文件文号 */
      document: string;
    };
    type QuotaApprovalOut = {
      id: number;
      percent: number;
      reason: string;
      document: string;
      [key: string]: unknown;
    };
    type QuotaIn = {
      /** 优秀（好）等次比例（默认 20%） */
      percent?: number | null;
      /** 经批准可提高到的比例（默认 25%） */
      max_percent?: number | null;
    };
    type QuotaOut = {
      participants: number;
      /** 适用的优秀比例 */
      percent: number;
      default_percent: number;
      max_percent: number;
      /** 优秀名额 */
      limit: number;
      confirmed: number;
      proposed: number;
      remaining: number;
      top_grade: string;
      top_grade_label: string;
      /** 取整规则（界面展示） */
      rule: string;
      approval: Schemas.QuotaApprovalOut | null;
      [key: string]: unknown;
    };
    type QuoteBalance = {
      type_code: string;
      entitled: number;
      adjusted: number;
      used: number;
      pending: number;
      remaining: number;
      [key: string]: unknown;
    };
    type QuoteOut = {
      type: string;
      type_name: string;
      count_mode: "working_days" | "calendar_days";
      days: number;
      balance: Schemas.QuoteBalance | null;
      remaining_after: number | null;
      /** 补请假：开始日期早于今天 */
      backdated: boolean;
      sufficient: boolean;
      attachment_required: boolean;
      warnings: Array<string>;
      calendar: Array<Schemas.CalendarDay>;
      [key: string]: unknown;
    };
    type RankOut = {
      id: number;
      name: string;
      level: number;
      [key: string]: unknown;
    };
    type RecomputeCreate = {
      start: string;
      /** 与 start 相距不超过 3 个月 */
      end: string;
      department_id?: number | null;
      staff_id?: number | null;
    };
    type RecomputeOut = {
      /** 重算的人数 */
      staff: number;
      /** 重算的人日数 */
      days: number;
      [key: string]: unknown;
    };
    type RecordOut = {
      staff: Schemas.StaffRefOut;
      results: Array<Schemas.RecordRowOut>;
      /** 截至最近一年连续优秀的年数 */
      excellent_streak: number;
      longest_excellent_streak: Array<number>;
      flags: Array<Schemas.FlagOut>;
      [key: string]: unknown;
    };
    type RecordRowOut = {
      cycle_id: number;
      cycle_name: string;
      kind: string;
      year: number;
      period_no: number | null;
      total: number | null;
      grade: string;
      grade_label: string;
      adjusted: boolean;
      status: string;
      [key: string]: unknown;
    };
    type RecusalOut = {
      sheet_id: number;
      role: "leader" | "peer" | "self";
      role_label: string;
      participant: Schemas.SheetPersonOut;
      skipped: Schemas.SkippedRaterOut;
      /** self / relative:<kind> / declared */
      reason: string;
      note: string;
      reason_label: string;
      replaced_by: Schemas.ReplacementOut | null;
      recused_at: string | null;
      [key: string]: unknown;
    };
    type RecuseIn = {
      /** 回避理由（至少 4 个字） */
      reason: string;
    };
    type RecuseOut = {
      id: number;
      status: "recused";
      reason: string;
      reason_label: string;
      replaced_by: number | null;
      [key: string]: unknown;
    };
    type RelationshipIn = {
      /** 亲属的工号 */
      relative_employee_no: string;
      /** 亲属的姓名（须与工号一致） */
      relative_name: string;
      /** spouse 夫妻 / blood 直系血亲 / in_law 姻亲 / close_kin 其他近亲属 */
      kind: "spouse" | "blood" | "in_law" | "close_kin";
      /** 说明，如 “父子” */
      note?: string;
    };
    type RelationshipOut = {
      id: number;
      kind: "spouse" | "blood" | "in_law" | "close_kin";
      kind_label: string;
      note: string;
      source: "self" | "hr";
      source_label: string;
      /** declared 本人登记的 / named 他人登记时列出本人的 */
      direction: "declared" | "named";
      relative: Schemas.RelationshipRelativeOut | null;
      declared_by: string | null;
      created_at: string;
      revoked_at: string | null;
      revoked_by: string | null;
      active: boolean;
      [key: string]: unknown;
    };
    type RelationshipRelativeOut = {
      id: number;
      name: string;
      employee_no: string;
      department_name: string | null;
      [key: string]: unknown;
    };
    type ReopeningCreate = {
      staff_id: number;
      phase: "goal_setting" | "progress" | "self_assessment" | "scoring" | "publication" | "appeals";
      until: string;
      reason: string;
    };
    type ReopeningOut = {
      id: number;
      staff_id: number;
      name: string;
      employee_no: string;
      phase: "goal_setting" | "progress" | "self_assessment" | "scoring" | "publication" | "appeals";
      phase_label: string;
      until: string;
      reason: string;
      granted_by: string;
      created_at: string;
      [key: string]: unknown;
    };
    type ReplacementOut = {
      sheet_id: number;
      id: number;
      name: string;
      [key: string]: unknown;
    };
    type ReportDepartment = {
      /** 应出勤天数 */
      workdays: number;
      days_worked: number;
      late_count: number;
      late_minutes: number;
      early_count: number;
      early_minutes: number;
      missing_punches: number;
      absences: number;
      trip_days: number;
      field_punches: number;
      /** 假别名称 → 天数（半天计 0.5） */
      leave_days: Record<string, number>;
      /** 部门（超过 500 人时按考勤日当天所在部门分组） */
      department_id: number | null;
      department: string;
      /** 该部门有考勤日的人数 */
      staff: number;
      [key: string]: unknown;
    };
    type ReportExportCreate = {
      /** YYYY-MM，缺省为本月 */
      month?: string | null;
      /** 只导出某部门（含下级）；缺省为管理范围内全部 */
      department_id?: number | null;
      format?: "xlsx" | "csv";
    };
    type ReportExportOut = {
      /** 导出任务编号；GET …/exports/{id} 查看进度，…/file 下载 */
      id: string;
      kind: string;
      status: "running" | "done" | "failed" | "expired";
      /** 0–100 */
      progress: number;
      message: string;
      filename: string;
      size: number;
      created_at: string;
      finished_at: string | null;
      /** 此后文件删除 */
      expires_at: string;
      params: Record<string, unknown>;
      [key: string]: unknown;
    };
    type ReportOut = {
      month: string;
      people: Array<Schemas.ReportPerson>;
      /** 人数（全部页） */
      total: number;
      page: number;
      page_size: number;
      departments: Array<Schemas.ReportDepartment>;
      totals: Schemas.ReportTotals;
      /** 已统计到的日期（昨天或月末） */
      through: string | null;
      /** 仍在后台判定的人数 */
      pending_staff: number;
      complete: boolean;
      /** 是否含今天（实时判定）：超过 500 人的范围统计到昨天，今天见考勤看板 */
      today_included: boolean;
      [key: string]: unknown;
    };
    type ReportPerson = {
      /** 应出勤天数 */
      workdays: number;
      days_worked: number;
      late_count: number;
      late_minutes: number;
      early_count: number;
      early_minutes: number;
      missing_punches: number;
      absences: number;
      trip_days: number;
      field_punches: number;
      /** 假别名称 → 天数（半天计 0.5） */
      leave_days: Record<string, number>;
      staff_id: number;
      employee_no: string | null;
      name: string;
      /** 本月在本范围内最后一天所在部门 */
      department_id: number | null;
      department: string;
      [key: string]: unknown;
    };
    type ReportTotals = {
      /** 应出勤天数 */
      workdays: number;
      days_worked: number;
      late_count: number;
      late_minutes: number;
      early_count: number;
      early_minutes: number;
      missing_punches: number;
      absences: number;
      trip_days: number;
      field_punches: number;
      /** 假别名称 → 天数（半天计 0.5） */
      leave_days: Record<string, number>;
      /** 本范围（及姓名筛选）的全部人数 */
      staff: number;
      [key: string]: unknown;
    };
    type RequestIn = {
      /** 理由（至少 10 个字） */
      reason: string;
    };
    type RequestOut = {
      id: number;
      kind: "review" | "appeal";
      kind_label: string;
      cycle_id: number;
      result_id: number;
      parent_id: number | null;
      staff: Schemas.PersonOut;
      reason: string;
      status: "pending" | "upheld" | "rejected" | "withdrawn";
      status_label: string;
      filed_on: string | null;
      /** 办理期限 */
      due_on: string;
      /** 距办理期限的天数（办理中） */
      remaining_days: number | null;
      overdue: boolean;
      instance_id: number | null;
      decision: string;
      adjusted_total: number | null;
      adjusted_grade: string;
      adjusted_grade_label: string;
      decided_by: Schemas.PersonOut | null;
      decided_on: string | null;
      attachments: Array<Schemas.AttachmentOut>;
      [key: string]: unknown;
    };
    type ResultOut = {
      id: number;
      cycle_id: number;
      staff: Schemas.StaffRefOut;
      department_id: number | null;
      department_name: string | null;
      total: number | null;
      proposed_grade: string;
      proposed_grade_label: string;
      grade: string;
      grade_label: string;
      adjusted_total: number | null;
      adjusted_grade: string;
      effective_grade: string;
      effective_grade_label: string;
      status: "computed" | "confirmed" | "published" | "final";
      status_label: string;
      note: string;
      pending_sheets: number;
      sheets: Array<Schemas.SheetSumOut>;
      /** 同年平时考核等次（年度考核） */
      periodic: Array<Schemas.PeriodicOut>;
      /** excellent_streak / low_twice */
      flags: Array<string>;
      published_on: string | null;
      publication_ends_on: string | null;
      [key: string]: unknown;
    };
    type ResultsPageOut = {
      cycle: Schemas.CycleRefOut;
      grades: Array<Schemas.GradeOut>;
      thresholds: Array<Schemas.ThresholdOut>;
      quota: Schemas.QuotaOut;
      published: boolean;
      rows: Array<Schemas.ResultOut>;
      [key: string]: unknown;
    };
    type ReviewBody = {
      /** 同意 / 退回修改 / 驳回 */
      decision: "approve" | "return" | "reject";
      comment?: string;
      /** 逐项意见 */
      items?: Array<Schemas.ReviewItemIn>;
      version?: number | null;
    };
    type ReviewItemIn = {
      key: string;
      comment?: string;
    };
    type ReviewRowOut = {
      id: number;
      cycle: Schemas.CycleBrief;
      owner: Schemas.StaffBrief;
      department: Schemas.DeptBrief | null;
      status: string;
      status_label: string;
      change_pending: boolean;
      version: number;
      current_version: Schemas.CurrentVersionBrief | null;
      confirmed_version_number: number | null;
      item_count: number;
      weight_total: number;
      updated_at: string;
      review_version: Schemas.ReviewVersionOut;
      approval: Schemas.ApprovalPathOut | null;
      [key: string]: unknown;
    };
    type ReviewVersionOut = {
      id: number;
      number: number;
      kind: string;
      kind_label: string;
      reason: string;
      status: string;
      submitted_at: string | null;
      [key: string]: unknown;
    };
    type RoleCreate = {
      code: string;
      name: string;
      description?: string;
      /** 权限代码（见 /api/permissions） */
      permissions: Array<string>;
    };
    type RoleOut = {
      id: number;
      code: string;
      name: string;
      description: string;
      builtin: boolean;
      admin_tier: string | null;
      unit_id: number | null;
      grantable: boolean;
      permissions: Array<string>;
      [key: string]: unknown;
    };
    type RoleUpdate = {
      name?: string | null;
      description?: string | null;
      permissions?: Array<string> | null;
    };
    type RulesOut = {
      min_items: number;
      max_items: number;
      weight_total: number;
      year: number;
      [key: string]: unknown;
    };
    type ScheduleCreate = {
      unit_id: number;
      /** 部门作息优先于单位作息 */
      department_id?: number | null;
      name: string;
      kind?: "fixed" | "flexible";
      sessions?: Array<Schemas.ScheduleSessionIn>;
      grace_late?: number;
      grace_early?: number;
      core_start?: string;
      core_end?: string;
      required_minutes?: number;
      /** MM-DD */
      season_start?: string;
      /** MM-DD */
      season_end?: string;
      active?: boolean;
    };
    type ScheduleOut = {
      id: number;
      unit_id: number;
      department_id: number | null;
      name: string;
      kind: "fixed" | "flexible";
      sessions: Array<Schemas.ScheduleSessionOut>;
      grace_late: number;
      grace_early: number;
      core_start: string;
      core_end: string;
      required_minutes: number;
      season_start: string;
      season_end: string;
      active: boolean;
      [key: string]: unknown;
    };
    type ScheduleSessionIn = {
      /** HH:MM */
      start: string;
      /** HH:MM */
      end: string;
    };
    type ScheduleSessionOut = {
      start: string;
      end: string;
      [key: string]: unknown;
    };
    type ScheduleUpdate = {
      name?: string | null;
      /** fixed 固定班制；flexible 弹性 */
      kind?: "fixed" | "flexible" | null;
      sessions?: Array<Schemas.ScheduleSessionIn> | null;
      /** 迟到宽限（分钟） */
      grace_late?: number | null;
      /** 早退宽限（分钟） */
      grace_early?: number | null;
      core_start?: string | null;
      core_end?: string | null;
      required_minutes?: number | null;
      /** MM-DD */
      season_start?: string | null;
      /** MM-DD */
      season_end?: string | null;
      active?: boolean | null;
    };
    type ScoreEntryIn = {
      /** 目标项编号（已确认目标中的 key） */
      key: string;
      /** 分数：定性 0–100；定量留空即按公式计分，填写不同分数视为调整，须写明理由 */
      score?: number | null;
      /** 评分依据（定性必填，须符合评分依据规则） */
      justification?: string;
      /** 调整公式得分的理由（至少 10 个字，向被考核人公开） */
      override_reason?: string;
    };
    type ScoreEntryOut = {
      key: string;
      title: string;
      kind: "quantitative" | "qualitative";
      weight: number;
      criteria: string;
      target: number | null;
      unit_of_measure: string;
      formula_text: string;
      /** 最新实际值（定量） */
      actual_value: number | null;
      value_reported_on: string | null;
      value_source: string | null;
      /** 按公式计算的得分（定量） */
      auto_score: number | null;
      max_score: number;
      score: number | null;
      justification: string;
      override_reason: string;
      overridden: boolean;
      /** 提交前还缺什么（评分依据规则、调整理由、分数） */
      problems: Array<Schemas.ScoreProblemOut>;
      [key: string]: unknown;
    };
    type ScoreProblemOut = {
      field: string;
      code: string;
      message: string;
      [key: string]: unknown;
    };
    type SelfAssessmentIn = {
      /** 各目标项的自评 */
      items: Array<Schemas.SummaryIn>;
    };
    type SelfAssessmentItemOut = {
      key: string;
      title: string;
      kind: string;
      weight: number;
      target: number | null;
      unit_of_measure: string;
      criteria: string;
      summary: string;
      attachments: Array<Schemas.AttachmentOut>;
      [key: string]: unknown;
    };
    type SelfAssessmentOut = {
      goal_set_id: number;
      cycle: Schemas.CycleRef;
      owner: Schemas.OwnerOut;
      status: "none" | "draft" | "submitted";
      status_label: string;
      submitted_at: string | null;
      phase: Schemas.ProgressPhaseOut;
      items: Array<Schemas.SelfAssessmentItemOut>;
      can: Record<string, boolean>;
      [key: string]: unknown;
    };
    type SessionOut = {
      /** Authorization: Bearer <token> */
      token: string;
      expires_at: string;
      me: Schemas.MeOut;
      [key: string]: unknown;
    };
    type SettingsIn = {
      /** 每人目标条数下限（默认 3） */
      min_items?: number | null;
      /** 每人目标条数上限（默认 10） */
      max_items?: number | null;
      /** 进度超过 N 天未更新视为逾期（默认 30） */
      progress_stale_days?: number | null;
      /** 评分权重（默认 领导 70、同事 20、本人 10） */
      weights?: Record<string, number> | null;
      /** 每人同事评分人数（0 为不设同事评分） */
      peers?: number | null;
      /** 是否有本人自评分 */
      self_rating?: boolean | null;
      justification?: Schemas.JustificationIn | null;
      /** 等次分数线，如 {"excellent": 90, "competent": 70} */
      grade_thresholds?: Record<string, number> | null;
      quota?: Schemas.QuotaIn | null;
      /** 公示期（工作日，默认 5） */
      publication_days?: number | null;
      /** 廉洁风险提示的阈值与开关（默认值见文档） */
      alerts?: Record<string, Record<string, number | boolean>> | null;
      /** 截止前第几个工作日提醒，如 {"goal_setting": [3, 1]}；空列表为不提醒 */
      reminders?: Record<string, Array<number>> | null;
    };
    type SettingsOut = {
      clock_in: boolean;
      wechat: boolean;
      /** 是否已绑定微信（未绑定时只能收到站内信） */
      bound: boolean;
      templates: Array<Schemas.TemplateBrief>;
      subscriptions: Array<Schemas.SubscriptionOut>;
      [key: string]: unknown;
    };
    type SettingsUpdate = {
      /** 上班打卡提醒（工作日） */
      clock_in?: boolean | null;
      /** 通过微信订阅消息提醒（关闭后仅站内信） */
      wechat?: boolean | null;
    };
    type SeverityCountOut = {
      severity: "high" | "warning" | "info";
      label: string;
      open: number;
      [key: string]: unknown;
    };
    type SheetCanOut = {
      edit: boolean;
      submit: boolean;
      recuse: boolean;
      [key: string]: unknown;
    };
    type SheetCycleOut = {
      id: number;
      name: string;
      year: number;
      kind: string;
      [key: string]: unknown;
    };
    type SheetOut = {
      id: number;
      cycle: Schemas.SheetCycleOut;
      participant: Schemas.SheetPersonOut;
      rater: Schemas.SheetPersonOut;
      role: "leader" | "peer" | "self";
      role_label: string;
      weight: number;
      status: "pending" | "draft" | "submitted" | "recused";
      status_label: string;
      recusal: Schemas.SheetRecusalOut | null;
      goal_version_id: number | null;
      goals_confirmed: boolean;
      items: Array<Schemas.ScoreEntryOut>;
      total: number | null;
      submitted_at: string | null;
      version: number;
      updated_at: string;
      rule: Schemas.JustificationRuleOut;
      can: Schemas.SheetCanOut;
      [key: string]: unknown;
    };
    type SheetPersonOut = {
      id: number;
      name: string;
      employee_no: string;
      department_name?: string | null;
      [key: string]: unknown;
    };
    type SheetRecusalOut = {
      reason: string;
      note: string;
      reason_label: string;
      replaced_by: number | null;
      [key: string]: unknown;
    };
    type SheetRowOut = {
      id: number;
      cycle: Schemas.SheetCycleOut | null;
      participant: Schemas.SheetPersonOut;
      rater: Schemas.SheetPersonOut;
      role: "leader" | "peer" | "self";
      role_label: string;
      weight: number;
      status: "pending" | "draft" | "submitted" | "recused";
      status_label: string;
      total: number | null;
      submitted_at: string | null;
      updated_at: string;
      [key: string]: unknown;
    };
    type SheetSave = {
      /** 评分表版本号（乐观锁） */
      version: number;
      /** 要保存的评分项（未列出的不变） */
      entries: Array<Schemas.ScoreEntryIn>;
    };
    type SheetSubmit = {
      /** 评分表版本号（乐观锁） */
      version?: number | null;
      /** 提交前一并保存的评分项 */
      entries?: Array<Schemas.ScoreEntryIn>;
    };
    type SheetSumOut = {
      role: string | null;
      weight: number | null;
      total: number | null;
      [key: string]: unknown;
    };
    type SheetViewOut = {
      role: string;
      role_label: string;
      /** 评分人（同事评分匿名为“同事 A/B…”） */
      rater: string;
      weight: number;
      total: number | null;
      items: Array<Schemas.ItemScoreOut>;
      [key: string]: unknown;
    };
    type SheetsGeneratedOut = {
      /** 新生成的评分表数 */
      created: number;
      /** 因回避跳过的评分人数 */
      recused: number;
      participants: number;
      /** 找不到可评分领导的被考核人（需人事部门处理） */
      unassigned: Array<Schemas.SheetPersonOut>;
      [key: string]: unknown;
    };
    type SignedIn = {
      /** Authorization: Bearer <token> */
      token: string;
      expires_at: string;
      me: Schemas.MeOut;
      status: "bound";
      [key: string]: unknown;
    };
    type SkippedRaterOut = {
      id: number;
      name: string;
      [key: string]: unknown;
    };
    type StaffBrief = {
      id: number;
      name: string;
      employee_no: string;
      department_id: number | null;
      department_name: string | null;
      [key: string]: unknown;
    };
    type StaffCreate = {
      position_id?: number | null;
      rank_id?: number | null;
      gender?: "M" | "F" | null;
      /** 11 位手机号 */
      phone?: string | null;
      /** 18 位身份证号 */
      id_no?: string | null;
      hire_date?: string | null;
      first_employment_date?: string | null;
      employee_no: string;
      name: string;
      department_id: number;
    };
    type StaffHistoryOut = {
      id: number;
      kind: "transfer" | "retire";
      effective_date: string;
      reason: string | null;
      from_unit: Schemas.MeOrgRef | null;
      from_department: Schemas.MeOrgRef | null;
      to_unit: Schemas.MeOrgRef | null;
      to_department: Schemas.MeOrgRef | null;
      actor_id: number | null;
      created_at: string;
      [key: string]: unknown;
    };
    type StaffImportOut = {
      imported: number;
      ids: Array<number>;
      [key: string]: unknown;
    };
    type StaffOut = {
      id: number;
      employee_no: string;
      name: string;
      gender: "M" | "F" | null;
      unit: Schemas.MeOrgRef;
      department: Schemas.MeOrgRef | null;
      position: string | null;
      position_id: number | null;
      rank: string | null;
      rank_id: number | null;
      hire_date: string | null;
      first_employment_date: string | null;
      status: string;
      phone_masked: string | null;
      id_no_masked: string | null;
      wechat_bound: boolean;
      updated_at: string | null;
      posts: Array<Schemas.StaffPostOut>;
      roles: Array<Schemas.StaffRoleOut>;
      /** 待生效的调动（无则为 null） */
      pending_transfer?: Schemas.PendingTransferOut | null;
      [key: string]: unknown;
    };
    type StaffPostCreate = {
      department_id: number;
      /** concurrent 兼职；secondment 挂职 */
      kind: "concurrent" | "secondment";
      start_date: string;
      end_date?: string | null;
    };
    type StaffPostEndOut = {
      id: number;
      active: boolean;
      end_date: string | null;
      grants_ended: Array<number>;
      [key: string]: unknown;
    };
    type StaffPostOut = {
      id: number;
      staff_id: number;
      department: Schemas.MeOrgRef;
      kind: "concurrent" | "secondment";
      start_date: string | null;
      end_date: string | null;
      active: boolean;
      [key: string]: unknown;
    };
    type StaffRef = {
      id: number;
      name: string;
      [key: string]: unknown;
    };
    type StaffRefOut = {
      id: number;
      name: string;
      employee_no: string;
      [key: string]: unknown;
    };
    type StaffRetire = {
      effective_date: string;
      reason?: string;
    };
    type StaffRoleOut = {
      grant_id: number;
      code: string;
      name: string;
      scope: Schemas.StaffScopeOut;
      [key: string]: unknown;
    };
    type StaffScopeOut = {
      type: "all" | "unit_tree" | "dept_tree" | "dept" | "self" | "custom";
      label: string | null;
      [key: string]: unknown;
    };
    type StaffTransfer = {
      department_id: number;
      effective_date: string;
      reason?: string;
    };
    type StaffTransferOut = {
      id: number;
      employee_no: string;
      name: string;
      gender: "M" | "F" | null;
      unit: Schemas.MeOrgRef;
      department: Schemas.MeOrgRef | null;
      position: string | null;
      position_id: number | null;
      rank: string | null;
      rank_id: number | null;
      hire_date: string | null;
      first_employment_date: string | null;
      status: string;
      phone_masked: string | null;
      id_no_masked: string | null;
      wechat_bound: boolean;
      updated_at: string | null;
      posts: Array<Schemas.StaffPostOut>;
      roles: Array<Schemas.StaffRoleOut>;
      /** 待生效的调动（无则为 null） */
      pending_transfer?: Schemas.PendingTransferOut | null;
      /** 因离开原部门而收回的授权 */
      grants_ended: Array<number>;
      [key: string]: unknown;
    };
    type StaffUpdate = {
      employee_no?: string;
      name?: string;
      position_id?: number | null;
      rank_id?: number | null;
      gender?: "M" | "F" | null;
      phone?: string | null;
      id_no?: string | null;
      hire_date?: string | null;
      first_employment_date?: string | null;
    };
    type Step = {
      at: string;
      text: string;
      [key: string]: unknown;
    };
    type StepIn = {
      /** 达到值 */
      at: number;
      /** 得分 */
      score: number;
    };
    type StepOut = {
      index: number;
      name: string;
      state: "done" | "current" | "waiting" | "skipped" | "stopped";
      note: string;
      approvers: Array<Schemas.PersonRefOut>;
      tasks: Array<Schemas.TaskOut>;
      [key: string]: unknown;
    };
    type SubmitBody = {
      version?: number | null;
    };
    type SubscriptionOut = {
      template_id: string;
      /** 一次性订阅剩余可发送次数 */
      one_time: number;
      long_term: boolean;
      rejected: boolean;
      updated_at: string;
      [key: string]: unknown;
    };
    type SubscriptionsCreate = {
      /** wx.requestSubscribeMessage 的结果：模板 ID → accept/reject/ban/filter */
      results: Record<string, "accept" | "reject" | "ban" | "filter">;
    };
    type SummaryIn = {
      key: string;
      summary?: string;
    };
    type TaskOut = {
      assignee: Schemas.PersonRefOut | null;
      status: string;
      comment: string;
      acted_at: string | null;
      [key: string]: unknown;
    };
    type TemplateBrief = {
      event: string;
      label: string;
      template_id: string;
      /** 长期订阅模板（一次同意可多次发送） */
      long_term: boolean;
      [key: string]: unknown;
    };
    type TemplateCreate = {
      name: string;
      /** 职务；空为本周期通用模板 */
      position_id?: number | null;
      items: Array<Schemas.TemplateItem>;
    };
    type TemplateItem = {
      title: string;
      description?: string;
      kind: "quantitative" | "qualitative";
      target?: number | null;
      unit_of_measure?: string;
      data_source?: string;
      formula?: Schemas.Formula | null;
      criteria?: string;
      weight: number;
      indicator_id?: number | null;
    };
    type TemplateOut = {
      id: number;
      cycle_id: number;
      position_id: number | null;
      position: string | null;
      name: string;
      items: Array<Record<string, unknown>>;
      weight_total: number;
      updated_at: string;
      [key: string]: unknown;
    };
    type TemplateUpdate = {
      name?: string | null;
      position_id?: number | null;
      items?: Array<Schemas.TemplateItem> | null;
    };
    type ThresholdOut = {
      grade: string;
      label: string;
      min: number | null;
      [key: string]: unknown;
    };
    type TickBody = {
      /** 只运行这些任务来源（缺省全部） */
      sources?: Array<string> | null;
      /** XAUTOCLAIM 的最短空闲毫秒（测试用 0） */
      idle_ms?: number | null;
    };
    type TickOut = {
      /** 本次运行的任务键；null 表示租约在其他进程 */
      ran: Array<string> | null;
      published: number;
      handled: number;
      [key: string]: unknown;
    };
    type TimelineOut = {
      action: string;
      action_label: string;
      actor: Schemas.PersonRefOut | null;
      on_behalf_of: Schemas.PersonRefOut | null;
      step_index: number | null;
      step_name: string;
      comment: string;
      created_at: string;
      [key: string]: unknown;
    };
    type TodayOut = {
      date: string;
      /** 日历信息：工作日、休息日、节假日、调休 */
      day: Record<string, unknown>;
      schedule: Record<string, unknown>;
      rule: Record<string, unknown>;
      punches: Array<Schemas.PunchOut>;
      status: Record<string, unknown> | null;
      places: Array<Schemas.PlaceBrief>;
      inside: boolean | null;
      [key: string]: unknown;
    };
    type UnbindOut = {
      ok: boolean;
      was_bound: boolean;
      [key: string]: unknown;
    };
    type Unbound = {
      status: "unbound";
      /** 绑定凭证：用于手机号绑定、邀请码绑定或提交绑定申请 */
      ticket: string;
      expires_at: string;
      [key: string]: unknown;
    };
    type UnitCreate = {
      name: string;
      /** 单位代码（全局唯一） */
      code: string;
      /** 上级单位；缺省为顶级单位（仅全局管理员） */
      parent_id?: number | null;
    };
    type UnitNode = {
      id: number;
      name: string;
      code: string;
      parent_id: number | null;
      path: string;
      head_id: number | null;
      crypto_algorithm: string;
      children: Array<Schemas.UnitNode>;
      [key: string]: unknown;
    };
    type UnitOut = {
      id: number;
      name: string;
      code: string;
      parent_id: number | null;
      path: string;
      head_id: number | null;
      crypto_algorithm: string;
      [key: string]: unknown;
    };
    type UnitUpdate = {
      name?: string | null;
      code?: string | null;
    };
    type VersionBrief = {
      id: number;
      number: number;
      kind: string;
      status: string;
      status_label: string;
      [key: string]: unknown;
    };
    type VersionOut = {
      id: number;
      number: number;
      kind: "initial" | "change";
      kind_label: string;
      status: "draft" | "submitted" | "returned" | "confirmed" | "rejected" | "withdrawn" | "superseded";
      status_label: string;
      reason: string;
      based_on_id: number | null;
      based_on_number: number | null;
      instance_id: number | null;
      created_by: Schemas.PersonRefOut | null;
      created_at: string;
      submitted_at: string | null;
      decided_at: string | null;
      decided_by: Schemas.PersonRefOut | null;
      items: Array<Schemas.ItemOut>;
      weight_total: number;
      item_count: number;
      /** 整体意见（逐项意见在各项的 comments 中） */
      comments: Array<Schemas.CommentOut>;
      [key: string]: unknown;
    };
    type WeChatLogin = {
      /** wx.login 返回的 code */
      code: string;
    };
    type WindowOut = {
      ends_on: string;
      remaining_days: number;
      open: boolean;
      [key: string]: unknown;
    };
    type WithdrawBody = {
      comment?: string;
    };
  }

  /** 每个接口：路径参数、查询参数、请求体与成功响应（均为 {data: ...} 信封）。 */
  interface Operations {
    /** 本周期廉洁风险预警（人事部门、纪检监督人员，管理范围内）：按类型、状态、部门筛选，附各类数量。 */
    "GET /api/appraisal/cycles/{id}/alerts": { path: { id: number }; query: { page?: number; page_size?: number; kind?: "dept_excellent_rate" | "flat_distribution" | "completion_jump" | "attendance_contradiction" | "late_change" | "rater_bias" | "related_rater" | null; status?: "open" | "dismissed" | "resolved" | null; severity?: "high" | "warning" | "info" | null; department_id?: number | null }; response: Schemas.Page_AlertOutList };
    /** 立即计算本周期的廉洁风险预警（可重复执行：更新数字，保留排除记录，数字变差时重新打开）。 */
    "POST /api/appraisal/cycles/{id}/alerts/compute": { path: { id: number }; response: Schemas.Data_AlertComputeOut };
    /** 预警详情：触发的数字、阈值、依据的记录（人员、结果、评分表、修改记录、考勤日、亲属关系）。 */
    "GET /api/appraisal/alerts/{id}": { path: { id: number }; response: Schemas.Data_AlertDetailOut };
    /** 排除预警（人事部门；须写明理由，记入审计日志）。 */
    "POST /api/appraisal/alerts/{id}/dismiss": { path: { id: number }; body: Schemas.DismissIn; response: Schemas.Data_AlertDetailOut };
    /** 考核周期列表（人事：管理范围内；参与人员：本人参加的）；新建考核周期（草稿）。 */
    "GET /api/appraisal/cycles": { query: { page?: number; page_size?: number; status?: "draft" | "launched" | "closed" | null; year?: number | null }; response: Schemas.Page_CycleOutList };
    /** 考核周期列表（人事：管理范围内；参与人员：本人参加的）；新建考核周期（草稿）。 */
    "POST /api/appraisal/cycles": { body: Schemas.CycleCreate; response: Schemas.Data_CycleOut };
    /** 考核周期详情（阶段、人数）；修改（筹备中：全部；进行中：仅名称与设置）。 */
    "GET /api/appraisal/cycles/{id}": { path: { id: number }; response: Schemas.Data_CycleOut };
    /** 考核周期详情（阶段、人数）；修改（筹备中：全部；进行中：仅名称与设置）。 */
    "PATCH /api/appraisal/cycles/{id}": { path: { id: number }; body: Schemas.CycleUpdate; response: Schemas.Data_CycleOut };
    /** 启动考核周期：按范围与排除条件生成并冻结参与人员名单，通知参与人员。 */
    "POST /api/appraisal/cycles/{id}/launch": { path: { id: number }; response: Schemas.Data_CycleOut };
    /** 结束考核周期。 */
    "POST /api/appraisal/cycles/{id}/close": { path: { id: number }; response: Schemas.Data_CycleOut };
    /** 调整某一阶段的起止日期（须填写原因，记入审计）。 */
    "PUT /api/appraisal/cycles/{cycle_id}/phases/{phase}": { path: { cycle_id: number; phase: string }; body: Schemas.PhaseMove; response: Schemas.Data_CycleOut };
    /** 参与人员名单（启动时冻结，含不参加人员及原因）；追加参与人员（须填写原因）。 */
    "GET /api/appraisal/cycles/{id}/participants": { path: { id: number }; query: { page?: number; page_size?: number; status?: "active" | "excluded" | "removed" | null; department_id?: number | null; q?: string | null }; response: Schemas.Page_ParticipantOutList };
    /** 参与人员名单（启动时冻结，含不参加人员及原因）；追加参与人员（须填写原因）。 */
    "POST /api/appraisal/cycles/{id}/participants": { path: { id: number }; body: Schemas.ParticipantAdd; response: Schemas.Data_ParticipantOut };
    /** 移出参与人员（须填写原因，记入审计）。 */
    "DELETE /api/appraisal/cycles/{cycle_id}/participants/{staff_id}": { path: { cycle_id: number; staff_id: number }; body: Schemas.ParticipantRemove; response: Schemas.Data_ParticipantOut };
    /** 为某人重新开放已结束的阶段（至某日，须填写原因）；已重新开放的记录。 */
    "GET /api/appraisal/cycles/{id}/reopenings": { path: { id: number }; response: Schemas.Data_ReopeningOutList };
    /** 为某人重新开放已结束的阶段（至某日，须填写原因）；已重新开放的记录。 */
    "POST /api/appraisal/cycles/{id}/reopenings": { path: { id: number }; body: Schemas.ReopeningCreate; response: Schemas.Data_ReopeningOut };
    /** 岗位目标模板：列表与新增。 */
    "GET /api/appraisal/cycles/{id}/templates": { path: { id: number }; response: Schemas.Data_TemplateOutList };
    /** 岗位目标模板：列表与新增。 */
    "POST /api/appraisal/cycles/{id}/templates": { path: { id: number }; body: Schemas.TemplateCreate; response: Schemas.Data_TemplateOut };
    /** 修改或删除目标模板。 */
    "PUT /api/appraisal/templates/{id}": { path: { id: number }; body: Schemas.TemplateUpdate; response: Schemas.Data_TemplateOut };
    /** 修改或删除目标模板。 */
    "DELETE /api/appraisal/templates/{id}": { path: { id: number }; response: Schemas.Data_Ok };
    /** 部门指标：列表（部门负责人可看本部门）与新增。 */
    "GET /api/appraisal/cycles/{id}/indicators": { path: { id: number }; query: { department_id?: number | null }; response: Schemas.Data_IndicatorOutList };
    /** 部门指标：列表（部门负责人可看本部门）与新增。 */
    "POST /api/appraisal/cycles/{id}/indicators": { path: { id: number }; body: Schemas.IndicatorCreate; response: Schemas.Data_IndicatorOut };
    /** 部门指标的覆盖情况：关联的个人目标人数、权重合计、是否已确认。 */
    "GET /api/appraisal/cycles/{id}/indicators/coverage": { path: { id: number }; response: Schemas.Data_CoverageOutList };
    /** 修改部门指标。 */
    "PATCH /api/appraisal/indicators/{id}": { path: { id: number }; body: Schemas.IndicatorUpdate; response: Schemas.Data_IndicatorOut };
    /** 进度监控：按部门统计未填报、草稿、待审核、退回、已确认、变更中、进度逾期、未自评，并列出人员。 */
    "GET /api/appraisal/cycles/{id}/monitor": { path: { id: number }; query: { department_id?: number | null }; response: Schemas.Data_MonitorOut };
    /** 我参加的考核：当前阶段、各阶段状态、我的目标状态。 */
    "GET /api/appraisal/my/cycles": { response: Schemas.Data_MyCycleOutList };
    /** 我的目标：本周期的目标（目标设定阶段首次打开时按岗位模板创建草稿）。 */
    "GET /api/appraisal/cycles/{id}/my-goals": { path: { id: number }; response: Schemas.Data_MyGoalsOut };
    /** 导出本周期的目标明细或版本历史（XLSX）。 */
    "GET /api/appraisal/cycles/{id}/export": { path: { id: number }; query: { what?: "goals" | "history" }; response: ArrayBuffer | string };
    /** 团队目标列表：部门负责人看本部门（含下级），人事与纪检看管理范围内。 */
    "GET /api/appraisal/goal-sets": { query: { page?: number; page_size?: number; cycle_id?: number | null; department_id?: number | null; status?: "draft" | "submitted" | "returned" | "confirmed" | "change_pending" | null; q?: string | null }; response: Schemas.Page_GoalSetRowOutList };
    /** 目标详情：正在填写或审核的版本、已确认版本、审核进度与可执行的操作。 */
    "GET /api/appraisal/goal-sets/{id}": { path: { id: number }; response: Schemas.Data_GoalSetOut };
    /** 保存目标草稿（整体替换各项，返回实时权重合计与待补充项）。 */
    "PUT /api/appraisal/goal-sets/{id}/draft": { path: { id: number }; body: Schemas.DraftBody; response: Schemas.Data_DraftOut };
    /** 提交目标（或退回后重新提交），进入部门负责人审核、单位确认。 */
    "POST /api/appraisal/goal-sets/{id}/submit": { path: { id: number }; body: Schemas.SubmitBody; response: Schemas.Data_GoalSetOut };
    /** 撤回审核中的目标。 */
    "POST /api/appraisal/goal-sets/{id}/withdraw": { path: { id: number }; body: Schemas.WithdrawBody; response: Schemas.Data_GoalSetOut };
    /** 申请变更已确认的目标：生成新版本草稿，审核通过前原目标继续有效。 */
    "POST /api/appraisal/goal-sets/{id}/change-requests": { path: { id: number }; body: Schemas.ChangeRequestBody; response: Schemas.Data_GoalSetOut };
    /** 目标历史：每个版本的内容、审批过程与逐项意见。 */
    "GET /api/appraisal/goal-sets/{id}/history": { path: { id: number }; response: Schemas.Data_HistoryOut };
    /** 两个版本逐字段比较。 */
    "GET /api/appraisal/goal-sets/{id}/diff": { path: { id: number }; query: { from: number; to: number }; response: Schemas.Data_DiffOut };
    /** 审核目标：同意、退回修改或驳回，可逐项填写意见（仅当前环节审核人）。 */
    "POST /api/appraisal/goal-sets/{id}/review": { path: { id: number }; body: Schemas.ReviewBody; response: Schemas.Data_GoalSetOut };
    /** 目标审核待办（waiting）与已办（done）。 */
    "GET /api/appraisal/reviews": { query: { page?: number; page_size?: number; box?: "waiting" | "done"; cycle_id?: number | null }; response: Schemas.Page_ReviewRowOutList };
    /** 目标进展：各项当前值（定量目标附预估得分）、是否逾期未更新、全部进展记录。 */
    "GET /api/appraisal/goal-sets/{id}/progress": { path: { id: number }; response: Schemas.Data_ProgressOut };
    /** 本人填报进展（定性填完成百分比，定量填实际值）。 */
    "POST /api/appraisal/goal-sets/{id}/progress": { path: { id: number }; body: Schemas.ProgressIn; response: Schemas.Data_ProgressRowOut };
    /** 上传进展佐证材料（JPG/PNG/PDF，multipart 字段 file）。 */
    "POST /api/appraisal/progress/{id}/attachments": { path: { id: number }; response: Schemas.Data_AttachmentOut };
    /** 导入实际值（XLSX：工号、目标项编号或指标编码、日期、数值），任一行有误则全部不导入。 */
    "POST /api/appraisal/cycles/{id}/values/import": { path: { id: number }; response: Schemas.Data_ImportResultOut };
    /** 数据接口令牌：业务系统按部门指标推送实际值。 */
    "GET /api/appraisal/cycles/{id}/feeds": { path: { id: number }; response: Schemas.Data_FeedOutList };
    /** 创建令牌（令牌仅此一次显示，系统只保存其摘要）。 */
    "POST /api/appraisal/cycles/{id}/feeds": { path: { id: number }; body: Schemas.FeedCreate; response: Schemas.Data_FeedCreatedOut };
    /** 撤销数据接口令牌。 */
    "DELETE /api/appraisal/feeds/{id}": { path: { id: number }; response: Schemas.Data_FeedOut };
    /** 业务系统推送实际值（Authorization: Bearer 数据接口令牌；不是人员登录）。 */
    "POST /api/appraisal/feeds/values": { body: Schemas.FeedValues; response: Schemas.Data_FeedPushOut };
    /** 个人自评：各目标项的自评与佐证材料（本人可见草稿，提交后他人可见）。 */
    "GET /api/appraisal/goal-sets/{id}/self-assessment": { path: { id: number }; response: Schemas.Data_SelfAssessmentOut };
    /** 保存自评草稿。 */
    "PUT /api/appraisal/goal-sets/{id}/self-assessment": { path: { id: number }; body: Schemas.SelfAssessmentIn; response: Schemas.Data_SelfAssessmentOut };
    /** 提交自评（截止前一次提交，提交后锁定）。 */
    "POST /api/appraisal/goal-sets/{id}/self-assessment/submit": { path: { id: number }; response: Schemas.Data_SelfAssessmentOut };
    /** 上传自评佐证材料（JPG/PNG/PDF，multipart 字段 file）。 */
    "POST /api/appraisal/goal-sets/{id}/self-assessment/items/{item_id}/attachments": { path: { id: number; item_id: string }; response: Schemas.Data_AttachmentOut };
    /** 我的亲属关系（用于考核评分回避）：本人登记的，以及他人登记时列出本人的。 */
    "GET /api/appraisal/me/relationships": { response: Schemas.Data_RelationshipOutList };
    /** 登记亲属关系（按工号和姓名指明亲属）。 */
    "POST /api/appraisal/me/relationships": { body: Schemas.RelationshipIn; response: Schemas.Data_RelationshipOut };
    /** 撤销本人登记的亲属关系（记录保留）。 */
    "DELETE /api/appraisal/me/relationships/{id}": { path: { id: number }; response: Schemas.Data_RelationshipOut };
    /** 某人的亲属关系（人事部门，管理范围内）。 */
    "GET /api/appraisal/staff/{id}/relationships": { path: { id: number }; response: Schemas.Data_RelationshipOutList };
    /** 人事部门为某人登记亲属关系。 */
    "POST /api/appraisal/staff/{id}/relationships": { path: { id: number }; body: Schemas.RelationshipIn; response: Schemas.Data_RelationshipOut };
    /** 人事部门撤销某人的亲属关系（记录保留）。 */
    "DELETE /api/appraisal/staff/{id}/relationships/{relationship_id}": { path: { id: number; relationship_id: number }; response: Schemas.Data_RelationshipOut };
    /** 计算考核结果：按已提交评分表加权汇总总分，并按等次标准给出建议等次（公示前可重复计算）。 */
    "POST /api/appraisal/cycles/{id}/results/compute": { path: { id: number }; response: Schemas.Data_ComputeOut };
    /** 确认等次（超出优秀名额时整体拒绝，并说明名额、已确认数与本次申请数）。 */
    "POST /api/appraisal/cycles/{id}/results/confirm": { path: { id: number }; body: Schemas.ConfirmIn; response: Schemas.Data_ConfirmOut };
    /** 结束考核：公示期、复核与申诉期限届满且无未办结申请后，结果定档，全部锁定。 */
    "POST /api/appraisal/cycles/{id}/results/close": { path: { id: number }; response: Schemas.Data_CloseOut };
    /** 考核结果列表：总分、建议等次、确认等次、同年平时考核等次、优秀名额核算。 */
    "GET /api/appraisal/cycles/{id}/results": { path: { id: number }; query: { page?: number; page_size?: number; department_id?: number | null; grade?: "excellent" | "competent" | "basically_competent" | "incompetent" | "good" | "fairly_good" | "average" | "poor" | null; status?: "computed" | "confirmed" | "published" | "final" | null }; response: Schemas.Page_ResultsPageOut };
    /** 优秀名额：参与人数、比例、名额、已确认数与取整规则。 */
    "GET /api/appraisal/cycles/{id}/quota": { path: { id: number }; response: Schemas.Data_QuotaOut };
    /** 登记提高优秀比例的批准（不超过上限，须写明理由与批准文号）。 */
    "POST /api/appraisal/cycles/{id}/quota-approvals": { path: { id: number }; body: Schemas.QuotaApprovalIn; response: Schemas.Data_QuotaOut };
    /** 各部门等次分布（图表数据）。 */
    "GET /api/appraisal/cycles/{id}/distribution": { path: { id: number }; response: Schemas.Data_DistributionOut };
    /** 公示考核结果（公示期按工作日计算，默认 5 个工作日）。 */
    "POST /api/appraisal/cycles/{id}/publish": { path: { id: number }; response: Schemas.Data_PublishOut };
    /** 我的考核结果：逐项得分、评分依据、评分人（同事匿名）、复核与申诉期限。 */
    "GET /api/appraisal/cycles/{id}/my-result": { path: { id: number }; response: Schemas.Data_MyResultOut };
    /** 公示期异议：人事部门看管理范围内的全部，其他人看本人提出的。 */
    "GET /api/appraisal/cycles/{id}/objections": { path: { id: number }; query: { status?: "open" | "answered" | null }; response: Schemas.Data_ObjectionOutList };
    /** 公示期内提出异议（本周期考核对象）。 */
    "POST /api/appraisal/cycles/{id}/objections": { path: { id: number }; body: Schemas.ObjectionIn; response: Schemas.Data_ObjectionOut };
    /** 书面答复异议。 */
    "POST /api/appraisal/objections/{id}/answer": { path: { id: number }; body: Schemas.AnswerIn; response: Schemas.Data_ObjectionOut };
    /** 申请复核（公示之日起 30 日内）。 */
    "POST /api/appraisal/results/{id}/reviews": { path: { id: number }; body: Schemas.RequestIn; response: Schemas.Data_RequestOut };
    /** 某一考核结果的复核与申诉。 */
    "GET /api/appraisal/results/{id}/requests": { path: { id: number }; response: Schemas.Data_RequestOutList };
    /** 提出申诉（复核决定之日起 15 日内）。 */
    "POST /api/appraisal/reviews/{id}/appeal": { path: { id: number }; body: Schemas.RequestIn; response: Schemas.Data_RequestOut };
    /** 本周期复核与申诉（人事部门，按办理期限排序）。 */
    "GET /api/appraisal/cycles/{id}/requests": { path: { id: number }; query: { kind?: "review" | "appeal" | null; status?: "pending" | "upheld" | "rejected" | "withdrawn" | null }; response: Schemas.Data_RequestOutList };
    /** 复核或申诉详情。 */
    "GET /api/appraisal/requests/{id}": { path: { id: number }; response: Schemas.Data_RequestOut };
    /** 作出复核或申诉决定（支持并调整分数/等次，或维持原结果），评分人须回避。 */
    "POST /api/appraisal/requests/{id}/decide": { path: { id: number }; body: Schemas.DecideIn; response: Schemas.Data_RequestOut };
    /** 上传复核/申诉材料（JPG/PNG/PDF，multipart 字段 file）。 */
    "POST /api/appraisal/requests/{id}/attachments": { path: { id: number }; response: Schemas.Data_AttachmentOut };
    /** 结果运用（奖励、晋升资格、培训、诫勉提醒）。 */
    "GET /api/appraisal/cycles/{id}/applications": { path: { id: number }; response: Schemas.Data_ApplicationOutList };
    /** 部门推荐结果运用（随后人事部门审核、单位审批）。 */
    "POST /api/appraisal/cycles/{id}/applications": { path: { id: number }; body: Schemas.ApplicationIn; response: Schemas.Data_ApplicationOut };
    /** 个人考核档案：历年结果、连续优秀年数与提示。 */
    "GET /api/appraisal/staff/{id}/record": { path: { id: number }; response: Schemas.Data_RecordOut };
    /** 生成评分表（按组织架构确定评分人并自动回避；可重复执行，只补缺）。 */
    "POST /api/appraisal/cycles/{id}/sheets/generate": { path: { id: number }; response: Schemas.Data_SheetsGeneratedOut };
    /** 本周期评分表（人事部门，管理范围内的被考核人）。 */
    "GET /api/appraisal/cycles/{id}/sheets": { path: { id: number }; query: { page?: number; page_size?: number; rater?: number | null; status?: "pending" | "draft" | "submitted" | "recused" | null; department_id?: number | null }; response: Schemas.Page_SheetRowOutList };
    /** 本周期全部回避记录：被跳过的评分人、原因、改由谁评分。 */
    "GET /api/appraisal/cycles/{id}/recusals": { path: { id: number }; response: Schemas.Data_RecusalOutList };
    /** 我的评分任务：需要我评分的人。 */
    "GET /api/appraisal/my/sheets": { query: { cycle_id?: number | null; status?: "pending" | "draft" | "submitted" | "recused" | null }; response: Schemas.Data_SheetRowOutList };
    /** 评分表：各目标项（定量按公式计分）、评分依据规则、合计与可执行的操作。 */
    "GET /api/appraisal/sheets/{id}": { path: { id: number }; response: Schemas.Data_SheetOut };
    /** 保存评分草稿。 */
    "PUT /api/appraisal/sheets/{id}": { path: { id: number }; body: Schemas.SheetSave; response: Schemas.Data_SheetOut };
    /** 提交评分表（逐项检查评分依据与调整理由，提交后锁定）。 */
    "POST /api/appraisal/sheets/{id}/submit": { path: { id: number }; body: Schemas.SheetSubmit; response: Schemas.Data_SheetOut };
    /** 申明回避：本表改由上一级领导评分，并记录理由。 */
    "POST /api/appraisal/sheets/{id}/recuse": { path: { id: number }; body: Schemas.RecuseIn; response: Schemas.Data_RecuseOut };
    /** 单位审批设置（未设置时为默认：报备单位领导班子）。 */
    "GET /api/approval-settings/{id}": { path: { id: number }; response: Schemas.Data_ApprovalSettingsOut };
    /** 修改单位主要负责人本人申请的去向（报备领导班子、指定人员或上级机关联系人）。 */
    "PUT /api/approval-settings/{id}": { path: { id: number }; body: Schemas.ApprovalSettingsUpdate; response: Schemas.Data_ApprovalSettingsOut };
    /** 审批列表：待我审批 / 我已审批 / 抄送我的 / 我发起的。 */
    "GET /api/approvals": { query: { page?: number; page_size?: number; box?: "waiting" | "done" | "cc" | "mine"; kind?: string | null; q?: string | null }; response: Schemas.Page_ApprovalOutList };
    /** 待我审批的数量（首页卡片）。 */
    "GET /api/approvals/count": { response: Schemas.Data_ApprovalCountOut };
    /** 批量同意：逐条返回处理结果。 */
    "POST /api/approvals/batch": { body: Schemas.ApprovalBatch; response: Schemas.Data_ApprovalBatchResultOutList };
    /** 我的审批委托（委托他人与受托）。 */
    "GET /api/approvals/delegations": { response: Schemas.Data_DelegationOutList };
    /** 新建审批委托（覆盖今天时，已在等待的审批一并转给受托人）。 */
    "POST /api/approvals/delegations": { body: Schemas.DelegationCreate; response: Schemas.Data_DelegationCreatedOut };
    /** 撤销审批委托。 */
    "DELETE /api/approvals/delegations/{id}": { path: { id: number }; response: Schemas.Data_DelegationRevokedOut };
    /** 审批详情（含完整审批时间线）。 */
    "GET /api/approvals/{id}": { path: { id: number }; response: Schemas.Data_ApprovalDetailOut };
    /** 审批操作：同意、驳回、退回修改、撤回、转交、评论、抄送。 */
    "POST /api/approvals/{id}/actions": { path: { id: number }; body: Schemas.ApprovalAction; response: Schemas.Data_ApprovalDetailOut };
    /** 被退回的申请重新提交。 */
    "POST /api/approvals/{id}/resubmit": { path: { id: number }; response: Schemas.Data_ApprovalDetailOut };
    /** 审批流程列表（含未自定义类型的系统默认流程）。 */
    "GET /api/approval-flows": { query: { kind?: string | null }; response: Schemas.Data_FlowOutList };
    /** 新建审批流程（替换同类型、同单位的现行流程）。 */
    "POST /api/approval-flows": { body: Schemas.FlowCreate; response: Schemas.Data_FlowOut };
    /** 预览某人某类申请将经过的审批环节与审批人。 */
    "GET /api/approval-flows/preview": { query: { kind?: string; applicant_id?: number | null; days?: number | null; leave_type?: string | null; type?: string | null }; response: Schemas.Data_FlowPreviewStepOutList };
    /** 修改审批流程（名称、环节、启用状态）。 */
    "PUT /api/approval-flows/{id}": { path: { id: number }; body: Schemas.FlowUpdate; response: Schemas.Data_FlowOut };
    /** 打卡：服务器记录时间，校验位置、Wi-Fi、现场二维码与设备。 */
    "POST /api/attendance/punch": { body: Schemas.PunchCreate; response: Schemas.Data_PunchOut };
    /** 今日考勤：作息、打卡记录、地点、是否在范围内。 */
    "GET /api/attendance/today": { query: { lat?: number | null; lng?: number | null }; response: Schemas.Data_TodayOut };
    /** 我的月度考勤日历。 */
    "GET /api/attendance/month": { query: { month?: string | null }; response: Schemas.Data_MonthOut };
    /** 申请更换考勤手机。 */
    "POST /api/attendance/device-change": { body: Schemas.DeviceChangeCreate; response: Schemas.Data_DeviceChangeOut };
    /** 补卡申请：提交（进入审批）与我的记录。 */
    "GET /api/attendance/makeups": { response: Schemas.Data_MakeupOutList };
    /** 补卡申请：提交（进入审批）与我的记录。 */
    "POST /api/attendance/makeups": { body: Schemas.MakeupCreate; response: Schemas.Data_MakeupOut };
    /** 退回修改后重新提交补卡：可改日期、时间与事由（未填的保持不变），按提交时的规则校验。 */
    "POST /api/attendance/makeups/{id}/resubmit": { path: { id: number }; body: Schemas.MakeupResubmit; response: Schemas.Data_MakeupOut };
    /** 今日考勤看板：已到、迟到、未到、请假。 */
    "GET /api/attendance/board": { query: { department_id?: number | null }; response: Schemas.Data_BoardOut };
    /** 月度考勤统计（按人、按部门），可导出 CSV / XLSX。 */
    "GET /api/attendance/report": { query: { page?: number; page_size?: number; month?: string | null; department_id?: number | null; format?: "json" | "csv" | "xlsx"; q?: string | null }; response: Schemas.Data_ReportOut };
    /** 考勤地点列表（管理范围内）。 */
    "GET /api/attendance/places": { query: { unit_id?: number | null }; response: Schemas.Data_PlaceOutList };
    /** 新增考勤地点。 */
    "POST /api/attendance/places": { body: Schemas.PlaceCreate; response: Schemas.Data_PlaceOut };
    /** 修改考勤地点（只改传入的字段）。 */
    "PUT /api/attendance/places/{id}": { path: { id: number }; body: Schemas.PlaceUpdate; response: Schemas.Data_PlaceOut };
    /** 停用考勤地点（打卡记录保留）。 */
    "DELETE /api/attendance/places/{id}": { path: { id: number }; response: Schemas.Data_Ok };
    /** 现场考勤二维码令牌（每 30 秒更换）。 */
    "GET /api/attendance/places/{id}/qr": { path: { id: number }; response: Schemas.Data_PlaceQrOut };
    /** 现场考勤二维码图片（PNG，每 30 秒更换）。 */
    "GET /api/attendance/places/{id}/qr.png": { path: { id: number }; response: ArrayBuffer | string };
    /** 作息时间列表（管理范围内）。 */
    "GET /api/attendance/schedules": { query: { unit_id?: number | null }; response: Schemas.Data_ScheduleOutList };
    /** 新增作息时间。 */
    "POST /api/attendance/schedules": { body: Schemas.ScheduleCreate; response: Schemas.Data_ScheduleOut };
    /** 修改作息时间（只改传入的字段，与原值一并校验）。 */
    "PUT /api/attendance/schedules/{id}": { path: { id: number }; body: Schemas.ScheduleUpdate; response: Schemas.Data_ScheduleOut };
    /** 删除作息时间。 */
    "DELETE /api/attendance/schedules/{id}": { path: { id: number }; response: Schemas.Data_Ok };
    /** 单位考勤规则（未设置时为默认值）。 */
    "GET /api/attendance/rules/{id}": { path: { id: number }; response: Schemas.Data_AttendanceRuleOut };
    /** 修改单位考勤规则（只改传入的字段）。 */
    "PUT /api/attendance/rules/{id}": { path: { id: number }; body: Schemas.AttendanceRuleUpdate; response: Schemas.Data_AttendanceRuleOut };
    /** 待复核的异常打卡。 */
    "GET /api/attendance/review": { query: { page?: number; page_size?: number; status?: "pending" | "accepted" | "rejected" }; response: Schemas.Page_PunchReviewOutList };
    /** 复核一条异常打卡（认可或不认可）。 */
    "POST /api/attendance/punches/{id}/review": { path: { id: number }; body: Schemas.PunchReviewBody; response: Schemas.Data_PunchOut };
    /** 待处理的换机申请。 */
    "GET /api/attendance/device-changes": { response: Schemas.Data_DeviceChangeOutList };
    /** 处理换机申请。 */
    "POST /api/attendance/device-changes/{id}/decide": { path: { id: number }; body: Schemas.DeviceChangeDecision; response: Schemas.Data_DeviceChangeOut };
    /** 重新计算考勤日状态。 */
    "POST /api/attendance/recompute": { body: Schemas.RecomputeCreate; response: Schemas.Data_RecomputeOut };
    /** 开始导出：返回任务编号，进度见 GET /api/attendance/report/exports/{id}。 */
    "POST /api/attendance/report/exports": { body: Schemas.ReportExportCreate; response: Schemas.Data_ReportExportOut };
    /** 导出任务的进度（仅发起人可见）。 */
    "GET /api/attendance/report/exports/{id}": { path: { id: string }; response: Schemas.Data_ReportExportOut };
    /** 下载已完成的导出文件（仅发起人，过期前）。 */
    "GET /api/attendance/report/exports/{id}/file": { path: { id: string }; response: ArrayBuffer | string };
    /** 审计日志（?actor=&action=&target_type=&target_id=&since=&until=&page=），限本人管辖单位。 */
    "GET /api/audit": { query: { page?: number; page_size?: number; actor?: number | null; action?: string | null; target_type?: string | null; target_id?: string | null; since?: string | null; until?: string | null }; response: Schemas.Page_AuditEntryOutList };
    /** 校验审计日志哈希链，报告第一处断裂。 */
    "POST /api/audit/verify": { response: Schemas.Data_AuditVerifyOut };
    /** 导出审计日志（?format=csv，筛选条件同列表）。 */
    "GET /api/audit/export": { query: { actor?: number | null; action?: string | null; target_type?: string | null; target_id?: string | null; since?: string | null; until?: string | null; format?: "csv" }; response: ArrayBuffer | string };
    /** 退出登录：吊销当前会话。 */
    "POST /api/auth/logout": { response: Schemas.Data_Ok };
    /** 开发登录（仅 fake 模式）：按工号登录。 */
    "POST /api/auth/dev": { body: Schemas.DevLogin; response: Schemas.Data_SessionOut };
    /** 手机号绑定：用微信手机号授权凭证匹配人员记录并绑定。 */
    "POST /api/binding/phone": { body: Schemas.BindPhone; response: Schemas.Data_SignedIn };
    /** 邀请码绑定：扫描管理员打印的一次性邀请二维码完成绑定。 */
    "POST /api/binding/invite": { body: Schemas.BindInvite; response: Schemas.Data_SignedIn };
    /** 本微信提交的绑定申请及进度。 */
    "GET /api/binding/requests": { query: { ticket: string }; response: Schemas.Data_ApplicantRequestOutList };
    /** 提交绑定申请（由数据核验员处理）。 */
    "POST /api/binding/requests": { body: Schemas.BindingRequestCreate; response: Schemas.Data_ApplicantRequestOut };
    /** 绑定申请待办（数据核验员）：?status=open|resolved|rejected|all，含超时标记。 */
    "GET /api/binding/requests/queue": { query: { page?: number; page_size?: number; status?: "open" | "resolved" | "rejected" | "all" }; response: Schemas.Page_CheckerRequestOutList };
    /** 绑定申请详情（数据核验员）。 */
    "GET /api/binding/requests/{id}": { path: { id: number }; response: Schemas.Data_CheckerRequestDetailOut };
    /** 处理绑定申请：改绑、解绑原微信、更正手机号后绑定或驳回（未经手机号验证的须另附证明 proof）；同一步可清除或更正冲突涉及的其他记录的手机号（others）。 */
    "POST /api/binding/requests/{id}/resolve": { path: { id: number }; body: Schemas.BindingResolve; response: Schemas.Data_CheckerRequestDetailOut };
    /** 人事核实绑定申请：记录申请人确为某人员（供未验证申请改绑时作为第二证明）。 */
    "POST /api/binding/requests/{id}/confirm": { path: { id: number }; body: Schemas.BindingConfirm; response: Schemas.Data_CheckerRequestDetailOut };
    /** 生成人员绑定邀请码（一次性，默认 7 天有效，可传 days；生成新码即作废旧码）。 */
    "POST /api/staff/{id}/invite": { path: { id: number }; body: Schemas.InviteCreate; response: Schemas.Data_InviteOut };
    /** 绑定邀请二维码图片（PNG，供打印）。 */
    "GET /api/staff/{id}/invite.png": { path: { id: number }; query: { invite: string }; response: ArrayBuffer | string };
    /** 解除本人微信绑定：清除绑定并退出全部登录。 */
    "POST /api/me/unbind": { body: Schemas.NoBody; response: Schemas.Data_UnbindOut };
    /** 节假日日历：按日期范围查询每天的类型（工作日、休息日、法定节假日、调休上班）。 */
    "GET /api/calendar": { query: { start: string; end: string }; response: Schemas.Data_CalendarDayOutList };
    /** 设置某天的类型（管理员录入或更正节假日安排）。 */
    "PUT /api/calendar/days/{id}": { path: { id: string }; body: Schemas.CalendarDaySet; response: Schemas.Data_CalendarDayOut };
    /** 某年的日历来源（package/admin/missing）与提示。 */
    "GET /api/calendar/years/{id}": { path: { id: string }; response: Schemas.Data_CalendarYearOut };
    /** 发布某年的节假日安排（unit_id 为空即全国，仅系统管理员；录入完成后不再按周一至周五推算）。 */
    "POST /api/calendar/years/{id}/publish": { path: { id: string }; body: Schemas.CalendarPublish; response: Schemas.Data_CalendarYearOut };
    /** 预览：粘贴国务院节假日安排通知（或日期列表），列出将设置的放假日与调休上班日，不保存。 */
    "POST /api/calendar/years/{id}/import/preview": { path: { id: string }; body: Schemas.CalendarImport; response: Schemas.Data_CalendarImportOut };
    /** 按通知一次录入全年节假日并发布该年（有无法识别的内容时拒绝，请先预览）。 */
    "POST /api/calendar/years/{id}/import": { path: { id: string }; body: Schemas.CalendarImport; response: Schemas.Data_CalendarImportOut };
    /** 首页：本人信息与考勤、审批、目标、消息摘要卡片。 */
    "GET /api/home": { response: Schemas.Data_HomeOut };
    /** 假期余额表：管理范围内人员的余额（按部门、姓名排序），可筛选、分页，导出 XLSX。 */
    "GET /api/leave/balances/table": { query: { page?: number; page_size?: number; year?: number | null; department_id?: number | null; type_code?: string | null; below?: number | null; format?: "json" | "xlsx" }; response: Schemas.Page_BalanceTableRowList };
    /** 生成某年度管理范围内全部在职人员的假期余额记录（已有的刷新应享天数）。 */
    "POST /api/leave/balances/fill": { body: Schemas.BalanceFill; response: Schemas.Data_BalanceFillOut };
    /** 请假试算：将扣除的天数、剩余余额与日历提示。 */
    "GET /api/leave/quote": { query: { type: string; start: string; start_half?: "am" | "pm"; end: string; end_half?: "am" | "pm" }; response: Schemas.Data_QuoteOut };
    /** 请假申请列表：我的（mine=1，缺省）或管理范围内的（mine=0）。 */
    "GET /api/leave/requests": { query: { page?: number; page_size?: number; mine?: boolean; staff_id?: number | null; status?: "pending" | "approved" | "rejected" | "withdrawn" | "returned" | "cancelled" | null; year?: number | null }; response: Schemas.Page_LeaveRequestOutList };
    /** 提交请假（进入审批，预占余额）。 */
    "POST /api/leave/requests": { body: Schemas.LeaveCreate; response: Schemas.Data_LeaveRequestOut };
    /** 请假申请详情。 */
    "GET /api/leave/requests/{id}": { path: { id: number }; response: Schemas.Data_LeaveRequestOut };
    /** 退回修改后重新提交：可改假期类型、日期、上下午与事由（未填的保持不变）。 */
    "POST /api/leave/requests/{id}/resubmit": { path: { id: number }; body: Schemas.LeaveResubmit; response: Schemas.Data_LeaveRequestOut };
    /** 销假：提前返岗，未休天数退回余额。 */
    "POST /api/leave/requests/{id}/report-back": { path: { id: number }; body: Schemas.LeaveReportBack; response: Schemas.Data_LeaveRequestOut };
    /** 上传请假附件（JPG/PNG/PDF，multipart 字段 file）。 */
    "POST /api/leave/requests/{id}/attachments": { path: { id: number }; response: Schemas.Data_AttachmentOut };
    /** 假期余额（本人或管理范围内的某人）。 */
    "GET /api/leave/balances": { query: { year?: number | null; staff_id?: number | null }; response: Schemas.Data_BalanceOutList };
    /** 人事调整假期余额（须填写原因，留痕）。 */
    "POST /api/leave/balances/{id}/adjust": { path: { id: number }; body: Schemas.BalanceAdjust; response: Schemas.Data_BalanceOut };
    /** 本单位可用的假期类型（?all=1 含已停用）。 */
    "GET /api/leave/types": { query: { all?: boolean }; response: Schemas.Data_LeaveTypeOutList };
    /** 新建（覆盖）本单位假期类型。 */
    "POST /api/leave/types": { body: Schemas.LeaveTypeCreate; response: Schemas.Data_LeaveTypeOut };
    /** 修改假期类型。 */
    "PATCH /api/leave/types/{id}": { path: { id: number }; body: Schemas.LeaveTypeUpdate; response: Schemas.Data_LeaveTypeOut };
    /** 请假统计（按部门、月份、假期类型），可导出 CSV / XLSX。 */
    "GET /api/leave/report": { query: { year: number; month?: number | null; department_id?: number | null; format?: "json" | "csv" | "xlsx" }; response: Schemas.Data_LeaveReportRowList };
    /** 下载附件（仅限可查看该申请的人员）。 */
    "GET /api/attachments/{id}": { path: { id: number }; response: ArrayBuffer | string };
    /** 当前登录人：基本信息（手机号、身份证号脱敏）、部门、角色与数据范围。 */
    "GET /api/me": { response: Schemas.Data_MeOut };
    /** 本单位同事（按姓名查找，仅姓名与部门）：选择委托审批的受托人。 */
    "GET /api/me/colleagues": { query: { q: string }; response: Schemas.Data_ColleagueOutList };
    /** 我的消息列表（?unread=1 仅未读，?q= 搜索标题或正文）。 */
    "GET /api/messages": { query: { page?: number; page_size?: number; unread?: boolean; q?: string | null }; response: Schemas.Page_MessageOutList };
    /** 全部标记为已读。 */
    "POST /api/messages/read-all": { response: Schemas.Data_Ok };
    /** 标记一条消息为已读。 */
    "POST /api/messages/{id}/read": { path: { id: number }; response: Schemas.Data_Ok };
    /** OpenAPI 3.1 接口文档（由各接口的声明生成）。 */
    "GET /api/openapi.json": { response: string };
    /** 接口参考页面（Swagger UI，本地静态文件，不依赖 CDN）。 */
    "GET /api/docs": { response: ArrayBuffer | string };
    /** 单位树（在组织机构查看范围内）。 */
    "GET /api/units": { response: Schemas.Data_UnitNodeList };
    /** 新建单位。 */
    "POST /api/units": { body: Schemas.UnitCreate; response: Schemas.Data_UnitOut };
    /** 修改单位名称或代码。 */
    "PATCH /api/units/{id}": { path: { id: number }; body: Schemas.UnitUpdate; response: Schemas.Data_UnitOut };
    /** 部门树或平铺列表（?unit_id=&flat=1）。 */
    "GET /api/departments": { query: { unit_id?: number | null; flat?: boolean }; response: Schemas.Data_DepartmentNodeList };
    /** 新建部门。 */
    "POST /api/departments": { body: Schemas.DepartmentCreate; response: Schemas.Data_DepartmentOutOrDepartmentBrief };
    /** 部门详情（负责人、分管领导、副职）。 */
    "GET /api/departments/{id}": { path: { id: number }; response: Schemas.Data_DepartmentOut };
    /** 部门改名或调整排序。 */
    "PATCH /api/departments/{id}": { path: { id: number }; body: Schemas.DepartmentUpdate; response: Schemas.Data_DepartmentBrief };
    /** 移动部门到新的上级部门（或单位顶层），整棵子树随之移动。 */
    "POST /api/departments/{id}/move": { path: { id: number }; body: Schemas.DepartmentMove; response: Schemas.Data_DepartmentBrief };
    /** 撤销部门（须无在职人员、无兼职、无下级部门）。 */
    "POST /api/departments/{id}/close": { path: { id: number }; response: Schemas.Data_DepartmentBrief };
    /** 设置部门负责人、副职与分管领导。 */
    "PUT /api/departments/{id}/leadership": { path: { id: number }; body: Schemas.LeadershipUpdate; response: Schemas.Data_DepartmentOut };
    /** 职务列表（?unit_id=）。 */
    "GET /api/positions": { query: { unit_id?: number | null }; response: Schemas.Data_PositionOutList };
    /** 新建职务。 */
    "POST /api/positions": { body: Schemas.PositionCreate; response: Schemas.Data_PositionOut };
    /** 职级列表。 */
    "GET /api/ranks": { response: Schemas.Data_RankOutList };
    /** 我的加班申请（mine=true，缺省）或管理范围内的加班申请。 */
    "GET /api/overtime/requests": { query: { page?: number; page_size?: number; mine?: boolean }; response: Schemas.Page_OvertimeOutList };
    /** 提交加班申请（进入审批，通过后计入调休）。 */
    "POST /api/overtime/requests": { body: Schemas.OvertimeCreate; response: Schemas.Data_OvertimeOut };
    /** 加班申请详情。 */
    "GET /api/overtime/requests/{id}": { path: { id: number }; response: Schemas.Data_OvertimeOut };
    /** 退回修改后重新提交加班申请：可改日期、时长与事由（未填的保持不变），按提交时的规则校验。 */
    "POST /api/overtime/requests/{id}/resubmit": { path: { id: number }; body: Schemas.OvertimeResubmit; response: Schemas.Data_OvertimeOut };
    /** 扫码登录管理后台：扫描二维码，查看待登录的浏览器信息。 */
    "POST /api/auth/qr-login/scan": { body: Schemas.QrSid; response: Schemas.Data_QrScanOut };
    /** 扫码登录管理后台：确认登录。 */
    "POST /api/auth/qr-login/confirm": { body: Schemas.QrSid; response: Schemas.Data_QrStateOut };
    /** 扫码登录管理后台：取消登录。 */
    "POST /api/auth/qr-login/cancel": { body: Schemas.QrSid; response: Schemas.Data_QrStateOut };
    /** 我的提醒设置：打卡提醒、微信订阅消息、各模板的订阅额度。 */
    "GET /api/reminders/settings": { response: Schemas.Data_SettingsOut };
    /** 我的提醒设置：打卡提醒、微信订阅消息、各模板的订阅额度。 */
    "PUT /api/reminders/settings": { body: Schemas.SettingsUpdate; response: Schemas.Data_SettingsOut };
    /** 某个时机应申请订阅的消息模板（每次最多 3 个）。 */
    "GET /api/reminders/templates": { query: { moment?: "leave_submitted" | "overtime_submitted" | "goals_submitted" | "approval" | "attendance" | "profile" }; response: Schemas.Data_TemplateBriefList };
    /** 记录 wx.requestSubscribeMessage 的结果（一次性订阅加一次额度，长期订阅持续有效）。 */
    "POST /api/reminders/subscriptions": { body: Schemas.SubscriptionsCreate; response: Schemas.Data_SubscriptionOutList };
    /** （仅 fake 模式）立即运行一次调度与投递，时间取 X-Mingjing-Now。 */
    "POST /api/test/scheduler/tick": { body: Schemas.TickBody; response: Schemas.Data_TickOut };
    /** 权限目录。 */
    "GET /api/permissions": { response: Schemas.Data_PermissionOutList };
    /** 角色列表（含权限）。 */
    "GET /api/roles": { response: Schemas.Data_RoleOutList };
    /** 新建自定义角色。 */
    "POST /api/roles": { body: Schemas.RoleCreate; response: Schemas.Data_RoleOut };
    /** 角色详情。 */
    "GET /api/roles/{id}": { path: { id: number }; response: Schemas.Data_RoleOut };
    /** 修改自定义角色（内置角色只读）。 */
    "PATCH /api/roles/{id}": { path: { id: number }; body: Schemas.RoleUpdate; response: Schemas.Data_RoleOut };
    /** 授权列表（谁持有什么角色，限本人数据范围）。 */
    "GET /api/grants": { query: { page?: number; page_size?: number; staff_id?: number | null; role_id?: number | null; include_revoked?: boolean }; response: Schemas.Page_GrantOutList };
    /** 授予角色（范围不能超出本人的授权范围）。 */
    "POST /api/grants": { body: Schemas.GrantCreate; response: Schemas.Data_GrantOut };
    /** 收回授权。 */
    "DELETE /api/grants/{id}": { path: { id: number }; response: Schemas.Data_GrantOut };
    /** 人员列表（按姓名、工号、手机号、身份证号搜索，限本人数据范围）。 */
    "GET /api/staff": { query: { page?: number; page_size?: number; q?: string | null; department_id?: number | null; status?: "active" | "transferred" | "retired" | null }; response: Schemas.Page_MeStaffOutList };
    /** 新建人员。 */
    "POST /api/staff": { body: Schemas.StaffCreate; response: Schemas.Data_StaffOut };
    /** 导出人员（?format=csv|xlsx，手机号、身份证号脱敏）。 */
    "GET /api/staff/export": { query: { q?: string | null; department_id?: number | null; status?: "active" | "transferred" | "retired" | null; format?: "csv" | "xlsx" }; response: ArrayBuffer | string };
    /** 批量导入人员（multipart 字段 file：.csv 或 .xlsx；可选 unit_id）；任一行有误则全部不导入。 */
    "POST /api/staff/import": { response: Schemas.Data_StaffImportOut };
    /** 人员详情（手机号、身份证号脱敏）。 */
    "GET /api/staff/{id}": { path: { id: number }; response: Schemas.Data_StaffOut };
    /** 修改人员信息（只改传入的字段；调动请用 transfer）。 */
    "PATCH /api/staff/{id}": { path: { id: number }; body: Schemas.StaffUpdate; response: Schemas.Data_StaffOut };
    /** 办理调动（生效日期晚于今天：登记为待生效，见 pending_transfer）。 */
    "POST /api/staff/{id}/transfer": { path: { id: number }; body: Schemas.StaffTransfer; response: Schemas.Data_StaffTransferOut };
    /** 撤销尚未生效的调动。 */
    "DELETE /api/staff/{id}/transfer": { path: { id: number }; response: Schemas.Data_StaffOut };
    /** 办理退休：状态改为退休，结束兼职，注销其全部登录会话。 */
    "POST /api/staff/{id}/retire": { path: { id: number }; body: Schemas.StaffRetire; response: Schemas.Data_StaffOut };
    /** 调动与退休记录。 */
    "GET /api/staff/{id}/history": { path: { id: number }; response: Schemas.Data_StaffHistoryOutList };
    /** 新增兼职或挂职。 */
    "POST /api/staff/{id}/posts": { path: { id: number }; body: Schemas.StaffPostCreate; response: Schemas.Data_StaffPostOut };
    /** 结束兼职或挂职（保留为历史）。 */
    "DELETE /api/staff/{id}/posts/{post_id}": { path: { id: number; post_id: number }; response: Schemas.Data_StaffPostEndOut };
    /** 微信登录：已绑定返回会话，未绑定返回绑定凭证。 */
    "POST /api/auth/wechat": { body: Schemas.WeChatLogin; response: Schemas.Data_SignedInOrUnbound };
  }

  /** The error envelope every 4xx answers with. */
  type Error = Schemas.Error;
}
