// 填报进展: per item of the confirmed version, the current value (for a quantitative item the
// formula's score preview) and a report — percent (qualitative) or actual value (quantitative),
// a note, the date, evidence photos (wx.chooseMedia + wx.uploadFile). A value that came from an
// HR import or a business system is shown as such and cannot be overwritten here.
const apr = require('../../services/appraisal');
const { reloadOnPullDown, loadInPlace } = require('../../utils/page');

function itemView(i) {
  const cur = i.current;
  const value = !cur ? '' : i.kind === 'quantitative'
    ? `${apr.round2(cur.actual_value)}${i.unit_of_measure || ''}（目标 ${apr.round2(i.target)}${i.unit_of_measure || ''}${cur.score_preview !== null && cur.score_preview !== undefined ? `，预估得分 ${apr.round2(cur.score_preview)}` : ''}）`
    : `完成 ${apr.round2(cur.percent)}%`;
  return {
    ...i,
    value,
    source: cur ? `${cur.source_label}${cur.feed ? `（${cur.feed}）` : ''}${cur.batch ? `（批次 ${cur.batch}）` : ''} · ${cur.reported_on}` : '',
    note: cur ? cur.note : '',
  };
}

function rowView(r) {
  return {
    id: r.id,
    title: r.item_title,
    value: r.actual_value !== null && r.actual_value !== undefined ? `实际值 ${apr.round2(r.actual_value)}` : `完成 ${apr.round2(r.percent)}%`,
    meta: `${r.reported_on} · ${r.source_label}${r.recorded_by ? ` · ${r.recorded_by.name}` : ''}${r.feed ? ` · ${r.feed}` : ''}`,
    note: r.note,
    files: (r.attachments || []).length,
  };
}

Component({
  data: {
    loading: true,
    errorText: '',
    goalSetId: null,
    data: null,
    items: [],
    rows: [],
    phaseText: '',
    formOpen: false,
    form: { key: '', title: '', kind: '', reportedOn: '', value: '', note: '' },
    photos: [],
    formError: '',
    notice: '',
    noticeError: false,
    acting: false,
    pickerVisible: false,
  },

  methods: {
    onLoad(query) {
      this.setData({ goalSetId: Number(query.goal_set_id) });
      this.load();
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    load() {
      return loadInPlace(this, async () => {
        const d = await apr.fetchProgress(this.data.goalSetId);
        const p = d.phase;
        const phaseText = p.state === 'open' ? `过程跟踪 ${p.opens_on} 至 ${p.closes_on}`
          : p.state === 'not_started' ? `过程跟踪阶段 ${p.opens_on || ''} 开始` : '过程跟踪阶段已结束';
        this.setData({ data: d, items: d.items.map(itemView), rows: d.rows.map(rowView), phaseText });
      }, apr.errorText);
    },

    onRetry() { this.load(); },

    onOpenForm(e) {
      const item = this.data.items.find((i) => i.key === e.currentTarget.dataset.key);
      if (!item || !item.can_report) return;
      this.setData({
        formOpen: true,
        formError: '',
        photos: [],
        form: { key: item.key, title: item.title, kind: item.kind, unit: item.unit_of_measure, reportedOn: this.data.data.today, value: '', note: '' },
      });
    },

    onCloseForm() { this.setData({ formOpen: false }); },
    onField(e) { this.setData({ [`form.${e.currentTarget.dataset.field}`]: (e.detail && e.detail.value) || '' }); },
    onOpenPicker() { this.setData({ pickerVisible: true }); },
    onClosePicker() { this.setData({ pickerVisible: false }); },
    onDate(e) { this.setData({ pickerVisible: false, 'form.reportedOn': String(e.detail.value || '').slice(0, 10) }); },

    async onAddPhotos() {
      const paths = await apr.choosePhotos(3 - this.data.photos.length);
      if (paths.length) this.setData({ photos: this.data.photos.concat(paths).slice(0, 3) });
    },

    onRemovePhoto(e) {
      const n = Number(e.currentTarget.dataset.index);
      this.setData({ photos: this.data.photos.filter((_, i) => i !== n) });
    },

    async onSubmit() {
      const { form, photos, goalSetId, acting } = this.data;
      if (acting) return;
      const v = String(form.value).trim();
      if (v === '' || Number.isNaN(Number(v))) {
        this.setData({ formError: form.kind === 'quantitative' ? '请填写实际值' : '请填写完成百分比' });
        return;
      }
      if (form.kind !== 'quantitative' && (Number(v) < 0 || Number(v) > 100)) {
        this.setData({ formError: '完成百分比应在 0 至 100 之间' });
        return;
      }
      if (form.reportedOn > this.data.data.today) {
        this.setData({ formError: '进展日期不能晚于今天' });
        return;
      }
      this.setData({ acting: true, formError: '' });
      try {
        const row = await apr.reportProgress(goalSetId, {
          itemKey: form.key, reportedOn: form.reportedOn, note: form.note,
          ...(form.kind === 'quantitative' ? { actualValue: v } : { percent: v }),
        });
        let failed = 0;
        for (const path of photos) {
          try {
            // one after another: a weak network handles one upload better than three at once
            await apr.uploadProgressEvidence(row.id, path); // eslint-disable-line no-await-in-loop
          } catch (e) {
            failed += 1;
          }
        }
        this.setData({
          formOpen: false,
          notice: failed ? `进展已保存，但有 ${failed} 张佐证照片上传失败，请稍后重新填报时再附上` : '进展已保存',
          noticeError: !!failed,
        });
        await this.load();
      } catch (err) {
        this.setData({ formError: apr.errorText(err) });
        if (err.code === 'APPRAISAL_VALUE_LOCKED_BY_SOURCE') await this.load();
      } finally {
        this.setData({ acting: false });
      }
    },
  },
});
