"""Serve a built site over HTTP on this machine, optionally under a sub-path like GitHub Pages."""

from __future__ import annotations

import functools
import http.server
import logging
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder at `base_path` (e.g. /REPO/) and answers 404 everywhere else."""

    base_path = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.base_path):
            return str(Path(self.directory) / "__outside_base_path__")
        return super().translate_path("/" + path[len(self.base_path) :])

    def end_headers(self) -> None:
        # As GitHub Pages does: a partition's search page reads the portal's index from another
        # origin when the sites have addresses of their own (partitions.py).
        self.send_header("Access-Control-Allow-Origin", "*")
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
