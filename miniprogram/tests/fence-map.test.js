// The clock page's <map> (fences as circles, my position) and 调整考勤范围 (issue 15): only for
// attendance officers; 以当前位置为中心 sets a place's fence from where the officer stands.
const { backend, reset, text, tap, fire, signIn, flush } = require('./support');
const { openPage, mockDevice, today } = require('./attendance-support');
const { me } = require('./support/fixtures');
const att = require('../services/attendance');

const { ok, fail } = backend;
jest.setTimeout(30000);
const CLOCK = 'pages/attendance-clock/index';
const FENCE = 'package-attendance/pages/fence/index';
const at = () => new Date('2026-11-02T08:20:00+08:00');
const NORTH_1M = 1 / 111195;

const place = (over = {}) => ({
  id: 5, unit_id: 1, department_id: null, name: '甲局机关大楼',
  fences: [{ lat: 39.9087, lng: 116.3975, radius: 300 }], wifi_bssids: [], qr_enabled: true, active: true, ...over,
});

let device;
beforeEach(() => {
  reset();
  signIn('tok-1');
  device = mockDevice();
  backend.on('GET /api/attendance/today', ok(today()));
});

describe('clock page map', () => {
  test('the fences are circles and the map is centred on me; no fence link for plain staff', async () => {
    device.metresNorth = 120;
    backend.on('GET /api/me', ok(me));
    const page = await openPage(CLOCK, {}, (inst) => { inst.now = at; });
    const map = page.instance.data.map;
    expect(map.circles).toEqual([expect.objectContaining({ latitude: 39.9087, longitude: 116.3975, radius: 300 })]);
    expect(map.latitude).toBeCloseTo(39.9087 + 120 * NORTH_1M, 6);
    expect(map.markers[0].callout.content).toBe('甲局机关大楼');
    const node = page.querySelector('#fence-map');
    expect(node).toBeTruthy();
    expect(page.querySelector('#open-fences')).toBeFalsy();
  });

  test('an attendance officer gets 调整考勤范围', async () => {
    backend.on('GET /api/me', ok({ ...me, permissions: ['attendance.manage', 'attendance.view'] }));
    const page = await openPage(CLOCK, {}, (inst) => { inst.now = at; });
    expect(text(page)).toContain('调整考勤范围');
    await tap(page, '#open-fences');
    expect(wx.navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/package-attendance/pages/fence/index' }));
  });

  test('mapView: nothing to show without fences or a position; scale follows the distance', () => {
    expect(att.mapView([], null)).toBeNull();
    const near = att.mapView([place()], { lat: 39.9087, lng: 116.3975 });
    const far = att.mapView([place()], { lat: 39.9087 + 5000 * NORTH_1M, lng: 116.3975 });
    expect(far.scale).toBeLessThan(near.scale);
  });
});

describe('fence page', () => {
  test('以当前位置为中心 then a wider radius: the place saved with the new fence', async () => {
    device.metresNorth = 40;
    backend.on('GET /api/attendance/places', ok([place(), place({ id: 6, name: '档案馆', fences: [] })]));
    backend.on('PUT /api/attendance/places/5', (req) => ok(place({ fences: req.body.fences })));
    const page = await openPage(FENCE);
    expect(text(page)).toContain('甲局机关大楼');
    expect(text(page)).toContain('半径 300 米');
    expect(page.querySelector('#save-btn')).toBeTruthy();
    await tap(page, '#locate-btn');
    await flush(8);
    expect(wx.getLocation).toHaveBeenCalledWith(expect.objectContaining({ type: 'gcj02' }));
    expect(text(page)).toContain('当前位置，精度约 25 米');
    await fire(page, '#radius-stepper', 'change', { value: 400 });
    const circles = page.instance.data.map.circles;
    expect(circles[0]).toEqual(expect.objectContaining({ radius: 400 }));
    expect(circles[0].latitude).toBeCloseTo(39.9087 + 40 * NORTH_1M, 6);
    await tap(page, '#save-btn');
    await flush(8);
    const calls = backend.callsTo('PUT /api/attendance/places/5');
    expect(calls).toHaveLength(1);
    expect(calls[0].body.fences).toHaveLength(1);
    expect(calls[0].body.fences[0].radius).toBe(400);
    expect(calls[0].body.fences[0].lat).toBeCloseTo(39.9087 + 40 * NORTH_1M, 6);
    expect(calls[0].header['Idempotency-Key']).toBeTruthy();
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '考勤范围已保存' }));
    expect(text(page)).toContain('半径 400 米');
  });

  test('a poor fix warns; a place without fences gets its first one; a refusal shows', async () => {
    device.accuracy = 120;
    backend.on('GET /api/attendance/places', ok([place({ fences: [] })]));
    backend.on('PUT /api/attendance/places/5', fail(422, 'VALIDATION_FAILED', '输入有误', { 'fences.0.lat': '纬度须在国内' }));
    const page = await openPage(FENCE);
    expect(text(page)).toContain('这个地点还没有定位范围');
    await tap(page, '#locate-btn');
    await flush(8);
    expect(text(page)).toContain('定位精度约 120 米，偏差较大');
    await tap(page, '#save-btn');
    await flush(8);
    expect(backend.callsTo('PUT /api/attendance/places/5')[0].body.fences).toHaveLength(1);
    expect(text(page)).toContain('纬度须在国内');
  });

  test('without the permission the page says so', async () => {
    backend.on('GET /api/attendance/places', fail(403, 'PERMISSION_DENIED', '无权执行此操作'));
    const page = await openPage(FENCE);
    expect(text(page)).toContain('您没有管理考勤地点的权限');
    expect(page.querySelector('#save-btn')).toBeFalsy();
  });
});
