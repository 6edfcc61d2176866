// 考核评分 (package-appraisal/score, score-sheet): the raters' list, a sheet rendered from SheetOut
// (formula score read-only, 调整 with a reason of at least 10 characters, the justification rule
// shown before any refusal), draft and submit bodies with the version, per-item 422 refusals
// beside the item, the confirm before submit and the read-only sheet after, 回避 with a reason,
// a stale version, errors in words and no toast.
const { backend, reset, text, fire, tap, toasts, signIn, flush } = require('./support');
const { loadApr } = require('./appraisal-support');
const s = require('./appraisal-scoring-support');

const { ok, fail } = backend;

beforeEach(() => {
  reset();
  signIn('tok-1');
  wx.showModal = jest.fn((o) => o.success({ confirm: true }));
});

const SHEET = 'GET /api/appraisal/sheets/61';
const PUT = 'PUT /api/appraisal/sheets/61';
const SUBMIT = 'POST /api/appraisal/sheets/61/submit';

describe('score list', () => {
  test('my sheets: who, role and weight, state, total; the count to do; tapping opens the sheet', async () => {
    backend.on('GET /api/appraisal/my/sheets', ok([
      s.sheetRow(),
      s.sheetRow({ id: 62, participant: { id: 8, name: '赵六', employee_no: 'E0008', department_name: '办公室' }, status: 'draft', status_label: '草稿', total: null }),
      s.sheetRow({ id: 63, participant: { id: 10, name: '钱七', employee_no: 'E0010', department_name: '办公室' }, status: 'submitted', status_label: '已提交', total: 91.5, submitted_at: '2026-12-15T10:00:00+08:00' }),
    ]));
    const page = await loadApr('score');
    expect(backend.callsTo('GET /api/appraisal/my/sheets')).toHaveLength(1);
    const t = text(page);
    expect(t).toContain('待评分 2 人');
    expect(t).toContain('已提交 1 人');
    const row = text(page.querySelector('#sheet-61'));
    expect(row).toContain('张三（E0007）');
    expect(row).toContain('办公室 · 领导评分 · 权重 70%');
    expect(row).toContain('待评分');
    expect(row).toContain('尚未评分');
    expect(text(page.querySelector('#sheet-63'))).toContain('合计 91.5 分');
    await tap(page, '#sheet-62');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/package-appraisal/score-sheet/index?id=62' });
  });

  test('two cycles: a chooser; none: says so; a failure: the message and a retry', async () => {
    backend.on('GET /api/appraisal/my/sheets', ok([
      s.sheetRow(),
      s.sheetRow({ id: 70, cycle: { id: 5, name: '2026 年第四季度平时考核', year: 2026, kind: 'periodic' } }),
    ]));
    let page = await loadApr('score');
    expect(page.querySelector('#sheet-61')).toBeTruthy();
    expect(page.querySelector('#sheet-70')).toBeFalsy();
    await tap(page, '#cycle-5');
    await flush(10);
    expect(page.querySelector('#sheet-70')).toBeTruthy();
    expect(page.querySelector('#sheet-61')).toBeFalsy();

    backend.on('GET /api/appraisal/my/sheets', ok([]));
    page = await loadApr('score');
    expect(text(page)).toContain('目前没有需要您评分的人员');

    backend.on('GET /api/appraisal/my/sheets', [fail(503, 'UNAVAILABLE', '服务暂时不可用，请稍后重试'), ok([s.sheetRow()])]);
    page = await loadApr('score');
    expect(text(page.querySelector('#load-error'))).toContain('服务暂时不可用，请稍后重试');
    await tap(page, '#retry-btn');
    await flush(10);
    expect(page.querySelector('#sheet-61')).toBeTruthy();
    expect(toasts()).toEqual([]);
  });
});

