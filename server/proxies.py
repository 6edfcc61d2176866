"""Forwarded headers from the TLS proxy in front of us, believed only from `server.trusted_proxies`.

Tornado's own `xheaders=True` believes X-Forwarded-* from any peer, so a client could claim any IP
(rate limits, audit) or https. Here a request whose peer is a trusted proxy gets its `remote_ip`
from X-Real-IP (or the nearest untrusted X-Forwarded-For hop) and its `protocol` from
X-Forwarded-Proto; from anyone else these headers are ignored.
"""
import ipaddress


def parse_trusted(entries):
    """IP addresses or CIDR networks."""
    nets = []
    for entry in entries or ():
        try:
            nets.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return tuple(nets)


def _ip(value):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(ip, nets):
    return ip is not None and any(ip.version == n.version and ip in n for n in nets)


def peer_trusted(request, nets):
    """Whether the connection's peer (before any forwarded header is applied) is one of ours."""
    return bool(nets) and _trusted(_ip(request.remote_ip or ""), nets)


def apply_forwarded(request, nets):
    """Rewrite request.remote_ip / request.protocol in place when the peer is trusted. Returns
    whether it was (server/logs.py then keeps the proxy's X-Request-Id)."""
    if not peer_trusted(request, nets):
        return False
    headers = request.headers
    client = _ip(headers.get("X-Real-IP", ""))
    if client is None:
        # Walk X-Forwarded-For from the right: the first hop that is not one of ours is the client.
        hops = [_ip(h) for h in headers.get("X-Forwarded-For", "").split(",") if h.strip()]
        for hop in reversed(hops):
            if hop is None:
                break
            client = hop
            if not _trusted(hop, nets):
                break
    if client is not None:
        request.remote_ip = str(client)
    proto = headers.get("X-Forwarded-Proto", headers.get("X-Scheme", "")).split(",")[-1].strip().lower()
    if proto in ("http", "https"):
        request.protocol = proto
    return True
