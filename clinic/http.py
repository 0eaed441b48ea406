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
