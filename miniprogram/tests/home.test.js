// Home page: who I am, the summary cards, token expiry recovery, scan-to-sign-in entry.
const { backend, reset, loadPage, text, tap, toasts, signIn, session } = require('./support');
const { home, bound } = require('./support/fixtures');

const { ok, fail } = backend;
const PAGE = 'pages/home/index';

beforeEach(() => {
  reset();
  signIn('tok-1');
});

test('shows name, department, position and the cards', async () => {
  backend.on('GET /api/home', ok(home));
  const page = await loadPage(PAGE);
  const t = text(page);
  expect(t).toContain('张三');
  expect(t).toContain('办公室 · 科员');
  expect(t).toContain('市统计局');
  expect(t).toContain('今日考勤未打卡');
  expect(t).toContain('待我审批3 项');
  expect(t).toContain('我的目标2 项进行中');
  expect(t).toContain('消息5 条未读');
  expect(backend.calls[0].token).toBe('tok-1');
});

test('cards not yet filled by the backend show placeholders', async () => {
  backend.on('GET /api/home', ok({ me: home.me, cards: {} }));
  const page = await loadPage(PAGE);
  expect(text(page)).toContain('今日考勤去打卡');
  expect(text(page)).toContain('待我审批0 项');
});

test('expired token: re-login once and the retried request renders the page', async () => {
  signIn('tok-stale');
  backend.on('GET /api/home', (req) => (req.token === 'tok-fresh' ? ok(home) : fail(401, 'TOKEN_EXPIRED', '登录已过期，请重新登录')));
  backend.on('POST /api/auth/wechat', ok(bound('tok-fresh')));
  const page = await loadPage(PAGE);
  expect(wx.login).toHaveBeenCalledTimes(1);
  expect(backend.callsTo('GET /api/home').map((c) => c.token)).toEqual(['tok-stale', 'tok-fresh']);
  expect(session.getToken()).toBe('tok-fresh');
  expect(text(page)).toContain('张三');
  expect(wx.showToast).not.toHaveBeenCalled();
});

test('a backend error is shown as its Chinese message', async () => {
  backend.on('GET /api/home', fail(500, 'INTERNAL', '服务器开小差了，请稍后再试'));
  const page = await loadPage(PAGE);
  expect(toasts()).toEqual(['服务器开小差了，请稍后再试']);
  expect(text(page)).toContain('服务器开小差了，请稍后再试');
});

test('scanning the console QR opens the confirmation page', async () => {
  backend.on('GET /api/home', ok(home));
  global.__mj.scanResult = 'mingjing://admin-login?sid=s-123';
  const page = await loadPage(PAGE);
  await tap(page, '#scan-admin');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/admin-login-confirm/index?sid=s-123' });
});

test('scanning some other QR says so', async () => {
  backend.on('GET /api/home', ok(home));
  global.__mj.scanResult = 'https://example.invalid/whatever';
  const page = await loadPage(PAGE);
  await tap(page, '#scan-admin');
  expect(wx.navigateTo).not.toHaveBeenCalled();
  expect(toasts()).toEqual(['这不是明镜管理后台的登录二维码']);
});

test('扫码登录管理后台 shows only to people the console lets in (me.console)', async () => {
  backend.on('GET /api/home', ok({ ...home, me: { ...home.me, console: false } }));
  const page = await loadPage(PAGE);
  expect(text(page)).toContain('张三');
  expect(page.querySelector('#scan-admin')).toBeFalsy();
  expect(text(page)).not.toContain('扫码登录管理后台');
  backend.on('GET /api/home', ok(home));
  await page.instance.load();
  await require('./support').flush();
  expect(page.querySelector('#scan-admin')).toBeTruthy();
});
