// Leave (请假) and overtime (加班): types, balances, the server's day quote, requests, report-back,
// attachments. Every call goes through utils/request.js (token, toasts, double-submit guard).
const { get, post, request, upload } = require('../utils/request');

const HALF_LABELS = { am: '上午', pm: '下午' };

function fetchLeaveTypes() {
  return get('/api/leave/types');
}

function fetchBalances(year, staffId, opts = {}) {
  const query = { year };
  if (staffId) query.staff_id = staffId;
  return get('/api/leave/balances', query, opts);
}

// The server counts the days (holiday calendar, 调休 Saturdays, half days) and warns when a
// year's schedule is not published yet; the page never counts on its own.
function quoteLeave({ type, start, startHalf, end, endHalf }) {
  return get(
    '/api/leave/quote',
    { type, start, start_half: startHalf, end, end_half: endHalf },
    { toast: false },
  );
}

function submitLeave({ type, start, startHalf, end, endHalf, reason }) {
  return post(
    '/api/leave/requests',
    { type, start, start_half: startHalf, end, end_half: endHalf, reason },
    { loading: '正在提交', key: 'leave-submit' },
  );
}

// 退回修改 → change and resubmit (POST /api/leave/requests/{id}/resubmit): days recounted,
// balance and overlaps re-checked, the flow re-routed on the new length.
function resubmitLeave(id, { type, start, startHalf, end, endHalf, reason }) {
  return post(
    `/api/leave/requests/${id}/resubmit`,
    { type, start, start_half: startHalf, end, end_half: endHalf, reason },
    { loading: '正在重新提交', key: `leave-resubmit-${id}` },
  );
}

function fetchMyLeave({ page = 1, pageSize = 50 } = {}) {
  return get('/api/leave/requests', { mine: 1, page, page_size: pageSize });
}

// One page of my requests with its total ({data, page, total}), optionally of one status.
function fetchMyLeavePage({ page = 1, pageSize = 20, status = '', toast } = {}) {
  const data = { mine: 1, page, page_size: pageSize };
  if (status) data.status = status;
  return request({ url: '/api/leave/requests', method: 'GET', data, envelope: true, toast });
}

const STATUS_FILTERS = [
  { value: '', label: '全部' },
  { value: 'pending', label: '审批中' },
  { value: 'returned', label: '已退回' },
  { value: 'approved', label: '已通过' },
  { value: 'rejected', label: '未通过' },
];

function fetchLeave(id) {
  return get(`/api/leave/requests/${id}`);
}

function reportBack(id, { date, half }) {
  return post(`/api/leave/requests/${id}/report-back`, { date, half }, { loading: '正在销假', key: `leave-report-back-${id}` });
}

function submitOvertime({ date, hours, reason }) {
  return post('/api/overtime/requests', { date, hours, reason }, { loading: '正在提交', key: 'overtime-submit' });
}

function fetchMyOvertime() {
  return get('/api/overtime/requests', { mine: 1, page_size: 50 });
}

function fetchOvertime(id) {
  return get(`/api/overtime/requests/${id}`);
}

// 退回修改 → the returned overtime request with its changes (date, hours, reason).
function resubmitOvertime(id, { date, hours, reason }) {
  return post(`/api/overtime/requests/${id}/resubmit`, { date, hours, reason },
    { loading: '正在重新提交', key: `overtime-resubmit-${id}` });
}

function uploadAttachment(requestId, filePath) {
  return upload(`/api/leave/requests/${requestId}/attachments`, filePath, '附件');
}

function chooseAttachment() {
  return new Promise((resolve) => {
    wx.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      success: (res) => resolve((res.tempFiles && res.tempFiles[0]) || null),
      fail: () => resolve(null),
    });
  });
}

function halfLabel(half) {
  return HALF_LABELS[half] || '';
}

// "2026-03-02 上午 至 2026-03-06 下午"
function rangeText(r) {
  return `${r.start} ${halfLabel(r.start_half)} 至 ${r.end} ${halfLabel(r.end_half)}`;
}

function fmtDays(n) {
  return `${Number(n || 0).toString()} 天`;
}

const STATUS_THEME = {
  pending: 'warning', approved: 'success', rejected: 'danger', withdrawn: 'default', returned: 'warning', cancelled: 'default',
};

module.exports = {
  resubmitLeave,
  fetchMyLeavePage,
  STATUS_FILTERS,
  HALF_LABELS,
  STATUS_THEME,
  fetchLeaveTypes,
  fetchBalances,
  quoteLeave,
  submitLeave,
  fetchMyLeave,
  fetchLeave,
  reportBack,
  submitOvertime,
  fetchMyOvertime,
  fetchOvertime,
  resubmitOvertime,
  uploadAttachment,
  chooseAttachment,
  halfLabel,
  rangeText,
  fmtDays,
};
