// Approvals inbox and detail: the three boxes, one-tap approve, reject with a reason, batch approve,
// 409 conflicts in plain words followed by a refresh; the detail's balance and overlap context;
// the home card opening the inbox with the waiting count.
const { backend, reset, text, fire, tap, toasts, signIn, flush, loadPage } = require('./support');
const { loadAnyPage, instance, request } = require('./leave-support');
const { home } = require('./support/fixtures');

const { ok, fail } = backend;
jest.setTimeout(30000);

const mine = (over = {}) => instance({
  can: { approve: true, reject: true, return: true, transfer: true, withdraw: false, resubmit: false, comment: true, cc: true },
  my_task: { id: 1, status: 'pending' },
  timeline: undefined,
  subject: undefined,
  ...over,
});

beforeEach(() => {
  reset();
  signIn('tok-1');
});

describe('inbox', () => {
  test('tabs switch boxes; rows show applicant, kind, summary and status', async () => {
    backend.on('GET /api/approvals', (req) => ok(req.query.box === 'cc'
      ? [mine({ id: 12, applicant: { id: 8, name: '李四' }, status: 'approved', status_label: '已通过', can: {} })]
      : [mine()]));
    const page = await loadAnyPage('pages/approvals/index');
    expect(text(page)).toContain('待我审批');
    expect(text(page)).toContain('我已审批');
    expect(text(page)).toContain('抄送我');
    expect(text(page)).toContain('张三 · 请假');
    expect(text(page)).toContain('年休假 2026-03-02 至 2026-03-04，共 3 天');
    expect(backend.callsTo('GET /api/approvals')[0].query.box).toBe('waiting');
    await fire(page, '#box-tabs', 'change', { value: 'cc', label: '抄送我' });
    expect(backend.callsTo('GET /api/approvals').pop().query.box).toBe('cc');
    expect(text(page)).toContain('李四 · 请假');
    expect(text(page)).toContain('已通过');
    expect(page.querySelector('.approve-btn')).toBeFalsy();
  });

  test('approve in one tap sends the displayed version and refreshes the list', async () => {
    backend.on('GET /api/approvals', [ok([mine()]), ok([])]);
    backend.on('POST /api/approvals/9/actions', ok(mine({ status: 'approved' })));
    const page = await loadAnyPage('pages/approvals/index');
    await tap(page, '.approve-btn');
    await flush();
    expect(backend.callsTo('POST /api/approvals/9/actions')[0].body).toEqual({ action: 'approve', comment: '', version: 2 });
    expect(text(page)).toContain('暂无待审批的申请');
  });

  test('reject needs a reason, then sends it', async () => {
    backend.on('GET /api/approvals', [ok([mine()]), ok([])]);
    backend.on('POST /api/approvals/9/actions', ok(mine({ status: 'rejected' })));
    const page = await loadAnyPage('pages/approvals/index');
    await tap(page, '.reject-btn');
    expect(text(page)).toContain('驳回 张三 的请假');
    await tap(page, '#reject-confirm');
    expect(toasts()).toEqual(['驳回时请填写原因']);
    expect(backend.callsTo('POST /api/approvals/9/actions')).toHaveLength(0);
    await fire(page, '#reject-reason', 'change', { value: ' 年底工作忙，请改期 ' });
    await tap(page, '#reject-confirm');
    await flush();
    expect(backend.callsTo('POST /api/approvals/9/actions')[0].body).toEqual({ action: 'reject', comment: '年底工作忙，请改期', version: 2 });
    expect(page.instance.data.rejecting).toBeNull();
  });

  test('409 APPROVAL_ALREADY_ACTED: plain words, no raw toast, the list refreshed', async () => {
    backend.on('GET /api/approvals', [ok([mine(), mine({ id: 10, summary: '病假 1 天' })]), ok([mine({ id: 10, summary: '病假 1 天' })])]);
    backend.on('POST /api/approvals/9/actions', fail(409, 'APPROVAL_ALREADY_ACTED', '该环节已处理，请刷新后查看'));
    const page = await loadAnyPage('pages/approvals/index');
    await tap(page, '#item-9 .approve-btn');
    await flush();
    expect(toasts()).toEqual([]);
    expect(text(page)).toContain('这条申请刚刚已由其他人处理（或已被申请人撤回），已为您刷新为最新状态。');
    expect(backend.callsTo('GET /api/approvals')).toHaveLength(2);
    expect(page.querySelector('#item-9')).toBeFalsy();
    expect(text(page)).toContain('病假 1 天');
  });

  test('batch approve: checkbox mode, select all, per-item results in plain words', async () => {
    backend.on('GET /api/approvals', [ok([mine(), mine({ id: 10 }), mine({ id: 11 })]), ok([])]);
    backend.on('POST /api/approvals/batch', ok([
      { id: 9, ok: true, status: 'approved' }, { id: 10, ok: true, status: 'pending' },
      { id: 11, ok: false, status_code: 409, code: 'APPROVAL_ALREADY_ACTED', message: '已处理' },
    ]));
    const page = await loadAnyPage('pages/approvals/index');
    await tap(page, '#batch-toggle');
    expect(page.querySelector('.approve-btn')).toBeFalsy();
    await tap(page, '#batch-approve-btn');
    expect(toasts()).toEqual(['请先勾选要同意的申请']);
    await fire(page, '#batch-group', 'change', { value: [9, 10] });
    expect(text(page)).toContain('同意所选（2）');
    await tap(page, '#select-all-btn');
    expect(text(page)).toContain('同意所选（3）');
    await tap(page, '#batch-approve-btn');
    await flush();
    expect(backend.callsTo('POST /api/approvals/batch')[0].body).toEqual({ ids: [9, 10, 11], action: 'approve', comment: '' });
    expect(text(page)).toContain('已同意 2 条；1 条未处理（已由他人处理）');
    expect(page.instance.data.batchMode).toBe(false);
  });
});

