// 我的: my record (masked phone and ID), unbind this WeChat, sign out.
const { fetchMe, unbindWechat } = require('../../services/me');
const { logout } = require('../../services/auth');
const { syncTabBar } = require('../../utils/tab-bar');
const { withLoading, reloadOnPullDown } = require('../../utils/page');

const LOGIN = '/pages/login/index';
const POST_KIND = { main: '主职', concurrent: '兼职', acting: '代理', secondment: '借调' };

Component({
  data: {
    loading: true,
    me: null,
    otherPosts: [],
    errorText: '',
    unbindVisible: false,
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
      });
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
