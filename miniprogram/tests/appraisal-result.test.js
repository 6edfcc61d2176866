// 我的考核结果 (package-appraisal/result): rendering MyResultOut (total, grade, publication with
// remaining days, per-item scores, justifications, raters with peers anonymised, override
// reasons), before publication, the objection during publication, the review and the appeal
// (bodies, material uploaded to the request, deadlines and remaining days, decisions), errors in
// words and no toast.
const { backend, reset, text, fire, tap, toasts, signIn, flush } = require('./support');
const f = require('./appraisal-support');
const s = require('./appraisal-scoring-support');

const { ok, fail } = backend;

const RESULT = 'GET /api/appraisal/cycles/4/my-result';
const OBJ = 'GET /api/appraisal/cycles/4/objections';

beforeEach(() => {
  reset();
  signIn('tok-1');
  backend.on('GET /api/appraisal/my/cycles', ok([f.myCycle({ current_phase: 'publication', current_phase_label: '结果公示' })]));
  backend.on(OBJ, ok([]));
  wx.chooseMedia = jest.fn((opts) => opts.success({ tempFiles: [{ tempFilePath: 'wxfile://tmp/a.jpg' }, { tempFilePath: 'wxfile://tmp/b.jpg' }] }));
  wx.uploadFile = jest.fn((opts) => opts.success({ statusCode: 201, data: JSON.stringify({ data: { id: 90, filename: 'a.jpg', content_type: 'image/jpeg', size: 1000, url: '/x' } }) }));
});

test('published: total, grade, publication with remaining days; per item the score, justification, rater; peers anonymised; override reasons', async () => {
  backend.on(RESULT, ok(s.myResult()));
  const page = await f.loadApr('result', { cycle_id: '4' });
  const head = text(page.querySelector('#summary'));
  expect(head).toContain('2026 年度考核');
  expect(head).toContain('总分 84.5');
  expect(head).toContain('等次 称职');
  expect(head).toContain('公示期 2026-12-28 至 2027-01-05（还剩 3 天）');
  const leader = text(page.querySelector('#sheet-0'));
  expect(leader).toContain('领导评分 · 李科长 · 权重 70%');
  expect(leader).toContain('87.2 分');
  expect(text(page.querySelector('#sheet-0-g1'))).toContain('公式得分 55 分，评分人调整为 70 分；调整理由：系统漏记 11 月窗口办件 150 件，按台账补计');
  expect(text(page.querySelector('#sheet-0-g2'))).toContain('98 分');
  expect(text(page.querySelector('#sheet-0-g2'))).toContain('评分依据：3月5日牵头完成《年度统计报表》，全年报送 12 期无差错');
  const peer = text(page.querySelector('#sheet-1'));
  expect(peer).toContain('同事评分 · 同事 A · 权重 20%');
  expect(peer).not.toContain('调整理由'); // the formula's own score
  expect(text(page.querySelector('#review-window'))).toContain('复核申请期限至 2027-01-27（还剩 30 天）');
  expect(page.querySelector('#review-btn')).toBeTruthy();
  expect(page.querySelector('#appeal-btn')).toBeFalsy();
  expect(page.querySelector('#objection-submit')).toBeTruthy();
});

test('before publication: says so, no error, no toast', async () => {
  backend.on(RESULT, fail(409, 'APPRAISAL_RESULTS_NOT_PUBLISHED', '考核结果尚未公示'));
  const page = await f.loadApr('result', { cycle_id: '4' });
  expect(text(page.querySelector('#not-published'))).toContain('考核结果尚未公示');
  expect(page.querySelector('#load-error')).toBeFalsy();
  expect(toasts()).toEqual([]);
});

test('without a cycle in the link: the latest cycle I take part in; none: says so', async () => {
  backend.on(RESULT, ok(s.myResult()));
  let page = await f.loadApr('result');
  expect(backend.callsTo(RESULT)).toHaveLength(1);
  expect(text(page)).toContain('等次 称职');

  backend.on('GET /api/appraisal/my/cycles', ok([]));
  page = await f.loadApr('result');
  expect(text(page)).toContain('您目前没有参加的考核');
});

