"""Application factory: bind the database, Redis, WeChat and crypto into one AppEnv, gather routes.

Routes come from every module in `handlers/` and `admin/` that exports `default_handlers`.
"""
import dataclasses
import importlib
import logging
import pkgutil

import tornado.log
import tornado.routing
import tornado.web

from server import logs
from server.config import ROOT
from server.crypto import PiiCipher
from server.database import bind_database
from server.proxies import apply_forwarded, parse_trusted
from server.redact import mask_text
from server.redis import make_redis
from services import metrics

log = logging.getLogger("mingjing")
ROUTE_PACKAGES = ("handlers", "admin")


@dataclasses.dataclass
class AppEnv:
    """What services need from the running application; kept in the app settings as "env"."""
    config: object
    db: object
    redis: object
    wechat: object
    cipher: PiiCipher
    fake_wechat: object = None

    async def close(self):
        if self.wechat is not None:
            await self.wechat.close()
        if self.fake_wechat is not None:
            await self.fake_wechat.astop()
        await self.db.close_pool()
        close = getattr(self.redis, "aclose", None)
        if close:
            await close()


def gather_routes(config):
    routes = []
    for package_name in ROUTE_PACKAGES:
        package = importlib.import_module(package_name)
        # Sub-packages too (handlers/appraisal/cycles.py ...): a large feature is a package.
        infos = pkgutil.walk_packages(package.__path__, prefix=f"{package_name}.")
        for info in sorted(infos, key=lambda i: i.name):
            if info.ispkg:
                continue
            module = importlib.import_module(info.name)
            routes.extend(getattr(module, "default_handlers", []))
            if config.fake_wechat:
                # Dev-only endpoints (the no-WeChat login) do not exist in real mode.
                routes.extend(getattr(module, "fake_handlers", []))
    return routes


async def make_env(config):
    from server.wechat import WeChatGateway

    database = bind_database(config.database.url, pool_size=config.database.pool_size)
    redis = make_redis(config.redis.url)
    fake = None
    api_base = config.wechat.api_base
    if config.fake_wechat:
        from server.fakewechat import FakeWeChatServer

        fake = FakeWeChatServer(appid=config.wechat.appid, secret=config.wechat.secret,
                                auto_subscribe=True).start()
        api_base = fake.base_url + "/"
    wechat = WeChatGateway(appid=config.wechat.appid, secret=config.wechat.secret,
                           api_base=api_base, redis=redis, timeout=config.wechat.timeout)
    cipher = PiiCipher(config.security.pii_keys, config.security.pii_index_key)
    from services import audit

    audit.use_key(config.security.audit_key)
    return AppEnv(config=config, db=database, redis=redis, wechat=wechat, cipher=cipher,
                  fake_wechat=fake)


_access = tornado.log.access_log


def log_request(handler):
    """The access log line, with phone and ID numbers in the URL masked; and the metrics.
    With the access log off (production: the proxy logs requests) nothing is formatted."""
    metrics.observe(handler)
    status = handler.get_status()
    level = logging.INFO if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    if not _access.isEnabledFor(level):
        return
    request = handler.request
    ms = 1000.0 * request.request_time()
    ctx = logs.current()
    if ctx is not None and ctx.staff_id is None:
        principal = getattr(handler, "principal", None)
        ctx.staff_id = getattr(principal, "id", None)
    _access.log(level, "%d %s %s (%s) %.2fms", status, request.method, mask_text(request.uri),
                request.remote_ip, ms, extra={"status": status, "ms": round(ms, 2)})


# Characters with a meaning in a regular expression; any of them unescaped makes a route a pattern.
_REGEX_META = frozenset(".^$*+?{}[]|()")


def _literal(pattern):
    """The path a route pattern matches when it is plain text, else None. Plain: no regex
    metacharacter except the final "$" Tornado appends, and a backslash only before punctuation
    (`\\.`, `\\-`: that character itself); `\\d`, `\\w`, groups, classes and repeats are patterns."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1]
    chars, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            nxt = pattern[i + 1:i + 2]
            if not nxt or nxt.isalnum() or not nxt.isascii() or nxt.isspace():
                return None   # \d \w \b \1 ...: a class, an anchor or a back-reference
            chars.append(nxt)
            i += 2
            continue
        if c in _REGEX_META:
            return None
        chars.append(c)
        i += 1
    return "".join(chars)


class MingjingApplication(tornado.web.Application):
    """Applies trusted proxies' forwarded headers (server/proxies.py) and gives the request its
    id (server/logs.py) before routing. Routes that are plain paths (/api/attendance/punch,
    /healthz ...) are found by a dict lookup instead of trying every pattern in turn (about a
    hundred regular expressions per request with today's route table)."""

    def __init__(self, handlers=None, default_host=None, transforms=None, **settings):
        super().__init__(handlers, default_host, transforms, **settings)
        self.exact_routes = self._exact_routes()

    def _exact_routes(self):
        exact, earlier = {}, []
        for rule in self.wildcard_router.rules:
            matcher, target = rule.matcher, rule.target
            if not isinstance(matcher, tornado.routing.PathMatches):
                break  # a matcher we cannot reason about: later rules keep Tornado's order
            path = None
            if isinstance(target, type) and issubclass(target, tornado.web.RequestHandler):
                path = _literal(matcher.regex.pattern)
            # Only when no earlier pattern also matches that path (Tornado: first match wins).
            if path is not None and path not in exact and not any(r.match(path) for r in earlier):
                exact[path] = (target, rule.target_kwargs)
            earlier.append(matcher.regex)
        return exact

    def find_handler(self, request, **kwargs):
        trusted = apply_forwarded(request, self.settings["trusted_proxy_nets"])
        hit = self.exact_routes.get(request.path)
        if hit is not None:
            logs.begin_request(request, trusted=trusted, route=metrics.route_of(hit[0]))
            return self.get_handler_delegate(request, hit[0], hit[1])
        delegate = super().find_handler(request, **kwargs)
        logs.begin_request(request, trusted=trusted,
                           route=metrics.route_of(getattr(delegate, "handler_class", None)))
        return delegate


def make_app(env, **settings):
    from handlers.base import NotFoundHandler
    from services.events import load_subscribers

    routes = gather_routes(env.config)
    metrics.index_routes(routes)
    load_subscribers()

    settings.setdefault("log_function", log_request)
    return MingjingApplication(
        routes,
        trusted_proxy_nets=parse_trusted(env.config.server.trusted_proxies),
        env=env,
        cookie_secret=env.config.server.cookie_secret,
        xsrf_cookies=True,
        xsrf_cookie_kwargs={"httponly": False, "samesite": "Strict"},
        template_path=str(ROOT / "admin" / "templates"),
        static_path=str(ROOT / "admin" / "static"),
        static_url_prefix="/admin/static/",
        default_handler_class=NotFoundHandler,
        max_body_size=env.config.server.max_upload_mb * 1024 * 1024 + 65536,
        **settings,
    )
