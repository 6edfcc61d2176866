// 评分表: one participant's items as I score them (GET /api/appraisal/sheets/{id}).
// - Quantitative items show the formula's score from the latest actual value, read-only; 调整
//   opens a score and a reason (at least `rule.override_min_chars` characters, shown to the
//   participant); 恢复公式得分 drops the adjustment.
// - Qualitative items: a score 0–100 and a justification, with the unit's rule shown beside the
//   box before anything is refused, and what the server still finds missing (entry.problems).
// - 保存草稿 (PUT with the sheet's version), 提交 (confirm, then read-only), per-item refusals
//   (422 fields "entries.<key>.<field>") shown beside the item; 申明回避 with a reason.
const sc = require('../../services/appraisal-scoring');
const { formatTime } = require('../../utils/format');
const { reloadOnPullDown, loadInPlace } = require('../../utils/page');

const SOURCE_LABELS = { owner: '本人填报', import: '人事导入', system: '业务系统推送' };
const THEME = { pending: 'warning', draft: 'primary', submitted: 'success', recused: 'default' };

function valueText(e) {
  if (e.kind !== 'quantitative') return '';
  if (e.actual_value === null || e.actual_value === undefined) return '尚无实际值';
  const meta = [e.value_reported_on, SOURCE_LABELS[e.value_source] || e.value_source].filter(Boolean).join(' · ');
  return `实际值 ${sc.numText(e.actual_value)}${e.unit_of_measure || ''}${meta ? `（${meta}）` : ''}`;
}

function ruleHint(rule) {
  if (!rule) return '';
  let t = `评分依据去掉套话后不少于 ${rule.min_chars} 个字`;
  if (rule.require_fact) t += '，并写明日期、带单位的数字或用《》“”标明的文件、活动';
  return `${t}。`;
}

