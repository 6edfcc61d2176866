// 考勤打卡 page: inside the fence, outside → reason → 外勤, retry after a network failure (one
// request per tap), a repeated tap shows the first punch, Wi-Fi / QR proofs, denied location,
// flagged punches shown honestly, 上班/下班 by the time of day.
const { backend, reset, text, tap, fire, signIn, flush } = require('./support');
const { openPage, mockDevice, today, punchOut } = require('./attendance-support');

const { ok, fail } = backend;
const PAGE = 'pages/attendance-clock/index';
jest.setTimeout(30000); // the first render compiles the templates with wcc
const at = (hhmm) => () => new Date(`2026-11-02T${hhmm}:00+08:00`);

let device;
beforeEach(() => {
  reset();
  signIn('tok-1');
  device = mockDevice();
  backend.on('GET /api/attendance/today', ok(today()));
});

const open = (hhmm = '08:20') => openPage(PAGE, {}, (inst) => { inst.now = at(hhmm); });
const punches = () => backend.callsTo('POST /api/attendance/punch');

test('inside the fence: one tap, one request, the server time is shown', async () => {
  backend.on('POST /api/attendance/punch', ok(punchOut(), 201));
  const page = await open('08:20');
  expect(text(page)).toContain('上班打卡');
  expect(text(page)).toContain('已进入考勤范围：甲局机关大楼 · 距离 0 米');
  expect(text(page)).toContain('今天还没有打卡');
  expect(wx.getLocation).toHaveBeenCalledWith(expect.objectContaining({ type: 'gcj02', isHighAccuracy: true }));
  await tap(page, '#punch-btn');
  await flush(10);
  expect(punches()).toHaveLength(1);
  const body = punches()[0].body;
  expect(body).toEqual(expect.objectContaining({ lat: expect.any(Number), lng: expect.any(Number), accuracy: 25, device_id: expect.stringMatching(/^mp-/) }));
  expect(body.reason).toBeUndefined();
  const t = text(page);
  expect(t).toContain('打卡成功');
  expect(t).toContain('08:29:13'); // the server's time, not the phone's 08:20
  expect(t).toContain('服务器时间 · 甲局机关大楼 · 定位');
  expect(t).not.toContain('待复核');
  expect(t).not.toContain('今天还没有打卡');
  // the same device id is kept for the next punch (the server binds the first device)
  expect(wx.getStorageSync('mj_device_id')).toBe(body.device_id);
});

test('outside the fence: the server asks for a reason, then a field punch is sent with it', async () => {
  device.metresNorth = 800;
  backend.on('POST /api/attendance/punch', [
    fail(422, 'PUNCH_REASON_REQUIRED', '不在考勤范围内：外勤打卡请填写事由', { reason: '外勤打卡必须填写事由' }),
    (req) => ok(punchOut({ id: 102, kind: 'field', reason: req.body.reason, place_id: null, place_name: '', proofs: [], flags: ['field'], review_status: 'pending', inside: false }), 201),
  ]);
  const page = await open('08:25');
  expect(text(page)).toContain('不在考勤范围内：甲局机关大楼 · 距离 800 米');
  await tap(page, '#punch-btn');
  await flush(10);
  expect(text(page)).toContain('您不在考勤范围内。如因公外出，可填写事由进行外勤打卡。');
  expect(wx.showToast).not.toHaveBeenCalled();
  // no reason: nothing is sent
  await tap(page, '#field-btn');
  expect(text(page)).toContain('请填写外勤事由');
  expect(punches()).toHaveLength(1);
  await fire(page, '#reason-input', 'change', { value: '到市政府开会' });
  await tap(page, '#field-btn');
  await flush(10);
  expect(punches()).toHaveLength(2);
  expect(punches()[1].body).toEqual({ ...punches()[0].body, reason: '到市政府开会' });
  const t = text(page);
  expect(t).toContain('外勤打卡成功');
  expect(t).toContain('外勤事由：到市政府开会');
  expect(t).toContain('已记录，待复核');
  expect(t).toContain('外勤');
});

