"""WeChatGateway against the fake WeChat server over real loopback HTTP.

Redis is fakeredis, or a real one when MINGJING_TEST_REDIS_URL is set (one test).
"""

import asyncio
import json
import os
import socket
import time

import fakeredis
import fakeredis.aioredis
import pytest
import pytest_asyncio
from tornado.httpclient import AsyncHTTPClient

from server.errors import BadRequest, Conflict, RateLimited, Unavailable
from server.fakewechat import FakeWeChatServer
from server.wechat import WECHAT_BASE, WeChatGateway

APPID, SECRET = "wx-test-appid", "test-secret"
TOKEN_KEY = f"wechat:access_token:{APPID}"


@pytest_asyncio.fixture
async def fake():
    server = FakeWeChatServer(appid=APPID, secret=SECRET).start()
    yield server
    await server.astop()


@pytest_asyncio.fixture
async def redis():
    client = fakeredis.aioredis.FakeRedis()
    yield client
    await client.aclose()


@pytest_asyncio.fixture
async def make_gateway(fake, redis):
    made = []

    def make(**overrides):
        kwargs = dict(appid=APPID, secret=SECRET, api_base=fake.base_url, redis=redis, timeout=2)
        kwargs.update(overrides)
        made.append(WeChatGateway(**kwargs))
        return made[-1]

    yield make
    for gateway in made:
        await gateway.close()


@pytest.fixture
def gateway(make_gateway):
    return make_gateway()


async def raw(fake, path, *, method="GET", body=None):
    """Talk to the fake directly, as a client that bypasses the gateway would."""
    response = await AsyncHTTPClient().fetch(
        fake.base_url + path, method=method, body=None if body is None else json.dumps(body)
    )
    return json.loads(response.body)


# -- code_to_session ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_code_to_session_ok(fake, gateway):
    fake.add_login_code("code-1", "openid-1", unionid="union-1")
    session = await gateway.code_to_session("code-1")
    assert session["openid"] == "openid-1"
    assert session["unionid"] == "union-1"
    assert session["session_key"]
    # jscode2session needs no access_token, so none was fetched.
    assert fake.token_fetches("stable_token") == 0


@pytest.mark.asyncio
async def test_fake_login_code_works_once(gateway):
    session = await gateway.code_to_session("fake:dev-openid")
    assert session == {
        "openid": "dev-openid",
        "session_key": session["session_key"],
        "unionid": None,
    }
    with pytest.raises(Conflict) as caught:
        await gateway.code_to_session("fake:dev-openid")
    assert caught.value.code == "WECHAT_CODE_USED"


@pytest.mark.asyncio
async def test_invalid_code_is_400(gateway):
    with pytest.raises(BadRequest) as caught:
        await gateway.code_to_session("nobody-registered-this")
    assert (caught.value.status, caught.value.code) == (400, "WECHAT_CODE_INVALID")
    assert caught.value.message == "登录凭证无效，请重新进入小程序"


@pytest.mark.asyncio
async def test_used_code_is_409(fake, gateway):
    fake.add_login_code("code-2", "openid-2")
    await gateway.code_to_session("code-2")
    with pytest.raises(Conflict) as caught:
        await gateway.code_to_session("code-2")
    assert (caught.value.status, caught.value.code) == (409, "WECHAT_CODE_USED")


@pytest.mark.asyncio
async def test_minute_quota_is_429(fake, gateway):
    fake.add_login_code("code-3", "openid-3")
    fake.rate_limit(1, path="/sns/jscode2session")
    with pytest.raises(RateLimited) as caught:
        await gateway.code_to_session("code-3")
    assert (caught.value.status, caught.value.code) == (429, "WECHAT_RATE_LIMITED")
    assert caught.value.headers["Retry-After"] == "60"
    # Only the next call was limited; the code was not consumed by the refused call.
    assert (await gateway.code_to_session("code-3"))["openid"] == "openid-3"


@pytest.mark.asyncio
async def test_timeout_and_unreachable_are_503(fake, redis, make_gateway):
    fake.delay(1.0, path="/sns/jscode2session")
    with pytest.raises(Unavailable) as caught:
        await make_gateway(timeout=0.3).code_to_session("fake:slow")
    assert (caught.value.status, caught.value.code, caught.value.message) == (
        503,
        "WECHAT_UNAVAILABLE",
        "无法连接微信服务，请稍后重试",
    )

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    with pytest.raises(Unavailable):
        await make_gateway(api_base=dead).get_phone_number("fakephone:13800001234")


@pytest.mark.asyncio
async def test_wrong_secret_is_503(make_gateway):
    with pytest.raises(Unavailable) as caught:
        await make_gateway(secret="wrong").get_access_token()
    assert caught.value.code == "WECHAT_UNAVAILABLE"