test('objection during publication: at least 5 characters, the body, then my objection and its answer', async () => {
  backend.on(RESULT, ok(s.myResult()));
  backend.on(OBJ, [ok([s.objection({ id: 50, status: 'answered', status_label: '已答复', answer: '经核实，投票结果与名单一致',
    answered_by: { id: 3, name: '王人事' }, answered_at: '2026-12-29T15:00:00+08:00' }),
  s.objection({ id: 49, filed_by: { id: 30, name: '别人' }, text: '别人的异议' })]),
  ok([s.objection(), s.objection({ id: 50, status: 'answered', status_label: '已答复', answer: '经核实，投票结果与名单一致',
    answered_by: { id: 3, name: '王人事' }, answered_at: '2026-12-29T15:00:00+08:00' })])]);
  backend.on('POST /api/appraisal/cycles/4/objections', { status: 201, body: { data: s.objection() } });
  const page = await f.loadApr('result', { cycle_id: '4' });
  expect(text(page.querySelector('#objection-50'))).toContain('答复（王人事 2026-12-29 15:00）：经核实，投票结果与名单一致');
  expect(text(page)).not.toContain('别人的异议'); // only mine (an HR reader's list holds others')
  await tap(page, '#objection-submit');
  expect(text(page.querySelector('#objection-error'))).toContain('至少 5 个字');
  expect(backend.callsTo('POST /api/appraisal/cycles/4/objections')).toHaveLength(0);
  await fire(page, '#objection-text', 'change', { value: '办公室优秀人选的公示名单与投票结果不一致' });
  await tap(page, '#objection-submit');
  await flush(10);
  expect(backend.callsTo('POST /api/appraisal/cycles/4/objections')[0].body).toEqual({ text: '办公室优秀人选的公示名单与投票结果不一致' });
  expect(text(page.querySelector('#notice'))).toContain('异议已提交，人事部门将书面答复');
  expect(text(page.querySelector('#objection-51'))).toContain('待答复');
});

test('objection after publication ended (409): the message beside the form, no toast', async () => {
  backend.on(RESULT, ok(s.myResult()));
  backend.on('POST /api/appraisal/cycles/4/objections', fail(409, 'APPRAISAL_PUBLICATION_ENDED', '公示期已于 2027-01-05 结束，不能再提出异议；对本人结果有异议可申请复核'));
  const page = await f.loadApr('result', { cycle_id: '4' });
  await fire(page, '#objection-text', 'change', { value: '名单与投票结果不一致' });
  await tap(page, '#objection-submit');
  await flush(5);
  expect(text(page.querySelector('#objection-error'))).toContain('公示期已于 2027-01-05 结束');
  expect(toasts()).toEqual([]);
});

test('review: a reason of at least 10 characters, two photos uploaded to the new request; its deadline with remaining days', async () => {
  const filed = s.request({ attachments: [{ id: 90, filename: 'a.jpg', content_type: 'image/jpeg', size: 1000, url: '/x' }] });
  backend.on(RESULT, [ok(s.myResult()), ok(s.myResult({ requests: [filed], can: { object: true, review: false, appeal: false } }))]);
  backend.on('POST /api/appraisal/results/41/reviews', { status: 201, body: { data: s.request() } });
  const page = await f.loadApr('result', { cycle_id: '4' });
  await tap(page, '#review-btn');
  expect(text(page.querySelector('#request-sheet'))).toContain('复核决定应在受理后 30 日内作出');
  await fire(page, '#reason-input', 'change', { value: '评分不对' });
  expect(text(page.querySelector('#reason-count'))).toContain('已写 4 个字，至少 10 个字');
  await tap(page, '#form-submit');
  expect(text(page.querySelector('#form-error'))).toContain('至少 10 个字');
  expect(backend.callsTo('POST /api/appraisal/results/41/reviews')).toHaveLength(0);
  await fire(page, '#reason-input', 'change', { value: '第 2 项已按时报送 12 期，评分依据与台账不符' });
  await tap(page, '#add-photo');
  await flush();
  await tap(page, '#form-submit');
  await flush(10);
  expect(backend.callsTo('POST /api/appraisal/results/41/reviews')[0].body).toEqual({ reason: '第 2 项已按时报送 12 期，评分依据与台账不符' });
  expect(wx.uploadFile).toHaveBeenCalledTimes(2);
  expect(wx.uploadFile.mock.calls[0][0].url).toMatch(/\/api\/appraisal\/requests\/81\/attachments$/);
  expect(wx.uploadFile.mock.calls[0][0].name).toBe('file');
  expect(wx.uploadFile.mock.calls[0][0].header.Authorization).toBe('Bearer tok-1');
  expect(text(page.querySelector('#notice'))).toContain('复核申请已提交');
  const req = text(page.querySelector('#request-81'));
  expect(req).toContain('复核申请');
  expect(req).toContain('办理中');
  expect(req).toContain('2026-12-30 提出');
  expect(req).toContain('办理期限 2027-01-29（还剩 20 天）');
  expect(req).toContain('材料：a.jpg');
  expect(page.querySelector('#review-btn')).toBeFalsy();
  expect(page.querySelector('#add-files-81')).toBeTruthy();
});

