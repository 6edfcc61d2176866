// Approvals (审批): the boxes, detail with timeline, one-tap approve / reject, batch approve.
const { get, post, request } = require('../utils/request');
const { formatTime } = require('../utils/format');

const BOXES = [
  { value: 'waiting', label: '待我审批' },
  { value: 'done', label: '我已审批' },
  { value: 'cc', label: '抄送我' },
];

// Codes the pages explain in their own words (and then refresh).
const QUIET_CODES = ['APPROVAL_ALREADY_ACTED', 'APPROVAL_NOT_ASSIGNEE', 'APPROVAL_COMMENT_REQUIRED'];

const CONFLICT_TEXT = {
  APPROVAL_ALREADY_ACTED: '这条申请刚刚已由其他人处理（或已被申请人撤回），已为您刷新为最新状态。',
  APPROVAL_NOT_ASSIGNEE: '这一步已不需要您审批了，已为您刷新为最新状态。',
};

// The filter chips of the inbox: kind codes registered by services/*.py (register_kind).
const KIND_FILTERS = [
  { value: '', label: '全部' },
  { value: 'leave', label: '请假' },
  { value: 'overtime', label: '加班' },
  { value: 'makeup_punch', label: '补卡' },
  { value: 'appraisal_goals', label: '考核目标' },
];

function fetchBox(box, { page = 1, pageSize = 20 } = {}) {
  return get('/api/approvals', { box, page, page_size: pageSize });
}

// One page of a box with its total ({data, page, total}), optionally of one kind: load-more lists.
// `q` searches within the box: the applicant's name or the request's title.
function fetchBoxPage(box, { page = 1, pageSize = 20, kind = '', q = '', toast } = {}) {
  const data = { box, page, page_size: pageSize };
  if (kind) data.kind = kind;
  if (q) data.q = q;
  return request({ url: '/api/approvals', method: 'GET', data, envelope: true, toast });
}

function fetchWaitingCount() {
  return get('/api/approvals/count', undefined, { toast: false });
}

function fetchApproval(id) {
  return get(`/api/approvals/${id}`);
}

function act(id, { action, comment = '', version }) {
  const body = { action, comment };
  if (version !== undefined && version !== null) body.version = version;
  return post(`/api/approvals/${id}/actions`, body, {
    loading: '正在提交',
    key: `approval-act-${id}`,
    quietCodes: QUIET_CODES,
  });
}

// 退回修改 → 重新提交 unchanged (make-up punches, overtime, ...): the engine's generic resubmit.
// Leave is resubmitted with its changes by services/leave.resubmitLeave instead.
function resubmit(id) {
  return post(`/api/approvals/${id}/resubmit`, {}, { loading: '正在重新提交', key: `approval-resubmit-${id}` });
}

// The latest 退回 in the timeline: {who, comment, time} — what the applicant must change.
function returnNote(inst) {
  const events = (inst && inst.timeline) || [];
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const e = events[i];
    if (e.action === 'return') {
      return { who: e.actor ? e.actor.name : '', comment: e.comment || '', time: formatTime(e.created_at) };
    }
  }
  return null;
}

// 委托审批 (出差期间): delegations given and received; a new one covering today hands the waiting
// approvals to the delegate at once; revoking hands them back.
function fetchDelegations() {
  return get('/api/approvals/delegations', undefined, { toast: false });
}

function createDelegation({ delegateId, start, end }) {
  return post('/api/approvals/delegations', { delegate_id: delegateId, start, end },
    { loading: '正在委托', key: 'delegation-create', quietCodes: ['VALIDATION_FAILED', 'DELEGATION_RANGE_INVALID', 'DELEGATION_SELF'] });
}

function revokeDelegation(id) {
  return request({ url: `/api/approvals/delegations/${id}`, method: 'DELETE', loading: '正在撤销', key: `delegation-revoke-${id}` });
}

function batchApprove(ids, comment = '') {
  return post('/api/approvals/batch', { ids, action: 'approve', comment }, { loading: '正在批量审批', key: 'approval-batch' });
}

// Plain words for an action error the page shows itself; null for the rest (already toasted).
function describeActError(err) {
  if (!err) return null;
  if (CONFLICT_TEXT[err.code]) return CONFLICT_TEXT[err.code];
  if (err.code === 'APPROVAL_COMMENT_REQUIRED') return '驳回时请填写原因';
  return null;
}

const STATUS_THEME = { pending: 'warning', approved: 'success', rejected: 'danger', withdrawn: 'default', returned: 'warning' };

// An approval instance as the detail pages show it: t-steps items, the current step, the timeline.
const STEP_STATUS = { done: 'finish', current: 'process', stopped: 'error', skipped: 'default', waiting: 'default' };
const TASK_LABEL = { pending: '待审批', approved: '已同意', rejected: '已驳回', returned: '已退回', transferred: '已转交', cancelled: '无需处理' };

function stepsView(inst) {
  return (inst.steps || []).map((s) => {
    const tasks = (s.tasks || []).map((t) => `${t.assignee ? t.assignee.name : ''}${t.label ? `（${t.label}）` : ''} ${TASK_LABEL[t.status] || t.status}${t.comment ? `：${t.comment}` : ''}`);
    const who = (s.approvers || []).map((a) => a.name).join('、');
    return {
      title: s.name,
      content: s.skipped ? `已跳过${s.note ? `：${s.note}` : ''}` : (tasks.length ? tasks.join('；') : who),
      status: STEP_STATUS[s.state] || 'default',
    };
  });
}

function currentStepIndex(inst) {
  return Math.max(0, (inst.steps || []).findIndex((s) => s.state === 'current'));
}

function timelineView(inst) {
  return (inst.timeline || []).map((e) => ({
    id: e.id,
    title: `${e.actor ? e.actor.name : '系统'} ${e.action_label}${e.label ? `（${e.label}）` : ''}`,
    comment: e.comment || (e.data && e.data.note) || '',
    time: formatTime(e.created_at),
  }));
}

module.exports = {
  BOXES, KIND_FILTERS, QUIET_CODES, fetchBox, fetchBoxPage, fetchWaitingCount, fetchApproval, act, resubmit, returnNote, batchApprove,
  fetchDelegations, createDelegation, revokeDelegation, describeActError, STATUS_THEME,
  stepsView, currentStepIndex, timelineView,
};