test('refused outside: the plain message, no retry loop', async () => {
  device.metresNorth = 800;
  backend.on('POST /api/attendance/punch', fail(422, 'PUNCH_OUTSIDE_REFUSED', '不在考勤范围内，本单位不允许外勤打卡'));
  const page = await open();
  await tap(page, '#punch-btn');
  await flush(10);
  expect(text(page)).toContain('不在考勤范围内，本单位不允许外勤打卡');
  expect(page.querySelector('#retry-btn')).toBeFalsy();
  expect(page.querySelector('#field-form')).toBeFalsy();
});

test('network failure: a retry button; each tap sends exactly one request; the repeat is a success', async () => {
  const held = backend.deferred();
  backend.on('POST /api/attendance/punch', [
    'NETWORK_DOWN',
    held.handler,
  ]);
  const page = await open();
  await tap(page, '#punch-btn');
  await flush(10);
  expect(punches()).toHaveLength(1);
  expect(text(page)).toContain('网络不稳定，打卡结果未确认');
  expect(page.querySelector('#retry-btn')).toBeTruthy();
  expect(wx.showToast).not.toHaveBeenCalled();
  // retry, and impatient taps while it is in flight: still one request
  await tap(page, '#retry-btn');
  await tap(page, '#punch-btn');
  page.instance.onRetry();
  await flush(10);
  expect(punches()).toHaveLength(2);
  expect(punches()[1].body).toEqual(punches()[0].body);
  expect(text(page)).toContain('正在打卡');
  // the first request had reached the server: it answers with that punch
  held.release(ok(punchOut({ repeat: true })));
  await flush(10);
  const t = text(page);
  expect(t).toContain('已打过卡');
  expect(t).toContain('08:29:13');
  expect(t).toContain('这是您刚才那次打卡的记录，无需重复打卡');
  expect(page.querySelector('#retry-btn')).toBeFalsy();
  expect(punches()).toHaveLength(2);
});

test('a second tap after success shows the first punch (server repeat), not an error', async () => {
  backend.on('POST /api/attendance/punch', [ok(punchOut(), 201), ok(punchOut({ repeat: true }))]);
  const page = await open();
  await tap(page, '#punch-btn');
  await flush(10);
  expect(text(page)).toContain('打卡成功');
  await tap(page, '#punch-btn');
  await flush(10);
  expect(punches()).toHaveLength(2);
  const t = text(page);
  expect(t).toContain('已打过卡');
  expect(t).toContain('08:29:13');
  // one row in today's list, not two
  expect(page.querySelectorAll('.punch-row')).toHaveLength(1);
});

test('Wi-Fi proof sends the BSSID, QR proof sends the scanned token', async () => {
  backend.on('POST /api/attendance/punch', (req) => ok(punchOut({ proofs: req.body.qr_token ? ['qr'] : ['wifi'] }), 201));
  const page = await open();
  expect(text(page)).toContain('定位');
  expect(text(page)).toContain('Wi-Fi');
  expect(text(page)).toContain('扫码');
  await tap(page, '#proof-wifi');
  await flush();
  expect(text(page)).toContain('已连接 Wi-Fi：JiaJu-Office（aa:bb:cc:dd:ee:ff）');
  await tap(page, '#punch-btn');
  await flush(10);
  expect(punches()[0].body.wifi_bssid).toBe('aa:bb:cc:dd:ee:ff');
  expect(text(page)).toContain('Wi-Fi');

  global.__mj.scanResult = '5.59000000.sig';
  await tap(page, '#proof-qr');
  await tap(page, '#punch-btn');
  await flush(10);
  expect(wx.scanCode).toHaveBeenCalledTimes(1);
  expect(punches()[1].body.qr_token).toBe('5.59000000.sig');
  // closing the scanner sends nothing
  global.__mj.scanResult = null;
  await tap(page, '#punch-btn');
  await flush(10);
  expect(punches()).toHaveLength(2);
});

test('location refused: says how to allow it, sends nothing', async () => {
  device.deny = true;
  backend.on('POST /api/attendance/punch', ok(punchOut(), 201));
  const page = await open();
  expect(text(page)).toContain('未允许使用位置信息');
  await tap(page, '#punch-btn');
  await flush(10);
  expect(punches()).toHaveLength(0);
  device.deny = false;
  await tap(page, '#open-setting-btn');
  await flush(10);
  expect(wx.openSetting).toHaveBeenCalled();
  expect(text(page)).toContain('已进入考勤范围');
});

