"""Background exports (issue 16): a large file (a whole unit's attendance XLSX) is built off the
request. POST starts a job and answers its id; its state and progress live in Redis; the file
is written under the upload directory (exports/) and fetched, until it expires, only by the
person who asked for it (the job runs with their reach, so the file holds only what they may see).
A job whose process died stops renewing its heartbeat and is shown as failed.
"""
import asyncio
import datetime
import json
import logging
import os
import secrets

from models.base import atomic, utcnow
from server.errors import Conflict, Gone, NotFound
from services import audit

log = logging.getLogger("mingjing.exports")

TTL = datetime.timedelta(hours=24)
STALE = datetime.timedelta(minutes=2)   # no heartbeat for this long: the worker is gone
KEY = "mingjing:report_job:{}"
_tasks = set()


def folder(env):
    path = os.path.join(env.config.server.upload_dir, "exports")
    os.makedirs(path, exist_ok=True)
    return path


def _iso(dt):
    return dt.isoformat() if dt else ""


def _time(value):
    return datetime.datetime.fromisoformat(value) if value else None


async def _save(env, job):
    await env.redis.set(KEY.format(job["id"]), json.dumps(job, ensure_ascii=False),
                        ex=int(TTL.total_seconds()) + 3600)


async def _load(env, job_id):
    raw = await env.redis.get(KEY.format(job_id))
    return json.loads(raw) if raw else None


def _sweep(path, now):
    """Files past their expiry are removed when the next job starts (no separate cleaner)."""
    limit = (now - TTL).timestamp()
    for name in os.listdir(path):
        full = os.path.join(path, name)
        try:
            if os.path.getmtime(full) < limit:
                os.remove(full)
        except OSError:
            pass


async def start(*, actor, kind, params, build, now, unit_id=None):
    """Start `build(progress)` -> (bytes, filename, content type) in the background; audited.
    Returns the job as `view` shows it."""
    env = actor.env
    job_id = secrets.token_hex(16)
    path = folder(env)
    await asyncio.get_running_loop().run_in_executor(None, _sweep, path, now)
    job = {"id": job_id, "kind": kind, "owner": actor.id, "params": params, "status": "running",
           "progress": 0, "message": "排队中", "filename": "", "content_type": "", "stored": "",
           "created_at": _iso(now), "finished_at": "", "expires_at": _iso(now + TTL),
           "heartbeat": _iso(utcnow())}
    async with atomic():
        await audit.record(actor=actor, action="report.export", target_type="report_job",
                           target_id=job_id, after={"kind": kind, **params}, unit_id=unit_id)
    await _save(env, job)
    task = asyncio.get_running_loop().create_task(_run(env, job, build), name=f"export-{job_id}")
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return view(job, now)


async def _run(env, job, build):
    async def progress(percent, message):
        job.update(progress=int(percent), message=message, heartbeat=_iso(utcnow()))
        await _save(env, job)

    try:
        content, filename, content_type = await build(progress)
        stored = f"{job['id']}{os.path.splitext(filename)[1]}"
        full = os.path.join(folder(env), stored)
        await asyncio.get_running_loop().run_in_executor(None, _write, full, content)
        job.update(status="done", progress=100, message="已完成", filename=filename,
                   content_type=content_type, stored=stored, size=len(content),
                   finished_at=_iso(utcnow()), heartbeat=_iso(utcnow()))
    except Exception as exc:   # the job fails visibly; the error is logged, not shown
        log.exception("export job %s failed", job["id"])
        message = getattr(exc, "message", None) or "导出失败，请稍后重试"
        job.update(status="failed", message=message, finished_at=_iso(utcnow()))
    await _save(env, job)


def _write(path, content):
    tmp = path + ".part"
    with open(tmp, "wb") as fh:
        fh.write(content)
    os.replace(tmp, path)


def view(job, now):
    status = job["status"]
    if status == "running" and (utcnow() - _time(job["heartbeat"])) > STALE:
        status = "failed"   # its process stopped (restart): ask again
    expired = now > _time(job["expires_at"])
    return {"id": job["id"], "kind": job["kind"], "status": "expired" if expired else status,
            "progress": job["progress"], "message": "文件已过期，请重新导出" if expired else job["message"],
            "filename": job["filename"], "size": job.get("size", 0),
            "created_at": _time(job["created_at"]), "finished_at": _time(job["finished_at"]),
            "expires_at": _time(job["expires_at"]), "params": job["params"]}


async def _mine(actor, job_id, kind):
    job = await _load(actor.env, job_id)
    # Someone else's job does not exist for the caller (its id is unguessable anyway).
    if job is None or job["owner"] != actor.id or job["kind"] != kind:
        raise NotFound("导出任务不存在或已过期", code="EXPORT_NOT_FOUND")
    return job


async def get(*, actor, job_id, kind, now):
    return view(await _mine(actor, job_id, kind), now)


async def fetch(*, actor, job_id, kind, now):
    """(bytes, filename, content type) of a finished job's file."""
    job = await _mine(actor, job_id, kind)
    shown = view(job, now)
    if shown["status"] == "expired":
        raise Gone("文件已过期，请重新导出", code="EXPORT_EXPIRED")
    if shown["status"] != "done":
        raise Conflict("文件尚未生成" if shown["status"] == "running" else "导出失败，请重新导出",
                       code="EXPORT_NOT_READY")
    full = os.path.join(folder(actor.env), job["stored"])
    try:
        content = await asyncio.get_running_loop().run_in_executor(None, _read, full)
    except FileNotFoundError:
        raise Gone("文件已过期，请重新导出", code="EXPORT_EXPIRED") from None
    return content, job["filename"], job["content_type"]


def _read(path):
    with open(path, "rb") as fh:
        return fh.read()


async def wait_all():
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)
