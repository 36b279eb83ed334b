"""Settings of the broker process (`stacks broker run`), from `STACKS_*` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_CONFIG_DIR = Path(__file__).resolve().parent.parent.parent / "config"
DEFAULT_MQTT_PORT = 18830


class BrokerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STACKS_", env_file=".env", extra="ignore", frozen=True)

    data_dir: Path = Path("var")
    config_dir: Path = REPO_CONFIG_DIR
    broker_host: str = "127.0.0.1"
    broker_port: int = DEFAULT_MQTT_PORT
    broker: Literal["auto", "mosquitto", "amqtt"] = Field(
        default="auto", description="auto: mosquitto when installed, else the embedded amqtt broker."
    )
    mosquitto_bin: str | None = Field(
        default=None, description="Path of mosquitto; found on PATH when unset."
    )
    broker_max_queued_messages: int = Field(
        default=1_000_000, description="Messages the broker queues per offline/slow QoS 1 subscriber."
    )

    @property
    def broker_dir(self) -> Path:
        return self.data_dir / "broker"

    @property
    def devices_path(self) -> Path:
        return self.config_dir / "devices.toml"
