"""`stacks server` as a child process on a test's database and broker, and its REST API as a staff member."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from stacks.broker.registry import SERVER_USER
from stacks.server_process import ServerProcess
from tests.support.broker import RunningBroker
from tests.support.ports import free_port


@contextmanager
def running_server(
    tmp_path: Path, database_url: str, broker: RunningBroker, **env: str
) -> Iterator[ServerProcess]:
    """The server on the database and broker until the block ends; `env` adds STACKS_* settings."""
    process = ServerProcess(
        {
            "STACKS_DATA_DIR": str(tmp_path / "server"),
            "STACKS_DATABASE_URL": database_url,
            "STACKS_MQTT_URL": broker.plan.url,
            "STACKS_MQTT_PASSWORD": broker.plan.credentials.password(SERVER_USER),
            "STACKS_MQTT_PROTOCOL": broker.plan.protocol,
            **env,
        },
        port=free_port(),
        log_path=tmp_path / "server.log",
    )
    process.start()
    try:
        yield process
    finally:
        process.stop()


def staff_api(server: ServerProcess, username: str, password: str) -> httpx.Client:
    """A client of the server's REST API (`/api/v1`), signed in as the staff member (the caller closes it)."""
    token = httpx.post(
        f"{server.base_url}/api/v1/login/access-token",
        data={"username": username, "password": password},
        timeout=10,
    ).json()["access_token"]
    return httpx.Client(
        base_url=f"{server.base_url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
