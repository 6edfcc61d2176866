// 补请假 badge (issue 14): a leave request filed after its start date (the API's `backdated`, on the
// request and in the approval's context) is marked on my list, my request's detail, the approver's
// inbox row (once: the server's 【补请假】 summary prefix is dropped there) and the approval detail;
// an ordinary request shows no badge anywhere.
const { backend, reset, text, signIn, flush } = require('./support');
const { loadAnyPage, instance, request } = require('./leave-support');

const { ok } = backend;
jest.setTimeout(30000);

const late = request({ id: 5, backdated: true, start: '2026-02-16', end: '2026-02-17', days: 2 });
const onTime = request({ id: 6, backdated: false });

const task = (over = {}) => instance({
  can: { approve: true, reject: true, return: true, transfer: true, withdraw: false, resubmit: false, comment: true, cc: true },
  my_task: { id: 1, status: 'pending' },
  timeline: [],
  ...over,
});

beforeEach(() => {
  reset();
  signIn('tok-1');
});

test('my list marks only the backdated request', async () => {
  backend.on('GET /api/leave/requests', ok([late, onTime]));
  const page = await loadAnyPage('package-leave/mine/index');
  expect(page.querySelectorAll('.backdated-tag')).toHaveLength(1);
  const t = text(page);
  expect(t.split('补请假')).toHaveLength(2);
  // the badge sits in request 5's row: before its status, after its range
  expect(t.indexOf('补请假')).toBeGreaterThan(t.indexOf('2026-02-16'));
  expect(t.indexOf('补请假')).toBeLessThan(t.indexOf('2026-03-02'));
});

test('my request detail shows the badge; an ordinary one does not', async () => {
  backend.on('GET /api/leave/requests/5', ok(late));
  backend.on('GET /api/approvals/9', ok(instance({ subject: late })));
  const page = await loadAnyPage('package-leave/detail/index', { id: '5' });
  expect(page.querySelector('#backdated-tag')).toBeTruthy();
  expect(text(page.querySelector('#request-card'))).toContain('补请假');

  backend.on('GET /api/leave/requests/6', ok(onTime));
  backend.on('GET /api/approvals/9', ok(instance({ subject: onTime })));
  const plain = await loadAnyPage('package-leave/detail/index', { id: '6' });
  expect(plain.querySelector('#backdated-tag')).toBeFalsy();
  expect(text(plain)).not.toContain('补请假');
});

test("the approver's inbox marks it once, from the approval's context", async () => {
  backend.on('GET /api/approvals', ok([
    task({ id: 9, summary: '【补请假】年休假 2026-02-16 至 2026-02-17，共 2 天', context: { days: 2, backdated: true } }),
    task({ id: 10, subject_id: 6, summary: '年休假 2026-03-02 至 2026-03-04，共 3 天', context: { days: 3, backdated: false } }),
    task({ id: 11, kind: 'overtime', kind_title: '加班', summary: '加班 4 小时', context: { backdated: true } }),
  ]));
  const page = await loadAnyPage('pages/approvals/index');
  const row = text(page.querySelector('#item-9'));
  expect(row).toContain('补请假');
  expect(row).toContain('年休假 2026-02-16 至 2026-02-17，共 2 天');
  expect(row).not.toContain('【补请假】');
  expect(row.split('补请假')).toHaveLength(2); // said once
  expect(text(page.querySelector('#item-10'))).not.toContain('补请假');
  expect(text(page.querySelector('#item-11'))).not.toContain('补请假'); // leave only
  expect(page.querySelectorAll('.backdated-tag')).toHaveLength(1);
});

test('the approval detail shows the badge and says what it means', async () => {
  backend.on('GET /api/approvals/9', ok(task({ subject: late })));
  const page = await loadAnyPage('pages/approvals/detail/index', { id: '9' });
  await flush();
  expect(page.querySelector('#backdated-tag')).toBeTruthy();
  expect(text(page.querySelector('#backdated-note'))).toContain('补请假：提交时开始日期已过');

  backend.on('GET /api/approvals/9', ok(task({ subject: onTime })));
  const plain = await loadAnyPage('pages/approvals/detail/index', { id: '9' });
  await flush();
  expect(plain.querySelector('#backdated-tag')).toBeFalsy();
  expect(plain.querySelector('#backdated-note')).toBeFalsy();
});
