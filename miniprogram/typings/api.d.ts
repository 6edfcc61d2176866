// 明镜 Mingjing API 的类型声明 —— 由 `python -m server.typings` 从 /api/openapi.json 生成，请勿手改。
// Generated from the OpenAPI document by `python -m server.typings`; do not edit by hand.
// Use in JSDoc: /** @type {MingjingApi.Schemas.LeaveRequestOut} */

declare namespace MingjingApi {
  namespace Schemas {
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
      [key: string]: unknown;
    };
    type Data_BoardOut = {
      data: Schemas.BoardOut;
    };
    type Data_DeviceChangeOut = {
      data: Schemas.DeviceChangeOut;
    };
    type Data_DeviceChangeOutList = {
      data: Array<Schemas.DeviceChangeOut>;
    };
    type Data_MakeupOut = {
      data: Schemas.MakeupOut;
    };
    type Data_MakeupOutList = {
      data: Array<Schemas.MakeupOut>;
    };
    type Data_MonthOut = {
      data: Schemas.MonthOut;
    };
    type Data_Ok = {
      data: Schemas.Ok;
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
    type Data_PunchOut = {
      data: Schemas.PunchOut;
    };
    type Data_RecomputeOut = {
      data: Schemas.RecomputeOut;
    };
    type Data_ReportOut = {
      data: Schemas.ReportOut;
    };
    type Data_RuleOut = {
      data: Schemas.RuleOut;
    };
    type Data_ScheduleOut = {
      data: Schemas.ScheduleOut;
    };
    type Data_ScheduleOutList = {
      data: Array<Schemas.ScheduleOut>;
    };
    type Data_TodayOut = {
      data: Schemas.TodayOut;
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
    type Error = {
      error: {
        /** 稳定的大写错误码，如 STAFF_NOT_FOUND */
        code: string;
        /** 中文提示 */
        message: string;
        /** 字段级错误（键为字段的 JSON 路径）或附加数据 */
        fields?: Record<string, unknown>;
      };
    };
    type FenceIn = {
      /** 纬度（GCJ-02，须在国内） */
      lat: number;
      /** 经度（GCJ-02） */
      lng: number;
      /** 半径（米） */
      radius?: number;
    };
    type FenceOut = {
      lat: number;
      lng: number;
      radius: number;
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
    type Ok = {
      ok?: boolean;
      [key: string]: unknown;
    };
    type Page_ReviewPunchOutList = {
      data: Array<Schemas.ReviewPunchOut>;
      page: number;
      total: number;
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
      fences?: Array<Schemas.FenceIn>;
      /** aa:bb:cc:dd:ee:ff */
      wifi_bssids?: Array<string>;
      qr_enabled?: boolean;
      active?: boolean;
    };
    type PlaceOut = {
      id: number;
      unit_id: number;
      department_id: number | null;
      name: string;
      fences: Array<Schemas.FenceOut>;
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
      fences?: Array<Schemas.FenceIn> | null;
      /** aa:bb:cc:dd:ee:ff */
      wifi_bssids?: Array<string> | null;
      qr_enabled?: boolean | null;
      active?: boolean | null;
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
    type PunchReview = {
      decision: "accept" | "reject";
      note?: string;
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
    type ReportOut = {
      month: string;
      people: Array<Record<string, unknown>>;
      departments: Array<Record<string, unknown>>;
      [key: string]: unknown;
    };
    type ReviewPunchOut = {
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
    type RuleOut = {
      unit_id: number;
      proofs: Array<Array<string>>;
      proofs_expr: string;
      outside_policy: "field" | "refuse";
      accuracy_limit_m: number;
      max_speed_kmh: number;
      bind_device: boolean;
      makeup_monthly_limit: number;
      makeup_deadline_days: number;
      [key: string]: unknown;
    };
    type RuleUpdate = {
      proofs?: string | Array<Array<"geofence" | "wifi" | "qr">> | null;
      /** 范围外：field 记外勤；refuse 拒绝 */
      outside_policy?: "field" | "refuse" | null;
      accuracy_limit_m?: number | null;
      max_speed_kmh?: number | null;
      bind_device?: boolean | null;
      makeup_monthly_limit?: number | null;
      makeup_deadline_days?: number | null;
    };
    type ScheduleCreate = {
      unit_id: number;
      /** 部门作息优先于单位作息 */
      department_id?: number | null;
      name: string;
      kind?: "fixed" | "flexible";
      sessions?: Array<Schemas.SessionIn>;
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
      sessions: Array<Schemas.SessionOut>;
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
    type ScheduleUpdate = {
      name?: string | null;
      /** fixed 固定班制；flexible 弹性 */
      kind?: "fixed" | "flexible" | null;
      sessions?: Array<Schemas.SessionIn> | null;
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
    type SessionIn = {
      /** HH:MM */
      start: string;
      /** HH:MM */
      end: string;
    };
    type SessionOut = {
      start: string;
      end: string;
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
  }

  /** 每个接口：路径参数、查询参数、请求体与成功响应（均为 {data: ...} 信封）。 */
  interface Operations {
    /** 审批列表：待我审批 / 我已审批 / 抄送我的 / 我发起的。 */
    "GET /api/approvals": { response: ArrayBuffer | string };
    /** 待我审批的数量（首页卡片）。 */
    "GET /api/approvals/count": { response: ArrayBuffer | string };
    /** 批量同意：逐条返回处理结果。 */
    "POST /api/approvals/batch": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 我的审批委托（委托他人与受托）；新建委托。 */
    "GET /api/approvals/delegations": { response: ArrayBuffer | string };
    /** 我的审批委托（委托他人与受托）；新建委托。 */
    "POST /api/approvals/delegations": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 撤销审批委托。 */
    "DELETE /api/approvals/delegations/{id}": { path: { id: number }; response: ArrayBuffer | string };
    /** 审批详情（含完整审批时间线）。 */
    "GET /api/approvals/{id}": { path: { id: number }; response: ArrayBuffer | string };
    /** 审批操作：同意、驳回、退回修改、撤回、转交、评论、抄送。 */
    "POST /api/approvals/{id}/actions": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 被退回的申请重新提交。 */
    "POST /api/approvals/{id}/resubmit": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 审批流程列表（按类型、单位）；新建流程。 */
    "GET /api/approval-flows": { response: ArrayBuffer | string };
    /** 审批流程列表（按类型、单位）；新建流程。 */
    "POST /api/approval-flows": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 预览某人某类申请将经过的审批环节与审批人。 */
    "GET /api/approval-flows/preview": { response: ArrayBuffer | string };
    /** 修改审批流程（名称、环节、启用状态）。 */
    "PUT /api/approval-flows/{id}": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
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
    /** 今日考勤看板：已到、迟到、未到、请假。 */
    "GET /api/attendance/board": { query: { department_id?: number | null }; response: Schemas.Data_BoardOut };
    /** 月度考勤统计（按人、按部门），可导出 CSV / XLSX。 */
    "GET /api/attendance/report": { query: { month?: string | null; department_id?: number | null; format?: "json" | "csv" | "xlsx" }; response: Schemas.Data_ReportOut };
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
    "GET /api/attendance/rules/{id}": { path: { id: number }; response: Schemas.Data_RuleOut };
    /** 修改单位考勤规则（只改传入的字段）。 */
    "PUT /api/attendance/rules/{id}": { path: { id: number }; body: Schemas.RuleUpdate; response: Schemas.Data_RuleOut };
    /** 待复核的异常打卡。 */
    "GET /api/attendance/review": { query: { page?: number; page_size?: number; status?: "pending" | "accepted" | "rejected" }; response: Schemas.Page_ReviewPunchOutList };
    /** 复核一条异常打卡（认可或不认可）。 */
    "POST /api/attendance/punches/{id}/review": { path: { id: number }; body: Schemas.PunchReview; response: Schemas.Data_PunchOut };
    /** 待处理的换机申请。 */
    "GET /api/attendance/device-changes": { response: Schemas.Data_DeviceChangeOutList };
    /** 处理换机申请。 */
    "POST /api/attendance/device-changes/{id}/decide": { path: { id: number }; body: Schemas.DeviceChangeDecision; response: Schemas.Data_DeviceChangeOut };
    /** 重新计算考勤日状态。 */
    "POST /api/attendance/recompute": { body: Schemas.RecomputeCreate; response: Schemas.Data_RecomputeOut };
    /** 审计日志（?actor=&action=&target_type=&target_id=&since=&until=&page=），限本人管辖单位。 */
    "GET /api/audit": { response: ArrayBuffer | string };
    /** 校验审计日志哈希链，报告第一处断裂。 */
    "POST /api/audit/verify": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 导出审计日志（?format=csv，筛选条件同列表）。 */
    "GET /api/audit/export": { response: ArrayBuffer | string };
    /** 退出登录：吊销当前会话。 */
    "POST /api/auth/logout": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 开发登录（仅 fake 模式）：按工号登录。 */
    "POST /api/auth/dev": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 手机号绑定：用微信手机号授权凭证匹配人员记录并绑定。 */
    "POST /api/binding/phone": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 邀请码绑定：扫描管理员打印的一次性邀请二维码完成绑定。 */
    "POST /api/binding/invite": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 绑定申请：提交申请（POST）与查看本微信提交的申请进度（GET ?ticket=）。 */
    "GET /api/binding/requests": { response: ArrayBuffer | string };
    /** 绑定申请：提交申请（POST）与查看本微信提交的申请进度（GET ?ticket=）。 */
    "POST /api/binding/requests": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 绑定申请待办（数据核验员）：?status=open|resolved|rejected|all，含超时标记。 */
    "GET /api/binding/requests/queue": { response: ArrayBuffer | string };
    /** 绑定申请详情（数据核验员）。 */
    "GET /api/binding/requests/{id}": { path: { id: number }; response: ArrayBuffer | string };
    /** 处理绑定申请：改绑、解绑原微信、更正手机号后绑定或驳回（未经手机号验证的须另附证明 proof）。 */
    "POST /api/binding/requests/{id}/resolve": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 人事核实绑定申请：记录申请人确为某人员（供未验证申请改绑时作为第二证明）。 */
    "POST /api/binding/requests/{id}/confirm": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 生成人员绑定邀请码（一次性，默认 7 天有效，可传 days；生成新码即作废旧码）。 */
    "POST /api/staff/{id}/invite": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 绑定邀请二维码图片（PNG，供打印）。 */
    "GET /api/staff/{id}/invite.png": { path: { id: number }; response: ArrayBuffer | string };
    /** 解除本人微信绑定：清除绑定并退出全部登录。 */
    "POST /api/me/unbind": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 节假日日历：按日期范围查询每天的类型（工作日、休息日、法定节假日、调休上班）。 */
    "GET /api/calendar": { response: ArrayBuffer | string };
    /** 设置某天的类型（管理员录入或更正节假日安排）。 */
    "PUT /api/calendar/days/{id}": { path: { id: string }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 某年的日历来源（package/admin/missing）与提示。 */
    "GET /api/calendar/years/{id}": { path: { id: string }; response: ArrayBuffer | string };
    /** 发布某年的节假日安排（unit_id 为空即全国，仅系统管理员；录入完成后不再按周一至周五推算）。 */
    "POST /api/calendar/years/{id}/publish": { path: { id: string }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 首页：本人信息与考勤、审批、目标、消息摘要卡片。 */
    "GET /api/home": { response: ArrayBuffer | string };
    /** 请假试算：将扣除的天数、剩余余额与日历提示。 */
    "GET /api/leave/quote": { response: ArrayBuffer | string };
    /** 请假申请：我的（mine=1）或管理范围内的列表；提交请假。 */
    "GET /api/leave/requests": { response: ArrayBuffer | string };
    /** 请假申请：我的（mine=1）或管理范围内的列表；提交请假。 */
    "POST /api/leave/requests": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 请假申请详情。 */
    "GET /api/leave/requests/{id}": { path: { id: number }; response: ArrayBuffer | string };
    /** 退回修改后重新提交：可改假期类型、日期、上下午与事由（未填的保持不变）。 */
    "POST /api/leave/requests/{id}/resubmit": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 销假：提前返岗，未休天数退回余额。 */
    "POST /api/leave/requests/{id}/report-back": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 上传请假附件（JPG/PNG/PDF，multipart 字段 file）。 */
    "POST /api/leave/requests/{id}/attachments": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 假期余额（本人或管理范围内的某人）。 */
    "GET /api/leave/balances": { response: ArrayBuffer | string };
    /** 人事调整假期余额（须填写原因，留痕）。 */
    "POST /api/leave/balances/{id}/adjust": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 本单位可用的假期类型；新建（覆盖）本单位假期类型。 */
    "GET /api/leave/types": { response: ArrayBuffer | string };
    /** 本单位可用的假期类型；新建（覆盖）本单位假期类型。 */
    "POST /api/leave/types": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 修改假期类型。 */
    "PATCH /api/leave/types/{id}": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 请假统计（按部门、月份、假期类型），可导出 CSV / XLSX。 */
    "GET /api/leave/report": { response: ArrayBuffer | string };
    /** 下载附件（仅限可查看该申请的人员）。 */
    "GET /api/attachments/{id}": { path: { id: number }; response: ArrayBuffer | string };
    /** 当前登录人：基本信息（手机号、身份证号脱敏）、部门、角色与数据范围。 */
    "GET /api/me": { response: ArrayBuffer | string };
    /** 我的消息列表（?unread=1 仅未读）。 */
    "GET /api/messages": { response: ArrayBuffer | string };
    /** 全部标记为已读。 */
    "POST /api/messages/read-all": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 标记一条消息为已读。 */
    "POST /api/messages/{id}/read": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** OpenAPI 3.1 接口文档（由各接口的声明生成）。 */
    "GET /api/openapi.json": { response: string };
    /** 接口参考页面（Swagger UI，本地静态文件，不依赖 CDN）。 */
    "GET /api/docs": { response: ArrayBuffer | string };
    /** 单位树（在组织机构查看范围内）；新建单位。 */
    "GET /api/units": { response: ArrayBuffer | string };
    /** 单位树（在组织机构查看范围内）；新建单位。 */
    "POST /api/units": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 修改单位名称或代码。 */
    "PATCH /api/units/{id}": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 部门树或平铺列表（?unit_id=&flat=1）；新建部门。 */
    "GET /api/departments": { response: ArrayBuffer | string };
    /** 部门树或平铺列表（?unit_id=&flat=1）；新建部门。 */
    "POST /api/departments": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 部门详情（负责人、分管领导、副职）；改名或调整排序。 */
    "GET /api/departments/{id}": { path: { id: number }; response: ArrayBuffer | string };
    /** 部门详情（负责人、分管领导、副职）；改名或调整排序。 */
    "PATCH /api/departments/{id}": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 移动部门到新的上级部门（或单位顶层），整棵子树随之移动。 */
    "POST /api/departments/{id}/move": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 撤销部门（须无在职人员、无兼职、无下级部门）。 */
    "POST /api/departments/{id}/close": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 设置部门负责人、副职与分管领导。 */
    "PUT /api/departments/{id}/leadership": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 职务列表（?unit_id=）；新建职务。 */
    "GET /api/positions": { response: ArrayBuffer | string };
    /** 职务列表（?unit_id=）；新建职务。 */
    "POST /api/positions": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 职级列表。 */
    "GET /api/ranks": { response: ArrayBuffer | string };
    /** 加班申请：我的（mine=1）或管理范围内的列表；提交加班。 */
    "GET /api/overtime/requests": { response: ArrayBuffer | string };
    /** 加班申请：我的（mine=1）或管理范围内的列表；提交加班。 */
    "POST /api/overtime/requests": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 加班申请详情。 */
    "GET /api/overtime/requests/{id}": { path: { id: number }; response: ArrayBuffer | string };
    /** 扫码登录管理后台：扫描二维码，查看待登录的浏览器信息。 */
    "POST /api/auth/qr-login/scan": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 扫码登录管理后台：确认登录。 */
    "POST /api/auth/qr-login/confirm": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 扫码登录管理后台：取消登录。 */
    "POST /api/auth/qr-login/cancel": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 权限目录。 */
    "GET /api/permissions": { response: ArrayBuffer | string };
    /** 角色列表（含权限）；新建自定义角色。 */
    "GET /api/roles": { response: ArrayBuffer | string };
    /** 角色列表（含权限）；新建自定义角色。 */
    "POST /api/roles": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 角色详情；修改自定义角色（内置角色只读）。 */
    "GET /api/roles/{id}": { path: { id: number }; response: ArrayBuffer | string };
    /** 角色详情；修改自定义角色（内置角色只读）。 */
    "PATCH /api/roles/{id}": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 授权列表（?staff_id=&role_id=，谁持有什么角色）；授予角色。 */
    "GET /api/grants": { response: ArrayBuffer | string };
    /** 授权列表（?staff_id=&role_id=，谁持有什么角色）；授予角色。 */
    "POST /api/grants": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 收回授权。 */
    "DELETE /api/grants/{id}": { path: { id: number }; response: ArrayBuffer | string };
    /** 人员列表（?q=姓名/工号/手机号/身份证号&department_id=&status=&page=）；新建人员。 */
    "GET /api/staff": { response: ArrayBuffer | string };
    /** 人员列表（?q=姓名/工号/手机号/身份证号&department_id=&status=&page=）；新建人员。 */
    "POST /api/staff": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 导出人员（?format=csv|xlsx，手机号、身份证号脱敏）。 */
    "GET /api/staff/export": { response: ArrayBuffer | string };
    /** 批量导入人员（multipart 字段 file：.csv 或 .xlsx）；任一行有误则全部不导入。 */
    "POST /api/staff/import": { body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 人员详情（手机号、身份证号脱敏）；修改人员信息。 */
    "GET /api/staff/{id}": { path: { id: number }; response: ArrayBuffer | string };
    /** 人员详情（手机号、身份证号脱敏）；修改人员信息。 */
    "PATCH /api/staff/{id}": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 调动：更换主部门（可跨单位），保留调动记录。 */
    "POST /api/staff/{id}/transfer": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 办理退休：状态改为退休，结束兼职，注销其全部登录会话。 */
    "POST /api/staff/{id}/retire": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 调动与退休记录。 */
    "GET /api/staff/{id}/history": { path: { id: number }; response: ArrayBuffer | string };
    /** 新增兼职或挂职。 */
    "POST /api/staff/{id}/posts": { path: { id: number }; body: Record<string, unknown>; response: ArrayBuffer | string };
    /** 结束兼职或挂职（保留为历史）。 */
    "DELETE /api/staff/{id}/posts/{post_id}": { path: { id: number; post_id: number }; response: ArrayBuffer | string };
    /** 微信登录：已绑定返回会话，未绑定返回绑定凭证。 */
    "POST /api/auth/wechat": { body: Record<string, unknown>; response: ArrayBuffer | string };
  }

  /** The error envelope every 4xx answers with. */
  type Error = Schemas.Error;
}
