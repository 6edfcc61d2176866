// Fixtures for the appraisal tests (package-appraisal): payloads shaped like the API contract's
// models in handlers/schemas/appraisal/{cycles,goals,progress}.py.
const { loadPage } = require('./support');

const loadApr = (route, query = {}) => loadPage(`package-appraisal/${route}/index`, query, { rounds: 10 });

const T = '2026-03-02T09:00:00+08:00';
const person = (id, name) => ({ id, name });

function phases(current = 'goal_setting') {
  const rows = [
    ['goal_setting', '目标设定', '2026-02-02', '2026-03-13'],
    ['progress', '过程跟踪', '2026-03-16', '2026-11-30'],
    ['self_assessment', '个人自评', '2026-12-01', '2026-12-11'],
  ];
  const order = rows.map((r) => r[0]);
  return rows.map(([phase, label, opens_on, closes_on]) => ({
    phase, label, opens_on, closes_on,
    state: phase === current ? 'open' : order.indexOf(phase) < order.indexOf(current) ? 'closed' : 'not_started',
  }));
}

function myCycle(over = {}) {
  return {
    id: 4, name: '2026 年度考核', kind: 'annual', kind_label: '年度考核', year: 2026, status: 'launched',
    status_label: '进行中', current_phase: 'goal_setting', current_phase_label: '目标设定', phases: phases(),
    goal_set: { id: 21, status: 'draft', change_pending: false }, link: '/package-appraisal/goals/index?cycle_id=4',
    ...over,
  };
}

function comment(over = {}) {
  return {
    id: 1, item_key: 'g1', step_index: 0, step_name: '部门负责人审核', author: person(9, '李科长'),
    decision: 'return', decision_label: '退回修改', comment: '目标值偏低，请提高到 1200 件', created_at: T, ...over,
  };
}

function item(over = {}) {
  return {
    key: 'g1', sort: 0, title: '办理政务服务事项', description: '窗口受理与办结', kind: 'quantitative', kind_label: '定量',
    target: 1000, unit_of_measure: '件', data_source: '政务服务系统', formula: { type: 'linear', floor: 600 },
    formula_text: '线性：600件 得 0 分，1000件 得 100 分', criteria: '', weight: 40, due_date: '2026-12-31',
    indicator_id: null, indicator: null, comments: [], ...over,
  };
}

function items() {
  return [
    item(),
    item({ key: 'g2', sort: 1, title: '完成年度统计报表', kind: 'qualitative', kind_label: '定性', target: null, unit_of_measure: '',
      data_source: '', formula: null, formula_text: '', criteria: '按时报送，差错不超过 2 处', weight: 30, due_date: '2026-06-30' }),
    item({ key: 'g3', sort: 2, title: '信息公开', kind: 'qualitative', kind_label: '定性', target: null, unit_of_measure: '',
      data_source: '', formula: null, formula_text: '', criteria: '每月更新公开目录', weight: 30, due_date: null, description: '' }),
  ];
}

function version(over = {}) {
  const its = over.items || items();
  return {
    id: 31, number: 1, kind: 'initial', kind_label: '初始目标', status: 'draft', status_label: '草稿', reason: '',
    based_on_id: null, based_on_number: null, instance_id: null, created_by: person(7, '张三'), created_at: T,
    submitted_at: null, decided_at: null, decided_by: null, items: its,
    weight_total: its.reduce((s, i) => s + i.weight, 0), item_count: its.length, comments: [], ...over,
  };
}

function approval(over = {}) {
  return {
    instance_id: 51, kind: 'appraisal_goals', status: 'pending', status_label: '审批中', round: 1, version: 2, current_step: 0,
    steps: [
      { index: 0, name: '部门负责人审核', state: 'current', note: '', approvers: [person(9, '李科长')],
        tasks: [{ assignee: person(9, '李科长'), status: 'pending', comment: '', acted_at: null }] },
      { index: 1, name: '单位确认', state: 'waiting', note: '', approvers: [person(3, '王人事')], tasks: [] },
    ],
    current_assignees: [person(9, '李科长')],
    ...over,
  };
}

const CAN = { edit: true, submit: true, withdraw: false, change_request: false, review: false };

function goalSet(over = {}) {
  const current = over.current === undefined ? version() : over.current;
  return {
    id: 21, cycle: { id: 4, name: '2026 年度考核', year: 2026, kind: 'annual', status: 'launched' },
    owner: { id: 7, name: '张三', employee_no: 'E0007', department_id: 3, department_name: '办公室' },
    department: { id: 3, name: '办公室' }, status: 'draft', status_label: '未提交', change_pending: false, version: 3,
    current_version_id: current ? current.id : null, confirmed_version_id: null, current, confirmed: null, approval: null,
    rules: { min_items: 3, max_items: 10, weight_total: 100, year: 2026 }, can: { ...CAN, ...(over.can || {}) },
    updated_at: T,
    ...over,
    ...(over.can ? { can: { ...CAN, ...over.can } } : {}),
  };
}

