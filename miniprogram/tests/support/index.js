// Test helpers (the one harness for every test): render a page or component from this mini-program with the real TDesign
// components (from miniprogram_npm/), drive it like a user, and read what is on screen.
const fs = require('fs');
const path = require('path');
const simulate = require('miniprogram-simulate');
const backend = require('./backend');
const session = require('../../utils/session');
const request = require('../../utils/request');

const ROOT = path.resolve(__dirname, '../..');
const state = global.__mj;

if (!fs.existsSync(path.join(ROOT, 'miniprogram_npm/tdesign-miniprogram/button/button.json'))) {
  throw new Error('miniprogram_npm/ is missing: run `npm install` (or `npm run build:npm`) first');
}

// npm-style usingComponents ("tdesign-miniprogram/button/button") → vendored path, as DevTools resolves them.
function npmComponents() {
  const map = {};
  // the main package's folders and every subpackage root listed in app.json (package-leave, ...)
  const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
  const subRoots = (app.subPackages || app.subpackages || []).map((p) => p.root);
  const dirs = ['pages', 'components', 'custom-tab-bar', ...subRoots];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        const json = JSON.parse(fs.readFileSync(p, 'utf8'));
        for (const [tag, ref] of Object.entries(json.usingComponents || {})) {
          if (!ref.startsWith('/') && !ref.startsWith('.')) map[tag] = `/miniprogram_npm/${ref}`;
        }
      }
    }
  };
  dirs.forEach((d) => fs.existsSync(path.join(ROOT, d)) && walk(path.join(ROOT, d)));
  return map;
}
const USING = npmComponents();

// miniprogram-simulate re-runs each component's js on every load (so Component() registers
// it under the new id) by deleting it from require.cache, which jest ignores. Evaluate the
// file ourselves instead; what it requires still comes from jest's shared registry, so a page
// and its test see the same utils/request and config modules.
const babel = require('@babel/core');
const transformed = new Map();
require('miniprogram-simulate/src/utils').runJs = (modulePath) => {
  const file = `${modulePath}.js`;
  let code = transformed.get(file);
  if (!code) {
    code = babel.transformSync(fs.readFileSync(file, 'utf8'), {
      filename: file, babelrc: false, configFile: false, plugins: ['@babel/plugin-transform-modules-commonjs'],
    }).code;
    transformed.set(file, code);
  }
  const dir = path.dirname(file);
  const localRequire = (id) => {
    if (id.startsWith('.')) return require(path.resolve(dir, id));
    // A bare name (t-date-time-picker → dayjs) is found in the nearest miniprogram_npm/ above the
    // requiring file, as DevTools does (tdesign-miniprogram/miniprogram_npm/dayjs); then as usual.
    for (let d = dir; d.startsWith(ROOT) && d !== ROOT; d = path.dirname(d)) {
      const candidate = path.join(d, 'miniprogram_npm', id);
      for (const f of [candidate, `${candidate}.js`, path.join(candidate, 'index.js')]) {
        if (fs.existsSync(f) && fs.statSync(f).isFile()) return require(f);
      }
    }
    return require(id);
  };
  const module = { exports: {} };
  // eslint-disable-next-line no-new-func
  new Function('require', 'module', 'exports', '__filename', '__dirname', code)(localRequire, module, module.exports, file, dir);
};

const sleep = (ms = 0) => new Promise((r) => setTimeout(r, ms));

// Let pending wx callbacks, fake-backend answers and setData settle.
async function flush(rounds = 5) {
  for (let i = 0; i < rounds; i += 1) await sleep(0);
}

function render(route, props) {
  const id = simulate.load(path.join(ROOT, route), { rootPath: ROOT, usingComponents: { ...USING } });
  const comp = simulate.render(id, props);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

// Render a page (built with Component; main package or subpackage) and run onLoad(query) /
// onShow like the framework. `before(instance)` runs before onLoad (e.g. to fix the page's clock);
// `rounds` is how many flush rounds to let the page settle.
async function loadPage(route, query = {}, { before, rounds = 5 } = {}) {
  const page = render(route);
  state.pages = [{ route }];
  if (before) before(page.instance);
  if (page.instance.onLoad) page.instance.onLoad(query);
  if (page.instance.onShow) page.instance.onShow();
  await flush(rounds);
  return page;
}

function text(comp) {
  return comp.dom.textContent.replace(/\s+/g, ' ');
}

function find(comp, selector) {
  const node = comp.querySelector(selector);
  if (!node) throw new Error(`no element matches ${selector}`);
  return node;
}

// Fire an event as the element would (t-button's tap, t-input's change, getphonenumber ...).
async function fire(comp, selector, event, detail = {}) {
  find(comp, selector).instance.triggerEvent(event, detail);
  await flush();
}

const tap = (comp, selector) => fire(comp, selector, 'tap');

function toasts() {
  return wx.showToast.mock.calls.map((c) => c[0].title);
}

function reset() {
  backend.reset();
  state.storage.clear();
  state.scanResult = null;
  state.privacyListener = null;
  state.pages = [];
  state.install();
  request.resetForTests();
}

function signIn(token = 'tok-1') {
  session.setToken(token, '2026-12-01T08:00:00+08:00');
}

module.exports = { ROOT, simulate, backend, session, render, loadPage, flush, sleep, text, find, fire, tap, toasts, reset, signIn };
