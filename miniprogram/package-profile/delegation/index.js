// 委托审批 (出差期间): pick a colleague of my unit by name and a date range; my delegations given
// and received, with 撤销 for mine. API: /api/approvals/delegations, /api/me/colleagues.
const approvals = require('../../services/approvals');
const { searchColleagues, fetchMe } = require('../../services/me');
const { toast } = require('../../utils/wechat');
const { textSize } = require('../../utils/text-size');

function todayStr() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// One delegation as a row: who to whom, its state, whether I may revoke it.
function rowView(d, meId) {
  const given = d.delegator.id === meId;
  const today = todayStr();
  let stateLabel = '未开始';
  let theme = 'primary';
  if (d.revoked) { stateLabel = '已撤销'; theme = 'default'; } else if (d.active_today) { stateLabel = '生效中'; theme = 'success'; } else if (d.end < today) { stateLabel = '已结束'; theme = 'default'; }
  return {
    id: d.id,
    start: d.start,
    end: d.end,
    text: given ? `委托 ${d.delegate.name} 代我审批` : `${d.delegator.name} 委托我代为审批`,
    stateLabel,
    theme,
    canRevoke: given && !d.revoked && d.end >= today,
  };
}

Component({
  behaviors: [textSize],
  data: {
    loading: true,
    loadError: '',
    rows: [],
    query: '',
    candidates: [],
    searching: false,
    picked: null,
    start: '',
    end: '',
    today: '',
    picker: '',
    formError: '',
    saving: false,
  },

  methods: {
    onLoad(query = {}) {
      this.meId = Number(query.me) || null;
      this.searchSeq = 0;
      this.setData({ today: todayStr(), start: todayStr() });
      this.load();
    },

    async load() {
      this.setData({ loading: true, loadError: '' });
      try {
        const list = await approvals.fetchDelegations();
        if (!this.meId) {
          const me = await fetchMe();
          this.meId = me.id;
        }
        this.setData({ rows: (list || []).map((d) => rowView(d, this.meId)) });
      } catch (err) {
        this.setData({ loadError: err.message || '读取委托失败' });
      } finally {
        this.setData({ loading: false });
      }
    },

    // Search as the name is typed; only the latest answer is shown.
    async onQuery(e) {
      const query = String((e.detail && e.detail.value) || '').trim();
      this.setData({ query, picked: null, formError: '' });
      this.searchSeq += 1;
      const seq = this.searchSeq;
      if (!query) { this.setData({ candidates: [], searching: false }); return; }
      this.setData({ searching: true });
      try {
        const found = await searchColleagues(query);
        if (seq === this.searchSeq) this.setData({ candidates: found || [] });
      } catch (err) {
        if (seq === this.searchSeq) this.setData({ candidates: [], formError: err.message });
      } finally {
        if (seq === this.searchSeq) this.setData({ searching: false });
      }
    },

    onPick(e) {
      const picked = this.data.candidates[e.currentTarget.dataset.index];
      this.setData({ picked, candidates: [picked], formError: '' });
    },

    onOpenPicker(e) { this.setData({ picker: e.currentTarget.dataset.which }); },
    onClosePicker() { this.setData({ picker: '' }); },

    onDate(e) {
      const value = String(e.detail.value || '').slice(0, 10);
      const patch = { picker: '', [this.data.picker]: value, formError: '' };
      if (this.data.picker === 'start' && this.data.end && this.data.end < value) patch.end = value;
      this.setData(patch);
    },

    async onCreate() {
      const { picked, start, end, saving } = this.data;
      if (saving) return;
      if (!picked) { this.setData({ formError: '请先查找并选择受托人' }); return; }
      if (!start || !end) { this.setData({ formError: '请选择委托的开始和结束日期' }); return; }
      if (end < start) { this.setData({ formError: '结束日期不能早于开始日期' }); return; }
      this.setData({ saving: true, formError: '' });
      try {
        const made = await approvals.createDelegation({ delegateId: picked.id, start, end });
        const moved = (made.handed_over || []).length;
        toast(moved ? `已委托，${moved} 条待审批已转给${picked.name}` : `已委托给${picked.name}`);
        this.setData({ picked: null, query: '', candidates: [], end: '' });
        await this.load();
      } catch (err) {
        const fields = err.fields || {};
        this.setData({ formError: fields.end || fields.delegate_id || fields.start || err.message });
      } finally {
        this.setData({ saving: false });
      }
    },

    onRevoke(e) {
      const id = Number(e.currentTarget.dataset.id);
      wx.showModal({
        title: '撤销委托',
        content: '撤销后，尚未处理的审批将交还给您。',
        confirmText: '撤销',
        success: async (res) => {
          if (!(res && res.confirm)) return;
          try {
            const back = await approvals.revokeDelegation(id);
            const n = (back.handed_back || []).length;
            toast(n ? `已撤销，${n} 条审批已交还给您` : '已撤销');
          } catch (err) {
            // shown by the request layer
          }
          await this.load();
        },
      });
    },
  },
});
