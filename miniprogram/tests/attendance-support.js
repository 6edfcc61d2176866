// Helpers for the attendance tests: mocked wx location / Wi-Fi and payloads shaped like
// handlers/attendance.py and services/attendance*.py; pages render with the shared harness in ./support.
const { loadPage, flush } = require('./support');

// Render a page (main package or subpackage) with the shared harness, letting it settle longer.
// `before(instance)` runs before onLoad (e.g. to fix the page's clock).
const openPage = (route, query = {}, before) => loadPage(route, query, { before, rounds: 10 });

// The place of tests/attendance/helpers.py: 甲局机关大楼, 300 m fence.
const CENTRE = { lat: 39.9087, lng: 116.3975 };
const NORTH_1M = 1 / 111195; // degrees of latitude per metre

// wx.getLocation / startWifi / getConnectedWifi mocks; `where.metresNorth` moves the phone.
function mockDevice(where = {}) {
  const state = { metresNorth: 0, accuracy: 25, deny: false, bssid: 'AA:BB:CC:DD:EE:FF', ssid: 'JiaJu-Office', ...where };
  wx.getLocation = jest.fn((opts) => setTimeout(() => {
    if (state.deny) opts.fail && opts.fail({ errMsg: 'getLocation:fail auth deny' });
    else opts.success && opts.success({ latitude: CENTRE.lat + state.metresNorth * NORTH_1M, longitude: CENTRE.lng, accuracy: state.accuracy });
  }, 0));
  wx.startWifi = jest.fn((opts) => setTimeout(() => opts.complete && opts.complete({}), 0));
  wx.getConnectedWifi = jest.fn((opts) => setTimeout(() => {
    if (state.bssid) opts.success && opts.success({ wifi: { SSID: state.ssid, BSSID: state.bssid } });
    else opts.fail && opts.fail({ errCode: 12005 });
  }, 0));
  wx.openSetting = jest.fn((opts) => opts && opts.complete && opts.complete({}));
  return state;
}

const schedule = {
  id: 1, unit_id: 1, department_id: null, name: '标准作息', kind: 'fixed',
  sessions: [{ start: '08:30', end: '12:00' }, { start: '14:30', end: '17:30' }],
  grace_late: 5, grace_early: 5, core_start: '', core_end: '', required_minutes: 0, season_start: '', season_end: '', active: true,
};

function today(extra = {}) {
  return {
    date: '2026-11-02',
    day: { date: '2026-11-02', kind: 'workday', name: '', source: 'package', working: true },
    schedule,
    rule: { proofs: [['geofence'], ['qr']], proofs_expr: 'geofence|qr', outside_policy: 'field' },
    punches: [],
    status: { day_kind: 'workday', status: 'pending', late_minutes: 0, early_minutes: 0, missing_count: 0, punches: 0 },
    places: [{ id: 5, name: '甲局机关大楼', fences: [{ lat: CENTRE.lat, lng: CENTRE.lng, radius: 300 }], qr_enabled: true, wifi: true }],
    inside: null,
    ...extra,
  };
}

function punchOut(extra = {}) {
  return {
    id: 101, staff_id: 7, at: '2026-11-02T08:29:13+08:00', kind: 'normal', lat: CENTRE.lat, lng: CENTRE.lng,
    accuracy: 25, place_id: 5, place_name: '甲局机关大楼', proofs: ['geofence'], reason: '', flags: [],
    review_status: '', review_note: '', inside: true, rejected_proofs: {}, repeat: false, ...extra,
  };
}

// A month as /api/attendance/month returns it: 2026-11 with a spread of statuses.
function month() {
  const base = (d, kind, status, result = {}, name = '') => ({
    date: `2026-11-${String(d).padStart(2, '0')}`, kind, name, source: 'package', working: kind === 'workday' || kind === 'makeup_workday',
    status, status_label: '',
    result: status ? {
      day_kind: kind, status, late_minutes: 0, early_minutes: 0, late_count: 0, early_count: 0, missing_count: 0,
      field_count: 0, leave_type: '', leave_name: '', leave_half: '', worked_days: 1, punches: 4, ...result,
    } : null,
  });
  const days = [];
  for (let d = 1; d <= 30; d += 1) {
    const dow = (new Date(Date.UTC(2026, 10, d)).getUTCDay() + 6) % 7; // 0 = Monday
    let day;
    if (d > 20) day = base(d, dow >= 5 ? 'rest' : 'workday', null);
    else if (d === 1) day = base(d, 'holiday', 'holiday', { worked_days: 0, punches: 0 }, '国庆节');
    else if (dow >= 5 && d !== 7) day = base(d, 'rest', 'rest', { worked_days: 0, punches: 0 });
    else if (d === 7) day = base(d, 'makeup_workday', 'normal');
    else if (d === 3) day = base(d, 'workday', 'late', { late_minutes: 6, late_count: 1 });
    else if (d === 4) day = base(d, 'workday', 'early', { early_minutes: 20, early_count: 1 });
    else if (d === 5) day = base(d, 'workday', 'missing', { missing_count: 1, punches: 3 });
    else if (d === 6) day = base(d, 'workday', 'absent', { worked_days: 0, punches: 0 });
    else if (d === 10) day = base(d, 'workday', 'leave', { leave_type: 'annual', leave_name: '年休假', leave_half: 'full', worked_days: 0, punches: 0 });
    else if (d === 11) day = base(d, 'workday', 'trip', { leave_type: 'trip', leave_name: '出差', leave_half: 'full', punches: 0 });
    else if (d === 20) day = base(d, 'workday', 'pending', { punches: 0 });
    else day = base(d, 'workday', 'normal');
    days.push(day);
  }
  return {
    month: '2026-11', days,
    totals: { workdays: 14, days_worked: 11, late_count: 1, late_minutes: 6, early_count: 1, early_minutes: 20, missing_punches: 1, absences: 1, leave_days: { 年休假: 1 }, trip_days: 1, field_punches: 0 },
    warnings: [],
  };
}

module.exports = { openPage, mockDevice, today, punchOut, month, schedule, CENTRE, flush };
