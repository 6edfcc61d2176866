// 团队 team view for leaders (package-team): today's board, who is away this week, the month's
// summary, and the review of the team's flagged / field punches. A leader reaches these endpoints
// without a grant (services/access.py LEADER_PERMISSIONS, for the departments they lead and those
// below); `me.team` from /api/me and /api/home says whether to show the entry at all.
const { get, post } = require('../utils/request');
const { clockText, pad } = require('./attendance');

const REVIEW_KEY = 'team-punch-review';
const FLAG_TEXT = {
  accuracy: '定位精度不足', speed: '与上次打卡距离过远', device: '不是绑定的手机', field: '外勤打卡',
};
// Leave statuses that still mean "away" (a request in approval is shown as such).
const AWAY_STATUSES = ['approved', 'pending'];

function fetchBoard() {
  return get('/api/attendance/board', {}, { toast: false });
}

// One page of the month's report (people ordered by department then name) with the whole
// team's `totals`, `departments` and `total`: the page loads more as the leader scrolls.
function fetchReport(month, { page = 1, pageSize = 50 } = {}) {
  return get('/api/attendance/report', { month, page, page_size: pageSize }, { toast: false });
}

function fetchTeamLeave(year) {
  return get('/api/leave/requests', { mine: false, year, page_size: 200 }, { toast: false });
}

function fetchReviewQueue(status = 'pending') {
  return get('/api/attendance/review', { status, page_size: 100 }, { toast: false });
}

// One decision per tap: a second tap while it is sent shares the first request.
function reviewPunch(id, decision, note) {
  return post(`/api/attendance/punches/${id}/review`, { decision, note: note || '' },
    { key: `${REVIEW_KEY}-${id}`, loading: '正在提交', toast: false });
}

// Beijing date of `date` as YYYY-MM-DD.
function localDay(date) {
  const d = new Date(date.getTime() + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

// [Monday, Sunday] of the week holding `date` (Beijing calendar), as YYYY-MM-DD.
function weekRange(date) {
  const d = new Date(date.getTime() + 8 * 3600 * 1000);
  const weekday = (d.getUTCDay() + 6) % 7; // 0 = Monday
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - weekday));
  const sunday = new Date(monday.getTime() + 6 * 86400 * 1000);
  const iso = (x) => `${x.getUTCFullYear()}-${pad(x.getUTCMonth() + 1)}-${pad(x.getUTCDate())}`;
  return [iso(monday), iso(sunday)];
}

function monthOf(date) {
  return localDay(date).slice(0, 7);
}

const HALF = { am: '上午', pm: '下午' };

// The leave requests overlapping [start, end] that still mean someone is away, earliest first.
function awayThisWeek(requests, [start, end]) {
  return (requests || [])
    .filter((r) => AWAY_STATUSES.includes(r.status) && r.start <= end && r.end >= start)
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id - b.id))
    .map((r) => ({
      id: r.id,
      name: r.staff ? r.staff.name : '',
      type: r.type_name || r.type,
      when: `${r.start.slice(5)}${HALF[r.start_half] && r.start_half !== 'am' ? HALF[r.start_half] : ''}`
        + ` 至 ${r.end.slice(5)}${r.end_half === 'am' ? HALF.am : ''}`,
      days: r.days,
      pending: r.status === 'pending',
    }));
}

// The board's groups as rows for the page: 已到 / 迟到 / 请假·出差 / 未到·缺卡.
function boardGroups(board) {
  const person = (p, extra) => ({ id: p.staff_id, name: p.name, department: p.department, extra });
  const b = board || {};
  return [
    { key: 'in', label: '已到', people: (b.in || []).map((p) => person(p, '')) },
    { key: 'late', label: '迟到', people: (b.late || []).map((p) => person(p, p.late_minutes ? `迟到 ${p.late_minutes} 分钟` : '')) },
    { key: 'leave', label: '请假·出差', people: (b.leave || []).map((p) => person(p, `${p.leave_name || (p.status === 'trip' ? '出差' : '请假')}${HALF[p.leave_half] ? `（${HALF[p.leave_half]}）` : ''}`)) },
    { key: 'missing', label: '未到·缺卡', people: (b.missing || []).map((p) => person(p, p.punches ? '缺卡' : '未打卡')) },
  ].map((g) => ({ ...g, count: g.people.length }));
}

// The month's report summed over the whole team (the answer's totals, not the page's people).
function monthSummary(report) {
  const t = (report && report.totals) || {};
  const n = (k) => Number(t[k]) || 0;
  const leave = Object.values(t.leave_days || {}).reduce((x, y) => x + y, 0);
  return [
    { key: 'people', label: '人数', value: `${(report && report.total) || n('staff')} 人` },
    { key: 'late', label: '迟到', value: `${n('late_count')} 次` },
    { key: 'early', label: '早退', value: `${n('early_count')} 次` },
    { key: 'missing', label: '缺卡', value: `${n('missing_punches')} 次` },
    { key: 'absent', label: '旷工', value: `${n('absences')} 天` },
    { key: 'leave', label: '请假', value: `${leave} 天` },
    { key: 'trip', label: '出差/外出', value: `${n('trip_days')} 天` },
  ];
}

// A person's month as one row: who, where, and what stands out.
function reportRow(p) {
  const leave = Object.values(p.leave_days || {}).reduce((x, y) => x + y, 0);
  const parts = [];
  if (p.late_count) parts.push(`迟到 ${p.late_count} 次`);
  if (p.early_count) parts.push(`早退 ${p.early_count} 次`);
  if (p.missing_punches) parts.push(`缺卡 ${p.missing_punches} 次`);
  if (p.absences) parts.push(`旷工 ${p.absences} 天`);
  if (leave) parts.push(`请假 ${leave} 天`);
  if (p.trip_days) parts.push(`出差/外出 ${p.trip_days} 天`);
  return {
    id: p.staff_id,
    name: p.name,
    department: p.department || '',
    worked: `出勤 ${p.days_worked || 0}/${p.workdays || 0} 天`,
    issues: parts.join('，'),
  };
}

// A punch waiting for review as one row: who, when, where, why it needs a look.
function reviewRow(p) {
  return {
    id: p.id,
    name: p.staff_name,
    employeeNo: p.employee_no,
    when: `${(p.at || '').slice(5, 10)} ${clockText(p.at).slice(0, 5)}`,
    field: p.kind === 'field',
    reason: p.reason || '',
    flags: (p.flags || []).map((f) => FLAG_TEXT[f] || f).join('、'),
    status: p.review_status,
    note: p.review_note || '',
  };
}

module.exports = {
  fetchBoard, fetchReport, fetchTeamLeave, fetchReviewQueue, reviewPunch,
  weekRange, monthOf, localDay, awayThisWeek, boardGroups, monthSummary, reportRow, reviewRow, FLAG_TEXT,
};
