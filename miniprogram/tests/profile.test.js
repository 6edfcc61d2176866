// Profile page: masked record, unbind with a confirm dialog, sign out.
const { backend, reset, loadPage, text, tap, fire, signIn, session, find } = require('./support');
const { me } = require('./support/fixtures');

const { ok, fail } = backend;
const PAGE = 'pages/profile/index';

beforeEach(() => {
  reset();
  signIn('tok-1');
  backend.on('GET /api/me', ok(me));
});

test('shows my record with the masked phone and ID', async () => {
  const page = await loadPage(PAGE);
  const t = text(page);
  expect(t).toContain('姓名张三');
  expect(t).toContain('工号E0007');
  expect(t).toContain('手机号138****1234');
  expect(t).toContain('身份证号1101**********1234');
  expect(t).toContain('部门办公室');
  expect(t).toContain('职务科员');
  expect(t).toContain('职级一级科员');
  expect(t).toContain('兼职信息中心');
  expect(t).toContain('部门负责人');
});

test('unbind: the dialog asks first, confirm unbinds and returns to login', async () => {
  backend.on('POST /api/me/unbind', ok({ ok: true }));
  const page = await loadPage(PAGE);
  expect(text(page)).not.toContain('确定解除吗');
  await tap(page, '#unbind-btn');
  expect(text(page)).toContain('解除后，这个微信将不能再以您的身份登录明镜');
  expect(backend.callsTo('POST /api/me/unbind')).toHaveLength(0);

  await fire(page, '#unbind-dialog', 'confirm');
  expect(backend.callsTo('POST /api/me/unbind')).toHaveLength(1);
  expect(backend.callsTo('POST /api/me/unbind')[0].token).toBe('tok-1');
  expect(session.getToken()).toBe('');
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' });
});

test('unbind: cancel keeps everything', async () => {
  const page = await loadPage(PAGE);
  await tap(page, '#unbind-btn');
  await fire(page, '#unbind-dialog', 'cancel');
  expect(page.instance.data.unbindVisible).toBe(false);
  expect(backend.callsTo('POST /api/me/unbind')).toHaveLength(0);
  expect(session.getToken()).toBe('tok-1');
});

test('unbind refused by the backend: message shown, still signed in', async () => {
  backend.on('POST /api/me/unbind', fail(409, 'UNBIND_NOT_ALLOWED', '您有未完成的审批，暂不能解除绑定'));
  const page = await loadPage(PAGE);
  await tap(page, '#unbind-btn');
  await fire(page, '#unbind-dialog', 'confirm');
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '您有未完成的审批，暂不能解除绑定' }));
  expect(session.getToken()).toBe('tok-1');
  expect(wx.reLaunch).not.toHaveBeenCalled();
});

test('sign out: logout sent, token dropped, login page waits', async () => {
  backend.on('POST /api/auth/logout', ok({ ok: true }));
  const page = await loadPage(PAGE);
  await tap(page, '#logout-btn');
  expect(backend.callsTo('POST /api/auth/logout')[0].token).toBe('tok-1');
  expect(session.getToken()).toBe('');
  expect(session.isSignedOut()).toBe(true);
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' });
});

test('sign out still leaves when the server is unreachable', async () => {
  backend.on('POST /api/auth/logout', 'NETWORK_DOWN');
  const page = await loadPage(PAGE);
  await tap(page, '#logout-btn');
  expect(session.getToken()).toBe('');
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' });
});
