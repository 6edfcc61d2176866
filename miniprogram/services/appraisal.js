// 考核 appraisal (docs/appraisal.md): my cycles, my goal set (draft, submit, withdraw, change
// request), history and diffs, the leader's review with per-item comments, progress with evidence
// and the self-assessment. The one request layer for package-appraisal/: every call goes through
// utils/request.js. Writes carry an in-flight key (a second tap shares the first request) and the
// goal set's `version` where the API takes one (a replayed submit answers 409 APPRAISAL_GOALS_STALE
// instead of acting twice). Pages show errors themselves (toast: false), with a retry.
const { request, get, post, upload: uploadFile } = require('../utils/request');
const { formatTime } = require('../utils/format');

const Q = { toast: false };
const W = (key, loading = '正在提交') => ({ key, loading, toast: false });

// ---- reads -----------------------------------------------------------------------------------

function fetchMyCycles(opts = {}) {
  return get('/api/appraisal/my/cycles', undefined, { ...Q, ...opts });
}

function fetchMyGoals(cycleId) {
  return get(`/api/appraisal/cycles/${cycleId}/my-goals`, undefined, Q);
}

function fetchGoalSet(id) {
  return get(`/api/appraisal/goal-sets/${id}`, undefined, Q);
}

function fetchHistory(id) {
  return get(`/api/appraisal/goal-sets/${id}/history`, undefined, Q);
}

function fetchDiff(id, from, to) {
  return get(`/api/appraisal/goal-sets/${id}/diff`, { from, to }, Q);
}

function fetchReviews(box = 'waiting', { page = 1, pageSize = 20, cycleId } = {}) {
  const query = { box, page, page_size: pageSize };
  if (cycleId) query.cycle_id = cycleId;
  return get('/api/appraisal/reviews', query, { ...Q, envelope: true });
}

function fetchProgress(id) {
  return get(`/api/appraisal/goal-sets/${id}/progress`, undefined, Q);
}

function fetchSelfAssessment(id) {
  return get(`/api/appraisal/goal-sets/${id}/self-assessment`, undefined, Q);
}

// ---- the owner's writes ----------------------------------------------------------------------

// The item as the API takes it (GoalItemIn): only the fields of its kind, numbers as numbers.
function itemBody(i) {
  const num = (v) => (v === '' || v === null || v === undefined || Number.isNaN(Number(v)) ? null : Number(v));
  const body = {
    title: (i.title || '').trim(),
    description: (i.description || '').trim(),
    kind: i.kind === 'qualitative' ? 'qualitative' : 'quantitative',
    weight: num(i.weight) || 0,
    due_date: i.due_date || null,
  };
  if (i.key) body.key = i.key;
  if (i.indicator_id) body.indicator_id = i.indicator_id;
  if (body.kind === 'quantitative') {
    body.target = num(i.target);
    body.unit_of_measure = (i.unit_of_measure || '').trim();
    body.data_source = (i.data_source || '').trim();
    body.formula = formulaBody(i.formula);
  } else {
    body.criteria = (i.criteria || '').trim();
  }
  return body;
}

function formulaBody(f) {
  if (!f || !f.type) return null;
  const num = (v) => (v === '' || v === null || v === undefined || Number.isNaN(Number(v)) ? null : Number(v));
  if (f.type === 'threshold') {
    const steps = (f.steps || []).map((s) => ({ at: num(s.at), score: num(s.score) }))
      .filter((s) => s.at !== null && s.score !== null);
    return { type: 'threshold', steps };
  }
  const out = { type: f.type, floor: num(f.floor) === null ? 0 : num(f.floor) };
  if (f.type === 'capped') out.cap = num(f.cap) === null ? 1.2 : num(f.cap);
  return out;
}

function saveDraft(goalSetId, { items, version }) {
  return request({
    url: `/api/appraisal/goal-sets/${goalSetId}/draft`,
    method: 'PUT',
    data: { items: items.map(itemBody), version },
    ...W(`appraisal-draft-${goalSetId}`, '正在保存'),
  });
}

function submitGoals(goalSetId, { version }) {
  return post(`/api/appraisal/goal-sets/${goalSetId}/submit`, { version }, W(`appraisal-submit-${goalSetId}`));
}

function withdrawGoals(goalSetId, comment = '') {
  return post(`/api/appraisal/goal-sets/${goalSetId}/withdraw`, { comment }, W(`appraisal-withdraw-${goalSetId}`, '正在撤回'));
}

function requestChange(goalSetId, reason) {
  return post(`/api/appraisal/goal-sets/${goalSetId}/change-requests`, { reason }, W(`appraisal-change-${goalSetId}`));
}

