// Leave pages (package-leave): apply with the server's live quote, half days and calendar warnings;
// balance errors; attachment upload; my requests with timeline, withdraw and report-back; overtime.
const { backend, reset, text, fire, tap, toasts, signIn, flush } = require('./support');
const { loadAnyPage, types, balances, quote, request, instance } = require('./leave-support');

const { ok, fail } = backend;

jest.setTimeout(30000);

beforeEach(() => {
  reset();
  signIn('tok-1');
  wx.chooseMedia = jest.fn((opts) => opts.success({ tempFiles: [{ tempFilePath: 'wxfile://tmp/sick-note.jpg', size: 2048 }] }));
  wx.uploadFile = jest.fn((opts) => opts.success({ statusCode: 201, data: JSON.stringify({ data: { id: 31, filename: 'sick-note.jpg' } }) }));
});

function applyBackend() {
  backend.on('GET /api/leave/types', ok(types));
  backend.on('GET /api/leave/balances', ok(balances));
}

async function pick(page, which, date) {
  await fire(page, `#${which}-picker`, 'confirm', { value: date });
}

describe('apply', () => {
  test('types show their remaining balance', async () => {
    applyBackend();
    const page = await loadAnyPage('package-leave/apply/index');
    const t = text(page);
    expect(t).toContain('年休假（剩余 8 天）');
    expect(t).toContain('调休（剩余 1.5 天）');
    expect(t).toContain('病假');
    expect(String(backend.callsTo('GET /api/leave/balances')[0].query.year)).toMatch(/^\d{4}$/);
  });

  test('the server quotes the days live, half days included, and shows calendar warnings', async () => {
    applyBackend();
    backend.on('GET /api/leave/quote', (req) => {
      if (req.query.end.startsWith('2027')) {
        return ok(quote({ days: 1.5, remaining_after: 6.5, warnings: ['2027 年节假日安排尚未录入，暂按周一至周五计算工作日；请管理员在“节假日日历”中录入并发布'] }));
      }
      return ok(quote({ days: req.query.start_half === 'pm' ? 2.5 : 3, remaining_after: req.query.start_half === 'pm' ? 5.5 : 5 }));
    });
    const page = await loadAnyPage('package-leave/apply/index');
    await fire(page, '#type-group', 'change', { value: 'annual' });
    expect(backend.callsTo('GET /api/leave/quote')).toHaveLength(0); // no dates yet
    await pick(page, 'start', '2026-03-02');
    // choosing a start fills the end with the same day, so a quote is asked at once
    let q = backend.callsTo('GET /api/leave/quote').pop().query;
    expect(q).toEqual({ type: 'annual', start: '2026-03-02', start_half: 'am', end: '2026-03-02', end_half: 'pm' });
    await pick(page, 'end', '2026-03-04');
    expect(text(page)).toContain('共计 3 天');
    expect(text(page)).toContain('当前剩余 8 天，提交后剩余 5 天');
    await fire(page, '#start-half', 'change', { value: 'pm' });
    q = backend.callsTo('GET /api/leave/quote').pop().query;
    expect(q.start_half).toBe('pm');
    expect(text(page)).toContain('共计 2.5 天');
    await fire(page, '#end-half', 'change', { value: 'am' });
    expect(backend.callsTo('GET /api/leave/quote').pop().query.end_half).toBe('am');
    await pick(page, 'start', '2026-12-31');
    await pick(page, 'end', '2027-01-01');
    expect(text(page)).toContain('共计 1.5 天');
    expect(text(page)).toContain('2027 年节假日安排尚未录入');
  });

  test('a range the server refuses is explained inline', async () => {
    applyBackend();
    backend.on('GET /api/leave/quote', fail(422, 'LEAVE_RANGE_INVALID', '结束时间不能早于开始时间'));
    const page = await loadAnyPage('package-leave/apply/index');
    await fire(page, '#type-group', 'change', { value: 'annual' });
    await pick(page, 'start', '2026-03-02');
    expect(text(page)).toContain('结束时间不能早于开始时间');
    expect(toasts()).toEqual([]);
  });

  test('submit sends the form; an insufficient balance is a toast and nothing else happens', async () => {
    applyBackend();
    backend.on('GET /api/leave/quote', ok(quote()));
    backend.on('POST /api/leave/requests', fail(422, 'LEAVE_BALANCE_INSUFFICIENT', '年休假余额不足（剩余 8 天，本次需 9 天）', { days: '剩余 8 天' }));
    const page = await loadAnyPage('package-leave/apply/index');
    await fire(page, '#type-group', 'change', { value: 'annual' });
    await pick(page, 'start', '2026-03-02');
    await pick(page, 'end', '2026-03-12');
    await fire(page, '#reason-input', 'change', { value: '  探亲  ' });
    await tap(page, '#submit-btn');
    expect(backend.callsTo('POST /api/leave/requests')[0].body).toEqual({
      type: 'annual', start: '2026-03-02', start_half: 'am', end: '2026-03-12', end_half: 'pm', reason: '探亲',
    });
    expect(toasts()).toEqual(['年休假余额不足（剩余 8 天，本次需 9 天）']);
    expect(wx.redirectTo).not.toHaveBeenCalled();
  });

  test('the quote says when the balance is short and the button is disabled', async () => {
    applyBackend();
    backend.on('GET /api/leave/quote', ok(quote({ days: 9, remaining_after: -1, sufficient: false })));
    const page = await loadAnyPage('package-leave/apply/index');
    await fire(page, '#type-group', 'change', { value: 'annual' });
    await pick(page, 'start', '2026-03-02');
    expect(text(page)).toContain('余额不足，无法提交');
    expect(page.querySelector('#submit-btn').instance.data.disabled).toBe(true);
  });

  test('missing reason is caught before sending', async () => {
    applyBackend();
    backend.on('GET /api/leave/quote', ok(quote()));
    const page = await loadAnyPage('package-leave/apply/index');
    await fire(page, '#type-group', 'change', { value: 'annual' });
    await pick(page, 'start', '2026-03-02');
    await tap(page, '#submit-btn');
    expect(toasts()).toEqual(['请填写请假事由']);
    expect(backend.callsTo('POST /api/leave/requests')).toHaveLength(0);
  });

  test('sick leave with a note: the attachment is uploaded with the token after the request exists', async () => {
    applyBackend();
    backend.on('GET /api/leave/quote', ok(quote({ type: 'sick', days: 3, balance: null, remaining_after: null, attachment_required: true })));
    backend.on('POST /api/leave/requests', ok(request({ id: 44, type: 'sick' }), 201));
    const page = await loadAnyPage('package-leave/apply/index');
    await fire(page, '#type-group', 'change', { value: 'sick' });
    await pick(page, 'start', '2026-03-02');
    await fire(page, '#reason-input', 'change', { value: '发烧' });
    expect(text(page)).toContain('需要上传证明材料');
    await tap(page, '#submit-btn');
    expect(toasts()).toEqual(['该假期需要上传证明材料']);
    await fire(page, '#attach-cell', 'click');
    expect(text(page)).toContain('已选择 1 张图片');
    await tap(page, '#submit-btn');
    await flush();
    const upload = wx.uploadFile.mock.calls[0][0];
    expect(upload.url).toBe('http://127.0.0.1:8000/api/leave/requests/44/attachments');
    expect(upload.name).toBe('file');
    expect(upload.filePath).toBe('wxfile://tmp/sick-note.jpg');
    expect(upload.header.Authorization).toBe('Bearer tok-1');
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/package-leave/detail/index?id=44' });
  });

  test('tapping submit twice sends one request', async () => {
    applyBackend();
    backend.on('GET /api/leave/quote', ok(quote()));
    const held = backend.deferred();
    backend.on('POST /api/leave/requests', held.handler);
    const page = await loadAnyPage('package-leave/apply/index');
    await fire(page, '#type-group', 'change', { value: 'annual' });
    await pick(page, 'start', '2026-03-02');
    await fire(page, '#reason-input', 'change', { value: '事由' });
    page.instance.onSubmit();
    page.instance.onSubmit();
    await flush();
    expect(backend.callsTo('POST /api/leave/requests')).toHaveLength(1);
    held.release(ok(request(), 201));
    await flush();
    expect(wx.redirectTo).toHaveBeenCalledTimes(1);
  });
});

