// 考核评分与结果 (docs/appraisal-scoring.md): a rater's score sheets (draft with version, submit,
// declare a conflict), my published result (per-item scores, objection, review and appeal with
// reasons and material, their deadlines) and my declared relationships (亲属关系, for recusal).
// Split from services/appraisal.js (past ~400 lines); the same request layer: every call goes
// through utils/request.js with toast: false (pages show errors themselves), writes carry an
// in-flight key so a second tap shares the first request, sheet writes carry the sheet's version
// (a replayed save answers 409 APPRAISAL_SHEET_STALE instead of writing twice).
const { request, get, post } = require('../utils/request');
const { upload, choosePhotos, round2 } = require('./appraisal');

const Q = { toast: false };
const W = (key, loading = '正在提交') => ({ key, loading, toast: false });

// ---- score sheets -------------------------------------------------------------------------------

function fetchMySheets({ cycleId, status } = {}) {
  const query = {};
  if (cycleId) query.cycle_id = cycleId;
  if (status) query.status = status;
  return get('/api/appraisal/my/sheets', query, Q);
}

function fetchSheet(id) {
  return get(`/api/appraisal/sheets/${id}`, undefined, Q);
}

function saveSheet(id, { version, entries }) {
  return request({
    url: `/api/appraisal/sheets/${id}`,
    method: 'PUT',
    data: { version, entries },
    ...W(`appraisal-sheet-save-${id}`, '正在保存'),
  });
}

function submitSheet(id, { version, entries }) {
  return post(`/api/appraisal/sheets/${id}/submit`, { version, entries }, W(`appraisal-sheet-submit-${id}`));
}

function recuseSheet(id, reason) {
  return post(`/api/appraisal/sheets/${id}/recuse`, { reason: reason.trim() }, W(`appraisal-sheet-recuse-${id}`));
}

// ---- my result, objections, reviews and appeals -------------------------------------------------

function fetchMyResult(cycleId, opts = {}) {
  return get(`/api/appraisal/cycles/${cycleId}/my-result`, undefined, { ...Q, ...opts });
}

function fetchObjections(cycleId) {
  return get(`/api/appraisal/cycles/${cycleId}/objections`, undefined, Q);
}

function fetchResultRequests(resultId) {
  return get(`/api/appraisal/results/${resultId}/requests`, undefined, Q);
}

function fileObjection(cycleId, text) {
  return post(`/api/appraisal/cycles/${cycleId}/objections`, { text: text.trim() }, W(`appraisal-objection-${cycleId}`));
}

function fileReview(resultId, reason) {
  return post(`/api/appraisal/results/${resultId}/reviews`, { reason: reason.trim() }, W(`appraisal-review-file-${resultId}`));
}

function fileAppeal(reviewId, reason) {
  return post(`/api/appraisal/reviews/${reviewId}/appeal`, { reason: reason.trim() }, W(`appraisal-appeal-file-${reviewId}`));
}

// Material for a review or appeal (multipart field "file"; JPG/PNG/PDF).
function uploadRequestFile(requestId, filePath) {
  return upload(`/api/appraisal/requests/${requestId}/attachments`, filePath);
}

// ---- relationships ------------------------------------------------------------------------------

function fetchRelationships() {
  return get('/api/appraisal/me/relationships', undefined, Q);
}

function declareRelationship({ employeeNo, name, kind, note }) {
  return post('/api/appraisal/me/relationships', {
    relative_employee_no: (employeeNo || '').trim(),
    relative_name: (name || '').trim(),
    kind,
    note: (note || '').trim(),
  }, W('appraisal-relationship-declare'));
}

function revokeRelationship(id) {
  return request({ url: `/api/appraisal/me/relationships/${id}`, method: 'DELETE', ...W(`appraisal-relationship-revoke-${id}`, '正在撤销') });
}

const RELATION_KINDS = [
  { value: 'spouse', label: '夫妻关系' },
  { value: 'blood', label: '直系血亲' },
  { value: 'in_law', label: '姻亲关系' },
  { value: 'close_kin', label: '近亲属' },
];

// ---- the sheet being scored ---------------------------------------------------------------------

const numText = (v) => (v === null || v === undefined || v === '' ? '' : String(round2(v)));

