// 首页: who I am, summary cards (filled by later issues), and scan-to-sign-in for the console.
const { fetchHome } = require('../../services/home');
const { parseAdminLoginQr } = require('../../services/auth');
const { scanCode, toast } = require('../../utils/wechat');
const { syncTabBar } = require('../../utils/tab-bar');

const EMPTY_CARDS = { attendance: {}, approvals: {}, goals: {}, messages: {} };

Component({
  data: {
    loading: true,
    me: null,
    initial: '',
    cards: EMPTY_CARDS,
    errorText: '',
  },

  methods: {
    onLoad() {
      this.load();
    },

    onShow() {
      syncTabBar(this);
    },

    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },

    async load() {
      this.setData({ loading: true });
      try {
        const data = await fetchHome();
        const me = data.me || null;
        this.setData({
          me,
          initial: me && me.name ? me.name.slice(-1) : '',
          cards: { ...EMPTY_CARDS, ...(data.cards || {}) },
          errorText: '',
        });
      } catch (err) {
        this.setData({ errorText: err.message });
      } finally {
        this.setData({ loading: false });
      }
    },

    async onScanAdminLogin() {
      const text = await scanCode();
      if (!text) return;
      const sid = parseAdminLoginQr(text);
      if (!sid) {
        toast('这不是明镜管理后台的登录二维码');
        return;
      }
      wx.navigateTo({ url: `/pages/admin-login-confirm/index?sid=${encodeURIComponent(sid)}` });
    },
  },
});
