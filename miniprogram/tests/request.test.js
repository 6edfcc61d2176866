// The request layer: token header, 401 → one re-login → retry, error toasts, loading, in-flight guard.
const { backend, reset, flush, toasts, signIn, session } = require('./support');
const { request, get, post } = require('../utils/request');
const { bound, unbound } = require('./support/fixtures');

const { ok, fail } = backend;

beforeEach(reset);

test('sends the stored token as a Bearer header and unwraps data', async () => {
  signIn('tok-abc');
  backend.on('GET /api/me', (req) => ok({ name: '张三', token: req.token }));
  const data = await get('/api/me');
  expect(data).toEqual({ name: '张三', token: 'tok-abc' });
  expect(backend.calls[0].header.Authorization).toBe('Bearer tok-abc');
  expect(wx.request.mock.calls[0][0].url).toBe('http://127.0.0.1:8000/api/me');
});

test('shows the backend Chinese message as a toast and rejects with code and fields', async () => {
  backend.on('POST /api/leave', fail(422, 'LEAVE_BALANCE_INSUFFICIENT', '年休假余额不足', { days: '超出 2 天' }));
  const err = await post('/api/leave', { days: 5 }).catch((e) => e);
  expect(err.code).toBe('LEAVE_BALANCE_INSUFFICIENT');
  expect(err.status).toBe(422);
  expect(err.fields).toEqual({ days: '超出 2 天' });
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '年休假余额不足', icon: 'none' }));
});

test('quiet codes and toast:false skip the toast', async () => {
  backend.on('POST /api/x', fail(409, 'SOME_CONFLICT', '冲突'));
  await post('/api/x', {}, { quietCodes: ['SOME_CONFLICT'] }).catch(() => {});
  await post('/api/x', { a: 1 }, { toast: false }).catch(() => {});
  expect(wx.showToast).not.toHaveBeenCalled();
});

test('a non-envelope failure and a network failure still give Chinese toasts', async () => {
  backend.on('GET /api/a', { status: 502, body: '<html>Bad Gateway</html>' });
  backend.on('GET /api/b', 'NETWORK_DOWN');
  await get('/api/a').catch(() => {});
  await get('/api/b').catch(() => {});
  expect(toasts()).toEqual(['服务暂时不可用（502）', '网络连接失败，请检查网络后重试']);
});

test('expired token: re-login once, store the new token, retry the request', async () => {
  signIn('tok-old');
  backend.on('GET /api/me', (req) => (req.token === 'tok-new' ? ok({ name: '张三' }) : fail(401, 'TOKEN_EXPIRED', '登录已过期')));
  backend.on('POST /api/auth/wechat', ok(bound('tok-new')));
  const data = await get('/api/me');
  expect(data).toEqual({ name: '张三' });
  expect(wx.login).toHaveBeenCalledTimes(1);
  expect(backend.callsTo('POST /api/auth/wechat')[0].body).toEqual({ code: 'wx-code-1' });
  expect(backend.callsTo('GET /api/me').map((c) => c.token)).toEqual(['tok-old', 'tok-new']);
  expect(session.getToken()).toBe('tok-new');
  expect(wx.showToast).not.toHaveBeenCalled();
});

test('two requests hitting 401 together share one re-login', async () => {
  signIn('tok-old');
  const answer = (req) => (req.token === 'tok-new' ? ok({ ok: true }) : fail(401, 'TOKEN_EXPIRED', '登录已过期'));
  backend.on('GET /api/me', answer);
  backend.on('GET /api/home', answer);
  backend.on('POST /api/auth/wechat', ok(bound('tok-new')));
  await Promise.all([get('/api/me'), get('/api/home')]);
  expect(wx.login).toHaveBeenCalledTimes(1);
});

test('re-login finds this WeChat unbound: keep the ticket and go to the login page', async () => {
  signIn('tok-old');
  backend.on('GET /api/me', fail(401, 'AUTH_REQUIRED', '请先登录'));
  backend.on('POST /api/auth/wechat', ok(unbound('tkt-9')));
  const err = await get('/api/me').catch((e) => e);
  expect(err.status).toBe(401);
  expect(session.getToken()).toBe('');
  expect(session.getTicket().ticket).toBe('tkt-9');
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' });
  expect(backend.callsTo('GET /api/me')).toHaveLength(1);
});

test('retries only once: a second 401 is not followed by another re-login', async () => {
  signIn('tok-old');
  backend.on('GET /api/me', fail(401, 'TOKEN_EXPIRED', '登录已过期'));
  backend.on('POST /api/auth/wechat', ok(bound('tok-new')));
  const err = await get('/api/me').catch((e) => e);
  expect(err.code).toBe('TOKEN_EXPIRED');
  expect(wx.login).toHaveBeenCalledTimes(1);
  expect(backend.callsTo('GET /api/me')).toHaveLength(2);
  expect(toasts()).toEqual(['登录已过期']);
});

