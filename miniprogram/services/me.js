// My own record and account actions.
const { get, post } = require('../utils/request');
const session = require('../utils/session');

function fetchMe(opts) {
  return get('/api/me', undefined, opts);
}

async function unbindWechat() {
  const data = await post('/api/me/unbind', {}, { loading: '正在解除绑定', key: 'me-unbind' });
  session.clearToken();
  session.clearTicket();
  return data;
}

// Colleagues of my unit by name (GET /api/me/colleagues): the delegate picker.
function searchColleagues(q) {
  return get('/api/me/colleagues', { q }, { toast: false });
}

module.exports = { fetchMe, unbindWechat, searchColleagues };
