// Helpers for the leave and approval tests: render pages of the package-leave subpackage (the
// shared harness maps npm components only for pages/, components/ and custom-tab-bar/), and
// sample payloads shaped like docs/approvals.md and handlers/leave.py.
const fs = require('fs');
const path = require('path');
const { ROOT, simulate, flush } = require('./support');

// A component that requires its own npm dependency (t-date-time-picker → dayjs) finds it in the
// nearest miniprogram_npm/ above it, as DevTools does; the shared harness resolves bare names
// from tests/support/, so wrap its loader to try the component's own folder first.
const simUtils = require('miniprogram-simulate/src/utils');
const sharedRunJs = simUtils.runJs;
const babel = require('@babel/core');
const compiled = new Map();
simUtils.runJs = (modulePath) => {
  const file = `${modulePath}.js`;
  if (!file.includes(`${path.sep}miniprogram_npm${path.sep}`) || !/require\("[^.]/.test(fs.readFileSync(file, 'utf8'))) {
    sharedRunJs(modulePath);
    return;
  }
  let code = compiled.get(file);
  if (!code) {
    code = babel.transformSync(fs.readFileSync(file, 'utf8'), {
      filename: file, babelrc: false, configFile: false, plugins: ['@babel/plugin-transform-modules-commonjs'],
    }).code;
    compiled.set(file, code);
  }
  const dir = path.dirname(file);
  const localRequire = (id) => {
    if (id.startsWith('.')) return require(path.resolve(dir, id));
    for (let d = dir; d.startsWith(ROOT) && d !== ROOT; d = path.dirname(d)) {
      const candidate = path.join(d, 'miniprogram_npm', id);
      for (const f of [candidate, `${candidate}.js`, path.join(candidate, 'index.js')]) {
        if (fs.existsSync(f) && fs.statSync(f).isFile()) return require(f);
      }
    }
    return require(id);
  };
  const module = { exports: {} };
  // eslint-disable-next-line no-new-func
  new Function('require', 'module', 'exports', '__filename', '__dirname', code)(localRequire, module, module.exports, file, dir);
};

function npmComponents(dirs) {
  const map = {};
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        const json = JSON.parse(fs.readFileSync(p, 'utf8'));
        for (const [tag, ref] of Object.entries(json.usingComponents || {})) {
          if (!ref.startsWith('/') && !ref.startsWith('.')) map[tag] = `/miniprogram_npm/${ref}`;
        }
      }
    }
  };
  dirs.forEach((d) => fs.existsSync(path.join(ROOT, d)) && walk(path.join(ROOT, d)));
  return map;
}
const USING = npmComponents(['pages', 'components', 'package-leave']);

async function loadAnyPage(route, query = {}) {
  const id = simulate.load(path.join(ROOT, route), { rootPath: ROOT, usingComponents: { ...USING } });
  const page = simulate.render(id);
  page.attach(document.createElement('parent-wrapper'));
  global.__mj.pages = [{ route }];
  if (page.instance.onLoad) page.instance.onLoad(query);
  if (page.instance.onShow) page.instance.onShow();
  await flush(8);
  return page;
}

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
