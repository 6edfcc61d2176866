// Search on lists (issue 15): the approvals inbox (applicant name or request title) and messages
// (title or text). Typing searches after a pause (one request for a burst of keys), the keyboard's
// 搜索 searches at once, clearing shows everything again, and load-more keeps the search.
const { backend, reset, text, tap, flush, fire, signIn, loadPage } = require('./support');
const { instance } = require('./leave-support');

jest.setTimeout(30000);

const pageOf = (rows, total, page = 1) => ({ status: 200, body: { data: rows, page, total } });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PAUSE = 400; // longer than the pages' 300 ms debounce

beforeEach(() => {
  reset();
  signIn('tok-1');
});

describe('approvals', () => {
  const insts = (from, n, over = {}) => Array.from({ length: n }, (_, i) => instance({ id: from + i, can: {}, ...over }));
  const zhang = (from, n) => insts(from, n, { applicant: { id: 8, name: '张小明' } });

  beforeEach(() => {
    backend.on('GET /api/approvals', (req) => {
      if (req.query.q === '张小明') return String(req.query.page) === '2' ? pageOf(zhang(121, 3), 23, 2) : pageOf(zhang(101, 20), 23);
      if (req.query.q) return pageOf([], 0);
      return pageOf(insts(1, 20), 40);
    });
  });

  test('typing searches once after a pause; load-more keeps the search; clearing shows all again', async () => {
    const page = await loadPage('pages/approvals/index', {}, { rounds: 8 });
    expect(page.querySelectorAll('.item').length).toBe(20);
    await fire(page, '#search-input', 'input', { value: '张' });
    await fire(page, '#search-input', 'input', { value: '张小' });
    await fire(page, '#search-input', 'input', { value: '张小明' });
    expect(backend.callsTo('GET /api/approvals')).toHaveLength(1); // not yet
    await sleep(PAUSE);
    await flush(8);
    const calls = backend.callsTo('GET /api/approvals');
    expect(calls).toHaveLength(2);
    expect(calls[1].query).toEqual(expect.objectContaining({ box: 'waiting', q: '张小明', page: 1 }));
    expect(page.querySelectorAll('.item').length).toBe(20);
    expect(text(page)).toContain('张小明');
    expect(text(page)).toContain('共 23 条待审批');
    await page.instance.onReachBottom();
    await flush(8);
    const more = backend.callsTo('GET /api/approvals').pop().query;
    expect([more.q, String(more.page)]).toEqual(['张小明', '2']);
    expect(page.querySelectorAll('.item').length).toBe(23);
    await tap(page, '#search-clear');
    await flush(8);
    const cleared = backend.callsTo('GET /api/approvals').pop().query;
    expect(cleared.q).toBeUndefined();
    expect(String(cleared.page)).toBe('1');
    expect(page.querySelectorAll('.item').length).toBe(20);
    expect(page.querySelector('#search-clear')).toBeFalsy();
  });

  test('the keyboard 搜索 searches at once, with the kind chip; nothing found says so', async () => {
    const page = await loadPage('pages/approvals/index', {}, { rounds: 8 });
    await tap(page, '#kind-overtime');
    await flush(8);
    await fire(page, '#search-input', 'input', { value: '  出差 ' });
    await fire(page, '#search-input', 'confirm', { value: '  出差 ' });
    await flush(8);
    const last = backend.callsTo('GET /api/approvals').pop().query;
    expect([last.q, last.kind]).toEqual(['出差', 'overtime']);
    expect(text(page)).toContain('没有找到与“出差”相关的申请');
    await sleep(PAUSE); // the pending debounce does not search again
    await flush(8);
    expect(backend.callsTo('GET /api/approvals').filter((c) => c.query.q === '出差')).toHaveLength(1);
  });

  test('a late answer for an older search is dropped', async () => {
    const slow = backend.deferred();
    backend.on('GET /api/approvals', (req) => {
      if (req.query.q === '张') return slow.handler().then(() => pageOf(insts(200, 1), 1));
      if (req.query.q === '张小明') return pageOf(zhang(101, 2), 2);
      return pageOf(insts(1, 20), 40);
    });
    const page = await loadPage('pages/approvals/index', {}, { rounds: 8 });
    await fire(page, '#search-input', 'input', { value: '张' });
    await fire(page, '#search-input', 'confirm', {});
    await fire(page, '#search-input', 'input', { value: '张小明' });
    await fire(page, '#search-input', 'confirm', {});
    await flush(8);
    slow.release();
    await flush(8);
    expect(page.querySelectorAll('.item').length).toBe(2);
    expect(text(page)).toContain('张小明');
  });
});

describe('messages', () => {
  const msg = (id, over = {}) => ({ id, kind: 'approval.done', title: `消息 ${id}`, body: '', link: '', data: null, read: false, created_at: '2026-03-02T09:00:00+08:00', ...over });

  test('search with 只看未读 and load-more; clearing shows all', async () => {
    backend.on('GET /api/messages', (req) => {
      if (req.query.q === '加班') {
        const rows = String(req.query.page) === '2' ? [msg(121, { title: '加班已通过' })]
          : Array.from({ length: 20 }, (_, i) => msg(101 + i, { title: '加班已通过' }));
        return { status: 200, body: { data: rows, page: Number(req.query.page), total: 21, unread: 30 } };
      }
      if (req.query.q) return { status: 200, body: { data: [], page: 1, total: 0, unread: 30 } };
      return { status: 200, body: { data: Array.from({ length: 20 }, (_, i) => msg(i + 1)), page: 1, total: 30, unread: 30 } };
    });
    const page = await loadPage('pages/messages/index', {}, { rounds: 8 });
    expect(page.querySelectorAll('.item').length).toBe(20);
    await tap(page, '#filter-unread');
    await flush(8);
    await fire(page, '#search-input', 'input', { value: '加' });
    await fire(page, '#search-input', 'input', { value: '加班' });
    await sleep(PAUSE);
    await flush(8);
    const searches = backend.callsTo('GET /api/messages').filter((c) => c.query.q);
    expect(searches).toHaveLength(1);
    expect(searches[0].query).toEqual(expect.objectContaining({ q: '加班', unread: 1, page: 1 }));
    expect(text(page)).toContain('加班已通过');
    expect(text(page)).toContain('30 条未读'); // the badge stays the whole count
    await page.instance.onReachBottom();
    await flush(8);
    const more = backend.callsTo('GET /api/messages').pop().query;
    expect([more.q, String(more.page), String(more.unread)]).toEqual(['加班', '2', '1']);
    expect(page.querySelectorAll('.item').length).toBe(21);
    await fire(page, '#search-input', 'input', { value: '不存在' });
    await fire(page, '#search-input', 'confirm', {});
    await flush(8);
    expect(text(page)).toContain('没有找到与“不存在”相关的消息');
    await tap(page, '#search-clear');
    await flush(8);
    expect(backend.callsTo('GET /api/messages').pop().query.q).toBeUndefined();
    expect(page.querySelector('#search-clear')).toBeFalsy();
  });
});
