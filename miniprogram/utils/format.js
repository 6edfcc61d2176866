// Display helpers. The backend sends ISO times with +08:00, so we read the wall-clock
// digits directly instead of going through the device's time zone.
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/;

function formatTime(iso) {
  if (!iso) return '';
  const m = ISO_RE.exec(iso);
  if (!m) return String(iso);
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}`;
}

function isPast(iso, now = Date.now()) {
  const t = Date.parse(iso);
  return Number.isFinite(t) && t < now;
}

module.exports = { formatTime, isPast };
