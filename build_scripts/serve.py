"""Serve a built site over HTTP on this machine, optionally under a sub-path like GitHub Pages."""

from __future__ import annotations

import functools
import http.server
import io
import logging
import os
import re
import threading
from http import HTTPStatus
from pathlib import Path

log = logging.getLogger(__name__)


RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) bytes a single-range `Range` header asks of a file of `size` bytes, or
    None when it asks for none of them (416). Several ranges are not asked by the site's pages."""
    match = RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:  # the last N bytes
        length = int(last)
        return (max(0, size - length), size - 1) if length and size else None
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    return (start, end) if start <= end else None


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder at `base_path` (e.g. /REPO/) and answers 404 everywhere else.
    Answers `Range` requests as GitHub Pages does (206 and the bytes asked), which the SQL page's
    engine reads the database with."""

    base_path = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.base_path):
            return str(Path(self.directory) / "__outside_base_path__")
        return super().translate_path("/" + path[len(self.base_path) :])

    def send_head(self) -> io.BufferedIOBase | io.BytesIO | None:
        wanted = self.headers.get("Range")
        path = self.translate_path(self.path)
        if not wanted or not os.path.isfile(path):
            return super().send_head()
        data = Path(path).read_bytes()
        span = byte_range(wanted, len(data))
        if span is None:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{len(data)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        first, last = span
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {first}-{last}/{len(data)}")
        self.send_header("Content-Length", str(last - first + 1))
        self.end_headers()
        return io.BytesIO(data[first : last + 1])

    def end_headers(self) -> None:
        # As GitHub Pages does: a partition's search page reads the portal's index from another
        # origin when the sites have addresses of their own (partitions.py).
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s " + format, self.address_string(), *args)


def normalize_base_path(base_path: str) -> str:
    """'/', or the sub-path with one slash at each end ('REPO' -> '/REPO/')."""
    inner = base_path.strip("/")
    return f"/{inner}/" if inner else "/"


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 8000, base_path: str = "/"):
    """An HTTP server for the site; port 0 picks a free one (see server.server_address)."""
    handler = type("Handler", (SubPathHandler,), {"base_path": normalize_base_path(base_path)})
    return http.server.ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(site_dir)))


def serve_in_thread(site_dir: Path, base_path: str = "/") -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start a server on a free port in a background thread; return it and the site's URL."""
    server = make_server(site_dir, port=0, base_path=base_path)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}{normalize_base_path(base_path)}"
