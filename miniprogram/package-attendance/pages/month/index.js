// 我的考勤月历: each day's status with a legend and a month switcher; tapping a day shows its
// details and, for a working day that is not in order, a 补卡 (make-up) request form. The
// backend checks the monthly limit and the deadline; their errors are shown in plain words.
// With ?resubmit=<id> (or a tap on a returned request in 我的补卡申请) it is also the 退回修改
// screen: the returned request filled in and editable (day, time, reason) under the approver's
// comment, and 重新提交 sends the changes (POST /api/attendance/makeups/{id}/resubmit).
const att = require('../../../services/attendance');
const approvals = require('../../../services/approvals');
const { textSize } = require('../../../utils/text-size');

const WEEK = ['一', '二', '三', '四', '五', '六', '日'];
const FIXABLE = ['late', 'early', 'late_early', 'missing', 'absent'];
const MAKEUP_STATUS = {
  pending: { label: '审批中', theme: 'warning' }, approved: { label: '已通过', theme: 'success' },
  rejected: { label: '未通过', theme: 'danger' }, withdrawn: { label: '已撤回', theme: 'default' },
  returned: { label: '已退回', theme: 'default' },
};

function makeupRow(r) {
  const st = MAKEUP_STATUS[r.status] || { label: r.status, theme: 'default' };
  return {
    id: r.id, day: r.day, time: att.clockText(r.at).slice(0, 5), reason: r.reason, label: st.label, theme: st.theme,
    status: r.status, returned: r.status === 'returned',
  };
}

function monthOf(date) {
  const d = new Date(date.getTime() + 8 * 3600 * 1000); // Beijing calendar month
  return `${d.getUTCFullYear()}-${att.pad(d.getUTCMonth() + 1)}`;
}

function shiftMonth(month, delta) {
  const [y, m] = month.split('-').map(Number);
  const idx = y * 12 + (m - 1) + delta;
  return `${Math.floor(idx / 12)}-${att.pad((idx % 12) + 1)}`;
}

// Rows of 7 cells, Monday first; blanks before the 1st.
function buildWeeks(days) {
  const cells = [];
  if (days.length) {
    const [y, m, d] = days[0].date.split('-').map(Number);
    const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
    for (let i = 0; i < weekday; i += 1) cells.push({ key: `b${i}`, blank: true });
  }
  days.forEach((day) => {
    const badge = att.dayBadge(day);
    cells.push({
      key: day.date,
      date: day.date,
      num: Number(day.date.slice(8)),
      cls: badge.cls,
      text: badge.text,
      makeup: day.kind === 'makeup_workday',
    });
  });
  while (cells.length % 7) cells.push({ key: `a${cells.length}`, blank: true });
  const weeks = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push({ key: `w${i}`, cells: cells.slice(i, i + 7) });
  return weeks;
}

function totalsText(t) {
  if (!t) return [];
  const leave = Object.values(t.leave_days || {}).reduce((a, b) => a + b, 0);
  return [
    { key: 'worked', label: '出勤', value: `${t.days_worked} 天` },
    { key: 'late', label: '迟到', value: `${t.late_count} 次` },
    { key: 'early', label: '早退', value: `${t.early_count} 次` },
    { key: 'missing', label: '缺卡', value: `${t.missing_punches} 次` },
    { key: 'absent', label: '旷工', value: `${t.absences} 天` },
    { key: 'leave', label: '请假', value: `${leave} 天` },
  ];
}