describe('my requests', () => {
  test('the list shows type, days, range and status; a tap opens the detail', async () => {
    backend.on('GET /api/leave/requests', ok([request(), request({ id: 6, status: 'approved', status_label: '已批准', start_half: 'pm', days: 2.5 })]));
    const page = await loadAnyPage('package-leave/mine/index');
    const t = text(page);
    expect(t).toContain('年休假 · 3 天');
    expect(t).toContain('2026-03-02 上午 至 2026-03-04 下午');
    expect(t).toContain('2026-03-02 下午 至 2026-03-04 下午');
    expect(t).toContain('审批中');
    expect(t).toContain('已批准');
    expect(String(backend.callsTo('GET /api/leave/requests')[0].query.mine)).toBe('1');
    await fire(page, '#leave-6', 'click');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/package-leave/detail/index?id=6' });
  });

  test('detail shows the steps and timeline; withdraw sends the displayed version', async () => {
    backend.on('GET /api/leave/requests/5', [ok(request()), ok(request({ status: 'withdrawn', status_label: '已撤回' }))]);
    backend.on('GET /api/approvals/9', [ok(instance()), ok(instance({ status: 'withdrawn', status_label: '已撤回', can: { withdraw: false } }))]);
    backend.on('POST /api/approvals/9/actions', ok(instance({ status: 'withdrawn' })));
    const page = await loadAnyPage('package-leave/detail/index', { id: '5' });
    const t = text(page);
    expect(t).toContain('部门负责人审批');
    expect(t).toContain('李科长 待审批');
    expect(t).toContain('已跳过：天数未超过 3 天');
    expect(t).toContain('张三 提交申请');
    expect(t).toContain('2026-02-20 09:00');
    await tap(page, '#withdraw-btn');
    await flush();
    expect(backend.callsTo('POST /api/approvals/9/actions')[0].body).toEqual({ action: 'withdraw', comment: '', version: 2 });
    expect(text(page)).toContain('已撤回');
    expect(page.querySelector('#withdraw-btn')).toBeFalsy();
  });

  test('withdrawing after the approver acted explains it and refreshes', async () => {
    backend.on('GET /api/leave/requests/5', [ok(request()), ok(request({ status: 'approved', status_label: '已批准' }))]);
    backend.on('GET /api/approvals/9', [ok(instance()), ok(instance({ status: 'approved', status_label: '已批准', can: { withdraw: false } }))]);
    backend.on('POST /api/approvals/9/actions', fail(409, 'APPROVAL_ALREADY_ACTED', '该申请已被处理，请刷新'));
    const page = await loadAnyPage('package-leave/detail/index', { id: '5' });
    await tap(page, '#withdraw-btn');
    await flush();
    expect(text(page)).toContain('这条申请刚刚已由其他人处理');
    expect(text(page)).toContain('已批准');
    expect(toasts()).toEqual([]);
  });

  test('report back (销假) sends the return date and half and shows the days given back', async () => {
    const approved = request({ status: 'approved', status_label: '已批准', start: '2099-03-02', end: '2099-03-06', days: 5 });
    const after = { ...approved, end: '2099-03-03', end_half: 'pm', days: 2, original_end: '2099-03-06', original_days: 5, reported_back_at: '2099-03-04T08:00:00+08:00' };
    backend.on('GET /api/leave/requests/5', [ok(approved), ok(after)]);
    backend.on('GET /api/approvals/9', ok(instance({ status: 'approved', status_label: '已批准', can: { withdraw: false } })));
    backend.on('POST /api/leave/requests/5/report-back', ok(after));
    const page = await loadAnyPage('package-leave/detail/index', { id: '5' });
    await tap(page, '#report-back-btn');
    await fire(page, '#back-picker', 'confirm', { value: '2099-03-04' });
    await fire(page, '#back-half', 'change', { value: 'am' });
    await tap(page, '#report-back-confirm');
    await flush();
    expect(backend.callsTo('POST /api/leave/requests/5/report-back')[0].body).toEqual({ date: '2099-03-04', half: 'am' });
    expect(text(page)).toContain('已销假，退回 3 天');
    expect(text(page)).toContain('原定结束 2099-03-06');
    expect(page.querySelector('#report-back-btn')).toBeFalsy();
  });
});

