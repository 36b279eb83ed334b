"""A real broker for the tests: the generated mosquitto config (ACLs, credentials) on a free loopback port."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from pydantic import SecretStr

from contract.mqtt import MqttEndpoint
from server.settings import REPO_CONFIG_DIR, ServerSettings
from stacks.broker.process import BrokerPlan, BrokerProcess, prepare_broker
from stacks.broker.registry import SERVER_USER
from stacks.broker.settings import BrokerSettings
from tests.support.ports import free_port

TEST_DEVICES = ["kiosk-01", "kiosk-02", "gate-01", "handheld-01"] + [f"kiosk-t{i:02d}" for i in range(1, 21)]


class RunningBroker:
    def __init__(self, process: BrokerProcess) -> None:
        self.process = process

    @property
    def plan(self) -> BrokerPlan:
        return self.process.plan

    def endpoint(self, user: str) -> MqttEndpoint:
        return MqttEndpoint(
            host=self.plan.host,
            port=self.plan.port,
            username=user,
            password=self.plan.credentials.password(user),
            protocol=self.plan.protocol,
        )


@contextmanager
def running_broker(
    data_dir: Path, *, implementation: Literal["mosquitto", "amqtt"] = "mosquitto"
) -> Iterator[RunningBroker]:
    settings = BrokerSettings(data_dir=data_dir, broker_port=free_port(), broker=implementation)
    process = BrokerProcess(prepare_broker(settings, extra_devices=TEST_DEVICES[4:]))
    process.start()
    try:
        yield RunningBroker(process)
    finally:
        process.stop()


def command_env(broker: RunningBroker, **extra: str) -> dict[str, str]:
    """The environment for a `stacks` command on this broker: no STACKS_* of the test's own, so the command
    must find everything (credentials, URL, protocol) from the broker's generated files."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("STACKS_")}
    return env | {
        "STACKS_DATA_DIR": str(broker.plan.directory.parent),
        "STACKS_BROKER_PORT": str(broker.plan.port),
        **extra,
    }


def server_settings(
    broker: RunningBroker, data_dir: Path, database_url: str, client_id: str
) -> ServerSettings:
    """Settings of a server on this broker and database, with the repository's policies."""
    return ServerSettings(
        data_dir=data_dir,
        config_dir=REPO_CONFIG_DIR,
        database_url=database_url,
        mqtt_url=broker.plan.url,
        mqtt_password=SecretStr(broker.plan.credentials.password(SERVER_USER)),
        mqtt_protocol=broker.plan.protocol,
        mqtt_client_id=client_id,
        _env_file=None,
    )