describe('score sheet', () => {
  test('renders: the formula score read-only with the actual value, the rule before any refusal, the server hints', async () => {
    backend.on(SHEET, ok(s.sheet()));
    const page = await loadApr('score-sheet', { id: '61' });
    const t = text(page);
    expect(t).toContain('张三（E0007）');
    expect(t).toContain('办公室 · 2026 年度考核');
    expect(t).toContain('领导评分 · 权重 70%');
    // the rule, before anything is refused
    expect(text(page.querySelector('#rule'))).toContain('去掉套话后不少于 15 个字');
    expect(text(page.querySelector('#rule'))).toContain('只写“表现良好”“工作认真”之类的套话不予接受');
    expect(text(page.querySelector('#rule-hint-g2'))).toContain('评分依据去掉套话后不少于 15 个字，并写明日期、带单位的数字或用《》“”标明的文件、活动');
    const g1 = text(page.querySelector('#item-g1'));
    expect(g1).toContain('目标值 1000件');
    expect(g1).toContain('线性：600件 得 0 分，1000件 得 100 分');
    expect(g1).toContain('实际值 820件（2026-11-30 · 业务系统推送）');
    expect(g1).toContain('公式得分 55 分（自动计算，不需填写）');
    expect(page.querySelector('#score-g1')).toBeFalsy(); // not typed
    expect(page.querySelector('#adjust-g1')).toBeTruthy();
    const g2 = text(page.querySelector('#item-g2'));
    expect(g2).toContain('完成标准：按时报送，差错不超过 2 处');
    expect(text(page.querySelector('#hints-g2'))).toContain('提交前还需：· 请填写分数· 请填写评分依据');
    expect(text(page.querySelector('#total'))).toContain('还有 1 项未评分');
    expect(page.querySelector('#recuse-btn')).toBeTruthy();
  });

  test('save draft: the formula item as null, the qualitative score and justification, with the version', async () => {
    backend.on(SHEET, ok(s.sheet()));
    const saved = s.sheet({ status: 'draft', status_label: '草稿', version: 2, total: 80.8,
      items: [s.entry(), s.qualitative({ score: 98, justification: '3月5日完成报表', problems: [
        { field: 'justification', code: 'APPRAISAL_JUSTIFICATION_TOO_SHORT', message: '去掉套话后只有 8 个字，至少需要 15 个字' }] })] });
    backend.on(PUT, ok(saved));
    const page = await loadApr('score-sheet', { id: '61' });
    await fire(page, '#score-g2', 'change', { value: '98' });
    expect(page.querySelector('#hints-g2')).toBeFalsy(); // edited: the old hints go
    await fire(page, '#just-g2', 'change', { value: '3月5日完成报表' });
    expect(text(page.querySelector('#total'))).toContain('按当前填写合计 80.8 分');
    await tap(page, '#save-btn');
    await flush(5);
    const put = backend.callsTo(PUT);
    expect(put).toHaveLength(1);
    expect(put[0].body).toEqual({
      version: 1,
      entries: [{ key: 'g1', score: null }, { key: 'g2', score: 98, justification: '3月5日完成报表' }],
    });
    expect(text(page.querySelector('#notice'))).toContain('草稿已保存');
    // what the server still finds missing is shown as a hint (not yet a refusal)
    expect(text(page.querySelector('#hints-g2'))).toContain('去掉套话后只有 8 个字，至少需要 15 个字');
    expect(page.instance.data.sheet.version).toBe(2);
  });

  test('调整 a formula score: a reason of at least 10 characters before anything is sent; then score and reason', async () => {
    backend.on(SHEET, ok(s.sheet()));
    backend.on(PUT, ok(s.sheet({ version: 2, status: 'draft', status_label: '草稿',
      items: [s.entry({ score: 70, overridden: true, override_reason: '系统漏记 11 月窗口办件 150 件' }), s.qualitative()] })));
    const page = await loadApr('score-sheet', { id: '61' });
    await tap(page, '#adjust-g1');
    expect(page.instance.data.forms.g1.score).toBe('55'); // starts from the formula's score
    await fire(page, '#score-g1', 'change', { value: '70' });
    await fire(page, '#reason-g1', 'change', { value: '系统漏记办件' });
    expect(text(page.querySelector('#reason-count-g1'))).toContain('已写 6 个字，至少 10 个字');
    await tap(page, '#save-btn');
    expect(backend.callsTo(PUT)).toHaveLength(0);
    expect(text(page.querySelector('#refusal-g1'))).toContain('调整公式得分须写明理由，至少 10 个字（已写 6 个字），理由将向被考核人公开');
    expect(text(page.querySelector('#notice'))).toContain('还有 1 项需要修改');

    await fire(page, '#reason-g1', 'change', { value: '系统漏记 11 月窗口办件 150 件' });
    expect(page.querySelector('#refusal-g1')).toBeFalsy();
    await tap(page, '#save-btn');
    await flush(5);
    expect(backend.callsTo(PUT)[0].body.entries[0]).toEqual({ key: 'g1', score: 70, override_reason: '系统漏记 11 月窗口办件 150 件' });
    // after the save the adjustment is shown as such, still editable, and can be dropped
    expect(page.instance.data.forms.g1.adjusting).toBe(true);
    await tap(page, '#cancel-adjust-g1');
    expect(page.querySelector('#score-g1')).toBeFalsy();
    expect(page.instance.data.forms.g1).toMatchObject({ adjusting: false, score: '', override_reason: '' });
  });

  test('a score out of range is refused on the page', async () => {
    backend.on(SHEET, ok(s.sheet()));
    const page = await loadApr('score-sheet', { id: '61' });
    await fire(page, '#score-g2', 'change', { value: '120' });
    await tap(page, '#save-btn');
    expect(text(page.querySelector('#refusal-g2'))).toContain('分数应在 0 至 100 之间');
    expect(backend.callsTo(PUT)).toHaveLength(0);
  });

  test('submit: asks first; 422 refusals per item are shown beside the item, nothing locked', async () => {
    backend.on(SHEET, ok(s.sheet()));
    backend.on(SUBMIT, fail(422, 'APPRAISAL_JUSTIFICATION_GENERIC', '还有 1 项不能提交：只有套话（如“表现良好”），没有写明具体做了什么',
      { 'entries.g2.justification': '只有套话（如“表现良好”），没有写明具体做了什么' }));
    const page = await loadApr('score-sheet', { id: '61' });
    await fire(page, '#score-g2', 'change', { value: '95' });
    await fire(page, '#just-g2', 'change', { value: '表现良好' });
    await tap(page, '#submit-btn');
    await flush(5);
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '提交评分？' }));
    const calls = backend.callsTo(SUBMIT);
    expect(calls).toHaveLength(1);
    expect(calls[0].body).toEqual({ version: 1, entries: [{ key: 'g1', score: null }, { key: 'g2', score: 95, justification: '表现良好' }] });
    expect(text(page.querySelector('#refusal-g2'))).toContain('只有套话（如“表现良好”），没有写明具体做了什么');
    expect(page.querySelector('#refusal-g1')).toBeFalsy();
    expect(text(page.querySelector('#notice'))).toContain('还有 1 项不能提交');
    expect(page.querySelector('#submit-btn')).toBeTruthy(); // still editable
    expect(toasts()).toEqual([]);
  });

  test('submit a missing score: refused on the page before asking', async () => {
    backend.on(SHEET, ok(s.sheet()));
    const page = await loadApr('score-sheet', { id: '61' });
    await tap(page, '#submit-btn');
    expect(wx.showModal).not.toHaveBeenCalled();
    expect(text(page.querySelector('#refusal-g2'))).toContain('请填写分数');
  });

  test('submit accepted: then read-only — scores, the justification, the adjustment and its reason', async () => {
    backend.on(SHEET, ok(s.sheet()));
    backend.on(SUBMIT, ok(s.submittedSheet()));
    const page = await loadApr('score-sheet', { id: '61' });
    await tap(page, '#adjust-g1');
    await fire(page, '#score-g1', 'change', { value: '70' });
    await fire(page, '#reason-g1', 'change', { value: '系统漏记 11 月窗口办件 150 件，按台账补计' });
    await fire(page, '#score-g2', 'change', { value: '98' });
    await fire(page, '#just-g2', 'change', { value: '3月5日牵头完成《年度统计报表》，全年报送 12 期无差错' });
    await tap(page, '#submit-btn');
    await flush(5);
    expect(backend.callsTo(SUBMIT)[0].body.entries).toEqual([
      { key: 'g1', score: 70, override_reason: '系统漏记 11 月窗口办件 150 件，按台账补计' },
      { key: 'g2', score: 98, justification: '3月5日牵头完成《年度统计报表》，全年报送 12 期无差错' },
    ]);
    const t = text(page);
    expect(t).toContain('评分已提交，评分表已锁定');
    expect(t).toContain('已提交并锁定');
    expect(t).toContain('提交于 2026-12-15 10:30');
    expect(text(page.querySelector('#adjusted-g1'))).toContain('调整后 70 分；调整理由：系统漏记 11 月窗口办件 150 件，按台账补计');
    expect(text(page.querySelector('#justification-g2'))).toContain('3月5日牵头完成《年度统计报表》');
    expect(t).toContain('合计 87.2 分');
    ['#save-btn', '#submit-btn', '#recuse-btn', '#score-g2', '#just-g2', '#adjust-g1', '#rule'].forEach((sel) => {
      expect(page.querySelector(sel)).toBeFalsy();
    });
  });

  test('cancel in the confirm dialog sends nothing', async () => {
    wx.showModal = jest.fn((o) => o.success({ confirm: false }));
    backend.on(SHEET, ok(s.sheet({ items: [s.entry()] })));
    const page = await loadApr('score-sheet', { id: '61' });
    await tap(page, '#submit-btn');
    expect(backend.callsTo(SUBMIT)).toHaveLength(0);
  });

  test('a stale version (409) reloads the sheet and says why', async () => {
    backend.on(SHEET, [ok(s.sheet()), ok(s.sheet({ version: 4 }))]);
    backend.on(PUT, fail(409, 'APPRAISAL_SHEET_STALE', '评分表已被修改，请刷新后重试'));
    const page = await loadApr('score-sheet', { id: '61' });
    await fire(page, '#score-g2', 'change', { value: '90' });
    await tap(page, '#save-btn');
    await flush(10);
    expect(text(page.querySelector('#notice'))).toContain('评分表刚刚已被更新');
    expect(backend.callsTo(SHEET)).toHaveLength(2);
    expect(page.instance.data.sheet.version).toBe(4);
  });

  test('the scoring phase closed (409) is shown in words, no toast', async () => {
    backend.on(SHEET, ok(s.sheet()));
    backend.on(PUT, fail(409, 'APPRAISAL_PHASE_CLOSED', '考核评分阶段已结束；如确需补评，请联系人事部门为您重新开放', { phase: 'scoring' }));
    const page = await loadApr('score-sheet', { id: '61' });
    await fire(page, '#score-g2', 'change', { value: '90' });
    await tap(page, '#save-btn');
    await flush(5);
    expect(text(page.querySelector('#notice'))).toContain('考核评分阶段已结束；如确需补评，请联系人事部门为您重新开放');
    expect(toasts()).toEqual([]);
  });

  test('no actual value: the score and a reason are asked for directly', async () => {
    backend.on(SHEET, ok(s.sheet({ items: [s.entry({ actual_value: null, value_reported_on: null, value_source: null, auto_score: null, score: null,
      problems: [{ field: 'score', code: 'APPRAISAL_SCORE_MISSING', message: '尚无实际值，无法按公式计分：请填写分数并写明理由' }] })] })));
    backend.on(PUT, ok(s.sheet({ version: 2 })));
    const page = await loadApr('score-sheet', { id: '61' });
    expect(text(page.querySelector('#item-g1'))).toContain('尚无实际值，无法按公式计分：请填写分数并写明理由');
    expect(page.querySelector('#cancel-adjust-g1')).toBeFalsy();
    await fire(page, '#score-g1', 'change', { value: '60' });
    await tap(page, '#save-btn');
    expect(text(page.querySelector('#refusal-g1'))).toContain('至少 10 个字');
    await fire(page, '#reason-g1', 'change', { value: '数据接口故障，按窗口台账 780 件计' });
    await tap(page, '#save-btn');
    await flush(5);
    expect(backend.callsTo(PUT)[0].body.entries).toEqual([{ key: 'g1', score: 60, override_reason: '数据接口故障，按窗口台账 780 件计' }]);
  });

  test('422 on save keyed by position (entries.0.key) lands on that item', async () => {
    backend.on(SHEET, ok(s.sheet()));
    backend.on(PUT, fail(422, 'VALIDATION_FAILED', '评分有误：不是该评分表的目标项', { 'entries.1.key': '不是该评分表的目标项' }));
    const page = await loadApr('score-sheet', { id: '61' });
    await fire(page, '#score-g2', 'change', { value: '90' });
    await tap(page, '#save-btn');
    await flush(5);
    expect(text(page.querySelector('#refusal-g2'))).toContain('不是该评分表的目标项');
  });

  test('回避: a reason of at least 4 characters, then the sheet shows the recusal and is read-only', async () => {
    const recused = s.sheet({ status: 'recused', status_label: '已回避', version: 2, can: { edit: false, submit: false, recuse: false },
      recusal: { reason: 'declared', note: '与被考核人为同学关系', reason_label: '评分人申明回避：与被考核人为同学关系', replaced_by: 64 } });
    backend.on(SHEET, [ok(s.sheet()), ok(recused)]);
    backend.on('POST /api/appraisal/sheets/61/recuse', ok({ id: 61, status: 'recused', reason: 'declared',
      reason_label: '评分人申明回避：与被考核人为同学关系', replaced_by: 64 }));
    const page = await loadApr('score-sheet', { id: '61' });
    await tap(page, '#recuse-btn');
    await tap(page, '#recuse-submit');
    expect(text(page.querySelector('#recuse-error'))).toContain('至少 4 个字');
    expect(backend.callsTo('POST /api/appraisal/sheets/61/recuse')).toHaveLength(0);
    await fire(page, '#recuse-reason', 'change', { value: '与被考核人为同学关系' });
    await tap(page, '#recuse-submit');
    await flush(10);
    expect(backend.callsTo('POST /api/appraisal/sheets/61/recuse')[0].body).toEqual({ reason: '与被考核人为同学关系' });
    const t = text(page);
    expect(t).toContain('已申明回避：本表改由上一级领导评分');
    expect(t).toContain('已回避：评分人申明回避：与被考核人为同学关系');
    expect(page.querySelector('#save-btn')).toBeFalsy();
    expect(page.instance.data.recuseOpen).toBe(false);
  });

  test('回避 refused (sheet already submitted): the message in the form', async () => {
    backend.on(SHEET, ok(s.sheet()));
    backend.on('POST /api/appraisal/sheets/61/recuse', fail(409, 'APPRAISAL_SHEET_SUBMITTED', '评分表已提交，不能再申明回避'));
    const page = await loadApr('score-sheet', { id: '61' });
    await tap(page, '#recuse-btn');
    await fire(page, '#recuse-reason', 'change', { value: '与被考核人为同学关系' });
    await tap(page, '#recuse-submit');
    await flush(5);
    expect(text(page.querySelector('#recuse-error'))).toContain('评分表已提交并锁定');
    expect(toasts()).toEqual([]);
  });

  test('outside the scoring window: read-only with the reason; goals not confirmed: no submit', async () => {
    backend.on(SHEET, ok(s.sheet({ can: { edit: false, submit: false, recuse: false } })));
    let page = await loadApr('score-sheet', { id: '61' });
    expect(text(page.querySelector('#not-open'))).toContain('当前不在评分时间内');
    expect(page.querySelector('#save-btn')).toBeFalsy();

    backend.on(SHEET, ok(s.sheet({ goals_confirmed: false, goal_version_id: null, items: [] })));
    page = await loadApr('score-sheet', { id: '61' });
    expect(text(page)).toContain('被考核人的目标尚未确认，暂不能评分');
    expect(page.querySelector('#submit-btn').instance.data.disabled).toBe(true);
  });

  test('a sheet that is not mine (404) shows the message and a retry', async () => {
    backend.on(SHEET, fail(404, 'APPRAISAL_SHEET_NOT_FOUND', '评分表不存在'));
    const page = await loadApr('score-sheet', { id: '61' });
    expect(text(page.querySelector('#load-error'))).toContain('评分表不存在');
    expect(page.querySelector('#retry-btn')).toBeTruthy();
    expect(toasts()).toEqual([]);
  });
});

