"""WeChatGateway: the app's one way to talk to WeChat (login, phone number, subscribe messages).

wechatpy does the HTTP in worker threads; the access_token lives in Redis and one process at a
time refreshes it.
"""

import asyncio
import functools
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress

import requests
from optionaldict import optionaldict
from redis.exceptions import LockError, RedisError
from wechatpy.client import WeChatClient
from wechatpy.client.api.base import BaseWeChatAPI
from wechatpy.exceptions import WeChatClientException

from server.errors import BadRequest, Conflict, RateLimited, Unavailable

log = logging.getLogger(__name__)

WECHAT_BASE = "https://api.weixin.qq.com/"
# 40001 invalid credential, 40014 invalid access_token, 42001 expired: all mean "get a new token".
TOKEN_ERRCODES = {40001, 40014, 42001}
# Cache a token for its remaining life minus this; when less is left we force a new one, and
# WeChat keeps the previous token valid for these same 5 minutes, so other holders finish their
# calls undisturbed.
TOKEN_MARGIN = 300
MIN_TOKEN_LIFE = TOKEN_MARGIN + 60

LOGIN_CODE_INVALID = "登录凭证无效，请重新进入小程序"
PHONE_CODE_INVALID = "手机号授权凭证无效，请重新授权"
UNAVAILABLE = "微信服务暂不可用"
UNREACHABLE = "无法连接微信服务，请稍后重试"
# A client may retry a WeChat outage after this many seconds.
RETRY_AFTER = 5


class WeChatTimeout(requests.Timeout):
    """A call that did not finish within the gateway's overall deadline (queue wait included)."""


def unreachable():
    return Unavailable(UNREACHABLE, code="WECHAT_UNAVAILABLE",
                       headers={"Retry-After": str(RETRY_AFTER)})


class SubscribeError(Exception):
    """A subscribe message WeChat did not accept: `errcode` as WeChat gave it (None: unreachable)."""

    def __init__(self, errcode, errmsg=""):
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg or ""


class _Client(WeChatClient):
    """A wechatpy client that never fetches or stores a token itself: the gateway hands one in.

    The token comes from Redis via async code on the IOLoop while this client runs in worker
    threads, so it travels in a thread-local set around each call, not in wechatpy's storage.
    """

    def __init__(self, *, appid, secret, api_base, timeout):
        # auto_retry off: wechatpy's retry would fetch a token in the worker thread, past Redis.
        super().__init__(appid, secret, timeout=timeout, auto_retry=False)
        self._local = threading.local()
        self.api_base = api_base
        self.API_BASE_URL = api_base + "cgi-bin/"
        # Sub-APIs (wxa, template, ...) carry their own absolute https://api.weixin.qq.com/ prefix.
        for api in vars(self).values():
            base = getattr(api, "API_BASE_URL", "") if isinstance(api, BaseWeChatAPI) else ""
            if base.startswith(WECHAT_BASE):
                api.API_BASE_URL = api_base + base[len(WECHAT_BASE) :]

    @property
    def access_token(self):
        # None for calls that need no token (jscode2session): requests drops None-valued params.
        local = getattr(self, "_local", None)
        return getattr(local, "token", None)

    def call(self, token, fn, *args, **kwargs):
        self._local.token = token
        try:
            return fn(*args, **kwargs)
        finally:
            self._local.token = None

    def fetch_access_token(self, force_refresh=False):
        """POST cgi-bin/stable_token: unlike cgi-bin/token it leaves others' token valid."""
        res = self._http.post(
            self.api_base + "cgi-bin/stable_token",
            json={
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self.secret,
                "force_refresh": bool(force_refresh),
            },
            timeout=self.timeout,
        )
        res.raise_for_status()
        result = res.json()
        if result.get("errcode"):
            raise WeChatClientException(
                result["errcode"], result.get("errmsg"), client=self, response=res
            )
        return result


def _map_error(errcode, errmsg, invalid_message):
    if errcode == 40029:
        return BadRequest(invalid_message, code="WECHAT_CODE_INVALID")
    if errcode == 40163:
        return Conflict("登录凭证已使用，请重试", code="WECHAT_CODE_USED")
    if errcode == 45011:
        return RateLimited(
            "微信接口调用过于频繁，请稍后再试", code="WECHAT_RATE_LIMITED", retry_after=60
        )
    if errcode == 43101:
        return Conflict("用户未订阅该消息", code="WECHAT_NOT_SUBSCRIBED")
    # Anything else (bad appid/secret, bad template, a token still refused after a refresh) is on
    # our side or WeChat's, not the user's: log the detail, show a generic message.
    log.error("WeChat error %s: %s", errcode, errmsg)
    return Unavailable(UNAVAILABLE, code="WECHAT_UNAVAILABLE")


