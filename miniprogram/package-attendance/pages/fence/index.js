// 调整考勤范围 (attendance officers, attendance.manage): pick a place, stand at its centre and tap
// 以当前位置为中心 — the phone's GCJ-02 position becomes the fence centre, so nobody types
// coordinates; set the radius, see the circle on the map, save (PUT /api/attendance/places/{id}
// with the place's fences). The server checks the permission and the reach of the place.
const att = require('../../../services/attendance');
const { textSize } = require('../../../utils/text-size');
const { toast } = require('../../../utils/wechat');

const ACCURACY_LIMIT = 50; // metres: beyond this the centre may be off by more than a building

function fenceText(place) {
  const n = (place.fences || []).length;
  if (!n) return '未设置定位范围';
  return (place.fences || []).map((f) => `半径 ${Math.round(f.radius)} 米`).join('；');
}

const fmt = (x) => Number(x).toFixed(6);

Component({
  behaviors: [textSize],
  data: {
    loading: true,
    loadError: '',
    places: [],
    placeIndex: 0,
    place: null,
    fenceIndex: 0,
    draft: null, // {lat, lng, radius, latText, lngText, fromHere, accuracy}
    radius: 300,
    map: null,
    accuracyWarning: '',
    locating: false,
    dirty: false,
    saving: false,
    saveError: '',
  },

  methods: {
    onLoad() {
      this.load();
    },

    async load() {
      this.setData({ loading: true, loadError: '' });
      try {
        const rows = await att.fetchPlaces();
        const places = (rows || []).filter((p) => p.active !== false).map((p) => ({ ...p, fenceText: fenceText(p) }));
        this.setData({ places });
        if (places.length) this.pick(Math.min(this.data.placeIndex, places.length - 1), 0);
      } catch (err) {
        this.setData({ loadError: err.status === 403 ? '您没有管理考勤地点的权限' : (err.message || '加载失败') });
      } finally {
        this.setData({ loading: false });
      }
    },

    pick(placeIndex, fenceIndex) {
      const place = this.data.places[placeIndex];
      const f = (place.fences || [])[fenceIndex];
      const draft = f ? { lat: f.lat, lng: f.lng, radius: Math.round(f.radius), latText: fmt(f.lat), lngText: fmt(f.lng), fromHere: false } : null;
      this.setData({
        placeIndex, place, fenceIndex, draft, radius: draft ? draft.radius : 300,
        dirty: false, saveError: '', accuracyWarning: '',
      });
      this.redraw();
    },

    // The map: every place's fences, the one being edited (as drafted) highlighted.
    redraw() {
      const { places, placeIndex, fenceIndex, draft } = this.data;
      const shown = places.map((p, i) => {
        if (i !== placeIndex) return p;
        const fences = (p.fences || []).slice();
        if (draft) fences[fenceIndex] = { lat: draft.lat, lng: draft.lng, radius: draft.radius };
        return { ...p, fences };
      });
      const base = att.mapView(shown, draft ? { lat: draft.lat, lng: draft.lng } : null) || { latitude: 39.9087, longitude: 116.3975, scale: 12, markers: [] };
      const highlight = { placeId: places[placeIndex] && places[placeIndex].id, index: fenceIndex };
      this.setData({ map: { ...base, scale: draft ? att.scaleFor(draft.radius * 3) : base.scale, circles: att.fenceCircles(shown, highlight) } });
    },

    onPickPlace(e) {
      this.pick(Number(e.currentTarget.dataset.index), 0);
    },

    onPickFence(e) {
      this.pick(this.data.placeIndex, Number(e.currentTarget.dataset.index));
    },

    onAddFence() {
      const n = (this.data.place.fences || []).length;
      this.setData({ fenceIndex: n, draft: null, dirty: false, accuracyWarning: '' });
      this.redraw();
    },

    // 以当前位置为中心
    async onUseHere() {
      if (this.data.locating) return;
      this.setData({ locating: true, saveError: '' });
      try {
        const pos = await att.locate();
        const radius = this.data.radius;
        this.setData({
          draft: { lat: pos.lat, lng: pos.lng, radius, latText: fmt(pos.lat), lngText: fmt(pos.lng), fromHere: true, accuracy: pos.accuracy },
          dirty: true,
          accuracyWarning: pos.accuracy > ACCURACY_LIMIT ? `定位精度约 ${pos.accuracy} 米，偏差较大。建议到室外开阔处、打开手机定位后再试一次。` : '',
        });
        this.redraw();
      } catch (err) {
        this.setData({ saveError: err.message || '定位失败' });
      } finally {
        this.setData({ locating: false });
      }
    },

    onRadius(e) {
      const radius = Math.max(100, Math.min(3000, Number(e.detail.value) || 300));
      const patch = { radius };
      if (this.data.draft) {
        patch['draft.radius'] = radius;
        patch.dirty = true;
      }
      this.setData(patch);
      this.redraw();
    },

    async onSave() {
      const { place, fenceIndex, draft, saving, dirty } = this.data;
      if (saving || !dirty || !draft) return;
      const fences = (place.fences || []).map((f) => ({ lat: f.lat, lng: f.lng, radius: f.radius }));
      fences[fenceIndex] = { lat: draft.lat, lng: draft.lng, radius: draft.radius };
      this.setData({ saving: true, saveError: '' });
      try {
        const saved = await att.saveFences(place.id, fences);
        const places = this.data.places.slice();
        places[this.data.placeIndex] = { ...place, ...saved, fenceText: fenceText(saved) };
        this.setData({ places });
        this.pick(this.data.placeIndex, fenceIndex);
        toast('考勤范围已保存');
      } catch (err) {
        const fields = err.fields || {};
        const first = Object.keys(fields)[0];
        this.setData({ saveError: first ? `${fields[first]}` : err.message });
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
