// 亲属关系 (for recusal in appraisal scoring): the relationships I declared and those others
// declared naming me; declare one (the relative's employee number AND name, both must match) and
// revoke one I declared myself (the record stays). A relative never scores me, nor I them.
const sc = require('../../services/appraisal-scoring');
const { formatTime } = require('../../utils/format');
const { reloadOnPullDown, loadInPlace } = require('../../utils/page');

const BLANK = { employeeNo: '', name: '', kind: 'spouse', note: '' };

function rowView(r) {
  const rel = r.relative || {};
  return {
    id: r.id,
    who: `${rel.name || '（已不在册）'}${rel.employee_no ? `（${rel.employee_no}）` : ''}`,
    dept: rel.department_name || '',
    kind: `${r.kind_label}${r.note ? ` · ${r.note}` : ''}`,
    source: r.direction === 'named' ? `${r.declared_by || ''}登记时列出了您` : r.source_label,
    created: formatTime(r.created_at),
    active: r.active,
    revoked: r.active ? '' : `已于 ${formatTime(r.revoked_at)} 由${r.revoked_by || ''}撤销`,
    // only what I declared myself; HR's records and others' are theirs to revoke
    canRevoke: r.active && r.direction === 'declared' && r.source === 'self',
  };
}

Component({
  data: {
    loading: true,
    errorText: '',
    rows: [],
    activeCount: 0,
    kinds: sc.RELATION_KINDS,
    formOpen: false,
    form: BLANK,
    errors: {},
    formError: '',
    notice: '',
    noticeError: false,
    acting: false,
  },

  methods: {
    onLoad() {
      this.load();
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    load() {
      return loadInPlace(this, async () => {
        const rows = (await sc.fetchRelationships()).map(rowView);
        this.setData({ rows, activeCount: rows.filter((r) => r.active).length });
      }, sc.errorText);
    },

    onRetry() {
      this.load();
    },

    setNotice(text, error = false) {
      this.setData({ notice: text, noticeError: error });
    },

    onOpenForm() {
      this.setData({ formOpen: true, form: { ...BLANK }, errors: {}, formError: '' });
    },

    onCloseForm() {
      this.setData({ formOpen: false });
    },

    onField(e) {
      const { field } = e.currentTarget.dataset;
      this.setData({ [`form.${field}`]: (e.detail && e.detail.value) || '', [`errors.${field}`]: '', formError: '' });
    },

    async onSubmit() {
      const { form, acting } = this.data;
      if (acting) return;
      const errors = {};
      if (!form.employeeNo.trim()) errors.employeeNo = '请填写亲属的工号';
      if (!form.name.trim()) errors.name = '请填写亲属的姓名';
      if (Object.keys(errors).length) {
        this.setData({ errors });
        return;
      }
      this.setData({ acting: true, formError: '' });
      try {
        const row = await sc.declareRelationship(form);
        this.setData({ formOpen: false });
        this.setNotice(`已登记与${row.relative ? row.relative.name : ''}的${row.kind_label}；考核评分时你们将互相回避。`);
        await this.load();
      } catch (err) {
        const f = err.fields || {};
        this.setData({
          formError: sc.errorText(err),
          errors: { employeeNo: f.relative_employee_no || '', name: f.relative_name || '', kind: f.kind || '' },
        });
      } finally {
        this.setData({ acting: false });
      }
    },

    onRevoke(e) {
      const id = Number(e.currentTarget.dataset.id);
      const row = this.data.rows.find((r) => r.id === id);
      wx.showModal({
        title: '撤销这条亲属关系？',
        content: `${row ? `${row.who} · ${row.kind}` : ''}。撤销后记录仍保留；已生成的评分表不会改回。`,
        confirmText: '撤销',
        success: async (res) => {
          if (!res.confirm || this.data.acting) return;
          this.setData({ acting: true });
          try {
            await sc.revokeRelationship(id);
            this.setNotice('已撤销');
            await this.load();
          } catch (err) {
            this.setNotice(sc.errorText(err), true);
          } finally {
            this.setData({ acting: false });
          }
        },
      });
    },
  },
});
