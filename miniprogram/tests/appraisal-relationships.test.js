// 亲属关系 (package-appraisal/relationships), reached from 我的: my declared relationships and those
// naming me, declare (body; the relative not found shown beside the field), revoke (asks first;
// only what I declared myself), errors in words and no toast.
const { backend, reset, text, fire, tap, toasts, signIn, flush, loadPage } = require('./support');
const { me } = require('./support/fixtures');
const { loadApr } = require('./appraisal-support');
const s = require('./appraisal-scoring-support');

const { ok, fail } = backend;
const LIST = 'GET /api/appraisal/me/relationships';
const POST = 'POST /api/appraisal/me/relationships';

beforeEach(() => {
  reset();
  signIn('tok-1');
  wx.showModal = jest.fn((o) => o.success({ confirm: true }));
});

const named = () => s.relationship({ id: 13, kind: 'in_law', kind_label: '姻亲关系', direction: 'named', declared_by: '周八',
  relative: { id: 20, name: '周八', employee_no: 'E0020', department_name: '信息中心' } });
const hrOwned = () => s.relationship({ id: 14, kind: 'blood', kind_label: '直系血亲', note: '父子', source: 'hr', source_label: '人事部门登记',
  declared_by: '王人事', relative: { id: 21, name: '张大', employee_no: 'E0021', department_name: '办公室' } });
const revoked = () => s.relationship({ id: 10, kind: 'close_kin', kind_label: '近亲属', active: false, revoked_at: '2026-04-01T10:00:00+08:00',
  revoked_by: '张三', relative: { id: 22, name: '孙九', employee_no: 'E0022', department_name: null } });

test('lists mine, those naming me, HR\'s and revoked ones; only my own active ones can be revoked', async () => {
  backend.on(LIST, ok([s.relationship(), named(), hrOwned(), revoked()]));
  const page = await loadApr('relationships');
  const mine = text(page.querySelector('#rel-11'));
  expect(mine).toContain('王芳（E0012）');
  expect(mine).toContain('夫妻关系');
  expect(mine).toContain('财务科 · 本人申报 · 2026-03-01 09:00');
  expect(mine).toContain('有效');
  expect(page.querySelector('#revoke-11')).toBeTruthy();
  expect(text(page.querySelector('#rel-13'))).toContain('周八登记时列出了您');
  expect(page.querySelector('#revoke-13')).toBeFalsy();
  expect(text(page.querySelector('#rel-14'))).toContain('直系血亲 · 父子');
  expect(text(page.querySelector('#rel-14'))).toContain('人事部门登记');
  expect(page.querySelector('#revoke-14')).toBeFalsy();
  expect(text(page.querySelector('#rel-10'))).toContain('已于 2026-04-01 10:00 由张三撤销');
  expect(page.querySelector('#revoke-10')).toBeFalsy();
});

test('declare: employee number and name required; the body; then the list again', async () => {
  backend.on(LIST, [ok([]), ok([s.relationship()])]);
  backend.on(POST, { status: 201, body: { data: s.relationship() } });
  const page = await loadApr('relationships');
  expect(text(page)).toContain('还没有登记亲属关系');
  await tap(page, '#add-btn');
  await tap(page, '#form-submit');
  expect(text(page.querySelector('#no-error'))).toContain('请填写亲属的工号');
  expect(text(page.querySelector('#name-error'))).toContain('请填写亲属的姓名');
  expect(backend.callsTo(POST)).toHaveLength(0);
  await fire(page, '#no-input', 'change', { value: ' E0012 ' });
  await fire(page, '#name-input', 'change', { value: '王芳' });
  await fire(page, '#kind-group', 'change', { value: 'in_law' });
  await fire(page, '#note-input', 'change', { value: '妻子的妹妹' });
  await tap(page, '#form-submit');
  await flush(10);
  expect(backend.callsTo(POST)[0].body).toEqual({ relative_employee_no: 'E0012', relative_name: '王芳', kind: 'in_law', note: '妻子的妹妹' });
  expect(text(page.querySelector('#notice'))).toContain('已登记与王芳的夫妻关系；考核评分时你们将互相回避');
  expect(page.querySelector('#rel-11')).toBeTruthy();
  expect(page.instance.data.formOpen).toBe(false);
});

