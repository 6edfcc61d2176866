// Scan-to-sign-in confirmation for the admin console.
const { backend, reset, loadPage, text, tap, signIn, toasts, flush } = require('./support');
const { parseAdminLoginQr } = require('../services/auth');

const { ok, fail } = backend;
const PAGE = 'pages/admin-login-confirm/index';

const scanned = { sid: 's-123', expires_at: '2026-11-26T14:32:00+08:00', ip: '10.2.3.4', user_agent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/120' };

beforeEach(() => {
  reset();
  signIn('tok-1');
  backend.on('POST /api/auth/qr-login/scan', ok(scanned));
});

test('parses the console QR text', () => {
  expect(parseAdminLoginQr('mingjing://admin-login?sid=abc')).toBe('abc');
  expect(parseAdminLoginQr(' mingjing://admin-login?v=1&sid=a%2Bb ')).toBe('a+b');
  expect(parseAdminLoginQr('https://mingjing/admin-login?sid=abc')).toBeNull();
  expect(parseAdminLoginQr('')).toBeNull();
});

test('?sid= reports the scan and asks the question with the browser details', async () => {
  const page = await loadPage(PAGE, { sid: 's-123' });
  expect(backend.callsTo('POST /api/auth/qr-login/scan')[0]).toMatchObject({ body: { sid: 's-123' }, token: 'tok-1' });
  const t = text(page);
  expect(t).toContain('在电脑上登录明镜管理后台?');
  expect(t).toContain('10.2.3.4');
  expect(t).toContain('Chrome/120');
  expect(t).toContain('2026-11-26 14:32');
});

test('confirm signs the console in', async () => {
  backend.on('POST /api/auth/qr-login/confirm', ok({ ok: true }));
  const page = await loadPage(PAGE, { sid: 's-123' });
  await tap(page, '#confirm-btn');
  expect(backend.callsTo('POST /api/auth/qr-login/confirm')[0].body).toEqual({ sid: 's-123' });
  expect(text(page)).toContain('已确认登录');
  await tap(page, '#done-btn');
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' });
});

test('a double tap on confirm sends one request', async () => {
  const held = backend.deferred();
  backend.on('POST /api/auth/qr-login/confirm', held.handler);
  const page = await loadPage(PAGE, { sid: 's-123' });
  await tap(page, '#confirm-btn');
  await tap(page, '#confirm-btn');
  held.release(ok({ ok: true }));
  await flush();
  expect(backend.callsTo('POST /api/auth/qr-login/confirm')).toHaveLength(1);
  expect(text(page)).toContain('已确认登录');
});

test('cancel tells the console no', async () => {
  backend.on('POST /api/auth/qr-login/cancel', ok({ ok: true }));
  const page = await loadPage(PAGE, { sid: 's-123' });
  await tap(page, '#cancel-btn');
  expect(backend.callsTo('POST /api/auth/qr-login/cancel')[0].body).toEqual({ sid: 's-123' });
  expect(text(page)).toContain('已取消登录');
  expect(backend.callsTo('POST /api/auth/qr-login/confirm')).toHaveLength(0);
});

test('an expired QR shows the backend message on the page', async () => {
  backend.on('POST /api/auth/qr-login/scan', fail(410, 'QR_LOGIN_EXPIRED', '二维码已过期，请在电脑上刷新'));
  const page = await loadPage(PAGE, { sid: 's-old' });
  expect(text(page)).toContain('无法完成登录');
  expect(text(page)).toContain('二维码已过期，请在电脑上刷新');
  expect(page.querySelector('#confirm-btn')).toBeFalsy();
});

test('a failed confirm keeps the question and shows the message', async () => {
  backend.on('POST /api/auth/qr-login/confirm', fail(409, 'QR_LOGIN_STATE', '该登录请求已处理'));
  const page = await loadPage(PAGE, { sid: 's-123' });
  await tap(page, '#confirm-btn');
  expect(toasts()).toEqual(['该登录请求已处理']);
  expect(text(page)).toContain('在电脑上登录明镜管理后台?');
});

test('without a sid nothing is sent', async () => {
  const page = await loadPage(PAGE, {});
  expect(backend.calls).toHaveLength(0);
  expect(text(page)).toContain('二维码内容不完整');
});
