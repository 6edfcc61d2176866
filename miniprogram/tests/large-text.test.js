// 大字模式 and older users (issue 15): the switch on 我的 is kept on the phone and every page's root
// takes `large-text`; app.wxss keeps body text ≥ 28rpx and touch targets ≥ 88rpx (44px).
const fs = require('fs');
const path = require('path');
const { backend, reset, fire, signIn, loadPage, ROOT } = require('./support');
const { me, home } = require('./support/fixtures');

const { ok } = backend;
jest.setTimeout(30000);

beforeEach(() => {
  reset();
  signIn('tok-1');
  backend.on('GET /api/me', ok(me));
  backend.on('GET /api/home', ok(home));
  backend.on('GET /api/reminders/settings', ok({ clock_in: true, wechat: true, bound: true, templates: [], subscriptions: [] }));
});

const rootClass = (page) => page.querySelector('.page').dom.className;

test('the profile switch turns large text on for this page and the next ones, and off again', async () => {
  const profile = await loadPage('pages/profile/index');
  expect(rootClass(profile)).not.toContain('large-text');
  await fire(profile, '#switch-large-text', 'change', { value: true });
  expect(wx.getStorageSync('mj_large_text')).toBe('1');
  expect(rootClass(profile)).toContain('large-text');
  const homePage = await loadPage('pages/home/index');
  expect(rootClass(homePage)).toContain('large-text');
  await fire(profile, '#switch-large-text', 'change', { value: false });
  expect(rootClass(profile)).not.toContain('large-text');
  // a page already open follows the switch when it is shown again
  require('../utils/text-size').sync(homePage.instance);
  expect(rootClass(homePage)).not.toContain('large-text');
});

test('app.wxss: body text at least 28rpx, touch targets 88rpx, large text grows the type', () => {
  const css = fs.readFileSync(path.join(ROOT, 'app.wxss'), 'utf8');
  expect(css).toMatch(/page \{[^}]*font-size: 28rpx/);
  expect(css).toMatch(/--td-button-small-height: 88rpx/);
  expect(css).toMatch(/--td-button-medium-height: 88rpx/);
  expect(css).toMatch(/\.muted \{[^}]*font-size: var\(--mj-muted-size, 28rpx\)/);
  expect(css).toMatch(/\.large-text \{[^}]*font-size: 36rpx/);
});

test('no px sizes and no text under 22rpx in our pages; every page root can take large-text', () => {
  const dirs = ['pages', 'package-leave', 'package-attendance', 'package-profile', 'components'];
  const files = [];
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const f = path.join(d, e.name);
    if (e.isDirectory()) walk(f); else files.push(f);
  });
  dirs.forEach((d) => walk(path.join(ROOT, d)));
  const wxss = files.filter((f) => f.endsWith('.wxss'));
  for (const f of wxss) {
    const css = fs.readFileSync(f, 'utf8');
    expect({ f, px: css.match(/\b\d+px\b/g) }).toEqual({ f, px: null });
    const sizes = [...css.matchAll(/font-size:\s*(\d+)rpx/g)].map((m) => Number(m[1]));
    expect({ f, small: sizes.filter((n) => n < 22) }).toEqual({ f, small: [] });
  }
  const pages = files.filter((f) => f.endsWith('index.wxml') && !f.includes('components'));
  for (const f of pages) {
    expect({ f, ok: fs.readFileSync(f, 'utf8').includes("largeText ? 'large-text' : ''") }).toEqual({ f, ok: true });
  }
});

test('icon-only controls carry an aria-label', () => {
  const home = fs.readFileSync(path.join(ROOT, 'pages/home/index.wxml'), 'utf8');
  expect(home).toMatch(/id="scan-admin"[^>]*aria-label="扫码登录管理后台"/);
  const clock = fs.readFileSync(path.join(ROOT, 'pages/attendance-clock/index.wxml'), 'utf8');
  expect(clock).toMatch(/<map [^>]*aria-label="[^"]+"/);
});
