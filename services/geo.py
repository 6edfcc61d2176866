"""Distances on GCJ-02 coordinates (as wx.getLocation({type: 'gcj02'}) returns them).

GCJ-02 is WGS-84 plus a smooth offset of a few hundred metres that barely changes over a few
kilometres, so a haversine distance between two GCJ-02 points is accurate to well under a metre
at geofence sizes (100–3,000 m); no conversion back to WGS-84 is needed.
"""
import math

EARTH_RADIUS_M = 6371008.8


def distance_m(lat1, lng1, lat2, lng2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def offset(lat, lng, north_m=0.0, east_m=0.0):
    """The point `north_m` north and `east_m` east of (lat, lng) (tests and demo data)."""
    dlat = math.degrees(north_m / EARTH_RADIUS_M)
    dlng = math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat + dlat, lng + dlng


def speed_kmh(distance, seconds):
    if seconds <= 0:
        return math.inf if distance > 0 else 0.0
    return distance / seconds * 3.6


def in_china_box(lat, lng):
    """GCJ-02 is only defined inside China; a point outside is a client bug or a spoof."""
    return 3.0 <= lat <= 54.0 and 73.0 <= lng <= 136.0
