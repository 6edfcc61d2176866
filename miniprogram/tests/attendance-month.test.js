// 我的考勤月历 (package-attendance): statuses and legend, month switcher, a day's details and the
// 补卡 request with its plain-words limit / deadline errors.
const { backend, reset, text, tap, fire, signIn, flush } = require('./support');
const { openPage, month } = require('./attendance-support');

const { ok, fail } = backend;
const PAGE = 'package-attendance/pages/month/index';
jest.setTimeout(30000); // the first render compiles the templates with wcc

beforeEach(() => {
  reset();
  signIn('tok-1');
  backend.on('GET /api/attendance/month', (req) => ok({ ...month(), month: req.query.month }));
});

const makeups = () => backend.callsTo('POST /api/attendance/makeups');

test('the month renders each day with its status, the legend and the totals', async () => {
  const page = await openPage(PAGE, { month: '2026-11' });
  expect(backend.callsTo('GET /api/attendance/month')[0].query).toEqual({ month: '2026-11' });
  const cal = text(page.querySelector('#calendar'));
  expect(cal).toContain('一 二 三 四 五 六 日'.replace(/ /g, ''));
  for (const s of ['迟到6分', '早退20分', '缺卡', '旷工', '年休假', '出差', '休', '国庆节', '调休上班', '正常', '未到时间']) {
    expect(cal).toContain(s);
  }
  // 2026-11-01 is a Sunday: six blanks before it in a Monday-first grid
  const firstRow = page.querySelectorAll('.cal__row')[1];
  expect(text(firstRow).trim()).toBe('1国庆节');
  expect(text(page.querySelector('#day-2026-11-03'))).toBe('3迟到6分');
  expect(text(page.querySelector('#day-2026-11-07'))).toBe('7调休上班');
  const legend = text(page.querySelector('#legend'));
  for (const s of ['正常', '迟到', '早退', '缺卡', '旷工', '请假', '出差', '休息日', '节假日', '调休上班']) expect(legend).toContain(s);
  const totals = text(page.querySelector('#totals'));
  expect(totals).toContain('11 天出勤');
  expect(totals).toContain('1 次迟到');
  expect(totals).toContain('1 天请假');
  expect(text(page)).toContain('2026年11月');
});

test('the month switcher loads the previous and next month', async () => {
  const page = await openPage(PAGE, { month: '2026-01' });
  await tap(page, '#prev-month');
  await flush(10);
  expect(text(page)).toContain('2025年12月');
  await tap(page, '#next-month');
  await tap(page, '#next-month');
  await flush(10);
  expect(text(page)).toContain('2026年2月');
  expect(backend.callsTo('GET /api/attendance/month').map((c) => c.query.month)).toEqual(['2026-01', '2025-12', '2026-01', '2026-02']);
});

test('tapping a day with a missing punch opens details and a make-up request that is sent once', async () => {
  const held = backend.deferred();
  backend.on('POST /api/attendance/makeups', held.handler);
  const page = await openPage(PAGE, { month: '2026-11' });
  await tap(page, '#day-2026-11-05');
  expect(text(page.querySelector('#day-detail'))).toContain('2026-11-05');
  expect(text(page)).toContain('缺卡 1 次，打卡 3 次');
  await tap(page, '#makeup-open-btn');
  // both fields are required before anything is sent
  await tap(page, '#makeup-submit-btn');
  expect(text(page)).toContain('请填写补卡时间，如 08:30');
  await fire(page, '#makeup-time', 'change', { value: '08:25' });
  await tap(page, '#makeup-submit-btn');
  expect(text(page)).toContain('请填写补卡事由');
  expect(makeups()).toHaveLength(0);
  await fire(page, '#makeup-reason', 'change', { value: '忘记打卡，8:20 已到岗' });
  await tap(page, '#makeup-submit-btn');
  await tap(page, '#makeup-submit-btn'); // a double tap while it is sent
  held.release(ok({ id: 9, day: '2026-11-05', status: 'pending' }, 201));
  await flush(10);
  expect(makeups()).toHaveLength(1);
  expect(makeups()[0].body).toEqual({ day: '2026-11-05', time: '08:25', reason: '忘记打卡，8:20 已到岗' });
  expect(text(page)).toContain('补卡申请已提交，等待审批');
  expect(page.querySelector('#makeup-open-btn')).toBeFalsy();
  expect(text(page.querySelector('#makeups'))).toContain('2026-11-05 08:25忘记打卡，8:20 已到岗审批中');
});