@contextmanager
def _wechat_errors(invalid_message=LOGIN_CODE_INVALID):
    try:
        yield
    except WeChatClientException as exc:
        if exc.errcode is None:  # wechatpy's wrapper for an HTTP error status
            status = exc.response.status_code if exc.response is not None else "?"
            log.warning("WeChat HTTP error: %s", status)
            raise unreachable() from exc
        raise _map_error(exc.errcode, exc.errmsg, invalid_message) from exc
    except (requests.RequestException, LockError, RedisError) as exc:
        log.warning("WeChat unreachable: %r", exc)
        raise unreachable() from exc


class WeChatGateway:
    def __init__(self, *, appid, secret, api_base, redis, timeout=5):
        api_base = api_base.rstrip("/") + "/"
        self.appid = appid
        self.api_base = api_base
        self._redis = redis
        self._timeout = timeout
        self._client = _Client(appid=appid, secret=secret, api_base=api_base, timeout=timeout)
        self._executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="wechat")
        self._token_key = f"wechat:access_token:{appid}"
        self._lock_key = f"wechat:access_token_lock:{appid}"

    # -- public API ------------------------------------------------------------------------------

    async def code_to_session(self, code):
        """wx.login() code -> {"openid", "session_key", "unionid"}.

        unionid is None unless the mini-program is bound to an open-platform account.
        """
        if not code:
            raise BadRequest(LOGIN_CODE_INVALID, code="WECHAT_CODE_INVALID")
        with _wechat_errors(LOGIN_CODE_INVALID):
            result = await self._call(None, self._client.wxa.code_to_session, code)
        if not result.get("openid") or not result.get("session_key"):
            raise Unavailable(UNAVAILABLE, code="WECHAT_UNAVAILABLE")
        return {
            "openid": result["openid"],
            "session_key": result["session_key"],
            "unionid": result.get("unionid"),
        }

    async def get_phone_number(self, code):
        """getPhoneNumber button code -> the phone number without country code ("13800001234")."""
        if not code:
            raise BadRequest(PHONE_CODE_INVALID, code="WECHAT_CODE_INVALID")
        with _wechat_errors(PHONE_CODE_INVALID):
            result = await self._with_token(self._client.wxa.get_phone_number, code)
        info = result.get("phone_info") or {}
        # The watermark proves the number was issued for our mini-program, not another's.
        if info.get("watermark", {}).get("appid") != self.appid or not info.get("purePhoneNumber"):
            log.error("WeChat phone_info without our watermark")
            raise Unavailable(UNAVAILABLE, code="WECHAT_UNAVAILABLE")
        return info["purePhoneNumber"]

    async def send_subscribe_message(
        self, openid, template_id, data, page=None, *, miniprogram_state=None
    ):
        """Send a subscribe message (订阅消息); returns WeChat's msgid.

        data values may be plain strings ({"thing1": "年休假"}) or WeChat's {"value": ...} form.
        """
        data = {k: v if isinstance(v, dict) else {"value": str(v)} for k, v in data.items()}
        body = optionaldict(
            touser=openid,
            template_id=template_id,
            page=page,
            data=data,
            miniprogram_state=miniprogram_state,
            lang="zh_CN",
        )
        # wechatpy's send_subscribe_message cannot pass miniprogram_state: same endpoint by hand.
        post = functools.partial(
            self._client.wxa._post, "cgi-bin/message/subscribe/send", data=body
        )
        with _wechat_errors():
            result = await self._with_token(post)
        return result.get("msgid")

    async def deliver_subscribe_message(self, openid, template_id, data, page=None, *,
                                        miniprogram_state=None):
        """Like send_subscribe_message, for the delivery worker: WeChat's own errcode comes back
        as SubscribeError (-1 busy, 45009 quota, 43101 refused, 47003 bad data ...) so the worker
        can tell a retry from a permanent failure."""
        data = {k: v if isinstance(v, dict) else {"value": str(v)} for k, v in data.items()}
        body = optionaldict(touser=openid, template_id=template_id, page=page, data=data,
                            miniprogram_state=miniprogram_state, lang="zh_CN")
        post = functools.partial(
            self._client.wxa._post, "cgi-bin/message/subscribe/send", data=body
        )
        try:
            result = await self._with_token(post)
        except WeChatClientException as exc:
            raise SubscribeError(exc.errcode, exc.errmsg) from exc
        except (requests.RequestException, LockError, RedisError) as exc:
            raise SubscribeError(None, f"unreachable: {type(exc).__name__}") from exc
        return str(result.get("msgid") or "")

    # -- official accounts (公众号): a unit's own appid, its followers, template messages --------

    def for_account(self, appid, secret):
        """A gateway for another appid (a unit's official account) on the same API base and Redis:
        its own access_token key and lock. Cached per (appid, secret)."""
        cache = self.__dict__.setdefault("_accounts", {})
        gateway = cache.get((appid, secret))
        if gateway is None:
            gateway = cache[(appid, secret)] = WeChatGateway(
                appid=appid, secret=secret, api_base=self.api_base, redis=self._redis,
                timeout=self._timeout)
        return gateway

    async def _oa_call(self, fn):
        try:
            return await self._with_token(fn)
        except WeChatClientException as exc:
            raise SubscribeError(exc.errcode, exc.errmsg) from exc
        except (requests.RequestException, LockError, RedisError) as exc:
            raise SubscribeError(None, f"unreachable: {type(exc).__name__}") from exc

    async def oa_followers_page(self, next_openid=None):
        """cgi-bin/user/get: one page of follower openids -> {"total", "count", "openids",
        "next_openid"}. WeChat errors come back as SubscribeError."""
        result = await self._oa_call(
            functools.partial(self._client.user.get_followers, next_openid or None))
        return {"total": int(result.get("total") or 0), "count": int(result.get("count") or 0),
                "openids": list((result.get("data") or {}).get("openid") or []),
                "next_openid": result.get("next_openid") or ""}

    async def oa_users_info(self, openids):
        """cgi-bin/user/info/batchget for at most 100 openids -> WeChat's user_info_list."""
        body = {"user_list": [{"openid": o, "lang": "zh_CN"} for o in openids]}
        post = functools.partial(self._client.user._post, "user/info/batchget", data=body)
        result = await self._oa_call(post)
        return list(result.get("user_info_list") or [])

    async def deliver_template_message(self, openid, template_id, data, *, url=None,
                                       mini_program=None):
        """An official account's template message (wechatpy's message.send_template) for the
        delivery worker; returns the msgid, WeChat's errcode as SubscribeError (43004 not
        following, 40003 bad openid, -1 / 45009 try later ...)."""
        data = {k: v if isinstance(v, dict) else {"value": str(v)} for k, v in data.items()}
        send = functools.partial(self._client.message.send_template, openid, template_id, data,
                                 url=url, mini_program=mini_program)
        result = await self._oa_call(send)
        return str(result.get("msgid") or "")

    async def get_access_token(self):
        with _wechat_errors():
            return await self._cached_token() or await self._refresh(stale=None)

    async def close(self):
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._client._http.close()

    # -- internals -------------------------------------------------------------------------------

    @property
    def deadline(self):
        """Longest a caller waits for one WeChat call, waiting for a free worker included: the
        HTTP timeout (requests applies it to the connect and to each read) plus a second. A slow
        WeChat ties up workers; a call queued behind them gives up here instead of queueing on."""
        return self._timeout + 1

    async def _call(self, token, fn, *args):
        """Run a blocking wechatpy call in our pool, never on the IOLoop, within `deadline`."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(
            self._executor, functools.partial(self._client.call, token, fn, *args)
        )
        try:
            result = await asyncio.wait_for(future, self.deadline)
        except asyncio.TimeoutError:
            # A queued call is cancelled; a running one ends at requests' own timeout.
            raise WeChatTimeout(f"no answer from WeChat within {self.deadline}s") from None
        if not isinstance(result, dict):  # wechatpy returns the raw response when it is not JSON
            raise requests.RequestException("WeChat answered with something other than JSON")
        return result

    async def _with_token(self, fn, *args):
        token = await self._cached_token() or await self._refresh(stale=None)
        try:
            return await self._call(token, fn, *args)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_ERRCODES:
                raise
            log.info("WeChat refused the access_token (%s); refreshing once", exc.errcode)
        token = await self._refresh(stale=token)
        return await self._call(token, fn, *args)

    async def _cached_token(self):
        token = await self._redis.get(self._token_key)
        return token.decode() if isinstance(token, bytes) else token

    async def _refresh(self, *, stale):
        """Get a token from WeChat and store it, one process at a time; the others wait and read it.

        `stale` is a token WeChat just refused: it counts as no token at all.
        """
        # The lock outlives two fetches by the holder (each within `deadline`); a waiter waits
        # one deadline at most: when WeChat hangs, callers must not queue one timeout after another.
        hold = self._timeout * 4 + 5
        lock = self._redis.lock(self._lock_key, timeout=hold, blocking_timeout=self.deadline)
        if not await lock.acquire():
            token = await self._cached_token()
            if token and token != stale:
                return token
            raise LockError("timed out waiting for another process to refresh the access_token")
        try:
            token = await self._cached_token()
            if token and token != stale:
                return token  # refreshed by another process while we waited for the lock
            if token:
                await self._redis.delete(self._token_key)
            # Normal mode first: if the stale token was already replaced, WeChat hands us the new
            # one and we spend no force_refresh (those are scarce). Force only if it returns the
            # bad one.
            result = await self._call(None, self._client.fetch_access_token, False)
            if result["access_token"] == stale or int(result.get("expires_in", 0)) < MIN_TOKEN_LIFE:
                result = await self._call(None, self._client.fetch_access_token, True)
            token = result["access_token"]
            ttl = max(int(result.get("expires_in", 7200)) - TOKEN_MARGIN, 1)
            await self._redis.set(self._token_key, token, ex=ttl)
            return token
        finally:
            with suppress(LockError):
                await lock.release()
