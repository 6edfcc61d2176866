// 我的申请: my leave requests (status, days) with shortcuts to apply for leave or overtime; 20 at a
// time, the next page on scrolling to the bottom, chips filter by status (已退回 → 修改后重新提交);
// a request filed after its start date carries a 补请假 badge (the API's `backdated`).
const leave = require('../../services/leave');
const { withLoading, reloadOnPullDown } = require('../../utils/page');
const { textSize } = require('../../utils/text-size');
const { loadNextPage, unseen } = require('../../utils/list');

const PAGE_SIZE = 20;

function decorate(r) {
  return {
    ...r,
    rangeText: leave.rangeText(r),
    daysText: leave.fmtDays(r.days),
    theme: leave.STATUS_THEME[r.status] || 'default',
  };
}

Component({
  behaviors: [textSize],
  data: {
    loading: true, rows: [], errorText: '', statuses: leave.STATUS_FILTERS, status: '',
    page: 1, total: 0, more: false, loadingMore: false, moreError: '',
  },

  methods: {
    onLoad() {},

    onShow() {
      this.load();
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    load() {
      this.seq = (this.seq || 0) + 1;
      const seq = this.seq;
      return withLoading(this, async () => {
        const body = await leave.fetchMyLeavePage({ page: 1, pageSize: PAGE_SIZE, status: this.data.status });
        if (seq !== this.seq) return;
        const rows = (body && body.data) || [];
        this.setData({ rows: rows.map(decorate), page: 1, total: body.total || 0, more: rows.length < (body.total || 0), moreError: '', errorText: '' });
      });
    },

    async onReachBottom() {
      if (!this.data.more || this.data.loadingMore || this.data.loading) return;
      await loadNextPage(this, (page) => leave.fetchMyLeavePage({ page, pageSize: PAGE_SIZE, status: this.data.status, toast: false }), (body, page) => {
        const rows = this.data.rows.concat(unseen(this.data.rows, body).map(decorate));
        this.setData({ rows, page, total: body.total || 0, more: rows.length < (body.total || 0) });
      });
    },

    onStatusChange(e) {
      const status = e.currentTarget.dataset.status || '';
      if (status === this.data.status) return;
      this.setData({ status, rows: [] });
      this.load();
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
