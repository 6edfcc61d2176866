"""A fake WeChat API server (real HTTP on loopback) for tests and the dev ("fake") mode.

It answers like api.weixin.qq.com (errors are HTTP 200 with {"errcode", "errmsg"});
/__fake__/ is its control API.
"""

import argparse
import asyncio
import inspect
import json
import os
import re
import secrets
import socket
import time
from collections import Counter

from tornado.httpclient import AsyncHTTPClient
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

TOKEN_TTL = 7200
# stable_token: after a force_refresh the previous token keeps working this long (5 minutes).
OVERLAP = 300
FAKE_LOGIN = re.compile(r"^fake:(?P<openid>[\w.-]{1,64})$")
FAKE_PHONE = re.compile(r"^fakephone:(?P<phone>1\d{10})$")

ERRORS = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40013: "invalid appid",
    40029: "invalid code",
    40037: "invalid template_id",
    40125: "invalid appsecret",
    40003: "invalid openid",
    40032: "invalid openid list size",
    40163: "code been used",
    41001: "access_token missing",
    42001: "access_token expired",
    43004: "require subscribe",
    43101: "user refuse to accept the msg",
    45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit  mustslower  retry next minute",
    47003: "argument invalid! data invalid",
}


class WeChatError(Exception):
    def __init__(self, errcode):
        super().__init__(errcode)
        self.errcode = errcode


