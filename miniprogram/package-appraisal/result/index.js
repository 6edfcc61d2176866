// 我的考核结果 (GET /api/appraisal/cycles/{id}/my-result): after publication, the total and grade,
// per rater sheet (peers anonymised by the server as 同事 A/B…) every item's score, its
// justification and any override of a formula score with its reason. During publication an
// objection (异议); a review (复核, 30 days from publication) and, after its decision, an appeal
// (申诉, 15 days) with a reason and photos of the material (wx.chooseMedia + upload), each with
// its progress and deadline in remaining days.
const apr = require('../../services/appraisal');
const sc = require('../../services/appraisal-scoring');
const { formatTime } = require('../../utils/format');
const { reloadOnPullDown, loadInPlace } = require('../../utils/page');

const REQUEST_THEME = { pending: 'warning', upheld: 'success', rejected: 'default', withdrawn: 'default' };
const REASON_MIN = 10;
const OBJECTION_MIN = 5;

function scoreText(v) {
  return v === null || v === undefined ? '—' : sc.numText(v);
}

function sheetView(s, n) {
  return {
    n,
    head: `${s.role_label} · ${s.rater} · 权重 ${sc.numText(s.weight)}%`,
    total: s.total !== null && s.total !== undefined ? `${sc.numText(s.total)} 分` : '',
    items: s.items.map((i) => ({
      key: i.key,
      title: i.title,
      kindLabel: i.kind === 'quantitative' ? '定量' : '定性',
      weight: sc.numText(i.weight),
      score: scoreText(i.score),
      // a formula score the rater changed: the formula's own score and the written reason
      adjusted: i.kind === 'quantitative' && !!i.override_reason,
      auto: scoreText(i.auto_score),
      justification: i.justification,
      overrideReason: i.override_reason,
    })),
  };
}

function requestView(r) {
  return {
    id: r.id,
    kind: r.kind,
    title: `${r.kind_label}申请`,
    status: r.status,
    statusLabel: r.status_label,
    theme: REQUEST_THEME[r.status] || 'default',
    filed: r.filed_on ? `${r.filed_on} 提出` : '',
    reason: r.reason,
    pending: r.status === 'pending',
    deadline: r.status === 'pending' ? `办理期限 ${r.due_on}（${sc.remainingText(r.remaining_days)}）` : '',
    overdue: r.overdue,
    decision: r.decision,
    adjusted: [r.adjusted_total !== null && r.adjusted_total !== undefined ? `总分调整为 ${sc.numText(r.adjusted_total)}` : '',
      r.adjusted_grade_label ? `等次调整为 ${r.adjusted_grade_label}` : ''].filter(Boolean).join('，'),
    decided: r.decided_on ? `${r.decided_by ? `${r.decided_by.name} ` : ''}${r.decided_on} 作出决定` : '',
    files: (r.attachments || []).map((a) => a.filename),
  };
}

function windowText(w, what) {
  if (!w) return '';
  return w.open ? `${what}期限至 ${w.ends_on}（${sc.remainingText(w.remaining_days)}）` : `${what}期限已于 ${w.ends_on} 届满`;
}

