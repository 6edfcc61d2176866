// Approvals (审批): the boxes, detail with timeline, one-tap approve / reject, batch approve.
const { get, post } = require('../utils/request');
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

function fetchBox(box, { page = 1, pageSize = 20 } = {}) {
  return get('/api/approvals', { box, page, page_size: pageSize });
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
  BOXES, QUIET_CODES, fetchBox, fetchWaitingCount, fetchApproval, act, batchApprove, describeActError, STATUS_THEME,
  stepsView, currentStepIndex, timelineView,
};