// States of a goal set as the owner sees them.
function submittedSet() {
  return goalSet({
    status: 'submitted', status_label: '审核中', version: 4,
    current: version({ status: 'submitted', status_label: '审核中', instance_id: 51, submitted_at: T }),
    approval: approval(), can: { edit: false, submit: false, withdraw: true },
  });
}

function returnedSet() {
  const its = items();
  its[0] = item({ weight: 30, comments: [comment()] });
  return goalSet({
    status: 'returned', status_label: '退回修改', version: 5,
    current: version({ status: 'returned', status_label: '退回修改', instance_id: 51, items: its,
      comments: [comment({ id: 2, item_key: null, comment: '请按逐项意见修改' })] }),
    can: { edit: true, submit: true, withdraw: true },
  });
}

function confirmedSet() {
  const v = version({ status: 'confirmed', status_label: '已确认', instance_id: 51, submitted_at: T, decided_at: T,
    decided_by: person(3, '王人事') });
  return goalSet({
    status: 'confirmed', status_label: '已确认', version: 7, current: v, confirmed: v, confirmed_version_id: 31,
    approval: approval({ status: 'approved', status_label: '已通过', current_step: null }),
    can: { edit: false, submit: false, withdraw: false, change_request: true },
  });
}

function changeDraftSet() {
  const base = confirmedSet();
  const draft = version({ id: 32, number: 2, kind: 'change', kind_label: '目标变更', reason: '任务调整', based_on_id: 31, based_on_number: 1 });
  return { ...base, change_pending: true, current: draft, current_version_id: 32, version: 8,
    can: { edit: true, submit: true, withdraw: false, change_request: false, review: false } };
}

function myGoals(gs = goalSet(), windowState = 'open') {
  return { cycle: { id: 4, name: '2026 年度考核', year: 2026, kind: 'annual', status: 'launched' },
    goal_setting: { state: windowState, opens_on: '2026-02-02', closes_on: '2026-03-13' }, goal_set: gs };
}

// ---- history and diff ----

function history() {
  const v1 = { ...version({ status: 'superseded', status_label: '已被新版本替代', instance_id: 51, submitted_at: '2026-02-10T09:00:00+08:00',
    decided_at: '2026-02-12T10:00:00+08:00', decided_by: person(3, '王人事') }),
  approval: approval({ status: 'approved', status_label: '已通过' }),
  timeline: [
    { action: 'submit', action_label: '提交申请', actor: person(7, '张三'), on_behalf_of: null, step_index: null, step_name: '', comment: '', created_at: '2026-02-10T09:00:00+08:00' },
    { action: 'approve', action_label: '同意', actor: person(9, '李科长'), on_behalf_of: null, step_index: 0, step_name: '部门负责人审核', comment: '同意', created_at: '2026-02-11T09:00:00+08:00' },
    { action: 'approve', action_label: '同意', actor: person(3, '王人事'), on_behalf_of: null, step_index: 1, step_name: '单位确认', comment: '', created_at: '2026-02-12T10:00:00+08:00' },
  ],
  decided_step: '单位确认' };
  const v2 = { ...version({ id: 32, number: 2, kind: 'change', kind_label: '目标变更', status: 'confirmed', status_label: '已确认',
    reason: '任务调整', based_on_id: 31, based_on_number: 1, created_at: '2026-05-06T09:00:00+08:00', instance_id: 52 }),
  approval: null, timeline: [
    { action: 'submit', action_label: '提交申请', actor: person(7, '张三'), on_behalf_of: null, step_index: null, step_name: '', comment: '', created_at: '2026-05-06T09:30:00+08:00' },
    { action: 'return', action_label: '退回修改', actor: person(9, '李科长'), on_behalf_of: null, step_index: 0, step_name: '部门负责人审核', comment: '见逐项意见', created_at: '2026-05-07T09:00:00+08:00' },
  ],
  decided_step: '' };
  v2.items = items().map((i) => (i.key === 'g1' ? { ...i, target: 1200, comments: [comment({ id: 5, comment: '目标值可以再高一些' })] } : i));
  return { goal_set_id: 21, cycle: { id: 4, name: '2026 年度考核', year: 2026 },
    owner: { id: 7, name: '张三', employee_no: 'E0007', department_id: 3, department_name: '办公室' },
    confirmed_version_id: 32, versions: [v1, v2] };
}

function diff() {
  return {
    goal_set_id: 21,
    from: { id: 31, number: 1, kind: 'initial', status: 'superseded', status_label: '已被新版本替代' },
    to: { id: 32, number: 2, kind: 'change', status: 'confirmed', status_label: '已确认' },
    summary: { added: 1, removed: 1, changed: 1, unchanged: 1 },
    items: [
      { key: 'g1', change: 'changed', title: '办理政务服务事项', fields: [
        { field: 'target', label: '目标值', before: 1000, after: 1200 },
        { field: 'formula', label: '计分公式', before: '线性：600件 得 0 分，1000件 得 100 分', after: '阶梯：达到 1000件 得 80 分；达到 1200件 得 100 分' },
      ] },
      { key: 'g2', change: 'unchanged', title: '完成年度统计报表', fields: [] },
      { key: 'g3', change: 'removed', title: '信息公开', fields: [{ field: 'weight', label: '权重', before: 30, after: null }] },
      { key: 'g4', change: 'added', title: '数据质量核查', fields: [{ field: 'weight', label: '权重', before: null, after: 30 }] },
    ],
  };
}

