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
