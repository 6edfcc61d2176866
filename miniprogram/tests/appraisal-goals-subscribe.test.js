// 我的目标: after submitting goals the page asks WeChat for the appraisal subscribe messages
// (goal review result, deadline reminders, result publication — at most three per tap) and tells
// the server what the person chose; a closed dialog or no configured template changes nothing.
const { backend, reset, tap, signIn } = require('./support');
const f = require('./appraisal-support');
const apr = require('../services/appraisal');

const { ok } = backend;

const TEMPLATES = [
  { event: 'appraisal.goals', label: '考核目标审核结果', template_id: 'T-GOALS', long_term: false },
  { event: 'appraisal.deadline', label: '考核截止提醒', template_id: 'T-DEADLINE', long_term: true },
  { event: 'appraisal.results_published', label: '考核结果公示', template_id: 'T-PUB', long_term: false },
];

beforeEach(() => {
  reset();
  signIn('tok-1');
  apr.clearWorking();
  backend.on('GET /api/appraisal/my/cycles', ok([f.myCycle()]));
  backend.on('GET /api/appraisal/reviews', { status: 200, body: { data: [], page: 1, total: 0 } });
  backend.on('GET /api/appraisal/cycles/4/my-goals', ok(f.myGoals()));
  backend.on('POST /api/appraisal/goal-sets/21/submit', ok(f.submittedSet()));
  backend.on('POST /api/reminders/subscriptions', ok([]));
});

test('submitting goals asks for the appraisal templates and records the answers', async () => {
  backend.on('GET /api/reminders/templates', ok(TEMPLATES));
  wx.requestSubscribeMessage = jest.fn((opts) => {
    opts.success({ errMsg: 'requestSubscribeMessage:ok', 'T-GOALS': 'accept', 'T-DEADLINE': 'accept', 'T-PUB': 'reject' });
  });
  const page = await f.loadApr('goals', { cycle_id: '4' });
  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();   // not on opening the page
  await tap(page, '#submit-btn');
  expect(backend.callsTo('POST /api/appraisal/goal-sets/21/submit')).toHaveLength(1);
  expect(backend.callsTo('GET /api/reminders/templates')[0].query).toEqual({ moment: 'goals_submitted' });
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['T-GOALS', 'T-DEADLINE', 'T-PUB']);
  const posted = backend.callsTo('POST /api/reminders/subscriptions');
  expect(posted).toHaveLength(1);
  expect(posted[0].body).toEqual({ results: { 'T-GOALS': 'accept', 'T-DEADLINE': 'accept', 'T-PUB': 'reject' } });
});

test('never more than three templates in one tap', async () => {
  backend.on('GET /api/reminders/templates', ok([...TEMPLATES, { event: 'x', label: 'x', template_id: 'T-4', long_term: false }]));
  wx.requestSubscribeMessage = jest.fn((opts) => opts.success({ errMsg: 'requestSubscribeMessage:ok' }));
  const page = await f.loadApr('goals', { cycle_id: '4' });
  await tap(page, '#submit-btn');
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toHaveLength(3);
  expect(backend.callsTo('POST /api/reminders/subscriptions')).toHaveLength(0);   // nothing answered
});

test('a closed dialog or no templates: the goals are still submitted, nothing recorded', async () => {
  backend.on('GET /api/reminders/templates', ok([]));
  wx.requestSubscribeMessage = jest.fn();
  const page = await f.loadApr('goals', { cycle_id: '4' });
  await tap(page, '#submit-btn');
  expect(backend.callsTo('POST /api/appraisal/goal-sets/21/submit')).toHaveLength(1);
  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
  expect(backend.callsTo('POST /api/reminders/subscriptions')).toHaveLength(0);

  backend.on('GET /api/reminders/templates', ok(TEMPLATES));
  wx.requestSubscribeMessage = jest.fn((opts) => opts.fail({ errMsg: 'requestSubscribeMessage:fail cancel' }));
  apr.clearWorking();
  const again = await f.loadApr('goals', { cycle_id: '4' });
  await tap(again, '#submit-btn');
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  expect(backend.callsTo('POST /api/reminders/subscriptions')).toHaveLength(0);
});