test('a flagged punch is recorded and shown as waiting for review', async () => {
  device.accuracy = 450;
  backend.on('POST /api/attendance/punch', ok(punchOut({ accuracy: 450, flags: ['accuracy', 'device'], review_status: 'pending' }), 201));
  const page = await open();
  await tap(page, '#punch-btn');
  await flush(10);
  const t = text(page);
  expect(t).toContain('打卡成功');
  expect(t).toContain('已记录，待复核（定位精度不足、不是绑定的手机）');
  expect(t).toContain('待复核');
  // another phone: a device change request can be filed from here (reason required)
  backend.on('POST /api/attendance/device-change', [
    fail(422, 'DEVICE_CHANGE_PENDING', '已有待处理的换机申请'),
  ]);
  await tap(page, '#device-open');
  await tap(page, '#device-submit-btn');
  expect(text(page)).toContain('请填写更换原因');
  expect(backend.callsTo('POST /api/attendance/device-change')).toHaveLength(0);
  await fire(page, '#device-reason', 'change', { value: '换了新手机' });
  await tap(page, '#device-submit-btn');
  await flush(10);
  const sent = backend.callsTo('POST /api/attendance/device-change');
  expect(sent).toHaveLength(1);
  expect(sent[0].body).toEqual({ device_id: punches()[0].body.device_id, reason: '换了新手机' });
  expect(text(page)).toContain('已有待处理的换机申请');
});

test('the button says 下班打卡 in the afternoon and today shows its punches', async () => {
  backend.on('GET /api/attendance/today', ok(today({
    punches: [punchOut({ at: '2026-11-02T08:29:13+08:00' })],
    status: { status: 'normal', late_minutes: 0 },
  })));
  const page = await open('17:35');
  const t = text(page);
  expect(t).toContain('下班打卡');
  expect(t).toContain('08:29:13');
  expect(t).toContain('正常');
  expect(t).toContain('标准作息 08:30–12:00 14:30–17:30');
});

test('home: the attendance card shows today (from /api/home, no extra request) and opens 打卡', async () => {
  const { loadPage } = require('./support');
  const { home } = require('./support/fixtures');
  const card = (attendance) => ok({ ...home, cards: { ...home.cards, attendance } });
  backend.on('GET /api/home', [
    card({ status: 'late', text: '迟到 6 分钟', day_kind: 'workday', punches: 1, last_at: '2026-11-02T08:36:02+08:00' }),
    card({ status: 'pending', text: '未到打卡时间', day_kind: 'workday', punches: 0, last_at: null }),
    card({ status: 'rest', text: '休息日', day_kind: 'rest', punches: 0, last_at: null }),
  ]);
  const page = await loadPage('pages/home/index');
  expect(text(page.querySelector('#card-attendance'))).toContain('已打卡 08:36 · 迟到 6 分钟');
  expect(backend.callsTo('GET /api/attendance/today')).toHaveLength(0);
  await tap(page, '#card-attendance');
  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/attendance-clock/index' });
  await page.instance.load();
  expect(text(page.querySelector('#card-attendance'))).toContain('未打卡');
  await page.instance.load();
  expect(text(page.querySelector('#card-attendance'))).toContain('休息日');
});

test('the privacy prompt opens on this page even after another page took the listener', async () => {
  const page = await open();
  wx.onNeedPrivacyAuthorization(() => {}); // e.g. the home tab's popup attached later
  page.instance.onShow();
  const resolve = jest.fn();
  global.__mj.privacyListener(resolve, { referrer: 'getLocation' });
  await flush();
  expect(text(page)).toContain('用户隐私保护提示');
  await fire(page.querySelector('#privacy'), '#privacy-agree-btn', 'agreeprivacyauthorization');
  expect(resolve).toHaveBeenCalledWith({ buttonId: 'privacy-agree', event: 'agree' });
  expect(page.querySelector('#privacy').instance.data.visible).toBe(false);
});