class FakeState:
    """Everything the fake knows; plain data so tests can look inside."""

    def __init__(self, apps, auto_subscribe=False):
        self.apps = dict(apps)
        self.default_auto_subscribe = auto_subscribe
        # Every API call waits this long (stands for the network to the real WeChat); the
        # environment sets it for a whole run (benchmarks), set_latency at any time.
        self.default_latency = float(os.environ.get("MINGJING_FAKE_WECHAT_LATENCY_MS") or 0) / 1000
        self.reset()

    def reset(self):
        self.auto_subscribe = self.default_auto_subscribe
        self.long_term = set()  # (openid, template_id): 长期订阅 long-term, repeated sends
        self.failures = []  # (errcode, path): the next matching calls answer this errcode
        self.login_codes = {}  # code -> {"openid", "unionid"}
        self.phone_codes = {}  # code -> (phone, country_code)
        self.used_codes = set()
        self.tokens = {}  # access_token -> (appid, expires_at)
        self.stable = {}  # appid -> current stable token
        self.legacy = {}  # appid -> current /cgi-bin/token token
        self.subscriptions = Counter()  # (openid, template_id) -> sends left (一次性订阅 one-time)
        self.templates = set()
        self.messages = []
        self.calls = Counter()  # path -> count, control API excluded
        # Injected faults, one entry per upcoming call; the last item is the path it applies to
        # (None: any path).
        self.limits = []  # (path,)
        self.delays = []  # (seconds, path)
        self.next_msgid = 1000
        # Official accounts (公众号): appid -> {openid: {"unionid", "subscribe"}} in follow order,
        # (appid, template_id) templates, how many openids one user/get page holds (WeChat: 10000).
        self.oa_followers = {}
        self.oa_templates = set()
        self.oa_page_size = 10000
        self.template_messages = []
        self.latency = self.default_latency
        self.outages = []  # (until (monotonic), errcode, path): every matching call answers errcode

    # Control actions: FakeWeChatServer exposes them as sync helpers, /__fake__/<name> over HTTP.
    def add_login_code(self, code, openid, unionid=None):
        self.login_codes[code] = {"openid": openid, "unionid": unionid}

    def add_phone_code(self, code, phone, country_code="86"):
        self.phone_codes[code] = (phone, country_code)

    def expire_token(self, access_token=None):
        # Expired rather than forgotten, so the API answers 42001 (not 40001) for it.
        for token, (appid, _) in list(self.tokens.items()):
            if access_token in (None, token):
                self.tokens[token] = (appid, 0)

    def rate_limit(self, calls=1, path=None):
        self.limits.extend([(path,)] * int(calls))

    def delay(self, seconds, calls=1, path=None):
        self.delays.extend([(float(seconds), path)] * int(calls))

    def set_latency(self, seconds=0.0):
        """Every API call from now on waits `seconds` before answering (0: none)."""
        self.latency = max(0.0, float(seconds))

    def fail_for(self, errcode, seconds, path="/cgi-bin/message/subscribe/send"):
        """Every matching call answers `errcode` for the next `seconds` (45009: the quota is spent
        for a while), however many calls come meanwhile; `seconds` 0 ends the outages of `path`."""
        if float(seconds) <= 0:
            self.outages = [o for o in self.outages if o[2] != path]
            return
        self.outages.append((time.monotonic() + float(seconds), int(errcode), path))

    def message_counts(self, since=0):
        """Subscribe messages sent (from the `since`-th on): {"sent", "openids" (distinct),
        "most_to_one" (the most any one openid got)}: exactly-once checks without shipping every
        message."""
        messages = self.messages[int(since):]
        per = Counter(m.get("touser") for m in messages)
        return {"sent": len(messages), "openids": len(per),
                "most_to_one": max(per.values()) if per else 0}

    def subscribe(self, openid, template_id, count=1, long_term=False):
        self.templates.add(template_id)  # count=0 only declares the template
        self.subscriptions[(openid, template_id)] += int(count)
        if long_term:
            self.long_term.add((openid, template_id))

    def unsubscribe(self, openid, template_id):
        """The user switched the template off in WeChat's settings: every send is 43101."""
        self.subscriptions[(openid, template_id)] = 0
        self.long_term.discard((openid, template_id))

    def set_auto_subscribe(self, on=True):
        self.auto_subscribe = bool(on)

    def fail(self, errcode, calls=1, path="/cgi-bin/message/subscribe/send"):
        """The next `calls` matching calls answer `errcode` (-1 busy, 45009 quota, 47003 ...)."""
        self.failures.extend([(int(errcode), path)] * int(calls))

    def add_app(self, appid, secret):
        self.apps[appid] = secret

    def oa_follow(self, appid, openid, unionid=None):
        """`openid` follows the official account `appid` (again)."""
        self.oa_followers.setdefault(appid, {})[openid] = {"unionid": unionid, "subscribe": 1}

    def oa_unfollow(self, appid, openid):
        """The follower left: template sends answer 43004, user/get no longer lists them."""
        if openid in self.oa_followers.get(appid, {}):
            self.oa_followers[appid][openid]["subscribe"] = 0

    def oa_add_template(self, appid, template_id):
        self.oa_templates.add((appid, template_id))

    def oa_set_page_size(self, size):
        self.oa_page_size = max(1, int(size))

    def sent_template_messages(self):
        return list(self.template_messages)

    def sent_messages(self):
        return list(self.messages)

    def token_fetches(self, endpoint="stable_token"):
        return self.calls["/cgi-bin/" + endpoint]

    def stats(self):
        fetches = {e: self.token_fetches(e) for e in ("stable_token", "token")}
        return {"calls": dict(self.calls), "token_fetches": fetches}

    def take(self, queue, path):
        """Pop the first queued rule matching this path (None matches every path)."""
        for i, entry in enumerate(queue):
            if entry[-1] in (None, path):
                return queue.pop(i)
        return None

    def check_app(self, appid, secret):
        if appid not in self.apps:
            raise WeChatError(40013)
        if self.apps[appid] != secret:
            raise WeChatError(40125)

    def issue(self, appid, ttl=TOKEN_TTL):
        token = "fake-at-" + secrets.token_hex(16)
        self.tokens[token] = (appid, time.time() + ttl)
        return token

    def check_token(self, token):
        if not token:
            raise WeChatError(41001)
        if token not in self.tokens:
            raise WeChatError(40001)
        if self.tokens[token][1] <= time.time():
            raise WeChatError(42001)
        return self.tokens[token][0]

    def use_code(self, code, registry, pattern):
        """Codes work once, registered or in the fake:/fakephone: form; a second use is 40163."""
        if code in self.used_codes:
            raise WeChatError(40163)
        if code in registry:
            value = registry.pop(code)
        elif pattern.match(code or ""):
            value = None
        else:
            raise WeChatError(40029)
        self.used_codes.add(code)
        return value


class _Base(RequestHandler):
    @property
    def state(self):
        return self.settings["fake_state"]

    def body(self):
        try:
            return json.loads(self.request.body or b"{}")
        except ValueError:
            return {}

    def reply(self, payload):
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(payload, ensure_ascii=False))


