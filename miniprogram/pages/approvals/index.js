// 审批: 待我审批 / 我已审批 / 抄送我. Approve in one tap, reject with a reason, batch approve in
// checkbox mode. When someone else got there first (409) the page says so and refreshes. Lists load
// 20 at a time and the next page on scrolling to the bottom; chips filter by kind (请假, 加班 ...);
// the search bar finds an applicant by name or a request by its title (debounced, within the box).
const { syncTabBar } = require('../../utils/tab-bar');
const approvals = require('../../services/approvals');
const { formatTime } = require('../../utils/format');
const { toast } = require('../../utils/wechat');
const { withLoading, reloadOnPullDown } = require('../../utils/page');
const { textSize } = require('../../utils/text-size');
const { searchMethods, loadNextPage, unseen } = require('../../utils/list');

const PAGE_SIZE = 20;

// 补请假 (leave filed after its start) shows as a badge; the server's summary also starts with
// 【补请假】, dropped here so it is not said twice.
const BACKDATED_PREFIX = '【补请假】';

function decorate(i) {
  const backdated = i.kind === 'leave' && Boolean(i.context && i.context.backdated);
  return {
    ...i,
    backdated,
    summary: backdated && (i.summary || '').startsWith(BACKDATED_PREFIX) ? i.summary.slice(BACKDATED_PREFIX.length) : i.summary,
    time: formatTime(i.created_at),
    theme: approvals.STATUS_THEME[i.status] || 'default',
    who: i.applicant ? i.applicant.name : '',
  };
}

