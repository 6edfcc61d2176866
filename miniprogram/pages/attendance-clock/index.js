// 考勤打卡: one big round button. A tap reads the position (and the Wi-Fi BSSID or the entrance QR
// when that proof is chosen) on the phone, then sends ONE punch request; the result shows the
// SERVER's time. Outside the fence the server asks for a reason (外勤); flagged punches say so.
// A failed or timed-out request leaves a retry button that re-sends the same punch once per tap;
// if the first one did reach the server, it answers with that punch (repeat) and we show it.
// A <map> shows the fences as circles and my position; an attendance officer (attendance.manage)
// gets 调整考勤范围, the fence page where a place's fence is set from where they stand.
const att = require('../../services/attendance');
const { syncTabBar } = require('../../utils/tab-bar');
const { textSize } = require('../../utils/text-size');
const { fetchMe } = require('../../services/me');

const PROOF_CHOICES = [
  { value: 'geofence', label: '定位', icon: 'location' },
  { value: 'wifi', label: 'Wi-Fi', icon: 'wifi' },
  { value: 'qr', label: '扫码', icon: 'scan' },
];
const DAY_KIND = { workday: '工作日', rest: '休息日', holiday: '节假日', makeup_workday: '调休上班' };
const RETRYABLE = (err) => err.code === 'NETWORK' || err.status >= 500 || err.code === 'UNKNOWN' || /^HTTP_/.test(err.code || '');

function sessionsText(schedule) {
  if (!schedule) return '';
  if (schedule.kind === 'flexible') {
    return `弹性工时 核心 ${schedule.core_start}–${schedule.core_end}，每日 ${Math.round((schedule.required_minutes || 0) / 6) / 10} 小时`;
  }
  return (schedule.sessions || []).map((s) => `${s.start}–${s.end}`).join('  ');
}

function punchRow(p) {
  return {
    id: p.id,
    time: att.clockText(p.at),
    kindText: p.kind === 'field' ? '外勤' : (p.kind === 'makeup' ? '补卡' : ''),
    proofsText: (p.proofs || []).map((x) => att.PROOF_TEXT[x] || x).join('、'),
    pending: p.review_status === 'pending',
    rejected: p.review_status === 'rejected',
  };
}

