"""Command line: python -m server [run|migrate|demo|create-admin|import-staff|audit-verify|rotate-keys|
backup|restore]."""
import argparse
import asyncio
import gc
import logging
import os
import signal
import socket
import sys
import time

import tornado.httpserver
import tornado.httputil

from server.config import ConfigError, load_config


async def _with_env(config, fn):
    from server.app import make_env

    env = await make_env(config)
    try:
        return await fn(env)
    finally:
        await env.close()


async def _run(config, host, port, sockets=None):
    from server.app import make_app, make_env
    from server.migrate import migrate

    env = await make_env(config)
    if sockets is None:  # with --workers the parent migrated once before forking
        await migrate()
    app = make_app(env)
    # xheaders stays off: Tornado would believe X-Forwarded-* from anyone. The app applies them
    # from server.trusted_proxies only (server/proxies.py).
    server = GracefulHTTPServer(app, xheaders=False)
    env.http_server = server  # /metrics reads the requests in flight
    from services import worker_process

    try:  # started before serving: the first export or month fill does not stall the loop forking it
        await worker_process.start()
    except Exception as exc:  # started again on first use
        logging.getLogger("mingjing").warning("worker process not started: %r", exc)
    if sockets is None:
        server.listen(port, host)
    else:
        server.add_sockets(sockets)
    logging.getLogger("mingjing").info("Mingjing listening on http://%s:%s (wechat mode: %s)",
                                       host, port, config.wechat.mode)
    print(f"明镜 Mingjing 已启动: http://{host}:{port}/admin  (API: /api, 健康检查: /healthz)",
          flush=True)
    from services import health, scheduler

    if not config.redis.url.startswith("memory://"):
        persistence = await health.redis_persistence(env.redis)
        if persistence in ("none", "rdb"):
            logging.getLogger("mingjing").warning(
                "Redis persistence is %s: a Redis restart loses sessions (or the last minutes of "
                "them) and signs people out; production needs appendonly yes (docs/deployment.md)",
                persistence)
    # Timed reminders and WeChat delivery (issue 13): one lease-holding ticker among processes.
    runner = scheduler.start(env)
    # What start-up built (routes, models, schemas, pools) lives as long as the process: moved
    # out of the garbage collector's generations, a full collection no longer walks it — the
    # pauses that made the morning burst's p95/p99 (docs/performance.md).
    gc.collect()
    gc.freeze()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log = logging.getLogger("mingjing")
    log.info("SIGTERM: draining %d request(s) in flight (at most %ss)", server.in_flight,
             config.server.shutdown_seconds)
    cut = await server.drain(config.server.shutdown_seconds)
    if cut:
        log.warning("shutdown deadline passed: %d request(s) cut", cut)
    if runner is not None:  # after the requests: a punch's notice may still be queued for delivery
        await runner.stop()
    await worker_process.shutdown()  # the running file or batch finishes; later work runs in-process
    await env.close()
    log.info("Mingjing stopped")


def _run_workers(config, host, port, workers):
    """N processes behind one port: migrate once, bind (SO_REUSEPORT), fork, serve in each.
    They share sessions, locks and the WeChat token through Redis, so memory:// is refused."""
    import tornado.netutil

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
    if _fork_workers(workers, sockets) is None:  # the parent: its workers have all exited
        return _fork_workers.exit_code
    _serve(config, _run(config, host, port, sockets=sockets))
    return 0


def _fork_workers(count, sockets=(), max_restarts=100):
    """Fork `count` workers; return the worker's index in a child, None in the parent once every
    worker has exited. Unlike tornado.process.fork_processes, SIGTERM or SIGINT to the parent is
    passed to every worker (each drains, then exits), the parent closes its copy of the listening
    sockets and waits for them; a worker that dies on its own is restarted, at most `max_restarts`
    times."""
    children, stopping = {}, False

    def spawn(index):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the worker's loop installs its own
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            return True
        children[pid] = index
        return False

    for index in range(count):
        if spawn(index):
            return index

    def forward(signum, frame):
        nonlocal stopping
        stopping = True
        for sock in sockets:
            # The parent never accepts: with its copy open, the kernel would keep queueing
            # connections after the workers stop listening, and reset them when it exits.
            sock.close()
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    _fork_workers.exit_code = 0
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        index = children.pop(pid, None)
        if index is None:
            continue
        code = os.waitstatus_to_exitcode(status)
        if stopping:  # a worker still starting up dies of the SIGTERM itself: that is a stop too
            if code not in (0, -signal.SIGTERM):
                _fork_workers.exit_code = 1
            continue
        logging.getLogger("mingjing").warning("worker %d (pid %d) exited with %d", index, pid, code)
        if max_restarts <= 0:
            _fork_workers.exit_code = 1
            forward(signal.SIGTERM, None)
            continue
        max_restarts -= 1
        time.sleep(0.5)  # a worker that cannot start does not spin the parent
        if spawn(index):
            return index
    return None


