// 退回修改 (issue 15): the applicant of a returned request sees why it came back and resubmits —
// leave with its changes on the apply page (POST /api/leave/requests/{id}/resubmit), make-up punches
// on the month page (POST /api/attendance/makeups/{id}/resubmit) and overtime on the overtime page
// (POST /api/overtime/requests/{id}/resubmit), both pre-filled and editable; other kinds unchanged
// through the engine (POST /api/approvals/{id}/resubmit) or withdrawn.
const { backend, reset, text, tap, fire, flush, signIn } = require('./support');
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

describe('kinds resubmitted unchanged (no screen of their own)', () => {
  const other = (over = {}) => returnedInst({
    id: 21, kind: 'device_change', kind_title: '更换考勤手机', subject_id: 4, summary: '更换考勤手机',
    subject: null, ...over,
  });

  test('the applicant resubmits after a confirm', async () => {
    backend.on('GET /api/approvals/21', [ok(other()), ok(other({ status: 'pending', status_label: '审批中', can: { resubmit: false } }))]);
    backend.on('POST /api/approvals/21/resubmit', ok(other({ status: 'pending' })));
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
    backend.on('GET /api/approvals/21', ok(other()));
    backend.on('POST /api/approvals/21/actions', ok(other()));
    const page = await loadAnyPage('pages/approvals/detail/index', { id: '21' });
    await tap(page, '#resubmit-btn');
    await flush();
    expect(backend.callsTo('POST /api/approvals/21/resubmit')).toHaveLength(0);
    await tap(page, '#withdraw-btn');
    await flush(8);
    expect(backend.callsTo('POST /api/approvals/21/actions')[0].body).toEqual({ action: 'withdraw', comment: '', version: 2 });
  });
});

