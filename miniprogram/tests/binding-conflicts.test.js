// Invite binding conflicts: the record is bound to another WeChat (a binding request can be filed)
// and this WeChat is bound to someone else (no request: plain words and a way back).
const { backend, reset, loadPage, text, fire, tap, toasts } = require('./support');
const { unbound } = require('./support/fixtures');
const binding = require('../services/binding');
const config = require('../config');

const { ok, fail } = backend;
const PAGE = 'pages/login/index';
jest.setTimeout(30000);

beforeEach(() => {
  reset();
  config.devLogin = false;
  backend.on('POST /api/auth/wechat', ok(unbound('tkt-1')));
  backend.on('GET /api/binding/requests', ok([]));
  global.__mj.scanResult = 'mingjing://invite?code=abc';
});

test('describeConflict knows both new conflicts', () => {
  expect(binding.CONFLICT_CODES).toEqual(expect.arrayContaining(['BINDING_RECORD_BOUND_ELSEWHERE', 'BINDING_WECHAT_IN_USE']));
  expect(binding.describeConflict('record_bound_elsewhere')).toMatchObject({ title: '您的人员记录已绑定其他微信', canRequest: true });
  expect(binding.describeConflict('wechat_in_use')).toMatchObject({ title: '当前微信已绑定其他人员', canRequest: false });
  expect(binding.describeConflict('bound_elsewhere', '138****0001').canRequest).toBe(true);
});

test('invite for a record bound elsewhere: plain words, then the binding request is filed', async () => {
  backend.on('POST /api/binding/invite', fail(409, 'BINDING_RECORD_BOUND_ELSEWHERE', '该人员记录已绑定其他微信，可提交绑定申请由管理员核实处理', { conflict: 'record_bound_elsewhere', phone_masked: '138****0001' }));
  backend.on('POST /api/binding/requests', ok({ id: 21, status: 'open' }, 201));
  const page = await loadPage(PAGE);
  await tap(page, '#invite-btn');
  expect(toasts()).toEqual([]);
  expect(text(page)).toContain('您的人员记录已绑定其他微信');
  expect(text(page)).toContain('请提交绑定申请');
  await fire(page, '#name-input', 'change', { value: '张三' });
  await tap(page, '#request-submit-btn');
  expect(backend.callsTo('POST /api/binding/requests')[0].body).toEqual({ ticket: 'tkt-1', conflict: 'record_bound_elsewhere', name: '张三' });
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/binding-request/index?id=21' });
});

test('this WeChat already bound to another person: explained, no request form', async () => {
  backend.on('POST /api/binding/invite', fail(409, 'BINDING_WECHAT_IN_USE', '该微信已绑定其他人员记录，请先在原账号中解除绑定'));
  const page = await loadPage(PAGE);
  await tap(page, '#invite-btn');
  expect(toasts()).toEqual([]);
  expect(text(page)).toContain('当前微信已绑定其他人员');
  expect(text(page)).toContain('解除绑定');
  expect(page.querySelector('#request-submit-btn')).toBeFalsy();
  await tap(page, '#conflict-back-btn');
  expect(text(page)).toContain('绑定您的人员身份');
});

test('the same code from phone binding is explained too', async () => {
  backend.on('POST /api/binding/phone', fail(409, 'BINDING_WECHAT_IN_USE', '该微信已绑定其他人员记录'));
  const page = await loadPage(PAGE);
  await fire(page, '#phone-btn', 'getphonenumber', { code: 'pc-1' });
  expect(toasts()).toEqual([]);
  expect(text(page)).toContain('当前微信已绑定其他人员');
});