// ---- review ----------------------------------------------------------------------------------

// comments: {key: text}; only the items with a comment are sent.
function reviewGoals(goalSetId, { decision, comment = '', comments = {}, version }) {
  const items = Object.keys(comments)
    .map((key) => ({ key, comment: String(comments[key] || '').trim() }))
    .filter((i) => i.comment);
  const body = { decision, comment: comment.trim(), items };
  if (version) body.version = version;
  return post(`/api/appraisal/goal-sets/${goalSetId}/review`, body, W(`appraisal-review-${goalSetId}`));
}

// ---- progress and self-assessment ------------------------------------------------------------

function reportProgress(goalSetId, { itemKey, reportedOn, percent, actualValue, note }) {
  const body = { item_key: itemKey, reported_on: reportedOn, note: (note || '').trim() };
  if (percent !== undefined && percent !== null && percent !== '') body.percent = Number(percent);
  if (actualValue !== undefined && actualValue !== null && actualValue !== '') body.actual_value = Number(actualValue);
  return post(`/api/appraisal/goal-sets/${goalSetId}/progress`, body, W(`appraisal-progress-${goalSetId}`));
}

function saveSelfAssessment(goalSetId, summaries) {
  const items = Object.keys(summaries).map((key) => ({ key, summary: summaries[key] || '' }));
  return request({
    url: `/api/appraisal/goal-sets/${goalSetId}/self-assessment`,
    method: 'PUT',
    data: { items },
    ...W(`appraisal-self-${goalSetId}`, '正在保存'),
  });
}

function submitSelfAssessment(goalSetId) {
  return post(`/api/appraisal/goal-sets/${goalSetId}/self-assessment/submit`, {}, W(`appraisal-self-submit-${goalSetId}`));
}

function upload(url, filePath) {
  return uploadFile(url, filePath, '佐证材料');
}

function uploadProgressEvidence(progressId, filePath) {
  return upload(`/api/appraisal/progress/${progressId}/attachments`, filePath);
}

function uploadSelfEvidence(goalSetId, itemKey, filePath) {
  return upload(`/api/appraisal/goal-sets/${goalSetId}/self-assessment/items/${itemKey}/attachments`, filePath);
}

// Photos from the album or the camera; [] when the person closes the picker.
function choosePhotos(count = 3) {
  return new Promise((resolve) => {
    wx.chooseMedia({
      count,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      success: (res) => resolve((res.tempFiles || []).map((f) => f.tempFilePath)),
      fail: () => resolve([]),
    });
  });
}

// ---- the working copy of a draft -------------------------------------------------------------
// The goals page and the item edit page share the draft being edited (not yet saved) here.

let working = null; // {goalSetId, version, items, dirty}

function setWorking(goalSetId, version, items, dirty = false) {
  working = { goalSetId, version, items: JSON.parse(JSON.stringify(items)), dirty };
  return working;
}

function getWorking(goalSetId) {
  return working && working.goalSetId === goalSetId ? working : null;
}

function putWorkingItem(goalSetId, index, item) {
  if (!working || working.goalSetId !== goalSetId) return null;
  const items = working.items.slice();
  if (index === null || index === undefined || index < 0 || index >= items.length) items.push(item);
  else items[index] = item;
  working = { ...working, items, dirty: true };
  return working;
}

function clearWorking() {
  working = null;
}

// ---- view helpers ----------------------------------------------------------------------------

function round2(n) {
  return Math.round(Number(n || 0) * 100) / 100;
}

function weightTotal(items) {
  return round2((items || []).reduce((s, i) => s + (Number(i.weight) || 0), 0));
}

// Why submit is not possible yet, in words (null when it is).
function submitBlocker(items, rules = {}) {
  const lo = rules.min_items || 3;
  const hi = rules.max_items || 10;
  const total = weightTotal(items);
  if (items.length < lo || items.length > hi) return `目标应为 ${lo} 至 ${hi} 项，当前 ${items.length} 项`;
  if (Math.abs(total - 100) > 0.001) return `各项权重合计应为 100，当前合计 ${total}`;
  const missing = items.findIndex((i) => !i.title || !(Number(i.weight) > 0)
    || (i.kind === 'qualitative' ? !i.criteria : (i.target === null || i.target === undefined || i.target === '' || !i.formula)));
  if (missing >= 0) return `第 ${missing + 1} 项还没有填写完整`;
  return null;
}

const FORMULA_OPTIONS = [
  { value: 'linear', label: '线性' },
  { value: 'capped', label: '线性封顶' },
  { value: 'threshold', label: '阶梯' },
];

