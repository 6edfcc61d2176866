// Privacy popup: opens on wx.onNeedPrivacyAuthorization and answers agree / disagree.
const { reset, render, flush, text, tap, fire } = require('./support');

beforeEach(reset);

async function open() {
  const comp = render('components/privacy-popup/index');
  await flush();
  expect(global.__mj.privacyListener).toEqual(expect.any(Function));
  const resolve = jest.fn();
  global.__mj.privacyListener(resolve, { referrer: 'getPhoneNumber' });
  await flush();
  return { comp, resolve };
}

test('hidden until a privacy API asks', async () => {
  const comp = render('components/privacy-popup/index');
  await flush();
  expect(text(comp)).not.toContain('用户隐私保护提示');
});

test('agree resolves with the agree button id', async () => {
  const { comp, resolve } = await open();
  expect(text(comp)).toContain('用户隐私保护提示');
  expect(text(comp)).toContain('《明镜小程序隐私保护指引》');
  await fire(comp, '#privacy-agree-btn', 'agreeprivacyauthorization');
  expect(resolve).toHaveBeenCalledWith({ buttonId: 'privacy-agree', event: 'agree' });
  expect(comp.instance.data.visible).toBe(false);
});

test('disagree resolves with disagree', async () => {
  const { comp, resolve } = await open();
  await tap(comp, '#privacy-disagree-btn');
  expect(resolve).toHaveBeenCalledWith({ event: 'disagree' });
  expect(comp.instance.data.visible).toBe(false);
});
