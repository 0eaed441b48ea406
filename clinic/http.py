"""The client's address, the same everywhere: throttles, rate limits, lockouts, audit rows.

Behind the clinic's reverse proxy every request comes from the proxy's address, so keying
limits on REMOTE_ADDR would make all patients share one bucket. With PROXY_COUNT set to the
number of proxies in front of gunicorn, the address is the one the outermost proxy saw,
read from the right of X-Forwarded-For (what a client writes on the left is never trusted).
This is DRF's own rule (NUM_PROXIES), so a throttle and an audit row name the same client.
"""

import ipaddress

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address; REMOTE_ADDR when the forwarded one is not an address."""
    # get_ident reads only request.META, which a Django request has as much as DRF's.
    candidate = BaseThrottle().get_ident(request)  # type: ignore[arg-type]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return request.META.get("REMOTE_ADDR") or None


def client_network(request: HttpRequest) -> str | None:
    """What a throttle keys on: the IPv4 address, or the IPv6 client's /64 network.

    An IPv6 subscriber is given a whole /64 (RFC 6177), so keying on the full address
    would let one client rotate through 2**64 fresh buckets.
    """
    address = client_ip(request)
    if address is None:
        return None
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6 and parsed.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address
