"""Running the app under uvicorn, in one process or several sharing one listening socket.

uvicorn creates its shared socket with protocol 0, and asyncio sets TCP_NODELAY only on connections of a
socket whose protocol is TCP; so every response of a multi-worker server would wait ~40 ms for the
client's delayed ACK (Nagle's algorithm). `_Config` hands uvicorn the same socket marked as TCP.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

APP = "luoshi.web.server:server_app"


def server_app() -> Any:
    """The app of a server process (uvicorn's factory, in every worker): the logs set up as
    LUOSHI_LOG_FORMAT says, then `create_app()`."""
    from luoshi.settings import get_settings
    from luoshi.web.app import create_app
    from luoshi.web.monitoring import configure_logging

    configure_logging(get_settings().log_format)
    return create_app()


class _Config(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock = socket.socket(sock.family, socket.SOCK_STREAM, socket.IPPROTO_TCP, fileno=sock.detach())
            sock.set_inheritable(True)
        return sock


def config(*, host: str = "127.0.0.1", port: int = 8000, workers: int = 1, log_level: str = "warning",
           trusted_proxies: str | None = None) -> uvicorn.Config:
    """uvicorn's configuration. X-Forwarded-For is believed only from the proxies named in
    `trusted_proxies` (default: LUOSHI_TRUSTED_PROXIES; none): anyone else could rotate it and get a new
    client address, and so new login tries, with every request."""
    if trusted_proxies is None:
        from luoshi.settings import get_settings

        trusted_proxies = get_settings().trusted_proxies
    proxies = ",".join(p.strip() for p in trusted_proxies.split(",") if p.strip())
    return _Config(APP, factory=True, host=host, port=port, workers=workers, log_level=log_level,
                   proxy_headers=bool(proxies), forwarded_allow_ips=proxies or "")


def run(*, host: str = "127.0.0.1", port: int = 8000, workers: int = 1, log_level: str = "warning") -> None:
    """Serve `create_app()` (settings from the environment) until interrupted."""
    config_ = config(host=host, port=port, workers=workers, log_level=log_level)
    server = uvicorn.Server(config_)
    if workers == 1:
        server.run()
        return
    folder = _metrics_folder()
    try:
        Multiprocess(config_, sockets=[config_.bind_socket()]).run()
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _metrics_folder() -> str | None:
    """A fresh folder where the worker processes keep their metrics, for /metrics to sum them
    (prometheus_client's multiprocess mode); None when the environment names one already."""
    from luoshi.web.monitoring import MULTIPROCESS

    if os.environ.get(MULTIPROCESS):
        return None
    folder = tempfile.mkdtemp(prefix="luoshi-metrics-")
    os.environ[MULTIPROCESS] = folder  # the workers are spawned: they inherit it before importing anything
    return folder
