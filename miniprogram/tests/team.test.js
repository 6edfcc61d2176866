// 团队 (package-team) for leaders: today's board, who is away this week, the month's summary, the
// 打卡复核 page (accept / reject with a note, one request per tap, refusals in words), and the
// home tile shown only to someone who leads a team (me.team).
const { backend, reset, loadPage, text, tap, fire, signIn, flush } = require('./support');
const { home } = require('./support/fixtures');

const { ok, fail } = backend;
const TEAM = 'package-team/index/index';
const REVIEW = 'package-team/review/index';
jest.setTimeout(30000); // the first render compiles the templates with wcc

const person = (id, name, extra = {}) => ({
  staff_id: id, name, employee_no: `A-${id}`, department: '人事科', status: 'normal', late_minutes: 0,
  punches: 2, leave_name: '', leave_half: '', ...extra,
});

const board = {
  date: '2026-11-04', total: 6,
  counts: { in: 2, late: 1, missing: 1, leave: 2, pending: 0, rest: 0 },
  in: [person(1, '人事科负责人'), person(2, '人事科职工一')],
  late: [person(3, '档案组职工一', { status: 'late', late_minutes: 12 })],
  missing: [person(4, '人事科职工二', { status: 'missing', punches: 0 })],
  leave: [person(5, '档案组职工二', { status: 'leave', leave_name: '年休假', leave_half: 'full', punches: 0 }),
    person(6, '档案组负责人', { status: 'trip', leave_name: '出差/外出', leave_half: 'am', punches: 0 })],
  pending: [], rest: [],
};

const leaveReq = (id, name, start, end, status = 'approved', extra = {}) => ({
  id, staff: { id: 100 + id, name }, unit_id: 1, department_id: 3, type: 'annual', type_name: '年休假', year: 2026,
  start, start_half: 'am', end, end_half: 'pm', days: 2, reason: '', status, status_label: '', instance_id: id,
  warnings: [], attachments: [], attachment_required: false, backdated: false, ...extra,
});

const reportPerson = (id, name, extra = {}) => ({
  staff_id: id, employee_no: `A-${id}`, name, department_id: 3, department: '人事科', workdays: 3, days_worked: 3,
  late_count: 0, late_minutes: 0, early_count: 0, early_minutes: 0, missing_punches: 0, absences: 0, trip_days: 0,
  field_punches: 0, leave_days: {}, ...extra,
});
// The page's people are two of 120; the totals are the whole team's (not the page's sum).
const report = {
  month: '2026-11',
  people: [
    reportPerson(1, '甲', { late_count: 2, missing_punches: 1, trip_days: 1, leave_days: { 年休假: 2 }, days_worked: 2 }),
    reportPerson(2, '乙', { late_count: 1, early_count: 1, absences: 1, leave_days: { 事假: 0.5 } }),
  ],
  total: 120,
  page: 1,
  page_size: 50,
  departments: [],
  totals: {
    staff: 120, workdays: 360, days_worked: 350, late_count: 9, late_minutes: 90, early_count: 2, early_minutes: 10,
    missing_punches: 4, absences: 3, trip_days: 1.5, field_punches: 0, leave_days: { 年休假: 2, 事假: 0.5 },
  },
};

const punchRow = (id, name, extra = {}) => ({
  id, staff_id: 10 + id, staff_name: name, employee_no: `A-${id}`, at: '2026-11-04T08:20:00+08:00', kind: 'field',
  lat: 39.9, lng: 116.4, accuracy: 20, place_id: null, proofs: [], reason: '在区档案馆查档', flags: ['field'],
  review_status: 'pending', review_note: '', ...extra,
});

// 2026-11-04 10:00 Beijing (a Wednesday): the week is 11-02 .. 11-08.
const fixClock = (instance) => { instance.now = () => new Date('2026-11-04T02:00:00Z'); };

beforeEach(() => {
  reset();
  signIn('tok-1');
  backend.on('GET /api/attendance/board', ok(board));
  backend.on('GET /api/attendance/report', ok(report));
  backend.on('GET /api/leave/requests', ok([
    leaveReq(1, '档案组职工二', '2026-11-03', '2026-11-05'),
    leaveReq(2, '人事科职工一', '2026-11-06', '2026-11-06', 'pending', { days: 1 }),
    leaveReq(3, '早已回来的人', '2026-10-20', '2026-10-30'),
    leaveReq(4, '下周才走的人', '2026-11-09', '2026-11-10'),
    leaveReq(5, '被驳回的人', '2026-11-04', '2026-11-04', 'rejected'),
  ]));
  backend.on('GET /api/attendance/review', ok([punchRow(7, '档案组职工一')]));
});