Component({
  behaviors: [textSize],
  data: {
    loading: true,
    loadError: '',
    dateText: '',
    dayKindText: '',
    scheduleName: '',
    scheduleText: '',
    statusText: '',
    punches: [],
    proofChoices: PROOF_CHOICES,
    proof: 'geofence',
    locating: false,
    locError: '',
    locDenied: false,
    position: null,
    fence: null,          // {placeName, distance, inside}
    wifi: null,           // {ssid, bssid}
    buttonLabel: '上班打卡',
    clock: '',
    phase: 'idle',        // idle | sending | done | need_reason | refused | failed
    result: null,
    errorText: '',
    reason: '',
    reasonError: '',
    deviceOpen: false,
    deviceReason: '',
    deviceText: '',
    map: null,            // {latitude, longitude, scale, circles, markers} for <map>
    canManageFences: false,
  },

  lifetimes: {
    detached() {
      this.stopClock();
    },
  },

  methods: {
    onLoad() {
      this.today = null;
      this.load();
    },

    onShow() {
      syncTabBar(this);
      this.startClock();
      this.claimPrivacyPrompt();
    },

    // Tab pages stay alive, and each privacy-popup takes the single wx listener when it is
    // attached; take it back on show so the consent prompt opens here, not on a hidden page.
    claimPrivacyPrompt() {
      const popup = this.selectComponent('#privacy');
      if (!popup || !wx.onNeedPrivacyAuthorization) return;
      wx.onNeedPrivacyAuthorization((resolve) => {
        popup.resolvePrivacy = resolve;
        popup.setData({ visible: true });
      });
    },

    onHide() {
      this.stopClock();
    },

    onUnload() {
      this.stopClock();
    },

    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },

    // Tests replace this to control the time of day; the punch time itself is the server's.
    now() {
      return new Date();
    },

    startClock() {
      this.stopClock();
      this.tick();
      this.clockTimer = setInterval(() => this.tick(), 15000);
      if (this.clockTimer && this.clockTimer.unref) this.clockTimer.unref();
    },

    stopClock() {
      if (this.clockTimer) clearInterval(this.clockTimer);
      this.clockTimer = null;
    },

    tick() {
      const minute = att.beijingMinutes(this.now());
      const schedule = this.today ? this.today.schedule : null;
      const label = att.punchKind(schedule, minute) === 'in' ? '上班打卡' : '下班打卡';
      this.setData({ clock: `${att.pad(Math.floor(minute / 60))}:${att.pad(minute % 60)}`, buttonLabel: label });
    },

    async load() {
      this.setData({ loading: true, loadError: '' });
      try {
        const today = await att.fetchToday();
        this.today = today;
        const proofs = new Set(((today.rule && today.rule.proofs) || [['geofence']]).flat());
        const places = today.places || [];
        if (places.some((p) => p.wifi)) proofs.add('wifi');
        if (places.some((p) => p.qr_enabled)) proofs.add('qr');
        proofs.add('geofence');
        const status = today.status || {};
        const label = status.status ? (att.STATUS[status.status] || {}).label : '';
        this.setData({
          dateText: today.date,
          dayKindText: (today.day && (today.day.name || DAY_KIND[today.day.kind])) || '',
          scheduleName: (today.schedule && today.schedule.name) || '',
          scheduleText: sessionsText(today.schedule),
          statusText: status.status === 'late' ? `迟到 ${status.late_minutes} 分钟` : (label || ''),
          punches: (today.punches || []).map(punchRow),
          proofChoices: PROOF_CHOICES.filter((c) => proofs.has(c.value)),
          map: att.mapView(places, this.data.position),
        });
        this.tick();
        this.loadPermissions();
      } catch (err) {
        this.setData({ loadError: err.message || '加载失败' });
      } finally {
        this.setData({ loading: false });
      }
      this.refreshPosition();
    },

    // Where am I? Shows the distance to the nearest fence (the server decides when punching).
    async refreshPosition() {
      this.setData({ locating: true, locError: '', locDenied: false });
      try {
        const pos = await att.locate();
        this.showPosition(pos);
        return pos;
      } catch (err) {
        this.setData({ locError: err.message, locDenied: err.code === 'LOCATION_DENIED', fence: null });
        return null;
      } finally {
        this.setData({ locating: false });
      }
    },

    showPosition(pos) {
      const places = this.today ? this.today.places : [];
      const near = att.nearestFence(places, pos);
      this.setData({
        position: pos,
        fence: near ? { placeName: near.place.name, distance: near.distance, inside: near.inside } : null,
        map: att.mapView(places, pos),
      });
    },

    // 调整考勤范围 only for attendance officers (attendance.manage in /api/me); quiet when it fails.
    async loadPermissions() {
      try {
        const me = await fetchMe({ toast: false });
        this.setData({ canManageFences: ((me && me.permissions) || []).includes('attendance.manage') });
      } catch (err) {
        this.setData({ canManageFences: false });
      }
    },

    onOpenFences() {
      wx.navigateTo({ url: '/package-attendance/pages/fence/index' });
    },

    onOpenSetting() {
      wx.openSetting({ complete: () => this.refreshPosition() });
    },

    onPrivacyAgree() {
      this.setData({ locError: '' });
    },

    onPrivacyDisagree() {
      this.setData({ locError: '需要同意隐私保护指引后才能使用定位打卡', locDenied: false });
    },

    async onPickProof(e) {
      const proof = e.currentTarget.dataset.proof;
      this.setData({ proof });
      if (proof === 'wifi') await this.readWifi();
    },

    async readWifi() {
      const wifi = await att.connectedBssid();
      this.setData({ wifi: wifi.bssid ? wifi : { ssid: '', bssid: '' } });
      return wifi;
    },

    // The big button: gather the proofs on the phone, then one request.
    async onPunch() {
      if (this.data.phase === 'sending') return;
      this.setData({ result: null, errorText: '', reason: '', reasonError: '' });
      const pos = await this.refreshPosition();
      if (!pos) {
        this.setData({ phase: 'idle' });
        return;
      }
      const body = { lat: pos.lat, lng: pos.lng, accuracy: pos.accuracy };
      if (this.data.proof === 'wifi') {
        const wifi = await this.readWifi();
        if (!wifi.bssid) {
          this.setData({ phase: 'idle', errorText: '未连接 Wi-Fi，请连接单位 Wi-Fi 后重试，或改用定位打卡' });
          return;
        }
        body.wifi_bssid = wifi.bssid;
      } else if (this.data.proof === 'qr') {
        const token = await att.scanEntranceQr();
        if (!token) return;
        body.qr_token = token;
      }
      await this.send(body);
    },

    // Retry after a failure: the same punch, one request.
    async onRetry() {
      if (!this.lastBody || this.data.phase === 'sending') return;
      await this.send(this.lastBody);
    },

    onReasonInput(e) {
      this.setData({ reason: (e.detail && e.detail.value) || '', reasonError: '' });
    },

    // 外勤: the server said "outside"; send the same punch with the reason.
    async onFieldPunch() {
      const reason = this.data.reason.trim();
      if (!reason) {
        this.setData({ reasonError: '请填写外勤事由' });
        return;
      }
      if (!this.lastBody) return;
      await this.send({ ...this.lastBody, reason });
    },

    onCancelField() {
      this.setData({ phase: 'idle', reason: '', reasonError: '' });
    },

    async send(body) {
      this.lastBody = body;
      this.setData({ phase: 'sending', errorText: '' });
      try {
        const p = await att.punch(body);
        this.showResult(p);
      } catch (err) {
        this.showError(err);
      }
    },

    showResult(p) {
      const flags = (p.flags || []).filter((f) => f !== 'field').map((f) => att.FLAG_TEXT[f] || f);
      const result = {
        repeat: !!p.repeat,
        title: p.repeat ? '已打过卡' : (p.kind === 'field' ? '外勤打卡成功' : '打卡成功'),
        time: att.clockText(p.at),
        place: p.place_name || '',
        proofsText: (p.proofs || []).map((x) => att.PROOF_TEXT[x] || x).join('、'),
        field: p.kind === 'field',
        reason: p.reason || '',
        pending: p.review_status === 'pending',
        flagsText: flags.join('、'),
        note: p.repeat ? '这是您刚才那次打卡的记录，无需重复打卡' : '',
        otherDevice: (p.flags || []).includes('device'),
      };
      const punches = this.data.punches.filter((x) => x.id !== p.id).concat([punchRow(p)]);
      punches.sort((a, b) => (a.time < b.time ? -1 : 1));
      this.setData({ phase: 'done', result, punches, reason: '' });
    },

    // The punch came from a phone other than the bound one: offer a device change request.
    onOpenDeviceChange() {
      this.setData({ deviceOpen: true, deviceText: '' });
    },

    onDeviceReasonInput(e) {
      this.setData({ deviceReason: (e.detail && e.detail.value) || '' });
    },

    async onSubmitDeviceChange() {
      const reason = this.data.deviceReason.trim();
      if (!reason) {
        this.setData({ deviceText: '请填写更换原因，如：换了新手机' });
        return;
      }
      try {
        await att.requestDeviceChange(reason);
        this.setData({ deviceOpen: false, deviceText: '换机申请已提交，人事部门同意后本机即为考勤手机。' });
      } catch (err) {
        this.setData({ deviceText: err.message || '提交失败，请稍后重试' });
      }
    },

    showError(err) {
      if (err.code === 'PUNCH_REASON_REQUIRED') {
        this.setData({ phase: 'need_reason', errorText: '您不在考勤范围内。如因公外出，可填写事由进行外勤打卡。' });
        return;
      }
      if (err.code === 'PUNCH_OUTSIDE_REFUSED') {
        const proofs = (err.fields && err.fields.proofs) || {};
        const qr = proofs.qr ? `（${att.QR_TEXT[proofs.qr] || '二维码无效'}）` : '';
        this.setData({ phase: 'refused', errorText: `${err.message}${qr}` });
        return;
      }
      if (RETRYABLE(err)) {
        this.setData({ phase: 'failed', errorText: '网络不稳定，打卡结果未确认。请点击“重试”，不会重复打卡。' });
        return;
      }
      this.setData({ phase: 'failed', errorText: err.message || '打卡失败，请重试' });
    },
  },
});
