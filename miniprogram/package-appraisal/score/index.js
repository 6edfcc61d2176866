// 考核评分 (for raters): the people I score in a cycle (GET /api/appraisal/my/sheets), with the
// role I score them in, its weight, the sheet's state and total; tapping one opens its sheet.
// Several cycles: a chooser. Recused sheets are not listed (they moved to another rater).
const sc = require('../../services/appraisal-scoring');
const { reloadOnPullDown, loadInPlace } = require('../../utils/page');

const THEME = { pending: 'warning', draft: 'primary', submitted: 'success', recused: 'default' };

function rowView(r) {
  return {
    id: r.id,
    cycleId: r.cycle ? r.cycle.id : null,
    who: `${r.participant.name}（${r.participant.employee_no}）`,
    dept: r.participant.department_name || '',
    role: `${r.role_label} · 权重 ${sc.numText(r.weight)}%`,
    status: r.status,
    statusLabel: r.status_label,
    theme: THEME[r.status] || 'default',
    total: r.total !== null && r.total !== undefined ? sc.numText(r.total) : '',
  };
}

Component({
  data: {
    loading: true,
    errorText: '',
    cycleId: null,
    cycles: [], // [{id, name}] seen in my sheets
    rows: [],
    counts: { todo: 0, submitted: 0 },
  },

  methods: {
    onLoad(query) {
      this.setData({ cycleId: query && query.cycle_id ? Number(query.cycle_id) : null });
    },

    onShow() {
      this.load();
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    load() {
      return loadInPlace(this, async () => {
        const all = await sc.fetchMySheets();
        const cycles = [];
        all.forEach((r) => {
          if (r.cycle && !cycles.some((c) => c.id === r.cycle.id)) cycles.push({ id: r.cycle.id, name: r.cycle.name });
        });
        let { cycleId } = this.data;
        if (!cycleId || !cycles.some((c) => c.id === cycleId)) cycleId = cycles.length ? cycles[0].id : null;
        const rows = all.filter((r) => !cycleId || (r.cycle && r.cycle.id === cycleId)).map(rowView);
        this.setData({
          cycles,
          cycleId,
          rows,
          counts: {
            todo: rows.filter((r) => r.status === 'pending' || r.status === 'draft').length,
            submitted: rows.filter((r) => r.status === 'submitted').length,
          },
        });
      }, sc.errorText);
    },

    onRetry() {
      this.load();
    },

    onPickCycle(e) {
      const id = Number(e.currentTarget.dataset.id);
      if (id === this.data.cycleId) return;
      this.setData({ cycleId: id });
      this.load();
    },

    onOpen(e) {
      wx.navigateTo({ url: `/package-appraisal/score-sheet/index?id=${e.currentTarget.dataset.id}` });
    },
  },
});
