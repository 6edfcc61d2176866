// 填报进展 and 个人自评 (package-appraisal/progress, self-assessment).
const { backend, reset, text, fire, tap, toasts, signIn, flush } = require('./support');
const f = require('./appraisal-support');

const { ok, fail } = backend;

beforeEach(() => {
  reset();
  signIn('tok-1');
  wx.chooseMedia = jest.fn((opts) => opts.success({ tempFiles: [{ tempFilePath: 'wxfile://tmp/a.jpg' }, { tempFilePath: 'wxfile://tmp/b.jpg' }] }));
  wx.uploadFile = jest.fn((opts) => opts.success({ statusCode: 201, data: JSON.stringify({ data: { id: 90, filename: 'a.jpg' } }) }));
  wx.showModal = jest.fn((o) => o.success({ confirm: true }));
});

describe('progress', () => {
  test('a failed load shows the package plain words in place of the page; 重试 clears them and loads', async () => {
    backend.on('GET /api/appraisal/goal-sets/21/progress', [
      fail(409, 'APPRAISAL_GOALS_LOCKED', 'server words'),
      ok(f.progress()),
    ]);
    const page = await f.loadApr('progress', { goal_set_id: '21' });
    expect(text(page.querySelector('#load-error'))).toContain('目标已确认并锁定');
    expect(text(page)).not.toContain('server words');
    await tap(page, '#retry-btn');
    await flush();
    expect(page.querySelector('#load-error')).toBeFalsy();
    expect(text(page.querySelector('#item-g2'))).toContain('当前：完成 40%');
  });

  test('items with their current value; a system value is shown as such and not editable; overdue flagged', async () => {
    backend.on('GET /api/appraisal/goal-sets/21/progress', ok(f.progress()));
    const page = await f.loadApr('progress', { goal_set_id: '21' });
    const g1 = text(page.querySelector('#item-g1'));
    expect(g1).toContain('当前：820件（目标 1000件，预估得分 55）');
    expect(g1).toContain('来源：业务系统（政务服务系统） · 2026-05-19');
    expect(g1).toContain('数据来自人事导入或业务系统，本人和评分人均不能修改');
    expect(page.querySelector('#report-g1')).toBeFalsy();
    const g2 = text(page.querySelector('#item-g2'));
    expect(g2).toContain('当前：完成 40%');
    expect(page.querySelector('#report-g2')).toBeTruthy();
    expect(text(page.querySelector('#item-g3'))).toContain('尚未填报');
    expect(page.querySelector('#overdue-g3')).toBeTruthy();
    expect(text(page)).toContain('过程跟踪 2026-03-16 至 2026-11-30');
  });

  test('report a percent with a note and two photos: the row, then each photo to the evidence endpoint', async () => {
    backend.on('GET /api/appraisal/goal-sets/21/progress', ok(f.progress()));
    backend.on('POST /api/appraisal/goal-sets/21/progress', { status: 201, body: { data: f.progressRow({ id: 80, item_key: 'g3', percent: 50, actual_value: null }) } });
    const page = await f.loadApr('progress', { goal_set_id: '21' });
    await tap(page, '#report-g3');
    await tap(page, '#report-submit');
    expect(text(page)).toContain('请填写完成百分比');
    await fire(page, '#value-input', 'change', { value: '150' });
    await tap(page, '#report-submit');
    expect(text(page)).toContain('完成百分比应在 0 至 100 之间');
    await fire(page, '#value-input', 'change', { value: '50' });
    await fire(page, '#note-input', 'change', { value: '已更新 5 个月目录' });
    await tap(page, '#add-photo');
    await flush();
    await tap(page, '#report-submit');
    await flush(10);
    const post = backend.callsTo('POST /api/appraisal/goal-sets/21/progress');
    expect(post).toHaveLength(1);
    expect(post[0].body).toEqual({ item_key: 'g3', reported_on: '2026-05-20', note: '已更新 5 个月目录', percent: 50 });
    expect(wx.uploadFile).toHaveBeenCalledTimes(2);
    expect(wx.uploadFile.mock.calls[0][0].url).toMatch(/\/api\/appraisal\/progress\/80\/attachments$/);
    expect(wx.uploadFile.mock.calls[0][0].header.Authorization).toBe('Bearer tok-1');
    expect(wx.uploadFile.mock.calls[1][0].filePath).toBe('wxfile://tmp/b.jpg');
    expect(text(page)).toContain('进展已保存');
  });

  test('a quantitative item sends actual_value; 409 locked by source is shown in the form', async () => {
    const data = f.progress();
    data.items[0] = { ...data.items[0], locked_by_source: false, can_report: true, current: null };
    backend.on('GET /api/appraisal/goal-sets/21/progress', ok(data));
    backend.on('POST /api/appraisal/goal-sets/21/progress', fail(409, 'APPRAISAL_VALUE_LOCKED_BY_SOURCE', '该目标项的实际值来自人事导入或业务系统，本人和评分人均不能修改'));
    const page = await f.loadApr('progress', { goal_set_id: '21' });
    await tap(page, '#report-g1');
    await fire(page, '#value-input', 'change', { value: '900' });
    await tap(page, '#report-submit');
    await flush(10);
    expect(backend.callsTo('POST /api/appraisal/goal-sets/21/progress')[0].body).toMatchObject({ item_key: 'g1', actual_value: 900 });
    expect(backend.callsTo('POST /api/appraisal/goal-sets/21/progress')[0].body.percent).toBeUndefined();
    expect(text(page)).toContain('该目标项的实际值来自人事导入或业务系统');
    expect(toasts()).toEqual([]);
  });

  test('a failed photo upload says the progress was saved but the photo was not', async () => {
    wx.uploadFile = jest.fn((opts) => opts.success({ statusCode: 422, data: JSON.stringify({ error: { code: 'ATTACHMENT_TYPE', message: '只接受 JPG/PNG/PDF' } }) }));
    backend.on('GET /api/appraisal/goal-sets/21/progress', ok(f.progress()));
    backend.on('POST /api/appraisal/goal-sets/21/progress', { status: 201, body: { data: f.progressRow({ id: 81 }) } });
    const page = await f.loadApr('progress', { goal_set_id: '21' });
    await tap(page, '#report-g2');
    await fire(page, '#value-input', 'change', { value: '60' });
    await tap(page, '#add-photo');
    await flush();
    await tap(page, '#report-submit');
    await flush(10);
    expect(text(page)).toContain('进展已保存，但有 2 张佐证照片上传失败');
  });
});

