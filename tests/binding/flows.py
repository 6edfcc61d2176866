"""Helpers for the binding tests: WeChat codes, tickets, phone binding, raw rows."""
import hashlib
import itertools
import json
import time

_codes = itertools.count(1)


def wx_login(api, fake, openid):
    """POST /api/auth/wechat with a fresh one-time code for this openid."""
    code = f"code-{next(_codes)}"
    fake.add_login_code(code, openid)
    return api.post("/api/auth/wechat", {"code": code})


def ticket_for(api, fake, openid):
    r = wx_login(api, fake, openid)
    assert r.status == 200 and r.data["status"] == "unbound", r
    return r.data["ticket"]


def bind_phone(api, fake, ticket, phone):
    code = f"pcode-{next(_codes)}"
    fake.add_phone_code(code, phone)
    return api.post("/api/binding/phone", {"ticket": ticket, "phone_code": code})


def file_request(api, ticket, conflict, name="张三", **extra):
    return api.post("/api/binding/requests", {"ticket": ticket, "conflict": conflict, "name": name,
                                              **extra})


def staff_row(server, staff_id):
    from models.org import Staff
    return server.run(Staff.aget(Staff.id == staff_id))


def audit_rows(server, action):
    from models.audit import AuditLog
    return list(server.run(AuditLog.select().where(AuditLog.action == action)
                           .order_by(AuditLog.seq).aexecute()))


def expire_session(server, token):
    """Make a session's own expiry lie in the past (as if its TTL ran out)."""
    key = "sess:" + hashlib.sha256(token.encode()).hexdigest()

    async def go():
        record = json.loads(await server.env.redis.get(key))
        record["expires"] = int(time.time()) - 1
        await server.env.redis.set(key, json.dumps(record))
    server.run(go())


def expire_ticket(server, ticket):
    key = "bind_ticket:" + hashlib.sha256(ticket.encode()).hexdigest()
    server.run(server.env.redis.delete(key))
