// 首页: who I am, summary cards (filled by later issues), and scan-to-sign-in for the console.
const { fetchHome } = require('../../services/home');
const { parseAdminLoginQr } = require('../../services/auth');
const { scanCode, toast } = require('../../utils/wechat');
const { syncTabBar } = require('../../utils/tab-bar');
const { fetchWaitingCount } = require('../../services/approvals');
const { fetchToday, clockText } = require('../../services/attendance');

// One line for the home card: 未打卡 / 已打卡 08:29 · 迟到 6 分钟 / 今天休息 ...
function attendanceText(today) {
  if (!today) return '';
  const st = (today.status && today.status.status) || '';
  const punches = today.punches || [];
  if (st === 'rest' || st === 'holiday') return today.day && today.day.name ? `今天${today.day.name}` : '今天休息';
  if (st === 'leave' || st === 'trip') return today.status.leave_name || (st === 'trip' ? '出差' : '请假');
  if (!punches.length) return '未打卡';
  const last = punches[punches.length - 1];
  let text = `已打卡 ${clockText(last.at).slice(0, 5)}`;
  if (st === 'late') text += ` · 迟到 ${today.status.late_minutes} 分钟`;
  if (last.review_status === 'pending') text += ' · 待复核';
  return text;
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
        if (me) this.loadWaitingCount();
        if (me) this.loadAttendance();
      } catch (err) {
        this.setData({ errorText: err.message });
      } finally {
        this.setData({ loading: false });
      }
    },

    // The approvals card opens the inbox; its count comes from /api/approvals/count after /api/home.
    onOpenApprovals() {
      wx.navigateTo({ url: '/pages/approvals/index' });
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

    // The attendance card: today's status from /api/attendance/today; a tap opens 打卡.
    onOpenAttendance() {
      wx.switchTab({ url: '/pages/attendance-clock/index' });
    },

    async loadAttendance() {
      try {
        const today = await fetchToday();
        const text = attendanceText(today);
        if (text) this.setData({ 'cards.attendance.text': text });
      } catch (e) {
        // the card keeps what /api/home said
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
