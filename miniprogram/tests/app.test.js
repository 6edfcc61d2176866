// The project opens in DevTools as it is: app.json, pages, components, privacy settings,
// tab bar and the vendored TDesign all line up.
const fs = require('fs');
const path = require('path');
const { ROOT, reset, render, flush, text } = require('./support');

const readJson = (p) => JSON.parse(fs.readFileSync(path.join(ROOT, p), 'utf8'));
const app = readJson('app.json');

function resolveComponent(fromJson, ref) {
  if (ref.startsWith('/')) return path.join(ROOT, ref);
  if (ref.startsWith('.')) return path.resolve(path.dirname(path.join(ROOT, fromJson)), ref);
  return path.join(ROOT, 'miniprogram_npm', ref);
}

test('project.config.json points DevTools at this folder and its npm build', () => {
  const project = readJson('project.config.json');
  expect(project.miniprogramRoot).toBe('./');
  expect(project.setting.packNpmRelationList[0]).toEqual({ packageJsonPath: './package.json', miniprogramNpmDistDir: './' });
  expect(fs.existsSync(path.join(ROOT, 'sitemap.json'))).toBe(true);
  expect(fs.existsSync(path.join(ROOT, 'app.js'))).toBe(true);
  expect(fs.existsSync(path.join(ROOT, 'app.wxss'))).toBe(true);
});

test.each(app.pages)('page %s has js, json, wxml, wxss and resolvable components', (page) => {
  for (const ext of ['js', 'json', 'wxml', 'wxss']) expect(fs.existsSync(path.join(ROOT, `${page}.${ext}`))).toBe(true);
  const json = readJson(`${page}.json`);
  for (const ref of Object.values(json.usingComponents || {})) {
    expect(fs.existsSync(`${resolveComponent(`${page}.json`, ref)}.json`)).toBe(true);
  }
});

test('privacy settings are ready for the attendance issue', () => {
  expect(app.__usePrivacyCheck__).toBe(true);
  expect(app.requiredPrivateInfos).toEqual(['getLocation']);
  expect(app.permission['scope.userLocation'].desc).toMatch(/考勤/);
});

test('tab bar: app.json and custom-tab-bar/data.js list the same pages', () => {
  const tabs = require('../custom-tab-bar/data');
  expect(app.tabBar.custom).toBe(true);
  expect(app.tabBar.list.map((t) => `/${t.pagePath}`)).toEqual(tabs.map((t) => t.url));
  expect(tabs.map((t) => t.label)).toEqual(['首页', '打卡', '审批', '我的']);
  for (const t of app.tabBar.list) expect(app.pages).toContain(t.pagePath);
});

test('the vendored TDesign is the pinned version', () => {
  const pkg = readJson('package.json');
  expect(pkg.dependencies['tdesign-miniprogram']).toBe('1.16.0');
  const installed = readJson('node_modules/tdesign-miniprogram/package.json');
  expect(installed.version).toBe('1.16.0');
  expect(fs.existsSync(path.join(ROOT, 'miniprogram_npm/tdesign-miniprogram/button/button.wxml'))).toBe(true);
});

test('custom tab bar renders the tabs and switches', async () => {
  reset();
  const bar = render('custom-tab-bar/index');
  await flush();
  expect(text(bar)).toContain('首页');
  expect(text(bar)).toContain('我的');
  bar.instance.onChange({ detail: { value: 2 } });
  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/approvals/index' });
  bar.instance.onChange({ detail: { value: 3 } });
  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/profile/index' });
  expect(text(bar)).toContain('审批');
  expect(text(bar)).toContain('打卡');
  global.__mj.pages = [{ route: 'pages/home/index' }];
  bar.instance.init();
  expect(bar.instance.data.active).toBe(0);
});