class _Api(_Base):
    """A WeChat endpoint: counts the call, applies injected delays and 45011s, maps WeChatError."""

    async def _serve(self):
        path = self.request.path
        self.state.calls[path] += 1
        delay = self.state.take(self.state.delays, path)
        if delay:
            await asyncio.sleep(delay[0])
        if self.state.latency:
            await asyncio.sleep(self.state.latency)
        try:
            now = time.monotonic()
            self.state.outages = [o for o in self.state.outages if o[0] > now]
            outage = next((o for o in self.state.outages if o[2] in (None, path)), None)
            if outage is not None:
                raise WeChatError(outage[1])
            if self.state.take(self.state.limits, path) is not None:
                raise WeChatError(45011)
            failure = self.state.take(self.state.failures, path)
            if failure is not None:
                raise WeChatError(failure[0])
            result = self.answer()
        except WeChatError as exc:
            result = {"errcode": exc.errcode, "errmsg": ERRORS.get(exc.errcode, "error")}
        self.reply(result)

    get = post = _serve


class JsCode2Session(_Api):
    def answer(self):
        self.state.check_app(self.get_argument("appid", ""), self.get_argument("secret", ""))
        code = self.get_argument("js_code", "")
        found = self.state.use_code(code, self.state.login_codes, FAKE_LOGIN)
        found = found or {"openid": FAKE_LOGIN.match(code).group("openid"), "unionid": None}
        result = {"openid": found["openid"], "session_key": secrets.token_urlsafe(16)}
        if found.get("unionid"):
            result["unionid"] = found["unionid"]
        return result


class StableToken(_Api):
    def answer(self):
        body = self.body()
        appid = body.get("appid", "")
        self.state.check_app(appid, body.get("secret", ""))
        now = time.time()
        current = self.state.stable.get(appid)
        expires_at = self.state.tokens.get(current, (None, 0))[1]
        if body.get("force_refresh") or expires_at <= now:
            if current in self.state.tokens and expires_at > now:
                self.state.tokens[current] = (appid, min(expires_at, now + OVERLAP))
            current = self.state.stable[appid] = self.state.issue(appid)
            expires_at = self.state.tokens[current][1]
        # Normal mode hands back the same token with what is left of its life.
        return {"access_token": current, "expires_in": int(expires_at - now)}


class LegacyToken(_Api):
    def answer(self):
        appid = self.get_argument("appid", "")
        self.state.check_app(appid, self.get_argument("secret", ""))
        # The old API: a new token revokes the previous one at once, which is why we don't use it.
        self.state.tokens.pop(self.state.legacy.get(appid), None)
        token = self.state.legacy[appid] = self.state.issue(appid)
        return {"access_token": token, "expires_in": TOKEN_TTL}


class PhoneNumber(_Api):
    def answer(self):
        appid = self.state.check_token(self.get_argument("access_token", ""))
        code = self.body().get("code", "")
        found = self.state.use_code(code, self.state.phone_codes, FAKE_PHONE)
        phone, country = found or (FAKE_PHONE.match(code).group("phone"), "86")
        info = {
            "phoneNumber": phone if country == "86" else f"+{country}{phone}",
            "purePhoneNumber": phone,
            "countryCode": country,
            "watermark": {"timestamp": int(time.time()), "appid": appid},
        }
        return {"errcode": 0, "errmsg": "ok", "phone_info": info}


# Documented value limits of subscribe-message keywords (key type = the key without its number).
FIELD_LIMITS = {"thing": 20, "character_string": 32, "number": 32, "letter": 32, "symbol": 5,
                "phrase": 5, "name": 10, "phone_number": 17, "car_number": 8, "amount": 32,
                "date": 40, "time": 40, "short_thing": 5}


def valid_field(key, value):
    kind = re.sub(r"\d+$", "", key)
    if not isinstance(value, str) or not value:
        return False
    limit = FIELD_LIMITS.get(kind)
    return limit is None or len(value) <= limit


