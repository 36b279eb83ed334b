"""What the circulation services need besides the database: policies, limits, the PIN hasher, the
shelf orders a stock-take session freezes when it opens, and the lifecycle's timers and charges.

`build(settings)` loads and validates everything once at start-up (a bad policy file fails there, not
mid-request). Whoever calls a service hands it the context: the application keeps it in `app.state`
(routes get it as a dependency), the ingest's handlers hold it, a command builds its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2 import PasswordHasher

from server.collection_config.lifecycle import load_lifecycle
from server.collection_config.shelf_orders import ShelfOrders, load_shelf_orders
from server.domain.lifecycle.settings import LifecycleSettings
from server.errors import ConfigurationError
from server.services.policies import Policies, load_policies
from server.settings import ServerSettings

# Argon2id at the OWASP minimum (19 MiB, 2 passes, 1 lane): about 20 ms per verification on a 2-core
# machine, so a kiosk login stays well under 100 ms. A PIN has little entropy; the lock after a few wrong
# tries protects it at the kiosk, the hash protects it in a stolen database.
PIN_TIME_COST = 2
PIN_MEMORY_KIB = 19 * 1024
PIN_PARALLELISM = 1


def pin_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=PIN_TIME_COST, memory_cost=PIN_MEMORY_KIB, parallelism=PIN_PARALLELISM)


@dataclass(frozen=True)
class CirculationContext:
    policies: Policies
    timezone: ZoneInfo
    pin_max_failures: int
    kiosk_session_minutes: int
    hasher: PasswordHasher
    shelf_orders: ShelfOrders  # config/shelf_orders.toml: location code → its shelves' order
    # config/lifecycle.toml: the missing → lost timers and replacement charges
    lifecycle: LifecycleSettings = field(default_factory=LifecycleSettings)


def build(settings: ServerSettings) -> CirculationContext:
    """Load the policies and the shelf orders and check the settings; raises ConfigurationError on a bad
    file or value."""
    try:
        timezone = ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(f"unknown time zone {settings.timezone!r}") from exc
    if settings.pin_max_failures < 1 or settings.kiosk_session_minutes < 1:
        raise ConfigurationError("pin_max_failures and kiosk_session_minutes must be at least 1")
    policies = load_policies(settings.policies_path, timezone)
    return CirculationContext(
        policies=policies,
        timezone=timezone,
        pin_max_failures=settings.pin_max_failures,
        kiosk_session_minutes=settings.kiosk_session_minutes,
        hasher=pin_hasher(),
        shelf_orders=load_shelf_orders(settings.shelf_orders_path),
        lifecycle=load_lifecycle(settings.lifecycle_path, policies.rules.categories),
    )
