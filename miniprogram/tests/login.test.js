// Login and binding page: auto login, bind by phone / invite, conflicts → binding request.
const { backend, reset, loadPage, text, fire, tap, toasts, session, find } = require('./support');
const { bound, unbound } = require('./support/fixtures');
const config = require('../config');

const { ok, fail } = backend;
const PAGE = 'pages/login/index';

beforeEach(() => {
  reset();
  config.devLogin = false;
});

function unboundBackend() {
  backend.on('POST /api/auth/wechat', ok(unbound('tkt-1')));
  backend.on('GET /api/binding/requests', ok([]));
}

test('a bound WeChat goes straight to home', async () => {
  backend.on('POST /api/auth/wechat', ok(bound('tok-1')));
  await loadPage(PAGE);
  expect(backend.callsTo('POST /api/auth/wechat')[0].body).toEqual({ code: 'wx-code-1' });
  expect(session.getToken()).toBe('tok-1');
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' });
});

test('an unbound WeChat sees both ways to bind', async () => {
  unboundBackend();
  const page = await loadPage(PAGE);
  expect(text(page)).toContain('绑定您的人员身份');
  expect(text(page)).toContain('使用本机手机号绑定');
  expect(text(page)).toContain('扫描邀请二维码绑定');
  expect(session.getTicket().ticket).toBe('tkt-1');
  expect(text(page)).not.toContain('查看我的绑定申请进度');
});

test('bind by phone: phone code + ticket sent, token stored, home opened', async () => {
  unboundBackend();
  backend.on('POST /api/binding/phone', ok(bound('tok-phone')));
  const page = await loadPage(PAGE);
  await fire(page, '#phone-btn', 'getphonenumber', { code: 'phone-code-1', errMsg: 'getPhoneNumber:ok' });
  expect(backend.callsTo('POST /api/binding/phone')[0].body).toEqual({ ticket: 'tkt-1', phone_code: 'phone-code-1' });
  expect(session.getToken()).toBe('tok-phone');
  expect(session.getTicket()).toBeNull();
  expect(wx.reLaunch).toHaveBeenLastCalledWith({ url: '/pages/home/index' });
});

test('refusing the phone number gives a hint and sends nothing', async () => {
  unboundBackend();
  const page = await loadPage(PAGE);
  await fire(page, '#phone-btn', 'getphonenumber', { errMsg: 'getPhoneNumber:fail user deny' });
  expect(backend.callsTo('POST /api/binding/phone')).toHaveLength(0);
  expect(toasts()[0]).toContain('需要授权手机号');
});

const CONFLICTS = [
  ['BINDING_PHONE_BOUND_ELSEWHERE', 'bound_elsewhere', '该手机号已绑定其他微信', '已经绑定了另一个微信账号'],
  ['BINDING_PHONE_AMBIGUOUS', 'ambiguous', '手机号对应多条人员记录', '无法自动确认哪一位是您'],
  ['BINDING_NO_RECORD', 'no_record', '未找到您的人员记录', '没有登记手机号'],
];

