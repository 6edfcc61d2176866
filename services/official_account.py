"""Official-account (公众号) template messages (issue 13): a unit's own account (secret encrypted,
never shown back), its followers matched to staff through the unionid learned at mini-program
sign-in, and the send services/delivery uses when a person has no subscribe-message allowance.

The follower sync (`official_account.followers`, a scheduler source) lists the account's followers
(cgi-bin/user/get, next_openid paging) and their unionids (cgi-bin/user/info/batchget, 100 at a
time) every SYNC_EVERY, and replaces the account's follower rows in one transaction.
"""
import datetime
import hashlib
import hmac
import json
import logging
import re
from zoneinfo import ZoneInfo

import peewee as pw

from models.base import atomic, fetch_all, get_one, utcnow
from models.org import Staff, Unit
from models.reminders import OaFollower, OfficialAccount, StaffUnion
from server.errors import Invalid, NotFound
from services import audit, scheduler

log = logging.getLogger("mingjing.official_account")
SHANGHAI = ZoneInfo("Asia/Shanghai")
SYNC_EVERY = datetime.timedelta(hours=6)
RETRY_AFTER = datetime.timedelta(minutes=30)   # a failed sync
BATCH = 100                     # user/info/batchget takes at most 100 openids
NOT_FOLLOWING = 43004           # 需要接收者关注: the person left the account
INVALID_OPENID = 40003
APPID = re.compile(r"^wx[0-9A-Za-z_-]{6,40}$")
FAKE_APPID = re.compile(r"^[\w.-]{2,64}$")


def unionid_hash(env, unionid):
    """A keyed hash of the unionid (case kept, domain-separated from the phone's blind index)."""
    if not unionid:
        return None
    return hmac.new(env.cipher.index_key, b"unionid:" + str(unionid).encode(),
                    hashlib.sha256).hexdigest()


async def remember_unionid(env, staff_id, unionid):
    """Keep a signed-in person's unionid (as a hash). Called from the mini-program login; cheap
    when nothing changed."""
    digest = unionid_hash(env, unionid)
    if not digest or not staff_id:
        return
    row = await StaffUnion.aget_or_none(StaffUnion.staff == staff_id)
    if row is not None and row.unionid_hash == digest:
        return
    try:
        if row is None:
            await StaffUnion.acreate(staff=staff_id, unionid_hash=digest, updated_at=utcnow())
        else:
            await StaffUnion.update(unionid_hash=digest, updated_at=utcnow()).where(
                StaffUnion.staff == staff_id).aexecute()
    except pw.IntegrityError:
        pass   # two logins at once: the other one stored the same value


# -- which events, which account, which follower ------------------------------------------------

async def events_with_templates():
    """Events some enabled official account has a template for."""
    out = set()
    for row in await fetch_all(OfficialAccount.select(OfficialAccount.templates).where(
            OfficialAccount.enabled == True)):  # noqa: E712
        out.update(e for e, t in (row.templates or {}).items()
                   if isinstance(t, dict) and t.get("template_id"))
    return out


async def _account_of(unit_id):
    """The unit's enabled official account, or None."""
    return await OfficialAccount.aget_or_none(OfficialAccount.unit == unit_id,
                                              OfficialAccount.enabled == True)  # noqa: E712


async def has_template_for(staff_id, event):
    """Whether this person's unit has an enabled account with a template for `event` (one query:
    it runs for every recipient of an event only official accounts have a template for)."""
    account = await get_one(OfficialAccount.select(OfficialAccount.templates)
                            .join(Staff, on=(Staff.unit == OfficialAccount.unit))
                            .where(Staff.id == staff_id, OfficialAccount.enabled == True))  # noqa: E712
    return bool(account and ((account.templates or {}).get(event) or {}).get("template_id"))


async def staff_with_template(staff_ids, event):
    """The ids among `staff_ids` whose unit has an enabled account with a template for `event`:
    one joined query per 500 recipients of an event, not one per recipient (has_template_for)."""
    ids = sorted({int(i) for i in staff_ids})
    out = set()
    for i in range(0, len(ids), 500):
        for sid, templates in await fetch_all(
                Staff.select(Staff.id, OfficialAccount.templates)
                .join(OfficialAccount, on=(OfficialAccount.unit == Staff.unit))
                .where(Staff.id.in_(ids[i:i + 500]), OfficialAccount.enabled == True)  # noqa: E712
                .tuples()):
            if isinstance(templates, str):   # a raw JSON column outside the model's own select
                templates = json.loads(templates or "{}")
            if ((templates or {}).get(event) or {}).get("template_id"):
                out.add(sid)
    return out


