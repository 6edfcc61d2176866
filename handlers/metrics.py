"""GET /metrics: Prometheus text format (services/metrics.py), outside /api.

Only for a scraper: a direct (not proxied) request from loopback or a `server.trusted_proxies`
address, or any request with `Authorization: Bearer <server.metrics_token>`. A request that came
through the proxy (it carries X-Forwarded-For / X-Real-IP) needs the token, so publishing the
proxy does not publish the metrics.
"""
import hmac
import ipaddress

import tornado.web

from server.proxies import _trusted
from services import metrics

FORWARDED = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


class MetricsHandler(tornado.web.RequestHandler):
    """指标（Prometheus 文本格式），仅限可信地址或令牌。"""

    def check_xsrf_cookie(self):
        return None

    def allowed(self):
        token = self.settings["env"].config.server.metrics_token
        auth = self.request.headers.get("Authorization", "")
        if token and auth.startswith("Bearer ") and hmac.compare_digest(
                auth[7:].strip().encode(), token.encode()):
            return True
        if any(h in self.request.headers for h in FORWARDED):
            return False
        try:
            # The connection's own peer, not a forwarded address.
            peer = ipaddress.ip_address(self.request.connection.context.remote_ip)
        except (AttributeError, ValueError):
            return False
        return peer.is_loopback or _trusted(peer, self.settings["trusted_proxy_nets"])

    async def get(self):
        self.set_header("Cache-Control", "no-store")
        if not self.allowed():
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("forbidden\n")
            return
        env = self.settings["env"]
        server = getattr(env, "http_server", None)
        text = await metrics.render(env=env, in_flight=server.in_flight if server else 0)
        self.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.finish(text)


default_handlers = [(r"/metrics", MetricsHandler)]