Component({
  behaviors: [textSize],
  data: {
    boxes: approvals.BOXES,
    kinds: approvals.KIND_FILTERS,
    box: 'waiting',
    kind: '',
    q: '',        // what the search bar holds
    searched: '', // what the rows shown were searched for
    loading: true,
    rows: [],
    total: 0,
    page: 1,
    more: false,
    loadingMore: false,
    moreError: '',
    notice: '',
    batchMode: false,
    selected: [],
    rejecting: null, // the row being rejected
    rejectReason: '',
    acting: false,
  },

  methods: {
    // A tab page: it gets no query when opened by switchTab; a box can still be chosen by a link.
    onLoad(query) {
      if (query && query.box) this.setData({ box: query.box });
    },

    onShow() {
      syncTabBar(this);
      this.load();
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    // A failure is shown by the request layer.
    // The first page again (after a tab, a filter, an action); a late answer for an older
    // box or filter is dropped.
    load() {
      this.seq = (this.seq || 0) + 1;
      const seq = this.seq;
      return withLoading(this, async () => {
        const q = this.data.q.trim();
        const body = await approvals.fetchBoxPage(this.data.box, { page: 1, pageSize: PAGE_SIZE, kind: this.data.kind, q });
        if (seq !== this.seq) return;
        const rows = (body && body.data) || [];
        const ids = rows.map((r) => r.id);
        this.setData({
          rows: rows.map(decorate),
          searched: q,
          total: body.total || rows.length,
          page: 1,
          more: rows.length < (body.total || 0),
          moreError: '',
          selected: this.data.selected.filter((id) => ids.includes(id)),
        });
      }, { quiet: true });
    },

    // Scrolled to the bottom: the next page, one request at a time; a failure offers 重试.
    async onReachBottom() {
      if (!this.data.more || this.data.loadingMore || this.data.loading) return;
      await loadNextPage(this, (page) => approvals.fetchBoxPage(this.data.box, { page, pageSize: PAGE_SIZE, kind: this.data.kind, q: this.data.searched, toast: false }), (body, page) => {
        const rows = this.data.rows.concat(unseen(this.data.rows, body).map(decorate));
        this.setData({ rows, page, total: body.total || rows.length, more: rows.length < (body.total || 0) });
      });
    },

    onTabChange(e) {
      this.setData({ box: e.detail.value, rows: [], notice: '', batchMode: false, selected: [] });
      this.load();
    },

    onKindChange(e) {
      const kind = e.currentTarget.dataset.kind || '';
      if (kind === this.data.kind) return;
      this.setData({ kind, rows: [], notice: '', selected: [] });
      this.load();
    },

    // The search bar (utils/list): a new search starts from an empty list, no notice, nothing selected.
    ...searchMethods(() => ({ rows: [], notice: '', selected: [] })),

    onHide() {
      this.stopSearch();
    },

    onUnload() {
      this.stopSearch();
    },

    onOpenDelegation() {
      wx.navigateTo({ url: '/package-profile/delegation/index' });
    },

    onOpen(e) {
      wx.navigateTo({ url: `/pages/approvals/detail/index?id=${e.currentTarget.dataset.id}` });
    },

    // After a conflict: plain words, then the list as it is now.
    async explain(err) {
      const words = approvals.describeActError(err);
      if (words) this.setData({ notice: words });
      await this.load();
    },

    async onApprove(e) {
      if (this.data.acting) return;
      const row = this.data.rows.find((r) => r.id === Number(e.currentTarget.dataset.id));
      if (!row) return;
      this.setData({ acting: true, notice: '' });
      try {
        await approvals.act(row.id, { action: 'approve', version: row.version });
        wx.showToast({ title: '已同意', icon: 'success' });
        await this.load();
      } catch (err) {
        await this.explain(err);
      } finally {
        this.setData({ acting: false });
      }
    },

    onStartReject(e) {
      const row = this.data.rows.find((r) => r.id === Number(e.currentTarget.dataset.id));
      this.setData({ rejecting: row || null, rejectReason: '' });
    },

    onCancelReject() {
      this.setData({ rejecting: null, rejectReason: '' });
    },

    onPopupChange(e) {
      if (!e.detail.visible) this.onCancelReject();
    },

    onReasonChange(e) {
      this.setData({ rejectReason: (e.detail && e.detail.value) || '' });
    },

    async onConfirmReject() {
      const row = this.data.rejecting;
      const reason = this.data.rejectReason.trim();
      if (!row || this.data.acting) return;
      if (!reason) { toast('驳回时请填写原因'); return; }
      this.setData({ acting: true, notice: '' });
      try {
        await approvals.act(row.id, { action: 'reject', comment: reason, version: row.version });
        this.setData({ rejecting: null, rejectReason: '' });
        wx.showToast({ title: '已驳回', icon: 'success' });
        await this.load();
      } catch (err) {
        this.setData({ rejecting: null });
        await this.explain(err);
      } finally {
        this.setData({ acting: false });
      }
    },

    onToggleBatch() {
      this.setData({ batchMode: !this.data.batchMode, selected: [] });
    },

    onSelectChange(e) {
      this.setData({ selected: (e.detail.value || []).map(Number) });
    },

    onSelectAll() {
      const all = this.data.rows.map((r) => r.id);
      this.setData({ selected: this.data.selected.length === all.length ? [] : all });
    },

    async onBatchApprove() {
      const ids = this.data.selected;
      if (!ids.length) { toast('请先勾选要同意的申请'); return; }
      if (this.data.acting) return;
      this.setData({ acting: true, notice: '' });
      try {
        const results = await approvals.batchApprove(ids);
        const okCount = results.filter((r) => r.ok).length;
        const failed = results.filter((r) => !r.ok);
        let notice = `已同意 ${okCount} 条`;
        if (failed.length) {
          const why = failed.map((r) => (r.code === 'APPROVAL_ALREADY_ACTED' ? '已由他人处理' : r.message));
          notice += `；${failed.length} 条未处理（${[...new Set(why)].join('、')}）`;
        }
        this.setData({ notice, batchMode: false, selected: [] });
        await this.load();
      } catch (err) {
        // shown by the request layer
      } finally {
        this.setData({ acting: false });
      }
    },
  },
});
