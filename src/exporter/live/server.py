"""The preview's web server: a fixed set of routes served from memory, on loopback only.

Safe to leave running: no path from a URL reaches the file system (every route is a fixed
name or a page number; the HTML rendering carries its images as ``data:`` URLs), a request
whose Host header is not this server's own address is refused (DNS rebinding: a web page
whose name resolves to 127.0.0.1 must not read the book), and only GET and HEAD are
answered. The standard library's threading server is enough for one author's browser tabs.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from exporter.live.page import shell
from exporter.live.pages import PageImages
from exporter.live.worker import Snapshot, Worker

LOOPBACK = ("127.0.0.1", "localhost", "::1")
WILDCARD = ("0.0.0.0", "::")
KEEP_ALIVE = 15.0  # seconds between comments on an idle event stream
_PAGE = re.compile(r"/pages/([1-9][0-9]{0,5})\.(png|txt)")
# The rendering is the pipeline's sanitized HTML: no script of its own may run, nothing may
# load from elsewhere.
_RENDER_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "frame-ancestors 'self'"
)
_SHELL_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src 'self'; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'"
)


def host_names(host: str, port: int) -> frozenset[str]:
    """Return the Host header values this server answers to (lower case, with the port)."""
    names = {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}
    names.add(f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
    if host in WILDCARD:  # every interface: the browser names this machine (no DNS asked)
        names.add(f"{socket.gethostname()}:{port}")
    return frozenset(n.lower() for n in names)


class PreviewServer(ThreadingHTTPServer):
    """Serve one Worker's latest rendering until ``stopping`` is set."""

    daemon_threads = True  # an open event stream never keeps the process from ending

    def __init__(self, host: str, port: int, worker: Worker, title: str) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Handler)
        self.worker = worker
        self.images = PageImages()
        self.page = shell(title)
        self.stopping = threading.Event()
        self.port = int(self.server_address[1])
        self.hosts = host_names(host, self.port)

    def url(self) -> str:
        """Return the address to open in a browser."""
        host = str(self.server_address[0])
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}/"

    def stop(self) -> None:
        """End the event streams and the serving loop, and close the socket."""
        self.stopping.set()
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the terminal shows rebuilds, not every request."""

    def do_HEAD(self) -> None:
        """Answer like GET, without the body."""
        self._answer(body=False)

    def do_GET(self) -> None:
        """Answer one of the fixed routes, or 404."""
        self._answer(body=True)

    def _answer(self, body: bool) -> None:
        """Check the Host header, then dispatch on the exact path."""
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in self.server.hosts:
            return self._send(
                HTTPStatus.FORBIDDEN, b"Refused: unknown Host header.\n", "text/plain", body
            )
        path = urlsplit(self.path).path
        state = self.server.worker.snapshot()
        if path == "/":
            return self._send(HTTPStatus.OK, self.server.page, "text/html", body, _SHELL_POLICY)
        if path == "/render.html":
            return self._send(HTTPStatus.OK, _rendering(state), "text/html", body, _RENDER_POLICY)
        if path == "/state":
            return self._send(HTTPStatus.OK, self._state(state), "application/json", body)
        if path == "/events" and body:
            return self._events(state.version)
        page = _PAGE.fullmatch(path)
        if page and int(page.group(1)) <= len(state.pages):
            shown = state.pages[int(page.group(1)) - 1]
            if page.group(2) == "txt":  # what the page says, for scripts and tests
                text = self.server.images.text(shown).encode()
                return self._send(HTTPStatus.OK, text, "text/plain", body)
            return self._send(HTTPStatus.OK, self.server.images.png(shown), "image/png", body)
        self._send(HTTPStatus.NOT_FOUND, b"Not found.\n", "text/plain", body)

    def _state(self, state: Snapshot) -> bytes:
        """Return what the page shows besides the rendering, as JSON."""
        return json.dumps(
            {
                "version": state.version,
                "html_version": state.html_version,
                "pdf_version": state.pdf_version,
                "pages": len(state.pages),
                "page_tags": [page.tag for page in state.pages],
                "warnings": list(state.warnings),
                "error": state.error,
                "busy": state.busy,
                "timings": state.timings,
            }
        ).encode()

    def _events(self, version: int) -> None:
        """Stream one Server-Sent Event per change until the client or the server leaves."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(f"data: {version}\n\n".encode())
            self.wfile.flush()
            while not self.server.stopping.is_set():
                state = self.server.worker.wait_newer(version, KEEP_ALIVE)
                if state.version == version:
                    self.wfile.write(b": idle\n\n")
                else:
                    version = state.version
                    self.wfile.write(f"data: {version}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def _send(
        self, status: HTTPStatus, data: bytes, media: str, body: bool, policy: str = ""
    ) -> None:
        """Send a complete answer that no cache keeps and no browser sniffs."""
        self.send_response(status)
        charset = "; charset=utf-8" if media.startswith("text/") or "json" in media else ""
        self.send_header("Content-Type", media + charset)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if policy:
            self.send_header("Content-Security-Policy", policy)
        self.end_headers()
        if body:
            self.wfile.write(data)


def _rendering(state: Snapshot) -> bytes:
    """Return the latest good HTML, or a short page while the first build runs or failed."""
    if state.html is not None:
        return state.html
    import html

    message = html.escape(state.error) if state.error else "Building…"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Preview</title>'
        f"</head><body><p>{message}</p></body></html>"
    ).encode()