Component({
  behaviors: [textSize],
  data: {
    month: '',
    monthText: '',
    week: WEEK,
    weeks: [],
    legend: att.LEGEND,
    totals: [],
    warnings: [],
    loading: true,
    errorText: '',
    detail: null,        // the tapped day
    showDetail: false,
    makeupOpen: false,
    makeupTime: '',
    makeupReason: '',
    makeupError: '',
    makeupDone: '',
    makeups: [],
    // 退回修改: {id, approvalId, day, time, reason, note: {who, comment, time} | null,
    // notReturned, error, submitting}
    resubmit: null,
  },

  methods: {
    onLoad(query) {
      const resubmitId = Number(query && query.resubmit) || null;
      if (resubmitId) {
        if (wx.setNavigationBarTitle) wx.setNavigationBarTitle({ title: '修改后重新提交' });
        this.startResubmit(resubmitId);
        return;
      }
      this.load((query && query.month) || monthOf(new Date()));
      this.loadMakeups();
    },

    // 退回修改: the returned request (from my list), its month on the calendar, the return comment.
    async startResubmit(id) {
      this.setData({ resubmit: { id, approvalId: null, day: '', time: '', reason: '', note: null, notReturned: false, error: '', submitting: false } });
      let rows = [];
      try {
        rows = (await att.fetchMakeups()) || [];
      } catch (e) {
        this.setData({ 'resubmit.error': (e && e.message) || '加载失败' });
        if (!this.data.month) this.load(monthOf(new Date()));
        return;
      }
      this.setData({ makeups: rows.slice(0, 20).map(makeupRow) });
      const r = rows.find((m) => m.id === id);
      if (!r) {
        this.setData({ 'resubmit.notReturned': true });
        if (!this.data.month) this.load(monthOf(new Date()));
        return;
      }
      const month = r.day.slice(0, 7);
      if (month !== this.data.month) this.load(month);
      this.setData({
        'resubmit.approvalId': r.approval_id,
        'resubmit.day': r.day,
        'resubmit.time': att.clockText(r.at).slice(0, 5),
        'resubmit.reason': r.reason || '',
        'resubmit.notReturned': r.status !== 'returned',
      });
      if (r.approval_id) {
        try {
          const inst = await approvals.fetchApproval(r.approval_id);
          this.setData({ 'resubmit.note': approvals.returnNote(inst) });
        } catch (e) {
          // the comment is a help; the form works without it
        }
      }
    },

    onTapMakeup(e) {
      const row = this.data.makeups.find((m) => m.id === Number(e.currentTarget.dataset.id));
      if (row && row.returned) this.startResubmit(row.id);
    },

    onResubmitDay(e) {
      this.setData({ 'resubmit.day': (e.detail && e.detail.value) || '', 'resubmit.error': '' });
    },

    onResubmitTime(e) {
      this.setData({ 'resubmit.time': (e.detail && e.detail.value) || '', 'resubmit.error': '' });
    },

    onResubmitReason(e) {
      this.setData({ 'resubmit.reason': (e.detail && e.detail.value) || '', 'resubmit.error': '' });
    },

    onCancelResubmit() {
      this.setData({ resubmit: null });
    },

    async onSubmitResubmit() {
      const rs = this.data.resubmit;
      if (!rs || rs.submitting || rs.notReturned || rs.done) return;
      const time = (rs.time || '').trim();
      const reason = (rs.reason || '').trim();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(rs.day || '')) {
        this.setData({ 'resubmit.error': '请选择补卡日期' });
        return;
      }
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
        this.setData({ 'resubmit.error': '请填写补卡时间，如 08:30' });
        return;
      }
      if (!reason) {
        this.setData({ 'resubmit.error': '请填写补卡事由' });
        return;
      }
      this.setData({ 'resubmit.submitting': true, 'resubmit.error': '' });
      try {
        const r = await att.resubmitMakeup(rs.id, { day: rs.day, time, reason });
        this.setData({ 'resubmit.done': true }); // on its way to the approval: nothing twice
        wx.showToast({ title: '已重新提交', icon: 'success' });
        wx.redirectTo({ url: `/pages/approvals/detail/index?id=${(r && r.approval_id) || rs.approvalId}` });
      } catch (err) {
        this.setData({ 'resubmit.error': att.makeupErrorText(err) });
      } finally {
        if (this.data.resubmit) this.setData({ 'resubmit.submitting': false });
      }
    },

    async loadMakeups() {
      try {
        const rows = await att.fetchMakeups();
        this.setData({ makeups: (rows || []).slice(0, 20).map(makeupRow) });
      } catch (e) {
        // the list is a convenience; the calendar still works
      }
    },

    async onPullDownRefresh() {
      await this.load(this.data.month);
      wx.stopPullDownRefresh();
    },

    async load(month) {
      this.setData({ month, monthText: `${month.slice(0, 4)}年${Number(month.slice(5))}月`, loading: true, errorText: '' });
      try {
        const data = await att.fetchMonth(month);
        if (this.data.month !== month) return; // switched again meanwhile
        this.days = data.days || [];
        this.setData({ weeks: buildWeeks(this.days), totals: totalsText(data.totals), warnings: data.warnings || [] });
      } catch (err) {
        this.days = [];
        this.setData({ weeks: [], totals: [], errorText: err.message || '加载失败' });
      } finally {
        this.setData({ loading: false });
      }
    },

    onPrevMonth() {
      this.load(shiftMonth(this.data.month, -1));
    },

    onNextMonth() {
      this.load(shiftMonth(this.data.month, 1));
    },

    onTapDay(e) {
      const date = e.currentTarget.dataset.date;
      if (date) this.openDay(date);
    },

    openDay(date) {
      const day = (this.days || []).find((d) => d.date === date);
      if (!day) return;
      const badge = att.dayBadge(day);
      const working = day.kind === 'workday' || day.kind === 'makeup_workday';
      this.setData({
        showDetail: true,
        detail: {
          date: day.date,
          kindText: day.name || { workday: '工作日', rest: '休息日', holiday: '节假日', makeup_workday: '调休上班' }[day.kind] || '',
          statusText: badge.text || '—',
          cls: badge.cls,
          text: att.dayDetail(day),
          canMakeup: working && FIXABLE.includes(day.status),
        },
        makeupOpen: false,
        makeupTime: '',
        makeupReason: '',
        makeupError: '',
        makeupDone: '',
      });
    },

    onCloseDetail() {
      this.setData({ showDetail: false });
    },

    onDetailVisible(e) {
      if (e.detail && e.detail.visible === false) this.setData({ showDetail: false });
    },

    onOpenMakeup() {
      this.setData({ makeupOpen: true, makeupError: '' });
    },

    onTimeInput(e) {
      this.setData({ makeupTime: (e.detail && e.detail.value) || '', makeupError: '' });
    },

    onReasonInput(e) {
      this.setData({ makeupReason: (e.detail && e.detail.value) || '', makeupError: '' });
    },

    async onSubmitMakeup() {
      const time = this.data.makeupTime.trim();
      const reason = this.data.makeupReason.trim();
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
        this.setData({ makeupError: '请填写补卡时间，如 08:30' });
        return;
      }
      if (!reason) {
        this.setData({ makeupError: '请填写补卡事由' });
        return;
      }
      try {
        const r = await att.requestMakeup({ day: this.data.detail.date, time, reason });
        this.setData({
          makeupOpen: false,
          makeupDone: '补卡申请已提交，等待审批。审批通过后考勤会自动更新。',
          makeups: [makeupRow({ day: this.data.detail.date, at: `${this.data.detail.date}T${time}:00+08:00`, reason, status: 'pending', ...(r || {}) })]
            .concat(this.data.makeups.filter((m) => !r || m.id !== r.id)),
        });
      } catch (err) {
        this.setData({ makeupError: att.makeupErrorText(err) });
      }
    },
  },
});
