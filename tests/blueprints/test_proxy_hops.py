"""The client address behind reverse proxies (JIEFEN_PROXY_HOPS): rate limits count each
citizen, not the proxy, and a client cannot forge its way into another bucket."""

from __future__ import annotations

import pytest

from app import create_app, register_proxy
from config import TestingConfig
from extensions import limiter

PROXY = "127.0.0.1"  # nginx on the same host, as README's deploy section sets it up


def lookup(client, forwarded: str | None = None, remote: str = PROXY):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        "/lookup",
        data={"number": "2026-421022-999999", "code": "ABCDEFGH"},
        headers=headers,
        environ_base={"REMOTE_ADDR": remote},
    ).status_code


@pytest.fixture
def three_lookups(app):
    app.config["JIEFEN_LIMIT_LOOKUP"] = "3 per minute"
    limiter.reset()
    yield
    app.config["JIEFEN_LIMIT_LOOKUP"] = "100000 per minute"
    limiter.reset()


@pytest.fixture
def behind_one_proxy(app):
    original = app.wsgi_app
    app.config["PROXY_HOPS"] = 1
    register_proxy(app)
    yield
    app.wsgi_app = original
    app.config["PROXY_HOPS"] = 0


def test_without_a_proxy_the_forwarded_header_is_not_believed(client, three_lookups):
    """Hops 0 (the default): X-Forwarded-For is whatever a client wrote, so it changes nothing;
    the socket's address is counted."""
    statuses = [lookup(client, f"203.0.113.{n}", remote="198.51.100.7") for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Another address is its own bucket.
    assert lookup(client, remote="198.51.100.8") == 200


def test_behind_a_proxy_each_citizen_has_their_own_bucket(client, three_lookups, behind_one_proxy):
    """Hops 1: every request comes from the proxy's socket, and the proxy names the client.
    Before this, the whole county shared the proxy's bucket."""
    assert [lookup(client, "203.0.113.5") for _ in range(4)] == [200, 200, 200, 429]
    assert lookup(client, "203.0.113.9") == 200
    # The limited citizen prepends an address of their own choosing; nginx appends the real one
    # ($proxy_add_x_forwarded_for), and only the last hop is trusted.
    assert lookup(client, "198.51.100.1, 203.0.113.5") == 429


def test_the_host_is_not_taken_from_forwarded_headers(client, behind_one_proxy):
    """Only the address and the scheme are trusted: a forged X-Forwarded-Host cannot put another
    site into the links the portal prints (the receipt's QR code)."""
    response = client.get(
        "/lookup?number=2026-421022-000001",
        headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.5"},
        environ_base={"REMOTE_ADDR": PROXY},
    )
    assert response.status_code == 200
    assert "evil.example" not in response.get_data(as_text=True)


@pytest.mark.no_db
@pytest.mark.parametrize("value", ["-1", "one", "1.5", "11", " "])
def test_a_wrong_hop_count_stops_the_start(value):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        PROXY_HOPS = value

    with pytest.raises(RuntimeError, match="JIEFEN_PROXY_HOPS"):
        create_app(Config)