Component({
  data: {
    loading: true,
    errorText: '',
    cycles: [],
    cycleId: null,
    notPublished: false,
    result: null,
    headline: null,
    sheets: [],
    requests: [],
    objections: [],
    publicationText: '',
    reviewWindowText: '',
    appealWindowText: '',
    notice: '',
    noticeError: false,
    acting: false,
    // the objection form
    objectionText: '',
    objectionError: '',
    // the review / appeal form
    formOpen: false,
    formKind: '', // review | appeal | files (more material for a pending request)
    formTitle: '',
    formRequestId: null,
    reason: '',
    reasonLen: 0,
    reasonMin: REASON_MIN,
    photos: [],
    formError: '',
  },

  methods: {
    onLoad(query) {
      this.setData({ cycleId: query && query.cycle_id ? Number(query.cycle_id) : null });
      this.load();
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    load() {
      return loadInPlace(this, async () => {
        let { cycleId } = this.data;
        const cycles = await apr.fetchMyCycles();
        // a notice's link names the cycle; otherwise the latest one I take part in
        if (!cycleId) cycleId = cycles.length ? cycles[0].id : null;
        this.setData({ cycles, cycleId });
        if (cycleId) await this.loadResult();
      }, sc.errorText);
    },

    async loadResult() {
      const { cycleId } = this.data;
      let r;
      try {
        r = await sc.fetchMyResult(cycleId);
      } catch (err) {
        if (err.code === 'APPRAISAL_RESULTS_NOT_PUBLISHED') {
          this.setData({ notPublished: true, result: null, sheets: [], requests: [], objections: [] });
          return;
        }
        throw err;
      }
      const pub = r.publication || {};
      const adjusted = r.adjusted_total !== null && r.adjusted_total !== undefined;
      this.setData({
        notPublished: false,
        result: r,
        headline: {
          total: scoreText(adjusted ? r.adjusted_total : r.total),
          adjustedFrom: adjusted ? `复核/申诉后调整，原总分 ${scoreText(r.total)}` : '',
          grade: r.effective_grade_label || r.grade_label || '—',
          status: r.status_label,
          periodic: (r.periodic || []).map((p) => `${p.name}：${p.grade_label}`).join('；'),
        },
        publicationText: pub.state === 'publishing'
          ? `公示期 ${pub.published_on} 至 ${pub.ends_on}（${sc.remainingText(pub.remaining_days)}）`
          : pub.state === 'ended' ? `公示期 ${pub.published_on} 至 ${pub.ends_on}，已结束` : '',
        sheets: (r.sheets || []).map(sheetView),
        requests: (r.requests || []).map(requestView),
        reviewWindowText: windowText(r.review_window, '复核申请'),
        appealWindowText: windowText(r.appeal_window, '申诉'),
      });
      this.loadObjections(r.staff.id);
    },

    // My own objections (HR's list would hold others' too: only mine are shown here).
    async loadObjections(me) {
      try {
        const rows = await sc.fetchObjections(this.data.cycleId);
        this.setData({
          objections: rows.filter((o) => o.filed_by && o.filed_by.id === me).map((o) => ({
            id: o.id, text: o.text, status: o.status, statusLabel: o.status_label, answer: o.answer,
            answeredBy: o.answered_by ? o.answered_by.name : '', answeredAt: formatTime(o.answered_at),
          })),
        });
      } catch (e) {
        // the list stays empty; filing still works
      }
    },

    onRetry() {
      this.load();
    },

    onPickCycle(e) {
      const id = Number(e.currentTarget.dataset.id);
      if (id === this.data.cycleId) return;
      this.setData({ cycleId: id, notice: '' });
      this.load();
    },

    setNotice(text, error = false) {
      this.setData({ notice: text, noticeError: error });
    },

    // ---- objection during publication ----
    onObjectionText(e) {
      this.setData({ objectionText: (e.detail && e.detail.value) || '', objectionError: '' });
    },

    async onSubmitObjection() {
      const t = this.data.objectionText.trim();
      if (t.length < OBJECTION_MIN) {
        this.setData({ objectionError: `请写明异议的内容（至少 ${OBJECTION_MIN} 个字）` });
        return;
      }
      if (this.data.acting) return;
      this.setData({ acting: true, objectionError: '' });
      try {
        await sc.fileObjection(this.data.cycleId, t);
        this.setData({ objectionText: '' });
        this.setNotice('异议已提交，人事部门将书面答复');
        await this.loadObjections(this.data.result.staff.id);
      } catch (err) {
        this.setData({ objectionError: sc.errorText(err) });
      } finally {
        this.setData({ acting: false });
      }
    },

    // ---- review, appeal, more material ----
    openForm(kind, requestId = null) {
      const titles = { review: '申请复核', appeal: '提出申诉', files: '补充材料' };
      this.setData({ formOpen: true, formKind: kind, formTitle: titles[kind], formRequestId: requestId, reason: '', reasonLen: 0, photos: [], formError: '' });
    },

    onOpenReview() { this.openForm('review'); },

    onOpenAppeal() { this.openForm('appeal'); },

    onOpenFiles(e) { this.openForm('files', Number(e.currentTarget.dataset.id)); },

    onCloseForm() { this.setData({ formOpen: false }); },

    onReason(e) {
      const reason = (e.detail && e.detail.value) || '';
      this.setData({ reason, reasonLen: reason.trim().length, formError: '' });
    },

    async onAddPhotos() {
      const paths = await sc.choosePhotos(3 - this.data.photos.length);
      if (paths.length) this.setData({ photos: this.data.photos.concat(paths).slice(0, 3) });
    },

    onRemovePhoto(e) {
      const n = Number(e.currentTarget.dataset.index);
      this.setData({ photos: this.data.photos.filter((_, i) => i !== n) });
    },

    // The review decided (upheld or rejected) that an appeal answers.
    decidedReviewId() {
      const r = (this.data.result.requests || []).find((x) => x.kind === 'review' && (x.status === 'upheld' || x.status === 'rejected'));
      return r ? r.id : null;
    },

    async onSubmitForm() {
      const { formKind, reason, photos, acting, result } = this.data;
      if (acting) return;
      if (formKind !== 'files' && reason.trim().length < REASON_MIN) {
        this.setData({ formError: `请写明理由（至少 ${REASON_MIN} 个字，已写 ${reason.trim().length} 个字）` });
        return;
      }
      if (formKind === 'files' && !photos.length) {
        this.setData({ formError: '请先添加材料照片' });
        return;
      }
      this.setData({ acting: true, formError: '' });
      try {
        let requestId = this.data.formRequestId;
        if (formKind === 'review') requestId = (await sc.fileReview(result.id, reason)).id;
        if (formKind === 'appeal') requestId = (await sc.fileAppeal(this.decidedReviewId(), reason)).id;
        let failed = 0;
        for (const path of photos) {
          try {
            // one after another: a weak network handles one upload better than three at once
            await sc.uploadRequestFile(requestId, path); // eslint-disable-line no-await-in-loop
          } catch (e) {
            failed += 1;
          }
        }
        const done = { review: '复核申请已提交', appeal: '申诉已提交', files: '材料已上传' }[formKind];
        this.setData({ formOpen: false });
        this.setNotice(failed ? `${done}，但有 ${failed} 张材料照片上传失败，可在申请下方“补充材料”重新上传` : done, !!failed);
        await this.loadResult();
      } catch (err) {
        this.setData({ formError: sc.errorText(err) });
      } finally {
        this.setData({ acting: false });
      }
    },
  },
});
