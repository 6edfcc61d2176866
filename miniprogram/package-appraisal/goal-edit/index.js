// 目标项: add or edit one item of my draft (quantitative: target, unit, data source, formula
// linear / capped / threshold; qualitative: criteria), with the weight total as it would be.
// Works on the draft's working copy (services/appraisal.js); 我的目标 saves it.
const apr = require('../../services/appraisal');
const { loadInPlace } = require('../../utils/page');

const BLANK = {
  key: null, title: '', description: '', kind: 'quantitative', target: '', unit_of_measure: '', data_source: '',
  formula: { type: 'linear', floor: '', cap: '', steps: [] }, criteria: '', weight: '', due_date: '', indicator_id: null,
};

function toForm(i) {
  const f = i.formula || {};
  const s = (v) => (v === null || v === undefined ? '' : String(v));
  return {
    key: i.key || null, title: i.title || '', description: i.description || '', kind: i.kind || 'quantitative',
    target: s(i.target), unit_of_measure: i.unit_of_measure || '', data_source: i.data_source || '',
    formula: { type: f.type || 'linear', floor: s(f.floor), cap: s(f.cap), steps: (f.steps || []).map((x) => ({ at: s(x.at), score: s(x.score) })) },
    criteria: i.criteria || '', weight: s(i.weight), due_date: i.due_date || '', indicator_id: i.indicator_id || null,
    comments: i.comments || [],
  };
}

Component({
  data: {
    loading: true,
    errorText: '',
    goalSetId: null,
    index: -1,
    form: BLANK,
    comments: [],
    others: 0,
    total: 0,
    formulaPreview: '',
    errors: {},
    kindOptions: apr.KIND_OPTIONS,
    formulaOptions: apr.FORMULA_OPTIONS,
    pickerVisible: false,
  },

  methods: {
    onLoad(query) {
      this.setData({ goalSetId: Number(query.goal_set_id), index: Number(query.index === undefined ? -1 : query.index) });
      this.load();
    },

    load() {
      return loadInPlace(this, async () => {
        let w = apr.getWorking(this.data.goalSetId);
        if (!w) {
          const gs = await apr.fetchGoalSet(this.data.goalSetId);
          if (!gs.can.edit) throw new Error('目标当前不能修改');
          w = apr.setWorking(gs.id, gs.version, gs.current ? gs.current.items : []);
        }
        const { index } = this.data;
        const existing = index >= 0 && index < w.items.length ? w.items[index] : null;
        const others = apr.weightTotal(w.items.filter((_, n) => n !== index));
        const form = existing ? toForm(existing) : { ...BLANK, formula: { ...BLANK.formula } };
        this.setData({
          form,
          comments: (form.comments || []).map(apr.commentView),
          others,
          index: existing ? index : -1,
        });
        this.refresh();
        wx.setNavigationBarTitle && wx.setNavigationBarTitle({ title: existing ? '编辑目标项' : '添加目标项' });
      }, apr.errorText);
    },

    onRetry() { this.load(); },

    refresh() {
      const { form, others } = this.data;
      this.setData({
        total: apr.round2(others + (Number(form.weight) || 0)),
        formulaPreview: form.kind === 'quantitative' ? apr.formulaText(apr.formulaBody(form.formula), form.target === '' ? null : form.target, form.unit_of_measure) : '',
      });
    },

    onField(e) {
      const { field } = e.currentTarget.dataset;
      const value = e.detail && e.detail.value !== undefined ? e.detail.value : '';
      this.setData({ [`form.${field}`]: value, [`errors.${field.split('.')[0]}`]: '' });
      this.refresh();
    },

    onStep(e) {
      const { index, part } = e.currentTarget.dataset;
      this.setData({ [`form.formula.steps[${index}].${part}`]: (e.detail && e.detail.value) || '' });
      this.refresh();
    },

    onAddStep() {
      const steps = this.data.form.formula.steps.concat([{ at: '', score: '' }]);
      this.setData({ 'form.formula.steps': steps });
    },

    onRemoveStep(e) {
      const n = Number(e.currentTarget.dataset.index);
      this.setData({ 'form.formula.steps': this.data.form.formula.steps.filter((_, i) => i !== n) });
      this.refresh();
    },

    onFormulaType(e) {
      const type = e.detail.value;
      const patch = { 'form.formula.type': type };
      if (type === 'threshold' && !this.data.form.formula.steps.length) patch['form.formula.steps'] = [{ at: '', score: '' }];
      this.setData(patch);
      this.refresh();
    },

    onOpenPicker() { this.setData({ pickerVisible: true }); },
    onClosePicker() { this.setData({ pickerVisible: false }); },
    onDue(e) { this.setData({ pickerVisible: false, 'form.due_date': String(e.detail.value || '').slice(0, 10) }); },
    onClearDue() { this.setData({ 'form.due_date': '' }); },

    validate(form) {
      const errors = {};
      const isNum = (v) => v !== '' && v !== null && v !== undefined && !Number.isNaN(Number(v));
      if (!form.title.trim()) errors.title = '请填写目标名称';
      if (!isNum(form.weight) || Number(form.weight) <= 0 || Number(form.weight) > 100) errors.weight = '权重应在 0 至 100 之间';
      if (form.kind === 'quantitative') {
        if (!isNum(form.target)) errors.target = '定量目标须填写目标值';
        if (form.formula.type === 'threshold') {
          const steps = form.formula.steps.filter((s) => isNum(s.at) && isNum(s.score));
          if (!steps.length) errors.formula = '阶梯至少填写一档（达到值和得分）';
        }
        if (form.formula.type === 'capped' && form.formula.cap !== '' && !(Number(form.formula.cap) >= 1 && Number(form.formula.cap) <= 5)) {
          errors.formula = '封顶系数应在 1 至 5 之间，如 1.2';
        }
      } else if (!form.criteria.trim()) {
        errors.criteria = '定性目标须填写完成标准';
      }
      // the due date's year is checked by the server (items.N.due_date, shown on 我的目标)
      return errors;
    },

    onOk() {
      const { form } = this.data;
      const errors = this.validate(form);
      if (Object.keys(errors).length) {
        this.setData({ errors });
        return;
      }
      const item = { ...apr.itemBody(form), comments: form.comments || [] };
      if (form.kind === 'quantitative') item.formula = apr.formulaBody(form.formula);
      apr.putWorkingItem(this.data.goalSetId, this.data.index, item);
      wx.navigateBack({ delta: 1 });
    },
  },
});
