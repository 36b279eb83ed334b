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
from starlette.requests import Request

START_WAIT_S = 10.0


async def still_open(request: Request) -> bool:
    """Whether a screen's live stream goes on: its page is still there, and the screen is not stopping.
    A stream ends by itself when `serving` stops, instead of being cancelled mid-wait (an error in the log
    at every clean stop of an agent whose screen was open)."""
    closing = getattr(request.app.state, "closing", None)
    if isinstance(closing, threading.Event) and closing.is_set():
        return False
    return not await request.is_disconnected()


@contextmanager
def serving(app: Starlette, *, port: int, host: str = "127.0.0.1", name: str = "screen") -> Iterator[str]:
    """The screen served by uvicorn on a thread until the block ends; yields its base URL."""
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", lifespan="off", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    app.state.closing = closing = threading.Event()
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
        closing.set()  # open streams end at their next look (within a second), then uvicorn stops
        server.should_exit = True
        thread.join(timeout=10)
