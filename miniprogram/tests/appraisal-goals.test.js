// 我的目标 (package-appraisal/goals) and the item edit page: rendering from the API's payloads,
// the live weight total with submit disabled and the reason, save / submit / resubmit / withdraw
// with the right bodies, review comments per item, the locked set's change request, and the
// phase gate's 409 and the 422 field errors shown in words.
const { backend, reset, text, fire, tap, toasts, signIn, flush } = require('./support');
const f = require('./appraisal-support');
const apr = require('../services/appraisal');

const { ok, fail } = backend;

beforeEach(() => {
  reset();
  signIn('tok-1');
  apr.clearWorking();
  backend.on('GET /api/appraisal/my/cycles', ok([f.myCycle()]));
  backend.on('GET /api/appraisal/reviews', { status: 200, body: { data: [], page: 1, total: 0 } });
});

const confirmAll = () => { wx.showModal = jest.fn((o) => o.success({ confirm: true })); };

test('my draft: cycle, phase, items with kind, weight, target, criteria and due date; total 100 allows submit', async () => {
  backend.on('GET /api/appraisal/cycles/4/my-goals', ok(f.myGoals()));
  const page = await f.loadApr('goals', { cycle_id: '4' });
  const t = text(page);
  expect(t).toContain('2026 年度考核');
  expect(t).toContain('目标设定：2026-02-02 至 2026-03-13');
  expect(t).toContain('目标设定 · 进行中');
  expect(t).toContain('1. 办理政务服务事项');
  expect(t).toContain('权重 40 · 完成时限 2026-12-31');
  expect(t).toContain('目标值 1000件 · 数据来源 政务服务系统');
  expect(t).toContain('线性：600件 得 0 分，1000件 得 100 分');
  expect(t).toContain('完成标准：按时报送，差错不超过 2 处');
  expect(t).toContain('权重合计 100');
  expect(page.querySelector('#weight-total').dom.className).toContain('ok');
  expect(page.querySelector('#submit-btn').instance.data.disabled).toBe(false);
  expect(page.querySelector('#submit-blocker')).toBeFalsy();
  expect(page.querySelector('#change-btn')).toBeFalsy();
  expect(backend.callsTo('GET /api/appraisal/cycles/4/my-goals')).toHaveLength(1);
});

test('weights not summing to 100: total in red, submit disabled with the reason; removing an item updates it live', async () => {
  confirmAll();
  backend.on('GET /api/appraisal/cycles/4/my-goals', ok(f.myGoals()));
  const page = await f.loadApr('goals', { cycle_id: '4' });
  await tap(page, '#remove-2');
  const t = text(page);
  expect(t).toContain('目标项（2 项）');
  expect(t).toContain('权重合计 70');
  expect(page.querySelector('#weight-total').dom.className).toContain('danger');
  expect(t).toContain('暂不能提交：目标应为 3 至 10 项，当前 2 项');
  expect(page.querySelector('#submit-btn').instance.data.disabled).toBe(true);
  expect(page.querySelector('#save-btn').instance.data.disabled).toBe(false);
  // nothing sent yet: the removal is in the working copy until 保存草稿
  expect(backend.callsTo('PUT /api/appraisal/goal-sets/21/draft')).toHaveLength(0);
});

test('edit page: weight change is live on the goals page, save sends the whole draft with version', async () => {
  backend.on('GET /api/appraisal/cycles/4/my-goals', ok(f.myGoals()));
  const page = await f.loadApr('goals', { cycle_id: '4' });
  // the item edit page works on the same working copy
  const edit = await f.loadApr('goal-edit', { goal_set_id: '21', index: '0' });
  expect(text(edit)).toContain('其他各项权重合计 60');
  await fire(edit, '#weight-input', 'change', { value: '50' });
  expect(text(edit)).toContain('本项保存后权重合计 110');
  await tap(edit, '#item-ok');
  expect(wx.navigateBack).toHaveBeenCalled();
  page.instance.onShow();
  await flush(10);
  expect(text(page)).toContain('权重合计 110');
  expect(text(page)).toContain('暂不能提交：各项权重合计应为 100，当前合计 110');
  expect(page.querySelector('#submit-btn').instance.data.disabled).toBe(true);

  const saved = f.goalSet({ version: 4, current: f.version({ items: f.items().map((i) => (i.key === 'g1' ? { ...i, weight: 50 } : i)) }) });
  backend.on('PUT /api/appraisal/goal-sets/21/draft', ok({ ...saved, check: { weight_total: 110, item_count: 3, ready: false, problems: {} } }));
  await tap(page, '#save-btn');
  const put = backend.callsTo('PUT /api/appraisal/goal-sets/21/draft');
  expect(put).toHaveLength(1);
  expect(put[0].body.version).toBe(3);
  expect(put[0].body.items).toHaveLength(3);
  expect(put[0].body.items[0]).toEqual({
    key: 'g1', title: '办理政务服务事项', description: '窗口受理与办结', kind: 'quantitative', weight: 50, due_date: '2026-12-31',
    target: 1000, unit_of_measure: '件', data_source: '政务服务系统', formula: { type: 'linear', floor: 600 },
  });
  expect(put[0].body.items[1]).toMatchObject({ key: 'g2', kind: 'qualitative', criteria: '按时报送，差错不超过 2 处', weight: 30 });
  expect(put[0].body.items[1].target).toBeUndefined();
  expect(text(page)).toContain('草稿已保存');
});