Component({
  data: {
    loading: true,
    errorText: '',
    id: null,
    sheet: null,
    theme: 'default',
    submittedText: '',
    editable: false,
    forms: {}, // key → entryForm
    touched: {}, // key → true once edited since the last answer from the server
    refusals: {}, // key → ['message', ...] from the last refusal (local or 422)
    items: [],
    ruleHint: '',
    totalText: '',
    notice: '',
    noticeError: false,
    acting: false,
    recuseOpen: false,
    recuseReason: '',
    recuseError: '',
  },

  methods: {
    onLoad(query) {
      this.setData({ id: Number(query.id) });
      this.load();
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    load() {
      return loadInPlace(this, async () => {
        this.show(await sc.fetchSheet(this.data.id));
      }, sc.errorText);
    },

    onRetry() {
      this.load();
    },

    // Render a SheetOut; the forms start from what is stored.
    show(sheet) {
      const forms = {};
      sheet.items.forEach((e) => { forms[e.key] = sc.entryForm(e); });
      this.setData({
        sheet, forms, touched: {}, refusals: {}, editable: !!sheet.can.edit, theme: THEME[sheet.status] || 'default', submittedText: formatTime(sheet.submitted_at), ruleHint: ruleHint(sheet.rule),
      });
      this.compose();
      if (wx.setNavigationBarTitle) wx.setNavigationBarTitle({ title: `评分：${sheet.participant.name}` });
    },

    compose() {
      const { sheet, forms, touched, refusals, editable } = this.data;
      const min = sheet.rule.override_min_chars || 10;
      const items = sheet.items.map((e, n) => {
        const form = forms[e.key];
        const quantitative = e.kind === 'quantitative';
        return {
          key: e.key,
          index: n,
          title: e.title,
          quantitative,
          kindLabel: quantitative ? '定量' : '定性',
          weightText: sc.numText(e.weight),
          criteria: e.criteria,
          targetText: quantitative && e.target !== null && e.target !== undefined ? `${sc.numText(e.target)}${e.unit_of_measure || ''}` : '',
          formulaText: e.formula_text,
          valueText: valueText(e),
          hasAuto: e.auto_score !== null && e.auto_score !== undefined,
          autoText: sc.numText(e.auto_score),
          maxText: sc.numText(e.max_score),
          form,
          reasonLen: (form.override_reason || '').trim().length,
          reasonMin: min,
          scoreText: sc.numText(e.score),
          overridden: e.overridden,
          justification: e.justification,
          overrideReason: e.override_reason,
          // what the server found missing in the stored entry, until this item is edited again
          hints: editable && !touched[e.key] && !(refusals[e.key] || []).length ? (e.problems || []).map((p) => p.message) : [],
          refusals: refusals[e.key] || [],
        };
      });
      this.setData({ items, totalText: this.totalText() });
    },

    // The total as filled in now (Σ score × weight / 100), or how many items still lack a score.
    totalText() {
      const { sheet, forms } = this.data;
      if (!this.data.editable) return sheet.total !== null && sheet.total !== undefined ? `合计 ${sc.numText(sheet.total)} 分` : '';
      let sum = 0;
      let missing = 0;
      sheet.items.forEach((e) => {
        const f = forms[e.key];
        const s = e.kind === 'quantitative' && !f.adjusting ? e.auto_score : sc.parseScore(f.score);
        if (s === null || s === undefined || Number.isNaN(s)) missing += 1;
        else sum += s * Number(e.weight || 0);
      });
      return missing ? `还有 ${missing} 项未评分` : `按当前填写合计 ${sc.numText(sum / 100)} 分`;
    },

    setNotice(text, error = true) {
      this.setData({ notice: text, noticeError: error });
    },

    edit(key, patch) {
      const form = { ...this.data.forms[key], ...patch };
      this.setData({ [`forms.${key}`]: form, [`touched.${key}`]: true, [`refusals.${key}`]: [] });
      this.compose();
    },

    value(e) {
      return e.detail && e.detail.value !== undefined ? String(e.detail.value) : '';
    },

    onScore(e) {
      this.edit(e.currentTarget.dataset.key, { score: this.value(e) });
    },

    onJustification(e) {
      this.edit(e.currentTarget.dataset.key, { justification: this.value(e) });
    },

    onOverrideReason(e) {
      this.edit(e.currentTarget.dataset.key, { override_reason: this.value(e) });
    },

    onAdjust(e) {
      const { key } = e.currentTarget.dataset;
      const entry = this.data.sheet.items.find((i) => i.key === key);
      this.edit(key, { adjusting: true, score: sc.numText(entry.auto_score) });
    },

    onCancelAdjust(e) {
      this.edit(e.currentTarget.dataset.key, { adjusting: false, score: '', override_reason: '' });
    },

    // The entries to send, or null when the form itself can already say what is wrong.
    entries(submitting) {
      const { sheet, forms } = this.data;
      const refusals = {};
      sheet.items.forEach((e) => {
        const p = sc.localProblems(forms[e.key], e, sheet.rule, { submitting });
        if (p.length) refusals[e.key] = p;
      });
      const n = Object.keys(refusals).length;
      if (n) {
        this.setData({ refusals });
        this.compose();
        this.setNotice(`还有 ${n} 项需要修改，请看各项下方的说明`);
        return null;
      }
      return sheet.items.map((e) => sc.entryBody(forms[e.key]));
    },

    async onSave() {
      const entries = this.entries(false);
      if (!entries) return;
      await this.run(entries, async () => {
        const out = await sc.saveSheet(this.data.id, { version: this.data.sheet.version, entries });
        this.show(out);
        this.setNotice('草稿已保存', false);
      });
    },

    onSubmit() {
      const entries = this.entries(true);
      if (!entries) return;
      const { sheet } = this.data;
      wx.showModal({
        title: '提交评分？',
        content: `提交后对${sheet.participant.name}的评分表将锁定，不能再修改；评分和评分依据将在结果公示后向本人公开。`,
        confirmText: '提交',
        success: (res) => {
          if (!res.confirm) return;
          this.run(entries, async () => {
            const out = await sc.submitSheet(this.data.id, { version: this.data.sheet.version, entries });
            this.show(out);
            this.setNotice('评分已提交，评分表已锁定', false);
          });
        },
      });
    },

    // A write with the page's own error display: 422 refusals beside the items, a stale version
    // or a sheet submitted/recused meanwhile reloads.
    async run(entries, work) {
      if (this.data.acting) return;
      this.setData({ acting: true, notice: '' });
      try {
        await work();
      } catch (err) {
        this.setNotice(sc.errorText(err));
        if (err.status === 422 && err.fields) {
          this.setData({ refusals: sc.entryProblems(err.fields, entries.map((x) => x.key)) });
          this.compose();
        }
        if (['APPRAISAL_SHEET_STALE', 'APPRAISAL_SHEET_SUBMITTED', 'APPRAISAL_SHEET_RECUSED'].includes(err.code)) {
          try { this.show(await sc.fetchSheet(this.data.id)); } catch (e) { /* the notice stays */ }
        }
      } finally {
        this.setData({ acting: false });
      }
    },

    // ---- 回避 ----
    onOpenRecuse() {
      this.setData({ recuseOpen: true, recuseReason: '', recuseError: '' });
    },

    onCloseRecuse() {
      this.setData({ recuseOpen: false });
    },

    onRecuseReason(e) {
      this.setData({ recuseReason: this.value(e), recuseError: '' });
    },

    async onSubmitRecuse() {
      const reason = this.data.recuseReason.trim();
      if (reason.length < 4) {
        this.setData({ recuseError: '请写明回避理由（至少 4 个字），如“与被考核人为同学关系”' });
        return;
      }
      if (this.data.acting) return;
      this.setData({ acting: true, recuseError: '' });
      try {
        await sc.recuseSheet(this.data.id, reason);
        this.setData({ recuseOpen: false });
        this.setNotice('已申明回避：本表改由上一级领导评分，回避理由已记录。', false);
        try { this.show(await sc.fetchSheet(this.data.id)); } catch (e) { /* the notice stays */ }
      } catch (err) {
        this.setData({ recuseError: sc.errorText(err) });
      } finally {
        this.setData({ acting: false });
      }
    },
  },
});