test('double submission of the same form returns the same promise and sends once', async () => {
  const held = backend.deferred();
  backend.on('POST /api/binding/requests', held.handler);
  const body = { ticket: 't', conflict: 'no_record', name: '张三' };
  const first = post('/api/binding/requests', body);
  const second = post('/api/binding/requests', body);
  expect(second).toBe(first);
  const keyed = request({ url: '/api/binding/requests', method: 'POST', data: { ...body, note: 'x' }, key: 'POST /api/binding/requests {"ticket":"t","conflict":"no_record","name":"张三"}' });
  expect(keyed).toBe(first);
  held.release(ok({ id: 1 }, 201));
  await expect(first).resolves.toEqual({ id: 1 });
  expect(backend.callsTo('POST /api/binding/requests')).toHaveLength(1);
  // once settled, the same form can be sent again
  backend.on('POST /api/binding/requests', ok({ id: 2 }, 201));
  await expect(post('/api/binding/requests', body)).resolves.toEqual({ id: 2 });
});

test('writes show a loading mask until the answer arrives', async () => {
  const held = backend.deferred();
  backend.on('POST /api/me/unbind', held.handler);
  signIn();
  const p = post('/api/me/unbind', {}, { loading: '正在解除绑定' });
  await flush();
  expect(wx.showLoading).toHaveBeenCalledWith({ title: '正在解除绑定', mask: true });
  expect(wx.hideLoading).not.toHaveBeenCalled();
  held.release(ok({ ok: true }));
  await p;
  expect(wx.hideLoading).toHaveBeenCalledTimes(1);
});

describe('poor network (issue 15)', () => {
  test('every write carries its own Idempotency-Key; reads carry none', async () => {
    backend.on('POST /api/x', ok({}));
    backend.on('GET /api/y', ok({}));
    await post('/api/x', { a: 1 });
    await post('/api/x', { a: 2 });
    await get('/api/y');
    const [k1, k2] = backend.callsTo('POST /api/x').map((c) => c.header['Idempotency-Key']);
    expect(k1).toMatch(/^[A-Za-z0-9._:-]{8,100}$/);
    expect(k2).toMatch(/^[A-Za-z0-9._:-]{8,100}$/);
    expect(k1).not.toBe(k2);
    expect(backend.callsTo('GET /api/y')[0].header['Idempotency-Key']).toBeUndefined();
  });

  test('a write lost to the network asks 重试 and resends with the same key', async () => {
    backend.on('POST /api/leave/requests', ['NETWORK_DOWN', ok({ id: 7 }, 201)]);
    wx.showModal.mockImplementationOnce((opts) => opts.success({ confirm: true }));
    const data = await post('/api/leave/requests', { type: 'annual' });
    expect(data).toEqual({ id: 7 });
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '网络连接失败', confirmText: '重试' }));
    const keys = backend.callsTo('POST /api/leave/requests').map((c) => c.header['Idempotency-Key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(wx.showToast).not.toHaveBeenCalled();
  });

  test('取消 after a lost write rejects quietly; a timeout says so', async () => {
    backend.on('POST /api/x', 'NETWORK_DOWN');
    const err = await post('/api/x', {}).catch((e) => e);
    expect(err.code).toBe('NETWORK');
    expect(err.cancelled).toBe(true);
    expect(wx.showToast).not.toHaveBeenCalled();
    expect(backend.callsTo('POST /api/x')).toHaveLength(1);

    wx.request.mockImplementationOnce((opts) => { setTimeout(() => opts.fail({ errMsg: 'request:fail timeout' }), 0); });
    const slow = await get('/api/slow').catch((e) => e);
    expect(slow.timeout).toBe(true);
    expect(toasts()).toEqual(['网络较慢，请求超时，请检查网络后重试']);
  });

  test('pages that show errors themselves (toast:false) get the error, no modal', async () => {
    backend.on('POST /api/x', 'NETWORK_DOWN');
    const err = await post('/api/x', {}, { toast: false }).catch((e) => e);
    expect(err.code).toBe('NETWORK');
    expect(wx.showModal).not.toHaveBeenCalled();
  });
});

test('a page that retries a lost write itself (toast:false) sends the same key; a changed body or an answer starts afresh', async () => {
  backend.on('POST /api/attendance/punch', ['NETWORK_DOWN', ok({ id: 1 }, 201), ok({ id: 2 }, 201)]);
  const body = { lat: 1, lng: 2 };
  await post('/api/attendance/punch', body, { toast: false }).catch(() => {});
  await post('/api/attendance/punch', body, { toast: false });
  await post('/api/attendance/punch', body, { toast: false });
  const keys = backend.callsTo('POST /api/attendance/punch').map((c) => c.header['Idempotency-Key']);
  expect(keys[0]).toBe(keys[1]);
  expect(keys[2]).not.toBe(keys[1]);
});
