// Load-more and filters (issue 15): approvals, my requests and messages load 20 at a time, the next
// page when scrolled to the bottom (one request at a time, 重试 after a failure), filters reload.
const { backend, reset, text, tap, flush, signIn, loadPage } = require('./support');
const { instance, request } = require('./leave-support');

const { ok, fail } = backend;
jest.setTimeout(30000);

const pageOf = (rows, total, page = 1) => ({ status: 200, body: { data: rows, page, total } });
const insts = (from, n) => Array.from({ length: n }, (_, i) => instance({ id: from + i, can: {} }));

beforeEach(() => {
  reset();
  signIn('tok-1');
});

test('approvals: the next page on reaching the bottom, once; then 没有更多; a kind chip filters', async () => {
  const release = backend.deferred();
  backend.on('GET /api/approvals', (req) => {
    if (req.query.kind === 'overtime') return pageOf([instance({ id: 99, kind: 'overtime', kind_title: '加班申请', can: {} })], 1);
    if (String(req.query.page) === '2') return release.handler().then(() => pageOf(insts(21, 5), 25, 2));
    return pageOf(insts(1, 20), 25);
  });
  const page = await loadPage('pages/approvals/index', {}, { rounds: 8 });
  expect(page.querySelectorAll('.item').length).toBe(20);
  expect(text(page)).toContain('共 25 条待审批');
  page.instance.onReachBottom();
  page.instance.onReachBottom();
  await flush();
  expect(text(page)).toContain('正在加载');
  release.release();
  await flush(8);
  const pages = backend.callsTo('GET /api/approvals').map((c) => String(c.query.page));
  expect(pages).toEqual(['1', '2']);
  expect(page.querySelectorAll('.item').length).toBe(25);
  expect(text(page)).toContain('没有更多了');
  page.instance.onReachBottom();
  await flush();
  expect(backend.callsTo('GET /api/approvals')).toHaveLength(2);
  await tap(page, '#kind-overtime');
  await flush(8);
  const last = backend.callsTo('GET /api/approvals').pop();
  expect([last.query.kind, String(last.query.page)]).toEqual(['overtime', '1']);
  expect(page.querySelectorAll('.item').length).toBe(1);
  expect(text(page)).toContain('加班申请');
});

test('approvals: a failed next page offers 重试 and keeps what is shown', async () => {
  backend.on('GET /api/approvals', (req) => (String(req.query.page) === '2' ? 'NETWORK_DOWN' : pageOf(insts(1, 20), 40)));
  const page = await loadPage('pages/approvals/index', {}, { rounds: 8 });
  await page.instance.onReachBottom();
  await flush();
  expect(text(page)).toContain('网络连接失败，请检查网络后重试 重试');
  expect(page.querySelectorAll('.item').length).toBe(20);
  expect(wx.showToast).not.toHaveBeenCalled();
});

test('my requests: status chips and load-more', async () => {
  const rows = (from, n, over = {}) => Array.from({ length: n }, (_, i) => request({ id: from + i, ...over }));
  backend.on('GET /api/leave/requests', (req) => {
    if (req.query.status === 'returned') return pageOf(rows(50, 1, { status: 'returned', status_label: '已退回' }), 1);
    return String(req.query.page) === '2' ? pageOf(rows(21, 3), 23, 2) : pageOf(rows(1, 20), 23);
  });
  const page = await loadPage('package-leave/mine/index', {}, { rounds: 8 });
  expect(page.querySelectorAll('.leave-row').length).toBe(20);
  await page.instance.onReachBottom();
  await flush();
  expect(page.querySelectorAll('.leave-row').length).toBe(23);
  await tap(page, '#status-returned');
  await flush(8);
  const q = backend.callsTo('GET /api/leave/requests').pop().query;
  expect([q.status, String(q.mine)]).toEqual(['returned', '1']);
  expect(page.querySelectorAll('.leave-row').length).toBe(1);
  expect(text(page)).toContain('已退回');
});

test('messages: scrolling loads more; 只看未读 asks the server for unread only', async () => {
  const msg = (id) => ({ id, title: `通知${id}`, body: '', link: '', read: false, created_at: '2026-03-01T09:00:00+08:00', kind: 'x' });
  backend.on('GET /api/messages', (req) => {
    const body = String(req.query.unread) === '1'
      ? { data: [msg(77)], page: 1, total: 1, unread: 1 }
      : { data: Array.from({ length: 20 }, (_, i) => msg((Number(req.query.page) - 1) * 20 + i + 1)), page: Number(req.query.page), total: 30, unread: 30 };
    if (String(req.query.page) === '2' && String(req.query.unread) !== '1') body.data = body.data.slice(0, 10);
    return { status: 200, body };
  });
  const page = await loadPage('pages/messages/index', {}, { rounds: 8 });
  expect(page.querySelectorAll('.item').length).toBe(20);
  await page.instance.onReachBottom();
  await flush();
  expect(page.querySelectorAll('.item').length).toBe(30);
  expect(page.querySelector('#load-more')).toBeFalsy();
  await tap(page, '#filter-unread');
  await flush(8);
  const q = backend.callsTo('GET /api/messages').pop().query;
  expect([String(q.unread), String(q.page)]).toEqual(['1', '1']);
  expect(page.querySelectorAll('.item').length).toBe(1);
});