describe('overtime', () => {
  test('date, hours and reason are sent; the recent list refreshes', async () => {
    backend.on('GET /api/overtime/requests', [ok([]), ok([{ id: 1, date: '2026-03-07', hours: 4.5, reason: '迎检材料', status: 'pending' }])]);
    backend.on('POST /api/overtime/requests', ok({ id: 1 }, 201));
    const page = await loadAnyPage('package-leave/overtime/index');
    await tap(page, '#submit-btn');
    expect(toasts()).toEqual(['请选择加班日期']);
    await fire(page, '#date-picker', 'confirm', { value: '2026-03-07' });
    await fire(page, '#hours-stepper', 'change', { value: 4.5 });
    await fire(page, '#reason-input', 'change', { value: '迎检材料' });
    await tap(page, '#submit-btn');
    await flush();
    expect(backend.callsTo('POST /api/overtime/requests')[0].body).toEqual({ date: '2026-03-07', hours: 4.5, reason: '迎检材料' });
    expect(text(page)).toContain('2026-03-07 · 4.5 小时');
    expect(text(page)).toContain('审批中');
  });
});

test('the package-leave subpackage is declared in app.json and every page is complete', () => {
  const fs = require('fs');
  const path = require('path');
  const { ROOT } = require('./support');
  const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
  const sub = (app.subPackages || []).find((s) => s.root === 'package-leave');
  expect(sub.pages).toEqual(['apply/index', 'overtime/index', 'mine/index', 'detail/index']);
  for (const p of sub.pages) {
    for (const ext of ['js', 'json', 'wxml', 'wxss']) expect(fs.existsSync(path.join(ROOT, 'package-leave', `${p}.${ext}`))).toBe(true);
    const json = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-leave', `${p}.json`), 'utf8'));
    for (const ref of Object.values(json.usingComponents || {})) expect(fs.existsSync(path.join(ROOT, 'miniprogram_npm', `${ref}.json`))).toBe(true);
  }
  expect(app.pages).toEqual(expect.arrayContaining(['pages/approvals/index', 'pages/approvals/detail/index']));
});
