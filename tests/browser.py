"""Helpers for end-to-end tests: Debian's Chromium driven by Playwright, and a live server.

We never run ``playwright install`` (downloads are blocked on our machines). Playwright drives the
system Chromium instead, through ``executable_path``. Install it with ``apt-get install chromium``
or point ``JIEFEN_CHROMIUM`` at another Chromium/Chrome binary.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.serving import make_server

if TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import Browser, Playwright

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# The network is closed on CI machines: keep Chromium from phoning home (updates, sync, QUIC),
# and /dev/shm is small in containers.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    """Path of the Chromium binary to drive ($JIEFEN_CHROMIUM, else /usr/bin/chromium), or None
    when it does not exist or is not executable."""
    path = os.environ.get("JIEFEN_CHROMIUM") or DEFAULT_CHROMIUM
    return path if Path(path).is_file() and os.access(path, os.X_OK) else None


def launch_browser(playwright: Playwright, **kwargs: Any) -> Browser:
    """Launch the system Chromium headless. Extra keyword arguments go to
    ``playwright.chromium.launch`` (e.g. ``slow_mo``).

    Raises:
        RuntimeError: no Chromium binary was found.
    """
    path = chromium_path()
    if path is None:
        raise RuntimeError(
            "Chromium not found: set JIEFEN_CHROMIUM or `apt-get install chromium` "
            "(do not run `playwright install`)."
        )
    args = [*CHROMIUM_ARGS, *kwargs.pop("args", [])]
    return playwright.chromium.launch(executable_path=path, headless=True, args=args, **kwargs)


class LiveServer:
    """Serve a Flask app on 127.0.0.1 and a free port from a daemon thread.

    Use as a context manager::

        with LiveServer(app) as server:
            page.goto(server.url + "/")

    or call ``start()`` and ``stop()`` yourself (e.g. in a session fixture).
    """

    def __init__(self, app: Flask, host: str = "127.0.0.1") -> None:
        self.app = app
        self.host = host
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("LiveServer is not running")
        return self._server.server_port

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:43817``."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> LiveServer:
        if self._server is not None:
            return self
        # Port 0: the OS picks a free port, and the socket is bound before we return, so the
        # first request cannot race the server start.
        self._server = make_server(self.host, 0, self.app, threaded=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"LiveServer:{self._server.server_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()  # waits for serve_forever() to return
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