test('the review window closed (409): the message in the form, no toast', async () => {
  backend.on(RESULT, ok(s.myResult()));
  backend.on('POST /api/appraisal/results/41/reviews', fail(409, 'APPRAISAL_REVIEW_WINDOW_CLOSED', '复核申请应在结果公示之日起 30 日内提出（截至 2027-01-27）'));
  const page = await f.loadApr('result', { cycle_id: '4' });
  await tap(page, '#review-btn');
  await fire(page, '#reason-input', 'change', { value: '第 2 项评分依据与台账不符' });
  await tap(page, '#form-submit');
  await flush(5);
  expect(text(page.querySelector('#form-error'))).toContain('复核申请应在结果公示之日起 30 日内提出（截至 2027-01-27）');
  expect(wx.uploadFile).not.toHaveBeenCalled();
  expect(toasts()).toEqual([]);
});

test('a decided review: the decision and reasons; appeal within its window to the review; overdue shown', async () => {
  const decided = s.request({ status: 'rejected', status_label: '维持原结果', remaining_days: null, decision: '经核实，评分依据与台账一致，维持原结果',
    decided_by: { id: 3, name: '王人事' }, decided_on: '2027-01-10' });
  const appeal = s.request({ id: 82, kind: 'appeal', kind_label: '申诉', parent_id: 81, reason: '复核未核对 11 月台账，申请申诉',
    filed_on: '2027-01-12', due_on: '2027-03-13', remaining_days: -2, overdue: true, instance_id: 92 });
  backend.on(RESULT, [
    ok(s.myResult({ publication: { state: 'ended', published_on: '2026-12-28', ends_on: '2027-01-05', remaining_days: -5 },
      requests: [decided], review_window: s.win('2027-01-27', 17), appeal_window: s.win('2027-01-25', 15),
      can: { object: false, review: false, appeal: true } })),
    ok(s.myResult({ requests: [decided, appeal], appeal_window: s.win('2027-01-25', 13), can: { object: false, review: false, appeal: false } })),
  ]);
  backend.on('POST /api/appraisal/reviews/81/appeal', { status: 201, body: { data: appeal } });
  const page = await f.loadApr('result', { cycle_id: '4' });
  expect(text(page.querySelector('#publication'))).toContain('公示期 2026-12-28 至 2027-01-05，已结束');
  expect(page.querySelector('#objection-submit')).toBeFalsy();
  const d = text(page.querySelector('#decision-81'));
  expect(d).toContain('王人事 2027-01-10 作出决定');
  expect(d).toContain('决定理由：经核实，评分依据与台账一致，维持原结果');
  expect(text(page.querySelector('#request-81'))).toContain('维持原结果');
  expect(page.querySelector('#deadline-81')).toBeFalsy();
  expect(text(page.querySelector('#appeal-window'))).toContain('申诉期限至 2027-01-25（还剩 15 天）');
  await tap(page, '#appeal-btn');
  expect(text(page.querySelector('#request-sheet'))).toContain('申诉决定应在受理后 60 日内作出');
  await fire(page, '#reason-input', 'change', { value: '复核未核对 11 月台账，申请申诉' });
  await tap(page, '#form-submit');
  await flush(10);
  expect(backend.callsTo('POST /api/appraisal/reviews/81/appeal')[0].body).toEqual({ reason: '复核未核对 11 月台账，申请申诉' });
  expect(wx.uploadFile).not.toHaveBeenCalled(); // no photos chosen
  expect(text(page.querySelector('#notice'))).toContain('申诉已提交');
  expect(text(page.querySelector('#deadline-82'))).toContain('办理期限 2027-03-13（已超期 2 天）');
  expect(page.querySelector('#deadline-82').dom.className).toContain('danger');
});

