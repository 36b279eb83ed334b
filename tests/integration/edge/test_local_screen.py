"""An agent's screen served on its thread (`edge.local_screen.serving`) stops cleanly with a page still
open on its live stream: the stream ends by itself, instead of being cancelled when uvicorn's graceful
shutdown gives up (which logs an error at every clean stop)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from functools import partial

import anyio
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from edge.kiosk.feed import ScreenFeed
from edge.local_screen import serving, still_open
from tests.support.ports import free_port


def _screen(ended: list[str]) -> Starlette:
    feed = ScreenFeed()  # nothing changes: the stream waits, as the agents' do, a while at a time

    async def stream(request: Request) -> Response:
        async def changes() -> AsyncIterator[ServerSentEvent]:
            yield ServerSentEvent("shown", event="part")
            position = feed.last
            while await still_open(request):
                _, position = await anyio.to_thread.run_sync(partial(feed.after, position, timeout=0.2))
            ended.append("by itself")  # never reached by a stream cancelled mid-wait

        return EventSourceResponse(changes())

    return Starlette(routes=[Route("/events", stream)])


def test_a_screen_with_an_open_stream_stops_and_the_stream_ends_by_itself() -> None:
    port, ended = free_port(), list[str]()
    with serving(_screen(ended), port=port, name="test-screen"):
        page = socket.create_connection(("127.0.0.1", port), timeout=5)
        page.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        received = b""
        while b"shown" not in received:
            received += page.recv(4096)
    page.close()
    assert b"200 OK" in received
    assert ended == ["by itself"]  # not cancelled when uvicorn's graceful shutdown gave up (an error logged)
