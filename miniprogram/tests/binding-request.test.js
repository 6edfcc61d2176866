// Binding request progress page: status tag, deadline, resolution, steps, refresh and polling.
const { backend, reset, loadPage, text, tap, session, flush } = require('./support');
const { bound, unbound } = require('./support/fixtures');

const { ok } = backend;
const PAGE = 'pages/binding-request/index';

const openRequest = {
  id: 41,
  status: 'open',
  conflict: 'bound_elsewhere',
  deadline_at: '2099-11-29T18:00:00+08:00',
  created_at: '2026-11-26T14:05:00+08:00',
  resolution: null,
  resolved_at: null,
  steps: [{ at: '2026-11-26T14:05:00+08:00', text: '已提交申请，等待管理员核实' }],
};

const resolvedRequest = {
  ...openRequest,
  status: 'resolved',
  resolution: '已核实为本人，旧微信已解绑并绑定当前微信',
  resolved_at: '2026-11-27T09:30:00+08:00',
  steps: [...openRequest.steps, { at: '2026-11-27T09:30:00+08:00', text: '管理员王五已处理' }],
};

beforeEach(() => {
  reset();
  session.setTicket('tkt-1', '2026-11-26T18:00:00+08:00');
});

afterEach(() => jest.restoreAllMocks());

test('shows status, deadline and steps of an open request', async () => {
  backend.on('GET /api/binding/requests', ok([openRequest]));
  const page = await loadPage(PAGE, { id: '41' });
  expect(backend.callsTo('GET /api/binding/requests')[0].query).toEqual({ ticket: 'tkt-1' });
  const t = text(page);
  expect(t).toContain('该手机号已绑定其他微信');
  expect(t).toContain('处理中');
  expect(t).toContain('申请编号 41');
  expect(t).toContain('提交时间2026-11-26 14:05');
  expect(t).toMatch(/处理期限.*2099-11-29 18:00/);
  expect(t).toContain('已提交申请，等待管理员核实');
  expect(t).not.toContain('处理结果');
  expect(page.querySelector('#relogin-btn')).toBeFalsy();
});

test('an overdue open request says so', async () => {
  backend.on('GET /api/binding/requests', ok([{ ...openRequest, deadline_at: '2020-01-01T18:00:00+08:00' }]));
  const page = await loadPage(PAGE);
  expect(text(page)).toContain('已超过处理期限，请联系单位管理员');
});

test('refresh shows the resolution, then signing in again opens home', async () => {
  backend.on('GET /api/binding/requests', [ok([openRequest]), ok([resolvedRequest])]);
  backend.on('POST /api/auth/wechat', ok(bound('tok-after')));
  const page = await loadPage(PAGE, { id: '41' });
  expect(text(page)).toContain('处理中');

  await tap(page, '#refresh-btn');
  const t = text(page);
  expect(t).toContain('已处理');
  expect(t).toContain('处理结果已核实为本人，旧微信已解绑并绑定当前微信');
  expect(t).toContain('处理时间2026-11-27 09:30');
  expect(t).toContain('管理员王五已处理');

  await tap(page, '#relogin-btn');
  expect(session.getToken()).toBe('tok-after');
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' });
});

test('a rejected request shows the reason', async () => {
  backend.on('GET /api/binding/requests', ok([{ ...openRequest, status: 'rejected', resolution: '姓名与登记信息不符', resolved_at: '2026-11-27T10:00:00+08:00' }]));
  const page = await loadPage(PAGE);
  expect(text(page)).toContain('未通过');
  expect(text(page)).toContain('姓名与登记信息不符');
});

test('polls while shown and stops when hidden', async () => {
  const intervals = [];
  jest.spyOn(global, 'setInterval').mockImplementation((fn, ms) => { intervals.push({ fn, ms }); return intervals.length; });
  const cleared = jest.spyOn(global, 'clearInterval').mockImplementation(() => {});
  backend.on('GET /api/binding/requests', [ok([openRequest]), ok([resolvedRequest])]);
  const page = await loadPage(PAGE);
  expect(intervals).toHaveLength(1);
  expect(intervals[0].ms).toBe(15000);

  intervals[0].fn();
  await flush();
  expect(backend.callsTo('GET /api/binding/requests')).toHaveLength(2);
  expect(text(page)).toContain('已处理');

  // nothing open any more: the next tick does not call the backend
  intervals[0].fn();
  await flush();
  expect(backend.callsTo('GET /api/binding/requests')).toHaveLength(2);

  page.instance.onHide();
  expect(cleared).toHaveBeenCalled();
});

test('pull-down refresh reloads and stops the spinner', async () => {
  backend.on('GET /api/binding/requests', ok([openRequest]));
  const page = await loadPage(PAGE);
  await page.instance.onPullDownRefresh();
  expect(backend.callsTo('GET /api/binding/requests')).toHaveLength(2);
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
});

test('no ticket: explains and offers to sign in again', async () => {
  session.clearTicket();
  backend.on('POST /api/auth/wechat', ok(unbound('tkt-2')));
  backend.on('GET /api/binding/requests', ok([]));
  const page = await loadPage(PAGE);
  expect(text(page)).toContain('登录凭证已过期');
  expect(backend.callsTo('GET /api/binding/requests')).toHaveLength(0);
});

test('no requests yet', async () => {
  backend.on('GET /api/binding/requests', ok([]));
  const page = await loadPage(PAGE);
  expect(text(page)).toContain('暂无绑定申请');
});
