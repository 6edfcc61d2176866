"""Configuration: config.yaml, overridden by MINGJING_<SECTION>_<KEY> environment variables.

The result is a frozen object built once at start-up and passed down; nothing reads settings at
import time.
"""
import dataclasses
import os
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_MARK = "change-me"


@dataclasses.dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    cookie_secret: str = "dev-only-change-me"
    public_url: str = "http://127.0.0.1:8000"
    timezone: str = "Asia/Shanghai"
    trusted_proxies: tuple = ()
    upload_dir: str = "data/uploads"
    max_upload_mb: int = 10
    access_log: bool = True
    event_loop: str = "asyncio"
    shutdown_seconds: int = 20      # SIGTERM: in-flight requests get this long to finish
    metrics_token: str = ""         # GET /metrics: a Bearer token, besides trusted_proxies


@dataclasses.dataclass(frozen=True)
class DatabaseConfig:
    url: str = "sqlite:///data/mingjing.db"
    pool_size: int = 10


@dataclasses.dataclass(frozen=True)
class RedisConfig:
    url: str = "memory://"


@dataclasses.dataclass(frozen=True)
class WeChatConfig:
    mode: str = "fake"
    appid: str = "wx-fake-appid"
    secret: str = "fake-secret"
    api_base: str = "https://api.weixin.qq.com/"
    timeout: int = 5


@dataclasses.dataclass(frozen=True)
class SecurityConfig:
    pii_keys: str = ""
    pii_index_key: str = ""
    signing_key: str = ""
    audit_key: str = ""       # HMAC key of the audit chain; kept outside the database
    audit_anchor: str = "data/audit-anchor.json"  # last verified chain head (audit-verify)
    session_ttl_hours: int = 72
    admin_idle_minutes: int = 30
    login_rate_per_ip: int = 30          # failed sign-ins per address per minute
    login_rate_per_account: int = 10
    login_rate_per_address: int = 1200   # every sign-in attempt per address per minute
    login_rate_per_code: int = 3         # tries of one WeChat login code per minute


def _no_templates():
    return {}


@dataclasses.dataclass(frozen=True)
class RemindersConfig:
    """Timed reminders and WeChat delivery (issue 13, docs/reminders.md)."""
    scheduler: bool = True          # run the scheduler and delivery loops in `python -m server run`
    tick_seconds: int = 30          # how often the lease holder derives and runs due jobs
    lease_seconds: int = 90         # the lease expires this long after its holder stops renewing
    send_time: str = "09:00"        # appraisal deadline reminders go out at this Beijing time
    approval_wait_hours: int = 8    # a task waiting this many working hours reminds its approver
    clock_in_time: str = "08:50"    # working days: reminder to those who have not punched
    max_attempts: int = 6           # transient WeChat errors are retried up to this many sends
    retry_base_seconds: int = 30    # backoff: base * 2^(attempt-1), capped at one hour
    claim_idle_seconds: int = 60    # stream entries idle this long are taken over (XAUTOCLAIM)
    sending_stale_seconds: int = 120  # a send claimed this long ago and unfinished: outcome unknown
    stream: str = "mingjing:reminders:outbox"
    # event -> {"template_id", "page", "fields": {wechat key: source}} (console rows override)
    templates: dict = dataclasses.field(default_factory=_no_templates)


@dataclasses.dataclass(frozen=True)
class LoggingConfig:
    """Log line format (server/logs.py): plain text for development, json in production."""
    format: str = "plain"


@dataclasses.dataclass(frozen=True)
class Config:
    server: ServerConfig = ServerConfig()
    database: DatabaseConfig = DatabaseConfig()
    redis: RedisConfig = RedisConfig()
    wechat: WeChatConfig = WeChatConfig()
    security: SecurityConfig = SecurityConfig()
    reminders: RemindersConfig = RemindersConfig()
    logging: LoggingConfig = LoggingConfig()

    @property
    def fake_wechat(self):
        return self.wechat.mode == "fake"

    def replace(self, **sections):
        """Copy with some keys changed: replace(database={"url": ...})."""
        changes = {}
        for name, values in sections.items():
            changes[name] = dataclasses.replace(getattr(self, name), **values)
        return dataclasses.replace(self, **changes)


class ConfigError(Exception):
    pass


def _coerce(value, default):
    if isinstance(default, bool):
        return str(value).lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, dict):
        if isinstance(value, str):
            import json
            return dict(json.loads(value) or {})
        return dict(value or {})
    if isinstance(default, tuple):
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        return tuple(value or ())
    return str(value)


def load_config(path=None, environ=None):
    """Read the YAML file (default: config.yaml at the repo root), then apply env overrides."""
    environ = os.environ if environ is None else environ
    path = Path(path or environ.get("MINGJING_CONFIG") or ROOT / "config.yaml")
    raw = {}
    if path.exists():
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sections = {}
    for field in dataclasses.fields(Config):
        cls = field.type if isinstance(field.type, type) else type(field.default)
        defaults = cls()
        values = {}
        for sub in dataclasses.fields(cls):
            default = getattr(defaults, sub.name)
            value = (raw.get(field.name) or {}).get(sub.name, default)
            env_name = f"MINGJING_{field.name}_{sub.name}".upper()
            if env_name in environ:
                value = environ[env_name]
            try:
                values[sub.name] = _coerce(value, default)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{field.name}.{sub.name}: {exc}") from exc
        sections[field.name] = cls(**values)
    config = Config(**sections)
    check_config(config)
    return config


def check_config(config):
    """Refuse placeholder secrets outside fake mode, and nonsense values anywhere."""
    if config.server.event_loop not in ("asyncio", "uvloop"):
        raise ConfigError("server.event_loop must be 'asyncio' or 'uvloop'")
    if config.logging.format not in ("plain", "json"):
        raise ConfigError("logging.format must be 'plain' or 'json'")
    if config.wechat.mode not in ("fake", "real"):
        raise ConfigError("wechat.mode must be 'fake' or 'real'")
    if config.wechat.mode == "real":
        secrets = {
            "server.cookie_secret": config.server.cookie_secret,
            "security.pii_keys": config.security.pii_keys,
            "security.pii_index_key": config.security.pii_index_key,
            "security.signing_key": config.security.signing_key,
            "security.audit_key": config.security.audit_key,
            "wechat.secret": config.wechat.secret,
        }
        for name, value in secrets.items():
            if not value or PLACEHOLDER_MARK in value or value.startswith("fake"):
                raise ConfigError(f"{name} still holds a placeholder; set a real secret")
        import base64
        for entry in config.security.pii_keys.split(","):
            if base64.b64decode(entry.split(":")[-1]) == b"dev-only-pii-key-change-me-32byt":
                raise ConfigError("security.pii_keys still holds the development key")