class OaUserGet(_Api):
    """GET cgi-bin/user/get?next_openid=: the account's followers, one page at a time (WeChat:
    10000 per page; `next_openid` of the answer is the last one listed, "" when done)."""

    def answer(self):
        appid = self.state.check_token(self.get_argument("access_token", ""))
        following = [o for o, v in self.state.oa_followers.get(appid, {}).items() if v["subscribe"]]
        after = self.get_argument("next_openid", "")
        start = following.index(after) + 1 if after in following else 0
        page = following[start:start + self.state.oa_page_size]
        result = {"total": len(following), "count": len(page),
                  "next_openid": page[-1] if page else ""}
        if page:
            result["data"] = {"openid": page}
        return result


class OaUserBatchGet(_Api):
    """POST cgi-bin/user/info/batchget {"user_list": [{"openid", "lang"}]} (at most 100): a
    follower's unionid when the account is on an open-platform account; subscribe 0 and nothing
    else for someone who left."""

    def answer(self):
        appid = self.state.check_token(self.get_argument("access_token", ""))
        users = self.body().get("user_list")
        if not isinstance(users, list) or not 0 < len(users) <= 100:
            raise WeChatError(40032)
        known = self.state.oa_followers.get(appid, {})
        out = []
        for entry in users:
            openid = (entry or {}).get("openid", "")
            if openid not in known:
                raise WeChatError(40003)
            info = known[openid]
            if not info["subscribe"]:
                out.append({"subscribe": 0, "openid": openid})
                continue
            user = {"subscribe": 1, "openid": openid, "language": "zh_CN",
                    "subscribe_time": 1700000000}
            if info["unionid"]:
                user["unionid"] = info["unionid"]
            out.append(user)
        return {"user_info_list": out}


class OaTemplateSend(_Api):
    """POST cgi-bin/message/template/send: 40003 an openid the account does not know, 43004 the
    user does not follow (any more), 40037 a template the account does not have, 47003 bad data."""

    def answer(self):
        appid = self.state.check_token(self.get_argument("access_token", ""))
        body = self.body()
        touser, template = body.get("touser", ""), body.get("template_id", "")
        follower = self.state.oa_followers.get(appid, {}).get(touser)
        if follower is None:
            raise WeChatError(40003)
        if not follower["subscribe"]:
            raise WeChatError(43004)
        if (appid, template) not in self.state.oa_templates:
            raise WeChatError(40037)
        data = body.get("data")
        if not isinstance(data, dict) or not data or not all(
            isinstance(v, dict) and "value" in v and valid_field(k, v["value"])
            for k, v in data.items()
        ):
            raise WeChatError(47003)
        self.state.next_msgid += 1
        self.state.template_messages.append(dict(body, appid=appid, msgid=self.state.next_msgid))
        return {"errcode": 0, "errmsg": "ok", "msgid": self.state.next_msgid}


class SubscribeSend(_Api):
    def answer(self):
        self.state.check_token(self.get_argument("access_token", ""))
        body = self.body()
        touser, template = body.get("touser", ""), body.get("template_id", "")
        long_term = (touser, template) in self.state.long_term
        if not self.state.auto_subscribe:
            if template not in self.state.templates:
                raise WeChatError(40037)
            if not long_term and self.state.subscriptions[(touser, template)] <= 0:
                raise WeChatError(43101)
        data = body.get("data")
        if not isinstance(data, dict) or not all(
            isinstance(v, dict) and "value" in v and valid_field(k, v["value"])
            for k, v in data.items()
        ):
            raise WeChatError(47003)
        if not self.state.auto_subscribe and not long_term:
            self.state.subscriptions[(touser, template)] -= 1
        self.state.next_msgid += 1
        self.state.messages.append(dict(body, msgid=self.state.next_msgid))
        return {"errcode": 0, "errmsg": "ok", "msgid": self.state.next_msgid}


CONTROL_ACTIONS = {
    "add_login_code",
    "add_phone_code",
    "expire_token",
    "rate_limit",
    "delay",
    "subscribe",
    "unsubscribe",
    "set_auto_subscribe",
    "fail",
    "add_app",
    "reset",
    "sent_messages",
    "token_fetches",
    "stats",
    "oa_follow",
    "oa_unfollow",
    "oa_add_template",
    "oa_set_page_size",
    "sent_template_messages",
    "set_latency",
    "fail_for",
    "message_counts",
}


