// 我的申请: my leave requests (status, days) with shortcuts to apply for leave or overtime.
const leave = require('../../services/leave');
const { withLoading, reloadOnPullDown } = require('../../utils/page');

function decorate(r) {
  return {
    ...r,
    rangeText: leave.rangeText(r),
    daysText: leave.fmtDays(r.days),
    theme: leave.STATUS_THEME[r.status] || 'default',
  };
}

Component({
  data: { loading: true, rows: [], errorText: '' },

  methods: {
    onLoad() {},

    onShow() {
      this.load();
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    load() {
      return withLoading(this, async () => {
        const rows = await leave.fetchMyLeave();
        this.setData({ rows: (rows || []).map(decorate), errorText: '' });
      });
    },

    onOpen(e) {
      wx.navigateTo({ url: `/package-leave/detail/index?id=${e.currentTarget.dataset.id}` });
    },

    onApply() {
      wx.navigateTo({ url: '/package-leave/apply/index' });
    },

    onOvertime() {
      wx.navigateTo({ url: '/package-leave/overtime/index' });
    },
  },
});