test('new qualitative item and a threshold formula on the edit page', async () => {
  const w = apr.setWorking(21, 3, f.items().slice(0, 2));
  expect(w.items).toHaveLength(2);
  const edit = await f.loadApr('goal-edit', { goal_set_id: '21', index: '-1' });
  expect(text(edit)).toContain('添加目标项');
  await fire(edit, '#title-input', 'change', { value: '信息公开' });
  await fire(edit, '#kind-group', 'change', { value: 'qualitative' });
  expect(edit.querySelector('#criteria-input')).toBeTruthy();
  expect(edit.querySelector('#target-input')).toBeFalsy();
  await tap(edit, '#item-ok');
  expect(text(edit)).toContain('定性目标须填写完成标准');
  await fire(edit, '#criteria-input', 'change', { value: '每月更新' });
  await fire(edit, '#weight-input', 'change', { value: '30' });
  await tap(edit, '#item-ok');
  const after = apr.getWorking(21);
  expect(after.dirty).toBe(true);
  expect(after.items).toHaveLength(3);
  expect(after.items[2]).toMatchObject({ title: '信息公开', kind: 'qualitative', criteria: '每月更新', weight: 30 });

  // a quantitative one with threshold steps
  const edit2 = await f.loadApr('goal-edit', { goal_set_id: '21', index: '0' });
  await fire(edit2, '#formula-group', 'change', { value: 'threshold' });
  await fire(edit2, '#step-at-0', 'change', { value: '800' });
  await fire(edit2, '#step-score-0', 'change', { value: '60' });
  await tap(edit2, '#add-step');
  await fire(edit2, '#step-at-1', 'change', { value: '1000' });
  await fire(edit2, '#step-score-1', 'change', { value: '100' });
  expect(text(edit2)).toContain('阶梯：达到 800件 得 60 分；达到 1000件 得 100 分');
  await tap(edit2, '#item-ok');
  expect(apr.itemBody(apr.getWorking(21).items[0]).formula).toEqual({ type: 'threshold', steps: [{ at: 800, score: 60 }, { at: 1000, score: 100 }] });
});

test('submit sends the version; then the page shows 审核中 and 撤回', async () => {
  backend.on('GET /api/appraisal/cycles/4/my-goals', ok(f.myGoals()));
  backend.on('POST /api/appraisal/goal-sets/21/submit', ok(f.submittedSet()));
  const page = await f.loadApr('goals', { cycle_id: '4' });
  await tap(page, '#submit-btn');
  const calls = backend.callsTo('POST /api/appraisal/goal-sets/21/submit');
  expect(calls).toHaveLength(1);
  expect(calls[0].body).toEqual({ version: 3 });
  expect(backend.callsTo('PUT /api/appraisal/goal-sets/21/draft')).toHaveLength(0); // nothing unsaved
  const t = text(page);
  expect(t).toContain('已提交，等待部门负责人审核');
  expect(t).toContain('审核中');
  expect(t).toContain('当前环节：部门负责人审核（李科长）');
  expect(page.querySelector('#submit-btn')).toBeFalsy();
  expect(page.querySelector('#edit-0')).toBeFalsy();
  expect(page.querySelector('#withdraw-btn')).toBeTruthy();
});

