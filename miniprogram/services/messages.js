// Messages (站内信) and reminder settings: the inbox, mark read, my notification settings, and
// WeChat subscribe-message requests at natural moments (wx.requestSubscribeMessage, ≤ 3 per tap).
const { get, post, request } = require('../utils/request');
const { formatTime } = require('../utils/format');

// The custom tab bar's pages: a notice about one of them switches tab instead of navigating.
const TAB_PAGES = ['/pages/home/index', '/pages/attendance-clock/index', '/pages/approvals/index', '/pages/profile/index'];

// `q` searches my messages' titles and texts.
function fetchMessages({ page = 1, pageSize = 20, unread = false, q = '', toast } = {}) {
  const data = { page, page_size: pageSize };
  if (unread) data.unread = 1;
  if (q) data.q = q;
  return request({ url: '/api/messages', data, method: 'GET', envelope: true, toast });
}

function markRead(id) {
  return post(`/api/messages/${id}/read`, {}, { loading: false });
}

function markAllRead() {
  return post('/api/messages/read-all', {});
}

function messageView(m) {
  return { ...m, time: formatTime ? formatTime(m.created_at) : m.created_at, openable: isOpenable(m.link) };
}

// Console links (/admin/...) cannot open in the mini-program.
function isOpenable(link) {
  return Boolean(link) && link.startsWith('/') && !link.startsWith('/admin');
}

function openLink(link) {
  if (!isOpenable(link)) return false;
  const path = link.split('?')[0];
  if (TAB_PAGES.includes(path)) wx.switchTab({ url: path });
  else wx.navigateTo({ url: link });
  return true;
}

function fetchSettings() {
  return get('/api/reminders/settings');
}

function saveSettings(changes) {
  return request({ url: '/api/reminders/settings', data: changes, method: 'PUT', loading: false });
}

// Ask WeChat for subscriptions for a moment ('leave_submitted', 'profile' ...) and tell the
// server what the person chose. Must run inside a tap handler. Resolves to the server's record,
// or null when there was nothing to ask or the person closed the dialog.
async function requestSubscriptions(moment, templates) {
  let list = templates;
  if (!list) {
    try {
      list = await get('/api/reminders/templates', { moment }, { toast: false });
    } catch (err) {
      return null;
    }
  }
  const tmplIds = (list || []).map((t) => t.template_id).slice(0, 3);
  if (!tmplIds.length || typeof wx.requestSubscribeMessage !== 'function') return null;
  const res = await new Promise((resolve) => {
    wx.requestSubscribeMessage({ tmplIds, success: resolve, fail: () => resolve(null) });
  });
  if (!res) return null;
  const results = {};
  tmplIds.forEach((id) => {
    if (['accept', 'reject', 'ban', 'filter'].includes(res[id])) results[id] = res[id];
  });
  if (!Object.keys(results).length) return null;
  try {
    return await post('/api/reminders/subscriptions', { results }, { loading: false, toast: false });
  } catch (err) {
    return null;
  }
}

module.exports = {
  fetchMessages, markRead, markAllRead, messageView, openLink, isOpenable,
  fetchSettings, saveSettings, requestSubscriptions,
};
