"""Throttles, rate limits, lockouts and audit rows all see the client's own address."""

import pytest
from django.test import RequestFactory
from rest_framework.settings import api_settings

from clinic.http import client_ip


@pytest.fixture
def proxies(settings):
    def set_count(count: int) -> None:
        settings.PROXY_COUNT = count
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}
        api_settings.reload()

    yield set_count
    api_settings.reload()


def _request(remote: str, forwarded: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_a_proxy_a_forwarded_header_is_never_believed(proxies):
    proxies(0)
    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_one_proxy_it_is_the_address_the_proxy_saw(proxies):
    proxies(1)
    # The client wrote the left entry itself; the proxy appended the real one on the right.
    request = _request("10.0.0.2", "1.2.3.4, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


@pytest.mark.parametrize("forwarded", ["not-an-address", "", " , ", "1.2.3.4; DROP TABLE"])
def test_a_forwarded_value_that_is_not_an_address_falls_back_to_the_peer(proxies, forwarded):
    proxies(1)
    assert client_ip(_request("10.0.0.2", forwarded)) == "10.0.0.2"


def test_the_settings_wire_every_limit_to_the_same_rule(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "clinic.http.client_ip"
    assert settings.RATELIMIT_IP_META_KEY == "clinic.http.client_ip"
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.PROXY_COUNT


# --- IPv6 clients (issue 13, finding 2) ------------------------------------------------------


def test_api_throttles_key_an_ipv6_client_by_its_64_network(proxies):
    """One IPv6 subscriber holds a whole /64: keyed per address, it would get 2**64 buckets."""
    from clinic.api import ClientScopedRateThrottle, PublicApiView

    proxies(0)
    ident = ClientScopedRateThrottle().get_ident
    same = ident(_request("2001:db8:1:2::1"))
    assert ident(_request("2001:db8:1:2:ffff:ffff:ffff:9")) == same
    assert ident(_request("2001:0db8:0001:0002:0000:0000:0000:0abc")) == same
    assert ident(_request("2001:db8:1:3::1")) != same
    assert ident(_request("203.0.113.9")) == "203.0.113.9"
    assert ident(_request("203.0.113.10")) == "203.0.113.10"
    assert PublicApiView.throttle_classes == [ClientScopedRateThrottle]


def test_behind_a_proxy_the_forwarded_ipv6_address_is_keyed_by_64(proxies):
    from clinic.api import ClientScopedRateThrottle

    proxies(1)
    ident = ClientScopedRateThrottle().get_ident
    a = ident(_request("10.0.0.2", "2001:db8:aa:bb::1"))
    b = ident(_request("10.0.0.2", "2001:db8:aa:bb::2"))
    assert a == b == "2001:db8:aa:bb::/64"
