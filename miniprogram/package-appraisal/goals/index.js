// 我的目标: my cycles → the chosen cycle's current phase and my goal set. A draft (or a returned
// version) is edited here — items added, edited (goal-edit page), removed — with a live weight
// total; save, submit, resubmit, withdraw. A confirmed set is locked: the only way to change it is
// 申请变更 (a change request with a reason), while the confirmed version stays in force.
const apr = require('../../services/appraisal');
const { requestSubscriptions } = require('../../services/messages');
const { loadInPlace } = require('../../utils/page');

function view(items, problems = {}) {
  return items.map((i, n) => ({ ...apr.itemView(i, n), problems: problems[n] || [] }));
}

Component({
  data: {
    loading: true,
    errorText: '',
    cycles: [],
    cycleId: null,
    cycle: null, // my/cycles row of the chosen cycle
    phases: [],
    window: null, // goal_setting {state, opens_on, closes_on}
    gs: null,
    editable: false,
    locked: false,
    items: [],
    dirty: false,
    total: 0,
    totalOk: false,
    blocker: '',
    overall: [], // overall review comments of the current version
    notice: '',
    noticeError: false,
    acting: false,
    changeOpen: false,
    changeReason: '',
    reviewWaiting: 0,
  },

  methods: {
    onLoad(query) {
      this.setData({ cycleId: query && query.cycle_id ? Number(query.cycle_id) : null });
    },

    onShow() {
      this.load();
    },

    onPullDownRefresh() {
      apr.clearWorking();
      return this.load().then(() => wx.stopPullDownRefresh());
    },

    load() {
      return loadInPlace(this, async () => {
        const cycles = await apr.fetchMyCycles();
        let { cycleId } = this.data;
        if (!cycleId || !cycles.some((c) => c.id === cycleId)) cycleId = cycles.length ? cycles[0].id : null;
        this.setData({ cycles, cycleId });
        if (cycleId) await this.loadGoals();
        this.loadReviewCount();
      }, apr.errorText);
    },

    async loadGoals() {
      const { cycleId, cycles } = this.data;
      const cycle = cycles.find((c) => c.id === cycleId) || null;
      const data = await apr.fetchMyGoals(cycleId);
      this.show(data.goal_set, { cycle, window: data.goal_setting });
    },

    // Render a goal set (GoalSetOut); keep an unsaved working copy of the same version.
    show(gs, extra = {}, problems = {}) {
      const patch = { ...extra };
      if (extra.cycle) patch.phases = (extra.cycle.phases || []).map(apr.phaseView);
      if (!gs) {
        this.setData({ ...patch, gs: null, items: [], editable: false, locked: false, overall: [] });
        return;
      }
      const cur = gs.current || gs.confirmed;
      const editable = !!gs.can.edit;
      let items = cur ? cur.items : [];
      let dirty = false;
      if (editable) {
        const w = apr.getWorking(gs.id);
        if (w && w.dirty && w.version === gs.version) {
          ({ items } = w);
          dirty = true;
        } else {
          apr.setWorking(gs.id, gs.version, items);
        }
      }
      const total = apr.weightTotal(items);
      const blocker = editable ? apr.submitBlocker(items, gs.rules) : '';
      this.setData({
        ...patch,
        gs,
        editable,
        locked: gs.status === 'confirmed' && !gs.change_pending,
        items: view(items, problems),
        dirty,
        total,
        totalOk: Math.abs(total - 100) < 0.001,
        blocker: blocker || '',
        overall: ((cur && cur.comments) || []).map(apr.commentView),
      });
    },

    async loadReviewCount() {
      try {
        const env = await apr.fetchReviews('waiting', { pageSize: 1 });
        this.setData({ reviewWaiting: (env && env.total) || 0 });
      } catch (e) {
        // the review entry just stays hidden
      }
    },

    setNotice(text, error = true) {
      this.setData({ notice: text, noticeError: error });
    },

    onRetry() {
      this.load();
    },

    onPickCycle(e) {
      const id = Number(e.currentTarget.dataset.id);
      if (id === this.data.cycleId) return;
      apr.clearWorking();
      this.setData({ cycleId: id, notice: '' });
      this.load();
    },

    // ---- editing the draft ----
    onAdd() {
      const { gs } = this.data;
      if ((this.data.items || []).length >= gs.rules.max_items) {
        this.setNotice(`最多 ${gs.rules.max_items} 项目标`);
        return;
      }
      wx.navigateTo({ url: `/package-appraisal/goal-edit/index?goal_set_id=${gs.id}&index=-1` });
    },

    onEdit(e) {
      wx.navigateTo({ url: `/package-appraisal/goal-edit/index?goal_set_id=${this.data.gs.id}&index=${e.currentTarget.dataset.index}` });
    },

    onRemove(e) {
      const index = Number(e.currentTarget.dataset.index);
      const item = this.data.items[index];
      wx.showModal({
        title: '删除这项目标？',
        content: item.title || `第 ${index + 1} 项`,
        confirmText: '删除',
        success: (res) => {
          if (!res.confirm) return;
          const w = apr.getWorking(this.data.gs.id);
          const items = w.items.filter((_, n) => n !== index);
          apr.setWorking(this.data.gs.id, w.version, items, true);
          this.show(this.data.gs);
        },
      });
    },

    async saveIfDirty() {
      const { gs } = this.data;
      const w = apr.getWorking(gs.id);
      if (!w || !w.dirty) return gs;
      const out = await apr.saveDraft(gs.id, { items: w.items, version: gs.version });
      apr.setWorking(out.id, out.version, out.current ? out.current.items : []);
      this.show(out);
      return out;
    },

    async onSave() {
      await this.run(async () => {
        await this.saveIfDirty();
        this.setNotice('草稿已保存', false);
      });
    },

    async onSubmit() {
      if (this.data.blocker) { this.setNotice(this.data.blocker); return; }
      const resubmit = this.data.gs.status === 'returned' || (this.data.gs.current && this.data.gs.current.status === 'returned');
      await this.run(async () => {
        const saved = await this.saveIfDirty();
        const out = await apr.submitGoals(saved.id, { version: saved.version });
        apr.clearWorking();
        this.show(out);
        this.setNotice(resubmit ? '已重新提交，等待审核' : '已提交，等待部门负责人审核', false);
        // A natural moment to ask for the review result and the deadline reminders by WeChat
        // (≤ 3 templates, still inside the tap; never fails the submission).
        await requestSubscriptions('goals_submitted');
      });
    },

    onWithdraw() {
      wx.showModal({
        title: '撤回目标？',
        content: '撤回后可继续修改，修改完成后需重新提交审核。',
        confirmText: '撤回',
        success: (res) => {
          if (!res.confirm) return;
          this.run(async () => {
            const out = await apr.withdrawGoals(this.data.gs.id);
            apr.clearWorking();
            this.show(out);
            this.setNotice('已撤回', false);
          });
        },
      });
    },

    // ---- change request on a locked set ----
    onOpenChange() {
      this.setData({ changeOpen: true, changeReason: '' });
    },

    onCloseChange() {
      this.setData({ changeOpen: false });
    },

    onChangeReason(e) {
      this.setData({ changeReason: (e.detail && e.detail.value) || '' });
    },

    async onSubmitChange() {
      const reason = this.data.changeReason.trim();
      if (!reason) { this.setNotice('请填写变更原因'); return; }
      await this.run(async () => {
        const out = await apr.requestChange(this.data.gs.id, reason);
        apr.clearWorking();
        this.setData({ changeOpen: false });
        this.show(out);
        this.setNotice(`已生成变更草稿（第 ${out.current ? out.current.number : ''} 版），修改后提交审核；审核通过前，原已确认的目标继续有效。`, false);
      });
    },

    // ---- other pages ----
    onOpenHistory() {
      wx.navigateTo({ url: `/package-appraisal/history/index?goal_set_id=${this.data.gs.id}` });
    },

    onOpenProgress() {
      wx.navigateTo({ url: `/package-appraisal/progress/index?goal_set_id=${this.data.gs.id}` });
    },

    onOpenSelf() {
      wx.navigateTo({ url: `/package-appraisal/self-assessment/index?goal_set_id=${this.data.gs.id}` });
    },

    onOpenReviews() {
      wx.navigateTo({ url: '/package-appraisal/review/index' });
    },

    // A write with the page's own error display: 422 field errors on the items, 409s in words,
    // a stale version reloads.
    async run(work) {
      if (this.data.acting) return;
      this.setData({ acting: true, notice: '' });
      try {
        await work();
      } catch (err) {
        this.setNotice(apr.errorText(err));
        if (err.status === 422 && err.fields) {
          const problems = apr.itemProblems(err.fields);
          const w = apr.getWorking(this.data.gs.id);
          this.setData({ items: view(w ? w.items : [], problems) });
        }
        if (['APPRAISAL_GOALS_STALE', 'APPRAISAL_GOALS_LOCKED', 'APPRAISAL_GOALS_UNDER_REVIEW'].includes(err.code)) {
          apr.clearWorking();
          try { await this.loadGoals(); } catch (e) { /* the notice stays */ }
        }
      } finally {
        this.setData({ acting: false });
      }
    },
  },
});
