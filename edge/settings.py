"""Settings of one edge agent process, from `STACKS_*` environment variables (and `.env`).

Defaults suit a kiosk on the same machine as the local broker (`stacks broker run`). Timing values are
floats in seconds so that tests can run the same code with short intervals.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contract.common import DEVICE_ID_PATTERN
from contract.mqtt import MqttEndpoint, Protocol
from contract.status import DeviceKind

# The local broker's default port (`stacks broker`); an agent elsewhere sets STACKS_MQTT_URL.
DEFAULT_MQTT_URL = "mqtt://127.0.0.1:18830"

# The server dead-letters messages over 64 KiB; agents keep every message under 60 KiB.
MESSAGE_LIMIT_BYTES = 60 * 1024


class EdgeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STACKS_", env_file=".env", extra="ignore", frozen=True)

    device_id: str = Field(pattern=DEVICE_ID_PATTERN, description="This device; also its MQTT user name.")
    device_kind: DeviceKind = DeviceKind.KIOSK
    data_dir: Path = Field(
        default=Path("var"), description="The outbox lives under <data_dir>/edge/<device>/."
    )

    mqtt_url: str = Field(default=DEFAULT_MQTT_URL, description="mqtt://host:port or mqtts://host:port.")
    mqtt_username: str | None = Field(default=None, description="Defaults to the device id.")
    mqtt_password: SecretStr | None = None
    mqtt_protocol: Protocol = Field(default="5", description='"3.1.1" for the embedded amqtt broker.')
    mqtt_keepalive_s: int = Field(default=30, ge=5)
    mqtt_session_expiry_s: int = Field(
        default=7 * 24 * 3600,
        ge=0,
        description="How long the broker keeps replies and acks while we are away.",
    )

    heartbeat_s: float = Field(default=30.0, gt=0, description="Interval of the retained status heartbeat.")
    resend_after_s: float = Field(
        default=10.0,
        gt=0,
        description="An unconfirmed event is sent again after this long, then with backoff.",
    )
    resend_max_s: float = Field(default=180.0, gt=0, description="Cap of the per-event re-send backoff.")
    batch_max_events: int = Field(default=200, ge=1, description="Most events in one MQTT message.")
    batch_max_bytes: int = Field(
        default=56 * 1024,
        ge=1024,
        lt=MESSAGE_LIMIT_BYTES,
        description="Largest MQTT message the agent sends; also the largest single event it accepts.",
    )
    window: int = Field(default=4000, ge=1, description="Most events published and not yet confirmed.")
    request_timeout_s: float = Field(default=5.0, gt=0, description="Default wait for a reply to a request.")
    stop_drain_s: float = Field(
        default=2.0, ge=0, description="On a clean stop, how long to wait for confirmations before leaving."
    )

    @model_validator(mode="after")
    def _resend_cap_above_base(self) -> EdgeSettings:
        if self.resend_max_s < self.resend_after_s:
            raise ValueError("resend_max_s must be at least resend_after_s")
        return self

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "edge" / self.device_id / "outbox.db"

    @property
    def username(self) -> str:
        return self.mqtt_username or self.device_id

    def endpoint(self) -> MqttEndpoint:
        password = self.mqtt_password.get_secret_value() if self.mqtt_password is not None else None
        return MqttEndpoint.from_url(self.mqtt_url, self.username, password, self.mqtt_protocol)
