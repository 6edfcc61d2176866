// 我的考勤月历: each day's status with a legend and a month switcher; tapping a day shows its
// details and, for a working day that is not in order, a 补卡 (make-up) request form. The
// backend checks the monthly limit and the deadline; their errors are shown in plain words.
const att = require('../../../services/attendance');
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
  return { id: r.id, day: r.day, time: att.clockText(r.at).slice(0, 5), reason: r.reason, label: st.label, theme: st.theme };
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
  },

  methods: {
    onLoad(query) {
      this.load((query && query.month) || monthOf(new Date()));
      this.loadMakeups();
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
