"""One-machine defaults: processes started by `stacks` find the broker's URL and credentials here.

Server and agents take MQTT settings from `STACKS_*` variables. Where the password is not given, the `stacks`
commands fill it in from the credentials this installation generated (never the packages themselves: the
server and the edge know nothing of how the broker was set up):

- no broker named (no STACKS_MQTT_URL): the local broker — its URL, its protocol, its password for the user;
- a broker named (e.g. `mosquitto:1883` under docker compose, sharing the data volume): only the password.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Set
from typing import Any

from stacks.broker.process import broker_plan
from stacks.broker.registry import load_credentials
from stacks.broker.settings import BrokerSettings


def mqtt_overrides(user: str, given: Set[str]) -> dict[str, Any]:
    """Settings for `user` to reach the broker; `given` are the settings fields already set explicitly."""
    if "mqtt_password" in given:
        return {}
    broker = BrokerSettings()
    if "mqtt_url" in given:
        return {"mqtt_password": load_credentials(broker.broker_dir / "credentials.json").password(user)}
    plan = broker_plan(broker)
    overrides: dict[str, Any] = {"mqtt_password": plan.credentials.password(user), "mqtt_url": plan.url}
    if "mqtt_protocol" not in given:
        overrides["mqtt_protocol"] = plan.protocol
    return overrides


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=os.environ.get("STACKS_LOG_LEVEL", level),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
