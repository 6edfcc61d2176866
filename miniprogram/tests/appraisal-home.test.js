// The 考核 entry points outside the subpackage: the home tile (only for someone taking part in a
// cycle) and the 审批 detail of a goal approval linking to the item-by-item review.
const { backend, reset, text, tap, signIn, toasts, loadPage } = require('./support');
const { home } = require('./support/fixtures');
const f = require('./appraisal-support');
const { instance } = require('./leave-support');

const { ok, fail } = backend;

beforeEach(() => {
  reset();
  signIn('tok-1');
});

const placeholderHome = { ...home, cards: { ...home.cards, goals: { text: '暂无' } } };

test('home: a participant sees the tile with the phase and the goal state; tapping opens 我的目标', async () => {
  backend.on('GET /api/home', ok(placeholderHome));
  backend.on('GET /api/appraisal/my/cycles', ok([f.myCycle({ goal_set: { id: 21, status: 'returned', change_pending: false } })]));
  const homePage = await loadPage('pages/home/index');
  expect(text(homePage)).toContain('我的目标目标设定 · 目标被退回');
  await tap(homePage, '#card-goals');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/package-appraisal/goals/index?cycle_id=4' });
});

test('home: no cycle and the placeholder card → no tile, and no toast for it', async () => {
  backend.on('GET /api/home', ok(placeholderHome));
  backend.on('GET /api/appraisal/my/cycles', ok([]));
  const page = await loadPage('pages/home/index');
  expect(page.querySelector('#card-goals')).toBeFalsy();
  expect(text(page)).not.toContain('我的目标');

  backend.on('GET /api/appraisal/my/cycles', fail(503, 'UNAVAILABLE', '服务暂时不可用'));
  const again = await loadPage('pages/home/index');
  expect(again.querySelector('#card-goals')).toBeFalsy();
  expect(toasts()).toEqual([]);
});

test('审批 detail of a goal approval: the set in brief and a link to the item-by-item review', async () => {
  const subject = {
    goal_set_id: 21, version_id: 31, version_no: 1, kind: 'initial', kind_label: '初始目标', reason: '',
    cycle: { id: 4, name: '2026 年度考核' }, owner: { id: 7, name: '张三' }, weight_total: 100,
    items: f.items().map((i) => ({ key: i.key, title: i.title, kind: i.kind, weight: i.weight, target: i.target,
      unit_of_measure: i.unit_of_measure, criteria: i.criteria, formula_text: i.formula_text })),
  };
  backend.on('GET /api/approvals/51', ok(instance({ id: 51, kind: 'appraisal_goals', kind_title: '工作目标', subject_id: 31,
    summary: '2026 年度考核 工作目标', subject, can: { approve: true, reject: true, return: true, transfer: false, withdraw: false, resubmit: false, comment: true, cc: true } })));
  const page = await loadPage('pages/approvals/detail/index', { id: '51' });
  expect(text(page)).toContain('2026 年度考核 · 初始目标（第 1 版）· 3 项，权重合计 100');
  await tap(page, '#open-goal-review');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/package-appraisal/review-detail/index?goal_set_id=21' });
});

test('审批 detail of leave: no goal link', async () => {
  backend.on('GET /api/approvals/9', ok(instance()));
  const page = await loadPage('pages/approvals/detail/index', { id: '9' });
  expect(page.querySelector('#open-goal-review')).toBeFalsy();
});
