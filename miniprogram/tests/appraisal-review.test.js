// 目标审核 (review list and detail with per-item comments) and 目标历史 (timeline and diff).
const { backend, reset, text, fire, tap, toasts, signIn, flush } = require('./support');
const f = require('./appraisal-support');

const { ok, fail } = backend;

beforeEach(() => {
  reset();
  signIn('tok-leader');
});

describe('review', () => {
  test('the waiting box lists goal sets with who, what, reason and the current step; done box on tap', async () => {
    const change = f.reviewRow({ id: 22, owner: { id: 8, name: '赵六', employee_no: 'E0008', department_id: 3, department_name: '办公室' },
      review_version: { id: 40, number: 2, kind: 'change', kind_label: '目标变更', reason: '任务调整', status: 'submitted', submitted_at: '2026-05-06T09:30:00+08:00' } });
    backend.on('GET /api/appraisal/reviews', (req) => (req.query.box === 'waiting'
      ? { status: 200, body: { data: [f.reviewRow(), change], page: 1, total: 2 } }
      : { status: 200, body: { data: [], page: 1, total: 0 } }));
    const page = await f.loadApr('review');
    const t = text(page);
    expect(t).toContain('张三 · 办公室');
    expect(t).toContain('2026 年度考核 · 初始目标（第 1 版）');
    expect(t).toContain('赵六 · 办公室');
    expect(t).toContain('目标变更（第 2 版）');
    expect(t).toContain('变更原因：任务调整');
    expect(t).toContain('3 项，权重合计 100 · 提交于 2026-03-02 09:00');
    expect(t).toContain('当前环节：部门负责人审核');
    await tap(page, '#row-22');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/package-appraisal/review-detail/index?goal_set_id=22' });
    await tap(page, '#box-done');
    await flush(10);
    expect(backend.callsTo('GET /api/appraisal/reviews').pop().query.box).toBe('done');
    expect(text(page)).toContain('还没有审核过目标');
  });

  test('detail: items, a comment box per item; return sends the per-item comments and the version', async () => {
    backend.on('GET /api/appraisal/goal-sets/21', [ok(f.reviewSet()), ok(f.returnedSet())]);
    backend.on('POST /api/appraisal/goal-sets/21/review', ok(f.returnedSet()));
    const page = await f.loadApr('review-detail', { goal_set_id: '21' });
    const t = text(page);
    expect(t).toContain('张三 的工作目标');
    expect(t).toContain('办公室 · 2026 年度考核 · 第 1 版');
    expect(t).toContain('1. 办理政务服务事项');
    expect(t).toContain('目标值 1000件');
    expect(t).toContain('完成标准：按时报送，差错不超过 2 处');
    expect(page.querySelector('#comment-g1')).toBeTruthy();
    expect(page.querySelector('#comment-g3')).toBeTruthy();
    expect(page.querySelector('#reject-btn')).toBeFalsy(); // reject is for change requests

    // return without any comment: refused on the page
    await tap(page, '#return-btn');
    expect(text(page)).toContain('退回修改时请填写意见');
    expect(backend.callsTo('POST /api/appraisal/goal-sets/21/review')).toHaveLength(0);

    await fire(page, '#comment-g1', 'change', { value: '目标值偏低，请提高到 1200 件' });
    await fire(page, '#comment-g3', 'change', { value: '  ' });
    await fire(page, '#overall-comment', 'change', { value: '请按逐项意见修改' });
    await tap(page, '#return-btn');
    await flush(10);
    const calls = backend.callsTo('POST /api/appraisal/goal-sets/21/review');
    expect(calls).toHaveLength(1);
    expect(calls[0].body).toEqual({
      decision: 'return', comment: '请按逐项意见修改', items: [{ key: 'g1', comment: '目标值偏低，请提高到 1200 件' }], version: 4,
    });
    expect(text(page)).toContain('已退回修改');
    expect(page.querySelector('#act')).toBeFalsy();
  });

  test('approve with no comment; a change request can be rejected; not the assignee any more → words and reload', async () => {
    const changeSet = f.reviewSet({ current: f.version({ id: 32, number: 2, kind: 'change', kind_label: '目标变更', status: 'submitted', status_label: '审核中', reason: '任务调整' }),
      confirmed: f.version({ status: 'confirmed', status_label: '已确认' }), change_pending: true });
    backend.on('GET /api/appraisal/goal-sets/21', ok(changeSet));
    backend.on('POST /api/appraisal/goal-sets/21/review', [
      ok(f.confirmedSet()),
      fail(403, 'APPROVAL_NOT_ASSIGNEE', '您不是当前环节的审核人'),
    ]);
    const page = await f.loadApr('review-detail', { goal_set_id: '21' });
    expect(text(page)).toContain('张三 的目标变更');
    expect(text(page)).toContain('变更原因：任务调整（已确认的第 1 版在审核通过前继续有效）');
    await tap(page, '#approve-btn');
    await flush(10);
    expect(backend.callsTo('POST /api/appraisal/goal-sets/21/review')[0].body).toEqual({ decision: 'approve', comment: '', items: [], version: 4 });
    expect(text(page)).toContain('已同意');

    await tap(page, '#reject-btn');
    expect(text(page)).toContain('驳回时请填写意见');
    await fire(page, '#overall-comment', 'change', { value: '变更理由不充分' });
    await tap(page, '#reject-btn');
    await flush(10);
    const last = backend.callsTo('POST /api/appraisal/goal-sets/21/review').pop();
    expect(last.body.decision).toBe('reject');
    expect(last.body.comment).toBe('变更理由不充分');
    expect(text(page)).toContain('这一步已不需要您审核了');
    expect(toasts()).toEqual([]);
  });

  test('a goal set out of reach (404) shows the message with a retry', async () => {
    backend.on('GET /api/appraisal/goal-sets/99', fail(404, 'APPRAISAL_GOAL_SET_NOT_FOUND', '目标不存在或无权查看'));
    const page = await f.loadApr('review-detail', { goal_set_id: '99' });
    expect(page.querySelector('#load-error').dom.textContent).toContain('目标不存在或无权查看');
    expect(page.querySelector('#retry-btn')).toBeTruthy();
  });
});

