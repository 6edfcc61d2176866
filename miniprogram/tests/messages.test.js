// Inbox (消息), unread badge, notification settings in the profile, subscription requests at
// natural moments (wx.requestSubscribeMessage, at most three templates per tap).
const { backend, reset, loadPage, text, tap, fire, signIn, flush } = require('./support');
const { me, home } = require('./support/fixtures');
const { getUnreadBadge } = require('../utils/tab-bar');

const { ok } = backend;

const LIST = [
  { id: 3, kind: 'approval.overdue', title: '待审批已超过 8 个工作小时', body: '年休假 2 天', link: '/pages/approvals/detail/index?id=7', data: null, read: false, created_at: '2025-03-13T10:00:00+08:00' },
  { id: 2, kind: 'attendance.clock_in', title: '上班打卡提醒', body: '', link: '/pages/attendance-clock/index', data: null, read: false, created_at: '2025-03-12T08:50:00+08:00' },
  { id: 1, kind: 'binding.request', title: '新的微信绑定申请待处理', body: '', link: '/admin/binding/requests/1', data: null, read: true, created_at: '2025-03-11T09:00:00+08:00' },
];

function inbox(items = LIST, unread = 2) {
  return () => ({ status: 200, body: { data: items, page: 1, total: items.length, unread } });
}

const SETTINGS = {
  clock_in: true, wechat: true, bound: true,
  templates: [
    { event: 'approval.result', label: '审批结果', template_id: 'T1', long_term: false },
    { event: 'approval.overdue', label: '审批催办', template_id: 'T2', long_term: false },
    { event: 'attendance.clock_in', label: '上班打卡提醒', template_id: 'T3', long_term: false },
    { event: 'binding.resolved', label: '绑定申请结果', template_id: 'T4', long_term: true },
  ],
  subscriptions: [],
};

beforeEach(() => {
  reset();
  signIn('tok-1');
  backend.on('GET /api/messages', inbox());
  backend.on('POST /api/messages/3/read', ok({ ok: true }));
  backend.on('POST /api/messages/2/read', ok({ ok: true }));
  backend.on('POST /api/messages/read-all', ok({ ok: true }));
  backend.on('GET /api/me', ok(me));
  backend.on('GET /api/reminders/settings', ok(SETTINGS));
  wx.requestSubscribeMessage = jest.fn((opts) => {
    const res = { errMsg: 'requestSubscribeMessage:ok' };
    opts.tmplIds.forEach((id) => { res[id] = id === 'T2' ? 'reject' : 'accept'; });
    opts.success(res);
  });
});

test('the inbox lists every notice with the unread count and the badge', async () => {
  const page = await loadPage('pages/messages/index');
  const t = text(page);
  expect(t).toContain('2 条未读');
  expect(t).toContain('待审批已超过 8 个工作小时');
  expect(t).toContain('上班打卡提醒');
  expect(t).toContain('新的微信绑定申请待处理');
  expect(getUnreadBadge()).toBe(2);
  expect(page.querySelectorAll('.dot')).toHaveLength(2);
});

test('tapping a notice marks it read and opens its page (tab pages switch tab)', async () => {
  const page = await loadPage('pages/messages/index');
  await tap(page, '#message-3');
  expect(backend.callsTo('POST /api/messages/3/read')).toHaveLength(1);
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/approvals/detail/index?id=7' });
  expect(text(page)).toContain('1 条未读');
  expect(getUnreadBadge()).toBe(1);
  await tap(page, '#message-2');
  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/attendance-clock/index' });
  // A console link cannot open in the mini-program; an already read notice is not marked again.
  wx.navigateTo.mockClear();
  await tap(page, '#message-1');
  expect(wx.navigateTo).not.toHaveBeenCalled();
  expect(backend.callsTo('POST /api/messages/1/read')).toHaveLength(0);
});

test('all read clears the count and the badge', async () => {
  const page = await loadPage('pages/messages/index');
  await fire(page, '#read-all-btn', 'tap');
  expect(backend.callsTo('POST /api/messages/read-all')).toHaveLength(1);
  expect(text(page)).toContain('0 条未读');
  expect(page.querySelectorAll('.dot')).toHaveLength(0);
  expect(getUnreadBadge()).toBe(0);
});

test('the home card shows unread messages, sets the badge and opens the inbox', async () => {
  backend.on('GET /api/home', ok({ ...home, cards: { ...home.cards, messages: { unread: 5 } } }));
  backend.on('GET /api/approvals/count', ok({ waiting: 0 }));
  const page = await loadPage('pages/home/index');
  expect(text(page)).toContain('5 条未读');
  expect(getUnreadBadge()).toBe(5);
  await tap(page, '#card-messages');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/messages/index' });
});

test('profile: notification switches save at once; clock-in opt-out', async () => {
  backend.on('PUT /api/reminders/settings', (req) => ok({ ...SETTINGS, ...req.body }));
  const page = await loadPage('pages/profile/index');
  expect(text(page)).toContain('上班打卡提醒');
  expect(text(page)).toContain('尚未订阅');
  await fire(page, '#switch-clock-in', 'change', { value: false });
  const calls = backend.callsTo('PUT /api/reminders/settings');
  expect(calls).toHaveLength(1);
  expect(calls[0].body).toEqual({ clock_in: false });
  expect(page.instance.data.settings.clock_in).toBe(false);
});

test('profile: subscribing asks WeChat for three templates per tap and records the answers', async () => {
  backend.on('POST /api/reminders/subscriptions', ok([{ template_id: 'T1', one_time: 1, long_term: false, rejected: false, updated_at: '2025-03-12T09:00:00+08:00' }]));
  const page = await loadPage('pages/profile/index');
  await fire(page, '#subscribe-cell', 'click');
  await flush();
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['T1', 'T2', 'T3']);
  const posted = backend.callsTo('POST /api/reminders/subscriptions');
  expect(posted[0].body).toEqual({ results: { T1: 'accept', T2: 'reject', T3: 'accept' } });
  await fire(page, '#subscribe-cell', 'click');
  await flush();
  expect(wx.requestSubscribeMessage.mock.calls[1][0].tmplIds).toEqual(['T4']);
});

test('closing the WeChat dialog records nothing', async () => {
  wx.requestSubscribeMessage = jest.fn((opts) => opts.fail({ errMsg: 'requestSubscribeMessage:fail cancel' }));
  const { requestSubscriptions } = require('../services/messages');
  backend.on('GET /api/reminders/templates', ok([{ event: 'approval.result', label: '审批结果', template_id: 'T1', long_term: false }]));
  expect(await requestSubscriptions('leave_submitted')).toBeNull();
  expect(backend.callsTo('GET /api/reminders/templates')[0].query).toEqual({ moment: 'leave_submitted' });
  expect(backend.callsTo('POST /api/reminders/subscriptions')).toHaveLength(0);
});
