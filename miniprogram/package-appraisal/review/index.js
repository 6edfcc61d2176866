// 目标审核: goal sets waiting for my review (or reviewed by me), one row per approval; tap to
// open the set and decide with a comment per item.
const apr = require('../../services/appraisal');
const { formatTime } = require('../../utils/format');
const { reloadOnPullDown, loadInPlace } = require('../../utils/page');

const PAGE_SIZE = 20;

function rowView(r) {
  const v = r.review_version;
  const step = r.approval && (r.approval.steps || []).find((s) => s.state === 'current');
  return {
    id: r.id,
    key: `${r.id}-${v.id}`,
    who: `${r.owner.name}${r.department ? ` · ${r.department.name}` : ''}`,
    what: `${r.cycle.name} · ${v.kind_label}（第 ${v.number} 版）`,
    reason: v.reason,
    meta: `${r.item_count} 项，权重合计 ${apr.round2(r.weight_total)}${v.submitted_at ? ` · 提交于 ${formatTime(v.submitted_at)}` : ''}`,
    step: step ? `当前环节：${step.name}` : (r.approval ? r.approval.status_label : ''),
    change: v.kind === 'change',
  };
}

Component({
  data: {
    box: 'waiting',
    boxes: [{ value: 'waiting', label: '待我审核' }, { value: 'done', label: '我已审核' }],
    loading: true,
    errorText: '',
    rows: [],
    page: 1,
    total: 0,
    more: false,
  },

  methods: {
    onLoad(query) {
      if (query && query.box === 'done') this.setData({ box: 'done' });
    },

    onShow() {
      this.load();
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    onReachBottom() {
      if (this.data.more && !this.data.loading) this.load(this.data.page + 1);
    },

    load(page = 1) {
      return loadInPlace(this, async () => {
        const env = await apr.fetchReviews(this.data.box, { page, pageSize: PAGE_SIZE });
        const rows = (env.data || []).map(rowView);
        const all = page === 1 ? rows : this.data.rows.concat(rows);
        this.setData({ rows: all, page, total: env.total || 0, more: all.length < (env.total || 0) });
      }, apr.errorText);
    },

    onRetry() { this.load(); },
    onMore() { this.load(this.data.page + 1); },

    onBox(e) {
      const box = e.currentTarget.dataset.box;
      if (box === this.data.box) return;
      this.setData({ box, rows: [], more: false });
      this.load();
    },

    onOpen(e) {
      wx.navigateTo({ url: `/package-appraisal/review-detail/index?goal_set_id=${e.currentTarget.dataset.id}` });
    },
  },
});