describe('history', () => {
  test('versions as a timeline: who, when, which step, comments; the newest first', async () => {
    backend.on('GET /api/appraisal/goal-sets/21/history', ok(f.history()));
    backend.on('GET /api/appraisal/goal-sets/21/diff', ok(f.diff()));
    const page = await f.loadApr('history', { goal_set_id: '21' });
    const v1 = page.querySelector('#version-1').dom.textContent;
    expect(v1).toContain('第 1 版 · 初始目标');
    expect(v1).toContain('已被新版本替代');
    expect(v1).toContain('张三 创建于 2026-03-02 09:00');
    expect(v1).toContain('提交于 2026-02-10 09:00');
    expect(v1).toContain('王人事（单位确认） 已被新版本替代于 2026-02-12 10:00');
    expect(v1).toContain('李科长 同意 · 部门负责人审核');
    expect(v1).toContain('“同意”');
    const v2 = page.querySelector('#version-2').dom.textContent;
    expect(v2).toContain('第 2 版 · 目标变更');
    expect(v2).toContain('变更原因：任务调整');
    expect(v2).toContain('（基于第 1 版）');
    expect(v2).toContain('李科长 退回修改 · 部门负责人审核');
    expect(v2).toContain('「办理政务服务事项」部门负责人审核 · 李科长 退回修改');
    expect(v2).toContain('目标值可以再高一些');
    const t = text(page);
    expect(t.indexOf('第 2 版 · 目标变更')).toBeLessThan(t.indexOf('第 1 版 · 初始目标'));
  });

  test('the diff of the last two versions: added / removed / changed with before → after', async () => {
    backend.on('GET /api/appraisal/goal-sets/21/history', ok(f.history()));
    backend.on('GET /api/appraisal/goal-sets/21/diff', ok(f.diff()));
    const page = await f.loadApr('history', { goal_set_id: '21' });
    expect(backend.callsTo('GET /api/appraisal/goal-sets/21/diff')[0].query).toEqual({ from: 1, to: 2 });
    const d = text(page.querySelector('#diff'));
    expect(d).toContain('第 1 版（已被新版本替代）→ 第 2 版（已确认）');
    expect(d).toContain('新增 1 项，删除 1 项，修改 1 项，未变 1 项');
    const g1 = text(page.querySelector('#diff-g1'));
    expect(g1).toContain('修改');
    expect(g1).toContain('目标值：1000 → 1200');
    expect(g1).toContain('计分公式：线性：600件 得 0 分，1000件 得 100 分 → 阶梯：达到 1000件 得 80 分；达到 1200件 得 100 分');
    expect(text(page.querySelector('#diff-g3'))).toContain('删除');
    expect(text(page.querySelector('#diff-g3'))).toContain('权重：30 → （空）');
    expect(text(page.querySelector('#diff-g4'))).toContain('新增');
    expect(text(page.querySelector('#diff-g4'))).toContain('权重：（空） → 30');
  });

  test('choosing the same version twice is refused on the page; another pair is asked for', async () => {
    backend.on('GET /api/appraisal/goal-sets/21/history', ok(f.history()));
    backend.on('GET /api/appraisal/goal-sets/21/diff', ok(f.diff()));
    const page = await f.loadApr('history', { goal_set_id: '21' });
    await tap(page, '#from-2');
    await tap(page, '#compare-btn');
    expect(text(page)).toContain('请选择两个不同的版本');
    expect(backend.callsTo('GET /api/appraisal/goal-sets/21/diff')).toHaveLength(1);
    await tap(page, '#to-1');
    await tap(page, '#compare-btn');
    await flush(5);
    expect(backend.callsTo('GET /api/appraisal/goal-sets/21/diff').pop().query).toEqual({ from: 2, to: 1 });
  });
});