describe('self-assessment', () => {
  test('summaries per item; save draft; submit once (incomplete refused on the page)', async () => {
    const submitted = f.selfAssessment({ status: 'submitted', status_label: '已提交', submitted_at: '2026-12-05T10:00:00+08:00',
      can: { edit: false, submit: false },
      items: f.selfAssessment().items.map((i) => ({ ...i, summary: i.summary || '按时报送 12 期' })) });
    backend.on('GET /api/appraisal/goal-sets/21/self-assessment', ok(f.selfAssessment()));
    backend.on('PUT /api/appraisal/goal-sets/21/self-assessment', ok(f.selfAssessment({ items: submitted.items })));
    backend.on('POST /api/appraisal/goal-sets/21/self-assessment/submit', ok(submitted));
    const page = await f.loadApr('self-assessment', { goal_set_id: '21' });
    expect(text(page)).toContain('1. 办理政务服务事项');
    expect(text(page)).toContain('目标值 1000件');
    await tap(page, '#submit-btn');
    expect(text(page)).toContain('还有 1 项目标未填写自评');
    expect(backend.callsTo('POST /api/appraisal/goal-sets/21/self-assessment/submit')).toHaveLength(0);

    await fire(page, '#summary-g2', 'change', { value: '按时报送 12 期' });
    await tap(page, '#save-btn');
    await flush(5);
    expect(backend.callsTo('PUT /api/appraisal/goal-sets/21/self-assessment')[0].body).toEqual({
      items: [{ key: 'g1', summary: '全年办件 1260 件' }, { key: 'g2', summary: '按时报送 12 期' }],
    });
    expect(text(page)).toContain('自评草稿已保存');
    await tap(page, '#submit-btn');
    await flush(10);
    expect(backend.callsTo('POST /api/appraisal/goal-sets/21/self-assessment/submit')).toHaveLength(1);
    expect(text(page)).toContain('自评已提交');
    expect(text(page)).toContain('已提交');
    expect(page.querySelector('#submit-btn')).toBeFalsy();
    expect(page.querySelector('#summary-g1')).toBeFalsy();
  });

  test('the phase gate on submit is shown in words', async () => {
    backend.on('GET /api/appraisal/goal-sets/21/self-assessment', ok(f.selfAssessment({ items: [f.selfAssessment().items[0]] })));
    backend.on('POST /api/appraisal/goal-sets/21/self-assessment/submit', fail(409, 'APPRAISAL_PHASE_CLOSED', '个人自评阶段已结束；如确需补办，请联系人事部门为您重新开放'));
    const page = await f.loadApr('self-assessment', { goal_set_id: '21' });
    await tap(page, '#submit-btn');
    await flush(10);
    expect(text(page.querySelector('#notice'))).toContain('个人自评阶段已结束');
    expect(toasts()).toEqual([]);
  });
});
