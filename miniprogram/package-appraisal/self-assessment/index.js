// 个人自评: a summary per item of the confirmed goals (with evidence), saved as a draft and
// submitted once before the deadline (then locked).
const apr = require('../../services/appraisal');
const { loadInPlace } = require('../../utils/page');

Component({
  data: {
    loading: true,
    errorText: '',
    goalSetId: null,
    sa: null,
    items: [],
    summaries: {},
    dirty: false,
    phaseText: '',
    notice: '',
    noticeError: false,
    acting: false,
  },

  methods: {
    onLoad(query) {
      this.setData({ goalSetId: Number(query.goal_set_id) });
      this.load();
    },

    load() {
      return loadInPlace(this, async () => {
        this.show(await apr.fetchSelfAssessment(this.data.goalSetId));
      }, apr.errorText);
    },

    show(sa) {
      const summaries = {};
      sa.items.forEach((i) => { summaries[i.key] = i.summary || ''; });
      const p = sa.phase;
      this.setData({
        sa,
        items: sa.items.map((i) => ({ ...i, target: i.target === null ? '' : `${apr.round2(i.target)}${i.unit_of_measure || ''}`, files: (i.attachments || []).length })),
        summaries,
        dirty: false,
        phaseText: p.state === 'open' ? `自评 ${p.opens_on} 至 ${p.closes_on}，截止前提交一次，提交后不能修改`
          : p.state === 'not_started' ? `个人自评阶段 ${p.opens_on || ''} 开始` : '个人自评阶段已结束',
      });
    },

    onRetry() { this.load(); },

    onSummary(e) {
      this.setData({ [`summaries.${e.currentTarget.dataset.key}`]: (e.detail && e.detail.value) || '', dirty: true });
    },

    async onSave() {
      await this.run(async () => {
        this.show(await apr.saveSelfAssessment(this.data.goalSetId, this.data.summaries));
        this.setData({ notice: '自评草稿已保存', noticeError: false });
      });
    },

    onSubmit() {
      const empty = this.data.items.filter((i) => !String(this.data.summaries[i.key] || '').trim()).length;
      if (empty) {
        this.setData({ notice: `还有 ${empty} 项目标未填写自评`, noticeError: true });
        return;
      }
      wx.showModal({
        title: '提交自评？',
        content: '提交后不能再修改。',
        confirmText: '提交',
        success: (res) => {
          if (!res.confirm) return;
          this.run(async () => {
            if (this.data.dirty) await apr.saveSelfAssessment(this.data.goalSetId, this.data.summaries);
            this.show(await apr.submitSelfAssessment(this.data.goalSetId));
            this.setData({ notice: '自评已提交', noticeError: false });
          });
        },
      });
    },

    async onAddEvidence(e) {
      const { key } = e.currentTarget.dataset;
      const paths = await apr.choosePhotos(3);
      if (!paths.length) return;
      await this.run(async () => {
        for (const path of paths) await apr.uploadSelfEvidence(this.data.goalSetId, key, path); // eslint-disable-line no-await-in-loop
        const keep = this.data.summaries;
        const dirty = this.data.dirty;
        this.show(await apr.fetchSelfAssessment(this.data.goalSetId));
        this.setData({ summaries: keep, dirty, notice: '佐证材料已上传', noticeError: false });
      });
    },

    async run(work) {
      if (this.data.acting) return;
      this.setData({ acting: true, notice: '' });
      try {
        await work();
      } catch (err) {
        this.setData({ notice: apr.errorText(err), noticeError: true });
      } finally {
        this.setData({ acting: false });
      }
    },
  },
});