async def route(env, staff, event):
    """(account, follower openid, template) when the person's unit has an official account with a
    template for `event` and they follow it; else (None, None, reason)."""
    account = await _account_of(staff.unit_id)
    if account is None:
        return None, None, ""
    template = (account.templates or {}).get(event) or {}
    if not template.get("template_id"):
        return None, None, "公众号未配置该事件的模板"
    union = await StaffUnion.aget_or_none(StaffUnion.staff == staff.id)
    if union is None:
        return None, None, "未关注单位公众号（或尚未获取 unionid）"
    follower = await OaFollower.aget_or_none(OaFollower.account == account.id,
                                             OaFollower.unionid_hash == union.unionid_hash,
                                             OaFollower.subscribed == True)  # noqa: E712
    if follower is None:
        return None, None, "未关注单位公众号"
    return account, follower.openid, template


def gateway(env, account):
    return env.wechat.for_account(account.appid, env.cipher.decrypt(account.secret_enc) or "")


async def send(env, account, openid, template, notification, page):
    """One template message; WeChat's errcode comes back as server.wechat.SubscribeError."""
    from services import delivery

    data = delivery.build_data(notification, template.get("fields"))
    mini_program = {"appid": env.wechat.appid, "pagepath": page} if page else None
    return await gateway(env, account).deliver_template_message(
        openid, template["template_id"], data, mini_program=mini_program)


async def mark_unfollowed(account_id, openid):
    """43004 / 40003 / an unsubscribe event: not reachable through the account until the next
    sync finds them following again."""
    await OaFollower.update(subscribed=False, synced_at=utcnow()).where(
        OaFollower.account == account_id, OaFollower.openid == openid).aexecute()


async def reach_map(staff_rows):
    """{staff id: "following" | "not_following" | ""} for the console's reach view ("" = their
    unit has no official account)."""
    accounts = {a.unit_id: a for a in await fetch_all(OfficialAccount.select().where(
        OfficialAccount.enabled == True))}  # noqa: E712
    if not accounts:
        return {}
    ids = [s.id for s in staff_rows if s.unit_id in accounts]
    if not ids:
        return {}
    unions = {u.staff_id: u.unionid_hash for u in await fetch_all(
        StaffUnion.select().where(StaffUnion.staff.in_(ids)))}
    following = set()
    hashes = list(set(unions.values()))
    for i in range(0, len(hashes), 500):
        for row in await fetch_all(OaFollower.select(OaFollower.account, OaFollower.unionid_hash)
                                   .where(OaFollower.unionid_hash.in_(hashes[i:i + 500]),
                                          OaFollower.subscribed == True)):  # noqa: E712
            following.add((row.account_id, row.unionid_hash))
    out = {}
    for s in staff_rows:
        account = accounts.get(s.unit_id)
        if account is None:
            continue
        h = unions.get(s.id)
        out[s.id] = "following" if h and (account.id, h) in following else "not_following"
    return out


# -- follower sync ------------------------------------------------------------------------------

async def sync_followers(env, account, *, now=None):
    """List the account's followers and their unionids, then replace its follower rows. The calls
    to WeChat happen outside any transaction. Returns {"followers", "matched"} or {"error"}."""
    from server.wechat import SubscribeError

    now = now or utcnow()
    gw = gateway(env, account)
    openids, next_openid = [], None
    try:
        while True:
            page = await gw.oa_followers_page(next_openid)
            openids.extend(page["openids"])
            if not page["count"] or not page["next_openid"] or len(openids) >= page["total"]:
                break
            next_openid = page["next_openid"]
        infos = []
        for i in range(0, len(openids), BATCH):
            infos.extend(await gw.oa_users_info(openids[i:i + BATCH]))
    except SubscribeError as exc:
        message = f"同步关注者失败（{exc.errcode}）" if exc.errcode is not None else "无法连接微信服务器"
        await OfficialAccount.update(last_sync_error=message[:200], last_sync_at=now).where(
            OfficialAccount.id == account.id).aexecute()
        log.warning("official account %s: follower sync failed: %s", account.appid, exc)
        return {"error": message}
    rows, seen = [], set()
    for info in infos:
        openid = str(info.get("openid") or "")[:64]
        if not openid or openid in seen or not info.get("subscribe"):
            continue
        seen.add(openid)
        rows.append({"account": account.id, "openid": openid,
                     "unionid_hash": unionid_hash(env, info.get("unionid")),
                     "subscribed": True, "synced_at": now})
    async with atomic():
        await OaFollower.delete().where(OaFollower.account == account.id).aexecute()
        for i in range(0, len(rows), 500):
            await OaFollower.insert_many(rows[i:i + 500]).aexecute()
        await OfficialAccount.update(followers=len(rows), last_sync_at=now, last_sync_error="").where(
            OfficialAccount.id == account.id).aexecute()
    hashes = [r["unionid_hash"] for r in rows if r["unionid_hash"]]
    matched = 0
    for i in range(0, len(hashes), 500):
        matched += len(await fetch_all(StaffUnion.select(StaffUnion.id).where(
            StaffUnion.unionid_hash.in_(hashes[i:i + 500]))))
    return {"followers": len(rows), "matched": matched}