test.each(CONFLICTS)('conflict %s: plain words, file a request, see its progress', async (code, kind, title, words) => {
  unboundBackend();
  backend.on('POST /api/binding/phone', fail(409, code, title, { conflict: kind, phone_masked: '138****1234' }));
  backend.on('POST /api/binding/requests', ok({ id: 41, status: 'open', conflict: kind, deadline_at: '2026-11-29T18:00:00+08:00', created_at: '2026-11-26T14:00:00+08:00' }, 201));
  const page = await loadPage(PAGE);
  await fire(page, '#phone-btn', 'getphonenumber', { code: 'pc' });

  // what happened, in plain words, with the masked phone; no error toast on top
  expect(text(page)).toContain(title);
  expect(text(page)).toContain(words);
  expect(text(page)).toContain('138****1234');
  expect(text(page)).toContain('提交绑定申请');
  expect(wx.showToast).not.toHaveBeenCalled();
  expect(session.getToken()).toBe('');

  await fire(page, '#name-input', 'change', { value: ' 张三 ' });
  await fire(page, '#employee-no-input', 'change', { value: 'E0007' });
  await fire(page, '#note-input', 'change', { value: '换了新手机' });
  await tap(page, '#request-submit-btn');

  expect(backend.callsTo('POST /api/binding/requests')[0].body).toEqual({
    ticket: 'tkt-1', conflict: kind, name: '张三', employee_no: 'E0007', note: '换了新手机',
  });
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/binding-request/index?id=41' });

  // the progress page it opens shows the new request
  backend.on('GET /api/binding/requests', ok([{
    id: 41, status: 'open', conflict: kind, deadline_at: '2099-11-29T18:00:00+08:00', created_at: '2026-11-26T14:00:00+08:00',
    resolution: null, resolved_at: null, steps: [{ at: '2026-11-26T14:00:00+08:00', text: '已提交申请，等待管理员核实' }],
  }]));
  const progress = await loadPage('pages/binding-request/index', { id: '41' });
  expect(backend.callsTo('GET /api/binding/requests').pop().query).toEqual({ ticket: 'tkt-1' });
  expect(text(progress)).toContain(title.slice(0, 4));
  expect(text(progress)).toContain('处理中');
  expect(text(progress)).toContain('已提交申请，等待管理员核实');
});

test('a binding request needs a name', async () => {
  unboundBackend();
  backend.on('POST /api/binding/phone', fail(409, 'BINDING_NO_RECORD', '未找到人员记录', { conflict: 'no_record', phone_masked: '139****0000' }));
  const page = await loadPage(PAGE);
  await fire(page, '#phone-btn', 'getphonenumber', { code: 'pc' });
  await tap(page, '#request-submit-btn');
  expect(toasts()).toEqual(['请填写姓名']);
  expect(backend.callsTo('POST /api/binding/requests')).toHaveLength(0);
});

test('tapping submit twice while the first is pending files one request', async () => {
  unboundBackend();
  backend.on('POST /api/binding/phone', fail(409, 'BINDING_PHONE_AMBIGUOUS', '手机号对应多条人员记录', { conflict: 'ambiguous', phone_masked: '138****1234' }));
  const held = backend.deferred();
  backend.on('POST /api/binding/requests', held.handler);
  const page = await loadPage(PAGE);
  await fire(page, '#phone-btn', 'getphonenumber', { code: 'pc' });
  await fire(page, '#name-input', 'change', { value: '李四' });
  await tap(page, '#request-submit-btn');
  await tap(page, '#request-submit-btn');
  held.release(ok({ id: 5, status: 'open' }, 201));
  await tap(page, '#name-input'); // let things settle
  expect(backend.callsTo('POST /api/binding/requests')).toHaveLength(1);
  expect(wx.navigateTo).toHaveBeenCalledTimes(1);
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/binding-request/index?id=5' });
});

test('going back from a conflict shows the binding choices again', async () => {
  unboundBackend();
  backend.on('POST /api/binding/phone', fail(409, 'BINDING_NO_RECORD', '未找到人员记录', { conflict: 'no_record', phone_masked: '139****0000' }));
  const page = await loadPage(PAGE);
  await fire(page, '#phone-btn', 'getphonenumber', { code: 'pc' });
  await tap(page, '#conflict-back-btn');
  expect(text(page)).toContain('使用本机手机号绑定');
  expect(text(page)).not.toContain('未找到您的人员记录');
});

test('bind by invite QR: scanned text sent as invite', async () => {
  unboundBackend();
  backend.on('POST /api/binding/invite', ok(bound('tok-inv')));
  global.__mj.scanResult = 'mingjing://invite?code=abc123';
  const page = await loadPage(PAGE);
  await tap(page, '#invite-btn');
  expect(backend.callsTo('POST /api/binding/invite')[0].body).toEqual({ ticket: 'tkt-1', invite: 'mingjing://invite?code=abc123' });
  expect(session.getToken()).toBe('tok-inv');
  expect(wx.reLaunch).toHaveBeenLastCalledWith({ url: '/pages/home/index' });
});

