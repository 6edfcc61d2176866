// 扫码登录确认: the admin console shows mingjing://admin-login?sid=<sid>; here the signed-in
// person confirms or cancels that browser session.
const auth = require('../../services/auth');
const { formatTime } = require('../../utils/format');
const { textSize } = require('../../utils/text-size');

const RESULTS = {
  done: { icon: 'check-circle-filled', color: '#2ba471', title: '已确认登录', text: '请回到电脑上继续操作。' },
  cancelled: { icon: 'close-circle-filled', color: '#999999', title: '已取消登录', text: '电脑上的这次登录不会生效。' },
  error: { icon: 'error-circle-filled', color: '#d54941', title: '无法完成登录', text: '' },
};

Component({
  behaviors: [textSize],
  data: {
    state: 'loading', // loading | ready | done | cancelled | error
    sid: '',
    info: {},
    busy: '',
    resultIcon: '',
    resultColor: '',
    resultTitle: '',
    resultText: '',
  },

  methods: {
    onLoad(query = {}) {
      let sid = query.sid ? decodeURIComponent(query.sid) : '';
      if (!sid && query.q) sid = auth.parseAdminLoginQr(decodeURIComponent(query.q)) || '';
      if (!sid) {
        this.showResult('error', '二维码内容不完整，请在电脑上刷新二维码后重新扫描。');
        return;
      }
      this.setData({ sid });
      this.scan();
    },

    async scan() {
      try {
        const info = await auth.scanAdminLogin(this.data.sid);
        this.setData({ state: 'ready', info: { ...info, expiresText: formatTime(info.expires_at) } });
      } catch (err) {
        this.showResult('error', err.message);
      }
    },

    showResult(state, text) {
      const r = RESULTS[state];
      this.setData({
        state,
        resultIcon: r.icon,
        resultColor: r.color,
        resultTitle: r.title,
        resultText: text || r.text,
      });
    },

    async onConfirm() {
      if (this.data.busy) return;
      this.setData({ busy: 'confirm' });
      try {
        await auth.confirmAdminLogin(this.data.sid);
        this.showResult('done');
      } catch (err) {
        // toast shown by the request layer; the user may try again or cancel
      } finally {
        this.setData({ busy: '' });
      }
    },

    async onCancel() {
      if (this.data.busy) return;
      this.setData({ busy: 'cancel' });
      try {
        await auth.cancelAdminLogin(this.data.sid);
      } catch (err) {
        // cancelling an expired session is harmless
      } finally {
        this.setData({ busy: '' });
        this.showResult('cancelled');
      }
    },

    onDone() {
      const pages = getCurrentPages();
      if (pages.length > 1) wx.navigateBack();
      else wx.reLaunch({ url: '/pages/home/index' });
    },
  },
});
