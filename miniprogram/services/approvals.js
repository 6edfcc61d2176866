// Approvals (审批): the boxes, detail with timeline, one-tap approve / reject, batch approve.
const { get, post } = require('../utils/request');

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

module.exports = { BOXES, QUIET_CODES, fetchBox, fetchWaitingCount, fetchApproval, act, batchApprove, describeActError, STATUS_THEME };
