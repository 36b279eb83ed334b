"""Serving an agent's own screen (the handheld's, the kiosk's) from its process: uvicorn on a thread.

with serving(screen_app(agent), port=8765, name="handheld-screen") as url:
    ...
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette

START_WAIT_S = 10.0


@contextmanager
def serving(app: Starlette, *, port: int, host: str = "127.0.0.1", name: str = "screen") -> Iterator[str]:
    """The screen served by uvicorn on a thread until the block ends; yields its base URL."""
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", lifespan="off", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    waited = 0.0
    while not server.started and thread.is_alive() and waited < START_WAIT_S:
        thread.join(0.05)  # uvicorn sets `started` once it listens
        waited += 0.05
    if not server.started:
        server.should_exit = True
        raise OSError(f"the {name} could not listen on {host}:{port}")
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