describe('home tile', () => {
  const { home } = require('./support/fixtures');
  const { loadPage } = require('./support');
  const homeData = { ...home, cards: { ...home.cards, goals: { text: '暂无' } } };

  test('a rater sees 考核评分 with the count still to score; tapping opens the list of that cycle', async () => {
    backend.on('GET /api/home', ok(homeData));
    backend.on('GET /api/appraisal/my/cycles', ok([]));
    backend.on('GET /api/appraisal/my/sheets', ok([s.sheetRow(), s.sheetRow({ id: 62, status: 'draft', status_label: '草稿' }),
      s.sheetRow({ id: 63, status: 'submitted', status_label: '已提交', total: 90 })]));
    const page = await loadPage('pages/home/index');
    expect(text(page.querySelector('#card-scoring'))).toContain('考核评分待评分 2 人');
    await tap(page, '#card-scoring');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/package-appraisal/score/index?cycle_id=4' });
  });

  test('no sheets, or the request failing: no tile and no toast', async () => {
    backend.on('GET /api/home', ok(homeData));
    backend.on('GET /api/appraisal/my/cycles', ok([]));
    backend.on('GET /api/appraisal/my/sheets', ok([]));
    let page = await loadPage('pages/home/index');
    expect(page.querySelector('#card-scoring')).toBeFalsy();
    backend.on('GET /api/appraisal/my/sheets', fail(503, 'UNAVAILABLE', '服务暂时不可用'));
    page = await loadPage('pages/home/index');
    expect(page.querySelector('#card-scoring')).toBeFalsy();
    expect(toasts()).toEqual([]);
  });
});