test('the team page shows today, who is away this week and the month', async () => {
  const page = await loadPage(TEAM, {}, { before: fixClock, rounds: 10 });
  const b = text(page.querySelector('#board'));
  expect(b).toContain('2026-11-04 · 共 6 人');
  expect(text(page.querySelector('#count-in'))).toBe('2已到');
  expect(text(page.querySelector('#count-late'))).toBe('1迟到');
  expect(text(page.querySelector('#count-leave'))).toBe('2请假·出差');
  expect(text(page.querySelector('#count-missing'))).toBe('1未到·缺卡');
  expect(text(page.querySelector('#group-late'))).toContain('档案组职工一人事科 · 迟到 12 分钟');
  expect(text(page.querySelector('#group-leave'))).toContain('档案组职工二人事科 · 年休假');
  expect(text(page.querySelector('#group-leave'))).toContain('出差/外出（上午）');
  expect(text(page.querySelector('#group-missing'))).toContain('人事科职工二人事科 · 未打卡');

  const away = text(page.querySelector('#away'));
  expect(away).toContain('11-02 至 11-08');
  expect(away).toContain('档案组职工二');
  expect(away).toContain('人事科职工一');
  expect(away).toContain('（审批中）');
  for (const gone of ['早已回来的人', '下周才走的人', '被驳回的人']) expect(away).not.toContain(gone);
  expect(away.indexOf('档案组职工二')).toBeLessThan(away.indexOf('人事科职工一'));
  expect(backend.callsTo('GET /api/leave/requests')[0].query).toMatchObject({ mine: false, year: 2026 });

  const sum = text(page.querySelector('#summary'));
  expect(sum).toContain('2026年11月');
  expect(sum).toContain('120 人人数');
  expect(sum).toContain('9 次迟到');
  expect(sum).toContain('4 次缺卡');
  expect(sum).toContain('3 天旷工');
  expect(sum).toContain('2.5 天请假');
  expect(sum).toContain('1.5 天出差/外出');
  expect(backend.callsTo('GET /api/attendance/report')[0].query).toEqual({ month: '2026-11', page: 1, page_size: 50 });
  const people = text(page.querySelector('#month-people'));
  expect(people).toContain('共 120 人');
  expect(people).toContain('甲人事科 · 出勤 2/3 天 · 迟到 2 次，缺卡 1 次，请假 2 天，出差/外出 1 天');
  expect(people).toContain('乙人事科 · 出勤 3/3 天 · 迟到 1 次，早退 1 次，旷工 1 天，请假 0.5 天');
  expect(page.querySelector('#load-more')).toBeTruthy();

  expect(text(page.querySelector('#open-review'))).toContain('1 条待复核');
  await tap(page, '#open-review');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/package-team/review/index' });
});

test('the month\'s people load a page at a time, a failed page can be retried', async () => {
  const many = (from, n) => Array.from({ length: n }, (_, i) => reportPerson(from + i, `职工${from + i}`));
  backend.on('GET /api/attendance/report', (req) => {
    const p = String(req.query.page);
    if (p === '1') return ok({ ...report, people: many(1, 50), total: 120 });
    if (p === '2') return ok({ ...report, people: many(51, 50), total: 120, page: 2 });
    return ok({ ...report, people: many(101, 20), total: 120, page: 3 });
  });
  const page = await loadPage(TEAM, {}, { before: fixClock, rounds: 10 });
  expect(page.querySelectorAll('#month-people .person').length).toBe(50);
  await tap(page, '#load-more');
  expect(page.querySelectorAll('#month-people .person').length).toBe(100);
  expect(backend.callsTo('GET /api/attendance/report').map((c) => c.query.page)).toEqual([1, 2]);
  // The next page fails: the error in words, a retry, nothing lost or doubled.
  backend.on('GET /api/attendance/report', fail(500, 'SERVER_ERROR', '服务器繁忙，请稍后重试'));
  await tap(page, '#load-more');
  expect(text(page.querySelector('#more-error'))).toContain('服务器繁忙');
  expect(page.querySelectorAll('#month-people .person').length).toBe(100);
  backend.on('GET /api/attendance/report', ok({ ...report, people: many(101, 20), total: 120, page: 3 }));
  await tap(page, '#more-retry');
  expect(page.querySelectorAll('#month-people .person').length).toBe(120);
  expect(text(page.querySelector('#month-people'))).toContain('职工120');
  expect(page.querySelector('#load-more')).toBeFalsy();
  expect(page.querySelector('#no-more')).toBeTruthy();
  expect(backend.callsTo('GET /api/attendance/report').slice(-1)[0].query).toMatchObject({ page: 3, page_size: 50 });
});

test('a person who moved onto the next page meanwhile is not listed twice (utils/list unseen)', async () => {
  const many = (from, n) => Array.from({ length: n }, (_, i) => reportPerson(from + i, `职工${from + i}`));
  backend.on('GET /api/attendance/report', (req) => (String(req.query.page) === '1'
    ? ok({ ...report, people: many(1, 50), total: 120 })
    : ok({ ...report, people: many(50, 50), total: 120, page: 2 })));
  const page = await loadPage(TEAM, {}, { before: fixClock, rounds: 10 });
  await tap(page, '#load-more');
  expect(page.querySelectorAll('#month-people .person').length).toBe(99);
  expect(page.querySelectorAll('#person-50').length).toBe(1);
  expect(page.querySelector('#load-more')).toBeTruthy();
});