function parseScore(v) {
  const s = v === null || v === undefined ? '' : String(v).trim();
  if (s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : NaN;
}

// An entry (ScoreEntryOut) as the form edits it: a quantitative item keeps the formula's score
// unless the rater chose 调整 (or there is no actual value to score from).
function entryForm(e) {
  const quantitative = e.kind === 'quantitative';
  const adjusting = quantitative && (e.overridden || e.auto_score === null || e.auto_score === undefined);
  return {
    key: e.key,
    kind: e.kind,
    adjusting,
    score: quantitative && !adjusting ? '' : numText(e.score),
    justification: e.justification || '',
    override_reason: e.override_reason || '',
  };
}

// The body of one entry (ScoreEntryIn): only the fields of its kind.
function entryBody(form) {
  const score = parseScore(form.score);
  if (form.kind === 'quantitative') {
    if (!form.adjusting) return { key: form.key, score: null };
    return { key: form.key, score: Number.isNaN(score) ? null : score, override_reason: (form.override_reason || '').trim() };
  }
  return { key: form.key, score: Number.isNaN(score) ? null : score, justification: (form.justification || '').trim() };
}

// What the form can say before asking the server: the score's range, and for an adjusted
// formula score the written reason (≥ override_min_chars). The justification rule is the
// server's (shown as a hint, and its refusal per item).
function localProblems(form, entry, rule = {}, { submitting = false } = {}) {
  const out = [];
  const min = rule.override_min_chars || 10;
  const max = entry.max_score || 100;
  const score = parseScore(form.score);
  const needsScore = form.kind !== 'quantitative' || form.adjusting;
  if (needsScore && Number.isNaN(score)) out.push('分数须为数字');
  else if (needsScore && score !== null && (score < 0 || score > max)) out.push(`分数应在 0 至 ${numText(max)} 之间`);
  else if (needsScore && score === null && submitting) out.push('请填写分数');
  if (form.kind === 'quantitative' && form.adjusting && score !== null && !Number.isNaN(score)) {
    const same = entry.auto_score !== null && entry.auto_score !== undefined && Math.abs(score - entry.auto_score) <= 0.005;
    const len = (form.override_reason || '').trim().length;
    if (!same && len < min) out.push(`调整公式得分须写明理由，至少 ${min} 个字（已写 ${len} 个字），理由将向被考核人公开`);
  }
  return out;
}

// 422 fields of a save or submit → {key: ['message', ...]}: "entries.g1.justification" (by item
// key) or "entries.0.key" (by position in the sent entries).
function entryProblems(fields, sentKeys = []) {
  const out = {};
  Object.keys(fields || {}).forEach((k) => {
    const m = /^entries\.([^.]+)\.(\w+)$/.exec(k);
    if (!m) return;
    const key = /^\d+$/.test(m[1]) && sentKeys[Number(m[1])] !== undefined ? sentKeys[Number(m[1])] : m[1];
    (out[key] = out[key] || []).push(fields[k]);
  });
  return out;
}

// ---- words ---------------------------------------------------------------------------------------

// Days left until a deadline, as the pages show them.
function remainingText(days) {
  if (days === null || days === undefined) return '';
  if (days > 0) return `还剩 ${days} 天`;
  if (days === 0) return '今天截止';
  return `已超期 ${-days} 天`;
}

const CODE_TEXT = {
  APPRAISAL_SHEET_STALE: '评分表刚刚已被更新（可能在另一台设备上），已为您刷新为最新内容，请核对后再操作。',
  APPRAISAL_SHEET_SUBMITTED: '评分表已提交并锁定，不能再修改。',
  APPRAISAL_SHEET_RECUSED: '该评分表已回避，改由其他评分人评分。',
  APPRAISAL_RESULTS_NOT_PUBLISHED: '考核结果尚未公示。',
  NETWORK: '网络连接失败，请检查网络后重试。',
};

function errorText(err) {
  if (!err) return '';
  if (CODE_TEXT[err.code]) return CODE_TEXT[err.code];
  return err.message || '请求失败，请稍后重试';
}

module.exports = {
  fetchMySheets, fetchSheet, saveSheet, submitSheet, recuseSheet,
  fetchMyResult, fetchObjections, fetchResultRequests, fileObjection, fileReview, fileAppeal, uploadRequestFile,
  fetchRelationships, declareRelationship, revokeRelationship, choosePhotos,
  entryForm, entryBody, localProblems, entryProblems, parseScore, numText, remainingText, errorText,
  RELATION_KINDS,
};
