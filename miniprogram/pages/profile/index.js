// 我的: my record (masked phone and ID), 亲属关系 (appraisal recusal), unbind this WeChat, sign out.
const { fetchMe, unbindWechat } = require('../../services/me');
const { logout } = require('../../services/auth');
const { syncTabBar } = require('../../utils/tab-bar');
const { withLoading, reloadOnPullDown } = require('../../utils/page');
const messages = require('../../services/messages');
const { textSize, setLargeText } = require('../../utils/text-size');

const LOGIN = '/pages/login/index';
const POST_KIND = { main: '主职', concurrent: '兼职', acting: '代理', secondment: '借调' };

Component({
  behaviors: [textSize],
  data: {
    loading: true,
    me: null,
    otherPosts: [],
    errorText: '',
    unbindVisible: false,
    settings: { clock_in: true, wechat: true, bound: false, templates: [], subscriptions: [] },
    subscribedText: '',
    subscribeRound: 0,
  },

  methods: {
    onLoad() {
      this.load();
    },

    onShow() {
      syncTabBar(this);
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    load() {
      return withLoading(this, async () => {
        const me = await fetchMe();
        const otherPosts = (me.posts || [])
          .filter((p) => p.kind !== 'main')
          .map((p) => ({ ...p, kindLabel: POST_KIND[p.kind] || p.kind || '任职' }));
        this.setData({ me, otherPosts, errorText: '' });
        this.loadSettings();
      });
    },

    async loadSettings() {
      try {
        this.showSettings(await messages.fetchSettings());
      } catch (err) {
        // the switches keep their defaults
      }
    },

    showSettings(settings) {
      const subs = settings.subscriptions || [];
      const lasting = subs.filter((s) => s.long_term).length;
      const left = subs.reduce((n, s) => n + (s.one_time || 0), 0);
      const subscribedText = lasting ? `已长期订阅 ${lasting} 项` : (left ? `可接收 ${left} 条` : '尚未订阅');
      this.setData({ settings, subscribedText });
    },

    onOpenMessages() {
      wx.navigateTo({ url: '/pages/messages/index' });
    },

    // 委托审批 (出差期间) lives in the profile subpackage.
    onOpenDelegation() {
      const id = this.data.me ? this.data.me.id : '';
      wx.navigateTo({ url: `/package-profile/delegation/index${id ? `?me=${id}` : ''}` });
    },

    // 大字模式: kept on this phone; every page follows it when shown (utils/text-size.js).
    onToggleLargeText(e) {
      const on = Boolean(e.detail.value);
      setLargeText(on);
      this.setData({ largeText: on });
    },

    // 亲属关系 (recusal in appraisal scoring) lives in the appraisal subpackage.
    onOpenRelationships() {
      wx.navigateTo({ url: '/package-appraisal/relationships/index' });
    },

    async onToggle(key, value) {
      try {
        this.showSettings(await messages.saveSettings({ [key]: value }));
      } catch (err) {
        this.setData({ [`settings.${key}`]: !value });
      }
    },

    onToggleClockIn(e) {
      return this.onToggle('clock_in', Boolean(e.detail.value));
    },

    onToggleWechat(e) {
      return this.onToggle('wechat', Boolean(e.detail.value));
    },

    // Each tap asks for the next (up to) three templates: WeChat allows three per request.
    async onSubscribe() {
      const all = this.data.settings.templates || [];
      if (!all.length) return;
      const start = (this.data.subscribeRound * 3) % all.length;
      this.setData({ subscribeRound: this.data.subscribeRound + 1 });
      const done = await messages.requestSubscriptions('profile', all.slice(start, start + 3));
      if (done) await this.loadSettings();
    },

    onAskUnbind() {
      this.setData({ unbindVisible: true });
    },

    onCancelUnbind() {
      this.setData({ unbindVisible: false });
    },

    async onConfirmUnbind() {
      this.setData({ unbindVisible: false });
      try {
        await unbindWechat();
        wx.showToast({ title: '已解除绑定', icon: 'success' });
        wx.reLaunch({ url: LOGIN });
      } catch (err) {
        // toast shown by the request layer
      }
    },

    async onLogout() {
      try {
        await logout();
      } catch (err) {
        // signing out locally is enough when the server cannot be reached
      } finally {
        wx.reLaunch({ url: LOGIN });
      }
    },
  },
});
