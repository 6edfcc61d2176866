// A fake Mingjing backend for wx.request: tests register handlers by "METHOD /path".
const config = require('../../config');

const routes = new Map();
const calls = [];

function ok(data, status = 200) {
  return { status, body: { data } };
}

function fail(status, code, message, fields) {
  const error = { code, message };
  if (fields) error.fields = fields;
  return { status, body: { error } };
}

// handler: a response ({status, body}), a function (req) → response | Promise<response>,
// or an array of those used one per call (the last one repeats).
function on(route, handler) {
  routes.set(route, Array.isArray(handler) ? [...handler] : [handler]);
}

function parse(opts) {
  const method = (opts.method || 'GET').toUpperCase();
  let url = opts.url || '';
  if (url.startsWith(config.baseUrl)) url = url.slice(config.baseUrl.length);
  const [pathname, qs] = url.split('?');
  const query = Object.fromEntries(new URLSearchParams(qs || ''));
  let body = opts.data;
  if (method === 'GET' && body && typeof body === 'object') {
    Object.assign(query, body);
    body = undefined;
  }
  const header = opts.header || {};
  const auth = header.Authorization || header.authorization || '';
  return { method, path: pathname, query, body, header, token: auth.replace(/^Bearer\s+/, '') };
}

async function dispatch(opts) {
  const req = parse(opts);
  calls.push(req);
  await Promise.resolve();
  const list = routes.get(`${req.method} ${req.path}`);
  if (!list) return fail(404, 'NOT_FOUND', `测试后端未定义 ${req.method} ${req.path}`);
  const handler = list.length > 1 ? list.shift() : list[0];
  const res = typeof handler === 'function' ? await handler(req) : handler;
  if (res === 'NETWORK_DOWN') throw new Error('network');
  return res;
}

function callsTo(route) {
  const [method, path] = route.split(' ');
  return calls.filter((c) => c.method === method && c.path === path);
}

// A response the test releases by hand, to hold a request in flight.
function deferred() {
  let release;
  const promise = new Promise((resolve) => { release = resolve; });
  return { handler: () => promise, release };
}

function reset() {
  routes.clear();
  calls.length = 0;
}

module.exports = { on, ok, fail, dispatch, calls, callsTo, deferred, reset };
