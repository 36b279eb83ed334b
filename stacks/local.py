"""One-machine defaults: processes started by `stacks` find the local broker's URL and credentials here.

Server and agents take MQTT settings from `STACKS_*` variables; where the password is not given, the
`stacks` commands fill it in from the local broker's generated credentials (never the packages themselves:
the server and the edge know nothing of the local broker).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from stacks.broker.process import BrokerPlan, prepare_broker
from stacks.broker.settings import BrokerSettings


def local_broker() -> BrokerPlan:
    return prepare_broker(BrokerSettings())


def mqtt_overrides(user: str) -> dict[str, Any]:
    """Settings for `user` to reach the local broker, unless the environment already names a broker."""
    if os.environ.get("STACKS_MQTT_PASSWORD"):
        return {}
    plan = local_broker()
    overrides: dict[str, Any] = {
        "mqtt_password": plan.credentials.password(user),
        "mqtt_protocol": plan.protocol,
    }
    if not os.environ.get("STACKS_MQTT_URL"):
        overrides["mqtt_url"] = plan.url
    return overrides


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=os.environ.get("STACKS_LOG_LEVEL", level),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