test('an expired invite shows the backend message as a toast', async () => {
  unboundBackend();
  backend.on('POST /api/binding/invite', fail(410, 'INVITE_EXPIRED', '邀请二维码已过期，请联系管理员重新生成'));
  global.__mj.scanResult = 'mingjing://invite?code=old';
  const page = await loadPage(PAGE);
  await tap(page, '#invite-btn');
  expect(toasts()).toEqual(['邀请二维码已过期，请联系管理员重新生成']);
  expect(text(page)).toContain('使用本机手机号绑定');
  expect(wx.reLaunch).not.toHaveBeenCalled();
});

test('an expired ticket is replaced by signing in again', async () => {
  backend.on('POST /api/auth/wechat', [ok(unbound('tkt-1')), ok(unbound('tkt-2'))]);
  backend.on('GET /api/binding/requests', ok([]));
  backend.on('POST /api/binding/phone', fail(401, 'TICKET_EXPIRED', '绑定凭证已过期，请重试'));
  const page = await loadPage(PAGE);
  await fire(page, '#phone-btn', 'getphonenumber', { code: 'pc' });
  expect(toasts()).toEqual(['绑定凭证已过期，请重试']);
  expect(wx.login).toHaveBeenCalledTimes(2);
  expect(session.getTicket().ticket).toBe('tkt-2');
  expect(text(page)).toContain('使用本机手机号绑定');
});

test('closing the scanner sends nothing', async () => {
  unboundBackend();
  const page = await loadPage(PAGE);
  await tap(page, '#invite-btn');
  expect(backend.callsTo('POST /api/binding/invite')).toHaveLength(0);
});

test('an existing request shows the progress link', async () => {
  backend.on('POST /api/auth/wechat', ok(unbound('tkt-1')));
  backend.on('GET /api/binding/requests', ok([{ id: 3, status: 'open', conflict: 'no_record' }]));
  const page = await loadPage(PAGE);
  expect(backend.callsTo('GET /api/binding/requests')[0].query).toEqual({ ticket: 'tkt-1' });
  expect(text(page)).toContain('查看我的绑定申请进度');
  await tap(page, '#requests-link');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/binding-request/index' });
});

test('a login error shows the message and can be retried', async () => {
  backend.on('POST /api/auth/wechat', [fail(400, 'WECHAT_CODE_INVALID', '微信登录凭证无效，请重试'), ok(bound('tok-2'))]);
  const page = await loadPage(PAGE);
  expect(toasts()).toEqual(['微信登录凭证无效，请重试']);
  expect(text(page)).toContain('登录没有成功');
  await tap(page, '#retry-btn');
  expect(wx.login).toHaveBeenCalledTimes(2);
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' });
});

test('after signing out the page waits for a tap', async () => {
  session.markSignedOut();
  backend.on('POST /api/auth/wechat', ok(bound('tok-3')));
  const page = await loadPage(PAGE);
  expect(text(page)).toContain('您已退出登录');
  expect(wx.login).not.toHaveBeenCalled();
  await tap(page, '#wechat-login-btn');
  expect(session.getToken()).toBe('tok-3');
  expect(session.isSignedOut()).toBe(false);
});

test('with a stored token it opens home without asking WeChat', async () => {
  session.setToken('tok-saved');
  await loadPage(PAGE);
  expect(wx.login).not.toHaveBeenCalled();
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' });
});

test('dev login form appears only with config.devLogin', async () => {
  unboundBackend();
  let page = await loadPage(PAGE);
  expect(page.querySelector('#dev-login')).toBeFalsy();

  config.devLogin = true;
  backend.on('POST /api/auth/dev', ok({ token: 'tok-dev', expires_at: '2026-12-01T08:00:00+08:00', me: {} }));
  page = await loadPage(PAGE);
  expect(text(page)).toContain('开发登录');
  await fire(page, '#dev-employee-no', 'change', { value: 'E0001' });
  await tap(page, '#dev-login-btn');
  expect(backend.callsTo('POST /api/auth/dev')[0].body).toEqual({ employee_no: 'E0001' });
  expect(session.getToken()).toBe('tok-dev');
});