describe('make-up punch (补卡): changed on the month page', () => {
  const MONTH = 'package-attendance/pages/month/index';
  const makeupInst = (over = {}) => returnedInst({
    id: 21, kind: 'makeup_punch', kind_title: '补卡', subject_id: 4, summary: '补卡 2026-11-02 17:40：忘记打卡',
    subject: null, ...over,
  });
  const row = (over = {}) => ({
    id: 4, staff_id: 7, day: '2026-11-02', at: '2026-11-02T17:40:00+08:00', reason: '忘记打卡', status: 'returned',
    approval_id: 21, punch_id: null, created_at: '2026-11-03T09:00:00+08:00', ...over,
  });

  beforeEach(() => {
    backend.on('GET /api/attendance/month', (req) => ok({ month: req.query.month, days: [], totals: null, warnings: [] }));
    backend.on('GET /api/approvals/21', ok(makeupInst()));
  });

  test('from the approval detail, a returned make-up opens the month page to change it', async () => {
    const page = await loadAnyPage('pages/approvals/detail/index', { id: '21' });
    expect(text(page)).toContain('修改后重新提交');
    expect(text(page)).toContain('撤回申请');
    await tap(page, '#resubmit-btn');
    expect(wx.navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/package-attendance/pages/month/index?resubmit=4' }));
    expect(backend.callsTo('POST /api/approvals/21/resubmit')).toHaveLength(0);
  });

  test('pre-filled and editable; 重新提交 sends the changes once and opens the approval', async () => {
    const held = backend.deferred();
    backend.on('GET /api/attendance/makeups', ok([row(), row({ id: 3, status: 'approved', approval_id: 20 })]));
    backend.on('POST /api/attendance/makeups/4/resubmit', held.handler);
    const page = await loadAnyPage(MONTH, { resubmit: '4' });
    const card = text(page.querySelector('#resubmit-card'));
    expect(card).toContain('退回修改');
    expect(card).toContain('“请把结束日期改到周三”');
    expect(card).toContain('补卡日期：2026-11-02');
    expect(card).toContain('补卡时间：17:40');
    expect(page.instance.data.resubmit.reason).toBe('忘记打卡');
    expect(backend.callsTo('GET /api/attendance/month')[0].query.month).toBe('2026-11'); // its month
    await fire(page, '#resubmit-day', 'change', { value: '2026-11-03' });
    await fire(page, '#resubmit-time', 'change', { value: '17:35' });
    await fire(page, '#resubmit-reason', 'change', { value: '下班忘记打卡' });
    expect(text(page.querySelector('#resubmit-card'))).toContain('补卡日期：2026-11-03');
    await tap(page, '#resubmit-btn');
    await tap(page, '#resubmit-btn'); // while the first is on its way
    held.release(ok(row({ day: '2026-11-03', status: 'pending' })));
    await flush(8);
    await tap(page, '#resubmit-btn'); // and after it succeeded
    await flush(8);
    const calls = backend.callsTo('POST /api/attendance/makeups/4/resubmit');
    expect(calls).toHaveLength(1);
    expect(calls[0].body).toEqual({ day: '2026-11-03', time: '17:35', reason: '下班忘记打卡' });
    expect(calls[0].header['Idempotency-Key']).toBeTruthy();
    expect(backend.callsTo('POST /api/attendance/makeups')).toHaveLength(0);
    expect(wx.redirectTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/approvals/detail/index?id=21' }));
  });

  test('a refusal is explained and the page stays; a blank reason is caught first', async () => {
    backend.on('GET /api/attendance/makeups', ok([row()]));
    backend.on('POST /api/attendance/makeups/4/resubmit', fail(422, 'MAKEUP_DEADLINE_PASSED', '补卡须在 5 天内申请'));
    const page = await loadAnyPage(MONTH, { resubmit: '4' });
    await fire(page, '#resubmit-reason', 'change', { value: '  ' });
    await tap(page, '#resubmit-btn');
    expect(text(page.querySelector('#resubmit-error'))).toContain('请填写补卡事由');
    expect(backend.callsTo('POST /api/attendance/makeups/4/resubmit')).toHaveLength(0);
    await fire(page, '#resubmit-reason', 'change', { value: '忘记打卡' });
    await fire(page, '#resubmit-day', 'change', { value: '2026-10-01' });
    await tap(page, '#resubmit-btn');
    await flush(8);
    expect(text(page.querySelector('#resubmit-error'))).toContain('已超过补卡期限：补卡须在 5 天内申请。');
    expect(wx.redirectTo).not.toHaveBeenCalled();
  });

  test('a request no longer returned says so and offers no button', async () => {
    backend.on('GET /api/attendance/makeups', ok([row({ status: 'pending' })]));
    const page = await loadAnyPage(MONTH, { resubmit: '4' });
    expect(text(page)).toContain('当前不是“已退回”状态，无法重新提交');
    expect(page.querySelector('#resubmit-btn')).toBeFalsy();
  });

  test('a returned request in 我的补卡申请 opens the form in place', async () => {
    backend.on('GET /api/attendance/makeups', ok([row(), row({ id: 3, status: 'approved', day: '2026-11-05' })]));
    const page = await loadAnyPage(MONTH, { month: '2026-11' });
    expect(page.querySelector('#resubmit-card')).toBeFalsy();
    await tap(page, '#makeup-3');
    await flush(8);
    expect(page.querySelector('#resubmit-card')).toBeFalsy();
    expect(text(page.querySelector('#makeup-4'))).toContain('修改');
    await tap(page, '#makeup-4');
    await flush(8);
    expect(text(page.querySelector('#resubmit-card'))).toContain('补卡时间：17:40');
  });
});

describe('overtime (加班): changed on the overtime page', () => {
  const OVERTIME = 'package-leave/overtime/index';
  const overtimeInst = (over = {}) => returnedInst({
    id: 22, kind: 'overtime', kind_title: '加班申请', subject_id: 3, summary: '加班 2026-03-07 4 小时',
    subject: null, ...over,
  });
  const ot = (over = {}) => ({
    id: 3, staff: { id: 7, name: '张三' }, unit_id: 1, department_id: 3, date: '2026-03-07', hours: 4, reason: '迎检材料',
    status: 'returned', instance_id: 22, created_at: '2026-03-07T20:00:00+08:00', updated_at: '2026-03-08T09:00:00+08:00', ...over,
  });

  beforeEach(() => {
    backend.on('GET /api/approvals/22', ok(overtimeInst()));
  });

  test('from the approval detail, a returned overtime opens the overtime page', async () => {
    const page = await loadAnyPage('pages/approvals/detail/index', { id: '22' });
    await tap(page, '#resubmit-btn');
    expect(wx.navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/package-leave/overtime/index?resubmit=3' }));
    expect(backend.callsTo('POST /api/approvals/22/resubmit')).toHaveLength(0);
  });

  test('pre-filled and editable; 重新提交 sends the changes once and opens the approval', async () => {
    backend.on('GET /api/overtime/requests/3', ok(ot()));
    backend.on('POST /api/overtime/requests/3/resubmit', ok(ot({ hours: 6.5, status: 'pending' })));
    const page = await loadAnyPage(OVERTIME, { resubmit: '3' });
    expect(text(page.querySelector('#return-note'))).toContain('“请把结束日期改到周三”');
    expect(page.instance.data.form).toEqual({ date: '2026-03-07', hours: 4, reason: '迎检材料' });
    expect(text(page)).toContain('2026-03-07');
    expect(text(page)).not.toContain('提交加班申请'); // the button says 重新提交
    expect(backend.callsTo('GET /api/overtime/requests')).toHaveLength(0); // no recent list here
    await fire(page, '#date-picker', 'confirm', { value: '2026-03-08' });
    await fire(page, '#hours-stepper', 'change', { value: 6.5 });
    await fire(page, '#reason-input', 'change', { value: '周日值班' });
    await tap(page, '#submit-btn');
    await tap(page, '#submit-btn');
    await flush(8);
    const calls = backend.callsTo('POST /api/overtime/requests/3/resubmit');
    expect(calls).toHaveLength(1);
    expect(calls[0].body).toEqual({ date: '2026-03-08', hours: 6.5, reason: '周日值班' });
    expect(calls[0].header['Idempotency-Key']).toBeTruthy();
    expect(backend.callsTo('POST /api/overtime/requests')).toHaveLength(0);
    expect(wx.redirectTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/approvals/detail/index?id=22' }));
  });

  test('a request no longer returned says so and sends nothing; a refusal stays on the page', async () => {
    backend.on('GET /api/overtime/requests/3', ok(ot({ status: 'pending' })));
    const page = await loadAnyPage(OVERTIME, { resubmit: '3' });
    expect(text(page)).toContain('当前不是“已退回”状态，无法重新提交');
    await tap(page, '#submit-btn');
    await flush(8);
    expect(backend.callsTo('POST /api/overtime/requests/3/resubmit')).toHaveLength(0);

    backend.on('GET /api/overtime/requests/3', ok(ot()));
    backend.on('POST /api/overtime/requests/3/resubmit', fail(409, 'OVERTIME_OVERLAP', '该日已有加班申请'));
    const again = await loadAnyPage(OVERTIME, { resubmit: '3' });
    await tap(again, '#submit-btn');
    await flush(8);
    expect(backend.callsTo('POST /api/overtime/requests/3/resubmit')).toHaveLength(1);
    expect(wx.redirectTo).not.toHaveBeenCalled();
  });

  test('a returned request in the recent list opens this screen to change it', async () => {
    backend.on('GET /api/overtime/requests', ok([ot(), ot({ id: 2, status: 'approved', date: '2026-03-01' })]));
    const page = await loadAnyPage(OVERTIME);
    expect(text(page)).toContain('已退回，点此修改后重新提交');
    await fire(page, '#recent-2', 'click');
    expect(wx.navigateTo).not.toHaveBeenCalled();
    await fire(page, '#recent-3', 'click');
    expect(wx.navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/package-leave/overtime/index?resubmit=3' }));
  });
});
