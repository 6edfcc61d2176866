// 首页: who I am, summary cards (filled by later issues), and scan-to-sign-in for the console.
const { fetchHome } = require('../../services/home');
const { parseAdminLoginQr } = require('../../services/auth');
const { scanCode, toast } = require('../../utils/wechat');
const { syncTabBar, setUnreadBadge } = require('../../utils/tab-bar');
const { fetchWaitingCount } = require('../../services/approvals');
const { clockText } = require('../../services/attendance');
const { withLoading, reloadOnPullDown } = require('../../utils/page');

// The attendance card from /api/home ({status, text, punches, last_at}) as one line:
// 未打卡 / 已打卡 08:36 · 迟到 6 分钟 / 休息日 / 年休假 ...
function attendanceText(card) {
  if (!card) return '';
  if (card.punches && card.last_at) {
    const extra = ['normal', 'pending'].includes(card.status) || !card.text ? '' : ` · ${card.text}`;
    return `已打卡 ${clockText(card.last_at).slice(0, 5)}${extra}`;
  }
  if (['pending', 'missing', 'absent'].includes(card.status)) return '未打卡';
  return card.text || '';
}

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

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    load() {
      return withLoading(this, async () => {
        const data = await fetchHome();
        const me = data.me || null;
        const cards = { ...EMPTY_CARDS, ...(data.cards || {}) };
        cards.attendance = { ...cards.attendance, text: attendanceText(cards.attendance) };
        this.setData({
          me,
          initial: me && me.name ? me.name.slice(-1) : '',
          cards,
          errorText: '',
        });
        setUnreadBadge(cards.messages.unread || 0);
        if (me) this.loadWaitingCount();
      });
    },

    // The approvals card opens the inbox; its count comes from /api/approvals/count after /api/home.
    onOpenApprovals() {
      wx.switchTab({ url: '/pages/approvals/index' });
    },

    onOpenLink(e) {
      wx.navigateTo({ url: e.currentTarget.dataset.url });
    },

    async loadWaitingCount() {
      try {
        const data = await fetchWaitingCount();
        if (data && typeof data.waiting === 'number') this.setData({ 'cards.approvals.waiting': data.waiting });
      } catch (e) {
        // the card keeps what /api/home said
      }
    },

    // The messages card opens the inbox.
    onOpenMessages() {
      wx.navigateTo({ url: '/pages/messages/index' });
    },

    // The attendance card opens 打卡.
    onOpenAttendance() {
      wx.switchTab({ url: '/pages/attendance-clock/index' });
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