test('declare refused: the relative not found beside the field; an existing one in the form; no toast', async () => {
  backend.on(LIST, ok([]));
  backend.on(POST, [
    fail(404, 'APPRAISAL_RELATIVE_NOT_FOUND', '未找到该人员，请核对亲属的姓名和工号', { relative_employee_no: '姓名与工号不匹配' }),
    fail(409, 'APPRAISAL_RELATIONSHIP_EXISTS', '已登记与王芳的亲属关系'),
  ]);
  const page = await loadApr('relationships');
  await tap(page, '#add-btn');
  await fire(page, '#no-input', 'change', { value: 'E0012' });
  await fire(page, '#name-input', 'change', { value: '王小芳' });
  await tap(page, '#form-submit');
  await flush(5);
  expect(text(page.querySelector('#form-error'))).toContain('未找到该人员，请核对亲属的姓名和工号');
  expect(text(page.querySelector('#no-error'))).toContain('姓名与工号不匹配');
  await tap(page, '#form-submit');
  await flush(5);
  expect(text(page.querySelector('#form-error'))).toContain('已登记与王芳的亲属关系');
  expect(page.instance.data.formOpen).toBe(true);
  expect(toasts()).toEqual([]);
});

test('revoke asks first, sends DELETE, shows the row revoked; a refusal is shown in words', async () => {
  backend.on(LIST, [ok([s.relationship()]), ok([s.relationship({ active: false, revoked_at: '2026-05-01T10:00:00+08:00', revoked_by: '张三' })])]);
  backend.on('DELETE /api/appraisal/me/relationships/11', ok(s.relationship({ active: false, revoked_at: '2026-05-01T10:00:00+08:00', revoked_by: '张三' })));
  const page = await loadApr('relationships');
  await tap(page, '#revoke-11');
  await flush(10);
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '撤销这条亲属关系？' }));
  expect(backend.callsTo('DELETE /api/appraisal/me/relationships/11')).toHaveLength(1);
  expect(text(page.querySelector('#rel-11'))).toContain('已撤销');
  expect(page.querySelector('#revoke-11')).toBeFalsy();

  backend.on(LIST, ok([s.relationship()]));
  backend.on('DELETE /api/appraisal/me/relationships/11', fail(409, 'APPRAISAL_RELATIONSHIP_HR_OWNED', '该关系由人事部门登记，如有误请联系人事部门'));
  const again = await loadApr('relationships');
  await tap(again, '#revoke-11');
  await flush(10);
  expect(text(again.querySelector('#notice'))).toContain('该关系由人事部门登记，如有误请联系人事部门');
  expect(toasts()).toEqual([]);
});

test('revoke cancelled: nothing sent', async () => {
  wx.showModal = jest.fn((o) => o.success({ confirm: false }));
  backend.on(LIST, ok([s.relationship()]));
  const page = await loadApr('relationships');
  await tap(page, '#revoke-11');
  await flush(5);
  expect(backend.callsTo('DELETE /api/appraisal/me/relationships/11')).toHaveLength(0);
});

test('a load failure shows the message and a retry', async () => {
  backend.on(LIST, [fail(503, 'UNAVAILABLE', '服务暂时不可用，请稍后重试'), ok([s.relationship()])]);
  const page = await loadApr('relationships');
  expect(text(page.querySelector('#load-error'))).toContain('服务暂时不可用');
  await tap(page, '#retry-btn');
  await flush(10);
  expect(page.querySelector('#rel-11')).toBeTruthy();
});

test('我的 links to 亲属关系', async () => {
  backend.on('GET /api/me', ok(me));
  const page = await loadPage('pages/profile/index');
  await fire(page, '#open-relationships', 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/package-appraisal/relationships/index' });
});
