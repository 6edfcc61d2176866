// 考勤 attendance: today, punch (打卡), my month, 补卡 make-up requests, and the wx helpers they
// need (location, Wi-Fi BSSID, entrance QR). One tap sends ONE punch request; the in-flight key
// makes a second tap while it is pending share the first one (utils/request.js).
const { get, post, request } = require('../utils/request');

const DEVICE_KEY = 'mj_device_id';
const PUNCH_KEY = 'attendance-punch';
const MAKEUP_KEY = 'attendance-makeup';

// Day statuses as the backend names them → label, colour class, legend order.
const STATUS = {
  normal: { label: '正常', cls: 'normal' },
  late: { label: '迟到', cls: 'late' },
  early: { label: '早退', cls: 'early' },
  late_early: { label: '迟到早退', cls: 'late' },
  missing: { label: '缺卡', cls: 'missing' },
  absent: { label: '旷工', cls: 'absent' },
  leave: { label: '请假', cls: 'leave' },
  trip: { label: '出差', cls: 'trip' },
  rest: { label: '休息', cls: 'rest' },
  holiday: { label: '节假日', cls: 'holiday' },
  pending: { label: '未到时间', cls: 'pending' },
};
const LEGEND = [
  { cls: 'normal', label: '正常' }, { cls: 'late', label: '迟到' }, { cls: 'early', label: '早退' },
  { cls: 'missing', label: '缺卡' }, { cls: 'absent', label: '旷工' }, { cls: 'leave', label: '请假' },
  { cls: 'trip', label: '出差' }, { cls: 'rest', label: '休息日' }, { cls: 'holiday', label: '节假日' },
  { cls: 'makeup', label: '调休上班' },
];
const FLAG_TEXT = {
  accuracy: '定位精度不足', speed: '与上次打卡距离过远', device: '不是绑定的手机', field: '外勤打卡',
};
const PROOF_TEXT = { geofence: '定位', wifi: 'Wi-Fi', qr: '扫码' };
const QR_TEXT = { expired: '二维码已过期，请重新扫描', forged: '二维码无效', other_place: '这不是本考勤地点的二维码' };

