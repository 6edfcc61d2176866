// Helpers for the leave and approval tests: sample payloads shaped like docs/approvals.md and
// handlers/leave.py; pages (package-leave included) render with the shared harness in ./support.
const { loadPage } = require('./support');

// A page of the subpackage, given a few more rounds to settle (quote, balances, approval).
const loadAnyPage = (route, query = {}) => loadPage(route, query, { rounds: 8 });

const types = [
  { id: 1, code: 'annual', name: '年休假', count_mode: 'working_days', balance_tracked: true, quota_rule: 'annual' },
  { id: 2, code: 'sick', name: '病假', count_mode: 'working_days', balance_tracked: false, quota_rule: 'none', attachment_over_days: 2 },
  { id: 3, code: 'lieu', name: '调休', count_mode: 'working_days', balance_tracked: true, quota_rule: 'lieu' },
];

const balances = [
  { id: 11, type_code: 'annual', type_name: '年休假', entitled: 10, adjusted: 0, used: 2, pending: 0, remaining: 8 },
  { id: null, type_code: 'lieu', type_name: '调休', entitled: 1.5, adjusted: 0, used: 0, pending: 0, remaining: 1.5 },
];

function quote(over = {}) {
  return {
    type: 'annual', type_name: '年休假', count_mode: 'working_days', days: 3,
    balance: { remaining: 8 }, remaining_after: 5, sufficient: true, attachment_required: false,
    warnings: [], calendar: [], ...over,
  };
}

function request(over = {}) {
  return {
    id: 5, staff: { id: 7, name: '张三' }, unit_id: 1, department_id: 3, type: 'annual', type_name: '年休假',
    year: 2026, start: '2026-03-02', start_half: 'am', end: '2026-03-04', end_half: 'pm', days: 3,
    reason: '回老家', status: 'pending', status_label: '审批中', instance_id: 9, warnings: [],
    original_end: null, original_end_half: null, original_days: null, reported_back_at: null,
    attachment_required: false, attachments: [], created_at: '2026-02-20T09:00:00+08:00', ...over,
  };
}

function instance(over = {}) {
  return {
    id: 9, kind: 'leave', kind_title: '请假', subject_id: 5, unit_id: 1, applicant_id: 7,
    applicant: { id: 7, name: '张三' }, department_id: 3, summary: '年休假 2026-03-02 至 2026-03-04，共 3 天',
    context: { days: 3, leave_type: 'annual' }, status: 'pending', status_label: '审批中', round: 1, version: 2,
    current_step: 0, created_at: '2026-02-20T09:00:00+08:00', finished_at: null,
    steps: [
      { index: 0, name: '部门负责人审批', mode: 'any', approvers: [{ id: 9, name: '李科长' }], skipped: false, note: '', state: 'current',
        tasks: [{ id: 1, assignee: { id: 9, name: '李科长' }, on_behalf_of: null, label: '', status: 'pending', comment: '', acted_at: null }] },
      { index: 1, name: '分管领导审批', mode: 'any', approvers: [{ id: 2, name: '王副局长' }], skipped: true, note: '天数未超过 3 天', state: 'skipped', tasks: [] },
    ],
    current_assignees: [{ id: 9, name: '李科长', on_behalf_of: null }], my_task: null, ccs: [],
    can: { approve: false, reject: false, return: false, transfer: false, withdraw: true, resubmit: false, comment: true, cc: true },
    timeline: [{ id: 1, action: 'submit', action_label: '提交申请', actor: { id: 7, name: '张三' }, on_behalf_of: null, label: '', step_index: null, comment: '', data: {}, created_at: '2026-02-20T09:00:00+08:00' }],
    subject: request(),
    ...over,
  };
}

module.exports = { loadAnyPage, types, balances, quote, request, instance };
