// 目标历史: every version of my goal set as a timeline (who created it, when it was submitted and
// decided, through which step, the approval events with comments, the per-item comments), and
// for two chosen versions the field-level diff (added / removed / changed items, before → after).
const apr = require('../../services/appraisal');
const { formatTime } = require('../../utils/format');
const { loadInPlace } = require('../../utils/page');

const CHANGE = {
  added: { label: '新增', theme: 'success' },
  removed: { label: '删除', theme: 'danger' },
  changed: { label: '修改', theme: 'warning' },
  unchanged: { label: '未变', theme: 'default' },
};

function versionView(v) {
  const itemComments = [];
  (v.items || []).forEach((i) => (i.comments || []).forEach((c) => itemComments.push({ ...apr.commentView(c), title: i.title })));
  return {
    id: v.id,
    number: v.number,
    title: `第 ${v.number} 版 · ${v.kind_label}`,
    status: v.status,
    statusLabel: v.status_label,
    theme: apr.STATUS_THEME[v.status] || 'default',
    reason: v.reason,
    created: `${v.created_by ? v.created_by.name : ''} 创建于 ${formatTime(v.created_at)}${v.based_on_number ? `（基于第 ${v.based_on_number} 版）` : ''}`,
    submitted: v.submitted_at ? `提交于 ${formatTime(v.submitted_at)}` : '',
    decided: v.decided_at ? `${v.decided_by ? v.decided_by.name : ''}${v.decided_step ? `（${v.decided_step}）` : ''} ${v.status_label}于 ${formatTime(v.decided_at)}` : '',
    summary: `${v.item_count} 项，权重合计 ${apr.round2(v.weight_total)}`,
    events: (v.timeline || []).map((e, n) => ({
      id: n,
      text: `${e.actor ? e.actor.name : '系统'}${e.on_behalf_of ? `（代 ${e.on_behalf_of.name}）` : ''} ${e.action_label}${e.step_name ? ` · ${e.step_name}` : ''}`,
      comment: e.comment,
      time: formatTime(e.created_at),
    })),
    overall: (v.comments || []).map(apr.commentView),
    itemComments,
  };
}

function diffView(d) {
  return {
    title: `第 ${d.from.number} 版（${d.from.status_label}）→ 第 ${d.to.number} 版（${d.to.status_label}）`,
    summary: `新增 ${d.summary.added} 项，删除 ${d.summary.removed} 项，修改 ${d.summary.changed} 项，未变 ${d.summary.unchanged} 项`,
    items: d.items.map((i) => ({
      key: i.key,
      title: i.title,
      change: i.change,
      label: CHANGE[i.change].label,
      theme: CHANGE[i.change].theme,
      fields: i.fields.map((f) => ({
        field: f.field,
        label: f.label,
        before: apr.diffValue(f.before),
        after: apr.diffValue(f.after),
      })),
    })),
  };
}

Component({
  data: {
    loading: true,
    errorText: '',
    goalSetId: null,
    head: '',
    versions: [],
    numbers: [],
    from: null,
    to: null,
    diff: null,
    diffError: '',
    diffLoading: false,
  },

  methods: {
    onLoad(query) {
      this.setData({ goalSetId: Number(query.goal_set_id) });
      this.load();
    },

    load() {
      return loadInPlace(this, async () => {
        const h = await apr.fetchHistory(this.data.goalSetId);
        const versions = h.versions.map((v) => versionView({ ...v, comments: v.comments }));
        const numbers = h.versions.map((v) => v.number);
        const n = numbers.length;
        this.setData({
          head: `${h.owner.name} · ${h.cycle.name}`,
          versions: versions.slice().reverse(),
          numbers,
          from: n >= 2 ? numbers[n - 2] : null,
          to: n >= 2 ? numbers[n - 1] : null,
        });
        if (n >= 2) await this.loadDiff();
      }, apr.errorText);
    },

    onRetry() { this.load(); },

    onPick(e) {
      const { which, number } = e.currentTarget.dataset;
      this.setData({ [which]: Number(number), diff: null, diffError: '' });
    },

    async loadDiff() {
      const { from, to, goalSetId } = this.data;
      if (from === null || to === null) return;
      if (from === to) { this.setData({ diffError: '请选择两个不同的版本', diff: null }); return; }
      this.setData({ diffLoading: true, diffError: '' });
      try {
        const d = await apr.fetchDiff(goalSetId, from, to);
        this.setData({ diff: diffView(d) });
      } catch (err) {
        this.setData({ diffError: apr.errorText(err) });
      } finally {
        this.setData({ diffLoading: false });
      }
    },

    onCompare() {
      return this.loadDiff();
    },
  },
});
