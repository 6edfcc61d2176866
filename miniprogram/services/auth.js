// Sign-in: WeChat code login, dev login, sign out, and confirming the admin console's QR login.
const { post } = require('../utils/request');
const session = require('../utils/session');
const { wxLogin } = require('../utils/wechat');

// Stores the token when bound, the ticket when not; resolves to the backend's data.
async function loginWithWechat() {
  const code = await wxLogin();
  const data = await post('/api/auth/wechat', { code }, { auth: false, loading: '登录中', key: 'auth-wechat' });
  applyLogin(data);
  return data;
}

function applyLogin(data) {
  if (data && data.status === 'bound' && data.token) {
    session.setToken(data.token, data.expires_at);
    session.clearTicket();
  } else if (data && data.ticket) {
    session.clearToken();
    session.setTicket(data.ticket, data.expires_at);
  }
}

async function devLogin(employeeNo) {
  const data = await post('/api/auth/dev', { employee_no: employeeNo }, { auth: false, loading: '登录中', key: 'auth-dev' });
  session.setToken(data.token, data.expires_at);
  session.clearTicket();
  return data;
}

async function logout() {
  try {
    await post('/api/auth/logout', {}, { loading: '正在退出', key: 'auth-logout', toast: false });
  } finally {
    session.clearToken();
    session.markSignedOut();
  }
}

// 扫码登录管理后台: QR text is mingjing://admin-login?sid=<sid>
const ADMIN_LOGIN_RE = /^mingjing:\/\/admin-login\?(?:.*&)?sid=([^&#]+)/;

function parseAdminLoginQr(text) {
  const m = ADMIN_LOGIN_RE.exec((text || '').trim());
  return m ? decodeURIComponent(m[1]) : null;
}

function scanAdminLogin(sid) {
  return post('/api/auth/qr-login/scan', { sid }, { loading: false, toast: false, key: `qr-scan-${sid}` });
}

function confirmAdminLogin(sid) {
  return post('/api/auth/qr-login/confirm', { sid }, { loading: '正在确认', key: `qr-decide-${sid}` });
}

function cancelAdminLogin(sid) {
  return post('/api/auth/qr-login/cancel', { sid }, { loading: false, key: `qr-decide-${sid}` });
}

module.exports = {
  loginWithWechat,
  applyLogin,
  devLogin,
  logout,
  parseAdminLoginQr,
  scanAdminLogin,
  confirmAdminLogin,
  cancelAdminLogin,
};
