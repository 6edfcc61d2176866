// My own record and account actions.
const { get, post } = require('../utils/request');
const session = require('../utils/session');

function fetchMe() {
  return get('/api/me');
}

async function unbindWechat() {
  const data = await post('/api/me/unbind', {}, { loading: '正在解除绑定', key: 'me-unbind' });
  session.clearToken();
  session.clearTicket();
  return data;
}

module.exports = { fetchMe, unbindWechat };