describe('detail', () => {
  const subject = request({ staff: { id: 7, name: '张三' }, department_id: 3 });

  test('shows the leave, the applicant balance and overlapping absences sent with the subject', async () => {
    const withContext = {
      ...subject,
      applicant_balance: { type_name: '年休假', remaining: 5 },
      department_overlaps: [
        request({ id: 6, staff: { id: 8, name: '李四' }, start: '2026-03-03', end: '2026-03-03', status: 'approved', status_label: '已批准' }),
      ],
    };
    backend.on('GET /api/approvals/9', ok(mine({ subject: withContext, timeline: instance().timeline })));
    const page = await loadAnyPage('pages/approvals/detail/index', { id: '9' });
    await flush();
    const t = text(page);
    expect(t).toContain('张三 的请假');
    expect(t).toContain('年休假 · 共 3 天');
    expect(t).toContain('事由：回老家');
    expect(t).toContain('申请人年休假剩余 5 天');
    expect(t).toContain('李四 年休假 2026-03-03 上午 至 2026-03-03 下午（已批准）');
    expect(backend.callsTo('GET /api/leave/balances')).toHaveLength(0);
  });

  test('an empty overlap list says nobody else is away; no context means no card', async () => {
    backend.on('GET /api/approvals/9', [
      ok(mine({ subject: { ...subject, applicant_balance: null, department_overlaps: [] }, timeline: [] })),
    ]);
    const page = await loadAnyPage('pages/approvals/detail/index', { id: '9' });
    await flush();
    expect(text(page)).toContain('同期无其他人请假');
    backend.on('GET /api/approvals/9', ok(mine({ subject, timeline: [] })));
    const bare = await loadAnyPage('pages/approvals/detail/index', { id: '9' });
    await flush();
    expect(bare.querySelector('#context')).toBeFalsy();
    expect(toasts()).toEqual([]);
  });

  test('approve with a comment; reject without a reason is stopped', async () => {
    backend.on('GET /api/approvals/9', [ok(mine({ subject })), ok(instance({ status: 'approved', status_label: '已通过', subject, can: {} }))]);
    backend.on('GET /api/leave/balances', ok([]));
    backend.on('GET /api/leave/requests', ok([]));
    backend.on('POST /api/approvals/9/actions', ok(instance({ status: 'approved' })));
    const page = await loadAnyPage('pages/approvals/detail/index', { id: '9' });
    await tap(page, '#reject-btn');
    expect(toasts()).toEqual(['驳回时请填写原因']);
    await fire(page, '#comment-input', 'change', { value: '同意，注意交接' });
    await tap(page, '#approve-btn');
    await flush();
    expect(backend.callsTo('POST /api/approvals/9/actions')[0].body).toEqual({ action: 'approve', comment: '同意，注意交接', version: 2 });
    expect(text(page)).toContain('已通过');
    expect(page.querySelector('#act')).toBeFalsy();
  });

  test('a conflict on the detail page is explained and the page reloads', async () => {
    backend.on('GET /api/approvals/9', [ok(mine({ subject })), ok(instance({ status: 'rejected', status_label: '已驳回', subject, can: {} }))]);
    backend.on('GET /api/leave/balances', ok([]));
    backend.on('GET /api/leave/requests', ok([]));
    backend.on('POST /api/approvals/9/actions', fail(409, 'APPROVAL_ALREADY_ACTED', '已处理'));
    const page = await loadAnyPage('pages/approvals/detail/index', { id: '9' });
    await tap(page, '#approve-btn');
    await flush();
    expect(text(page)).toContain('这条申请刚刚已由其他人处理');
    expect(text(page)).toContain('已驳回');
    expect(toasts()).toEqual([]);
  });
});

test('home: the approvals card shows the waiting count and opens the inbox', async () => {
  backend.on('GET /api/home', ok({ ...home, cards: { ...home.cards, approvals: { waiting: 0 } } }));
  backend.on('GET /api/approvals/count', ok({ waiting: 4 }));
  const page = await loadPage('pages/home/index');
  await flush();
  expect(text(page)).toContain('待我审批4 项');
  page.querySelector('#card-approvals').dispatchEvent('tap');
  await flush();
  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/approvals/index' });
  page.querySelector('#link-leave-apply').dispatchEvent('tap');
  await flush();
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/package-leave/apply/index' });
});
