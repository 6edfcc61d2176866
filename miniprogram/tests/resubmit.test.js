// 退回修改 (issue 15): the applicant of a returned request sees why it came back and resubmits —
// leave with its changes on the apply page (POST /api/leave/requests/{id}/resubmit), make-up punches
// and overtime unchanged through the engine (POST /api/approvals/{id}/resubmit) or withdrawn.
const { backend, reset, text, tap, flush, signIn } = require('./support');
const { loadAnyPage, types, balances, quote, request, instance } = require('./leave-support');

const { ok, fail } = backend;
jest.setTimeout(30000);

const RETURN_EVENT = {
  id: 2, action: 'return', action_label: '退回修改', actor: { id: 9, name: '李科长' }, on_behalf_of: null, label: '',
  step_index: 0, comment: '请把结束日期改到周三', data: {}, created_at: '2026-02-21T10:00:00+08:00',
};
const returnedInst = (over = {}) => instance({
  status: 'returned', status_label: '已退回',
  can: { approve: false, reject: false, return: false, transfer: false, withdraw: true, resubmit: true, comment: true, cc: false },
  timeline: [instance().timeline[0], RETURN_EVENT],
  ...over,
});

beforeEach(() => {
  reset();
  signIn('tok-1');
  backend.on('GET /api/leave/types', ok(types));
  backend.on('GET /api/leave/balances', ok(balances));
  backend.on('GET /api/leave/quote', ok(quote()));
});

describe('leave', () => {
  test('the detail of a returned request shows the comment and opens the apply page in resubmit mode', async () => {
    backend.on('GET /api/leave/requests/5', ok(request({ status: 'returned', status_label: '已退回' })));
    backend.on('GET /api/approvals/9', ok(returnedInst()));
    const page = await loadAnyPage('package-leave/detail/index', { id: '5' });
    expect(text(page)).toContain('已退回，请修改后重新提交');
    expect(text(page)).toContain('李科长：“请把结束日期改到周三”');
    await tap(page, '#resubmit-btn');
    expect(wx.navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/package-leave/apply/index?resubmit=5' }));
  });

  test('a pending request has no resubmit button', async () => {
    backend.on('GET /api/leave/requests/5', ok(request()));
    backend.on('GET /api/approvals/9', ok(instance()));
    const page = await loadAnyPage('package-leave/detail/index', { id: '5' });
    expect(page.querySelector('#resubmit-btn')).toBeFalsy();
    expect(page.querySelector('#return-note')).toBeFalsy();
  });

  test('the apply page is filled with the returned request, and 重新提交 sends the changes once', async () => {
    backend.on('GET /api/leave/requests/5', ok(request({ status: 'returned', status_label: '已退回' })));
    backend.on('GET /api/approvals/9', ok(returnedInst()));
    backend.on('POST /api/leave/requests/5/resubmit', ok(request({ end: '2026-03-05', days: 4 })));
    const page = await loadAnyPage('package-leave/apply/index', { resubmit: '5' });
    expect(text(page)).toContain('退回修改');
    expect(text(page)).toContain('“请把结束日期改到周三”');
    expect(text(page)).toContain('2026-03-02');
    expect(page.instance.data.form).toEqual({ type: 'annual', start: '2026-03-02', startHalf: 'am', end: '2026-03-04', endHalf: 'pm', reason: '回老家' });
    expect(text(page)).toContain('重新提交');
    page.instance.setData({ 'form.end': '2026-03-05' });
    await tap(page, '#submit-btn');
    await tap(page, '#submit-btn');
    await flush(8);
    const calls = backend.callsTo('POST /api/leave/requests/5/resubmit');
    expect(calls).toHaveLength(1);
    expect(calls[0].body).toEqual({ type: 'annual', start: '2026-03-02', start_half: 'am', end: '2026-03-05', end_half: 'pm', reason: '回老家' });
    expect(calls[0].header['Idempotency-Key']).toBeTruthy();
    expect(backend.callsTo('POST /api/leave/requests')).toHaveLength(0);
    expect(wx.redirectTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/package-leave/detail/index?id=5' }));
  });

  test('a request no longer returned says so; a refused resubmit stays on the page', async () => {
    backend.on('GET /api/leave/requests/5', ok(request()));
    backend.on('GET /api/approvals/9', ok(instance()));
    backend.on('POST /api/leave/requests/5/resubmit', fail(409, 'APPROVAL_NOT_RETURNED', '只有被退回的申请可以重新提交'));
    const page = await loadAnyPage('package-leave/apply/index', { resubmit: '5' });
    expect(text(page)).toContain('无法重新提交');
    await tap(page, '#submit-btn');
    await flush(8);
    expect(wx.redirectTo).not.toHaveBeenCalled();
  });

  test('from the approval detail, a returned leave goes to the apply page', async () => {
    backend.on('GET /api/approvals/9', ok(returnedInst()));
    const page = await loadAnyPage('pages/approvals/detail/index', { id: '9' });
    expect(text(page)).toContain('修改后重新提交');
    await tap(page, '#resubmit-btn');
    expect(wx.navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/package-leave/apply/index?resubmit=5' }));
    expect(backend.callsTo('POST /api/approvals/9/resubmit')).toHaveLength(0);
  });
});

describe('make-up punch and overtime', () => {
  const makeup = (over = {}) => returnedInst({
    id: 21, kind: 'attendance_makeup', kind_title: '补卡申请', subject_id: 4, summary: '补卡 2026-03-02 08:58',
    subject: null, ...over,
  });

  test('the applicant resubmits a returned make-up after a confirm', async () => {
    backend.on('GET /api/approvals/21', [ok(makeup()), ok(makeup({ status: 'pending', status_label: '审批中', can: { resubmit: false } }))]);
    backend.on('POST /api/approvals/21/resubmit', ok(makeup({ status: 'pending' })));
    wx.showModal.mockImplementationOnce((opts) => opts.success({ confirm: true }));
    const page = await loadAnyPage('pages/approvals/detail/index', { id: '21' });
    expect(text(page)).toContain('李科长：“请把结束日期改到周三”');
    expect(text(page)).toContain('重新提交');
    expect(text(page)).toContain('撤回（改动内容后重新申请）');
    await tap(page, '#resubmit-btn');
    await flush(8);
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '重新提交' }));
    expect(backend.callsTo('POST /api/approvals/21/resubmit')).toHaveLength(1);
    expect(page.querySelector('#return-note')).toBeFalsy();
  });

  test('cancelling the confirm sends nothing; withdraw sends the version', async () => {
    const overtime = makeup({ id: 22, kind: 'overtime', kind_title: '加班申请' });
    backend.on('GET /api/approvals/22', ok(overtime));
    backend.on('POST /api/approvals/22/actions', ok(overtime));
    const page = await loadAnyPage('pages/approvals/detail/index', { id: '22' });
    await tap(page, '#resubmit-btn');
    await flush();
    expect(backend.callsTo('POST /api/approvals/22/resubmit')).toHaveLength(0);
    await tap(page, '#withdraw-btn');
    await flush(8);
    expect(backend.callsTo('POST /api/approvals/22/actions')[0].body).toEqual({ action: 'withdraw', comment: '', version: 2 });
  });

  test('someone else (an approver) sees no resubmit', async () => {
    backend.on('GET /api/approvals/21', ok(makeup({ can: { approve: false, resubmit: false, withdraw: false } })));
    const page = await loadAnyPage('pages/approvals/detail/index', { id: '21' });
    expect(page.querySelector('#resubmit-btn')).toBeFalsy();
  });
});