async def followers_source(ctx):
    """Scheduler source: sync every enabled account not synced for SYNC_EVERY. Network-bound, so it
    runs here under the lease and outside any transaction; last_sync_at makes it once per
    period. No job occurrences (nothing to record in job_run)."""
    due = await fetch_all(OfficialAccount.select().where(
        OfficialAccount.enabled == True,  # noqa: E712
        OfficialAccount.last_sync_at.is_null()
        | (OfficialAccount.last_sync_at <= ctx.now - SYNC_EVERY)
        # a failed sync is tried again sooner
        | ((OfficialAccount.last_sync_error != "")
           & (OfficialAccount.last_sync_at <= ctx.now - RETRY_AFTER))))
    for account in due:
        await sync_followers(ctx.env, account, now=ctx.now)
    return []


scheduler.register_source("official_account.followers", followers_source)


# -- console: configuration per unit -------------------------------------------------------------

async def _units(actor):
    actor.require("system.config")
    reach = await actor.require_reach("system.config")
    query = Unit.select().order_by(Unit.id)
    if not reach.everything:
        query = query.where(Unit.id.in_(list(reach.unit_ids) or [0]))
    return await fetch_all(query)


def _beijing(moment):
    if moment is None:
        return ""
    return (moment.replace(tzinfo=datetime.timezone.utc).astimezone(SHANGHAI)
            .strftime("%Y-%m-%d %H:%M"))


def account_out(unit, account):
    templates = (account.templates if account else None) or {}
    return {"unit_id": unit.id, "unit": unit.name, "configured": account is not None,
            "name": account.name if account else "", "appid": account.appid if account else "",
            "secret_set": bool(account and account.secret_enc),
            "enabled": bool(account and account.enabled),
            "templates": json.dumps(templates, ensure_ascii=False, indent=1) if templates else "",
            "events": sorted(templates), "followers": account.followers if account else 0,
            "last_sync_at": account.last_sync_at if account else None,
            "last_sync": _beijing(account.last_sync_at) if account else "",
            "last_sync_error": account.last_sync_error if account else ""}


async def list_accounts(*, actor, env=None):
    units = await _units(actor)
    accounts = {a.unit_id: a for a in await fetch_all(OfficialAccount.select().where(
        OfficialAccount.unit.in_([u.id for u in units] or [0])))}
    out = [account_out(u, accounts.get(u.id)) for u in units]
    for row in out:
        # The account's 服务器配置 (URL and Token) for the subscribe/unsubscribe callback.
        if env is not None and row["configured"]:
            row.update(callback_path=callback_path(row["appid"]),
                       callback_token=callback_token(env, row["appid"]))
    return out


async def _unit_in_reach(actor, unit_id):
    for unit in await _units(actor):
        if unit.id == unit_id:
            return unit
    raise NotFound("单位不存在", code="UNIT_NOT_FOUND")


def _templates(text):
    """{"event": {"template_id": "...", "fields": {"thing1": "title"}}} from the console's JSON."""
    from services import delivery

    try:
        mapping = json.loads(text) if (text or "").strip() else {}
        if not isinstance(mapping, dict):
            raise ValueError
        out = {}
        for event, value in mapping.items():
            if not isinstance(event, str) or not 0 < len(event) <= 40 or not isinstance(value, dict):
                raise ValueError
            template_id = value.get("template_id")
            fields = value.get("fields") or {}
            if not isinstance(template_id, str) or not 0 < len(template_id) <= 128 \
                    or not isinstance(fields, dict) or not all(
                        isinstance(k, str) and isinstance(v, str) for k, v in fields.items()):
                raise ValueError
            out[event] = {"template_id": template_id, "fields": fields}
    except ValueError:
        raise Invalid('模板配置应为 JSON，如 {"approval.result": {"template_id": "…", "fields": '
                      '{"thing1": "title"}}}', code="VALIDATION_FAILED",
                      fields={"templates": "应为 JSON 对象"}) from None
    unknown = sorted(e for e in out if e not in delivery.EVENT_LABELS)
    if unknown:
        raise Invalid(f"未知的事件：{'、'.join(unknown)}", code="VALIDATION_FAILED",
                      fields={"templates": "未知的事件"})
    return out


