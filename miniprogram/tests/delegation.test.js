// 委托审批 (issue 15): from 我的 and the 审批 tab; find a colleague by name, pick dates, delegate;
// my delegations given and received, 撤销 for mine; the server's refusals beside the form.
const { backend, reset, text, tap, fire, flush, signIn, loadPage } = require('./support');
const { me } = require('./support/fixtures');

const { ok, fail } = backend;
jest.setTimeout(30000);
const PAGE = 'package-profile/delegation/index';
const open = () => loadPage(PAGE, { me: '7' }, { rounds: 8 });

const delegation = (over = {}) => ({
  id: 3, delegator: { id: 7, name: '张三' }, delegate: { id: 8, name: '李四' }, start: '2026-03-02', end: '2099-03-06',
  revoked: false, active_today: true, created_at: '2026-03-01T09:00:00+08:00', ...over,
});

beforeEach(() => {
  reset();
  signIn('tok-1');
  backend.on('GET /api/me', ok(me));
});

test('lists delegations given and received with their state; 撤销 only on mine', async () => {
  backend.on('GET /api/approvals/delegations', ok([
    delegation(),
    delegation({ id: 4, delegator: { id: 9, name: '王五' }, delegate: { id: 7, name: '张三' } }),
    delegation({ id: 5, revoked: true, active_today: false }),
  ]));
  const page = await open();
  const t = text(page);
  expect(t).toContain('委托 李四 代我审批');
  expect(t).toContain('王五 委托我代为审批');
  expect(t).toContain('生效中');
  expect(t).toContain('已撤销');
  expect(page.querySelectorAll('.revoke-btn')).toHaveLength(1);
});

test('find a colleague, pick dates, delegate: the body, the hand-over count, the list reloaded', async () => {
  backend.on('GET /api/approvals/delegations', [ok([]), ok([delegation()])]);
  backend.on('GET /api/me/colleagues', (req) => ok(req.query.q === '李' ? [{ id: 8, name: '李四', department: { id: 3, name: '办公室' } }] : []));
  backend.on('POST /api/approvals/delegations', ok({ ...delegation(), handed_over: [21, 22] }, 201));
  const page = await open();
  expect(text(page)).toContain('暂无委托');
  await tap(page, '#create-btn');
  expect(text(page)).toContain('请先查找并选择受托人');
  await fire(page, '#delegate-search', 'change', { value: '李' });
  await flush();
  expect(backend.callsTo('GET /api/me/colleagues')[0].query.q).toBe('李');
  expect(text(page)).toContain('李四');
  await tap(page, '.candidate');
  expect(text(page)).toContain('委托给 李四');
  page.instance.setData({ start: '2026-03-02', end: '2026-03-06' });
  await tap(page, '#create-btn');
  await flush(8);
  const calls = backend.callsTo('POST /api/approvals/delegations');
  expect(calls).toHaveLength(1);
  expect(calls[0].body).toEqual({ delegate_id: 8, start: '2026-03-02', end: '2026-03-06' });
  expect(calls[0].header['Idempotency-Key']).toBeTruthy();
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已委托，2 条待审批已转给李四' }));
  expect(text(page)).toContain('委托 李四 代我审批');
});

test('no colleague found says so; the server refusal shows beside the form', async () => {
  backend.on('GET /api/approvals/delegations', ok([]));
  backend.on('GET /api/me/colleagues', (req) => ok(req.query.q === '李' ? [{ id: 8, name: '李四', department: null }] : []));
  backend.on('POST /api/approvals/delegations', fail(422, 'DELEGATION_RANGE_INVALID', '委托期限应在一年以内且未过期', { end: '应不早于今天，且期限不超过一年' }));
  const page = await open();
  await fire(page, '#delegate-search', 'change', { value: '赵' });
  await flush();
  expect(text(page)).toContain('本单位没有找到姓名含“赵”的同事');
  await fire(page, '#delegate-search', 'change', { value: '李' });
  await flush();
  await tap(page, '.candidate');
  page.instance.setData({ start: '2026-03-02', end: '2028-03-06' });
  await tap(page, '#create-btn');
  await flush(8);
  expect(text(page)).toContain('应不早于今天，且期限不超过一年');
  expect(wx.showToast).not.toHaveBeenCalled();
});

test('撤销 after a confirm hands the approvals back', async () => {
  backend.on('GET /api/approvals/delegations', [ok([delegation()]), ok([delegation({ revoked: true, active_today: false })])]);
  backend.on('DELETE /api/approvals/delegations/3', ok({ ...delegation({ revoked: true }), handed_back: [21] }));
  wx.showModal.mockImplementationOnce((opts) => opts.success({ confirm: true }));
  const page = await open();
  await tap(page, '.revoke-btn');
  await flush(8);
  expect(backend.callsTo('DELETE /api/approvals/delegations/3')).toHaveLength(1);
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已撤销，1 条审批已交还给您' }));
  expect(text(page)).toContain('已撤销');
});

test('我的 and the 审批 tab open the delegation page', async () => {
  backend.on('GET /api/reminders/settings', ok({ clock_in: true, wechat: true, bound: true, templates: [], subscriptions: [] }));
  const profile = await loadPage('pages/profile/index');
  await fire(profile, '#open-delegation', 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/package-profile/delegation/index?me=7' }));
  backend.on('GET /api/approvals', ok([]));
  const inbox = await loadPage('pages/approvals/index');
  await tap(inbox, '#open-delegation');
  expect(wx.navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: '/package-profile/delegation/index' }));
});