test('withdraw asks first, then posts', async () => {
  confirmAll();
  backend.on('GET /api/appraisal/cycles/4/my-goals', ok(f.myGoals(f.submittedSet())));
  backend.on('POST /api/appraisal/goal-sets/21/withdraw', ok(f.goalSet({ version: 5 })));
  const page = await f.loadApr('goals', { cycle_id: '4' });
  await tap(page, '#withdraw-btn');
  expect(wx.showModal).toHaveBeenCalled();
  expect(backend.callsTo('POST /api/appraisal/goal-sets/21/withdraw')[0].body).toEqual({ comment: '' });
  expect(text(page)).toContain('已撤回');
  expect(page.querySelector('#submit-btn')).toBeTruthy();
});

test('returned: overall and per-item review comments shown; fix the weight, resubmit saves then submits', async () => {
  backend.on('GET /api/appraisal/cycles/4/my-goals', ok(f.myGoals(f.returnedSet())));
  const page = await f.loadApr('goals', { cycle_id: '4' });
  let t = text(page);
  expect(t).toContain('退回修改');
  expect(t).toContain('请按逐项意见修改');
  expect(page.querySelector('#item-0').dom.textContent).toContain('部门负责人审核 · 李科长 退回修改');
  expect(page.querySelector('#item-0').dom.textContent).toContain('目标值偏低，请提高到 1200 件');
  expect(t).toContain('权重合计 90');
  expect(page.querySelector('#submit-btn').instance.data.disabled).toBe(true);
  expect(t).toContain('修改完成，重新提交');

  const edit = await f.loadApr('goal-edit', { goal_set_id: '21', index: '0' });
  expect(text(edit)).toContain('目标值偏低，请提高到 1200 件'); // the comment beside the field
  await fire(edit, '#target-input', 'change', { value: '1200' });
  await fire(edit, '#weight-input', 'change', { value: '40' });
  await tap(edit, '#item-ok');
  page.instance.onShow();
  await flush(10);
  t = text(page);
  expect(t).toContain('权重合计 100');
  expect(page.querySelector('#submit-btn').instance.data.disabled).toBe(false);

  const saved = f.returnedSet();
  saved.version = 6;
  saved.current.items[0] = { ...saved.current.items[0], target: 1200, weight: 40 };
  backend.on('PUT /api/appraisal/goal-sets/21/draft', ok({ ...saved, check: { weight_total: 100, item_count: 3, ready: true, problems: {} } }));
  backend.on('POST /api/appraisal/goal-sets/21/submit', ok(f.submittedSet()));
  await tap(page, '#submit-btn');
  const put = backend.callsTo('PUT /api/appraisal/goal-sets/21/draft');
  expect(put).toHaveLength(1);
  expect(put[0].body.version).toBe(5);
  expect(put[0].body.items[0]).toMatchObject({ key: 'g1', target: 1200, weight: 40 });
  expect(backend.callsTo('POST /api/appraisal/goal-sets/21/submit')[0].body).toEqual({ version: 6 });
  expect(text(page)).toContain('已重新提交，等待审核');
});

test('a locked (confirmed) set: lock, no edit buttons, 申请变更 with a reason → the change draft', async () => {
  backend.on('GET /api/appraisal/cycles/4/my-goals', ok(f.myGoals(f.confirmedSet(), 'closed')));
  backend.on('POST /api/appraisal/goal-sets/21/change-requests', { status: 201, body: { data: f.changeDraftSet() } });
  const page = await f.loadApr('goals', { cycle_id: '4' });
  let t = text(page);
  expect(t).toContain('已确认');
  expect(t).toContain('目标已确认并锁定，不能直接修改；如需调整，请申请变更。');
  expect(page.querySelector('#lock-icon')).toBeTruthy();
  expect(page.querySelector('#edit-0')).toBeFalsy();
  expect(page.querySelector('#add-btn')).toBeFalsy();
  expect(page.querySelector('#submit-btn')).toBeFalsy();
  expect(page.querySelector('#open-progress')).toBeTruthy();

  await tap(page, '#change-btn');
  await tap(page, '#change-submit');
  expect(text(page)).toContain('请填写变更原因');
  expect(backend.callsTo('POST /api/appraisal/goal-sets/21/change-requests')).toHaveLength(0);
  await fire(page, '#change-reason', 'change', { value: '任务调整' });
  await tap(page, '#change-submit');
  expect(backend.callsTo('POST /api/appraisal/goal-sets/21/change-requests')[0].body).toEqual({ reason: '任务调整' });
  t = text(page);
  expect(t).toContain('已生成变更草稿（第 2 版）');
  expect(t).toContain('审核通过前，已确认的第 1 版继续有效');
  expect(t).toContain('变更原因：任务调整');
  expect(page.querySelector('#edit-0')).toBeTruthy(); // the new draft version, not the confirmed one
});

