"""Is a host private? Used to keep tenant-configured URLs off the server's own network."""

from __future__ import annotations

import ipaddress
import socket


def is_private_host(host: str) -> bool:
    """True when `host` is, or resolves to, a loopback, private, link-local or reserved address.

    A host that does not resolve now is not refused here; callers check again at request time.
    """
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return False
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if (
            ip.is_private
            or ip.is_loopback
            or ip.is_link_local
            or ip.is_reserved
            or (ip.is_unspecified or ip.is_multicast)
        ):
            return True
    return False