const KIND_OPTIONS = [
  { value: 'quantitative', label: '定量' },
  { value: 'qualitative', label: '定性' },
];

const STATUS_THEME = {
  draft: 'default', submitted: 'warning', returned: 'danger', confirmed: 'success',
  rejected: 'danger', withdrawn: 'default', superseded: 'default',
};

// Plain words for the codes the pages explain themselves; the server's message otherwise.
const CODE_TEXT = {
  APPRAISAL_GOALS_STALE: '目标刚刚已被更新（可能在另一台设备上），已为您刷新为最新内容，请核对后再操作。',
  APPRAISAL_GOALS_LOCKED: '目标已确认并锁定，不能直接修改；如需调整请点“申请变更”。',
  APPROVAL_NOT_ASSIGNEE: '这一步已不需要您审核了，已为您刷新为最新状态。',
  APPROVAL_ALREADY_ACTED: '这份目标刚刚已由其他人处理（或已被本人撤回），已为您刷新为最新状态。',
  NETWORK: '网络连接失败，请检查网络后重试。',
};

function errorText(err) {
  if (!err) return '';
  if (CODE_TEXT[err.code]) return CODE_TEXT[err.code];
  if (err.code === 'APPRAISAL_PHASE_CLOSED' || err.code === 'APPRAISAL_PHASE_NOT_STARTED') return err.message;
  return err.message || '请求失败，请稍后重试';
}

// 422 field errors keyed items.N.field → {N: ['message', ...]} for the item cards.
function itemProblems(fields) {
  const out = {};
  Object.keys(fields || {}).forEach((k) => {
    const m = /^items\.(\d+)\./.exec(k);
    if (m) (out[m[1]] = out[m[1]] || []).push(fields[k]);
  });
  return out;
}

function num(v) {
  if (v === null || v === undefined || v === '') return '';
  return String(round2(v));
}

// An item as the cards show it.
function itemView(i, index) {
  const quantitative = i.kind !== 'qualitative';
  return {
    ...i,
    index,
    kindLabel: i.kind_label || (quantitative ? '定量' : '定性'),
    weightText: num(i.weight),
    targetText: quantitative && i.target !== null && i.target !== undefined ? `${num(i.target)}${i.unit_of_measure || ''}` : '',
    formulaText: i.formula_text || formulaText(i.formula, i.target, i.unit_of_measure),
    comments: (i.comments || []).map(commentView),
  };
}

function formulaText(f, target, unit = '') {
  if (!f || !f.type) return '';
  const t = target === null || target === undefined || target === '' ? '目标值' : `${num(target)}${unit}`;
  if (f.type === 'linear') return `线性：${num(f.floor || 0)}${unit} 得 0 分，${t} 得 100 分`;
  if (f.type === 'capped') return `线性封顶：${num(f.floor || 0)}${unit} 得 0 分，${t} 得 100 分，最高 ${num((f.cap || 1) * 100)} 分`;
  if (f.type === 'threshold') return `阶梯：${(f.steps || []).map((s) => `达到 ${num(s.at)}${unit} 得 ${num(s.score)} 分`).join('；')}`;
  return '';
}

function commentView(c) {
  return {
    id: c.id,
    who: `${c.step_name ? `${c.step_name} · ` : ''}${c.author ? c.author.name : ''}`,
    decision: c.decision_label || '',
    comment: c.comment,
    time: formatTime(c.created_at),
  };
}

function phaseView(p) {
  return { ...p, range: `${p.opens_on} 至 ${p.closes_on}`, stateLabel: { open: '进行中', closed: '已结束', not_started: '未开始' }[p.state] || '' };
}

// "before → after" for one diff field (numbers, dates, formulas in words come from the server).
function diffValue(v) {
  if (v === null || v === undefined || v === '') return '（空）';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

module.exports = {
  fetchMyCycles, fetchMyGoals, fetchGoalSet, fetchHistory, fetchDiff, fetchReviews, fetchProgress, fetchSelfAssessment,
  saveDraft, submitGoals, withdrawGoals, requestChange, reviewGoals,
  reportProgress, saveSelfAssessment, submitSelfAssessment, uploadProgressEvidence, uploadSelfEvidence, choosePhotos,
  setWorking, getWorking, putWorkingItem, clearWorking,
  itemBody, formulaBody, weightTotal, submitBlocker, itemProblems, itemView, formulaText, commentView, phaseView,
  diffValue, errorText, round2, FORMULA_OPTIONS, KIND_OPTIONS, STATUS_THEME,
  upload, // services/appraisal-scoring.js uploads review/appeal material through it
};
