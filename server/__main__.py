"""Command line: python -m server [run|migrate|demo|create-admin|import-staff|audit-verify]."""
import argparse
import asyncio
import logging
import signal
import sys

from server.config import ConfigError, load_config


async def _with_env(config, fn):
    from server.app import make_env

    env = await make_env(config)
    try:
        return await fn(env)
    finally:
        await env.close()


async def _run(config, host, port, sockets=None):
    import tornado.httpserver

    from server.app import make_app, make_env
    from server.migrate import migrate

    env = await make_env(config)
    if sockets is None:  # with --workers the parent migrated once before forking
        await migrate()
    app = make_app(env)
    # xheaders stays off: Tornado would believe X-Forwarded-* from anyone. The app applies them
    # from server.trusted_proxies only (server/proxies.py).
    server = tornado.httpserver.HTTPServer(app, xheaders=False)
    if sockets is None:
        server.listen(port, host)
    else:
        server.add_sockets(sockets)
    logging.getLogger("mingjing").info("Mingjing listening on http://%s:%s (wechat mode: %s)",
                                       host, port, config.wechat.mode)
    print(f"明镜 Mingjing 已启动: http://{host}:{port}/admin  (API: /api, 健康检查: /healthz)",
          flush=True)
    from services import scheduler

    # Timed reminders and WeChat delivery (issue 13): one lease-holding ticker among processes.
    runner = scheduler.start(env)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.stop()
    if runner is not None:
        await runner.stop()
    await env.close()


def _run_workers(config, host, port, workers):
    """N processes behind one port: migrate once, bind (SO_REUSEPORT), fork, serve in each.
    They share sessions, locks and the WeChat token through Redis, so memory:// is refused."""
    import tornado.netutil
    import tornado.process

    if config.redis.url.startswith("memory://"):
        print("--workers 需要共享的 Redis（MINGJING_REDIS_URL=redis://...）", file=sys.stderr)
        return 2

    async def prepare():
        from server.database import bind_database
        from server.migrate import migrate
        from services import audit

        audit.use_key(config.security.audit_key)  # m0011 may append a keyed entry
        database = bind_database(config.database.url, pool_size=1)
        try:
            await migrate()
        finally:
            await database.close_pool()

    asyncio.run(prepare())
    sockets = tornado.netutil.bind_sockets(port, host, reuse_port=True)
    tornado.process.fork_processes(workers)
    _serve(config, _run(config, host, port, sockets=sockets))
    return 0


def _serve(config, coro):
    """Run the server's event loop: uvloop when installed and configured (server.event_loop)."""
    if not config.server.access_log:
        # A reverse proxy in front keeps the access log; per-request logging costs CPU here.
        logging.getLogger("tornado.access").setLevel(logging.WARNING)
    if config.server.event_loop == "uvloop":
        try:
            import uvloop
        except ImportError:
            logging.getLogger("mingjing").warning("uvloop not installed: using asyncio's loop")
        else:
            return uvloop.run(coro)
    return asyncio.run(coro)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m server", description="明镜 Mingjing")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="start the server (default)")
    run.add_argument("--host")
    run.add_argument("--port", type=int)
    run.add_argument("--workers", type=int, default=1,
                     help="server processes sharing the port (needs a shared Redis)")
    sub.add_parser("migrate", help="apply schema migrations")
    demo = sub.add_parser("demo", help="load the demo unit and print its accounts")
    demo.add_argument("--force", action="store_true", help="load even if data exists")
    admin = sub.add_parser("create-admin", help="create one of the three separated administrators")
    admin.add_argument("--username", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--tier", choices=["system", "security", "audit"], required=True)
    admin.add_argument("--unit", help="unit code (default: the top unit)")
    admin.add_argument("--password", help="default: prompt")
    imp = sub.add_parser("import-staff", help="import staff from a .csv or .xlsx file")
    imp.add_argument("file")
    imp.add_argument("--unit", help="unit code (default: the top unit)")
    verify = sub.add_parser("audit-verify", help="verify the audit log hash chain (HMAC-keyed) "
                            "against the anchor of the last run, then record the new anchor")
    verify.add_argument("--anchor", help="anchor file to compare with and update "
                        "(default: security.audit_anchor)")
    sub.add_parser("rotate-keys", help="re-encrypt personal data with the active (first) PII key")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from server import redact

    redact.install()  # phone and ID numbers never reach a log line, whoever logs them
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"配置错误: {exc}", file=sys.stderr)
        return 2
    command = args.command or "run"
    if command == "run":
        host = getattr(args, "host", None) or config.server.host
        port = getattr(args, "port", None) or config.server.port
        workers = getattr(args, "workers", 1) or 1
        if workers > 1:
            return _run_workers(config, host, port, workers)
        _serve(config, _run(config, host, port))
        return 0
    from server import cli

    return asyncio.run(_with_env(config, lambda env: getattr(cli, command.replace("-", "_"))(env, args)))


if __name__ == "__main__":
    sys.exit(main())
