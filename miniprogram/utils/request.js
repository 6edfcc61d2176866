// The one wrapper around wx.request: base URL, bearer token, one re-login on 401,
// the backend's error envelope as a Chinese toast, loading state and an in-flight guard.
// Writes carry an Idempotency-Key (one per submit, reused by its retries: the server replays the
// first answer instead of running the submit twice); a write lost to a timeout or a dropped
// network asks "重试" and resends with the same key.
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
// Writes whose answer never arrived: signature → the Idempotency-Key to send again.
const unsettled = new Map();
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

let keySeq = 0;

// A fresh Idempotency-Key: 8–100 characters of [A-Za-z0-9._:-] (handlers/base.py).
function newIdempotencyKey() {
  keySeq += 1;
  const rand = Math.random().toString(36).slice(2, 10);
  return `mp-${Date.now().toString(36)}-${keySeq.toString(36)}-${rand}`;
}

const TIMEOUT_MESSAGE = '网络较慢，请求超时，请检查网络后重试';
const NETWORK_MESSAGE = '网络连接失败，请检查网络后重试';

function send({ url, method, data, token, idempotencyKey, timeout }) {
  const header = { 'Content-Type': 'application/json' };
  if (token) header.Authorization = `Bearer ${token}`;
  if (idempotencyKey) header['Idempotency-Key'] = idempotencyKey;
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${config.baseUrl}${url}`,
      method,
      data,
      header,
      timeout: timeout || config.timeout,
      success: (res) => resolve(res),
      fail: (res) => {
        const timedOut = /timeout|超时/i.test((res && res.errMsg) || '');
        const error = new ApiError({ code: 'NETWORK', message: timedOut ? TIMEOUT_MESSAGE : NETWORK_MESSAGE });
        error.timeout = timedOut;
        reject(error);
      },
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
 * request({url, method, data, auth, loading, toast, quietCodes, key, idempotencyKey, retry})
 * - auth: send the bearer token and re-login once on 401 (default true)
 * - idempotencyKey: writes (not GET) get a fresh one per call unless given; false sends none
 * - retry: writes lost to the network ask "重试" (same key) unless false or toast is false
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
  // The same write sent again after its answer was lost (the page's own 重试 included) reuses its key.
  const signature = `${method} ${opts.url} ${JSON.stringify(opts.data || {})}`;
  if (method !== 'GET' && opts.idempotencyKey === undefined) opts.idempotencyKey = unsettled.get(signature) || newIdempotencyKey();
  if (opts.idempotencyKey === false) delete opts.idempotencyKey;
  const mayRetry = method !== 'GET' && opts.retry !== false && opts.toast !== false;

  const attempt = () => perform(opts).catch(async (err) => {
    if (!(mayRetry && err instanceof ApiError && err.code === 'NETWORK')) throw err;
    if (loading) hideLoading();
    const again = await askRetry(err);
    if (loading) showLoading(typeof loading === 'string' ? loading : '请稍候');
    if (!again) {
      err.cancelled = true;
      throw err;
    }
    return attempt();
  });

  const promise = attempt()
    .then(
      (data) => {
        if (loading) hideLoading();
        unsettled.delete(signature);
        return data;
      },
      (err) => {
        if (loading) hideLoading();
        const error = err instanceof ApiError ? err : new ApiError({ message: '请求失败，请稍后重试' });
        if (opts.idempotencyKey && error.code === 'NETWORK') unsettled.set(signature, opts.idempotencyKey);
        else unsettled.delete(signature);
        const quiet = opts.toast === false || error.cancelled || (opts.quietCodes || []).includes(error.code);
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

// "提交没有送达" → 重试 (resolves true) or 取消. The retry reuses the Idempotency-Key, so a submit
// that did reach the server is answered from its first result, never run twice.
function askRetry(err) {
  return new Promise((resolve) => {
    wx.showModal({
      title: err.timeout ? '请求超时' : '网络连接失败',
      content: `${err.message}。重试不会重复提交。`,
      confirmText: '重试',
      cancelText: '取消',
      success: (res) => resolve(!!(res && res.confirm)),
      fail: () => resolve(false),
    });
  });
}

const get = (url, data, opts = {}) => request({ ...opts, url, data, method: 'GET' });
const post = (url, data, opts = {}) => request({ ...opts, url, data, method: 'POST' });

function isPending(key) {
  return inFlight.has(key);
}

// For tests: forget in-flight requests and loading state.
function resetForTests() {
  inFlight.clear();
  unsettled.clear();
  loadingCount = 0;
  reloginPromise = null;
}

// wx.uploadFile is outside wx.request: it carries the token itself (multipart field "file").
// `what` names the file in messages (附件, 佐证材料).
function upload(url, filePath, what = '文件') {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url: `${config.baseUrl}${url}`,
      filePath,
      name: 'file',
      header: { Authorization: `Bearer ${session.getToken()}` },
      success: (res) => {
        let body = res.data;
        try { body = typeof body === 'string' ? JSON.parse(body) : body; } catch (e) { body = null; }
        if (res.statusCode >= 200 && res.statusCode < 300 && body && body.data) resolve(body.data);
        else {
          const err = (body && body.error) || {};
          reject(new ApiError({ status: res.statusCode, code: err.code || `HTTP_${res.statusCode}`, message: err.message || `${what}上传失败` }));
        }
      },
      fail: () => reject(new ApiError({ code: 'NETWORK', message: `${what}上传失败，请检查网络后重试` })),
    });
  });
}

module.exports = { request, get, post, upload, relogin, isPending, ApiError, resetForTests, newIdempotencyKey };
