"""The server's settings: one object per process, from `STACKS_*` environment variables (and `.env`).

Defaults run everything on one machine: a SQLite file database under `var/` and the local broker that
`stacks broker` generates and starts. Settings modules import nothing heavy: every `stacks` command reads
them at start-up to recognise its variables (stacks.environment).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"


class ServerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STACKS_", env_file=".env", extra="ignore", frozen=True)

    data_dir: Path = Field(default=Path("var"), description="Where the SQLite database and secrets live.")
    config_dir: Path = Field(default=REPO_CONFIG_DIR, description="Holds policies.toml and the device list.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default sqlite:///<data_dir>/stacks.db (WAL)."
    )
    db_echo: bool = False

    http_host: str = "127.0.0.1"
    http_port: int = 8000

    mqtt_url: str = Field(default="mqtt://127.0.0.1:18830", description="mqtt://host:port of the broker.")
    mqtt_username: str = "server"
    mqtt_password: SecretStr | None = None
    mqtt_client_id: str = "stacks-server"
    mqtt_session_expiry_s: int = Field(
        default=7 * 24 * 3600, description="How long the broker keeps the server's queue while it is down."
    )
    ingest_enabled: bool = Field(default=True, description="Run the MQTT consumer inside the server.")
    ingest_batch_max: int = Field(
        default=1000, ge=1, description="Most messages committed in one transaction."
    )
    ingest_batch_max_bytes: int = Field(
        default=512 * 1024,
        ge=1,
        description="Stop filling a batch past this many bytes, so acks flow steadily.",
    )
    ingest_receive_max: int = Field(
        default=2000,
        ge=1,
        description="MQTT receive maximum: unacknowledged messages in flight to us.",
    )

    request_ttl_s: int = Field(
        default=120, description="Kiosk requests older than this when they arrive are refused (not applied)."
    )
    offline_settle_s: float = Field(
        default=3,
        ge=0,
        description="Kiosks' offline transactions are applied once the newest has waited this long (others "
        "from the same outage may still be on their way).",
    )
    offline_list_interval_s: float = Field(
        default=60, gt=0, description="How often the offline list's changed shards are republished."
    )
    mqtt_protocol: Literal["5", "3.1.1"] = Field(
        default="5", description="3.1.1 only for the amqtt fallback."
    )

    secret_key: SecretStr | None = Field(
        default=None, description="Signs staff access tokens; generated under data_dir when unset."
    )
    access_token_minutes: int = 8 * 60
    first_staff_username: str | None = Field(default=None, description="Created at start-up if missing.")
    first_staff_password: SecretStr | None = None

    login_free_failures: int = Field(
        default=3, ge=0, description="Failed sign-ins in a row for one user name before attempts must wait."
    )
    login_first_delay_s: float = Field(
        default=2, gt=0, description="The first wait; each further failure doubles it."
    )
    login_max_delay_s: float = Field(default=60, gt=0, description="The longest wait before the lock.")
    login_lock_failures: int = Field(
        default=10, ge=1, description="Failed sign-ins in a row for one user name that lock it."
    )
    login_lock_minutes: float = Field(default=15, gt=0, description="How long a lock lasts.")
    login_forget_minutes: float = Field(
        default=60, gt=0, description="A run of failures is forgotten after this long without one."
    )
    login_address_free_failures: int = Field(
        default=20, ge=0, description="The same, for one client address (a reading room shares one)."
    )
    login_address_lock_failures: int = Field(default=100, ge=1, description="Failures that lock an address.")

    library_name: str | None = Field(
        default=None,
        description="Shown in the console's header and heads the stock-take's inventory report; default: "
        "the word for library in the header, the root location's name in the report.",
    )
    import_max_upload_mib: float = Field(
        default=200,
        gt=0,
        description="The largest file the console's import pages accept (MARC or CSV), in MiB; a larger one "
        "is refused before anything is imported.",
    )
    console_idle_minutes: float = Field(
        default=30, gt=0, description="A console session ends when idle this long."
    )
    console_session_hours: float = Field(
        default=12,
        gt=0,
        description="A console session ends this long after signing in, whatever the activity.",
    )
    console_secure_cookie: bool | None = Field(
        default=None,
        description="Mark the session cookie Secure: true behind a TLS proxy; default: on https requests.",
    )
    console_live_poll_ms: int = Field(
        default=100, ge=10, description="How often the console's live feed looks for new commits."
    )
    console_live_queue: int = Field(
        default=32, ge=1, description="Changes queued for one live page before it is told to reload instead."
    )

    timezone: str = Field(default="Asia/Ho_Chi_Minh", description="The library's time zone (due dates).")
    kiosk_session_minutes: int = Field(default=10, description="A kiosk session ends after this idle time.")
    pin_max_failures: int = Field(default=5, description="Wrong PINs in a row before the PIN is locked.")
    loan_history_days: int = Field(
        default=30,
        ge=1,
        description="Days who borrowed, held or signed in at a kiosk is kept once over; then `stacks privacy "
        "purge` detaches the reader (docs/privacy.md).",
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'stacks.db').resolve()}"

    @property
    def policies_path(self) -> Path:
        return self.config_dir / "policies.toml"

    @property
    def shelf_orders_path(self) -> Path:
        return self.config_dir / "shelf_orders.toml"

    @property
    def lifecycle_path(self) -> Path:
        return self.config_dir / "lifecycle.toml"

    @property
    def devices_path(self) -> Path:
        return self.config_dir / "devices.toml"


class SeedSettings(BaseSettings):
    """The initial PIN every seeded patron shares (`stacks seed`), as libraries hand out cards with a default
    PIN that the patron changes at the desk. Override with STACKS_SEED_INITIAL_PIN."""

    model_config = SettingsConfigDict(env_prefix="STACKS_SEED_", env_file=".env", extra="ignore", frozen=True)

    initial_pin: SecretStr = Field(default=SecretStr("2468"), description="4 to 12 digits.")
