"""Fetch a remote image when ``--allow-remote`` is given, never from a private address.

Every hop (the first request and each redirect) resolves the host, refuses the request when
any of its addresses is loopback, private, link-local, multicast or otherwise not global,
and then connects to the address it checked, so a DNS answer that changes between the check
and the connection (rebinding) cannot reach an internal service.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from exporter.guard.policy import MiB

TIMEOUT = 15.0
MAX_BYTES = 50 * MiB
MAX_REDIRECTS = 5


class Refused(Exception):
    """A URL that policy forbids; the message says why."""


def is_public(address: str) -> bool:
    """Tell whether an IP address is a global, unicast one."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def vetted_address(host: str, port: int) -> tuple:
    """Resolve ``host`` and return one socket address, if every address it has is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Refused(f"cannot resolve {host} ({exc.strerror})") from None
    for *_, sockaddr in infos:
        if not isinstance(sockaddr[0], str) or not is_public(sockaddr[0]):
            raise Refused(f"{host} is a private, loopback or link-local address ({sockaddr[0]})")
    return infos[0]


class _VettedHTTP(http.client.HTTPConnection):
    def connect(self) -> None:
        family, kind, proto, _, sockaddr = vetted_address(self.host, self.port)
        self.sock = socket.socket(family, kind, proto)
        self.sock.settimeout(self.timeout)
        self.sock.connect(sockaddr)


class _VettedHTTPS(http.client.HTTPSConnection):
    def connect(self) -> None:
        family, kind, proto, _, sockaddr = vetted_address(self.host, self.port)
        raw = socket.socket(family, kind, proto)
        raw.settimeout(self.timeout)
        raw.connect(sockaddr)
        # _context: HTTPSConnection's own SSL context, private (not in typeshed).
        context = self._context  # type: ignore[attr-defined]
        self.sock = context.wrap_socket(raw, server_hostname=self.host)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_VettedHTTP, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        # _context: HTTPSHandler's own SSL context, private (not in typeshed).
        context = self._context  # type: ignore[attr-defined]
        return self.do_open(_VettedHTTPS, req, context=context)


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise Refused(f"redirect to a non-web address ({newurl[:60]})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str) -> bytes:
    """Return the body of an http(s) URL, refusing private addresses on every hop."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise Refused("only http and https addresses can be fetched")
    opener = urllib.request.OpenerDirector()
    handlers = (_HTTPHandler(), _HTTPSHandler(), _Redirects(), urllib.request.HTTPErrorProcessor())
    for handler in (*handlers, urllib.request.HTTPDefaultErrorHandler()):
        opener.add_handler(handler)
    request = urllib.request.Request(url, headers={"User-Agent": "exporter"})
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            data = response.read(MAX_BYTES + 1)
    except Refused:
        raise
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, Refused):
            raise reason from None
        raise Refused(f"could not be fetched ({reason})") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise Refused(f"could not be fetched ({exc})") from None
    if len(data) > MAX_BYTES:
        raise Refused(f"is larger than {MAX_BYTES // MiB} MB")
    return data
