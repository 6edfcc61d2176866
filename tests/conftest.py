"""Fixtures: one running app per session, data wiped before each test, clients and factories."""
import pytest

from tests.factories import Factory
from tests.support import Client, ServerThread, reset_data, test_config


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    srv = ServerThread(test_config(tmp_path_factory.mktemp("mingjing"))).start()
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def _clean(request):
    if "server" in request.fixturenames:
        srv = request.getfixturevalue("server")
        srv.run(reset_data(srv.env))
    yield


@pytest.fixture
def api(server):
    """An anonymous client; `api.as_(staff)` gives a signed-in one."""
    return Client(server.base_url)


@pytest.fixture
def f(server):
    return Factory(server)


@pytest.fixture
def org(f):
    return f.org()


@pytest.fixture
def fake_wechat(server):
    return server.env.fake_wechat
