// Login state kept in storage: the API token once bound, the binding ticket while unbound.
const TOKEN_KEY = 'mj_token';
const TOKEN_EXPIRES_KEY = 'mj_token_expires_at';
const TICKET_KEY = 'mj_ticket';
const SIGNED_OUT_KEY = 'mj_signed_out';

function getToken() {
  return wx.getStorageSync(TOKEN_KEY) || '';
}

function setToken(token, expiresAt) {
  wx.setStorageSync(TOKEN_KEY, token);
  wx.setStorageSync(TOKEN_EXPIRES_KEY, expiresAt || '');
  wx.removeStorageSync(SIGNED_OUT_KEY);
}

function clearToken() {
  wx.removeStorageSync(TOKEN_KEY);
  wx.removeStorageSync(TOKEN_EXPIRES_KEY);
}

// The ticket from an unbound /api/auth/wechat: needed to bind and to follow binding requests.
function getTicket() {
  const saved = wx.getStorageSync(TICKET_KEY);
  return saved && saved.ticket ? saved : null;
}

function setTicket(ticket, expiresAt) {
  wx.setStorageSync(TICKET_KEY, { ticket, expires_at: expiresAt || '' });
}

function clearTicket() {
  wx.removeStorageSync(TICKET_KEY);
}

// After "退出登录" the login page waits for a tap instead of signing straight back in.
function markSignedOut() {
  wx.setStorageSync(SIGNED_OUT_KEY, true);
}

function isSignedOut() {
  return !!wx.getStorageSync(SIGNED_OUT_KEY);
}

function clearSignedOut() {
  wx.removeStorageSync(SIGNED_OUT_KEY);
}

module.exports = {
  TOKEN_KEY,
  TICKET_KEY,
  getToken,
  setToken,
  clearToken,
  getTicket,
  setTicket,
  clearTicket,
  markSignedOut,
  isSignedOut,
  clearSignedOut,
};