test('a week across New Year asks for both years', async () => {
  const page = await loadPage(TEAM, {}, {
    before: (i) => { i.now = () => new Date('2026-12-31T02:00:00Z'); }, rounds: 12,
  });
  expect(backend.callsTo('GET /api/leave/requests').map((c) => c.query.year)).toEqual([2026, 2027]);
  expect(text(page.querySelector('#away'))).toContain('12-28 至 01-03');
});

test('someone without a team gets the refusal in words and a retry', async () => {
  backend.on('GET /api/attendance/board', fail(403, 'PERMISSION_DENIED', '无权执行此操作（需要权限：attendance.view）'));
  const page = await loadPage(TEAM, {}, { before: fixClock, rounds: 10 });
  expect(text(page.querySelector('#team-error'))).toContain('无权执行此操作');
  expect(page.querySelector('#retry-btn')).toBeTruthy();
});

test('打卡复核: accept with a note sends one request and marks the punch', async () => {
  const held = backend.deferred();
  backend.on('POST /api/attendance/punches/7/review', held.handler);
  const page = await loadPage(REVIEW, { punch: '7' }, { rounds: 10 });
  const card = text(page.querySelector('#punch-7'));
  expect(card).toContain('档案组职工一');
  expect(card).toContain('外勤');
  expect(card).toContain('11-04 08:20');
  expect(card).toContain('事由：在区档案馆查档');
  expect(card).toContain('需复核：外勤打卡');
  await fire(page, '#note-7', 'change', { value: '已电话核实' });
  await tap(page, '#accept-7');
  await tap(page, '#accept-7'); // a double tap while it is sent
  held.release(ok(punchRow(7, '档案组职工一', { review_status: 'accepted', review_note: '已电话核实' })));
  await flush(10);
  const calls = backend.callsTo('POST /api/attendance/punches/7/review');
  expect(calls).toHaveLength(1);
  expect(calls[0].body).toEqual({ decision: 'accept', note: '已电话核实' });
  expect(text(page.querySelector('#done-7'))).toBe('已认可');
  expect(page.querySelector('#accept-7')).toBeFalsy();
});

test('打卡复核: reject needs a note; the own-punch refusal is shown beside the punch', async () => {
  backend.on('GET /api/attendance/review', ok([punchRow(8, '人事科负责人', { kind: 'normal', flags: ['accuracy'], reason: '' })]));
  backend.on('POST /api/attendance/punches/8/review',
    fail(403, 'SELF_ENTITLEMENT_CHANGE', '不能复核本人的打卡：请由其他有权限的人员办理'));
  const page = await loadPage(REVIEW, {}, { rounds: 10 });
  expect(text(page.querySelector('#punch-8'))).toContain('需复核：定位精度不足');
  expect(text(page.querySelector('#punch-8'))).not.toContain('外勤');
  await tap(page, '#reject-8');
  expect(text(page.querySelector('#error-8'))).toBe('不认可时请填写说明，本人会看到');
  expect(backend.callsTo('POST /api/attendance/punches/8/review')).toHaveLength(0);
  await fire(page, '#note-8', 'change', { value: '定位漂移' });
  await tap(page, '#reject-8');
  await flush(10);
  expect(backend.callsTo('POST /api/attendance/punches/8/review')[0].body).toEqual({ decision: 'reject', note: '定位漂移' });
  expect(text(page.querySelector('#error-8'))).toContain('不能复核本人的打卡');
  expect(page.querySelector('#done-8')).toBeFalsy();
});

test('打卡复核: nothing waiting, and a punch already reviewed by someone else', async () => {
  backend.on('GET /api/attendance/review', ok([]));
  let page = await loadPage(REVIEW, {}, { rounds: 10 });
  expect(text(page.querySelector('#review-empty'))).toBe('暂无待复核的打卡');
  backend.on('GET /api/attendance/review', ok([punchRow(9, '档案组职工二')]));
  backend.on('POST /api/attendance/punches/9/review', fail(422, 'PUNCH_NOT_PENDING', '该打卡无需复核或已复核'));
  page = await loadPage(REVIEW, {}, { rounds: 10 });
  await tap(page, '#accept-9');
  await flush(10);
  expect(text(page.querySelector('#done-9'))).toBe('已由他人复核');
});

test('the home page shows the 团队 tile only to a leader', async () => {
  backend.on('GET /api/home', ok({ ...home, me: { ...home.me, team: false } }));
  let page = await loadPage('pages/home/index');
  expect(page.querySelector('#card-team')).toBeFalsy();
  backend.on('GET /api/home', ok({ ...home, me: { ...home.me, team: true } }));
  page = await loadPage('pages/home/index');
  expect(text(page.querySelector('#card-team'))).toContain('团队');
  await tap(page, '#card-team');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/package-team/index/index' });
});
