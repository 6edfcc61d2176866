// Fixtures for the scoring, result and relationship pages (package-appraisal/score*, result,
// relationships): payloads shaped like the API contract's models in
// handlers/schemas/appraisal/{scoring,results,relationships}.py (SheetOut, SheetRowOut, RecuseOut,
// MyResultOut, RequestOut, ObjectionOut, RelationshipOut). Every declared field is present.

const RULE_TEXT = '评分依据去掉套话后不少于 15 个字，并写明至少一项具体事实：日期（如 3月5日、三季度）、带单位的数字（如 46件、95%）'
  + '或用《》“”标明的文件、活动。只写“表现良好”“工作认真”之类的套话不予接受。';

const cycle = { id: 4, name: '2026 年度考核', year: 2026, kind: 'annual' };
const participant = { id: 7, name: '张三', employee_no: 'E0007', department_name: '办公室' };
const rater = { id: 9, name: '李科长', employee_no: 'E0009', department_name: '办公室' };

// ScoreEntryOut
function entry(over = {}) {
  return {
    key: 'g1', title: '办理政务服务事项', kind: 'quantitative', weight: 40, criteria: '', target: 1000,
    unit_of_measure: '件', formula_text: '线性：600件 得 0 分，1000件 得 100 分', actual_value: 820,
    value_reported_on: '2026-11-30', value_source: 'system', auto_score: 55, max_score: 100, score: 55,
    justification: '', override_reason: '', overridden: false, problems: [], ...over,
  };
}

function qualitative(over = {}) {
  return entry({
    key: 'g2', title: '完成年度统计报表', kind: 'qualitative', weight: 60, criteria: '按时报送，差错不超过 2 处', target: null,
    unit_of_measure: '', formula_text: '', actual_value: null, value_reported_on: null, value_source: null, auto_score: null,
    score: null, problems: [{ field: 'score', code: 'APPRAISAL_SCORE_MISSING', message: '请填写分数' },
      { field: 'justification', code: 'APPRAISAL_JUSTIFICATION_EMPTY', message: '请填写评分依据' }],
    ...over,
  });
}

// SheetOut
function sheet(over = {}) {
  return {
    id: 61, cycle, participant, rater, role: 'leader', role_label: '领导评分', weight: 70, status: 'pending',
    status_label: '待评分', recusal: null, goal_version_id: 31, goals_confirmed: true, items: [entry(), qualitative()],
    total: null, submitted_at: null, version: 1, updated_at: '2026-12-14T09:00:00+08:00',
    rule: { text: RULE_TEXT, min_chars: 15, require_fact: true, override_min_chars: 10 },
    can: { edit: true, submit: true, recuse: true },
    ...over,
  };
}

function submittedSheet() {
  return sheet({
    status: 'submitted', status_label: '已提交', version: 3, total: 87.2, submitted_at: '2026-12-15T10:30:00+08:00',
    can: { edit: false, submit: false, recuse: false },
    items: [
      entry({ score: 70, overridden: true, override_reason: '系统漏记 11 月窗口办件 150 件，按台账补计' }),
      qualitative({ score: 98, justification: '3月5日牵头完成《年度统计报表》，全年报送 12 期无差错', problems: [] }),
    ],
  });
}

// SheetRowOut
function sheetRow(over = {}) {
  return {
    id: 61, cycle, participant, rater, role: 'leader', role_label: '领导评分', weight: 70, status: 'pending',
    status_label: '待评分', total: null, submitted_at: null, updated_at: '2026-12-14T09:00:00+08:00', ...over,
  };
}

// ---- results ----

const T = '2026-12-28';

// RequestOut
function request(over = {}) {
  return {
    id: 81, kind: 'review', kind_label: '复核', cycle_id: 4, result_id: 41, parent_id: null,
    staff: { id: 7, name: '张三' }, reason: '第 2 项已按时报送 12 期，评分依据与台账不符', status: 'pending',
    status_label: '办理中', filed_on: '2026-12-30', due_on: '2027-01-29', remaining_days: 20, overdue: false,
    instance_id: 91, decision: '', adjusted_total: null, adjusted_grade: '', adjusted_grade_label: '',
    decided_by: null, decided_on: null, attachments: [], created_at: '2026-12-30T09:00:00+08:00', ...over,
  };
}

const win = (ends_on, remaining_days) => ({ ends_on, remaining_days, open: remaining_days >= 0 });

// MyResultOut
function myResult(over = {}) {
  return {
    id: 41, cycle_id: 4, staff: { id: 7, name: '张三', employee_no: '' }, department_id: 3, department_name: null,
    total: 84.5, proposed_grade: 'competent', proposed_grade_label: '称职', grade: 'competent', grade_label: '称职',
    adjusted_total: null, adjusted_grade: '', effective_grade: 'competent', effective_grade_label: '称职',
    status: 'published', status_label: '公示中', note: '', pending_sheets: 0,
    periodic: [], flags: [], published_on: T, publication_ends_on: '2027-01-05', confirmed_at: '2026-12-27T10:00:00+08:00',
    cycle: { id: 4, name: '2026 年度考核', kind: 'annual', year: 2026, status: 'launched' },
    publication: { state: 'publishing', published_on: T, ends_on: '2027-01-05', remaining_days: 3 },
    sheets: [
      { role: 'leader', role_label: '领导评分', rater: '李科长', weight: 70, total: 87.2, items: [
        { key: 'g1', title: '办理政务服务事项', kind: 'quantitative', weight: 40, score: 70, auto_score: 55,
          justification: '', override_reason: '系统漏记 11 月窗口办件 150 件，按台账补计' },
        { key: 'g2', title: '完成年度统计报表', kind: 'qualitative', weight: 60, score: 98, auto_score: null,
          justification: '3月5日牵头完成《年度统计报表》，全年报送 12 期无差错', override_reason: '' },
      ] },
      { role: 'peer', role_label: '同事评分', rater: '同事 A', weight: 20, total: 80, items: [
        { key: 'g1', title: '办理政务服务事项', kind: 'quantitative', weight: 40, score: 55, auto_score: 55, justification: '', override_reason: '' },
        { key: 'g2', title: '完成年度统计报表', kind: 'qualitative', weight: 60, score: 96.7, auto_score: null,
          justification: '二季度协助整理报表 3 期', override_reason: '' },
      ] },
    ],
    requests: [],
    review_window: win('2027-01-27', 30),
    appeal_window: null,
    can: { object: true, review: true, appeal: false },
    ...over,
  };
}

// ObjectionOut
function objection(over = {}) {
  return {
    id: 51, cycle_id: 4, filed_by: { id: 7, name: '张三' }, about: null, text: '办公室优秀人选的公示名单与投票结果不一致',
    status: 'open', status_label: '待答复', answer: '', answered_by: null, answered_at: null,
    created_at: '2026-12-29T09:00:00+08:00', ...over,
  };
}

// ---- relationships ----

// RelationshipOut
function relationship(over = {}) {
  return {
    id: 11, kind: 'spouse', kind_label: '夫妻关系', note: '', source: 'self', source_label: '本人申报', direction: 'declared',
    relative: { id: 12, name: '王芳', employee_no: 'E0012', department_name: '财务科' }, declared_by: '张三',
    created_at: '2026-03-01T09:00:00+08:00', revoked_at: null, revoked_by: null, active: true, ...over,
  };
}

module.exports = {
  RULE_TEXT, entry, qualitative, sheet, submittedSheet, sheetRow, request, myResult, objection, relationship, win,
};