test('an upheld review shows the adjusted total and grade', async () => {
  const upheld = s.request({ status: 'upheld', status_label: '已支持', remaining_days: null, decision: '核对台账后第 2 项应为 100 分',
    adjusted_total: 90.5, adjusted_grade: 'excellent', adjusted_grade_label: '优秀', decided_by: { id: 3, name: '王人事' }, decided_on: '2027-01-10' });
  backend.on(RESULT, ok(s.myResult({ requests: [upheld], adjusted_total: 90.5, adjusted_grade: 'excellent', effective_grade: 'excellent',
    effective_grade_label: '优秀', can: { object: false, review: false, appeal: true }, appeal_window: s.win('2027-01-25', 15) })));
  const page = await f.loadApr('result', { cycle_id: '4' });
  expect(text(page.querySelector('#total'))).toBe('90.5');
  expect(text(page.querySelector('#grade'))).toBe('优秀');
  expect(text(page.querySelector('#adjusted-from'))).toContain('原总分 84.5');
  expect(text(page.querySelector('#decision-81'))).toContain('总分调整为 90.5，等次调整为 优秀');
});

test('more material for a pending request; a failed upload is said', async () => {
  wx.uploadFile = jest.fn((opts) => opts.success({ statusCode: 422, data: JSON.stringify({ error: { code: 'ATTACHMENT_TYPE', message: '只接受 JPG/PNG/PDF' } }) }));
  backend.on(RESULT, ok(s.myResult({ requests: [s.request()], can: { object: true, review: false, appeal: false } })));
  const page = await f.loadApr('result', { cycle_id: '4' });
  await tap(page, '#add-files-81');
  await tap(page, '#form-submit');
  expect(text(page.querySelector('#form-error'))).toContain('请先添加材料照片');
  await tap(page, '#add-photo');
  await flush();
  await tap(page, '#form-submit');
  await flush(10);
  expect(wx.uploadFile).toHaveBeenCalledTimes(2);
  expect(wx.uploadFile.mock.calls[1][0].url).toMatch(/\/api\/appraisal\/requests\/81\/attachments$/);
  expect(text(page.querySelector('#notice'))).toContain('材料已上传，但有 2 张材料照片上传失败');
});

test('a load failure shows the message and a retry that works', async () => {
  backend.on(RESULT, [fail(503, 'UNAVAILABLE', '服务暂时不可用，请稍后重试'), ok(s.myResult())]);
  const page = await f.loadApr('result', { cycle_id: '4' });
  expect(text(page.querySelector('#load-error'))).toContain('服务暂时不可用，请稍后重试');
  await tap(page, '#retry-btn');
  await flush(10);
  expect(page.querySelector('#load-error')).toBeFalsy();
  expect(text(page)).toContain('等次 称职');
  expect(toasts()).toEqual([]);
});

describe('home tile', () => {
  const { home } = require('./support/fixtures');
  const { loadPage } = require('./support');
  const homeData = { ...home, cards: { ...home.cards, goals: { text: '暂无' } } };
  const scoringOpen = f.phases('goal_setting').concat([{ phase: 'scoring', label: '考核评分', opens_on: '2026-12-14', closes_on: '2026-12-25', state: 'closed' }]);

  test('a published result: 我的考核结果 with the grade; tapping opens it', async () => {
    backend.on('GET /api/home', ok(homeData));
    backend.on('GET /api/appraisal/my/sheets', ok([]));
    backend.on('GET /api/appraisal/my/cycles', ok([f.myCycle({ phases: scoringOpen })]));
    backend.on(RESULT, ok(s.myResult()));
    const page = await loadPage('pages/home/index', {}, { rounds: 10 });
    expect(text(page.querySelector('#card-result'))).toContain('我的考核结果称职 · 公示中');
    await tap(page, '#card-result');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/package-appraisal/result/index?cycle_id=4' });
  });

  test('not yet published (409): no tile, no toast; scoring not begun: not even asked', async () => {
    backend.on('GET /api/home', ok(homeData));
    backend.on('GET /api/appraisal/my/sheets', ok([]));
    backend.on('GET /api/appraisal/my/cycles', ok([f.myCycle({ phases: scoringOpen })]));
    backend.on(RESULT, fail(409, 'APPRAISAL_RESULTS_NOT_PUBLISHED', '考核结果尚未公示'));
    let page = await loadPage('pages/home/index', {}, { rounds: 10 });
    expect(page.querySelector('#card-result')).toBeFalsy();
    expect(toasts()).toEqual([]);

    backend.on('GET /api/appraisal/my/cycles', ok([f.myCycle()]));
    const before = backend.callsTo(RESULT).length;
    page = await loadPage('pages/home/index', {}, { rounds: 10 });
    expect(backend.callsTo(RESULT)).toHaveLength(before);
    expect(page.querySelector('#card-result')).toBeFalsy();
  });
});