async def save_account(*, env, actor, unit_id, appid, secret="", name="", enabled=True,
                       templates=""):
    """Create or change a unit's official account. An empty secret keeps the stored one."""
    unit = await _unit_in_reach(actor, unit_id)
    appid = (appid or "").strip()
    pattern = FAKE_APPID if env.config.fake_wechat else APPID
    if not pattern.match(appid):
        raise Invalid("AppID 格式不正确", code="VALIDATION_FAILED", fields={"appid": "格式不正确"})
    mapping = _templates(templates)
    secret = (secret or "").strip()
    if len(secret) > 128:
        raise Invalid("AppSecret 过长", code="VALIDATION_FAILED", fields={"secret": "过长"})
    now = utcnow()
    async with atomic():
        row = await OfficialAccount.aget_or_none(OfficialAccount.unit == unit.id)
        if row is None and not secret:
            raise Invalid("请填写 AppSecret", code="VALIDATION_FAILED", fields={"secret": "必填"})
        values = {"appid": appid, "name": (name or "").strip()[:60], "enabled": bool(enabled),
                  "templates": mapping, "updated_by": actor.id, "updated_at": now}
        if secret:
            values["secret_enc"] = env.cipher.encrypt(secret)
        before = None
        try:
            if row is None:
                row = await OfficialAccount.acreate(unit=unit.id, **values)
            else:
                before = {"appid": row.appid, "enabled": row.enabled,
                          "events": sorted(row.templates or {})}
                if row.appid != appid:   # another account: its followers are not ours
                    await OaFollower.delete().where(OaFollower.account == row.id).aexecute()
                    values.update(followers=0, last_sync_at=None, last_sync_error="")
                await OfficialAccount.update(**values).where(OfficialAccount.id == row.id).aexecute()
        except pw.IntegrityError:
            from server.errors import Conflict
            raise Conflict("该 AppID 已被其他单位使用", code="OFFICIAL_ACCOUNT_APPID_IN_USE") from None
        await audit.record(actor=actor, action="reminder.official_account",
                           target_type="official_account", target_id=row.id, unit_id=unit.id,
                           before=before,
                           after={"appid": appid, "enabled": bool(enabled),
                                  "events": sorted(mapping), "secret_changed": bool(secret)})
    return row.id


async def sync_now(*, env, actor, unit_id):
    """The console's 立即同步: sync one unit's account now (audited)."""
    unit = await _unit_in_reach(actor, unit_id)
    account = await OfficialAccount.aget_or_none(OfficialAccount.unit == unit.id)
    if account is None:
        raise NotFound("该单位未配置公众号", code="OFFICIAL_ACCOUNT_NOT_FOUND")
    result = await sync_followers(env, account)
    async with atomic():
        await audit.record(actor=actor, action="reminder.official_account_sync",
                           target_type="official_account", target_id=account.id, unit_id=unit.id,
                           after=result)
    return result


# -- the account's server callback (服务器配置): subscribe / unsubscribe events -------------------

def callback_token(env, appid):
    """The Token to enter in the account's 服务器配置: derived from our signing key and the appid
    (nothing to store; shown to the system administrator in the console)."""
    key = (env.config.security.signing_key or "").encode() or env.cipher.index_key
    return hmac.new(key, b"oa-callback:" + appid.encode(), hashlib.sha256).hexdigest()[:32]


def callback_path(appid):
    return f"/wechat/oa/{appid}"


def check_callback_signature(env, appid, signature, timestamp, nonce):
    expected = hashlib.sha1("".join(sorted([callback_token(env, appid), timestamp or "",
                                            nonce or ""])).encode()).hexdigest()
    return hmac.compare_digest(expected, (signature or "").lower())


async def account_by_appid(appid):
    return await OfficialAccount.aget_or_none(OfficialAccount.appid == appid,
                                              OfficialAccount.enabled == True)  # noqa: E712


async def follower_event(env, account, *, openid, event):
    """WeChat told us `openid` followed ("subscribe") or left ("unsubscribe") the account. A new
    follower's unionid is asked for at once (one user/info/batchget); if WeChat does not answer,
    the row waits for the next sync to fill it."""
    from server.wechat import SubscribeError

    openid = openid[:64]
    if event == "unsubscribe":
        await mark_unfollowed(account.id, openid)
        return "unfollowed"
    digest = None
    try:
        info = await gateway(env, account).oa_users_info([openid])
        if info and info[0].get("subscribe"):
            digest = unionid_hash(env, info[0].get("unionid"))
    except SubscribeError as exc:
        log.warning("official account %s: user info for a new follower failed: %s",
                    account.appid, exc)
    now = utcnow()
    changes = {"subscribed": True, "synced_at": now}
    if digest:
        changes["unionid_hash"] = digest
    async with atomic():
        done = await OaFollower.update(**changes).where(
            OaFollower.account == account.id, OaFollower.openid == openid).aexecute()
        if not done:
            try:
                await OaFollower.acreate(account=account.id, openid=openid, **changes)
            except pw.IntegrityError:
                pass   # the same event twice at once (WeChat retries)
    return "followed"