# -- phone number -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_phone_number_ok(fake, gateway):
    fake.add_phone_code("phone-1", "13800001234")
    assert await gateway.get_phone_number("phone-1") == "13800001234"
    assert await gateway.get_phone_number("fakephone:13900005678") == "13900005678"
    # Both calls shared one cached token.
    assert fake.token_fetches("stable_token") == 1


@pytest.mark.asyncio
async def test_phone_code_errors(fake, gateway):
    with pytest.raises(BadRequest) as caught:
        await gateway.get_phone_number("unknown")
    assert caught.value.code == "WECHAT_CODE_INVALID"
    fake.add_phone_code("phone-2", "13800001234")
    await gateway.get_phone_number("phone-2")
    with pytest.raises(Conflict) as caught:
        await gateway.get_phone_number("phone-2")
    assert caught.value.code == "WECHAT_CODE_USED"


@pytest.mark.asyncio
async def test_expired_token_is_refreshed_and_retried(fake, redis, gateway):
    old = await gateway.get_access_token()
    fake.expire_token(old)  # WeChat now answers 42001 for it, though Redis still holds it
    assert await gateway.get_phone_number("fakephone:13800001234") == "13800001234"
    new = (await redis.get(TOKEN_KEY)).decode()
    assert new != old
    assert fake.token_fetches("stable_token") == 2
    # The refused call and the retry.
    assert fake.state.calls["/wxa/business/getuserphonenumber"] == 2


@pytest.mark.asyncio
async def test_revoked_token_40001_is_refreshed(fake, gateway):
    old = await gateway.get_access_token()
    del fake.state.tokens[old]  # unknown to WeChat: 40001
    assert await gateway.get_phone_number("fakephone:13800001234") == "13800001234"
    assert await gateway.get_access_token() != old


# -- access_token -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_token_is_cached_in_redis_with_margin(redis, gateway):
    token = await gateway.get_access_token()
    assert (await redis.get(TOKEN_KEY)).decode() == token
    assert 7200 - 300 - 5 <= await redis.ttl(TOKEN_KEY) <= 7200 - 300


@pytest.mark.asyncio
async def test_two_processes_fetch_one_stable_token(fake, make_gateway):
    # Two gateways with separate Redis connections to one server: two processes sharing a Redis.
    shared = fakeredis.FakeServer()
    redis_a = fakeredis.aioredis.FakeRedis(server=shared)
    redis_b = fakeredis.aioredis.FakeRedis(server=shared)
    first, second = make_gateway(redis=redis_a), make_gateway(redis=redis_b)
    # Slow token endpoint, so the second process surely asks while the first is still fetching.
    fake.delay(0.3, calls=5, path="/cgi-bin/stable_token")
    token_a, token_b = await asyncio.gather(first.get_access_token(), second.get_access_token())
    assert token_a == token_b
    assert fake.token_fetches("stable_token") == 1
    assert fake.token_fetches("token") == 0  # the legacy endpoint is never used
    await redis_a.aclose()
    await redis_b.aclose()


@pytest.mark.asyncio
async def test_legacy_token_endpoint_revokes_the_previous_token(fake):
    # Why stable_token: with /cgi-bin/token each process's fetch kills the token the others hold.
    query = f"cgi-bin/token?grant_type=client_credential&appid={APPID}&secret={SECRET}"
    first = (await raw(fake, query))["access_token"]
    await raw(fake, query)
    phone = f"wxa/business/getuserphonenumber?access_token={first}"
    assert (await raw(fake, phone, method="POST", body={"code": "fakephone:13800001234"}))[
        "errcode"
    ] == 40001
    # stable_token in normal mode hands every caller the same live token.
    body = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}
    a = await raw(fake, "cgi-bin/stable_token", method="POST", body=body)
    b = await raw(fake, "cgi-bin/stable_token", method="POST", body=body)
    assert a["access_token"] == b["access_token"]
    # force_refresh issues a new one; the previous keeps working for 5 minutes.
    c = await raw(fake, "cgi-bin/stable_token", method="POST", body=dict(body, force_refresh=True))
    assert c["access_token"] != a["access_token"]
    phone = f"wxa/business/getuserphonenumber?access_token={a['access_token']}"
    assert (await raw(fake, phone, method="POST", body={"code": "fakephone:13800001234"}))[
        "errcode"
    ] == 0
    assert fake.state.tokens[a["access_token"]][1] <= time.time() + 300


@pytest.mark.asyncio
async def test_nearly_expired_token_is_force_refreshed(fake, redis, gateway):
    old = await gateway.get_access_token()
    # WeChat would hand this one back with only 100 s left.
    fake.state.tokens[old] = (APPID, time.time() + 100)
    await redis.delete(TOKEN_KEY)
    new = await gateway.get_access_token()
    assert new != old
    assert fake.token_fetches("stable_token") == 3  # first fetch, normal refetch, forced refetch


