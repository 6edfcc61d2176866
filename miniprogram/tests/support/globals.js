// Jest setup: load miniprogram-simulate (which installs its own `wx`), then put our
// controllable mocks on top: storage, login, request (answered by tests/support/backend.js),
// toasts, navigation and scanning.
require('miniprogram-simulate');
const backend = require('./backend');

const state = {
  storage: new Map(),
  loginSeq: 0,
  scanResult: null, // string, or null for "user closed the scanner"
  privacyListener: null,
  pages: [],
};

global.__mj = state;
global.getApp = () => ({ globalData: {} });
global.getCurrentPages = () => state.pages;

const clone = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

const mocks = {
  getStorageSync: (key) => (state.storage.has(key) ? clone(state.storage.get(key)) : ''),
  setStorageSync: (key, value) => { state.storage.set(key, clone(value)); },
  removeStorageSync: (key) => { state.storage.delete(key); },
  clearStorageSync: () => state.storage.clear(),

  login: (opts) => {
    state.loginSeq += 1;
    const code = `wx-code-${state.loginSeq}`;
    setTimeout(() => opts.success && opts.success({ code, errMsg: 'login:ok' }), 0);
  },
  request: (opts) => {
    backend.dispatch(opts).then(
      (res) => opts.success && opts.success({ statusCode: res.status, data: res.body, header: {} }),
      () => opts.fail && opts.fail({ errMsg: 'request:fail' }),
    );
    return { abort() {} };
  },
  scanCode: (opts) => {
    setTimeout(() => {
      if (state.scanResult) opts.success && opts.success({ result: state.scanResult, scanType: 'QR_CODE' });
      else opts.fail && opts.fail({ errMsg: 'scanCode:fail cancel' });
    }, 0);
  },
  onNeedPrivacyAuthorization: (listener) => { state.privacyListener = listener; },
  getPrivacySetting: (opts) => opts.success && opts.success({ needAuthorization: true, privacyContractName: '《明镜小程序隐私保护指引》' }),
  openPrivacyContract: () => {},
  showModal: (opts) => opts.success && opts.success({ confirm: false }),
  getUpdateManager: undefined,
};

const spies = [
  'showToast', 'showLoading', 'hideLoading', 'reLaunch', 'navigateTo', 'redirectTo',
  'switchTab', 'navigateBack', 'stopPullDownRefresh',
];

function install() {
  for (const [name, fn] of Object.entries(mocks)) global.wx[name] = fn ? jest.fn(fn) : fn;
  for (const name of spies) global.wx[name] = jest.fn((opts) => opts && opts.success && opts.success({}));
}

install();
state.install = install;