function deviceId() {
  let id = wx.getStorageSync(DEVICE_KEY);
  if (!id) {
    id = `mp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    wx.setStorageSync(DEVICE_KEY, id);
  }
  return id;
}

function fetchToday(position) {
  const data = position ? { lat: position.lat, lng: position.lng } : {};
  return get('/api/attendance/today', data, { toast: false });
}

// The punch; the page shows every error itself (retry button, reason form), so no toast.
function punch(body) {
  return post('/api/attendance/punch', { device_id: deviceId(), ...body },
    { key: PUNCH_KEY, loading: '正在打卡', toast: false });
}

function fetchMonth(month) {
  return get('/api/attendance/month', { month }, { toast: false });
}

function requestMakeup({ day, time, reason }) {
  return post('/api/attendance/makeups', { day, time, reason },
    { key: MAKEUP_KEY, loading: '正在提交', toast: false });
}

// 换机: ask HR to bind this phone instead of the old one.
function requestDeviceChange(reason) {
  return post('/api/attendance/device-change', { device_id: deviceId(), reason },
    { key: 'attendance-device-change', loading: '正在提交', toast: false });
}

function fetchMakeups() {
  return get('/api/attendance/makeups', {}, { toast: false });
}

// 退回修改 → the returned make-up with its changes (day, time, reason), checked as on creation.
function resubmitMakeup(id, { day, time, reason }) {
  return post(`/api/attendance/makeups/${id}/resubmit`, { day, time, reason },
    { key: `attendance-makeup-resubmit-${id}`, loading: '正在重新提交', toast: false });
}

// ---- wx helpers ------------------------------------------------------------------------------

// GCJ-02 position; rejects with {code: 'LOCATION_DENIED' | 'LOCATION_FAILED', message}.
function locate() {
  return new Promise((resolve, reject) => {
    wx.getLocation({
      type: 'gcj02',
      isHighAccuracy: true,
      highAccuracyExpireTime: 4000,
      success: (res) => resolve({ lat: res.latitude, lng: res.longitude, accuracy: Math.round(res.accuracy || 0) }),
      fail: (err) => {
        const msg = (err && err.errMsg) || '';
        const denied = /auth|deny|denied|privacy/i.test(msg);
        reject({
          code: denied ? 'LOCATION_DENIED' : 'LOCATION_FAILED',
          message: denied ? '未允许使用位置信息，无法打卡。请在设置中允许“位置信息”' : '定位失败，请到开阔处或打开手机定位后重试',
        });
      },
    });
  });
}

// BSSID of the connected Wi-Fi (lower case), or '' when not on Wi-Fi / not available.
function connectedBssid() {
  return new Promise((resolve) => {
    if (!wx.startWifi || !wx.getConnectedWifi) { resolve({ bssid: '', ssid: '' }); return; }
    wx.startWifi({
      complete: () => {
        wx.getConnectedWifi({
          success: (res) => {
            const w = (res && res.wifi) || {};
            resolve({ bssid: String(w.BSSID || '').toLowerCase(), ssid: w.SSID || '' });
          },
          fail: () => resolve({ bssid: '', ssid: '' }),
        });
      },
    });
  });
}

// The entrance QR token, or null when the scanner was closed.
function scanEntranceQr() {
  return new Promise((resolve) => {
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode'],
      success: (res) => resolve((res && res.result) || null),
      fail: () => resolve(null),
    });
  });
}

// ---- pure helpers ----------------------------------------------------------------------------

function distanceM(lat1, lng1, lat2, lng2) {
  const r = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(a));
}

// The nearest fence of the places: {place, distance, radius, inside}, or null without fences.
function nearestFence(places, pos) {
  let best = null;
  for (const place of places || []) {
    for (const f of place.fences || []) {
      const d = distanceM(pos.lat, pos.lng, f.lat, f.lng);
      const gap = d - f.radius;
      if (!best || gap < best.gap) best = { place, distance: Math.round(d), radius: f.radius, inside: d <= f.radius, gap };
    }
  }
  return best;
}

const pad = (n) => String(n).padStart(2, '0');

// Beijing wall-clock minutes of a Date (the device may be in another zone).
function beijingMinutes(date) {
  const utc = date.getTime() / 60000;
  return Math.floor((utc + 8 * 60) % 1440);
}

function minutesOf(hhmm) {
  const [h, m] = String(hhmm || '0:0').split(':').map(Number);
  return h * 60 + m;
}

// 上班 or 下班 for this minute, by the schedule's check windows (the server judges the same way).
function punchKind(schedule, minute) {
  const s = schedule || {};
  if (s.kind === 'flexible') {
    return minute < (minutesOf(s.core_start) + minutesOf(s.core_end)) / 2 ? 'in' : 'out';
  }
  const spans = (s.sessions || []).map((x) => [minutesOf(x.start), minutesOf(x.end)]);
  if (!spans.length) return minute < 12 * 60 ? 'in' : 'out';
  for (let i = 0; i < spans.length; i += 1) {
    const [start, end] = spans[i];
    const hi = i === spans.length - 1 ? 1440 : (end + spans[i + 1][0]) / 2;
    if (minute < (start + end) / 2) return 'in';
    if (minute < hi) return 'out';
  }
  return 'out';
}

// "2026-11-02T08:29:13+08:00" → "08:29:13" (the server's wall clock, as sent).
function clockText(iso) {
  const m = /T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(iso || '');
  return m ? `${m[1]}:${m[2]}${m[3] ? `:${m[3]}` : ''}` : '';
}

// A day result → short cell text ("迟到 6 分").
function dayBadge(day) {
  const r = day.result || {};
  const st = day.status;
  if (!st) return { cls: day.kind === 'makeup_workday' ? 'makeup' : '', text: day.kind === 'makeup_workday' ? '班' : '' };
  if (st === 'late') return { cls: 'late', text: `迟到${r.late_minutes || 0}分` };
  if (st === 'early') return { cls: 'early', text: `早退${r.early_minutes || 0}分` };
  if (st === 'late_early') return { cls: 'late', text: '迟到早退' };
  if (st === 'leave') return { cls: 'leave', text: r.leave_name || '请假' };
  if (st === 'holiday') return { cls: 'holiday', text: day.name || '节假日' };
  if (st === 'rest') return { cls: 'rest', text: '休' };
  if (st === 'normal' && day.kind === 'makeup_workday') return { cls: 'makeup', text: '调休上班' };
  const s = STATUS[st] || { cls: '', label: '' };
  return { cls: s.cls, text: s.label };
}

// A plain-words sentence for a day's detail.
function dayDetail(day) {
  const r = day.result || {};
  const parts = [];
  const st = day.status;
  if (!st) parts.push('尚未到这一天');
  else if (st === 'late' || st === 'late_early') parts.push(`迟到 ${r.late_minutes} 分钟`);
  if (st === 'early' || st === 'late_early') parts.push(`早退 ${r.early_minutes} 分钟`);
  if (st === 'missing') parts.push(`缺卡 ${r.missing_count || 1} 次`);
  if (st === 'absent') parts.push('全天未打卡（旷工）');
  if (st === 'normal') parts.push('考勤正常');
  if (st === 'leave' || st === 'trip') {
    const half = { am: '（上午）', pm: '（下午）' }[r.leave_half] || '';
    parts.push(`${r.leave_name || (st === 'trip' ? '出差/外出' : '请假')}${half}`);
  }
  if (st === 'rest') parts.push('休息日');
  if (st === 'holiday') parts.push(day.name || '节假日');
  if (st === 'pending') parts.push('今天还未到打卡时间');
  if (r.field_count) parts.push(`外勤打卡 ${r.field_count} 次`);
  if (st && r.punches !== undefined && !['rest', 'holiday'].includes(st)) parts.push(`打卡 ${r.punches} 次`);
  return parts.join('，');
}

// Plain words for the errors a make-up request can meet.
function makeupErrorText(err) {
  if (!err) return '';
  if (err.code === 'MAKEUP_LIMIT_REACHED') return `${err.message}，本月不能再申请补卡。如有特殊情况请联系人事部门。`;
  if (err.code === 'MAKEUP_DEADLINE_PASSED') return `已超过补卡期限：${err.message}。`;
  if (err.code === 'MAKEUP_FUTURE') return `${err.message}。`;
  if (err.code === 'NETWORK') return '网络连接失败，补卡申请未提交，请稍后重试。';
  return err.message || '提交失败，请稍后重试';
}

// ---- map (the clock page and the fence page) -----------------------------------------------

// The places' fences as <map> circles (the chosen one, if any, highlighted) and a marker per place.
function fenceCircles(places, highlight) {
  const circles = [];
  (places || []).forEach((p) => (p.fences || []).forEach((f, i) => {
    const on = highlight && highlight.placeId === p.id && highlight.index === i;
    circles.push({
      latitude: f.lat, longitude: f.lng, radius: f.radius,
      color: on ? '#e37318DD' : '#0052d9AA', fillColor: on ? '#e3731833' : '#0052d922', strokeWidth: 2,
    });
  }));
  return circles;
}

// A map scale (3–20) that shows about `meters` across a phone screen.
function scaleFor(meters) {
  const m = Math.max(100, meters || 300);
  return Math.max(3, Math.min(18, Math.round(16 - Math.log2(m / 250))));
}

// What the clock page's <map> shows: centred on me (else the first fence), every fence as a
// circle, a marker per place; null when there is nothing to show.
function mapView(places, pos) {
  const fences = [];
  (places || []).forEach((p) => (p.fences || []).forEach((f) => fences.push({ place: p, f })));
  if (!pos && !fences.length) return null;
  const center = pos ? { lat: pos.lat, lng: pos.lng } : { lat: fences[0].f.lat, lng: fences[0].f.lng };
  const near = pos ? nearestFence(places, pos) : null;
  const span = near ? near.distance + near.radius : (fences.length ? fences[0].f.radius * 2 : 300);
  return {
    latitude: center.lat,
    longitude: center.lng,
    scale: scaleFor(span * 2),
    circles: fenceCircles(places),
    markers: fences.map(({ place, f }, i) => ({
      id: i + 1, latitude: f.lat, longitude: f.lng, title: place.name, callout: { content: place.name, display: 'ALWAYS', fontSize: 14, padding: 6, borderRadius: 6 },
    })),
  };
}

// Places the caller manages (attendance.manage): the fence page.
function fetchPlaces() {
  return get('/api/attendance/places', {}, { toast: false });
}

// Replace a place's fences (PUT /api/attendance/places/{id}, the fields sent only).
function saveFences(placeId, fences) {
  return request({
    url: `/api/attendance/places/${placeId}`, method: 'PUT',
    data: { fences: fences.map((f) => ({ lat: Number(f.lat.toFixed(6)), lng: Number(f.lng.toFixed(6)), radius: Math.round(f.radius) })) },
    loading: '正在保存', key: `place-fences-${placeId}`, quietCodes: ['VALIDATION_FAILED'],
  });
}

module.exports = {
  mapView, fenceCircles, scaleFor, fetchPlaces, saveFences,
  STATUS, LEGEND, FLAG_TEXT, PROOF_TEXT, QR_TEXT, PUNCH_KEY,
  deviceId, fetchToday, punch, fetchMonth, requestMakeup, fetchMakeups, resubmitMakeup, requestDeviceChange,
  locate, connectedBssid, scanEntranceQr,
  distanceM, nearestFence, beijingMinutes, punchKind, clockText, dayBadge, dayDetail, makeupErrorText, pad,
};