class _Tracked(tornado.httputil.HTTPMessageDelegate):
    """Wraps the application's delegate for one request: marks its connection busy from the
    request line until the response is flushed (or the client goes away)."""

    def __init__(self, server, server_conn, request_conn, inner):
        self.server, self.server_conn, self.request_conn, self.inner = (
            server, server_conn, request_conn, inner)

    def headers_received(self, start_line, headers):
        self.server.busy[self.server_conn] = self.request_conn
        self.server_conn.served = getattr(self.server_conn, "served", 0) + 1
        if self.server.draining:
            self.request_conn._disconnect_on_finish = True  # answers with Connection: close
        self.request_conn._finish_future.add_done_callback(self._done)
        return self.inner.headers_received(start_line, headers)

    def _done(self, _future):
        if self.server.busy.get(self.server_conn) is self.request_conn:
            del self.server.busy[self.server_conn]

    def data_received(self, chunk):
        return self.inner.data_received(chunk)

    def finish(self):
        return self.inner.finish()

    def on_connection_close(self):
        return self.inner.on_connection_close()


class GracefulHTTPServer(tornado.httpserver.HTTPServer):
    """An HTTPServer that can drain: stop accepting, close idle keep-alive connections, let each
    request in flight finish (its response says Connection: close), then close what is left."""

    def initialize(self, *args, **kwargs):
        super().initialize(*args, **kwargs)
        self.busy = {}  # server connection -> its request in flight
        self.draining = False

    @property
    def in_flight(self):
        return len(self.busy)

    def start_request(self, server_conn, request_conn):
        return _Tracked(self, server_conn, request_conn,
                        super().start_request(server_conn, request_conn))

    async def drain(self, timeout, grace=2.0):
        """Returns how many requests were still running at the deadline (and were cut)."""
        self.draining = True
        self._accept_backlog()
        self.stop()
        loop = asyncio.get_running_loop()
        start = loop.time()
        deadline = start + max(0, timeout)
        while self._connections and loop.time() < deadline:
            for conn in list(self._connections):
                request = self.busy.get(conn)
                if request is not None:
                    request._disconnect_on_finish = True  # answers, then closes
                elif _has_input(conn):
                    continue  # a request is arriving: serve it
                elif getattr(conn, "served", 0) or loop.time() - start > grace:
                    # Idle keep-alive between requests (or a connection that sent nothing
                    # within the grace): closing it loses nothing.
                    conn.stream.close()
            await asyncio.sleep(0.05)
        cut = len(self.busy)
        try:
            await asyncio.wait_for(self.close_all_connections(), timeout=5)
        except asyncio.TimeoutError:
            pass
        return cut

    def _accept_backlog(self):
        """Connections the kernel completed before we stop listening were sent by clients that
        expect an answer: take them in (closing the socket would reset them)."""
        for sock in list(self._sockets.values()):
            while True:
                try:
                    connection, address = sock.accept()
                except (BlockingIOError, InterruptedError, OSError):
                    break
                self._handle_connection(connection, address)


def _has_input(conn):
    """Bytes of a next request already received on an idle connection (buffered or unread)."""
    stream = conn.stream
    if getattr(stream, "_read_buffer_size", 0):
        return True
    sock = getattr(stream, "socket", None)
    if sock is None:
        return False
    try:
        return bool(sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return False


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
    bak = sub.add_parser("backup", help="write a consistent, encrypted backup of the database "
                         "and the uploads")
    bak.add_argument("file")
    res = sub.add_parser("restore", help="restore a backup into an empty database")
    res.add_argument("file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from server import redact

    redact.install()  # phone and ID numbers never reach a log line, whoever logs them
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"配置错误: {exc}", file=sys.stderr)
        return 2
    from server import logs

    logs.install(config.logging.format)  # request ids in every line; json for production
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
