"""The server's one worker process (issue 16): CPU-heavy work that would hold the event loop runs
here instead — a whole unit's report file (services/attendance_report) and the judging of a
unit's month (services/attendance_days). `python -m server run` starts it before serving and
shuts it down after draining; elsewhere (tests, scripts) it starts on first use and is shut down
at exit.
"""
import asyncio
import atexit
import concurrent.futures
import concurrent.futures.process
import multiprocessing
import os
import select
import signal
import threading
import time

BrokenWorker = concurrent.futures.process.BrokenProcessPool
_POOL = None
_closed = False   # after shutdown(): callers fall back to their in-process path


def pool():
    """The executor with its one worker process (forkserver: a clean interpreter, no copy of the
    server's sockets or connections; nice 10: below the server's loop on a busy machine)."""
    global _POOL
    if _closed:
        raise BrokenWorker("the worker process was shut down")
    if _POOL is None:
        _POOL = concurrent.futures.ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("forkserver"),
            initializer=_init, initargs=(os.getpid(),))
        atexit.register(_POOL.shutdown, wait=True)   # not left to interpreter teardown
    return _POOL


def forget(broken):
    """A worker died (killed): the next call gets a new process."""
    global _POOL
    if broken is not None and _POOL is broken:
        _POOL = None


async def run(fn, *args):
    """fn(*args) in the worker process; BrokenWorker if the process died (the next call starts a
    new one)."""
    executor = None
    try:
        executor = pool()
        return await asyncio.get_running_loop().run_in_executor(executor, fn, *args)
    except BrokenWorker:
        forget(executor)
        raise


def _init(server_pid):
    os.nice(10)
    threading.Thread(target=_exit_with, args=(server_pid,), name="server-watch", daemon=True).start()
    # Ctrl-C reaches the whole process group: the server's graceful shutdown closes this process
    # (no KeyboardInterrupt traceback from it). SIGTERM to the group still ends it at once: a
    # batch cut there is a rolled-back transaction, judged again on next need.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _exit_with(server_pid):
    """A server killed outright (SIGKILL, the OOM killer) never shuts this process down, and it
    would wait for work forever (its queue's other end is its own): it exits with the server. The
    forkserver, kept alive by this process's copy of its pipe, then exits too."""
    try:
        fd = os.pidfd_open(server_pid)
    except OSError:   # already gone (or no pidfd): poll
        fd = None
    if fd is not None:
        select.select([fd], [], [])
    else:
        while True:
            try:
                os.kill(server_pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                pass
            time.sleep(1)
    os._exit(0)


def _ready():
    return os.getpid()


async def start():
    """Start the process now, off the event loop: the first submit forks it and waits for the
    forkserver (~100 ms of a stalled loop at the first export otherwise). Returns its pid."""
    executor = pool()
    loop = asyncio.get_running_loop()
    try:
        future = await loop.run_in_executor(None, executor.submit, _ready)
        return await asyncio.wrap_future(future)
    except BrokenWorker:
        forget(executor)
        raise


async def shutdown():
    """Graceful shutdown: queued work is dropped, the running call finishes, the process exits;
    work asked for afterwards (a background task still running) runs in-process."""
    global _POOL, _closed
    executor, _POOL, _closed = _POOL, None, True
    if executor is not None:
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: executor.shutdown(wait=True, cancel_futures=True))