test('the phase gate: 409 APPRAISAL_PHASE_CLOSED is shown in words, no toast', async () => {
  backend.on('GET /api/appraisal/cycles/4/my-goals', ok(f.myGoals()));
  backend.on('POST /api/appraisal/goal-sets/21/submit', fail(409, 'APPRAISAL_PHASE_CLOSED', '目标设定阶段已结束；如确需补办，请联系人事部门为您重新开放', { phase: 'goal_setting' }));
  const page = await f.loadApr('goals', { cycle_id: '4' });
  await tap(page, '#submit-btn');
  expect(page.querySelector('#notice').dom.textContent).toContain('目标设定阶段已结束；如确需补办，请联系人事部门为您重新开放');
  expect(toasts()).toEqual([]);
});

test('422 from submit: the message and each item\'s field errors are shown on the item', async () => {
  backend.on('GET /api/appraisal/cycles/4/my-goals', ok(f.myGoals()));
  backend.on('POST /api/appraisal/goal-sets/21/submit', fail(422, 'APPRAISAL_GOALS_INVALID', '有 1 处填写有误', { 'items.1.due_date': '完成时限应在 2026 年内' }));
  const page = await f.loadApr('goals', { cycle_id: '4' });
  await tap(page, '#submit-btn');
  expect(page.querySelector('#notice').dom.textContent).toContain('有 1 处填写有误');
  expect(page.querySelector('#item-1').dom.textContent).toContain('完成时限应在 2026 年内');
});

test('a stale version (409) reloads the goal set and says why', async () => {
  backend.on('GET /api/appraisal/cycles/4/my-goals', ok(f.myGoals()));
  backend.on('POST /api/appraisal/goal-sets/21/submit', fail(409, 'APPRAISAL_GOALS_STALE', '目标已被更新，请刷新后重试'));
  const page = await f.loadApr('goals', { cycle_id: '4' });
  await tap(page, '#submit-btn');
  expect(text(page)).toContain('目标刚刚已被更新');
  expect(backend.callsTo('GET /api/appraisal/cycles/4/my-goals')).toHaveLength(2);
});

test('a load failure shows the message and a retry that works', async () => {
  backend.on('GET /api/appraisal/my/cycles', [fail(503, 'UNAVAILABLE', '服务暂时不可用，请稍后重试'), ok([f.myCycle()])]);
  backend.on('GET /api/appraisal/cycles/4/my-goals', ok(f.myGoals()));
  const page = await f.loadApr('goals');
  expect(page.querySelector('#load-error').dom.textContent).toContain('服务暂时不可用，请稍后重试');
  await tap(page, '#retry-btn');
  await flush(10);
  expect(page.querySelector('#load-error')).toBeFalsy();
  expect(text(page)).toContain('办理政务服务事项');
});

test('no cycle: says so; two cycles: a chooser', async () => {
  backend.on('GET /api/appraisal/my/cycles', ok([]));
  let page = await f.loadApr('goals');
  expect(text(page)).toContain('您目前没有参加的考核');

  backend.on('GET /api/appraisal/my/cycles', ok([f.myCycle(), f.myCycle({ id: 5, name: '2026 年第一季度平时考核' })]));
  backend.on('GET /api/appraisal/cycles/4/my-goals', ok(f.myGoals()));
  backend.on('GET /api/appraisal/cycles/5/my-goals', ok(f.myGoals(null, 'not_started')));
  page = await f.loadApr('goals');
  await tap(page, '#cycle-5');
  await flush(10);
  expect(backend.callsTo('GET /api/appraisal/cycles/5/my-goals')).toHaveLength(1);
  expect(text(page)).toContain('目标设定阶段尚未开始');
});

test('a leader with goal sets waiting sees the 目标审核 entry', async () => {
  backend.on('GET /api/appraisal/reviews', { status: 200, body: { data: [f.reviewRow()], page: 1, total: 2 } });
  backend.on('GET /api/appraisal/cycles/4/my-goals', ok(f.myGoals()));
  const page = await f.loadApr('goals', { cycle_id: '4' });
  expect(text(page)).toContain('目标审核：2 份待我审核');
});