@pytest.mark.asyncio
async def test_calls_do_not_block_the_ioloop(fake, gateway):
    fake.delay(0.3, path="/sns/jscode2session")
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.02)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        await gateway.code_to_session("fake:patient")
    finally:
        task.cancel()
    # The fake server shares this loop: the call could only finish because the loop kept running.
    assert ticks >= 5


def test_every_endpoint_goes_to_the_configured_base(make_gateway):
    client = make_gateway(api_base="http://127.0.0.1:1")._client
    assert client.API_BASE_URL == "http://127.0.0.1:1/cgi-bin/"
    assert client.wxa.API_BASE_URL == "http://127.0.0.1:1/"
    bases = [getattr(api, "API_BASE_URL", "") for api in vars(client).values()]
    assert not [b for b in bases if isinstance(b, str) and b.startswith(WECHAT_BASE)]


# -- subscribe messages -------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_subscribe_message_ok_then_used_up(fake, gateway):
    fake.subscribe("openid-9", "tpl-leave")
    msgid = await gateway.send_subscribe_message(
        "openid-9",
        "tpl-leave",
        {"thing1": "年休假", "time2": {"value": "2024-05-01"}},
        page="pages/leave/index",
    )
    assert isinstance(msgid, int)
    [sent] = fake.sent_messages()
    assert (
        sent["touser"] == "openid-9"
        and sent["page"] == "pages/leave/index"
        and sent["msgid"] == msgid
    )
    assert sent["data"] == {"thing1": {"value": "年休假"}, "time2": {"value": "2024-05-01"}}
    # A subscription allows one message (一次性订阅); the next one is refused.
    with pytest.raises(Conflict) as caught:
        await gateway.send_subscribe_message("openid-9", "tpl-leave", {"thing1": "x"})
    assert (caught.value.status, caught.value.code) == (409, "WECHAT_NOT_SUBSCRIBED")


@pytest.mark.asyncio
async def test_subscribe_message_refused_or_bad_template(fake, gateway):
    fake.subscribe("someone-else", "tpl-leave")
    with pytest.raises(Conflict) as caught:
        await gateway.send_subscribe_message("openid-9", "tpl-leave", {"thing1": "x"})
    assert caught.value.code == "WECHAT_NOT_SUBSCRIBED"
    with pytest.raises(Unavailable):  # 40037: our configuration is wrong, not the user's doing
        await gateway.send_subscribe_message("openid-9", "tpl-unknown", {"thing1": "x"})
    assert fake.sent_messages() == []


# -- control API --------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_control_api_over_http(fake, gateway):
    control = fake.control
    await control.add_login_code("code-h", "openid-h")
    await control.add_phone_code("phone-h", "13700001111")
    await control.subscribe("openid-h", "tpl-h")
    assert (await gateway.code_to_session("code-h"))["openid"] == "openid-h"
    assert await gateway.get_phone_number("phone-h") == "13700001111"
    await gateway.send_subscribe_message("openid-h", "tpl-h", {"thing1": "hi"})
    assert [m["touser"] for m in await control.sent_messages()] == ["openid-h"]
    assert await control.token_fetches("stable_token") == 1
    await control.rate_limit(1)
    with pytest.raises(RateLimited):
        await gateway.get_phone_number("fakephone:13800001234")
    await control.reset()
    assert fake.sent_messages() == [] and await control.token_fetches("stable_token") == 0


# -- real Redis ---------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.skipif(
    not os.environ.get("MINGJING_TEST_REDIS_URL"), reason="MINGJING_TEST_REDIS_URL not set"
)
async def test_real_redis_one_fetch_for_two_processes(fake, make_gateway):
    import redis.asyncio as aioredis

    url = os.environ["MINGJING_TEST_REDIS_URL"]  # e.g. redis://127.0.0.1:6379/15
    clients = [aioredis.from_url(url, decode_responses=True) for _ in range(2)]
    await clients[0].delete(TOKEN_KEY, f"wechat:access_token_lock:{APPID}")
    try:
        gateways = [make_gateway(redis=client) for client in clients]
        fake.delay(0.3, calls=5, path="/cgi-bin/stable_token")
        tokens = await asyncio.gather(*(g.get_access_token() for g in gateways))
        assert tokens[0] == tokens[1]
        assert fake.token_fetches("stable_token") == 1
        assert 0 < await clients[0].ttl(TOKEN_KEY) <= 6900
        fake.expire_token(tokens[0])
        assert await gateways[1].get_phone_number("fakephone:13800001234") == "13800001234"
    finally:
        await clients[0].delete(TOKEN_KEY)
        for client in clients:
            await client.aclose()
