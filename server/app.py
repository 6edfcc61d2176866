"""Application factory: bind the database, Redis, WeChat and crypto into one AppEnv, gather routes.

Routes come from every module in `handlers/` and `admin/` that exports `default_handlers`.
"""
import dataclasses
import importlib
import logging
import pkgutil

import tornado.log
import tornado.web

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


def log_request(handler):
    """The access log line, with phone and ID numbers in the URL masked; and the metrics."""
    metrics.observe(handler)
    status = handler.get_status()
    log_method = (tornado.log.access_log.info if status < 400 else
                  tornado.log.access_log.warning if status < 500 else tornado.log.access_log.error)
    request = handler.request
    log_method("%d %s %s (%s) %.2fms", status, request.method, mask_text(request.uri),
               request.remote_ip, 1000.0 * request.request_time())


class MingjingApplication(tornado.web.Application):
    """Applies trusted proxies' forwarded headers (server/proxies.py) before routing."""

    def find_handler(self, request, **kwargs):
        apply_forwarded(request, self.settings["trusted_proxy_nets"])
        return super().find_handler(request, **kwargs)


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