test('my make-up requests are listed with their status', async () => {
  backend.on('GET /api/attendance/makeups', ok([
    { id: 3, staff_id: 7, day: '2026-11-05', at: '2026-11-05T08:25:00+08:00', reason: '忘记打卡', status: 'approved', approval_id: 1, punch_id: 9, created_at: '2026-11-05T10:00:00+08:00' },
    { id: 2, staff_id: 7, day: '2026-11-03', at: '2026-11-03T17:35:00+08:00', reason: '手机没电', status: 'rejected', approval_id: 2, punch_id: null, created_at: '2026-11-03T18:00:00+08:00' },
  ]));
  const page = await openPage(PAGE, { month: '2026-11' });
  const list = text(page.querySelector('#makeups'));
  expect(list).toContain('2026-11-05 08:25忘记打卡已通过');
  expect(list).toContain('2026-11-03 17:35手机没电未通过');
});

test('the monthly limit and the deadline are explained in plain words', async () => {
  backend.on('POST /api/attendance/makeups', [
    fail(422, 'MAKEUP_LIMIT_REACHED', '本月补卡次数已达上限（3 次）'),
    fail(422, 'MAKEUP_DEADLINE_PASSED', '补卡须在 5 天内申请'),
  ]);
  const page = await openPage(PAGE, { month: '2026-11' });
  await tap(page, '#day-2026-11-06');
  expect(text(page)).toContain('全天未打卡（旷工）');
  await tap(page, '#makeup-open-btn');
  await fire(page, '#makeup-time', 'change', { value: '08:30' });
  await fire(page, '#makeup-reason', 'change', { value: '外出开会忘记打卡' });
  await tap(page, '#makeup-submit-btn');
  await flush(10);
  expect(text(page.querySelector('#makeup-error'))).toBe('本月补卡次数已达上限（3 次），本月不能再申请补卡。如有特殊情况请联系人事部门。');
  await tap(page, '#makeup-submit-btn');
  await flush(10);
  expect(text(page.querySelector('#makeup-error'))).toBe('已超过补卡期限：补卡须在 5 天内申请。');
  expect(wx.showToast).not.toHaveBeenCalled();
  expect(makeups()).toHaveLength(2);
});

test('a normal day, a rest day and a leave day offer no make-up', async () => {
  const page = await openPage(PAGE, { month: '2026-11' });
  await tap(page, '#day-2026-11-02');
  expect(text(page)).toContain('考勤正常');
  expect(page.querySelector('#makeup-open-btn')).toBeFalsy();
  await tap(page, '#day-2026-11-10');
  expect(text(page)).toContain('年休假');
  expect(page.querySelector('#makeup-open-btn')).toBeFalsy();
  await tap(page, '#day-2026-11-08');
  expect(text(page)).toContain('休息日');
  expect(page.querySelector('#makeup-open-btn')).toBeFalsy();
});

test('the subpackage page is declared in app.json with all its files', () => {
  const fs = require('fs');
  const path = require('path');
  const root = path.resolve(__dirname, '..');
  const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'));
  const pkg = app.subPackages.find((p) => p.root === 'package-attendance');
  expect(pkg.pages).toEqual(['pages/month/index', 'pages/fence/index']);
  for (const ext of ['js', 'json', 'wxml', 'wxss']) expect(fs.existsSync(path.join(root, `${PAGE}.${ext}`))).toBe(true);
  expect(app.pages).toContain('pages/attendance-clock/index');
  expect(app.tabBar.list.map((t) => t.text)).toContain('打卡');
});