// ---- review ----

function reviewRow(over = {}) {
  return {
    id: 21, cycle: { id: 4, name: '2026 年度考核', year: 2026, kind: 'annual', status: 'launched' },
    owner: { id: 7, name: '张三', employee_no: 'E0007', department_id: 3, department_name: '办公室' },
    department: { id: 3, name: '办公室' }, status: 'submitted', status_label: '审核中', change_pending: false, version: 4,
    current_version: { id: 31, number: 1, kind: 'initial', status: 'submitted', status_label: '审核中', submitted_at: T },
    confirmed_version_number: null, item_count: 3, weight_total: 100, updated_at: T,
    review_version: { id: 31, number: 1, kind: 'initial', kind_label: '初始目标', reason: '', status: 'submitted', submitted_at: T },
    approval: approval(),
    ...over,
  };
}

function reviewSet(over = {}) {
  return { ...submittedSet(), can: { edit: false, submit: false, withdraw: false, change_request: false, review: true }, ...over };
}

// ---- progress and self-assessment ----

function progressRow(over = {}) {
  return {
    id: 71, item_key: 'g1', item_title: '办理政务服务事项', reported_on: '2026-04-30', percent: null, actual_value: 420,
    score_preview: 0, note: '一季度办件', source: 'owner', source_label: '本人填报', recorded_by: person(7, '张三'),
    feed: null, batch: null, created_at: '2026-04-30T18:00:00+08:00', attachments: [], ...over,
  };
}

function progress(over = {}) {
  const its = items();
  return {
    goal_set_id: 21, cycle: { id: 4, name: '2026 年度考核', year: 2026 }, owner: { id: 7, name: '张三', employee_no: 'E0007' },
    confirmed_version_id: 31, phase: { state: 'open', opens_on: '2026-03-16', closes_on: '2026-11-30' }, stale_days: 30,
    today: '2026-05-20',
    items: [
      { key: 'g1', title: its[0].title, kind: 'quantitative', kind_label: '定量', weight: 40, target: 1000, unit_of_measure: '件',
        formula: its[0].formula, formula_text: its[0].formula_text, criteria: '', due_date: '2026-12-31', indicator: null,
        current: progressRow({ id: 72, reported_on: '2026-05-19', actual_value: 820, score_preview: 55, source: 'system', source_label: '业务系统', recorded_by: null, feed: '政务服务系统', note: '' }),
        last_reported_on: '2026-05-19', locked_by_source: true, overdue: false, can_report: false },
      { key: 'g2', title: its[1].title, kind: 'qualitative', kind_label: '定性', weight: 30, target: null, unit_of_measure: '',
        formula: null, formula_text: '', criteria: its[1].criteria, due_date: '2026-06-30', indicator: null,
        current: progressRow({ id: 73, item_key: 'g2', item_title: its[1].title, actual_value: null, percent: 40, score_preview: null, note: '完成一季度报表' }),
        last_reported_on: '2026-04-30', locked_by_source: false, overdue: false, can_report: true },
      { key: 'g3', title: its[2].title, kind: 'qualitative', kind_label: '定性', weight: 30, target: null, unit_of_measure: '',
        formula: null, formula_text: '', criteria: its[2].criteria, due_date: null, indicator: null, current: null,
        last_reported_on: null, locked_by_source: false, overdue: true, can_report: true },
    ],
    rows: [progressRow({ id: 73, item_key: 'g2', item_title: '完成年度统计报表', actual_value: null, percent: 40, score_preview: null, note: '完成一季度报表' })],
    can: { report: true },
    ...over,
  };
}

function selfAssessment(over = {}) {
  return {
    goal_set_id: 21, cycle: { id: 4, name: '2026 年度考核', year: 2026 }, owner: { id: 7, name: '张三', employee_no: 'E0007' },
    status: 'draft', status_label: '草稿', submitted_at: null, phase: { state: 'open', opens_on: '2026-12-01', closes_on: '2026-12-11' },
    items: [
      { key: 'g1', title: '办理政务服务事项', kind: 'quantitative', weight: 40, target: 1000, unit_of_measure: '件', criteria: '', summary: '全年办件 1260 件', attachments: [] },
      { key: 'g2', title: '完成年度统计报表', kind: 'qualitative', weight: 30, target: null, unit_of_measure: '', criteria: '按时报送', summary: '', attachments: [] },
    ],
    can: { edit: true, submit: true },
    ...over,
  };
}

module.exports = {
  loadApr, phases, myCycle, comment, item, items, version, approval, goalSet, submittedSet, returnedSet, confirmedSet,
  changeDraftSet, myGoals, history, diff, reviewRow, reviewSet, progressRow, progress, selfAssessment,
};