class Control(_Base):
    """/__fake__/<action>: test and dev-mode hooks, not part of WeChat.

    Arguments come as a JSON body (POST) or the query string (GET); the answer is {"ok", "result"}.
    """

    def post(self, action):
        if action not in CONTROL_ACTIONS:
            return self.send_error(404)
        if self.request.method == "POST":
            args = self.body()
        else:
            args = {k: self.get_argument(k) for k in self.request.arguments}
        try:
            result = getattr(self.state, action)(**args)
        except (TypeError, ValueError) as exc:
            self.set_status(400)
            return self.reply({"ok": False, "error": str(exc)})
        self.reply({"ok": True, "result": result})

    get = post


def make_fake_app(state):
    return Application(
        [
            (r"/sns/jscode2session", JsCode2Session),
            (r"/cgi-bin/stable_token", StableToken),
            (r"/cgi-bin/token", LegacyToken),
            (r"/wxa/business/getuserphonenumber", PhoneNumber),
            (r"/cgi-bin/message/subscribe/send", SubscribeSend),
            (r"/cgi-bin/user/get", OaUserGet),
            (r"/cgi-bin/user/info/batchget", OaUserBatchGet),
            (r"/cgi-bin/message/template/send", OaTemplateSend),
            (r"/__fake__/(\w+)", Control),
        ],
        fake_state=state,
    )


class FakeWeChatServer:
    """Runs the fake in the current IOLoop.

    Sync control helpers act on .state directly; .control has the same ones as coroutines over HTTP.
    """

    def __init__(self, *, appid="wx-fake-appid", secret="fake-secret", auto_subscribe=False):
        self.state = FakeState({appid: secret}, auto_subscribe=auto_subscribe)
        self.appid, self.secret = appid, secret
        self._server = None
        self.base_url = None

    def start(self, host="127.0.0.1", port=0):
        sockets = bind_sockets(port, host, family=socket.AF_INET)
        self._server = HTTPServer(make_fake_app(self.state))
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        self.base_url = f"http://{host}:{self.port}/"
        self.control = FakeWeChatControl(self.base_url)
        return self

    def stop(self):
        if self._server:
            self._server.stop()
            self._server = None

    async def astop(self):
        server, self._server = self._server, None
        if server:
            server.stop()
            await server.close_all_connections()

    def __getattr__(self, name):
        # The sync control helpers are FakeState's own methods: same process, no HTTP needed.
        if name in CONTROL_ACTIONS:
            return getattr(self.state, name)
        raise AttributeError(name)


class FakeWeChatControl:
    """Async control helpers over HTTP, also for a fake in another process (`-m server.fakewechat`).

    Same names and arguments as the sync ones: `await control.add_login_code("c1", "openid-1")`.
    """

    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/") + "/__fake__/"

    def __getattr__(self, name):
        if name not in CONTROL_ACTIONS:
            raise AttributeError(name)
        signature = inspect.signature(getattr(FakeState, name))

        async def call(*args, **kwargs):
            bound = signature.bind(None, *args, **kwargs)
            body = {k: v for k, v in bound.arguments.items() if k != "self"}
            response = await AsyncHTTPClient().fetch(
                self.base_url + name, method="POST", body=json.dumps(body)
            )
            return json.loads(response.body)["result"]

        return call


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9999)
    parser.add_argument("--appid", default="wx-fake-appid")
    parser.add_argument("--secret", default="fake-secret")
    parser.add_argument(
        "--auto-subscribe", action="store_true", help="accept every template and openid"
    )
    parser.add_argument(
        "--latency-ms", type=float, default=None,
        help="every API call waits this long (default: MINGJING_FAKE_WECHAT_LATENCY_MS or 0)",
    )
    args = parser.parse_args(argv)

    async def serve():
        fake = FakeWeChatServer(
            appid=args.appid, secret=args.secret, auto_subscribe=args.auto_subscribe
        )
        if args.latency_ms is not None:
            fake.state.default_latency = fake.state.latency = args.latency_ms / 1000
        fake.start(args.host, args.port)
        print(f"fake WeChat API at {fake.base_url} (appid {args.appid})", flush=True)
        await asyncio.Event().wait()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
