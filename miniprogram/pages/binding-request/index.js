// 绑定申请进度: the requests filed with this WeChat's ticket, refreshed while the page is open.
const session = require('../../utils/session');
const { formatTime, isPast } = require('../../utils/format');
const binding = require('../../services/binding');
const auth = require('../../services/auth');
const { textSize } = require('../../utils/text-size');

const POLL_SECONDS = 15;

function present(item, highlightId) {
  const status = binding.describeStatus(item.status);
  return {
    id: item.id,
    status: item.status,
    statusLabel: status.label,
    statusTheme: status.theme,
    conflictTitle: binding.describeConflict(item.conflict).title,
    createdText: formatTime(item.created_at),
    deadlineText: formatTime(item.deadline_at),
    overdue: item.status === 'open' && isPast(item.deadline_at),
    resolution: item.resolution || '',
    resolvedText: formatTime(item.resolved_at),
    steps: (item.steps || []).map((s) => ({ at: s.at, atText: formatTime(s.at), text: s.text })),
    highlight: String(item.id) === String(highlightId),
  };
}

Component({
  behaviors: [textSize],
  data: {
    loading: true,
    noTicket: false,
    requests: [],
    anyResolved: false,
    errorText: '',
    pollSeconds: POLL_SECONDS,
  },

  methods: {
    onLoad(query) {
      this.highlightId = (query && query.id) || '';
      this.refresh();
    },

    onShow() {
      this.startPolling();
    },

    onHide() {
      this.stopPolling();
    },

    onUnload() {
      this.stopPolling();
    },

    async onPullDownRefresh() {
      await this.refresh();
      wx.stopPullDownRefresh();
    },

    onRefresh() {
      this.refresh();
    },

    startPolling() {
      this.stopPolling();
      this.timer = setInterval(() => {
        if (this.data.requests.some((r) => r.status === 'open')) this.refresh({ quiet: true });
      }, POLL_SECONDS * 1000);
    },

    stopPolling() {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    },

    async refresh({ quiet = false } = {}) {
      const saved = session.getTicket();
      if (!saved) {
        this.setData({ loading: false, noTicket: true, requests: [] });
        return;
      }
      this.setData({ loading: true });
      try {
        const list = await binding.fetchBindingRequests(saved.ticket, { toast: !quiet });
        const requests = (list || [])
          .slice()
          .sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)))
          .map((item) => present(item, this.highlightId));
        this.setData({
          requests,
          anyResolved: requests.some((r) => r.status === 'resolved'),
          errorText: '',
        });
      } catch (err) {
        if (!this.data.requests.length) this.setData({ errorText: err.message });
      } finally {
        this.setData({ loading: false });
      }
    },

    // After an admin resolves the request, signing in again should find the binding.
    async onRelogin() {
      try {
        const data = await auth.loginWithWechat();
        if (data.status === 'bound') {
          wx.reLaunch({ url: '/pages/home/index' });
        } else {
          wx.showToast({ title: '还没有完成绑定，请稍后再试', icon: 'none' });
          this.refresh();
        }
      } catch (err) {
        // toast shown by the request layer
      }
    },
  },
});
