"""`stacks server` as a child process on a test's database and broker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
