"""Which exceptions mean "a dependency is down" (503) and which stay bugs (500); the Sentinel URL."""
import peewee
import pymysql
import pytest
from redis.exceptions import BusyLoadingError, ConnectionError, ResponseError, TimeoutError

from server.faults import as_unavailable
from server.redis import parse_sentinel


@pytest.mark.parametrize("exc", [
    ConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused."),
    TimeoutError("Timeout reading from socket"),
    BusyLoadingError("Redis is loading the dataset in memory"),
    peewee.OperationalError(2003, "Can't connect to MySQL server on '127.0.0.1'"),
    peewee.OperationalError(2013, "Lost connection to MySQL server during query"),
    peewee.InterfaceError("Database pool is shutting down."),
    peewee.InterfaceError(0, "Not connected"),  # the ROLLBACK after a lost connection
    pymysql.err.OperationalError(1053, "Server shutdown in progress"),
    peewee.OperationalError("database is locked"),
])
def test_dependency_down_is_503(exc):
    error = as_unavailable(exc)
    assert error is not None and error.status == 503 and error.code == "SERVICE_UNAVAILABLE"
    assert error.headers["Retry-After"] == "5"


def test_wrapped_driver_error_is_503():
    try:
        try:
            raise pymysql.err.OperationalError(2006, "MySQL server has gone away")
        except pymysql.err.OperationalError as inner:
            raise peewee.OperationalError(*inner.args) from inner
    except peewee.OperationalError as exc:
        assert as_unavailable(exc) is not None


@pytest.mark.parametrize("exc", [
    ResponseError("WRONGTYPE Operation against a key holding the wrong kind of value"),
    peewee.OperationalError(1054, "Unknown column 'x' in 'field list'"),
    peewee.OperationalError("no such column: x"),
    peewee.IntegrityError(1062, "Duplicate entry"),
    peewee.InterfaceError("Model is not bound to a database."),
    KeyError("x"),
])
def test_bugs_stay_bugs(exc):
    assert as_unavailable(exc) is None


def test_sentinel_url():
    assert parse_sentinel("redis+sentinel://:s3cret@10.0.0.1:26379,10.0.0.2:26380/mymaster/2") == (
        [("10.0.0.1", 26379), ("10.0.0.2", 26380)], "mymaster", 2, "s3cret")
    assert parse_sentinel("redis+sentinel://sentinel/mingjing") == (
        [("sentinel", 26379)], "mingjing", 0, None)
    with pytest.raises(ValueError):
        parse_sentinel("redis+sentinel://sentinel:26379")
