// The one wrapper around wx.request: base URL, bearer token, one re-login on 401,
// the backend's error envelope as a Chinese toast, loading state and an in-flight guard.
const config = require('../config');
const session = require('./session');
const { wxLogin } = require('./wechat');

const LOGIN_PAGE = '/pages/login/index';

class ApiError extends Error {
  constructor({ status = 0, code = 'UNKNOWN', message = '请求失败，请稍后重试', fields = {} } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields || {};
  }
}

const inFlight = new Map();
let loadingCount = 0;
let reloginPromise = null;

function showLoading(title) {
  loadingCount += 1;
  if (loadingCount === 1) wx.showLoading({ title, mask: true });
}

function hideLoading() {
  if (loadingCount === 0) return;
  loadingCount -= 1;
  if (loadingCount === 0) wx.hideLoading();
}

function send({ url, method, data, token }) {
  const header = { 'Content-Type': 'application/json' };
  if (token) header.Authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${config.baseUrl}${url}`,
      method,
      data,
      header,
      timeout: config.timeout,
      success: (res) => resolve(res),
      fail: () => reject(new ApiError({ code: 'NETWORK', message: '网络连接失败，请检查网络后重试' })),
    });
  });
}

function toError(res) {
  const body = res && res.data;
  const err = body && typeof body === 'object' ? body.error : null;
  if (err && err.code) {
    return new ApiError({ status: res.statusCode, code: err.code, message: err.message || '请求失败', fields: err.fields });
  }
  return new ApiError({ status: res.statusCode, code: `HTTP_${res.statusCode}`, message: `服务暂时不可用（${res.statusCode}）` });
}

function isOk(res) {
  return res.statusCode >= 200 && res.statusCode < 300;
}

function goLogin() {
  const pages = typeof getCurrentPages === 'function' ? getCurrentPages() : [];
  const current = pages.length ? pages[pages.length - 1] : null;
  if (current && `/${current.route}` === LOGIN_PAGE) return;
  wx.reLaunch({ url: LOGIN_PAGE });
}

// wx.login → /api/auth/wechat; resolves to a fresh token, or null when this WeChat is not bound.
// Concurrent 401s share one attempt.
function relogin() {
  if (!reloginPromise) {
    reloginPromise = (async () => {
      const code = await wxLogin();
      const res = await send({ url: '/api/auth/wechat', method: 'POST', data: { code } });
      if (!isOk(res)) throw toError(res);
      const result = res.data.data;
      if (result.status === 'bound' && result.token) {
        session.setToken(result.token, result.expires_at);
        return result.token;
      }
      session.clearToken();
      if (result.ticket) session.setTicket(result.ticket, result.expires_at);
      return null;
    })().finally(() => {
      reloginPromise = null;
    });
  }
  return reloginPromise;
}

async function perform(opts) {
  const useAuth = opts.auth !== false;
  let res = await send({ ...opts, token: useAuth ? session.getToken() : '' });
  if (res.statusCode === 401 && useAuth) {
    let token = null;
    try {
      token = await relogin();
    } catch (e) {
      token = null;
    }
    if (!token) {
      session.clearToken();
      goLogin();
      throw new ApiError({ status: 401, code: 'AUTH_REQUIRED', message: '登录已失效，请重新登录' });
    }
    res = await send({ ...opts, token });
  }
  // envelope: the whole {data, page, total, ...} body (lists with extra keys such as unread)
  if (isOk(res)) return opts.envelope ? res.data : (res.data ? res.data.data : undefined);
  throw toError(res);
}

/**
 * request({url, method, data, auth, loading, toast, quietCodes, key})
 * - auth: send the bearer token and re-login once on 401 (default true)
 * - loading: true or a title to show wx.showLoading (default: on for writes)
 * - toast: false to never toast; quietCodes: error codes the page shows itself
 * - key: in-flight key; an identical request while one is pending gets the same promise
 */
function request(options) {
  const method = (options.method || 'GET').toUpperCase();
  const opts = { ...options, method };
  const key = opts.key || `${method} ${opts.url} ${JSON.stringify(opts.data || {})}`;
  if (inFlight.has(key)) return inFlight.get(key);

  const loading = opts.loading === undefined ? method !== 'GET' : opts.loading;
  if (loading) showLoading(typeof loading === 'string' ? loading : '请稍候');

  const promise = perform(opts)
    .then(
      (data) => {
        if (loading) hideLoading();
        return data;
      },
      (err) => {
        if (loading) hideLoading();
        const error = err instanceof ApiError ? err : new ApiError({ message: '请求失败，请稍后重试' });
        const quiet = opts.toast === false || (opts.quietCodes || []).includes(error.code);
        if (!quiet) wx.showToast({ title: error.message, icon: 'none', duration: 2500 });
        throw error;
      },
    )
    .finally(() => {
      inFlight.delete(key);
    });
  inFlight.set(key, promise);
  return promise;
}

const get = (url, data, opts = {}) => request({ ...opts, url, data, method: 'GET' });
const post = (url, data, opts = {}) => request({ ...opts, url, data, method: 'POST' });

function isPending(key) {
  return inFlight.has(key);
}

// For tests: forget in-flight requests and loading state.
function resetForTests() {
  inFlight.clear();
  loadingCount = 0;
  reloginPromise = null;
}

module.exports = { request, get, post, relogin, isPending, ApiError, resetForTests };
